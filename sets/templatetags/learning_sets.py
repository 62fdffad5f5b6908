"""The "My sets" section of the signed-in home page."""

from django import template
from django.db.models import OuterRef, Subquery

from sets.models import LearningSet, Membership
from sets.queries import may_create_sets

register = template.Library()


def my_sets_of(user):
    """The person's active sets, the one meeting soonest first, with their role in each."""
    role = Membership.objects.active().filter(learning_set=OuterRef("pk"), person=user)
    return (
        LearningSet.objects.joined_by(user)
        .next_meeting_first()
        .select_related("innovation")
        .annotate(viewer_role=Subquery(role.values("role")[:1]))
    )


@register.inclusion_tag("sets/includes/my_sets.html", takes_context=True)
def my_sets_section(context):
    user = context["request"].user
    learning_sets = list(my_sets_of(user))
    labels = dict(Membership.Role.choices)
    for learning_set in learning_sets:
        learning_set.viewer_role_label = labels.get(learning_set.viewer_role, "")
    return {"learning_sets": learning_sets, "may_create": may_create_sets(user)}
