"""Reminder emails' pages.

Your notifications and email choices: any signed-in person, each seeing only their own.
The links in emails (RSVP, unsubscribe) need no sign-in: their signature is the key, and a
bad or stale one answers 404 with a page saying the link no longer works. A set's reminder
settings and its retry button: 404 to strangers, 403 to members who do not facilitate it.
"""

from tests.security.access import SIGNED_IN, object_rule

TESTED_IN = "tests/notifications/test_access_notifications.py"

ROUTES = {
    "notifications:list": SIGNED_IN,
    "notifications:preferences": SIGNED_IN,
    "notifications:unsubscribe": object_rule(TESTED_IN),
    "notifications:rsvp": object_rule(TESTED_IN),
    "notifications:set_reminders": object_rule(TESTED_IN),
    "notifications:set_retry": object_rule(TESTED_IN),
}
