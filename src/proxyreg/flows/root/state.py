"""The root state: which flow is active, and each flow's own subtree."""

from __future__ import annotations

import enum

import attrs

from proxyreg.flows.bulk.state import INITIAL_BULK_STATE, BulkProxyState
from proxyreg.flows.single.state import INITIAL_SINGLE_STATE, SingleProxyState
from proxyreg.frozen import identity_first_eq


class ActiveFlow(enum.Enum):
    NONE = "none"
    SINGLE = "single"
    BULK = "bulk"


@identity_first_eq
@attrs.frozen
class ProxyRegistrationState:
    """Two named subtrees, so nothing of one flow can leak into the other."""

    active_flow: ActiveFlow = ActiveFlow.NONE
    single: SingleProxyState = INITIAL_SINGLE_STATE
    bulk: BulkProxyState = INITIAL_BULK_STATE


INITIAL_REGISTRATION_STATE = ProxyRegistrationState()
