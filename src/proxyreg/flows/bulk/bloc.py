"""The bulk flow as a bloc of its own."""

from __future__ import annotations

from typing import Unpack

from proxyreg.flows._bloc import EffectSlot, FlowBloc, FlowBlocOptions
from proxyreg.flows._common import FlowContext
from proxyreg.flows._effects import SubmissionGateway
from proxyreg.flows.bulk.effects import BULK_EFFECTS
from proxyreg.flows.bulk.events import (
    BulkActivitySubmitted,
    BulkFilterChanged,
    BulkRetryFailedRequested,
)
from proxyreg.flows.bulk.reducer import BULK_EVENT_TYPES, reduce_bulk
from proxyreg.flows.bulk.state import INITIAL_BULK_STATE, BulkProxyState

BULK_SUBMIT_TYPES = (BulkActivitySubmitted, BulkRetryFailedRequested)
# Typed as one searches: with ``filter_debounce`` set, only the last of a burst is applied.
BULK_DEBOUNCED_TYPES = (BulkFilterChanged,)


def _whole(state: BulkProxyState) -> BulkProxyState:
    return state


class BulkProxyBloc(FlowBloc[BulkProxyState]):
    """Register one activity for many mentors: select, edit, submit, per-mentor results, retry."""

    def __init__(
        self,
        *,
        context: FlowContext,
        gateway: SubmissionGateway,
        **options: Unpack[FlowBlocOptions],
    ) -> None:
        super().__init__(
            INITIAL_BULK_STATE,
            reducer=reduce_bulk,
            event_types=BULK_EVENT_TYPES,
            submit_types=BULK_SUBMIT_TYPES,
            debounced_types=BULK_DEBOUNCED_TYPES,
            effects=(EffectSlot(_whole, BULK_EFFECTS),),
            context=context,
            gateway=gateway,
            **options,
        )
