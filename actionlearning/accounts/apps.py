from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "actionlearning.accounts"
    label = "accounts"
    verbose_name = "Accounts"
