from django.apps import AppConfig


class CryptoConfig(AppConfig):
    name = "jeevanrekha.crypto"
    label = "crypto"
    verbose_name = "Encryption at rest"
