"""Demo people: created once, found again on every later run."""

from dataclasses import dataclass

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP

from actionlearning.accounts.models import User

DEMO_PASSWORD = "spread-what-works"
# A fixed secret so the demo admin can add it to an authenticator app once.
DEMO_ADMIN_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    time_zone: str = "Europe/London"
    is_staff: bool = False


DEMO_PEOPLE = [
    DemoPerson("facilitator@example.org", "Priya Shah", "facilitator"),
    DemoPerson("participant@example.org", "Tom Okafor", "participant"),
    DemoPerson("carer@example.org", "Maureen Hughes", "co-production member"),
    DemoPerson("innovator@example.org", "Grace Bennett", "innovator"),
    DemoPerson("nurse@example.org", "Aled Morgan", "participant", time_zone="Europe/Dublin"),
    DemoPerson("admin@example.org", "Sam Admin", "admin (staff, 2FA)", is_staff=True),
]


def demo_user(person: DemoPerson) -> User:
    user = User.objects.filter(email=person.email).first()
    if user is None:
        user = User.objects.create_user(
            person.email,
            DEMO_PASSWORD,
            full_name=person.full_name,
            time_zone=person.time_zone,
            is_staff=person.is_staff,
            is_superuser=person.is_staff,
        )
    EmailAddress.objects.get_or_create(
        user=user, email=person.email, defaults={"verified": True, "primary": True}
    )
    return user


def demo_admin_mfa(user: User) -> list[str]:
    """Two-factor for the demo admin; returns recovery codes still unused."""
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, DEMO_ADMIN_TOTP_SECRET)
    codes = Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).first()
    if codes is None:
        return RecoveryCodes.activate(user).get_unused_codes()
    return RecoveryCodes(codes).get_unused_codes()


def load() -> dict[str, User]:
    return {person.email: demo_user(person) for person in DEMO_PEOPLE}
