"""The domain: mentors, drafts, records, outcomes and their validation. No I/O."""

from proxyreg.domain._ledger import LedgerEntry
from proxyreg.domain._model import (
    CLIENT_KEY_NAMESPACE,
    DEFAULT_KINDS,
    EMPTY_DRAFT,
    ActivityDraft,
    ActivityKind,
    Coordinator,
    Mentor,
    ProxyRecord,
    Roster,
    Submission,
    client_key,
)
from proxyreg.domain._outcome import Outcome, RecordResult
from proxyreg.domain._record_rules import validate_record
from proxyreg.domain._validation import (
    DEFAULT_RULES,
    MAX_MINUTES,
    MAX_NOTES,
    MIN_MINUTES,
    NO_ERRORS,
    FieldError,
    ValidationErrors,
    ValidationRules,
    mentor_error,
    validate_draft,
    validate_selection,
)

__all__ = [
    "CLIENT_KEY_NAMESPACE",
    "DEFAULT_KINDS",
    "DEFAULT_RULES",
    "EMPTY_DRAFT",
    "MAX_MINUTES",
    "MAX_NOTES",
    "MIN_MINUTES",
    "NO_ERRORS",
    "ActivityDraft",
    "ActivityKind",
    "Coordinator",
    "FieldError",
    "LedgerEntry",
    "Mentor",
    "Outcome",
    "ProxyRecord",
    "RecordResult",
    "Roster",
    "Submission",
    "ValidationErrors",
    "ValidationRules",
    "client_key",
    "mentor_error",
    "validate_draft",
    "validate_record",
    "validate_selection",
]
