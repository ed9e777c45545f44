"""Typed exceptions. Each message says what went wrong and, where it can, how to fix it.

The CLI and the web app turn these into one-line messages; nothing else is shown to users.
"""

from __future__ import annotations


class FramingError(Exception):
    """Base class of every error this library raises on purpose."""


class InputRefused(FramingError):
    """One input (a file, a record, a pasted text) cannot be ingested.

    ``source`` names the file or field so the user knows which input it was.
    """

    def __init__(self, source: str, reason: str) -> None:
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class StoreError(FramingError):
    """The corpus database cannot be opened or written."""


class NotFound(FramingError):
    """An article, event or outlet id that is not in the store."""
