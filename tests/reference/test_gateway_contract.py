"""The gateway contract of gateway.json, held against the real blocs with the scripted gateway."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from proxyreg import flows
from proxyreg.conformance._gateway import GATEWAY_CONTRACT, ScriptedGateway, SubmitScript
from proxyreg.conformance.scripts import CONTEXT, HOME_VISIT, answer, ledger_entry
from proxyreg.domain import MESSAGES, Outcome

R, F = Outcome.REGISTERED, Outcome.FAILED
Bloc = flows.FlowBloc[Any]


def run(
    make: Callable[[ScriptedGateway], Bloc],
    gateway: ScriptedGateway,
    act: Callable[[Bloc], Awaitable[None]],
) -> Any:
    async def scenario() -> Any:
        bloc = make(gateway)
        try:
            await act(bloc)
            await bloc.settled()
        finally:
            await bloc.close()
        return bloc.state

    return asyncio.run(scenario())


def bulk(gateway: ScriptedGateway) -> Bloc:
    return flows.BulkProxyBloc(context=CONTEXT, gateway=gateway, new_submission_id=lambda: "b-1")


def root(gateway: ScriptedGateway) -> Bloc:
    return flows.ProxyRegistrationBloc(context=CONTEXT, gateway=gateway)


async def fill_bulk(bloc: Bloc, *mentors: str) -> None:
    for event in (
        flows.BulkFlowEntered(),
        flows.BulkMentorsSelected(mentors),
        flows.BulkActivityKindChanged(HOME_VISIT.kind),
        flows.BulkActivityDateChanged(HOME_VISIT.date),
        flows.BulkDurationChanged(HOME_VISIT.minutes),
    ):
        await bloc.add(event)


def test_the_contract_names_every_call_of_the_gateway_port() -> None:
    """gateway.json describes submit, latest and live_outcomes: the port's three calls."""
    declared = {n for n in dir(flows.SubmissionGateway) if not n.startswith("_")}
    assert {c["name"] for c in GATEWAY_CONTRACT["calls"]} == declared


def test_entering_bulk_asks_latest_once_and_nothing_else_when_there_is_none() -> None:
    """BulkFlowEntered: one latest(coordinator, 'bulk'), no live_outcomes, nothing restored."""
    gateway = ScriptedGateway()

    async def act(bloc: Bloc) -> None:
        await bloc.add(flows.BulkFlowEntered())

    state = run(root, gateway, act)
    assert gateway.calls == [{"call": "latest", "coordinator_id": "coord-1", "kind": "bulk"}]
    assert state.bulk == flows.INITIAL_BULK_STATE


def test_entering_single_asks_the_gateway_nothing() -> None:
    """SingleFlowEntered makes no call: only the bulk flow restores from the ledger."""
    gateway = ScriptedGateway()

    async def act(bloc: Bloc) -> None:
        await bloc.add(flows.SingleFlowEntered())

    run(root, gateway, act)
    assert gateway.calls == []


def test_an_entry_is_read_then_its_live_outcomes_merged_into_the_restore() -> None:
    """latest answers an entry: one live_outcomes(its id), then BulkSubmissionRestored with both."""
    entry = ledger_entry("b-1", {"m01": R}, ("m01", "m02"))
    live = {"m02": answer("b-1", "m02", R)}
    gateway = ScriptedGateway(latest=entry, live=live)

    async def act(bloc: Bloc) -> None:
        await bloc.add(flows.BulkFlowEntered())

    state = run(bulk, gateway, act)
    assert gateway.call_names() == ["latest", "live_outcomes"]
    assert gateway.calls[1] == {"call": "live_outcomes", "submission_id": "b-1"}
    assert (state.phase, state.board.counts.registered) == (flows.BulkPhase.COMPLETED, 2)


def test_submit_sends_the_selection_once_and_its_answers_become_results() -> None:
    """One submit per Submit with every selected mentor's record; each answer lands."""
    script = SubmitScript((("m01", answer("b-1", "m01", R)), ("m02", answer("b-1", "m02", F))))
    gateway = ScriptedGateway(submits={"b-1": script})

    async def act(bloc: Bloc) -> None:
        await fill_bulk(bloc, "m01", "m02")
        await bloc.add(flows.BulkActivitySubmitted())

    state = run(bulk, gateway, act)
    assert gateway.call_names() == ["latest", "submit"]
    sent = gateway.calls[1]["submission"]
    assert [r["mentor_id"] for r in sent["records"]] == ["m01", "m02"]
    assert (sent["id"], sent["kind"]) == ("b-1", "bulk")
    assert state.phase is flows.BulkPhase.PARTIALLY_FAILED


