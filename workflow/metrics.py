"""The flows' Prometheus metrics: what was issued, how long rendering and signing took,
lookups, and errors (``api.metrics`` adds the HTTP ones and serves them all)."""

from __future__ import annotations

from prometheus_client import Counter, Histogram

__all__ = [
    "DOCUMENTS_ISSUED",
    "ERRORS",
    "RENDER_SECONDS",
    "SIGN_SECONDS",
    "VERIFICATION_LOOKUPS",
]

_LATENCY = (0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.1, 0.25, 0.5, 1, 2.5)

DOCUMENTS_ISSUED = Counter(
    "qujat_documents_issued", "Documents registered, by form (batches included)", ["form"]
)
RENDER_SECONDS = Histogram(
    "qujat_render_seconds", "Typst rendering of one document", ["form"], buckets=_LATENCY
)
SIGN_SECONDS = Histogram(
    "qujat_sign_seconds", "PAdES certification of one document", ["form"], buckets=_LATENCY
)
VERIFICATION_LOOKUPS = Counter(
    "qujat_verification_lookups",
    "Public verification requests, by kind (json, page, upload, status_list, keys)",
    ["kind"],
)
ERRORS = Counter("qujat_errors", "Error responses (and failed batch items), by code", ["code"])
