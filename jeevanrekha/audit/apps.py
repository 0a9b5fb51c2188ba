from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "jeevanrekha.audit"
    label = "audit"
    verbose_name = "Audit trail"
