"""Wrong container types in bulk events get field errors or a clean refusal, never a crash."""

from __future__ import annotations

import asyncio
from typing import Any

from gateways import ParkedGateway
from proxyreg.engine import BlocObserver
from proxyreg.flows import (
    INITIAL_BULK_STATE,
    BulkAllMentorsSelected,
    BulkFilterChanged,
    BulkFlowEntered,
    BulkMentorsDeselected,
    BulkMentorsSelected,
    ProxyEvent,
    ProxyRegistrationBloc,
    reduce_bulk,
)
from proxyreg.presentation import mentor_choices
from support import CONTEXT


class Errors(BlocObserver):
    def __init__(self) -> None:
        self.errors: list[BaseException] = []

    def on_error(self, bloc: Any, error: BaseException) -> None:
        self.errors.append(error)


def run(*events: ProxyEvent) -> tuple[list[BaseException], Any]:
    async def scenario() -> tuple[list[BaseException], Any]:
        observer = Errors()
        bloc = ProxyRegistrationBloc(context=CONTEXT, gateway=ParkedGateway(), observer=observer)
        for event in (BulkFlowEntered(), *events):
            await bloc.add(event)
        await bloc.settled()
        state = bloc.state.bulk
        await bloc.close()
        return observer.errors, state

    return asyncio.run(scenario())


def test_selecting_a_non_list_is_a_field_error() -> None:
    """BulkMentorsSelected(None), (5) and ("m01") select nobody and name the mentors field."""
    for ids in (None, 5, "m01", ([1],)):
        errors, state = run(BulkMentorsSelected(ids))  # type: ignore[arg-type]
        assert (errors, tuple(state.selected)) == ([], ())
        assert [e.field for e in state.errors] == ["mentors"], ids


def test_unticking_a_non_list_changes_nothing_and_never_raises() -> None:
    """BulkMentorsDeselected(None) or (5) leaves the selection as it was."""
    for ids, left in ((None, {"m01", "m02"}), (5, {"m01", "m02"}), (([1], "m01"), {"m02"})):
        selecting = BulkMentorsSelected(("m01", "m02"))
        errors, state = run(selecting, BulkMentorsDeselected(ids))  # type: ignore[arg-type]
        assert ([], left) == (errors, set(state.selected))


def test_a_filter_that_is_not_text_keeps_the_old_filter_and_says_why() -> None:
    """BulkFilterChanged(None) or (123) stores no non-text filter; select all and the mentor
    list still work."""
    for text in (None, 123):
        wrong = BulkFilterChanged(text)  # type: ignore[arg-type]
        errors, state = run(BulkFilterChanged("mentor 0"), wrong, BulkAllMentorsSelected())
        assert (errors, state.filter_text) == ([], "mentor 0")
        assert [e.field for e in state.errors] == ["filter"]
        assert mentor_choices(state, CONTEXT.roster)


def test_the_reducer_never_raises_on_wrong_containers() -> None:
    """The pure reducer answers every wrong container without raising."""
    for event in (
        BulkMentorsSelected(None),  # type: ignore[arg-type]
        BulkMentorsDeselected(None),  # type: ignore[arg-type]
        BulkFilterChanged(None),  # type: ignore[arg-type]
    ):
        reduce_bulk(INITIAL_BULK_STATE, event, CONTEXT)
