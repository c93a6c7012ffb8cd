"""The LTV upgrader of the API process: started beside the server on the embedded default
(``QUJAT_LTV_UPGRADER=in-process``), like the webhook dispatcher."""

from __future__ import annotations

from datetime import timedelta

from api.services import Services
from api.settings import Settings
from workflow.ltv import Upgrader

__all__ = ["build_upgrader", "start_upgrader"]


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
