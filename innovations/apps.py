from django.apps import AppConfig


class InnovationsConfig(AppConfig):
    name = "innovations"
    verbose_name = "Innovations and adoption"
