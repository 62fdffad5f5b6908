"""Django admin that only staff with two-factor authentication may enter.

The admin's own login form is replaced by allauth's, so its rate limits and
MFA apply; a staff member without an authenticator is sent to set one up.
"""

from allauth.account.decorators import secure_admin_login
from allauth.mfa.utils import is_mfa_enabled
from django.contrib import admin, messages
from django.shortcuts import redirect


class AdminSite(admin.AdminSite):
    site_header = "Action learning administration"
    site_title = "Action learning admin"
    index_title = "Run the service"

    def has_permission(self, request):
        return super().has_permission(request) and is_mfa_enabled(request.user)

    def login(self, request, extra_context=None):
        return _admin_login(request, site=self, extra_context=extra_context)


@secure_admin_login
def _admin_login(request, *, site, extra_context=None):
    if not is_mfa_enabled(request.user):
        messages.warning(
            request,
            "Set up two-factor authentication before you open the administration site.",
        )
        return redirect("mfa_activate_totp")
    return admin.AdminSite.login(site, request, extra_context)
