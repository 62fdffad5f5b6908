from django.urls import path

from sets import notification_views as views

app_name = "notifications"
urlpatterns = [
    path("notifications/", views.notification_list, name="list"),
    path("notifications/preferences/", views.preferences, name="preferences"),
    path("notifications/unsubscribe/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("notifications/rsvp/<str:token>/", views.rsvp, name="rsvp"),
    path("sets/<int:set_id>/reminders/", views.set_reminders, name="set_reminders"),
    path(
        "sets/<int:set_id>/reminders/<int:notification_id>/retry/",
        views.set_notification_retry,
        name="set_retry",
    ),
]
