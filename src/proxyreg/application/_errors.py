"""How the application says a front end's input cannot be acted on: field by field."""

from __future__ import annotations

from collections.abc import Iterable

from proxyreg.domain import FieldError


class BadInput(Exception):
    """What a front end asked for cannot be done, and nothing was stored.

    Each error names its field (``minutes``, ``mentors``, ``db``, ``as``…) with a stable
    code and a message a coordinator understands; a front end shows them (the command
    line exits with status 2).
    """

    def __init__(self, errors: Iterable[FieldError]) -> None:
        self.errors = tuple(errors)
        super().__init__("; ".join(f"{e.field}: {e.message}" for e in self.errors))

    @classmethod
    def one(cls, field: str, code: str, message: str) -> BadInput:
        return cls([FieldError(field, code, message)])
