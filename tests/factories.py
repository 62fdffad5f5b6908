import factory
from allauth.account.models import EmailAddress

from actionlearning.accounts.models import User

PASSWORD = "correct-horse-battery"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    full_name = factory.Faker("name", locale="en_GB")
    time_zone = "Europe/London"
    password = factory.django.Password(PASSWORD)

    @factory.post_generation
    def verified(obj, create, extracted, **kwargs):
        """Every factory user has a verified primary address unless verified=False."""
        if create and extracted is not False:
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class StaffFactory(UserFactory):
    is_staff = True
    is_superuser = True


# --- innovations ------------------------------------------------------------

from innovations import models as innovation_models  # noqa: E402
from innovations import services as innovation_services  # noqa: E402


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = innovation_models.Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = innovation_models.OrganisationKind.NHS_TRUST
    region = innovation_models.Region.LONDON
    size_band = innovation_models.SizeBand.LARGE


class FacilitatorFactory(UserFactory):
    """A person in the Facilitators group, holding `innovations.facilitate`."""

    @factory.post_generation
    def facilitator(obj, create, extracted, **kwargs):
        if create:
            innovation_services.facilitator_grant(user=obj)


class InnovationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = innovation_models.Innovation
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Innovation {n}")
    slug = factory.LazyAttribute(lambda o: o.title.lower().replace(" ", "-"))
    summary = "A short summary."
    problem = "The problem it solves."
    how_it_works = "How it works."
    source_organisation = factory.SubFactory(OrganisationFactory)
    status = innovation_models.InnovationStatus.PUBLISHED

    @factory.post_generation
    def searchable(obj, create, extracted, **kwargs):
        if create:
            innovation_services.innovation_search_refresh(innovation_ids=[obj.pk])


class ComponentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = innovation_models.Component

    innovation = factory.SubFactory(InnovationFactory)
    name = factory.Sequence(lambda n: f"Component {n}")
    kind = innovation_models.ComponentKind.CORE
    why_it_matters = "Because it does."


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = innovation_models.Resource

    innovation = factory.SubFactory(InnovationFactory)
    title = factory.Sequence(lambda n: f"Resource {n}")
    kind = innovation_models.ResourceKind.GUIDE
    url = "https://www.example.org/guide"


class AdoptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = innovation_models.Adoption

    organisation = factory.SubFactory(OrganisationFactory)
    innovation = factory.SubFactory(InnovationFactory)
    stage = innovation_models.Stage.EXPLORING


class BarrierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = innovation_models.Barrier

    adoption = factory.SubFactory(AdoptionFactory)
    domain = innovation_models.CfirDomain.INNER_SETTING
    description = "Nobody has time to train the night staff."


# --- sets -------------------------------------------------------------------

import datetime  # noqa: E402

from django.utils import timezone  # noqa: E402

from sets import models as set_models  # noqa: E402
from sets.ground_rules import DEFAULT_GROUND_RULES  # noqa: E402
from sets.tokens import token_hash, token_new  # noqa: E402


