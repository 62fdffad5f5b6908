from django.apps import AppConfig


class SetsConfig(AppConfig):
    name = "sets"
    verbose_name = "Learning sets"

    def ready(self) -> None:
        from sets import notification_admin  # noqa: F401 - registers the outbox in admin
