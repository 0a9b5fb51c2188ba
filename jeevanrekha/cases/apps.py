from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "jeevanrekha.cases"
    label = "cases"
    verbose_name = "Cases"
