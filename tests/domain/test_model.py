"""Client keys and records."""

from __future__ import annotations

import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from proxyreg.domain import ActivityDraft, ProxyRecord, Roster, client_key
from support import COORDINATOR, MENTORS, VALID_DRAFT


def test_client_key_is_stable_for_a_submission_and_mentor() -> None:
    """The same (submission, mentor) pair gives the same key every time."""
    assert client_key("s1", "m01") == client_key("s1", "m01")


def test_client_key_differs_per_mentor_and_per_submission() -> None:
    """Another mentor or another submission gives another key."""
    keys = {client_key("s1", "m01"), client_key("s1", "m02"), client_key("s2", "m01")}
    assert len(keys) == 3


def test_client_key_is_the_documented_uuid5() -> None:
    """The key is UUIDv5(URL namespace, 'proxyreg:{submission}:{mentor}'), as a port computes it."""
    assert client_key("s1", "m01") == str(uuid.uuid5(uuid.NAMESPACE_URL, "proxyreg:s1:m01"))


@given(st.text(), st.text())
def test_client_key_is_uuid5_for_any_text(submission_id: str, mentor_id: str) -> None:
    """Built from the digest directly, it equals the standard library's uuid5 for any text
    that can be encoded (non-ASCII included)."""
    name = f"proxyreg:{submission_id}:{mentor_id}"
    try:
        name.encode()
    except UnicodeEncodeError:
        return  # a lone surrogate: neither implementation can hash it
    expected = str(uuid.uuid5(uuid.NAMESPACE_URL, name))
    assert client_key.__wrapped__(submission_id, mentor_id) == expected


def test_record_carries_the_key_of_its_submission_and_mentor() -> None:
    """A record built for a mentor carries that pair's client key and the draft's fields."""
    record = ProxyRecord.for_mentor(
        submission_id="s1", mentor_id="m01", coordinator_id=COORDINATOR.id, draft=VALID_DRAFT
    )
    assert record.client_key == client_key("s1", "m01")
    assert (record.kind, record.minutes, record.registered_by) == ("home_visit", 60, "coord-1")


def test_an_incomplete_draft_does_not_become_a_record() -> None:
    """Building a record from an unvalidated, incomplete draft is a programming error."""
    with pytest.raises(ValueError, match="validated"):
        ProxyRecord.for_mentor(
            submission_id="s1", mentor_id="m01", coordinator_id="c", draft=ActivityDraft()
        )


def test_roster_orders_ids_as_it_lists_mentors() -> None:
    """Ids come back in roster order, and ids outside the roster are left out."""
    roster = Roster(COORDINATOR, MENTORS)
    assert roster.ordered(["m03", "zz", "m01"]) == ("m01", "m03")
