from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "jeevanrekha.retention"
    label = "retention"
    verbose_name = "Retention"
