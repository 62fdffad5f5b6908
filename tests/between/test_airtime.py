import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sets import between_services as services
from sets.models import AgendaItem, AirtimeBid

pytestmark = pytest.mark.django_db


def test_airtime_bid_is_one_line_and_a_second_bid_changes_the_first(client, midway):
    client.force_login(midway.alice)
    url = reverse("between:airtime", args=[midway.learning_set.pk, midway.next.pk])

    client.post(url, {"statement": "Managers want results\n before the pilot"})
    client.post(url, {"statement": "Night staff distrust the sheet"})

    assert list(AirtimeBid.objects.values_list("person", "statement")) == [
        (midway.alice.pk, "Night staff distrust the sheet")
    ]


def test_airtime_bid_for_a_meeting_that_has_started_is_refused(midway):
    with pytest.raises(ValidationError) as refused:
        services.airtime_bid_make(meeting=midway.held, person=midway.alice, statement="Late")

    assert refused.value.messages == ["Bids for airtime close when the meeting starts."]


def test_airtime_facilitator_orders_bids_into_the_rounds(client, midway):
    first = services.airtime_bid_make(meeting=midway.next, person=midway.alice, statement="A")
    second = services.airtime_bid_make(meeting=midway.next, person=midway.bob, statement="B")
    airtime = AgendaItem.objects.get(meeting=midway.next, kind="airtime")
    client.force_login(midway.facilitator)

    client.post(
        reverse("between:airtime_order", args=[midway.learning_set.pk, midway.next.pk]),
        {
            f"round_{first.pk}": airtime.pk,
            f"position_{first.pk}": 2,
            f"round_{second.pk}": airtime.pk,
            f"position_{second.pk}": 1,
        },
    )

    ordered = AirtimeBid.objects.filter(meeting=midway.next).order_by("position")
    assert [(bid.statement, bid.round_id) for bid in ordered] == [
        ("B", airtime.pk),
        ("A", airtime.pk),
    ]


def test_airtime_order_is_for_facilitators(client, midway):
    bid = services.airtime_bid_make(meeting=midway.next, person=midway.alice, statement="A")
    client.force_login(midway.bob)

    response = client.post(
        reverse("between:airtime_order", args=[midway.learning_set.pk, midway.next.pk]),
        {f"round_{bid.pk}": "", f"position_{bid.pk}": ""},
    )

    assert response.status_code == 403
