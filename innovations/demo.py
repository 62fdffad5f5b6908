"""Demo innovations from UK health and social care, and organisations adopting them.

Loaded by `manage.py demo_data`. Everything is found by its natural key (an
organisation's name, an innovation's slug, an adoption's pair) and only created
when missing, so running it twice changes nothing. The organisations are fictional,
except where an innovation is known by its place of origin.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.text import slugify

from actionlearning.accounts.models import User
from innovations import services
from innovations.models import (
    Adoption,
    CfirDomain,
    Component,
    ComponentKind,
    EvidenceLink,
    Innovation,
    InnovationStatus,
    LedgerStatus,
    Organisation,
    OrganisationKind,
    Region,
    Resource,
    ResourceKind,
    Sector,
    SizeBand,
    Stage,
)

ORGANISATIONS = [
    # name, kind, region, size band, website
    (
        "Sutton Care Home Vanguard",
        OrganisationKind.OTHER,
        Region.LONDON,
        SizeBand.MEDIUM,
        "https://www.example.org/sutton-vanguard",
    ),
    (
        "Westmere Council Children's Services",
        OrganisationKind.LOCAL_AUTHORITY,
        Region.SOUTH_WEST,
        SizeBand.LARGE,
        "",
    ),
    (
        "Riverside Community Health NHS Trust",
        OrganisationKind.NHS_TRUST,
        Region.NORTH_WEST,
        SizeBand.VERY_LARGE,
        "",
    ),
    (
        "Northshire NHS Foundation Trust",
        OrganisationKind.NHS_TRUST,
        Region.YORKSHIRE,
        SizeBand.VERY_LARGE,
        "",
    ),
    (
        "Eastbrook Borough Council",
        OrganisationKind.LOCAL_AUTHORITY,
        Region.EAST,
        SizeBand.LARGE,
        "",
    ),
    ("Maple Lodge Care Home", OrganisationKind.SOCIAL_CARE, Region.YORKSHIRE, SizeBand.SMALL, ""),
    (
        "Harbourside Primary Care Network",
        OrganisationKind.PRIMARY_CARE,
        Region.SOUTH_WEST,
        SizeBand.MEDIUM,
        "",
    ),
    (
        "Brightwater Family Support",
        OrganisationKind.CHARITY,
        Region.EAST,
        SizeBand.SMALL,
        "",
    ),
]

# Who works where, by email.
PEOPLE_AT = {
    "innovator@example.org": "Sutton Care Home Vanguard",
    "participant@example.org": "Eastbrook Borough Council",
    "nurse@example.org": "Northshire NHS Foundation Trust",
    "carer@example.org": "Brightwater Family Support",
}


@dataclass(frozen=True)
class DemoInnovation:
    title: str
    source: str
    sectors: list[str]
    summary: str
    problem: str
    how_it_works: str
    evidence: str
    core: list[tuple[str, str]]
    adaptable: list[tuple[str, str]]
    resources: list[tuple[str, str, str]]  # title, kind, link
    evidence_links: list[tuple[str, str]] = field(default_factory=list)
    innovators: list[str] = field(default_factory=list)


INNOVATIONS = [
    DemoInnovation(
        title="Red Bag hospital transfer pathway",
        source="Sutton Care Home Vanguard",
        sectors=[Sector.HEALTH, Sector.ADULT_SOCIAL_CARE],
        summary=(
            "A red bag travels with a care home resident to hospital, holding their "
            "paperwork, medicines and belongings, and comes home with them and their "
            "discharge summary."
        ),
        problem=(
            "When a care home resident goes into hospital in a hurry, the ambulance crew and "
            "ward often lack their medicines, their usual health and what matters to them. "
            "Belongings such as glasses, hearing aids and dentures go missing, and residents "
            "stay longer while staff chase information. On discharge, the care home often "
            "does not know what changed."
        ),
        how_it_works=(
            "Each care home keeps a red bag ready. When a resident is transferred, staff pack "
            "a standard transfer form (their usual health, baseline, wishes and what matters "
            "to them), their medicines and personal items. Paramedics and wards recognise the "
            "bag, keep it with the resident, and the hospital returns it with the discharge "
            "summary so the home can pick up care at once."
        ),
        evidence=(
            "In Sutton, hospital stays for care home residents fell by about four days on "
            "average, and fewer belongings were lost. NHS England spread the pathway "
            "nationally as part of its Hospital to Home work."
        ),
        core=[
            (
                "Standard transfer information",
                "The same form every time: baseline health, medicines, wishes, and what "
                "matters to the person. Without it, the hospital works blind.",
            ),
            (
                "The bag stays with the resident",
                "Ambulance crews and wards keep the bag beside the person through the whole "
                "stay, so nothing is lost between departments.",
            ),
            (
                "Discharge summary returned in the bag",
                "The home learns what changed in hospital and can carry on care safely from "
                "the day the resident returns.",
            ),
        ],
        adaptable=[
            (
                "Paper or digital forms",
                "Homes with shared care records may send the form electronically; the bag "
                "still carries belongings and medicines.",
            ),
            (
                "Who trains care home staff",
                "A local care home support team, the hospital's discharge team or the "
                "ambulance service: whoever already has the relationships.",
            ),
            (
                "Bag design and supplier",
                "Any sturdy, recognisable bag will do, so long as wards know it on sight.",
            ),
        ],
        resources=[
            (
                "Red Bag quick guide for care homes",
                ResourceKind.GUIDE,
                "https://www.example.org/red-bag/quick-guide",
            ),
            (
                "Transfer form template",
                ResourceKind.TEMPLATE,
                "https://www.example.org/red-bag/transfer-form",
            ),
            (
                "A resident's journey with the red bag (video)",
                ResourceKind.VIDEO,
                "https://www.example.org/red-bag/video",
            ),
        ],
        evidence_links=[
            (
                "Sutton Homes of Care vanguard: evaluation summary",
                "https://www.example.org/red-bag/evaluation",
            ),
        ],
        innovators=["innovator@example.org"],
    ),
    DemoInnovation(
        title="Family Group Conferencing",
        source="Westmere Council Children's Services",
        sectors=[Sector.CHILDRENS_SERVICES],
        summary=(
            "A family-led meeting, arranged by an independent coordinator, where a child's "
            "wider family makes a plan to keep the child safe, with professionals' support."
        ),
        problem=(
            "When a child is at risk, decisions are often made by professionals with little "
            "say from the wider family, who may be best placed to help. Children enter care "
            "who could have lived safely with relatives."
        ),
        how_it_works=(
            "An independent coordinator meets the family and their network, explains the "
            "worries, and prepares everyone. At the conference, professionals share "
            "information; then the family has private time to make their own plan. The plan "
            "is agreed unless it leaves the child unsafe, and reviewed a few weeks later."
        ),
        evidence=(
            "Evaluations in England have found fewer children entering care and lower costs "
            "where conferences are offered early; the approach began in New Zealand and is "
            "now widely used by UK local authorities."
        ),
        core=[
            (
                "Independent coordinator",
                "Not the child's social worker: families speak more freely to someone who "
                "holds no statutory power over them.",
            ),
            (
                "Family private time",
                "Professionals leave the room. The family owns the plan because it made it.",
            ),
            (
                "The family's plan is accepted unless unsafe",
                "Professionals may refuse a plan only if it leaves the child at risk, which "
                "keeps decision-making with the family.",
            ),
        ],
        adaptable=[
            (
                "Venue and timing",
                "Evenings, weekends, a community centre or a family home: whatever lets the "
                "network attend.",
            ),
            (
                "Joining online",
                "Relatives far away may join by video for the information-sharing part.",
            ),
            (
                "Advocates for the child",
                "An advocate, or the child themselves, depending on age and wishes.",
            ),
        ],
        resources=[
            (
                "Coordinator's practice guide",
                ResourceKind.GUIDE,
                "https://www.example.org/fgc/practice-guide",
            ),
            (
                "Setting up a service: toolkit for local authorities",
                ResourceKind.TOOLKIT,
                "https://www.example.org/fgc/toolkit",
            ),
        ],
        evidence_links=[
            ("Family group conferencing: an evaluation", "https://www.example.org/fgc/evaluation"),
        ],
    ),
    DemoInnovation(
        title="Hospital at Home: frailty virtual ward",
        source="Riverside Community Health NHS Trust",
        sectors=[Sector.HEALTH, Sector.ADULT_SOCIAL_CARE],
        summary=(
            "Older people with frailty who would otherwise be admitted get hospital-level "
            "care at home from a consultant-led team, with daily review and a quick route "
            "back to hospital if needed."
        ),
        problem=(
            "Older people with frailty often lose strength and independence during a hospital "
            "stay, risk delirium and infection, and wait for discharge. Many could be treated "
            "safely in their own bed."
        ),
        how_it_works=(
            "Referrals come from the emergency department, GPs, the ambulance service and "
            "care homes. A multidisciplinary team led by a consultant geriatrician assesses "
            "each person within hours, provides tests and treatment at home (bloods, "
            "intravenous fluids and antibiotics, oxygen), reviews every patient each day, and "
            "discharges to usual care, with social care involved from the start."
        ),
        evidence=(
            "Trials of admission-avoidance hospital at home for older people have found "
            "similar outcomes to hospital care, with people more likely to be living at home "
            "six months later; NHS England's virtual ward programme expanded the model."
        ),
        core=[
            (
                "Senior clinical leadership",
                "A consultant or senior clinician holds responsibility and leads a daily "
                "board round: this is hospital care, not community nursing.",
            ),
            (
                "Comprehensive geriatric assessment",
                "Physical, mental, social and functional needs assessed together, so care "
                "treats the whole person.",
            ),
            (
                "Same-day response and clear escalation",
                "Assessment within hours and a direct route back into hospital when needed "
                "keep the ward safe.",
            ),
        ],
        adaptable=[
            (
                "Remote monitoring technology",
                "Wearables and apps help some patients; others are visited more often instead.",
            ),
            (
                "Referral routes",
                "Start with the route that brings most patients locally, then add others.",
            ),
            (
                "Team make-up and hours",
                "Advanced practitioners, therapists, pharmacists and social workers in the "
                "mix that local workforce allows.",
            ),
        ],
        resources=[
            (
                "Operational guide for frailty virtual wards",
                ResourceKind.GUIDE,
                "https://www.example.org/hospital-at-home/guide",
            ),
            (
                "Daily board round template",
                ResourceKind.TEMPLATE,
                "https://www.example.org/hospital-at-home/board-round",
            ),
            (
                "Twelve-month service evaluation",
                ResourceKind.EVALUATION,
                "https://www.example.org/hospital-at-home/evaluation",
            ),
        ],
    ),
]


@dataclass(frozen=True)
class DemoJourney:
    organisation: str
    innovation: str
    stages: list[tuple[str, int, str]]  # stage, days ago, note
    by: str
    profile: dict[str, str] = field(default_factory=dict)
    ledger: list[tuple[str, str, str, str]] = field(default_factory=list)  # component, status...
    barriers: list[tuple[str, str, str]] = field(default_factory=list)  # domain, text, resolution
    enablers: list[tuple[str, str]] = field(default_factory=list)


JOURNEYS = [
    DemoJourney(
        organisation="Northshire NHS Foundation Trust",
        innovation="Red Bag hospital transfer pathway",
        by="nurse@example.org",
        stages=[
            (Stage.EXPLORING, 150, "Heard about it at the regional frailty network."),
            (Stage.PLANNING, 95, "Board agreed to try it with six care homes."),
            (Stage.PILOTING, 40, "Pilot started with six homes and two wards."),
        ],
        profile={
            "people_served": "About 420,000 people; 96 care homes send residents to our two "
            "hospitals.",
            "current_practice": "Care homes fax or phone information; belongings travel in "
            "carrier bags and are often lost.",
            "why_now": "Winter pressures and delayed discharges from care home residents.",
            "sponsor": "Dr Helen Ward, Director of Integrated Care",
            "resources_and_capacity": "Half a post of project support for a year; bags "
            "funded by the care home support team.",
            "stakeholders": "Care home managers, ambulance service, ward sisters, discharge "
            "team, families.",
        },
        ledger=[
            ("Standard transfer information", LedgerStatus.KEPT, "", ""),
            (
                "Paper or digital forms",
                LedgerStatus.ADAPTED,
                "The form goes by NHS mail before the ambulance leaves.",
                "Our care homes already share records electronically.",
            ),
            ("Discharge summary returned in the bag", LedgerStatus.NOT_YET, "", ""),
        ],
        barriers=[
            (
                CfirDomain.INNER_SETTING,
                "Bags go missing on the acute medical unit when patients move wards.",
                "",
            ),
            (
                CfirDomain.INDIVIDUALS,
                "Night staff in two homes had not been trained.",
                "The care home support team ran short training sessions at shift change.",
            ),
        ],
        enablers=[
            (
                CfirDomain.OUTER_SETTING,
                "The ambulance service already recognises red bags from a neighbouring area.",
            ),
        ],
    ),
    DemoJourney(
        organisation="Maple Lodge Care Home",
        innovation="Red Bag hospital transfer pathway",
        by="facilitator@example.org",
        stages=[
            (Stage.EXPLORING, 300, ""),
            (Stage.PLANNING, 260, ""),
            (Stage.PILOTING, 200, ""),
            (Stage.IMPLEMENTING, 120, "Every transfer now uses the red bag."),
        ],
    ),
    DemoJourney(
        organisation="Eastbrook Borough Council",
        innovation="Family Group Conferencing",
        by="participant@example.org",
        stages=[
            (Stage.EXPLORING, 210, "Visited Westmere's service."),
            (Stage.PLANNING, 150, ""),
            (Stage.PILOTING, 90, "Two coordinators recruited."),
            (Stage.IMPLEMENTING, 20, "Offered to every family at the edge of care."),
        ],
        profile={
            "people_served": "Children and families in a borough of 180,000 people.",
            "current_practice": "Decisions at child protection conferences led by professionals.",
            "why_now": "A rise in children entering care, many later placed with relatives.",
            "sponsor": "Director of Children's Services",
            "resources_and_capacity": "Two coordinators funded for two years.",
            "stakeholders": "Social work teams, family court, schools, health visitors.",
        },
        barriers=[
            (
                CfirDomain.PROCESS,
                "Referrals arrive too late, after proceedings have started.",
                "",
            ),
        ],
    ),
    DemoJourney(
        organisation="Brightwater Family Support",
        innovation="Family Group Conferencing",
        by="carer@example.org",
        stages=[(Stage.EXPLORING, 30, "")],
    ),
    DemoJourney(
        organisation="Northshire NHS Foundation Trust",
        innovation="Hospital at Home: frailty virtual ward",
        by="nurse@example.org",
        stages=[(Stage.EXPLORING, 60, ""), (Stage.PLANNING, 14, "Business case approved.")],
    ),
    DemoJourney(
        organisation="Harbourside Primary Care Network",
        innovation="Hospital at Home: frailty virtual ward",
        by="nurse@example.org",
        stages=[(Stage.EXPLORING, 45, "")],
    ),
]


def load(*, people: dict[str, User]) -> None:
    services.facilitator_grant(user=people["facilitator@example.org"])
    organisations = {row[0]: _organisation(*row) for row in ORGANISATIONS}
    for email, name in PEOPLE_AT.items():
        if people[email].organisation_id is None:
            people[email].organisation = organisations[name]
            people[email].save(update_fields=["organisation"])
    creator = people["facilitator@example.org"]
    for demo in INNOVATIONS:
        _innovation(demo, organisations=organisations, people=people, creator=creator)
    for journey in JOURNEYS:
        _journey(journey, organisations=organisations, people=people)


def _organisation(name, kind, region, size_band, website) -> Organisation:
    existing = Organisation.objects.filter(name=name).first()
    return existing or services.organisation_create(
        name=name, kind=kind, region=region, size_band=size_band, website=website
    )


def _innovation(demo: DemoInnovation, *, organisations, people, creator) -> Innovation:
    existing = Innovation.objects.filter(slug=slugify(demo.title)).first()
    if existing:
        return existing
    parts: list = [
        Component(name=name, kind=kind, why_it_matters=why)
        for kind, rows in (
            (ComponentKind.CORE, demo.core),
            (ComponentKind.ADAPTABLE, demo.adaptable),
        )
        for name, why in rows
    ]
    parts += [Resource(title=title, kind=kind, url=url) for title, kind, url in demo.resources]
    parts += [EvidenceLink(title=title, url=url) for title, url in demo.evidence_links]
    return services.innovation_create(
        created_by=creator,
        title=demo.title,
        summary=demo.summary,
        problem=demo.problem,
        how_it_works=demo.how_it_works,
        evidence=demo.evidence,
        source_organisation=organisations[demo.source],
        status=InnovationStatus.PUBLISHED,
        sectors=demo.sectors,
        innovators=[people[email] for email in demo.innovators],
        parts=parts,
    )


def _journey(journey: DemoJourney, *, organisations, people) -> None:
    organisation = organisations[journey.organisation]
    innovation = Innovation.objects.get(slug=slugify(journey.innovation))
    if Adoption.objects.filter(organisation=organisation, innovation=innovation).exists():
        return
    person = people[journey.by]
    now = timezone.now()
    (_exploring, days_ago, note), *later = journey.stages
    adoption = services.adoption_start(
        organisation=organisation,
        innovation=innovation,
        started_by=person,
        started_at=now - datetime.timedelta(days=days_ago),
        note=note or "Started exploring.",
    )
    for stage, days_ago, note in later:
        services.adoption_stage_change(
            adoption=adoption,
            stage=stage,
            changed_by=person,
            note=note,
            changed_at=now - datetime.timedelta(days=days_ago),
        )
    _journey_details(journey, adoption=Adoption.objects.get(pk=adoption.pk), person=person)


def _journey_details(journey: DemoJourney, *, adoption: Adoption, person: User) -> None:
    if journey.profile:
        services.adoption_profile_update(adoption=adoption, **journey.profile)
    components = {c.name: c for c in adoption.innovation.components.all()}
    for name, status, how, why in journey.ledger:
        services.ledger_entry_record(
            adoption=adoption,
            component=components[name],
            status=status,
            how=how,
            why=why,
            recorded_by=person,
        )
    for domain, description, resolution in journey.barriers:
        barrier = services.barrier_raise(
            adoption=adoption, domain=domain, description=description, raised_by=person
        )
        if resolution:
            services.barrier_resolve(barrier=barrier, resolution=resolution)
    for domain, description in journey.enablers:
        services.enabler_add(
            adoption=adoption, domain=domain, description=description, added_by=person
        )
