"""Innovations, organisations and adoption journeys.

Each page needs a signed-in person. Innovations: drafts answer 404 to all but their
editors; creating needs the facilitator permission (403 otherwise); editing needs an
innovator, the creator or staff (403). Adoptions: anyone who may see the innovation sees
the stage (a stranger sees nothing more); changing it, or seeing its profile, ledger
and barriers, is for the organisation's people and staff (403 for others).
"""

from tests.security.access import SIGNED_IN, object_rule

TESTED_IN = "tests/innovations/test_access_innovations.py"

ROUTES = {
    "innovations:catalogue": SIGNED_IN,
    "innovations:create": object_rule(TESTED_IN),
    "innovations:detail": object_rule(TESTED_IN),
    "innovations:edit": object_rule(TESTED_IN),
    "innovations:adopt": object_rule(TESTED_IN),
    "innovations:resource_file": object_rule(TESTED_IN),
    "innovations:organisation": object_rule(TESTED_IN),
    "innovations:adoption": object_rule(TESTED_IN),
    "innovations:adoption_stage": object_rule(TESTED_IN),
    "innovations:adoption_profile": object_rule(TESTED_IN),
    "innovations:ledger_entry": object_rule(TESTED_IN),
    "innovations:barrier_add": object_rule(TESTED_IN),
    "innovations:barrier_resolve": object_rule(TESTED_IN),
    "innovations:enabler_add": object_rule(TESTED_IN),
}
