from django.urls import path

from innovations import views

app_name = "innovations"
urlpatterns = [
    path("innovations/", views.catalogue, name="catalogue"),
    path("innovations/new/", views.innovation_create, name="create"),
    path("innovations/<slug:slug>/", views.innovation_detail, name="detail"),
    path("innovations/<slug:slug>/edit/", views.innovation_edit, name="edit"),
    path("innovations/<slug:slug>/adopt/", views.adoption_start, name="adopt"),
    path(
        "innovations/<slug:slug>/resources/<int:pk>/file",
        views.resource_file,
        name="resource_file",
    ),
    path("organisations/<int:pk>/", views.organisation_detail, name="organisation"),
    path("adoptions/<int:pk>/", views.adoption_detail, name="adoption"),
    path("adoptions/<int:pk>/stage/", views.adoption_stage, name="adoption_stage"),
    path("adoptions/<int:pk>/profile/", views.adoption_profile, name="adoption_profile"),
    path(
        "adoptions/<int:pk>/components/<int:component_pk>/",
        views.ledger_entry,
        name="ledger_entry",
    ),
    path("adoptions/<int:pk>/barriers/new/", views.barrier_add, name="barrier_add"),
    path(
        "adoptions/<int:pk>/barriers/<int:barrier_pk>/resolve/",
        views.barrier_resolve,
        name="barrier_resolve",
    ),
    path("adoptions/<int:pk>/enablers/new/", views.enabler_add, name="enabler_add"),
]
