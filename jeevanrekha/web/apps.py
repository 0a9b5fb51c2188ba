from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "jeevanrekha.web"
    label = "web"
    verbose_name = "Desk pages"
