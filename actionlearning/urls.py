from django.contrib import admin
from django.urls import include, path

from actionlearning import views

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("allauth.urls")),
    path("accounts/", include("actionlearning.accounts.urls")),
    path("admin/", admin.site.urls),
    path("", include("sets.urls")),
    path("", include("sets.between_urls")),
    path("", include("innovations.urls")),
    path("", include("sets.notification_urls")),
]
