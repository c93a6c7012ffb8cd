"""The one error shape, as every test checks it."""

from __future__ import annotations

from typing import Any


def assert_error_shape(body: dict[str, Any], code: str) -> list[dict[str, Any]]:
    assert set(body) == {"error"}
    err = body["error"]
    assert set(err) == {"code", "message", "details"}
    assert err["code"] == code and isinstance(err["message"], str) and err["message"]
    for d in err["details"]:
        assert {"field", "rule", "message"} <= set(d)
    return list(err["details"])
