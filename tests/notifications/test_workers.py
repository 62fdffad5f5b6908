"""Real Celery workers and beats on real Redis and PostgreSQL, and the faults they meet.

Each test starts `celery worker` (and `celery beat` where the clock matters) as separate
processes against the test database and Redis database 10, with email going to a small
SMTP server in this process. Every test ends the same way: no due notification is left
unsent, and each dedupe key was recorded sent once under one Message-ID. Where a worker
dies between handing a message to the mail server and recording it, that one message may
arrive twice with the same Message-ID (delivery is at least once); the tests count such
repeats and bound them by the batch size.

The database restart is simulated: the tests share a PostgreSQL server with other work,
so instead of restarting it they terminate every connection to the test database
(pg_terminate_backend) while a worker is in the middle of a batch, which is what a
worker sees when the server restarts.

These wait for real processes, polling the database with a deadline; nothing asserts
a timing.
"""

import datetime
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from actionlearning.celery import app
from sets.models import Notification
from tests.factories import MeetingFactory, MembershipFactory
from tests.notifications.smtp_sink import SmtpSink

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[2]
CELERY = str(Path(sys.executable).parent / "celery")
MEMBERS = 40
BATCH = 10
CLAIM_TIMEOUT = 3


def _database_url() -> str:
    db = settings.DATABASES["default"]
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Cluster:
    """Workers and beats as separate processes, each in its own process group."""

    def __init__(self, sink: SmtpSink, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.processes: list[subprocess.Popen] = []
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "actionlearning.settings",
            "DATABASE_URL": _database_url(),
            "DATABASE_CONN_MAX_AGE": "0",
            "REDIS_URL": settings.REDIS_URL,
            "CACHE_URL": settings.CACHE_URL,
            "EMAIL_URL": sink.url,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "NOTIFICATION_BATCH_SIZE": str(BATCH),
            "NOTIFICATION_CLAIM_TIMEOUT": str(CLAIM_TIMEOUT),
            "NOTIFICATION_SWEEP_SECONDS": "1",
            "LOG_LEVEL": "WARNING",
        }

    def _start(self, *args: str, name: str) -> subprocess.Popen:
        log = open(self.tmp_path / f"{name}.log", "ab")  # noqa: SIM115 - the process holds it
        process = subprocess.Popen(
            [CELERY, "-A", "actionlearning", *args],
            cwd=REPO,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self.processes.append(process)
        return process

    def worker(self, name: str = "w1") -> subprocess.Popen:
        return self._start(
            "worker",
            "--pool=solo",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "-n",
            f"{name}@%h",
            name=name,
        )

    def beat(self, name: str = "beat") -> subprocess.Popen:
        schedule = self.tmp_path / f"{name}-schedule"
        return self._start("beat", "-s", str(schedule), name=name)

    def kill(self, process: subprocess.Popen) -> None:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def stop_all(self) -> None:
        for process in self.processes:
            self.kill(process)


@pytest.fixture
def sink():
    server = SmtpSink().start()
    yield server
    server.stop()


@pytest.fixture
def cluster(sink, tmp_path):
    redis.Redis.from_url(settings.REDIS_URL).flushdb()
    running = Cluster(sink, tmp_path)
    yield running
    running.stop_all()
    redis.Redis.from_url(settings.REDIS_URL).flushdb()


@pytest.fixture
def due_rows(db):
    """A meeting reminder for each of 40 members, due an hour ago; nothing else is due."""
    starts = timezone.now() + datetime.timedelta(days=7, hours=-1)
    meeting = MeetingFactory(starts_at=starts, ends_at=starts + datetime.timedelta(hours=3))
    for _ in range(MEMBERS):
        MembershipFactory(learning_set=meeting.learning_set)
    from sets.notifications import notifications_plan

    notifications_plan(learning_set=meeting.learning_set)
    due = Notification.objects.filter(state="pending", due_at__lte=timezone.now())
    assert due.count() == MEMBERS
    return list(due.values_list("pk", flat=True))


def wait_for(predicate, *, seconds: float = 60, what: str = "") -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    raise AssertionError(f"Gave up waiting for {what or predicate}")


def all_sent(ids) -> bool:
    return Notification.objects.filter(pk__in=ids, state="sent").count() == len(ids)


def sweep_later() -> None:
    """What beat does each minute: put a sweep on the broker."""
    app.send_task("sets.sweep_notifications")


def assert_each_sent_once(sink: SmtpSink, ids, *, repeats_allowed: int = 0) -> int:
    """No due notification unsent; each dedupe key recorded sent once under one Message-ID."""
    rows = list(Notification.objects.filter(pk__in=ids))
    assert {row.state for row in rows} == {"sent"}
    assert not Notification.objects.filter(
        state__in=["pending", "sending"], due_at__lte=timezone.now()
    ).exists()
    received = Counter(sink.message_ids())
    assert set(received) == {row.message_id for row in rows}
    assert len({row.dedupe_key for row in rows}) == len(rows)
    repeats = sum(received.values()) - len(received)
    assert repeats <= repeats_allowed
    return repeats


def test_beat_schedule_reaches_the_sweep_and_emails_come_out(cluster, sink, due_rows):
    assert (
        settings.CELERY_BEAT_SCHEDULE["sweep-notifications"]["task"] == "sets.sweep_notifications"
    )
    cluster.worker()
    cluster.beat()
    wait_for(lambda: all_sent(due_rows), what="the beat's sweeps to send every reminder")
    assert assert_each_sent_once(sink, due_rows) == 0
    assert sink.connections <= MEMBERS // BATCH + 1  # one connection per batch


def test_a_worker_killed_mid_batch_is_replaced_and_nothing_is_lost(cluster, sink, due_rows):
    sink.delay = 0.1
    worker = cluster.worker()
    sweep_later()
    wait_for(lambda: len(sink.messages) >= 3, what="the first messages of a batch")
    cluster.kill(worker)
    in_flight = Notification.objects.filter(state="sending").count()
    assert in_flight > 0  # claimed by the dead worker, not recorded
    sink.delay = 0
    cluster.worker("w2")
    cluster.beat()
    wait_for(lambda: all_sent(due_rows), what="the stale claims to be taken back and sent")
    assert_each_sent_once(sink, due_rows, repeats_allowed=BATCH)


def test_two_beats_at_once_send_nothing_twice(cluster, sink, due_rows):
    sink.delay = 0.02
    cluster.worker("w1")
    cluster.worker("w2")
    cluster.beat("beat1")
    cluster.beat("beat2")
    wait_for(lambda: all_sent(due_rows), what="two beats' sweeps to send every reminder")
    assert assert_each_sent_once(sink, due_rows) == 0


def test_redis_flushed_while_sweeps_are_queued_loses_nothing(cluster, sink, due_rows):
    for _ in range(3):
        sweep_later()
    broker = redis.Redis.from_url(settings.REDIS_URL)
    assert broker.llen("celery") == 3
    broker.flushdb()  # the queued sweeps are gone; the rows are still in the database
    cluster.worker()
    cluster.beat()
    wait_for(lambda: all_sent(due_rows), what="the next beat's sweep after the flush")
    assert assert_each_sent_once(sink, due_rows) == 0


def _terminate_other_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


def test_database_connections_lost_during_a_sweep_are_recovered(cluster, sink, due_rows):
    sink.delay = 0.1
    cluster.worker()
    sweep_later()
    wait_for(lambda: len(sink.messages) >= 2, what="a batch to be on its way")
    assert Notification.objects.filter(state="sending").exists()
    assert _terminate_other_connections() >= 1
    sink.delay = 0
    cluster.beat()
    wait_for(lambda: all_sent(due_rows), what="the sweep to reconnect and finish")
    assert_each_sent_once(sink, due_rows, repeats_allowed=BATCH)
