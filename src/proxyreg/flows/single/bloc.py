"""The single flow as a bloc of its own."""

from __future__ import annotations

from typing import Unpack

from proxyreg.flows._bloc import EffectSlot, FlowBloc, FlowBlocOptions
from proxyreg.flows._common import FlowContext
from proxyreg.flows._effects import SubmissionGateway
from proxyreg.flows.single.effects import SINGLE_EFFECTS
from proxyreg.flows.single.events import SingleActivitySubmitted
from proxyreg.flows.single.reducer import SINGLE_EVENT_TYPES, reduce_single
from proxyreg.flows.single.state import INITIAL_SINGLE_STATE, SingleProxyState


def _whole(state: SingleProxyState) -> SingleProxyState:
    return state


class SingleProxyBloc(FlowBloc[SingleProxyState]):
    """Register one activity for one mentor: pick, edit, submit, outcome."""

    def __init__(
        self,
        *,
        context: FlowContext,
        gateway: SubmissionGateway,
        **options: Unpack[FlowBlocOptions],
    ) -> None:
        super().__init__(
            INITIAL_SINGLE_STATE,
            reducer=reduce_single,
            event_types=SINGLE_EVENT_TYPES,
            submit_types=(SingleActivitySubmitted,),
            effects=(EffectSlot(_whole, SINGLE_EFFECTS),),
            context=context,
            gateway=gateway,
            **options,
        )
