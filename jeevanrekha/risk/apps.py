from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "jeevanrekha.risk"
    label = "risk"
    verbose_name = "Risk"
