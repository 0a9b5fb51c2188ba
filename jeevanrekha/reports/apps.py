from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "jeevanrekha.reports"
    label = "reports"
    verbose_name = "Reports"
