"""The people and the activities: frozen values, no I/O."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import uuid
from collections.abc import Iterable, Mapping

import attrs


@attrs.frozen
class Coordinator:
    """The signed-in user: registers activities for the mentors assigned to them."""

    id: str
    name: str
    chapter_id: str


@attrs.frozen
class Mentor:
    """A peer mentor. A paused mentor cannot have activities registered."""

    id: str
    name: str
    chapter_id: str
    active: bool = True


@attrs.frozen
class Roster:
    """A coordinator and the mentors assigned to them, in display order.

    Only mentors in the roster may be registered for: anyone else is "not
    assigned to you", whatever the backend holds.
    """

    coordinator: Coordinator
    mentors: tuple[Mentor, ...]
    by_id: Mapping[str, Mentor] = attrs.field(init=False, eq=False, repr=False)

    @by_id.default
    def _index(self) -> Mapping[str, Mentor]:
        return {mentor.id: mentor for mentor in self.mentors}

    def ordered(self, mentor_ids: Iterable[str]) -> tuple[str, ...]:
        """The given ids in roster order; ids outside the roster are left out."""
        wanted = set(mentor_ids)
        return tuple(m.id for m in self.mentors if m.id in wanted)


@attrs.frozen
class ActivityKind:
    """One kind of activity a coordinator can register."""

    id: str
    label: str
    needs_participants: bool = False


DEFAULT_KINDS: tuple[ActivityKind, ...] = (
    ActivityKind("home_visit", "Home visit"),
    ActivityKind("phone_call", "Phone call"),
    ActivityKind("digital_meeting", "Digital meeting"),
    ActivityKind("group_meeting", "Group meeting", needs_participants=True),
    ActivityKind("training", "Training session", needs_participants=True),
)


@attrs.frozen
class ActivityDraft:
    """What is being registered, as typed so far: any field may still be missing or wrong.

    The draft holds whatever the UI sent; `validate_draft` says what is wrong
    with it, field by field. Nothing here raises on bad values.
    """

    kind: str | None = None
    date: dt.date | None = None
    minutes: int | None = None
    notes: str = ""
    participants: int | None = None


EMPTY_DRAFT = ActivityDraft()

CLIENT_KEY_NAMESPACE = uuid.NAMESPACE_URL


_NAMESPACE_BYTES = CLIENT_KEY_NAMESPACE.bytes


@functools.lru_cache(maxsize=1 << 16)
def client_key(submission_id: str, mentor_id: str) -> str:
    """The idempotency key of one mentor's record in one submission.

    UUIDv5 over the URL namespace of ``proxyreg:{submission_id}:{mentor_id}``:
    the same pair gives the same key on every retry and on every platform
    (the Dart port computes it the same way). Cached: a bulk computes each key when
    its record is built and checks it again when its result lands. Built from the
    SHA-1 digest directly (RFC 4122, section 4.3), as ``uuid.uuid5`` does, at a third
    of its cost, for submissions larger than the cache.
    """
    name = f"proxyreg:{submission_id}:{mentor_id}".encode()
    digest = bytearray(hashlib.sha1(_NAMESPACE_BYTES + name).digest()[:16])
    digest[6] = (digest[6] & 0x0F) | 0x50  # version 5
    digest[8] = (digest[8] & 0x3F) | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


@attrs.frozen
class ProxyRecord:
    """One activity for one mentor, registered by a coordinator, with its client key."""

    client_key: str
    submission_id: str
    mentor_id: str
    registered_by: str
    kind: str
    date: dt.date
    minutes: int
    notes: str = ""
    participants: int | None = None

    @classmethod
    def for_mentor(
        cls, *, submission_id: str, mentor_id: str, coordinator_id: str, draft: ActivityDraft
    ) -> ProxyRecord:
        """Build the record of a draft that `validate_draft` accepted."""
        if draft.kind is None or draft.date is None or draft.minutes is None:
            raise ValueError("only a validated draft becomes a record")
        return cls(
            client_key=client_key(submission_id, mentor_id),
            submission_id=submission_id,
            mentor_id=mentor_id,
            registered_by=coordinator_id,
            kind=draft.kind,
            date=draft.date,
            minutes=draft.minutes,
            notes=draft.notes,
            participants=draft.participants,
        )

    def payload(self) -> tuple[object, ...]:
        """What must match for a replay of the same client key to be the same record."""
        return (
            self.mentor_id,
            self.registered_by,
            self.kind,
            self.date.isoformat(),
            self.minutes,
            self.notes,
            self.participants,
        )


@attrs.frozen
class Submission:
    """One press of Submit: its id, who pressed it, and one record per mentor, in order.

    ``kind`` says which flow sent it (``"single"`` or ``"bulk"``). A Retry failed
    sends the same id again with the subset of records still to be settled.
    """

    id: str
    coordinator_id: str
    records: tuple[ProxyRecord, ...]
    kind: str = "bulk"

    @property
    def mentor_ids(self) -> tuple[str, ...]:
        return tuple(r.mentor_id for r in self.records)
