"""Turning the activity options into field values; a value that cannot even be read is named.

Only the reading happens here (text to date, text to number). Whether a value is
allowed (the date window, the minutes range, the kind) is the domain's to say,
through the bloc, so the command line and every other front end say it the same way.
"""

from __future__ import annotations

import argparse
import datetime as dt

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


def _date(text: str, errors: list[FieldError]) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        errors.append(
            FieldError("date", "wrong_format", f"Enter the date as YYYY-MM-DD, not {text!r}.")
        )
        return None


def _whole_number(field: str, text: str, errors: list[FieldError]) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        errors.append(
            FieldError(field, "wrong_type", f"{field} must be a whole number, not {text!r}.")
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
