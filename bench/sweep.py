"""How fast the notification sweep sends, and what an empty sweep costs. Not a test.

    DATABASE_URL=postgres://USER@127.0.0.1:5432/DB .venv/bin/python bench/sweep.py -n 10000

Seeds N due meeting reminders (a set with 200 members and N/200 meetings a week away) into
the database named by DATABASE_URL (migrated; its bench rows are replaced each run), sends
them with the real sweep over SMTP to a local sink (one connection per batch), and prints
the throughput and the queries each batch took. With --sent M it then adds M sent rows
and prints the queries, time and PostgreSQL plan of a sweep that finds nothing due.
"""

import argparse
import datetime
import multiprocessing
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "actionlearning.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from actionlearning.accounts.models import User  # noqa: E402
from innovations.models import Innovation, Organisation  # noqa: E402
from sets.models import LearningSet, Meeting, Membership, Notification  # noqa: E402
from sets.notifications import dedupe_key, notifications_sweep  # noqa: E402
from tests.notifications.smtp_sink import SmtpSink  # noqa: E402

BENCH = "Sweep benchmark"
MEMBERS = 200


def _clean() -> None:
    Notification.objects.filter(learning_set__name=BENCH).delete()
    Membership.objects.filter(learning_set__name=BENCH).delete()
    LearningSet.objects.filter(name=BENCH).delete()
    User.objects.filter(email__startswith="bench-").delete()
    Innovation.objects.filter(slug="sweep-benchmark").delete()
    Organisation.objects.filter(name=BENCH).delete()


def _seed(count: int) -> LearningSet:
    now = timezone.now()
    source = Organisation.objects.create(
        name=BENCH, kind="nhs_trust", region="london", size_band="large"
    )
    innovation = Innovation.objects.create(
        title=BENCH,
        slug="sweep-benchmark",
        summary="-",
        problem="-",
        how_it_works="-",
        source_organisation=source,
    )
    learning_set = LearningSet.objects.create(name=BENCH, innovation=innovation, purpose="-")
    rules = learning_set.ground_rules_versions.create(version=1, text="Confidentiality.")
    people = User.objects.bulk_create(
        User(email=f"bench-{i}@example.org", full_name=f"Bench Person {i}", password="!")
        for i in range(MEMBERS)
    )
    Membership.objects.bulk_create(
        Membership(
            learning_set=learning_set,
            person=p,
            state="active",
            ground_rules=rules,
            consented_at=now,
            joined_at=now,
        )
        for p in people
    )
    starts = now + datetime.timedelta(days=7, hours=-1)
    meetings = Meeting.objects.bulk_create(
        Meeting(
            learning_set=learning_set,
            number=n + 1,
            title=f"Meeting {n + 1}",
            starts_at=starts,
            ends_at=starts + datetime.timedelta(hours=3),
            place="Room 2",
        )
        for n in range(-(-count // MEMBERS))
    )
    rows = [
        Notification(
            learning_set=learning_set,
            recipient=person,
            kind="meeting_reminder",
            meeting=meeting,
            dedupe_key=dedupe_key("meeting_reminder", f"meeting-{meeting.pk}", person.pk, "7d"),
            due_at=now - datetime.timedelta(hours=1),
            expires_at=now + datetime.timedelta(hours=11),
        )
        for meeting in meetings
        for person in people
    ][:count]
    Notification.objects.bulk_create(rows, batch_size=2000)
    return learning_set


def _sweep_until_done(batch_size: int, report) -> None:
    """One sweeper, as a worker process runs it: batch after batch until nothing is due."""
    connection.close()  # a forked process needs its own connection
    queries, seconds = [], []
    while True:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = notifications_sweep(batch_size=batch_size, max_batches=1)
        if not result.claimed:
            break
        queries.append(len(captured))
        seconds.append(time.perf_counter() - started)
    report.put((queries, seconds))


def _send(count: int, batch_size: int, processes: int) -> None:
    sink = SmtpSink().start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", sink.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    connection.close()
    report = multiprocessing.Queue()
    sweepers = [
        multiprocessing.Process(target=_sweep_until_done, args=(batch_size, report))
        for _ in range(processes)
    ]
    started = time.perf_counter()
    for sweeper in sweepers:
        sweeper.start()
    results = [report.get() for _ in sweepers]
    for sweeper in sweepers:
        sweeper.join()
    elapsed = time.perf_counter() - started
    queries = [q for per_process, _ in results for q in per_process]
    seconds = [s for _, per_process in results for s in per_process]
    sent = Notification.objects.filter(state="sent", learning_set__name=BENCH).count()
    sink.stop()
    received = sink.message_ids()
    print(
        f"seeded {count} due notifications; batch size {batch_size}; "
        f"{processes} sweeping processes; database {connection.vendor}"
    )
    print(f"sent and marked: {sent} of {count} in {elapsed:.1f} s ({sent / elapsed:.0f} emails/s)")
    print(
        f"the SMTP sink received {len(received)} emails ({len(set(received))} distinct "
        f"Message-IDs) over {sink.connections} connections"
    )
    print(f"batches: {len(queries)}; queries per batch: min {min(queries)}, max {max(queries)}")
    print(f"seconds per batch: median {statistics.median(seconds):.3f}, max {max(seconds):.3f}")


def _empty_sweep(sent_rows: int) -> None:
    learning_set = LearningSet.objects.get(name=BENCH)
    person = learning_set.memberships.first().person_id
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO sets_notification (recipient_id, kind, learning_set_id, dedupe_key, due_at,
                state, attempts, last_error, skip_reason, claim_token, sent_at, subject, created_at)
            SELECT %s, 'meeting_reminder', %s, 'bench-sent-' || g, now() - g * interval '1 second',
                'sent', 1, '', '', '', now() - g * interval '1 second', 'Reminder', now()
            FROM generate_series(1, %s) AS g
            """,
            [person, learning_set.pk, sent_rows],
        )
        # What autovacuum does soon after a big send: drop index entries of rows that left
        # 'pending', so the empty sweep's measure is the steady state.
        cursor.execute("VACUUM ANALYZE sets_notification")
        cursor.execute("SELECT count(*) FROM sets_notification")
        total = cursor.fetchone()[0]
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = notifications_sweep()
        elapsed = time.perf_counter() - started
    assert result.claimed == 0
    print(
        f"\nempty sweep over {total} rows ({sent_rows} sent added): {len(captured)} query, "
        f"{elapsed * 1000:.1f} ms"
    )
    claim_sql = captured.captured_queries[0]["sql"]
    print(claim_sql)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) {claim_sql}")
        print("\n".join(row[0] for row in cursor.fetchall()))
        transaction.set_rollback(True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=10_000, help="due notifications to seed")
    parser.add_argument("--batch", type=int, default=settings.NOTIFICATION_BATCH_SIZE)
    parser.add_argument(
        "--processes", type=int, default=2, help="sweeping processes (the worker runs two)"
    )
    parser.add_argument("--sent", type=int, default=0, help="sent rows to add for the empty sweep")
    options = parser.parse_args()
    _clean()
    _seed(options.n)
    _send(options.n, options.batch, options.processes)
    if options.sent:
        _empty_sweep(options.sent)
    _clean()


if __name__ == "__main__":
    main()
