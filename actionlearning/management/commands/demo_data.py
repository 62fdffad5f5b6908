"""Load the demo: people, innovations, a learning set. Running it twice changes nothing."""

from django.core.management.base import BaseCommand
from django.db import transaction

from actionlearning.accounts import demo as accounts_demo
from innovations import demo as innovations_demo
from sets import demo as sets_demo
from sets import demo_between as between_demo
from sets import demo_notifications


class Command(BaseCommand):
    help = "Create the demo people and data (idempotent) and print how to sign in."

    def handle(self, *args, **options):
        with transaction.atomic():
            users = accounts_demo.load()
            innovations_demo.load(people=users)
            sets_demo.load(people=users)
            between_demo.load(people=users)
            demo_notifications.load(people=users)
            admin = users["admin@example.org"]
            recovery_codes = accounts_demo.demo_admin_mfa(admin)
        self.stdout.write(self.style.SUCCESS("Demo data is ready."))
        self.stdout.write(f"Sign in with any of these, password “{accounts_demo.DEMO_PASSWORD}”:")
        for person in accounts_demo.DEMO_PEOPLE:
            self.stdout.write(f"  {person.email:<26} {person.full_name} ({person.role})")
        self.stdout.write(
            "The admin's two-factor code: add the secret "
            f"{accounts_demo.DEMO_ADMIN_TOTP_SECRET} to an authenticator app, "
            f"or use a recovery code once: {', '.join(recovery_codes[:3])}"
        )
