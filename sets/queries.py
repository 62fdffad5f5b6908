"""Reads that are more than a filter: each answers one question the views and services ask."""

from allauth.account.models import EmailAddress

from actionlearning.accounts.models import User
from innovations.models import FACILITATE_PERMISSION
from sets.models import (
    SEATED_ROLES,
    CalendarFeed,
    GroundRules,
    Invitation,
    LearningSet,
    Membership,
)
from sets.tokens import token_hash

ALREADY_MEMBER = "is already a member of this set"
ALREADY_INVITED = "has an invitation waiting; resend it from the set's page instead"


def may_create_sets(user) -> bool:
    """Facilitators (the innovations app's "facilitate" permission) create sets."""
    return user.is_authenticated and user.has_perm(FACILITATE_PERMISSION)


def ground_rules_current(learning_set: LearningSet) -> GroundRules:
    return learning_set.ground_rules_versions.latest("version")


def seats_taken(learning_set: LearningSet) -> int:
    """Active participants and co-production members, plus invitations still open to them."""
    members = Membership.objects.active().seated().filter(learning_set=learning_set).count()
    invited = Invitation.objects.outstanding().filter(
        learning_set=learning_set, role__in=SEATED_ROLES
    )
    return members + invited.count()


def invitation_refusals(*, learning_set: LearningSet, emails: list[str]) -> dict[str, str]:
    """{address: why it cannot be invited now} for those of `emails` that cannot be."""
    wanted = {email.lower() for email in emails}
    members = Membership.objects.active().filter(learning_set=learning_set)
    waiting = Invitation.objects.outstanding().filter(learning_set=learning_set)
    refusals = {}
    for email in waiting.values_list("email", flat=True):
        if email.lower() in wanted:
            refusals[email.lower()] = ALREADY_INVITED
    for email in members.values_list("person__email", flat=True):
        if email.lower() in wanted:
            refusals[email.lower()] = ALREADY_MEMBER
    return refusals


def invitation_by_token(token: str) -> Invitation | None:
    """The invitation a link's secret belongs to, whatever became of it."""
    return (
        Invitation.objects.select_related("learning_set__innovation", "invited_by", "organisation")
        .filter(token_hash=token_hash(token))
        .first()
    )


def invitation_is_for(invitation: Invitation, person: User) -> bool:
    """Is the invitation addressed to one of `person`'s verified addresses?"""
    if person.email.lower() == invitation.email.lower():
        return True
    return EmailAddress.objects.filter(
        user=person, email__iexact=invitation.email, verified=True
    ).exists()


def calendar_feed_owner(token: str) -> User | None:
    feed = (
        CalendarFeed.objects.select_related("person")
        .filter(token_hash=token_hash(token), person__is_active=True)
        .first()
    )
    return feed.person if feed else None
