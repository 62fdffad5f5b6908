"""Who may open each route: the vocabulary of the access test.

Each app lists its routes in a `routes_<app>.py` module beside this file.
A key is a route name ("home", "sets:detail") or a namespace prefix ending in
":" ("admin:"). The access test fails for any named route nobody declared.
"""

from dataclasses import dataclass
from enum import Enum


class Who(Enum):
    ANONYMOUS = "anyone, signed in or not"
    SIGN_IN_STEP = "anyone part-way through signing in (others are sent to sign in)"
    SIGNED_IN = "any signed-in person"
    STAFF = "staff with two-factor authentication"
    OBJECT = "an object-level rule, tested in the module named"


@dataclass(frozen=True)
class Rule:
    who: Who
    tested_in: str = ""  # for Who.OBJECT: the test module that proves the rule
    kwargs: tuple[tuple[str, str], ...] = ()  # sample URL arguments, where the rule is generic
    # False where the route refuses a request without its own query parameters,
    # so only the refusals are checked here (admin's autocomplete, say).
    opens_without_parameters: bool = True


ANONYMOUS = Rule(Who.ANONYMOUS)
SIGN_IN_STEP = Rule(Who.SIGN_IN_STEP)
SIGNED_IN = Rule(Who.SIGNED_IN)
STAFF = Rule(Who.STAFF)


def object_rule(tested_in: str) -> Rule:
    return Rule(Who.OBJECT, tested_in=tested_in)
