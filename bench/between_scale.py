"""Between-meetings pages at scale: queries per page and PostgreSQL's plan for each. Not a test.

    .venv/bin/python bench/between_scale.py            # DATABASE_URL defaults to al_between_bench
    .venv/bin/python bench/between_scale.py --reseed   # drop the database and seed again

Creates (if missing) and migrates the PostgreSQL database `al_between_bench`, then seeds it
once with 2,000 sets of six members and six meetings (2,000 organisations, 200
innovations, 10,000 other sessions), 200,000 reflections, 50,000 actions
with 50,000 updates, 20,000 questions with 20,000 supports, 36,000 RSVPs, 20,000 check-ins
and 10,000 barriers (bulk_create, then ANALYZE). It then opens the participant's home, the
facilitator's progress page, the question list and the innovator's inbox as their users
would, and prints for each page the number of queries and `EXPLAIN (ANALYZE, BUFFERS)` of
every query, flagging any sequential scan of a table.
"""

import argparse
import datetime
import os
import re
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionlearning.settings")
os.environ.setdefault("DATABASE_URL", "postgres://root@127.0.0.1:5432/al_between_bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import psycopg2  # noqa: E402


def _database_create(*, fresh: bool) -> None:
    url = urlsplit(os.environ["DATABASE_URL"])
    server = psycopg2.connect(
        host=url.hostname, port=url.port or 5432, user=url.username, dbname="postgres"
    )
    server.autocommit = True
    with server.cursor() as cursor:
        name = url.path.lstrip("/")
        if fresh:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    server.close()


ARGUMENTS = argparse.ArgumentParser(description=__doc__.splitlines()[0])
ARGUMENTS.add_argument("--reseed", action="store_true", help="drop the database and seed again")
_database_create(fresh=ARGUMENTS.parse_args().reseed)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.sessions.models import Session  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

from actionlearning.accounts.models import User  # noqa: E402
from innovations.models import CfirDomain, Innovation, Organisation  # noqa: E402
from sets.models import (  # noqa: E402
    Action,
    ActionUpdate,
    Barrier,
    CheckIn,
    GroundRules,
    LearningSet,
    Meeting,
    Membership,
    Question,
    QuestionSupport,
    Reflection,
    Rsvp,
)

SETS = 2_000
MEMBERS = 5  # participants per set, besides its facilitator
MEETINGS = 6
HELD = 3
REFLECTIONS = 200_000
ACTIONS = 50_000
QUESTIONS = 20_000
BARRIERS = 10_000
ORGANISATIONS = 2_000
INNOVATIONS = 200
SESSIONS = 10_000  # other people signed in, so the session table is not a toy
BATCH = 5_000
PREFIX = "bench-between"


def _seeded() -> bool:
    return Reflection.objects.filter(learning_set__name__startswith=PREFIX).exists()


def _seed() -> None:
    started = time.monotonic()
    now = timezone.now()
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"{PREFIX} org {n}", kind="nhs_trust", region="london", size_band="large")
        for n in range(ORGANISATIONS)
    )
    innovations = Innovation.objects.bulk_create(
        Innovation(
            title=f"{PREFIX} innovation {n}",
            slug=f"{PREFIX}-{n}",
            summary="s",
            problem="p",
            how_it_works="h",
            source_organisation=organisations[n],
            status="published",
        )
        for n in range(INNOVATIONS)
    )
    people = User.objects.bulk_create(
        (
            User(
                email=f"{PREFIX}-{n}@example.org",
                full_name=f"Person {n} Bench",
                password="!",
                organisation=organisations[n % len(organisations)],
            )
            for n in range(SETS * (MEMBERS + 1) + len(innovations))
        ),
        batch_size=BATCH,
    )
    innovators = people[-len(innovations) :]
    for innovation, innovator in zip(innovations, innovators, strict=True):
        innovation.innovators.add(innovator)
    sets = LearningSet.objects.bulk_create(
        LearningSet(
            name=f"{PREFIX} set {n}",
            innovation=innovations[n % len(innovations)],
            purpose="p",
            status="active",
        )
        for n in range(SETS)
    )
    rules = GroundRules.objects.bulk_create(
        GroundRules(learning_set=s, version=1, text="Confidentiality first.") for s in sets
    )
    members: dict[int, list[User]] = {}
    memberships = []
    for index, (learning_set, rule) in enumerate(zip(sets, rules, strict=True)):
        group = people[index * (MEMBERS + 1) : (index + 1) * (MEMBERS + 1)]
        members[learning_set.pk] = group
        memberships += [
            Membership(
                learning_set=learning_set,
                person=person,
                role="facilitator" if position == 0 else "participant",
                organisation=person.organisation,
                state="active",
                ground_rules=rule,
                consented_at=now,
                joined_at=now,
            )
            for position, person in enumerate(group)
        ]
    Membership.objects.bulk_create(memberships, batch_size=BATCH)
    meetings = Meeting.objects.bulk_create(
        (
            Meeting(
                learning_set=learning_set,
                number=number + 1,
                title=f"Meeting {number + 1}",
                starts_at=now + datetime.timedelta(weeks=6 * (number - HELD + 1) - 3),
                ends_at=now + datetime.timedelta(weeks=6 * (number - HELD + 1) - 3, hours=3),
                status="held" if number < HELD else "scheduled",
            )
            for learning_set in sets
            for number in range(MEETINGS)
        ),
        batch_size=BATCH,
    )
    by_set: dict[int, list[Meeting]] = {}
    for meeting in meetings:
        by_set.setdefault(meeting.learning_set_id, []).append(meeting)
    _seed_items(sets, members, by_set, now)
    Session.objects.bulk_create(
        (
            Session(
                session_key=f"bench{n:027d}",
                session_data="e30:bench",
                expire_date=now + datetime.timedelta(days=14),
            )
            for n in range(SESSIONS)
        ),
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"Seeded in {time.monotonic() - started:.0f} s.")


