"""The one place a root bloc is wired to its orchestrator: strategy, clock, faults, rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from proxyreg.adapters.faults import FaultSpec, FaultSpecError, FaultyRepository, parse_fault_spec
from proxyreg.application._errors import BadInput
from proxyreg.domain import DEFAULT_RULES, Roster, ValidationRules
from proxyreg.flows import FlowContext, ProxyRegistrationBloc
from proxyreg.orchestration import STRATEGIES, BulkRegistrationOrchestrator, RetryPolicy, Strategy
from proxyreg.ports import ProxyRepository

STRATEGY_NAMES: tuple[str, ...] = tuple(sorted(STRATEGIES))
"""The strategies a front end may name: ``atomic``, ``chunked``, ``rpc`` (the default)."""

Clock = Callable[[], dt.date]


def strategy_named(strategy: str | Strategy) -> Strategy:
    """The strategy of that name (a `Strategy` object is taken as it is)."""
    if not isinstance(strategy, str):
        return strategy
    try:
        return STRATEGIES[strategy]()
    except KeyError:
        raise BadInput.one(
            "strategy",
            "unknown",
            f"There is no strategy {strategy!r}; choose one of {', '.join(STRATEGY_NAMES)}.",
        ) from None


def read_fault_spec(text: str) -> FaultSpec:
    """A fault spec (``seed=7,fail_rate=0.3``) read from text; a bad one is `BadInput`."""
    try:
        return parse_fault_spec(text)
    except FaultSpecError as error:
        raise BadInput.one("faults", "invalid", str(error)) from None


def with_faults(repository: ProxyRepository, faults: FaultSpec | str | None) -> ProxyRepository:
    """The repository, misbehaving as ``faults`` says (unchanged when None)."""
    if faults is None:
        return repository
    spec = read_fault_spec(faults) if isinstance(faults, str) else faults
    return FaultyRepository(repository, spec)


def compose(
    repository: ProxyRepository,
    roster: Roster,
    *,
    strategy: str | Strategy = "rpc",
    today: dt.date | None = None,
    clock: Clock | None = None,
    faults: FaultSpec | str | None = None,
    rules: ValidationRules = DEFAULT_RULES,
    seed: int | None = None,
    policy: RetryPolicy | None = None,
) -> tuple[ProxyRegistrationBloc, BulkRegistrationOrchestrator]:
    """`build_bloc`, also answering the orchestrator (for the session, which may change
    the strategy between submissions)."""
    orchestrator = BulkRegistrationOrchestrator(
        with_faults(repository, faults),
        strategy=strategy_named(strategy),
        policy=policy,
        seed=seed,
    )
    if clock is None:
        clock = dt.date.today if today is None else _fixed(today)
    context = FlowContext(roster, clock(), rules)
    bloc = ProxyRegistrationBloc(context=context, gateway=orchestrator, clock=clock)
    return bloc, orchestrator


def _fixed(today: dt.date) -> Clock:
    return lambda: today


def build_bloc(
    repository: ProxyRepository,
    roster: Roster,
    *,
    strategy: str | Strategy = "rpc",
    today: dt.date | None = None,
    clock: Clock | None = None,
    faults: FaultSpec | str | None = None,
    rules: ValidationRules = DEFAULT_RULES,
    seed: int | None = None,
    policy: RetryPolicy | None = None,
) -> ProxyRegistrationBloc:
    """The root bloc for ``roster``'s coordinator, sending through an orchestrator on
    ``repository``.

    - ``strategy``: ``"rpc"`` (one batch call, the default), ``"chunked"``, ``"atomic"``,
      or a `Strategy` object;
    - ``today`` fixes the date the form judges against; ``clock`` reads it on every event
      instead (neither: the real date, read on every event);
    - ``faults``: a `FaultSpec` or its text (``seed=7,fail_rate=0.3``) makes the backend
      misbehave on purpose, for demos and tests (None: it behaves);
    - ``rules``: the field limits and activity kinds; ``seed`` fixes the retry jitter;
      ``policy`` the retries. A front end draws progress from the states it hears.
    """
    bloc, _ = compose(
        repository,
        roster,
        strategy=strategy,
        today=today,
        clock=clock,
        faults=faults,
        rules=rules,
        seed=seed,
        policy=policy,
    )
    return bloc
