from actionlearning.accounts.models import User


def user_profile_update(*, user: User, full_name: str, time_zone: str) -> User:
    user.full_name = full_name
    user.time_zone = time_zone
    user.full_clean(validate_unique=False)
    user.save(update_fields=["full_name", "time_zone"])
    return user
