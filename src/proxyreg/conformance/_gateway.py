"""The gateway contract a port implements, and the scripted gateway that holds a bloc to it.

`GATEWAY_CONTRACT` says, as data, every call the flow blocs make on their
`SubmissionGateway`: its arguments, its answer, and when it is made. It is
exported as ``gateway.json``. `ScriptedGateway` answers from a script and
records each call, so a test can check the timing; a Dart ``FakeGateway`` is
the same few lines (docs/dart-mapping.md). With no script it is inert: the
scenarios' blocs are built without submission effects and must call nothing.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping, Sequence
from typing import Any

import attrs

from proxyreg.domain import MESSAGES, LedgerEntry, Outcome, RecordResult, Submission
from proxyreg.flows import ResultSink
from proxyreg.serialization import to_data

GATEWAY_FORMAT = "proxyreg.gateway/1"


@attrs.frozen
class SubmitScript:
    """What one ``submit`` of a submission does: answer these (mentor id, result) in order,
    then raise ``raises`` (an error with that text) or return."""

    answers: tuple[tuple[str, RecordResult], ...] = ()
    raises: str | None = None


class ScriptedError(RuntimeError):
    """The error a scripted ``submit`` raises; its text is the script's."""


class ScriptedGateway:
    """A `SubmissionGateway` that answers from a script and records every call in ``calls``.

    - ``latest(coordinator_id, kind)`` answers ``latest`` (None: no submission).
    - ``live_outcomes(submission_id)`` answers ``live`` for ``latest``'s submission, else {}.
    - ``submit(submission, on_result, cancelled)`` plays ``submits[submission.id]``: each
      answer through ``on_result`` in order, skipping any once ``cancelled`` is set (those
      answer ``failed`` / ``cancelled``), then raises or returns. A submission without a
      script raises: an inert gateway must not be asked to send.
    """

    def __init__(
        self,
        *,
        latest: LedgerEntry | None = None,
        live: Mapping[str, RecordResult] | None = None,
        submits: Mapping[str, SubmitScript] | None = None,
    ) -> None:
        self._latest = latest
        self._live = dict(live or {})
        self._submits = dict(submits or {})
        self.calls: list[dict[str, Any]] = []

    async def submit(
        self, submission: Submission, on_result: ResultSink, cancelled: asyncio.Event
    ) -> None:
        self.calls.append({"call": "submit", "submission": to_data(submission)})
        script = self._submits.get(submission.id)
        if script is None:
            raise ScriptedError(f"no script for submission {submission.id!r}")
        keys = {r.mentor_id: r.client_key for r in submission.records}
        for mentor_id, scripted in script.answers:
            result = scripted
            if cancelled.is_set():
                result = RecordResult(
                    keys.get(mentor_id, scripted.client_key),
                    Outcome.FAILED,
                    code="cancelled",
                    message=MESSAGES.text("record.cancelled"),
                )
            on_result(mentor_id, result)
            await asyncio.sleep(0)  # let the bloc handle it, as a network answer would
        if script.raises is not None:
            raise ScriptedError(script.raises)

    async def latest(self, coordinator_id: str, kind: str) -> LedgerEntry | None:
        self.calls.append({"call": "latest", "coordinator_id": coordinator_id, "kind": kind})
        return self._latest

    def live_outcomes(self, submission_id: str) -> Mapping[str, RecordResult]:
        self.calls.append({"call": "live_outcomes", "submission_id": submission_id})
        if self._latest is not None and submission_id == self._latest.submission.id:
            return dict(self._live)
        return {}

    def call_names(self) -> Sequence[str]:
        return [call["call"] for call in self.calls]


