from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context
from django.contrib.sites.shortcuts import get_current_site

from actionlearning.mail import email_queue


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context_data: dict) -> None:
        """Render now, while the request is at hand; a worker sends it after commit."""
        request = context.request
        message_context = {
            "request": request,
            "email": email,
            "current_site": get_current_site(request),
            **context_data,
        }
        email_queue(self.render_mail(template_prefix, email, message_context))
