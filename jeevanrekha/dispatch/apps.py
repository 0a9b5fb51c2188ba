from django.apps import AppConfig


class DispatchConfig(AppConfig):
    name = "jeevanrekha.dispatch"
    label = "dispatch"
    verbose_name = "Dispatch and escalation"
