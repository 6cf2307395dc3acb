"""The two flows (single and bulk), their events, states, reducers and blocs, and the root.

Each flow is a pure reducer plus a lifecycle declared with `transitions`; the
blocs wrap them. `ProxyRegistrationBloc` composes both; `SingleProxyBloc` and
`BulkProxyBloc` run one flow on its own.
"""

from proxyreg.flows._bloc import EventIgnored, FlowBloc, FlowBlocOptions
from proxyreg.flows._common import (
    DraftFieldChanged,
    FlowContext,
    Ignored,
    ProxyEvent,
    SubmitPressed,
)
from proxyreg.flows._effects import ResultSink, SubmissionGateway
from proxyreg.flows._lifecycle import Edge, Lifecycle
from proxyreg.flows.bulk.bloc import BulkProxyBloc
from proxyreg.flows.bulk.board import MentorResult, MentorStatus, StatusBoard, StatusCounts
from proxyreg.flows.bulk.events import (
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkAllMentorsSelected,
    BulkDurationChanged,
    BulkEvent,
    BulkFilterChanged,
    BulkFlowEntered,
    BulkFlowExited,
    BulkMentorsDeselected,
    BulkMentorsSelected,
    BulkNewSubmissionStarted,
    BulkNotesChanged,
    BulkParticipantsChanged,
    BulkRecordResultReceived,
    BulkRetryFailedRequested,
    BulkSelectionCleared,
    BulkSubmissionCancelled,
    BulkSubmissionFailed,
    BulkSubmissionRestored,
)
from proxyreg.flows.bulk.lifecycle import BULK_LIFECYCLE
from proxyreg.flows.bulk.reducer import BULK_EVENT_TYPES, reduce_bulk, retryable_mentors
from proxyreg.flows.bulk.state import INITIAL_BULK_STATE, BulkPhase, BulkProxyState
from proxyreg.flows.root.bloc import ProxyRegistrationBloc
from proxyreg.flows.root.reducer import reduce_registration
from proxyreg.flows.root.state import (
    INITIAL_REGISTRATION_STATE,
    ActiveFlow,
    ProxyRegistrationState,
)
from proxyreg.flows.single.bloc import SingleProxyBloc
from proxyreg.flows.single.events import (
    SingleActivityDateChanged,
    SingleActivityKindChanged,
    SingleActivitySubmitted,
    SingleDurationChanged,
    SingleEvent,
    SingleFlowEntered,
    SingleFlowExited,
    SingleMentorPicked,
    SingleNotesChanged,
    SingleOutcomeReceived,
    SingleParticipantsChanged,
)
from proxyreg.flows.single.lifecycle import SINGLE_LIFECYCLE
from proxyreg.flows.single.reducer import SINGLE_EVENT_TYPES, reduce_single
from proxyreg.flows.single.state import INITIAL_SINGLE_STATE, SinglePhase, SingleProxyState

__all__ = [
    "BULK_EVENT_TYPES",
    "BULK_LIFECYCLE",
    "INITIAL_BULK_STATE",
    "INITIAL_REGISTRATION_STATE",
    "INITIAL_SINGLE_STATE",
    "SINGLE_EVENT_TYPES",
    "SINGLE_LIFECYCLE",
    "ActiveFlow",
    "BulkActivityDateChanged",
    "BulkActivityKindChanged",
    "BulkActivitySubmitted",
    "BulkAllMentorsSelected",
    "BulkDurationChanged",
    "BulkEvent",
    "BulkFilterChanged",
    "BulkFlowEntered",
    "BulkFlowExited",
    "BulkMentorsDeselected",
    "BulkMentorsSelected",
    "BulkNewSubmissionStarted",
    "BulkNotesChanged",
    "BulkParticipantsChanged",
    "BulkPhase",
    "BulkProxyBloc",
    "BulkProxyState",
    "BulkRecordResultReceived",
    "BulkRetryFailedRequested",
    "BulkSelectionCleared",
    "BulkSubmissionCancelled",
    "BulkSubmissionFailed",
    "BulkSubmissionRestored",
    "DraftFieldChanged",
    "Edge",
    "EventIgnored",
    "FlowBloc",
    "FlowBlocOptions",
    "FlowContext",
    "Ignored",
    "Lifecycle",
    "MentorResult",
    "MentorStatus",
    "ProxyEvent",
    "ProxyRegistrationBloc",
    "ProxyRegistrationState",
    "ResultSink",
    "SingleActivityDateChanged",
    "SingleActivityKindChanged",
    "SingleActivitySubmitted",
    "SingleDurationChanged",
    "SingleEvent",
    "SingleFlowEntered",
    "SingleFlowExited",
    "SingleMentorPicked",
    "SingleNotesChanged",
    "SingleOutcomeReceived",
    "SingleParticipantsChanged",
    "SinglePhase",
    "SingleProxyBloc",
    "SingleProxyState",
    "StatusBoard",
    "StatusCounts",
    "SubmissionGateway",
    "SubmitPressed",
    "reduce_bulk",
    "reduce_registration",
    "reduce_single",
    "retryable_mentors",
]
