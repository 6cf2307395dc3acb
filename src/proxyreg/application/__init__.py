"""The application layer: the one place that composes the product for a front end.

A front end (the command line, the terminal app, a web page, the demo) opens a backend
by URL, acts as one coordinator, and drives a root bloc built here; it imports this
package, the flows' events and `proxyreg.presentation`, and nothing of the orchestration
or the adapters. See docs/architecture.md.
"""

from proxyreg.application._activity import (
    ActivityFields,
    ActivityReading,
    activity_problems,
    read_activity,
    read_activity_text,
)
from proxyreg.application._backend import (
    DATABASE_VARIABLE,
    DEFAULT_DATABASE,
    SUPABASE_KEY_VARIABLE,
    SUPABASE_TOKEN_VARIABLE,
    SUPPORTED_URLS,
    Acting,
    Backend,
    backend_url,
    open_backend,
    shown_url,
)
from proxyreg.application._composition import (
    STRATEGY_NAMES,
    build_bloc,
    read_fault_spec,
)
from proxyreg.application._errors import BadInput
from proxyreg.application._field_text import (
    FieldReading,
    read_date,
    read_field_text,
    read_whole_number,
    text_of,
)
from proxyreg.application._screen_events import mentor_event, submit_event
from proxyreg.application._session import RegistrationSession, StateListener
from proxyreg.orchestration import RetryPolicy, Strategy
from proxyreg.ports import BackendUnavailableError, NoSchemaError, ProxyRepository

__all__ = [
    "DATABASE_VARIABLE",
    "DEFAULT_DATABASE",
    "STRATEGY_NAMES",
    "SUPABASE_KEY_VARIABLE",
    "SUPABASE_TOKEN_VARIABLE",
    "SUPPORTED_URLS",
    "Acting",
    "ActivityFields",
    "ActivityReading",
    "Backend",
    "BackendUnavailableError",
    "BadInput",
    "FieldReading",
    "NoSchemaError",
    "ProxyRepository",
    "RegistrationSession",
    "RetryPolicy",
    "StateListener",
    "Strategy",
    "activity_problems",
    "backend_url",
    "build_bloc",
    "mentor_event",
    "open_backend",
    "read_activity",
    "read_activity_text",
    "read_date",
    "read_fault_spec",
    "read_field_text",
    "read_whole_number",
    "shown_url",
    "submit_event",
    "text_of",
]
