import datetime
import re

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from actionlearning.accounts.models import User
from sets import services
from sets.models import Invitation, Membership
from sets.tokens import token_hash
from tests.factories import (
    InvitationFactory,
    MeetingFactory,
    MembershipFactory,
    OrganisationFactory,
    UserFactory,
)

pytestmark = pytest.mark.usefixtures("frozen")


def _invite(learning_set, facilitator, *emails, **options) -> list[Invitation]:
    return services.invitations_send(
        learning_set=learning_set,
        invited_by=facilitator,
        invitees=[services.Invitee(email) for email in emails],
        role=options.pop("role", "participant"),
        **options,
    )


def _link(message) -> str:
    return re.search(r"http://\S+/invitations/\S+/", message.body).group(0)


def _path(message) -> str:
    return _link(message).split("://", 1)[1].split("/", 1)[1].join(["/", ""])


def test_invitation_email_carries_purpose_first_meetings_ground_rules_and_link(
    learning_set, facilitator, django_capture_on_commit_callbacks
):
    MeetingFactory(learning_set=learning_set, title="Getting started")
    with django_capture_on_commit_callbacks(execute=True):
        _invite(learning_set, facilitator, "ana@example.org", message="Do join us, Ana.")

    (message,) = mail.outbox
    assert message.to == ["ana@example.org"]
    assert message.subject == (
        f"[Action learning] Invitation to join the learning set “{learning_set.name}”"
    )
    assert learning_set.purpose in message.body
    assert "Getting started" in message.body
    assert "Questions rather than advice." in message.body
    assert "Do join us, Ana." in message.body
    assert "you need not give a reason" in message.body
    html, mimetype = message.alternatives[0]
    assert mimetype == "text/html"
    assert "Getting started" in html


