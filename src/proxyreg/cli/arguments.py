"""The activity options on the command line, read with the application's one field-text rule.

Only the reading happens here (text to date, text to number: `proxyreg.application`
says how). Whether a value is allowed (the date window, the minutes range, the kind) is
the domain's to say, through the bloc, so the command line and every other front end
say it the same way. No option is required by argparse: one that is missing is named
by the domain beside every other problem of the command line.
"""

from __future__ import annotations

import argparse

from proxyreg.application import STRATEGY_NAMES, ActivityReading, read_activity_text


def add_activity_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--kind", metavar="KIND", help="the activity kind (`proxyreg kinds`)")
    parser.add_argument(
        "--date",
        default="today",
        metavar="DATE",
        help="when it took place: YYYY-MM-DD, today or yesterday (default: today)",
    )
    parser.add_argument("--minutes", metavar="N", help="how long, in minutes")
    parser.add_argument("--notes", default="", metavar="TEXT", help="optional notes")
    parser.add_argument(
        "--participants", metavar="N", help="how many took part (group activities only)"
    )


def add_strategy_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--strategy",
        choices=STRATEGY_NAMES,
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


def activity_reading(args: argparse.Namespace) -> ActivityReading:
    """The activity options read into values as far as they read; never raises."""
    return read_activity_text(args.kind, args.date, args.minutes, args.notes, args.participants)
