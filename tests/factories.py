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
