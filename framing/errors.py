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


class FieldError(FramingError):
    """A field of a request (a query string's, a form's, a JSON body's) whose value cannot be
    used. The message names the field as an API's caller knows it ("Field 'q': …");
    ``plain``, when given, says the same to someone who filled in a form and never saw the
    field's name, for a page that labels the field as its form does (webapp/errors.py).
    ``status`` is the HTTP status a web answer gives (404: a page past the last)."""

    def __init__(self, field: str, problem: str, plain: str | None = None, status: int = 400):
        super().__init__(f"Field '{field}': {problem}")
        self.field = field
        self.problem = problem
        self.plain = plain or problem
        self.status = status


class StoreError(FramingError):
    """The corpus database cannot be opened or written."""


class NotFound(FramingError):
    """An article, event or outlet id that is not in the store.

    ``reason`` says what is missing; ``hint``, if any, how a command-line user finds what
    exists. Callers that speak to another audience (the JSON API) reuse ``reason`` with a
    hint of their own instead of parsing the message.
    """

    def __init__(self, reason: str, hint: str | None = None) -> None:
        super().__init__(f"{reason.rstrip('.')}. {hint}" if hint else reason)
        self.reason = reason.rstrip(".")
        self.hint = hint
