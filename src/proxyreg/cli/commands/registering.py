"""``proxyreg register``, ``bulk`` and ``retry-failed``: the single and bulk flows.

Each command reads its whole command line first and names every problem of it at once
(text that cannot be read, the domain's judgement of the rest, a CSV file's rows), and
sends nothing unless there is none.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TypeVar

from proxyreg.application import (
    BadInput,
    RegistrationSession,
    activity_problems,
    read_fault_spec,
)
from proxyreg.cli.arguments import (
    activity_reading,
    add_activity_options,
    add_faults_option,
    add_strategy_option,
)
from proxyreg.cli.command import BadInputError, Command, InputProblem, Invocation, add_json_flag
from proxyreg.cli.csv_input import mentor_ids_from_csv
from proxyreg.cli.database import acting_coordinator
from proxyreg.cli.interruption import Watch, report_interruption
from proxyreg.cli.render import ProgressBar, console, output_report, progress_bar
from proxyreg.cli.report import bulk_report, single_report
from proxyreg.domain import FieldError, Roster
from proxyreg.flows import ProxyRegistrationState
from proxyreg.ports import ProxyRepository

T = TypeVar("T")


async def _run_session(
    invocation: Invocation,
    repository: ProxyRepository,
    roster: Roster,
    action: Callable[[RegistrationSession], Awaitable[T]],
    *,
    strategy: str = "rpc",
    faults: str | None = None,
    check: Callable[[RegistrationSession], Sequence[InputProblem]] | None = None,
) -> T:
    """Run ``action`` on a fresh session, with a progress bar unless the output is JSON.

    ``check`` names every problem before anything is sent (any: `BadInputError`, nothing
    sent). Interrupted (Ctrl+C), it says what was sent and how to settle it.
    """
    watch = Watch()
    with _bar_unless(invocation.json) as bar:

        def heard(state: ProxyRegistrationState) -> None:
            watch(state)
            if bar is not None:
                bar(state)

        async with RegistrationSession(
            repository, roster, strategy=strategy, faults=faults, on_state=heard
        ) as session:
            if check is not None and (problems := check(session)):
                raise BadInputError(problems)
            try:
                return await action(session)
            except (asyncio.CancelledError, KeyboardInterrupt):
                report_interruption(watch, as_json=invocation.json)
                raise


@contextmanager
def _bar_unless(quiet: bool) -> Iterator[ProgressBar | None]:
    """A progress bar on the terminal, or none (``quiet``: the output is JSON)."""
    if quiet:
        yield None
        return
    with progress_bar(console()) as bar:
        yield bar


def _faults_problems(faults: str | None) -> list[FieldError]:
    """A bad ``--faults`` spec, as a problem (refused before anything opens)."""
    if faults is None:
        return []
    try:
        read_fault_spec(faults)
    except BadInput as bad:
        return list(bad.errors)
    return []


def _problems(errors: Sequence[FieldError | InputProblem]) -> list[InputProblem]:
    return [e if isinstance(e, InputProblem) else InputProblem.of(e) for e in errors]


# --- register ------------------------------------------------------------------------------


def _configure_register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mentor", metavar="ID", help="the mentor's id (`proxyreg mentors`)")
    add_activity_options(parser)
    add_json_flag(parser)


async def _register(invocation: Invocation) -> int:
    args = invocation.args
    reading = activity_reading(args)
    async with (
        acting_coordinator(*invocation.where, writes=True, problems=activity_problems(reading)) as (
            repo,
            roster,
        ),
        RegistrationSession(repo, roster) as session,
    ):
        problems = session.single_problems(args.mentor, reading)
        fields = reading.fields
        if problems or fields is None or args.mentor is None:
            raise BadInput(problems)
        state = await session.register_single(args.mentor, fields)
        report = single_report(state, roster, session.strategy)
    return output_report(report, as_json=invocation.json)


# --- bulk ----------------------------------------------------------------------------------


def _configure_bulk(parser: argparse.ArgumentParser) -> None:
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--all", action="store_true", help="every active mentor of the coordinator")
    chosen.add_argument(
        "--mentor",
        "--mentors",
        dest="mentors",
        action="extend",
        nargs="+",
        metavar="ID",
        help="these mentors (repeat the option or list several ids; --mentors is the same)",
    )
    chosen.add_argument(
        "--from-csv", metavar="FILE", help="the mentor column of a CSV file (docs/cli.md)"
    )
    add_activity_options(parser)
    add_strategy_option(parser)
    add_faults_option(parser)
    add_json_flag(parser)


NO_SELECTION = InputProblem(
    "mentor", "required", "Choose the mentors: --all, --mentor ID … or --from-csv FILE."
)


async def _bulk(invocation: Invocation) -> int:
    args = invocation.args
    reading = activity_reading(args)
    bad_faults = _faults_problems(args.faults)
    faults = None if bad_faults else args.faults  # refused below, beside the rest
    early = [*activity_problems(reading), *bad_faults]
    chosen = args.all or args.mentors is not None or args.from_csv is not None
    async with acting_coordinator(*invocation.where, writes=True, problems=early) as (
        repo,
        roster,
    ):
        file_problems: tuple[InputProblem, ...] = ()
        if args.from_csv is not None:
            from_file = mentor_ids_from_csv(args.from_csv, roster)
            mentor_ids: tuple[str, ...] | None = from_file.mentor_ids
            file_problems = from_file.problems
        else:
            mentor_ids = None if args.all else tuple(args.mentors or ())

        def check(session: RegistrationSession) -> list[InputProblem]:
            judged = session.bulk_problems(mentor_ids, reading)
            if file_problems or not chosen:  # the file or the options say what is missing
                judged = tuple(e for e in judged if e.field != "mentors")
            selection = [] if chosen else [NO_SELECTION]
            return [*selection, *file_problems, *_problems([*judged, *bad_faults])]

        fields = reading.fields
        state = await _run_session(
            invocation,
            repo,
            roster,
            lambda session: session.submit_bulk(mentor_ids, _given(fields)),
            strategy=args.strategy,
            faults=faults,
            check=check,
        )
        report = bulk_report(state, roster, args.strategy)
    return output_report(report, as_json=invocation.json)


def _given(fields: T | None) -> T:
    """The fields a check found nothing wrong with (so they were all given)."""
    if fields is None:  # the check names what is missing before this is reached
        raise BadInput([])
    return fields


# --- retry-failed --------------------------------------------------------------------------


def _configure_retry(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "submission_id",
        nargs="?",
        metavar="SUBMISSION_ID",
        help="the submission to retry (default: the latest bulk submission)",
    )
    add_faults_option(parser)
    add_json_flag(parser)


async def _retry_failed(invocation: Invocation) -> int:
    args = invocation.args
    early = _faults_problems(args.faults)
    if early:
        raise BadInput(early)
    async with acting_coordinator(*invocation.where, writes=True) as (repo, roster):
        state, resent = await _run_session(
            invocation,
            repo,
            roster,
            lambda session: session.retry_failed(args.submission_id),
            faults=args.faults,
        )
        report = bulk_report(state, roster, "rpc")
    if not invocation.json:
        if resent:
            console().print(f"Resent {resent} record{'' if resent == 1 else 's'}.")
        else:
            console().print("Nothing failed that a retry could fix; nothing was sent.")
    return output_report(report, as_json=invocation.json, resent=resent)


REGISTER = Command(
    "register", "register one activity for one mentor", _configure_register, _register
)
BULK = Command("bulk", "register one activity for many mentors at once", _configure_bulk, _bulk)
RETRY_FAILED = Command(
    "retry-failed",
    "resend the failed and unknown records of a submission, with the same keys",
    _configure_retry,
    _retry_failed,
)
