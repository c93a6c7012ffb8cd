"""The error tree drawn in :class:`QujatError`'s docstring is the class hierarchy, with
each class's status and code; and every status an error can carry is declared in the
OpenAPI document."""

from __future__ import annotations

import importlib
import re

from api.errors import ERROR_RESPONSES, ApiError
from forms.errors import QujatError

ERROR_MODULES = ("forms.errors", "generator.errors", "signing.errors", "verify.errors",
                 "registry.errors", "workflow.errors", "api.errors")  # fmt: skip

_LINE = re.compile(
    r"^(?P<indent>[ │├└─]*)(?P<name>[A-Za-z]+)\s+(?P<status>\d{3})?\s*(?P<code>[a-z_]+)?"
)


def _drawn() -> dict[str, tuple[str | None, int | None, str | None]]:
    """Each drawn class → (its drawn parent, status, code)."""
    doc = QujatError.__doc__ or ""
    tree = doc[doc.index("QujatError  ") :]
    parents: list[tuple[int, str]] = []
    out: dict[str, tuple[str | None, int | None, str | None]] = {}
    for raw in tree.splitlines():
        line = raw.strip("\n")
        if not line.strip():
            break
        body = line.lstrip()
        m = _LINE.match(body)
        assert m, line
        depth = len(body) - len(body.lstrip(" │├└─"))
        while parents and parents[-1][0] >= depth:
            parents.pop()
        parent = parents[-1][1] if parents else None
        status = int(m["status"]) if m["status"] else None
        out[m["name"]] = (parent, status, m["code"])
        parents.append((depth, m["name"]))
    return out


def _classes() -> dict[str, type[QujatError]]:
    found: dict[str, type[QujatError]] = {}
    for name in ERROR_MODULES:
        module = importlib.import_module(name)
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, QujatError):
                found[value.__name__] = value
    return found


def test_the_drawing_is_the_class_hierarchy() -> None:
    drawn = _drawn()
    classes = _classes()
    assert set(drawn) == set(classes)
    for name, (parent, status, code) in drawn.items():
        cls = classes[name]
        if parent is not None:
            assert cls.__bases__[0].__name__ == parent, name
        if cls is ApiError:
            continue  # status and code are per instance
        assert status == cls.http_status, name
        assert code == cls.code, name


def test_each_error_module_draws_its_own_classes() -> None:
    for name in ERROR_MODULES[1:-1]:
        module = importlib.import_module(name)
        own = [
            v.__name__
            for v in vars(module).values()
            if isinstance(v, type) and issubclass(v, QujatError) and v.__module__ == name
        ]
        assert own, name
        for cls in own:
            assert cls in (module.__doc__ or ""), f"{name} does not draw {cls}"


def test_every_status_an_error_carries_is_in_the_openapi_responses() -> None:
    statuses = {cls.http_status for cls in _classes().values()}
    assert {410, 503} <= statuses
    assert statuses <= set(ERROR_RESPONSES)
