"""The background sweeper of prepared signing sessions.

Each ``…/prepare`` stores a full copy of the document (the prepared PDF) beside a session
that expires after ``Policy.signing_session``. Prepare itself sweeps expired sessions, but a
burst of prepares followed by silence would leave its copies on disk until the next one; the
:class:`SessionSweeper` (a thread of the API process and of ``qujat worker``) removes them
on a timer instead. Several processes may sweep the same registry: a pass that loses a race
to another (the row already gone) is logged and redone on the next tick.
"""

from __future__ import annotations

import logging

from workflow.background import Periodic
from workflow.context import Context

__all__ = ["SessionSweeper", "sweep_expired_sessions"]

log = logging.getLogger("qujat.sessions")


def sweep_expired_sessions(ctx: Context, *, batch: int = 200, passes: int = 50) -> int:
    """Forget every expired signing session and delete its prepared file (unless a document,
    a revision or a live session uses it); returns the sessions swept."""
    swept = 0
    for _ in range(passes):  # bounded: a tick never holds the registry for long
        done = ctx.signing.sweep_sessions(limit=batch)
        swept += done
        if done < batch:
            break
    return swept


class SessionSweeper(Periodic):
    """A daemon thread that sweeps expired signing sessions every ``every_seconds``."""

    name = "qujat-sessions"

    def __init__(self, ctx: Context, *, every_seconds: float = 60.0) -> None:
        self.ctx = ctx
        super().__init__(every_seconds)

    def tick(self) -> int:
        """One pass (the first at once, for what a restart left)."""
        swept = sweep_expired_sessions(self.ctx)
        if swept:
            log.info("swept %d expired signing sessions", swept)
        return swept
