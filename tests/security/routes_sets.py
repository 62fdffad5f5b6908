from tests.security.access import SIGNED_IN, Rule, Who, object_rule

# Who may open each: tests/sets/test_access_sets.py. In short: a set's pages are for its
# active members and staff (404 to anyone else); its facilitators' pages answer 403 to
# other members; the calendar feed and invitation links are open to whoever holds the secret.
SETS = object_rule("tests/sets/test_access_sets.py")

ROUTES = {
    "sets:list": SIGNED_IN,
    "sets:calendar_feed": SIGNED_IN,
    "sets:create": SETS,
    "sets:detail": SETS,
    "sets:manage": SETS,
    "sets:edit": SETS,
    "sets:leave": SETS,
    "sets:invite": SETS,
    "sets:invitation_resend": SETS,
    "sets:invitation_revoke": SETS,
    "sets:meetings_plan": SETS,
    "sets:meeting": SETS,
    "sets:meeting_rsvp": SETS,
    "sets:meeting_ics": SETS,
    "sets:meeting_manage": SETS,
    "sets:meeting_edit": SETS,
    "sets:meeting_cancel": SETS,
    "sets:calendar_feed_ics": SETS,
    "sets:invitation_open": SETS,
    "sets:invitation": SETS,
    "sets:invitation_signup": SETS,
    "sets:invitation_accept": SETS,
    "sets:invitation_decline": SETS,
    "sets:invitation_renewal": SETS,
}

# History kept read-only in the admin: adding one there is refused (403), even to staff.
ROUTES |= {
    "admin:sets_groundrules_add": Rule(Who.STAFF, opens_without_parameters=False),
    "admin:sets_calendarfeed_add": Rule(Who.STAFF, opens_without_parameters=False),
}
