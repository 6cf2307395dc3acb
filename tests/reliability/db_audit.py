"""Reading the database directly, as its owner, to check what the screens and the ledger said.

`audit` counts, over the whole database:

- **duplicates**: proxy records beyond the first for one (submission, mentor);
- **lost**: mentors a screen showed registered whose record is not in the table under
  the record id shown (for that submission and mentor);
- **mismatches** between the ledger and the table: a ledger outcome ``registered`` or
  ``already_registered`` whose record is not stored under that id, a ledger outcome
  ``failed`` or ``rejected`` for a record that is stored, a stored record the ledger
  has no success for, and a mentor whose shown status is not the ledger's;
- **unsettled**: submitted mentors whose ledger outcome is missing, ``failed`` or
  ``unknown`` (what Retry failed would still have to resend).

It bypasses row-level security on purpose: it must see every row, whoever wrote it.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import psycopg

SUCCESS = ("registered", "already_registered")

Shown = Mapping[str, Mapping[str, tuple[str, str | None]]]
"""Per submission id, per mentor id: the status and record id the screen showed last."""


@attrs.frozen
class Audit:
    submissions: int
    records: int
    duplicates: int
    lost: int
    mismatches: int
    unsettled: int
    examples: tuple[str, ...] = ()

    def summary(self) -> str:
        return (
            f"submissions={self.submissions} records={self.records} "
            f"duplicates={self.duplicates} lost={self.lost} mismatches={self.mismatches} "
            f"unsettled={self.unsettled}"
        )


def _scalar(conn: psycopg.Connection[tuple[object, ...]], query: str) -> int:
    row = conn.execute(query).fetchone()
    assert row is not None
    return int(row[0] or 0)  # type: ignore[call-overload]


def audit(dsn: str, shown: Shown) -> Audit:
    """What the database holds against what was ``shown``; see the module docstring."""
    examples: list[str] = []
    with psycopg.connect(dsn) as conn:
        submissions = _scalar(conn, "SELECT count(*) FROM submissions")
        records = _scalar(conn, "SELECT count(*) FROM proxy_activities")
        duplicates = _scalar(
            conn,
            "SELECT coalesce(sum(n - 1), 0) FROM (SELECT count(*) AS n FROM proxy_activities"
            " GROUP BY submission_id, mentor_id HAVING count(*) > 1) AS twice",
        )
        stored = {
            (str(s), str(m)): str(i)
            for s, m, i in conn.execute(
                "SELECT submission_id, mentor_id, id::text FROM proxy_activities"
            ).fetchall()
        }
        ledger = {
            (str(s), str(m)): (str(o), None if r is None else str(r))
            for s, m, o, r in conn.execute(
                "SELECT submission_id, mentor_id, outcome, record_id FROM submission_outcomes"
            ).fetchall()
        }
        submitted = {
            (str(s), str(m))
            for s, m in conn.execute(
                "SELECT DISTINCT submission_id, mentor_id FROM submission_records"
            ).fetchall()
        }

    lost = 0
    for submission_id, mentors in shown.items():
        for mentor_id, (status, record_id) in mentors.items():
            if status in SUCCESS and stored.get((submission_id, mentor_id)) != record_id:
                lost += 1
                examples.append(f"lost: {submission_id}/{mentor_id} shown {status} {record_id}")

    mismatches = 0
    for pair, (outcome, record_id) in ledger.items():
        in_table = stored.get(pair)
        if outcome in SUCCESS and in_table != record_id:
            mismatches += 1
            examples.append(f"ledger {outcome} {record_id}, table {in_table}: {pair}")
        elif outcome in ("failed", "rejected") and in_table is not None:
            mismatches += 1
            examples.append(f"ledger {outcome}, but stored as {in_table}: {pair}")
    for pair in stored:
        if ledger.get(pair, ("missing", None))[0] not in SUCCESS:
            mismatches += 1
            examples.append(f"stored, ledger says {ledger.get(pair, ('nothing',))[0]}: {pair}")
    for submission_id, mentors in shown.items():
        for mentor_id, (status, _) in mentors.items():
            kept = ledger.get((submission_id, mentor_id), ("nothing", None))[0]
            if status != kept:
                mismatches += 1
                examples.append(f"shown {status}, ledger {kept}: {submission_id}/{mentor_id}")

    unsettled = sum(
        1
        for pair in submitted
        if ledger.get(pair, ("missing", None))[0] in ("missing", "failed", "unknown")
    )
    return Audit(
        submissions, records, duplicates, lost, mismatches, unsettled, tuple(examples[:10])
    )