class LearningSetFactory(factory.django.DjangoModelFactory):
    """A set with version 1 of the default ground rules."""

    class Meta:
        model = set_models.LearningSet
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Learning set {n}")
    innovation = factory.SubFactory(InnovationFactory)
    purpose = "To learn together how to adopt the innovation in each of our organisations."
    status = set_models.SetStatus.ACTIVE
    cadence_weeks = 4
    time_zone = "Europe/London"

    @factory.post_generation
    def ground_rules(obj, create, extracted, **kwargs):
        if create:
            set_models.GroundRules.objects.create(
                learning_set=obj, version=1, text=extracted or DEFAULT_GROUND_RULES
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    """An active participant who agreed to the set's current ground rules."""

    class Meta:
        model = set_models.Membership

    learning_set = factory.SubFactory(LearningSetFactory)
    person = factory.SubFactory(UserFactory)
    role = set_models.Role.PARTICIPANT
    state = set_models.MembershipState.ACTIVE
    ground_rules = factory.LazyAttribute(
        lambda o: o.learning_set.ground_rules_versions.order_by("-version").first()
    )
    consented_at = factory.LazyFunction(timezone.now)
    joined_at = factory.LazyFunction(timezone.now)


class SetFacilitatorFactory(MembershipFactory):
    """The facilitator's membership of a set (the person also holds the permission)."""

    role = set_models.Role.FACILITATOR
    person = factory.SubFactory(FacilitatorFactory)


class InvitationFactory(factory.django.DjangoModelFactory):
    """Pass `token="..."` to know the secret of its link."""

    class Meta:
        model = set_models.Invitation

    class Params:
        token = factory.LazyFunction(token_new)

    learning_set = factory.SubFactory(LearningSetFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.org")
    token_hash = factory.LazyAttribute(lambda o: token_hash(o.token))
    sent_at = factory.LazyFunction(timezone.now)
    expires_at = factory.LazyAttribute(lambda o: o.sent_at + datetime.timedelta(days=14))


class MeetingFactory(factory.django.DjangoModelFactory):
    """A three-hour meeting a week from now."""

    class Meta:
        model = set_models.Meeting

    learning_set = factory.SubFactory(LearningSetFactory)
    number = factory.Sequence(lambda n: n + 1)
    title = factory.LazyAttribute(lambda o: f"Meeting {o.number}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + datetime.timedelta(hours=3))
    place = "Room 2, Town Hall"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = set_models.AgendaItem

    meeting = factory.SubFactory(MeetingFactory)
    position = factory.Sequence(lambda n: n + 1)
    kind = set_models.AgendaKind.CHECK_IN
    minutes = 20


class RsvpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = set_models.Rsvp

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(UserFactory)
    response = set_models.RsvpResponse.GOING


# --- between meetings ---------------------------------------------------------


class ReflectionFactory(factory.django.DjangoModelFactory):
    """A private "What? So what? Now what?" reflection; its author should be a member."""

    class Meta:
        model = set_models.Reflection

    learning_set = factory.SubFactory(LearningSetFactory)
    author = factory.SubFactory(UserFactory)
    template = set_models.ReflectionTemplate.WHAT_SO_WHAT
    what = "We tried the new handover sheet on two wards."
    so_what = "Night staff trusted it once they had written part of it themselves."
    now_what = "Ask the night staff to adapt the sheet before the next ward starts."


class ActionFactory(factory.django.DjangoModelFactory):
    """An open action made today, due in four weeks."""

    class Meta:
        model = set_models.Action

    learning_set = factory.SubFactory(LearningSetFactory)
    owner = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Action {n}: talk to the ward manager")
    made_on = factory.LazyFunction(timezone.localdate)
    due_on = factory.LazyAttribute(lambda o: o.made_on + datetime.timedelta(days=28))


class ActionUpdateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = set_models.ActionUpdate

    action = factory.SubFactory(ActionFactory)
    written_by = factory.LazyAttribute(lambda o: o.action.owner)
    status = set_models.ActionStatus.IN_PROGRESS
    text = "Met the ward manager; she is keen."


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = set_models.Question

    learning_set = factory.SubFactory(LearningSetFactory)
    innovation = factory.LazyAttribute(lambda o: o.learning_set.innovation)
    asked_by = factory.SubFactory(UserFactory)
    text = factory.Sequence(lambda n: f"Question {n}: how did you win over the night staff?")


class SetBarrierFactory(factory.django.DjangoModelFactory):
    """A barrier raised in a set (`sets.Barrier`, not the adoption ledger's)."""

    class Meta:
        model = set_models.Barrier

    learning_set = factory.SubFactory(LearningSetFactory)
    raised_by = factory.SubFactory(UserFactory)
    category = innovation_models.CfirDomain.INNER_SETTING
    description = "No protected time for training."


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = set_models.CheckIn

    after_meeting = factory.SubFactory(MeetingFactory)
    learning_set = factory.LazyAttribute(lambda o: o.after_meeting.learning_set)
    person = factory.SubFactory(UserFactory)
    confidence = 3


class AirtimeBidFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = set_models.AirtimeBid

    meeting = factory.SubFactory(MeetingFactory)
    person = factory.SubFactory(UserFactory)
    statement = "Managers want results before the pilot has started."
