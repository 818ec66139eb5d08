"""The one kind of error the `newsmon` command reports as the user's to fix (exit 2, no traceback)."""

from __future__ import annotations


class UserError(Exception):
    """A bad path, file, setting or query: the message names it and says what to do.

    Everything else that goes wrong is a bug or an outage and ends with a traceback (exit 1)."""
