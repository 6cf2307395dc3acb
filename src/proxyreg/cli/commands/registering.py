"""``proxyreg register``, ``bulk`` and ``retry-failed``: the single and bulk flows."""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import TypeVar

from proxyreg.application import RegistrationSession, read_fault_spec
from proxyreg.cli.arguments import (
    activity_fields,
    add_activity_options,
    add_faults_option,
    add_strategy_option,
)
from proxyreg.cli.command import Command, Invocation, add_json_flag
from proxyreg.cli.csv_input import mentor_ids_from_csv
from proxyreg.cli.database import acting_coordinator
from proxyreg.cli.render import console, output_report, progress_bar
from proxyreg.cli.report import bulk_report, single_report
from proxyreg.domain import Roster
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
) -> T:
    """Run ``action`` on a fresh session, with a progress bar unless the output is JSON."""
    if invocation.json:
        async with RegistrationSession(
            repository, roster, strategy=strategy, faults=faults
        ) as session:
            return await action(session)
    with progress_bar(console()) as bar:
        async with RegistrationSession(
            repository, roster, strategy=strategy, faults=faults, on_state=bar
        ) as session:
            return await action(session)


# --- register ------------------------------------------------------------------------------


def _configure_register(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--mentor", required=True, metavar="ID", help="the mentor's id")
    add_activity_options(parser)
    add_json_flag(parser)


async def _register(invocation: Invocation) -> int:
    args = invocation.args
    fields = activity_fields(args)
    async with acting_coordinator(*invocation.where, writes=True) as (repo, roster):
        async with RegistrationSession(repo, roster) as session:
            state = await session.register_single(args.mentor, fields)
        report = single_report(state, roster, session.strategy)
    return output_report(report, as_json=invocation.json)


# --- bulk ----------------------------------------------------------------------------------


def _configure_bulk(parser: argparse.ArgumentParser) -> None:
    chosen = parser.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--all", action="store_true", help="every active mentor of the coordinator")
    chosen.add_argument(
        "--mentor",
        dest="mentors",
        action="extend",
        nargs="+",
        metavar="ID",
        help="these mentors (repeat the option or list several ids)",
    )
    chosen.add_argument(
        "--from-csv", metavar="FILE", help="the mentor_id column of a CSV file (docs/cli.md)"
    )
    add_activity_options(parser)
    add_strategy_option(parser)
    add_faults_option(parser)
    add_json_flag(parser)


async def _bulk(invocation: Invocation) -> int:
    args = invocation.args
    fields = activity_fields(args)
    if args.faults is not None:
        read_fault_spec(args.faults)  # a bad spec is bad input: refuse it before anything opens
    async with acting_coordinator(*invocation.where, writes=True) as (repo, roster):
        if args.from_csv is not None:
            mentor_ids: tuple[str, ...] | None = mentor_ids_from_csv(args.from_csv, roster)
        else:
            mentor_ids = None if args.all else tuple(args.mentors)
        state = await _run_session(
            invocation,
            repo,
            roster,
            lambda session: session.submit_bulk(mentor_ids, fields),
            strategy=args.strategy,
            faults=args.faults,
        )
        report = bulk_report(state, roster, args.strategy)
    return output_report(report, as_json=invocation.json)


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
    if args.faults is not None:
        read_fault_spec(args.faults)
    async with acting_coordinator(*invocation.where, writes=True) as (repo, roster):
        state, resent = await _run_session(
            invocation,
            repo,
            roster,
            lambda session: session.retry_failed(args.submission_id),
            faults=args.faults,
        )
        report = bulk_report(state, roster, "rpc")
    if not resent and not invocation.json:
        console().print("Nothing failed that a retry could fix; nothing was sent.")
    return output_report(report, as_json=invocation.json)


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