def _seed_items(sets, members, meetings, now) -> None:
    today = now.date()
    visibilities = ["private", "private", "facilitators", "set"]
    Reflection.objects.bulk_create(
        (
            Reflection(
                learning_set=sets[n % SETS],
                author=members[sets[n % SETS].pk][1 + (n // SETS) % MEMBERS],
                what=f"Reflection {n}: what happened on the ward this week.",
                visibility=visibilities[n % len(visibilities)],
                created_at=now - datetime.timedelta(minutes=n),
                updated_at=now - datetime.timedelta(minutes=n),
            )
            for n in range(REFLECTIONS)
        ),
        batch_size=BATCH,
    )
    statuses = ["open", "in_progress", "done", "dropped", "blocked"]
    actions = Action.objects.bulk_create(
        (
            Action(
                learning_set=sets[n % SETS],
                owner=members[sets[n % SETS].pk][1 + (n // SETS) % MEMBERS],
                text=f"Action {n}",
                made_on=today - datetime.timedelta(days=60),
                due_on=today + datetime.timedelta(days=(n % 60) - 30),
                status=statuses[n % len(statuses)],
                created_at=now - datetime.timedelta(minutes=n),
            )
            for n in range(ACTIONS)
        ),
        batch_size=BATCH,
    )
    ActionUpdate.objects.bulk_create(
        (
            ActionUpdate(action=a, written_by=a.owner, text="Progress", status=a.status)
            for a in actions
        ),
        batch_size=BATCH,
    )
    questions = Question.objects.bulk_create(
        (
            Question(
                learning_set=sets[n % SETS],
                innovation_id=sets[n % SETS].innovation_id,
                asked_by=members[sets[n % SETS].pk][1 + (n // SETS) % MEMBERS],
                addressed_to="innovator" if n % 3 == 0 else "set",
                text=f"Question {n}?",
                created_at=now - datetime.timedelta(minutes=n),
            )
            for n in range(QUESTIONS)
        ),
        batch_size=BATCH,
    )
    QuestionSupport.objects.bulk_create(
        (
            QuestionSupport(question=q, person=members[q.learning_set_id][1 + (n + 1) % MEMBERS])
            for n, q in enumerate(questions)
        ),
        batch_size=BATCH,
    )
    Rsvp.objects.bulk_create(
        (
            Rsvp(meeting=meeting, person=person, response="going")
            for learning_set in sets
            for meeting in meetings[learning_set.pk][HELD:]
            for person in members[learning_set.pk]
        ),
        batch_size=BATCH,
    )
    CheckIn.objects.bulk_create(
        (
            CheckIn(
                learning_set=learning_set,
                person=person,
                after_meeting=meetings[learning_set.pk][gap],
                before_meeting=meetings[learning_set.pk][gap + 1],
                confidence=1 + (person.pk + gap) % 5,
            )
            for learning_set in sets
            for person in members[learning_set.pk][1:]
            for gap in range(HELD - 1)
        ),
        batch_size=BATCH,
    )
    Barrier.objects.bulk_create(
        (
            Barrier(
                learning_set=sets[n % SETS],
                raised_by=members[sets[n % SETS].pk][1 + (n // SETS) % MEMBERS],
                category=CfirDomain.values[n % len(CfirDomain.values)],
                description=f"Barrier {n}",
            )
            for n in range(BARRIERS)
        ),
        batch_size=BATCH,
    )


SEQ_SCAN = re.compile(r"Seq Scan on (\w+)")


def _report(title: str, person: User, url: str) -> None:
    client = Client()
    client.force_login(person)
    client.get(url)  # warm up: the first request loads the URLconf and templates
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    print(f"\n=== {title}: GET {url} as {person.email} -> {len(queries)} queries ===")
    with connection.cursor() as cursor:
        for number, query in enumerate(queries.captured_queries, start=1):
            sql = query["sql"]
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {sql}")
            plan = "\n".join(f"    {row[0]}" for row in cursor.fetchall())
            scans = SEQ_SCAN.findall(plan)
            flag = f"  <-- SEQUENTIAL SCAN of {', '.join(scans)}" if scans else ""
            print(f"\n[{number}] {sql[:300]}{'…' if len(sql) > 300 else ''}{flag}\n{plan}")


def _sizes() -> None:
    print("Rows:", end=" ")
    for model in (LearningSet, Membership, Meeting, Reflection, Action, ActionUpdate, Question):
        print(f"{model._meta.model_name} {model.objects.count():,}", end="; ")
    print(f"checkin {CheckIn.objects.count():,}; barrier {Barrier.objects.count():,}; ", end="")
    print(f"support {QuestionSupport.objects.count():,}; rsvp {Rsvp.objects.count():,}")


def main() -> None:
    settings.ALLOWED_HOSTS.append("testserver")
    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    if not _seeded():
        _seed()
    _sizes()
    learning_set = LearningSet.objects.filter(name=f"{PREFIX} set 7").get()
    group = learning_set.memberships.select_related("person").order_by("pk")
    facilitator, participant = group[0].person, group[1].person
    innovator = learning_set.innovation.innovators.get()
    _report("Participant home", participant, reverse("home"))
    _report("Progress page", facilitator, reverse("between:progress", args=[learning_set.pk]))
    _report("Question list", participant, reverse("between:question_list", args=[learning_set.pk]))
    _report("Innovator's questions", innovator, reverse("between:innovator_inbox"))


if __name__ == "__main__":
    main()
