"""The bulk properties are not vacuous: they fail when the client key or its uniqueness breaks."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from hypothesis import Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from properties.test_no_duplicates_nothing_lost import BulkPromises
from proxyreg.adapters.memory import InMemoryRepository, StoredRecord
from proxyreg.domain import Outcome, ProxyRecord, RecordResult
from proxyreg.domain import _model as model

QUICK = settings(
    max_examples=300, deadline=None, database=None, phases=[Phase.generate], print_blob=False
)


def test_a_client_key_that_changes_on_retry_is_caught(monkeypatch: pytest.MonkeyPatch) -> None:
    """With a fresh client key each time a record is built, the state machine finds a run that
    breaks a promise."""
    monkeypatch.setattr(model, "client_key", lambda submission, mentor: str(uuid.uuid4()))
    with pytest.raises(AssertionError):
        run_state_machine_as_test(BulkPromises, settings=QUICK)


def test_a_backend_that_does_not_keep_keys_unique_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """With replays stored again instead of answered as already registered, the state machine
    finds a duplicate."""

    keep_unique = InMemoryRepository._register_one

    def store_every_time(self: Any, coordinator_id: str, record: ProxyRecord) -> RecordResult:
        result = keep_unique(self, coordinator_id, record)
        if result.outcome is not Outcome.ALREADY_REGISTERED:
            return result
        record_id = f"rec-{len(self._records) + 1}"
        self._records[f"{record.client_key}#{record_id}"] = StoredRecord(record_id, record)
        return RecordResult(record.client_key, Outcome.REGISTERED, record_id)

    monkeypatch.setattr(InMemoryRepository, "_register_one", store_every_time)
    with pytest.raises(AssertionError, match="duplicate records stored"):
        run_state_machine_as_test(BulkPromises, settings=QUICK)
