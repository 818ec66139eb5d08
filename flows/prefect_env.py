"""Prefect settings newsmon needs, set before Prefect is imported (it reads them at import time)."""

from __future__ import annotations

import os

# The temporary API server needs more than Prefect's default 20 s on a cold start here;
# newsmon runs offline, so no usage telemetry is attempted.
PREFECT_DEFAULTS = {
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "90",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
}


def apply_prefect_defaults() -> None:
    """Fill in PREFECT_DEFAULTS where the user has not set them; call before importing prefect."""
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)
