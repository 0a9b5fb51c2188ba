from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "jeevanrekha.accounts"
    label = "accounts"
    verbose_name = "Accounts"
