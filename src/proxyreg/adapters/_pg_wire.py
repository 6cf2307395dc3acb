"""What a record looks like on its way into PostgreSQL and a ledger entry on its way out,
with or without a driver.

Shared by the PostgreSQL adapter (psycopg) and the Supabase adapter (HTTP), so the
Supabase client needs no database driver. PostgreSQL text cannot hold NUL: each NUL
is sent as U+0001 (also a control character), so such a record is refused with the
same answer it would get anywhere else.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from proxyreg.domain import LedgerEntry, Outcome, ProxyRecord, RecordResult, Submission


def pg_text(value: str) -> str:
    """Text PostgreSQL can hold: NUL becomes U+0001."""
    return value.replace("\x00", "\x01") if isinstance(value, str) else value


def rpc_element(record: ProxyRecord) -> dict[str, Any]:
    """One record as an element of the batch RPC's ``records`` list."""
    return {
        "client_key": pg_text(record.client_key),
        "submission_id": pg_text(record.submission_id),
        "mentor_id": pg_text(record.mentor_id),
        "registered_by": pg_text(record.registered_by),
        "kind": pg_text(record.kind),
        "activity_date": record.date.isoformat(),
        "minutes": record.minutes,
        "notes": pg_text(record.notes),
        "participants": record.participants,
    }


def ledger_entry_of(item: Mapping[str, Any]) -> LedgerEntry:
    """One element of ``ledger_entries()`` (005_rest_api.sql) as a `LedgerEntry`."""
    records = tuple(
        ProxyRecord(
            client_key=r["client_key"],
            submission_id=r["submission_id"],
            mentor_id=r["mentor_id"],
            registered_by=r["registered_by"],
            kind=r["kind"],
            date=dt.date.fromisoformat(r["activity_date"]),
            minutes=r["minutes"],
            notes=r["notes"],
            participants=r["participants"],
        )
        for r in item["records"]
    )
    outcomes = {
        o["mentor_id"]: RecordResult(
            o["client_key"],
            Outcome(o["outcome"]),
            o["record_id"],
            code=o["code"],
            message=o["message"],
        )
        for o in item["outcomes"]
    }
    return LedgerEntry(
        Submission(item["id"], item["coordinator_id"], records, item["kind"]), outcomes
    )
