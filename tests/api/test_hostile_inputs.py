"""The pentest's inputs, generated: non-finite numbers and extreme dates in every numeric and
date value of a course certificate and an application, a megabyte of unknown keys, IINs in
error text. Each is answered in the one error shape with a 4xx, and a refused application
leaves nothing stored."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from api.errors import MAX_DETAILS, error_body
from api.services import Services
from forms import ErrorDetail, get_form
from forms.rules.applications import REQUIREMENTS
from tests.support.fixtures import Org

NON_FINITE = ["Infinity", "-Infinity", "NaN", "1e400", "-1e400"]
EXTREME_DATES = ["9999-12-31", "0001-01-01", "10000-01-01", "2025-02-30"]
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
PROVIDER = {
    "name": "Қарағанды облысы білім басқармасы",
    "signatory": {"full_name": "Ахметова Сәуле Болатқызы", "position": "Бөлім басшысы"},
}
HYPO = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    if isinstance(value, dict):
        return [leaf for k, v in value.items() for leaf in _leaves(v, (*path, k))]
    if isinstance(value, list):
        return [leaf for i, v in enumerate(value) for leaf in _leaves(v, (*path, i))]
    return [(path, value)]


def _targets(example: dict[str, Any]) -> list[tuple[tuple[Any, ...], str]]:
    """Every numeric value (gets a non-finite number) and date (gets an extreme one)."""
    out: list[tuple[tuple[Any, ...], str]] = []
    for path, value in _leaves(example):
        if isinstance(value, int | float) and not isinstance(value, bool):
            out += [(path, token) for token in NON_FINITE]
        elif isinstance(value, str) and _DATE.match(value):
            out += [(path, json.dumps(d)) for d in EXTREME_DATES]
    return out


def _with(body: dict[str, Any], path: tuple[Any, ...], raw: str) -> str:
    """``body`` as JSON with the value at ``path`` replaced by the raw JSON text ``raw``
    (``Infinity`` is not JSON a serializer writes: it is spliced in as text)."""
    marked = copy.deepcopy(body)
    node: Any = marked
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = "@@HOSTILE@@"
    return json.dumps(marked).replace('"@@HOSTILE@@"', raw)


def _documents(services: Services) -> int:
    with services.registry.engine.connect() as conn:
        return int(conn.execute(text("SELECT count(*) FROM documents")).scalar_one())


def _refused_in_the_shape(r: Any) -> None:
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    error = r.json()["error"]
    assert set(error) == {"code", "message", "details"}


COURSE = get_form("course-certificate").example
COURSE_TARGETS = [t for t in _targets({"data": dict(COURSE)})]


@HYPO
@given(target=st.sampled_from(COURSE_TARGETS))
def test_course_certificate_with_non_finite_numbers_or_extreme_dates_is_a_4xx(
    client: TestClient, org: Org, target: tuple[tuple[Any, ...], str]
) -> None:
    path, raw = target
    body = {"form": "course-certificate", "lang": "kk", "data": copy.deepcopy(dict(COURSE))}
    r = client.post(
        "/v1/documents", content=_with(body, path, raw),
        headers={**org.headers, "content-type": "application/json"},
    )  # fmt: skip
    if raw.strip('"') in ("9999-12-31", "0001-01-01") and r.status_code == 201:
        return  # a real, if odd, calendar date may be stated; what matters is no 500
    _refused_in_the_shape(r)


APPLICATION = get_form("application-teacher").example


def _application() -> dict[str, Any]:
    return {
        "form": "application-teacher",
        "lang": "kk",
        "data": copy.deepcopy(dict(APPLICATION)),
        "documents": [r.id for r in REQUIREMENTS],
        "submitted_at": "2025-10-14T10:30:00+05:00",
        "provider": PROVIDER,
    }


APPLICATION_TARGETS = [
    *_targets(_application()),
    *[(("submitted_at",), json.dumps(f"{d}T10:30:00+05:00")) for d in EXTREME_DATES],
    *[(("submitted_at",), json.dumps(v)) for v in ("9999-12-31T23:59:59-12:00",
                                                   "0001-01-01T00:00:00+14:00")],
]  # fmt: skip


@HYPO
@given(target=st.sampled_from(APPLICATION_TARGETS))
def test_application_with_hostile_numbers_or_dates_is_a_4xx_and_stores_nothing(
    client: TestClient, org: Org, services: Services, target: tuple[tuple[Any, ...], str]
) -> None:
    path, raw = target
    before = _documents(services)
    r = client.post(
        "/v1/applications", content=_with(_application(), path, raw),
        headers={**org.headers, "content-type": "application/json"},
    )  # fmt: skip
    if r.status_code == 201:
        return  # an odd but real value the procedure can count from
    _refused_in_the_shape(r)
    assert _documents(services) == before  # validated before anything was stored


def test_a_refused_notice_leaves_no_signed_application_behind(
    client: TestClient, org: Org, services: Services
) -> None:
    # the attack: a provider the notice cannot carry (a signatory name with a control
    # character) used to be refused only after the application was signed and stored
    body = _application()
    body["provider"] = {**PROVIDER, "signatory": {"full_name": "Ахметова\u0007 Сәуле",
                                                  "position": "Бөлім басшысы"}}  # fmt: skip
    for _retry in range(3):
        before = _documents(services)
        r = client.post("/v1/applications", json=body, headers=org.headers)
        _refused_in_the_shape(r)
        assert _documents(services) == before


def test_a_megabyte_of_unknown_keys_gets_a_small_error(client: TestClient, org: Org) -> None:
    keys = ",".join(f'"k{i}":1' for i in range(90_000))
    in_data = '{"form":"course-certificate","lang":"kk","data":{' + keys + "}}"
    for path, body in (("/v1/documents", in_data), ("/v1/applications", "{" + keys + "}")):
        r = client.post(path, content=body,
                        headers={**org.headers, "content-type": "application/json"})  # fmt: skip
        _refused_in_the_shape(r)
        assert len(r.content) < 64 * 1024, len(r.content)
        details = r.json()["error"]["details"]
        assert len(details) <= MAX_DETAILS + 1 and details[-1]["rule"] == "too_many_errors"


@given(iin=st.from_regex(r"\A[0-9]{12}\Z"), prefix=st.text(max_size=20))
def test_no_error_text_carries_an_iin(iin: str, prefix: str) -> None:
    body = error_body(
        "validation_failed", f"{prefix}signer {iin} refused",
        [ErrorDetail(f"x.{iin}", "rule", f"IIN {iin} is not the certificate's")],
    )  # fmt: skip
    assert iin not in json.dumps(body, ensure_ascii=False)
