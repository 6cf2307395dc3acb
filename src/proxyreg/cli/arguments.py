"""Turning the activity options into field values; a value that cannot even be read is named.

Only the reading happens here (text to date, text to number). Whether a value is
allowed (the date window, the minutes range, the kind) is the domain's to say,
through the bloc, so the command line and every other front end say it the same way.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import re

import attrs

from proxyreg.adapters.faults import FaultSpec, FaultSpecError, FaultyRepository, parse_fault_spec
from proxyreg.cli.command import BadInputError
from proxyreg.domain import FieldError
from proxyreg.orchestration import STRATEGIES
from proxyreg.ports import ProxyRepository


@attrs.frozen
class ActivityFields:
    """The activity as given on the command line, read but not yet judged."""

    kind: str
    date: dt.date
    minutes: int
    notes: str = ""
    participants: int | None = None


def add_activity_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", required=True, help="the activity kind (see `proxyreg kinds`)")
    parser.add_argument("--date", required=True, metavar="YYYY-MM-DD", help="when it took place")
    parser.add_argument("--minutes", required=True, metavar="N", help="how long, in minutes")
    parser.add_argument("--notes", default="", metavar="TEXT", help="optional notes")
    parser.add_argument(
        "--participants", metavar="N", help="how many took part (group activities only)"
    )


def add_strategy_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strategy",
        choices=sorted(STRATEGIES),
        default="rpc",
        help="rpc: one batch call (default); chunked: 5 at a time with retries; "
        "atomic: all or nothing",
    )


def add_faults_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--faults",
        metavar="SPEC",
        help="make the backend misbehave on purpose, e.g. seed=7,fail_rate=0.3",
    )


def activity_fields(args: argparse.Namespace) -> ActivityFields:
    """The activity options read into values; every unreadable one is named at once."""
    errors: list[FieldError] = []
    date = _date(args.date, errors)
    minutes = _whole_number("minutes", args.minutes, errors)
    participants = (
        None
        if args.participants is None
        else _whole_number("participants", args.participants, errors)
    )
    if errors or date is None or minutes is None:
        raise BadInputError(errors)
    return ActivityFields(args.kind, date, minutes, args.notes, participants)


# Exactly what the options promise: fromisoformat and int() also take 20261125, "1_000"
# and digits of other scripts, which a script writer would not expect to be accepted.
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+")
_ECHOED = 40
"""At most this many characters of a value are repeated in its message."""


def _echo(text: str) -> str:
    return repr(text if len(text) <= _ECHOED else text[:_ECHOED] + "…")


def _date(text: str, errors: list[FieldError]) -> dt.date | None:
    stripped = text.strip()
    if not _ISO_DATE.fullmatch(stripped):
        errors.append(
            FieldError("date", "wrong_format", f"Enter the date as YYYY-MM-DD, not {_echo(text)}.")
        )
        return None
    try:
        return dt.date.fromisoformat(stripped)
    except ValueError:
        errors.append(FieldError("date", "no_such_day", f"There is no day {stripped}."))
        return None


def _whole_number(field: str, text: str, errors: list[FieldError]) -> int | None:
    stripped = text.strip()
    if _WHOLE_NUMBER.fullmatch(stripped):
        with contextlib.suppress(ValueError):  # past Python's digit limit: unreadable
            return int(stripped)
    errors.append(
        FieldError(field, "wrong_type", f"{field} must be a whole number, not {_echo(text)}.")
    )
    return None


def with_faults(repository: ProxyRepository, spec_text: str | None) -> ProxyRepository:
    """The repository, misbehaving as ``--faults`` says (unchanged without the option)."""
    if spec_text is None:
        return repository
    return FaultyRepository(repository, fault_spec(spec_text))


def fault_spec(text: str) -> FaultSpec:
    try:
        return parse_fault_spec(text)
    except FaultSpecError as error:
        raise BadInputError.one("faults", "invalid", str(error)) from None
