"""Ctrl+C while records are being sent: say what was sent, and what settles the rest.

The ledger already holds the submission and every answer that arrived; `proxyreg
retry-failed` asks the backend which of the others landed and resends the rest with
the same client keys, so nothing is stored twice.
"""

from __future__ import annotations

import sys

from proxyreg.cli.render import print_json
from proxyreg.cli.report import SETTLE
from proxyreg.flows import BulkProxyState, ProxyRegistrationState
from proxyreg.presentation import progress

_reported: list[bool] = []
"""Whether this process has said what an interruption left (one entry once it has)."""


def was_reported() -> bool:
    return bool(_reported)


def report_plain_interruption(*, as_json: bool) -> None:
    """An interruption outside a submission (opening the database, reading the ledger, a
    single registration): said in one line, as JSON too with ``--json``."""
    if as_json:
        print_json({"interrupted": True, "submission_id": None, "next": None})
    sys.stderr.write(
        "proxyreg: interrupted. A registration that was being sent may have landed: "
        "`proxyreg submissions` lists what the ledger holds.\n"
    )


class Watch:
    """Keeps the last bulk state the bloc emitted (a state listener)."""

    def __init__(self) -> None:
        self.bulk: BulkProxyState | None = None

    def __call__(self, state: object) -> None:
        if isinstance(state, ProxyRegistrationState):
            self.bulk = state.bulk


def interruption_json(watch: Watch) -> dict[str, object]:
    """What ``--json`` prints when the command is interrupted."""
    bulk = watch.bulk
    if bulk is None or bulk.submission_id is None:
        return {"interrupted": True, "submission_id": None, "answered": 0, "total": 0, "next": None}
    shown = progress(bulk)
    return {
        "interrupted": True,
        "submission_id": bulk.submission_id,
        "answered": shown.done,
        "total": shown.total,
        "next": SETTLE,
    }


def interruption_lines(watch: Watch) -> list[str]:
    """What the terminal shows when the command is interrupted."""
    bulk = watch.bulk
    if bulk is None or bulk.submission_id is None:
        return ["proxyreg: interrupted before anything was sent: nothing was stored."]
    shown = progress(bulk)
    return [
        f"proxyreg: interrupted while sending submission {bulk.submission_id}: "
        f"{shown.done} of {shown.total} records had an answer, "
        f"{shown.total - shown.done} had none yet (some of those may have been stored).",
        f"next: `{SETTLE}` settles them: it asks the backend which ones landed and resends "
        "the rest with the same keys, so nothing is stored twice.",
    ]


def report_interruption(watch: Watch, *, as_json: bool) -> None:
    """Say what was sent, on standard error (and as JSON on standard output with ``--json``)."""
    _reported.append(True)
    if as_json:
        print_json(interruption_json(watch))
    for line in interruption_lines(watch):
        sys.stderr.write(line + "\n")
    sys.stderr.flush()
