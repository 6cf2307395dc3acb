"""Peak memory of one 10,000-mentor bulk submission through the whole engine.

Why: a coordinator's device holds the whole bulk screen in memory, and the engine
keeps every state it emits immutable; structural sharing must keep that bounded.
Each run is a fresh child process that does what a UI does: a
`ProxyRegistrationBloc` over the in-memory backend with the default `rpc`
strategy (batches of the backend's limit, 500), `BulkFlowEntered`, select all
10,000 mentors, fill the form, Submit, and wait until the submission has settled
with every mentor registered; one listener keeps the latest state, as a screen
would. The organisation's selection limit is raised to 10,000 for the run (the
product's default is 500). The figure is the child's peak resident set size
(``VmHWM``), beside a child that only imports the same modules.
"""

from __future__ import annotations

import asyncio
import json
import pathlib
import subprocess
import sys
import time

from _fixtures import DRAFT, TODAY, peak_rss_mb, roster
from _report import Samples, Section, Table, Target, main, seconds

from proxyreg.adapters.memory import InMemoryRepository
from proxyreg.application import build_bloc
from proxyreg.domain import ValidationRules
from proxyreg.flows import (
    BulkActivityDateChanged,
    BulkActivityKindChanged,
    BulkActivitySubmitted,
    BulkAllMentorsSelected,
    BulkDurationChanged,
    BulkFlowEntered,
    BulkPhase,
    ProxyRegistrationState,
)

SCRIPT = "benchmarks/submission_memory.py"
MENTORS = 10_000
RUNS, QUICK_RUNS = 3, 1
MAX_PEAK_MB = 150.0


async def submit_all(count: int) -> float:
    """Seconds for a whole bulk submission of ``count`` mentors; raises unless all landed."""
    mentors = roster(count)
    repository = InMemoryRepository.of_rosters(mentors)
    rules = ValidationRules(max_selection=count)
    bloc = build_bloc(repository, mentors, today=TODAY, rules=rules)
    shown: list[ProxyRegistrationState] = [bloc.state]
    bloc.listen(lambda state: shown.__setitem__(0, state))
    start = time.perf_counter()
    for event in (
        BulkFlowEntered(),
        BulkAllMentorsSelected(),
        BulkActivityKindChanged(DRAFT.kind),
        BulkActivityDateChanged(DRAFT.date),
        BulkDurationChanged(DRAFT.minutes),
        BulkActivitySubmitted(),
    ):
        await bloc.add(event)
    await bloc.settled()
    elapsed = time.perf_counter() - start
    bulk = shown[0].bulk
    if bulk.phase is not BulkPhase.COMPLETED or bulk.board.counts.registered != count:
        raise RuntimeError(f"the submission did not land: {bulk.phase}, {bulk.board.counts}")
    await bloc.close()
    return elapsed


def child(count: int) -> tuple[float, float]:
    """(peak RSS in MB, seconds) of a fresh process submitting ``count`` mentors (0: none)."""
    done = subprocess.run(
        [sys.executable, pathlib.Path(__file__).name, "--child", str(count)],
        capture_output=True,
        text=True,
        check=True,
        cwd=pathlib.Path(__file__).parent,
    )
    answer = json.loads(done.stdout)
    return float(answer["peak_rss_mb"]), float(answer["seconds"])


def _child(count: int) -> None:
    elapsed = asyncio.run(submit_all(count)) if count else 0.0
    print(json.dumps({"peak_rss_mb": peak_rss_mb(), "seconds": elapsed}))


def run(quick: bool) -> Section:
    runs = [child(MENTORS) for _ in range(QUICK_RUNS if quick else RUNS)]
    baseline, _ = child(0)
    peaks = Samples(tuple(peak for peak, _ in runs))
    durations = Samples(tuple(elapsed for _, elapsed in runs))
    table = Table(
        ("mentors", "runs", "peak RSS (median)", "spread", "imports alone", "submission took"),
        (
            (
                f"{MENTORS:,}",
                str(peaks.runs),
                f"{peaks.median:.0f} MB",
                f"{peaks.low:.0f} – {peaks.high:.0f} MB",
                f"{baseline:.0f} MB",
                seconds(durations.median),
            ),
        ),
    )
    return Section(
        title="Peak memory of a 10,000-mentor submission",
        script=SCRIPT,
        about=__doc__.split("\n\n", 1)[1].strip() if __doc__ else "",
        tables=(table,),
        targets=(
            Target(
                f"{MENTORS:,}-mentor submission through the whole engine < {MAX_PEAK_MB:g} MB "
                "peak RSS",
                f"{peaks.median:.0f} MB (median of {peaks.runs})",
                peaks.median < MAX_PEAK_MB,
            ),
        ),
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        _child(int(sys.argv[2]))
    else:
        main(run, "Peak RSS of a 10,000-mentor bulk submission through the whole engine.")
