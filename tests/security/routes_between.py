from tests.security.access import SIGNED_IN, Rule, Who, object_rule

# Who may open each: tests/between/test_access_between.py. In short: a set's pages are for
# its active members (404 to anyone else, staff included); the progress page and ordering
# airtime bids are for its facilitators (403 to other members); a reflection is for whoever
# `Reflection.objects.visible_to` lets see it, so a private one is a 404 even to the
# facilitator; an innovator's questions are for the innovation's innovators.
BETWEEN = object_rule("tests/between/test_access_between.py")

ROUTES = {
    "between:reflection_list": BETWEEN,
    "between:reflection_new": BETWEEN,
    "between:reflection_detail": BETWEEN,
    "between:reflection_edit": BETWEEN,
    "between:reflection_history": BETWEEN,
    "between:action_list": BETWEEN,
    "between:action_new": BETWEEN,
    "between:action_detail": BETWEEN,
    "between:question_list": BETWEEN,
    "between:question_new": BETWEEN,
    "between:question_detail": BETWEEN,
    "between:question_support": BETWEEN,
    "between:question_answer": BETWEEN,
    "between:innovator_question": BETWEEN,
    "between:barrier_list": BETWEEN,
    "between:barrier_new": BETWEEN,
    "between:barrier_resolve": BETWEEN,
    "between:check_in": BETWEEN,
    "between:progress": BETWEEN,
    "between:airtime": BETWEEN,
    "between:airtime_order": BETWEEN,
    "between:actions_review": BETWEEN,
    # Each person's own: an innovator's inbox (empty for anyone else) and their learning log.
    "between:innovator_inbox": SIGNED_IN,
    "between:learning_log": SIGNED_IN,
    "between:learning_log_markdown": SIGNED_IN,
    "between:learning_log_json": SIGNED_IN,
}

# Kept read-only in the admin: adding one there is refused (403), even to staff.
ROUTES |= {
    f"admin:sets_{model}_add": Rule(Who.STAFF, opens_without_parameters=False)
    for model in (
        "reflection",
        "reflectionversion",
        "reflectiondraft",
        "action",
        "actionupdate",
        "question",
        "questionsupport",
        "barrier",
        "airtimebid",
        "checkin",
    )
}
