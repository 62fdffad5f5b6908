from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ActionLearningConfig(AppConfig):
    default = True
    name = "actionlearning"
    verbose_name = "Action learning"


class AdminConfig(admin_apps.AdminConfig):
    default = False
    default_site = "actionlearning.admin_site.AdminSite"
