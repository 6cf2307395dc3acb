"""The domain: mentors, drafts, records, outcomes and their validation. No I/O."""

from proxyreg.domain._ledger import LedgerEntry
from proxyreg.domain._messages import MESSAGES, Message, MessageCatalogue
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
    field_error,
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
    "MESSAGES",
    "MIN_MINUTES",
    "NO_ERRORS",
    "ActivityDraft",
    "ActivityKind",
    "Coordinator",
    "FieldError",
    "LedgerEntry",
    "Mentor",
    "Message",
    "MessageCatalogue",
    "Outcome",
    "ProxyRecord",
    "RecordResult",
    "Roster",
    "Submission",
    "ValidationErrors",
    "ValidationRules",
    "client_key",
    "field_error",
    "mentor_error",
    "validate_draft",
    "validate_record",
    "validate_selection",
]
