"""The root bloc: both flows in one state tree, each in its own subtree."""

from __future__ import annotations

from typing import Unpack

from proxyreg.flows._bloc import EffectSlot, FlowBloc, FlowBlocOptions
from proxyreg.flows._common import FlowContext
from proxyreg.flows._effects import SubmissionGateway
from proxyreg.flows.bulk.bloc import BULK_DEBOUNCED_TYPES, BULK_SUBMIT_TYPES
from proxyreg.flows.bulk.effects import BULK_EFFECTS
from proxyreg.flows.bulk.reducer import BULK_EVENT_TYPES
from proxyreg.flows.root.reducer import reduce_registration
from proxyreg.flows.root.state import INITIAL_REGISTRATION_STATE, ProxyRegistrationState
from proxyreg.flows.single.effects import SINGLE_EFFECTS
from proxyreg.flows.single.events import SingleActivitySubmitted
from proxyreg.flows.single.reducer import SINGLE_EVENT_TYPES


def _single(state: ProxyRegistrationState) -> object:
    return state.single


def _bulk(state: ProxyRegistrationState) -> object:
    return state.bulk


class ProxyRegistrationBloc(FlowBloc[ProxyRegistrationState]):
    """The single and bulk flows composed: one active at a time, each reset on entry."""

    def __init__(
        self,
        *,
        context: FlowContext,
        gateway: SubmissionGateway,
        **options: Unpack[FlowBlocOptions],
    ) -> None:
        super().__init__(
            INITIAL_REGISTRATION_STATE,
            reducer=reduce_registration,
            event_types=SINGLE_EVENT_TYPES + BULK_EVENT_TYPES,
            submit_types=(SingleActivitySubmitted, *BULK_SUBMIT_TYPES),
            debounced_types=BULK_DEBOUNCED_TYPES,
            effects=(EffectSlot(_single, SINGLE_EFFECTS), EffectSlot(_bulk, BULK_EFFECTS)),
            context=context,
            gateway=gateway,
            **options,
        )
