"""The background B-LTA upgrader gives way to the hot path (issue 17).

An upgrade costs about twice an issuance; run beside a burst of issuances it halved their
rate. The upgrader now waits before each file until the process's issuances and
countersignatures have been quiet for a moment, yet never longer than its longest wait. These
tests run the real upgrader over a real registry and timestamper and watch the document's
level: held back while an issuance runs, upgraded once it ends, upgraded anyway once the
longest wait has passed under a load that does not stop.
"""

from __future__ import annotations

import threading
import time

import pytest

from api.services import Services
from forms import get_form
from registry.revisions import latest_revision
from workflow import Actor, IssueRequest, issue_document
from workflow.background import Activity
from workflow.ltv import Upgrader

FORM = "qualification-certificate"


@pytest.fixture
def services(own_services: Services) -> Services:
    return own_services


def _issued(services: Services) -> str:
    key, _ = services.registry.create_api_key("Give-way tests", {"issue"})
    example = dict(get_form(FORM).example)
    record, _ = issue_document(services.context, Actor.of(key), IssueRequest(FORM, "kk", example))
    return record.id


def _level(services: Services, doc_id: str) -> str:
    revision = latest_revision(services.registry, doc_id)
    assert revision is not None
    return revision.level


def _tick_in_background(upgrader: Upgrader) -> threading.Thread:
    thread = threading.Thread(target=upgrader.tick, daemon=True)
    thread.start()
    return thread


def test_an_upgrade_waits_while_an_issuance_runs_and_follows_once_it_ends(
    services: Services,
) -> None:
    doc_id = _issued(services)
    assert _level(services, doc_id) == "B-T"
    upgrader = Upgrader(services.context, quiet_seconds=0.2, longest_wait_seconds=60)
    with services.context.activity.busy():  # an issuance in flight
        thread = _tick_in_background(upgrader)
        time.sleep(1.0)
        assert thread.is_alive()
        assert _level(services, doc_id) == "B-T"
    thread.join(timeout=30)
    assert not thread.is_alive()
    assert _level(services, doc_id) == "B-LTA"


def test_under_a_load_that_never_stops_the_upgrade_still_comes_after_the_longest_wait(
    services: Services,
) -> None:
    doc_id = _issued(services)
    upgrader = Upgrader(services.context, quiet_seconds=0.2, longest_wait_seconds=1.0)
    with services.context.activity.busy():
        started = time.monotonic()
        thread = _tick_in_background(upgrader)
        thread.join(timeout=30)
        waited = time.monotonic() - started
    assert _level(services, doc_id) == "B-LTA"
    assert waited >= 1.0


def test_an_issuance_marks_the_hot_path_busy_while_it_runs(services: Services) -> None:
    activity = services.context.activity
    _issued(services)
    assert 0 < activity.idle_for() < 5  # it ran and ended just now
    seen: list[float] = []
    original = services.renderer.render

    def render(*args: object, **kwargs: object) -> bytes:
        seen.append(activity.idle_for())
        return original(*args, **kwargs)  # type: ignore[arg-type]

    services.renderer.render = render  # type: ignore[method-assign]
    _issued(services)
    assert seen == [0.0]


def test_quiet_means_quiet_for_the_whole_moment() -> None:
    activity = Activity()
    stop = threading.Event()
    started = time.monotonic()
    activity.wait_quiet(0.2, 5, stop)  # never busy: at once
    assert time.monotonic() - started < 0.1
    with activity.busy():
        pass
    started = time.monotonic()
    activity.wait_quiet(0.3, 5, stop)  # just ended: the rest of the quiet moment
    assert 0.25 <= time.monotonic() - started < 2
    with activity.busy():
        threading.Timer(0.2, stop.set).start()
        started = time.monotonic()
        activity.wait_quiet(0.2, 5, stop)  # a stop ends the wait
        assert time.monotonic() - started < 2
