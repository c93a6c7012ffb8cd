"""What the printed text of a form must contain, derived from its case and its view."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from forms import FormSpec

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _leaves(value: Any, path: str = "") -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _leaves(v, f"{path}.{k}" if path else k)
    elif isinstance(value, list):
        for _i, v in enumerate(value):
            yield from _leaves(v, f"{path}[]")
    else:
        yield path, value


def expected_strings(spec: FormSpec, lang: str, case: Any) -> list[str]:
    """Every filled value as it must appear in the printed text (dates by their parts)."""
    data = case.model_dump(mode="json")
    out: list[str] = []
    for path, value in _leaves(data):
        if path.replace("[]", "") in spec.not_printed or value is None:
            continue
        if isinstance(value, str) and _ISO_DATE.match(value):
            continue  # dates are checked through the view, in the form's own wording
        if isinstance(value, bool):
            continue
        out.append(str(value))
    for _path, value in _leaves(spec.view(case, lang)):
        if value is not None and not isinstance(value, bool):
            out.append(str(value))
    return out
