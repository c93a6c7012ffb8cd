"""Log lines that cannot be forged: control characters in a message or its arguments (a
certificate subject with a newline, an id from a URL) are written escaped."""

from __future__ import annotations

import logging
import re
from typing import Any

__all__ = ["escape_control", "install_log_escaping"]

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_installed = False


def escape_control(text: str) -> str:
    """``text`` with every control character as ``\\xNN`` (or ``\\uNNNN``)."""
    return _CONTROL.sub(
        lambda m: (
            f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100 else f"\\u{ord(m.group()):04x}"
        ),
        text,
    )


def _clean(value: Any) -> Any:
    return escape_control(value) if isinstance(value, str) else value


def install_log_escaping() -> None:
    """Escape control characters in every log record made from now on (once per process)."""
    global _installed
    if _installed:
        return
    _installed = True
    make = logging.getLogRecordFactory()

    def factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make(*args, **kwargs)
        if isinstance(record.msg, str):
            record.msg = escape_control(record.msg)
        if isinstance(record.args, tuple):
            record.args = tuple(_clean(a) for a in record.args)
        elif isinstance(record.args, dict):
            record.args = {k: _clean(v) for k, v in record.args.items()}
        return record

    logging.setLogRecordFactory(factory)
