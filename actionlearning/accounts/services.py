from actionlearning.accounts.models import User
from innovations.models import Organisation


def user_profile_update(
    *, user: User, full_name: str, time_zone: str, organisation: Organisation | None = None
) -> User:
    user.full_name = full_name
    user.time_zone = time_zone
    user.organisation = organisation
    user.full_clean(validate_unique=False)
    user.save(update_fields=["full_name", "time_zone", "organisation"])
    return user
