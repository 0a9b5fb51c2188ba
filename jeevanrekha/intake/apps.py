from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "jeevanrekha.intake"
    label = "intake"
    verbose_name = "Intake"
