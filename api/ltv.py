"""The background threads of the API process: the LTV upgrader, started beside the server on
the embedded default (``QUJAT_LTV_UPGRADER=in-process``) like the webhook dispatcher, and the
sweeper of expired signing sessions (``QUJAT_SESSION_SWEEP_SECONDS``)."""

from __future__ import annotations

from datetime import timedelta

from api.services import Services
from api.settings import Settings
from workflow.ltv import Upgrader
from workflow.sessions import SessionSweeper

__all__ = ["build_upgrader", "start_session_sweeper", "start_upgrader"]


def build_upgrader(services: Services, settings: Settings | None = None) -> Upgrader:
    """An upgrader over the services' context, paced by the ``QUJAT_LTV_*`` settings."""
    settings = settings or services.settings
    return Upgrader(
        services.context,
        poll_seconds=settings.ltv_poll_seconds,
        renew_every=timedelta(hours=settings.ltv_renew_interval_hours),
        margin=timedelta(days=settings.ltv_renewal_margin_days),
    )


def start_upgrader(services: Services) -> Upgrader | None:
    """The in-process upgrader, started, unless a timestamper is missing or a worker runs
    it."""
    settings = services.settings
    if settings.ltv_upgrader != "in-process" or services.timestamper is None:
        return None
    upgrader = build_upgrader(services)
    upgrader.start()
    return upgrader


def start_session_sweeper(services: Services) -> SessionSweeper | None:
    """The sweeper of expired prepared signing sessions, started, unless it is switched off
    (``QUJAT_SESSION_SWEEP_SECONDS=0``: swept only on prepare)."""
    every = services.settings.session_sweep_seconds
    if every <= 0:
        return None
    sweeper = SessionSweeper(services.context, every_seconds=every)
    sweeper.start()
    return sweeper
