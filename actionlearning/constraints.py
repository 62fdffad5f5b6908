"""Building blocks for database constraints shared by the apps."""

from django.db import models
from django.db.models import Q


def choice_is_valid(field: str, choices: type[models.TextChoices]) -> Q:
    """A CheckConstraint condition: `field` holds one of `choices`, whatever wrote the row."""
    return Q(**{f"{field}__in": choices.values})