def test_retry_failed_sends_only_the_retryable_records_under_the_same_id() -> None:
    """Retry failed: a second submit, same submission id, only the failed mentor, same key."""
    first = SubmitScript((("m01", answer("b-1", "m01", R)), ("m02", answer("b-1", "m02", F))))
    gateway = ScriptedGateway(submits={"b-1": first})

    async def act(bloc: Bloc) -> None:
        await fill_bulk(bloc, "m01", "m02")
        await bloc.add(flows.BulkActivitySubmitted())
        await bloc.settled()
        gateway._submits["b-1"] = SubmitScript((("m02", answer("b-1", "m02", R)),))
        await bloc.add(flows.BulkRetryFailedRequested())

    state = run(bulk, gateway, act)
    assert gateway.call_names() == ["latest", "submit", "submit"]
    retried = gateway.calls[2]["submission"]["records"]
    first_keys = {
        r["mentor_id"]: r["client_key"] for r in gateway.calls[1]["submission"]["records"]
    }
    assert [(r["mentor_id"], r["client_key"]) for r in retried] == [("m02", first_keys["m02"])]
    assert state.phase is flows.BulkPhase.COMPLETED


def test_a_submit_that_raises_leaves_the_rest_unknown_with_the_catalogue_text() -> None:
    """submit raising 'timed out' after one answer: the others unknown, 'No answer: timed out'."""
    script = SubmitScript((("m01", answer("b-1", "m01", R)),), raises="timed out")
    gateway = ScriptedGateway(submits={"b-1": script})

    async def act(bloc: Bloc) -> None:
        await fill_bulk(bloc, "m01", "m02")
        await bloc.add(flows.BulkActivitySubmitted())

    state = run(bulk, gateway, act)
    assert state.last_error == MESSAGES.text("flow.no_answer", error="timed out")
    assert state.board.counts.unknown == 1


def test_a_submit_that_returns_with_records_unanswered_says_so() -> None:
    """submit completing without every answer: BulkSubmissionFailed 'No answer for some records.'"""
    gateway = ScriptedGateway(submits={"b-1": SubmitScript((("m01", answer("b-1", "m01", R)),))})

    async def act(bloc: Bloc) -> None:
        await fill_bulk(bloc, "m01", "m02")
        await bloc.add(flows.BulkActivitySubmitted())

    state = run(bulk, gateway, act)
    assert state.last_error == MESSAGES.text("flow.no_answer_for_some")


def test_the_single_flow_sends_one_record_of_kind_single() -> None:
    """SingleActivitySubmitted: one submit of one record, kind 'single'; its answer resolves."""
    gateway = ScriptedGateway(submits={"s-1": SubmitScript((("m01", answer("s-1", "m01", R)),))})

    async def act(bloc: Bloc) -> None:
        for event in (
            flows.SingleFlowEntered(),
            flows.SingleMentorPicked("m01"),
            flows.SingleActivityKindChanged(HOME_VISIT.kind),
            flows.SingleActivityDateChanged(HOME_VISIT.date),
            flows.SingleDurationChanged(HOME_VISIT.minutes),
            flows.SingleActivitySubmitted("s-1"),
        ):
            await bloc.add(event)

    state = run(root, gateway, act)
    sent = gateway.calls[0]["submission"]
    assert (gateway.call_names(), sent["kind"], len(sent["records"])) == (["submit"], "single", 1)
    assert state.single.phase is flows.SinglePhase.SUCCEEDED


def test_the_inert_gateway_refuses_to_send() -> None:
    """With no script, submit raises: a scenario's bloc must never send."""
    gateway = ScriptedGateway()

    async def act(bloc: Bloc) -> None:
        await fill_bulk(bloc, "m01")
        await bloc.add(flows.BulkActivitySubmitted())

    state = run(bulk, gateway, act)
    assert state.last_error == MESSAGES.text(
        "flow.no_answer", error="no script for submission 'b-1'"
    )
