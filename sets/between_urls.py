from django.urls import path

from sets import between_views as views

app_name = "between"
urlpatterns = [
    path("sets/<int:set_id>/reflections/", views.reflection_list, name="reflection_list"),
    path("sets/<int:set_id>/reflections/new/", views.reflection_new, name="reflection_new"),
    path("reflections/<int:reflection_id>/", views.reflection_detail, name="reflection_detail"),
    path("reflections/<int:reflection_id>/edit/", views.reflection_edit, name="reflection_edit"),
    path(
        "reflections/<int:reflection_id>/history/",
        views.reflection_history,
        name="reflection_history",
    ),
    path("sets/<int:set_id>/actions/", views.action_list, name="action_list"),
    path("sets/<int:set_id>/actions/new/", views.action_new, name="action_new"),
    path("actions/<int:action_id>/", views.action_detail, name="action_detail"),
    path("sets/<int:set_id>/questions/", views.question_list, name="question_list"),
    path("sets/<int:set_id>/questions/new/", views.question_new, name="question_new"),
    path("questions/<int:question_id>/", views.question_detail, name="question_detail"),
    path("questions/<int:question_id>/support/", views.question_support, name="question_support"),
    path("questions/<int:question_id>/answer/", views.question_answer, name="question_answer"),
    path("innovator/questions/", views.innovator_inbox, name="innovator_inbox"),
    path(
        "innovator/questions/<int:question_id>/",
        views.innovator_question,
        name="innovator_question",
    ),
    path("sets/<int:set_id>/barriers/", views.barrier_list, name="barrier_list"),
    path("sets/<int:set_id>/barriers/new/", views.barrier_new, name="barrier_new"),
    path("barriers/<int:barrier_id>/resolve/", views.barrier_resolve, name="barrier_resolve"),
    path("sets/<int:set_id>/check-in/", views.check_in, name="check_in"),
    path("sets/<int:set_id>/progress/", views.progress, name="progress"),
    path("sets/<int:set_id>/meetings/<int:meeting_id>/airtime/", views.airtime, name="airtime"),
    path(
        "sets/<int:set_id>/meetings/<int:meeting_id>/airtime/order/",
        views.airtime_order,
        name="airtime_order",
    ),
    path(
        "sets/<int:set_id>/meetings/<int:meeting_id>/actions-review/",
        views.actions_review,
        name="actions_review",
    ),
    path("learning-log/", views.learning_log, name="learning_log"),
    path("learning-log.md", views.learning_log_markdown, name="learning_log_markdown"),
    path("learning-log.json", views.learning_log_json, name="learning_log_json"),
]