def test_invitation_is_queued_only_when_the_transaction_commits(
    learning_set, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        _invite(learning_set, facilitator, "ana@example.org")
    assert mail.outbox == []
    assert len(callbacks) == 1


def test_invitation_token_is_stored_hashed_and_valid_for_14_days(
    learning_set, facilitator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        (invitation,) = _invite(learning_set, facilitator, "ana@example.org")
    token = _link(mail.outbox[0]).rstrip("/").rsplit("/", 1)[1]
    invitation.refresh_from_db()
    assert invitation.token_hash == token_hash(token)
    assert token not in invitation.token_hash
    assert invitation.expires_at - invitation.sent_at == datetime.timedelta(days=14)


def test_inviting_an_existing_member_or_invitee_is_refused(learning_set, facilitator, participant):
    _invite(learning_set, facilitator, "ana@example.org")
    with pytest.raises(ValidationError) as refused:
        _invite(learning_set, facilitator, participant.email.upper(), "ANA@example.org")
    assert sorted(refused.value.message_dict["emails"]) == sorted(
        [
            f"{participant.email} is already a member of this set",
            "ana@example.org has an invitation waiting; resend it from the set's page instead",
        ]
    )
    assert Invitation.objects.count() == 1


def test_invitations_past_capacity_need_the_override(learning_set, facilitator):
    learning_set.capacity = 3
    learning_set.save()
    MembershipFactory(learning_set=learning_set)
    _invite(learning_set, facilitator, "a@example.org")

    with pytest.raises(ValidationError) as refused:
        _invite(learning_set, facilitator, "b@example.org", "c@example.org")
    assert refused.value.message_dict["allow_over_capacity"] == [
        "This would give the set 4 members, but it has 3 places (2 taken). Invite fewer "
        "people, or tick the box to go beyond the set's capacity."
    ]
    _invite(learning_set, facilitator, "b@example.org", "c@example.org", allow_over_capacity=True)
    assert Invitation.objects.count() == 3


def test_innovator_guests_take_no_place(learning_set, facilitator):
    learning_set.capacity = 1
    learning_set.save()
    MembershipFactory(learning_set=learning_set)
    _invite(learning_set, facilitator, "guest@example.org", role="innovator_guest")
    assert Invitation.objects.filter(role="innovator_guest").count() == 1


def test_inviting_someone_with_an_account_shows_them_invited(learning_set, facilitator):
    person = UserFactory(email="ana@example.org")
    _invite(learning_set, facilitator, "Ana@Example.org")
    assert Membership.objects.get(person=person).state == Membership.State.INVITED


def test_resend_issues_a_new_link_and_the_old_one_stops_working(
    client, learning_set, facilitator, frozen, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(learning_set=learning_set, token="old-secret")
    frozen.shift(datetime.timedelta(days=20))

    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_resend(invitation=invitation)

    invitation.refresh_from_db()
    assert invitation.send_count == 2
    assert invitation.is_usable
    response = client.get(reverse("sets:invitation_open", args=["old-secret"]))
    assert response.status_code == 404
    assert "This invitation link does not work" in response.content.decode()
    assert len(mail.outbox) == 1


def test_revoke_makes_the_link_say_so_and_offers_to_ask_again(client, learning_set, facilitator):
    invitation = InvitationFactory(
        learning_set=learning_set, token="s3cret", invited_by=facilitator
    )
    services.invitation_revoke(invitation=invitation)

    response = client.get(reverse("sets:invitation_open", args=["s3cret"]), follow=True)

    page = response.content.decode()
    assert "This invitation has been withdrawn" in page
    assert "Ask for a new invitation" in page


def test_expired_link_says_so_and_asking_again_emails_the_facilitator_once(
    client, learning_set, facilitator, frozen, django_capture_on_commit_callbacks
):
    invitation = InvitationFactory(
        learning_set=learning_set, token="s3cret", invited_by=facilitator, email="ana@example.org"
    )
    frozen.shift(datetime.timedelta(days=14, seconds=1))
    response = client.get(reverse("sets:invitation_open", args=["s3cret"]), follow=True)
    assert "This invitation has expired" in response.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("sets:invitation_renewal"))
        response = client.post(reverse("sets:invitation_renewal"), follow=True)

    assert [m.to for m in mail.outbox] == [[facilitator.email]]
    assert "ana@example.org" in mail.outbox[0].subject
    assert "has already been asked" in response.content.decode()
    invitation.refresh_from_db()
    assert invitation.renewal_requested_at is not None


def test_used_link_says_so_and_leads_a_member_to_the_set(client, learning_set):
    person = UserFactory()
    invitation = InvitationFactory(learning_set=learning_set, email=person.email, token="s3cret")
    services.invitation_accept(
        invitation=invitation, person=person, ground_rules=learning_set.ground_rules_versions.get()
    )
    client.force_login(person)

    response = client.get(reverse("sets:invitation_open", args=["s3cret"]), follow=True)

    assert "This invitation has already been used" in response.content.decode()
    assert reverse("sets:detail", args=[learning_set.pk]) in response.content.decode()


def test_link_moves_the_secret_out_of_the_address(client, learning_set):
    InvitationFactory(learning_set=learning_set, token="s3cret")
    response = client.get(reverse("sets:invitation_open", args=["s3cret"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("sets:invitation")


def test_accept_records_consent_to_the_version_read_and_the_home_organisation(client, learning_set):
    home = OrganisationFactory(name="Leeds Teaching Hospitals")
    person = UserFactory(organisation=home)
    InvitationFactory(learning_set=learning_set, email=person.email, token="s3cret")
    client.force_login(person)
    client.get(reverse("sets:invitation_open", args=["s3cret"]))
    version = learning_set.ground_rules_versions.get()

    response = client.post(
        reverse("sets:invitation_accept"), {"agree": "on", "ground_rules": version.pk}
    )

    assert response.status_code == 302
    membership = Membership.objects.get(person=person)
    assert membership.state == Membership.State.ACTIVE
    assert membership.ground_rules == version
    assert membership.consented_at is not None
    assert membership.organisation == home
    invitation = Invitation.objects.get()
    assert invitation.response == "accepted"
    assert invitation.person == person


def test_accept_keeps_the_organisation_the_facilitator_chose(learning_set):
    person = UserFactory(organisation=OrganisationFactory())
    chosen = OrganisationFactory(name="Carers Together")
    invitation = InvitationFactory(
        learning_set=learning_set, email=person.email, organisation=chosen
    )
    membership = services.invitation_accept(
        invitation=invitation, person=person, ground_rules=learning_set.ground_rules_versions.get()
    )
    assert membership.organisation == chosen


def test_accept_without_agreeing_says_so_beside_the_box(client, learning_set):
    person = UserFactory()
    InvitationFactory(learning_set=learning_set, email=person.email, token="s3cret")
    client.force_login(person)
    client.get(reverse("sets:invitation_open", args=["s3cret"]))

    response = client.post(
        reverse("sets:invitation_accept"),
        {"ground_rules": learning_set.ground_rules_versions.get().pk},
    )

    assert response.status_code == 400
    assert "Tick the box to agree to the ground rules, or decline." in response.content.decode()
    assert not Membership.objects.filter(person=person).exists()


def test_accept_after_the_ground_rules_changed_asks_to_read_them_again(learning_set, facilitator):
    person = UserFactory()
    invitation = InvitationFactory(learning_set=learning_set, email=person.email)
    read = learning_set.ground_rules_versions.get()
    services.ground_rules_update(learning_set=learning_set, text="Be kind.", written_by=facilitator)
    with pytest.raises(ValidationError, match="changed while you were reading"):
        services.invitation_accept(invitation=invitation, person=person, ground_rules=read)


def test_accept_refuses_someone_signed_in_with_another_address(client, learning_set):
    InvitationFactory(learning_set=learning_set, email="ana@example.org", token="s3cret")
    someone_else = UserFactory()
    client.force_login(someone_else)
    response = client.get(reverse("sets:invitation_open", args=["s3cret"]), follow=True)
    assert "This invitation was sent to <strong>ana@example.org</strong>" in (
        response.content.decode()
    )
    with pytest.raises(ValidationError):
        services.invitation_accept(
            invitation=Invitation.objects.get(),
            person=someone_else,
            ground_rules=learning_set.ground_rules_versions.get(),
        )


def test_decline_asks_no_reason_and_works_without_an_account(client, learning_set):
    InvitationFactory(learning_set=learning_set, email="ana@example.org", token="s3cret")
    page = client.get(reverse("sets:invitation_open", args=["s3cret"]), follow=True)
    assert "you need not give a reason" in page.content.decode()

    response = client.post(reverse("sets:invitation_decline"))

    assert "You have declined the invitation" in response.content.decode()
    assert Invitation.objects.get().response == "declined"
    assert client.get(reverse("sets:invitation")).status_code == 404


def test_decline_by_someone_with_an_account_shows_them_declined(client, learning_set, facilitator):
    person = UserFactory(email="ana@example.org")
    (invitation,) = _invite(learning_set, facilitator, "ana@example.org")
    services.invitation_decline(invitation=invitation)
    assert Membership.objects.get(person=person).state == Membership.State.DECLINED


def test_signup_from_an_invitation_fixes_the_address_and_verifies_it(client, learning_set):
    InvitationFactory(learning_set=learning_set, email="new.person@example.org", token="s3cret")
    client.get(reverse("sets:invitation_open", args=["s3cret"]))

    response = client.post(reverse("sets:invitation_signup"))
    signup_url = response["Location"]
    page = client.get(signup_url).content.decode()
    assert signup_url == f"{reverse('account_signup')}?next=%2Finvitations%2Frespond%2F"
    assert re.search(r'<input[^>]*name="email"[^>]*value="new.person@example.org"', page)
    assert re.search(r'<input[^>]*name="email"[^>]*readonly', page)

    response = client.post(
        signup_url,
        {
            "email": "someone.else@example.org",  # ignored: the invited address is fixed
            "password1": "a-long-walk-by-the-river",
            "password2": "a-long-walk-by-the-river",
            "full_name": "New Person",
            "time_zone": "Europe/London",
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("sets:invitation")
    person = User.objects.get(email="new.person@example.org")
    assert EmailAddress.objects.get(user=person).verified is True
    assert not User.objects.filter(email="someone.else@example.org").exists()
    assert mail.outbox == []  # no verification email: the invitation proved the address
    page = client.get(reverse("sets:invitation")).content.decode()
    assert "Accept and join the set" in page


def test_link_for_someone_with_an_account_offers_sign_in(client, learning_set):
    UserFactory(email="ana@example.org")
    InvitationFactory(learning_set=learning_set, email="ana@example.org", token="s3cret")
    page = client.get(reverse("sets:invitation_open", args=["s3cret"]), follow=True)
    assert "Sign in to accept" in page.content.decode()
    assert "next=/invitations/respond/" in page.content.decode().replace("%2F", "/")


def test_invitation_page_without_a_link_opened_is_not_found(client, db):
    assert client.get(reverse("sets:invitation")).status_code == 404


def test_one_unanswered_invitation_per_address_is_a_database_rule(learning_set):
    from django.db import IntegrityError

    InvitationFactory(learning_set=learning_set, email="ana@example.org")
    with pytest.raises(IntegrityError):
        InvitationFactory(learning_set=learning_set, email="ANA@example.org")


def test_used_link_seen_by_someone_else_offers_to_ask_for_a_new_one(client, learning_set):
    person = UserFactory()
    invitation = InvitationFactory(learning_set=learning_set, email=person.email, token="s3cret")
    services.invitation_accept(
        invitation=invitation, person=person, ground_rules=learning_set.ground_rules_versions.get()
    )
    page = client.get(reverse("sets:invitation_open", args=["s3cret"]), follow=True)
    assert "This invitation has already been used" in page.content.decode()
    assert "Ask for a new invitation" in page.content.decode()


def test_admin_resend_action_sends_fresh_links(
    client, learning_set, facilitator, django_capture_on_commit_callbacks
):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from tests.factories import StaffFactory

    waiting = InvitationFactory(learning_set=learning_set, invited_by=facilitator)
    answered = InvitationFactory(
        learning_set=learning_set, response="declined", responded_at=waiting.sent_at
    )
    staff = StaffFactory()
    TOTP.activate(staff, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    RecoveryCodes.activate(staff)
    client.force_login(staff)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:sets_invitation_changelist"),
            {"action": "resend", "_selected_action": [waiting.pk, answered.pk]},
            follow=True,
        )

    assert [m.to for m in mail.outbox] == [[waiting.email]]
    page = response.content.decode()
    assert "1 invitation(s) resent." in page
    assert "1 could not be resent" in page
    waiting.refresh_from_db()
    assert waiting.send_count == 2


def test_adding_a_member_past_capacity_needs_the_override(learning_set):
    learning_set.capacity = 1
    learning_set.save()
    MembershipFactory(learning_set=learning_set)
    newcomer = UserFactory()
    with pytest.raises(ValidationError, match="it has 1 place "):
        services.membership_add(learning_set=learning_set, person=newcomer, role="participant")
    services.membership_add(
        learning_set=learning_set, person=newcomer, role="participant", allow_over_capacity=True
    )
    assert Membership.objects.get(person=newcomer).state == Membership.State.ACTIVE
