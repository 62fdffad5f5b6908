from django.urls import path

from sets import views

app_name = "sets"
urlpatterns = [
    path("sets/", views.my_sets, name="list"),
    path("sets/new/", views.set_create, name="create"),
    path("sets/<int:set_id>/", views.set_detail, name="detail"),
    path("sets/<int:set_id>/manage/", views.set_manage, name="manage"),
    path("sets/<int:set_id>/edit/", views.set_edit, name="edit"),
    path("sets/<int:set_id>/leave/", views.set_leave, name="leave"),
    path("sets/<int:set_id>/invite/", views.set_invite, name="invite"),
    path(
        "sets/<int:set_id>/invitations/<int:invitation_id>/resend/",
        views.invitation_resend,
        name="invitation_resend",
    ),
    path(
        "sets/<int:set_id>/invitations/<int:invitation_id>/revoke/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path("sets/<int:set_id>/meetings/plan/", views.meetings_plan, name="meetings_plan"),
    path("sets/<int:set_id>/meetings/<int:meeting_id>/", views.meeting_detail, name="meeting"),
    path(
        "sets/<int:set_id>/meetings/<int:meeting_id>/rsvp/", views.meeting_rsvp, name="meeting_rsvp"
    ),
    path(
        "sets/<int:set_id>/meetings/<int:meeting_id>/calendar.ics",
        views.meeting_calendar_file,
        name="meeting_ics",
    ),
    path(
        "sets/<int:set_id>/meetings/<int:meeting_id>/manage/",
        views.meeting_manage,
        name="meeting_manage",
    ),
    path(
        "sets/<int:set_id>/meetings/<int:meeting_id>/edit/", views.meeting_edit, name="meeting_edit"
    ),
    path(
        "sets/<int:set_id>/meetings/<int:meeting_id>/cancel/",
        views.meeting_cancel,
        name="meeting_cancel",
    ),
    path("calendar/", views.calendar_feed, name="calendar_feed"),
    path("calendar/<str:token>.ics", views.calendar_feed_ics, name="calendar_feed_ics"),
    path("invitations/respond/", views.invitation_respond, name="invitation"),
    path("invitations/respond/sign-up/", views.invitation_signup, name="invitation_signup"),
    path("invitations/respond/accept/", views.invitation_accept, name="invitation_accept"),
    path("invitations/respond/decline/", views.invitation_decline, name="invitation_decline"),
    path("invitations/respond/ask-again/", views.invitation_renewal, name="invitation_renewal"),
    path("invitations/<str:token>/", views.invitation_open, name="invitation_open"),
]