GATEWAY_CONTRACT: dict[str, Any] = {
    "format": GATEWAY_FORMAT,
    "interface": "SubmissionGateway",
    "description": (
        "What the flow blocs call on the gateway they are given. Types are those of the "
        "schemas (Submission, RecordResult, LedgerEntry); 'signal' is a one-way flag "
        "(asyncio.Event, a Dart Completer<void> or ValueNotifier<bool>)."
    ),
    "calls": [
        {
            "name": "submit",
            "arguments": {
                "submission": "Submission: its id, coordinator_id, kind ('single' or 'bulk') "
                "and the records to send (a retry: only the failed and unknown ones, same "
                "client keys)",
                "on_result": "callback(mentor_id: string, result: RecordResult), once per "
                "record, in any order, as each answer arrives",
                "cancelled": "signal: once set, send nothing more; records not sent answer "
                "failed with code 'cancelled'",
            },
            "answer": "nothing; it completes once every record has had on_result",
            "errors": "raising leaves every record without an answer in doubt: the bloc "
            "adds the flow's failure event with the text of flow.no_answer "
            "('No answer: {error}'); completing with records unanswered adds it with "
            "flow.no_answer_for_some",
            "when": [
                "Once per applied SingleActivitySubmitted, BulkActivitySubmitted or "
                "BulkRetryFailedRequested that moved its flow into submitting.",
                "The Submit's handler awaits it: a second Submit (or Retry failed) added "
                "meanwhile is dropped (droppable), reported as Ignored code 'dropped'.",
                "A Submit without submission_id is stamped by the bloc before the reducer "
                "sees it; the same id is kept by Retry failed.",
                "bulk: the records are the submitted mentors still pending, in selection "
                "order; single: the one record.",
                "Each on_result becomes SingleOutcomeReceived / BulkRecordResultReceived, "
                "added to the bloc (through its bus) in the order of the calls.",
                "BulkSubmissionCancelled applied while sending sets 'cancelled' of that "
                "submission.",
            ],
        },
        {
            "name": "latest",
            "arguments": {
                "coordinator_id": "the context's roster.coordinator.id",
                "kind": "'bulk'",
            },
            "answer": "LedgerEntry or null: the coordinator's last submission of that kind "
            "as far as it has settled",
            "errors": "none expected; a raise is the handler's error (reported to onError)",
            "when": [
                "Exactly once per BulkFlowEntered added to a bloc holding the bulk flow "
                "(root or bulk), after its state was emitted; never for the single flow.",
                "A null answer ends it. An entry, unless the bloc was closed meanwhile, "
                "is followed by one live_outcomes call and then by the bloc adding "
                "BulkSubmissionRestored(entry with the live outcomes merged over its own).",
            ],
        },
        {
            "name": "live_outcomes",
            "arguments": {"submission_id": "the id of the entry latest answered"},
            "answer": "map mentor_id → RecordResult: the answers so far of that submission "
            "if this gateway is still sending it, else an empty map",
            "errors": "none: it is synchronous and must not fail",
            "when": [
                "Only right after latest answered an entry, in the same handler, so no "
                "answer lands between the ledger read and the restore."
            ],
        },
    ],
    "scenario_gateway": (
        "The scenarios build each bloc without submission effects: answers and ledger "
        "reads are steps of the scenario (SingleOutcomeReceived, BulkRecordResultReceived, "
        "BulkSubmissionFailed, BulkSubmissionRestored). The gateway given must receive no "
        "call at all: the Python replay's answers latest with null and live_outcomes with "
        "an empty map and refuses submit; a Dart harness may throw on every call."
    ),
    "scripted_gateway": {
        "description": (
            "A fake that answers from a script and records each call as "
            "{'call': name, ...arguments}, for testing the timing above."
        ),
        "script": {
            "latest": "LedgerEntry or null, answered by every latest call",
            "live": "map mentor_id → RecordResult, answered by live_outcomes for latest's "
            "submission id (any other id: empty map)",
            "submits": "map submission_id → {answers: [[mentor_id, RecordResult], …], "
            "raises: string or null}: submit calls on_result for each answer in order "
            "(once cancelled is set, an answer is replaced by failed / cancelled with "
            "the record.cancelled text), then raises an error with that text or "
            "completes; a submission without a script raises",
        },
    },
}
