from django.apps import AppConfig


class BusConfig(AppConfig):
    name = "jeevanrekha.bus"
    label = "bus"
    verbose_name = "Event bus"
