"""The selectors the coordinator screen adds (proxyreg.presentation.coordinator_screen)."""

from __future__ import annotations

import asyncio
import pathlib

import attrs
import pytest
from tui_world import make_app, open_world

from proxyreg.flows import INITIAL_BULK_STATE, INITIAL_SINGLE_STATE, BulkPhase
from proxyreg.presentation.coordinator_screen import bulk_form, single_mentor_choices
from support import ROSTER


@pytest.mark.parametrize(
    ("phase", "cancelling", "expected"),
    [
        (BulkPhase.SELECTING, False, (True, True, False, False)),
        (BulkPhase.SUBMITTING, False, (False, False, True, False)),
        (BulkPhase.SUBMITTING, True, (False, False, False, False)),
        (BulkPhase.COMPLETED, False, (False, False, False, True)),
        (BulkPhase.PARTIALLY_FAILED, False, (False, False, False, True)),
        (BulkPhase.FAILED, False, (False, False, False, True)),
    ],
)
def test_the_bulk_form_allows_what_the_lifecycle_allows(
    phase: BulkPhase, cancelling: bool, expected: tuple[bool, bool, bool, bool]
) -> None:
    """Edit and Submit while selecting, Cancel once while sending, New submission once settled."""
    form = bulk_form(attrs.evolve(INITIAL_BULK_STATE, phase=phase, cancelling=cancelling))
    assert expected == (form.can_edit, form.can_submit, form.can_cancel, form.can_start_over)


def test_the_single_picker_filters_by_name_and_keeps_the_picked_mentor() -> None:
    """The search narrows the list, any case; the picked mentor stays listed and ticked."""
    picked = attrs.evolve(INITIAL_SINGLE_STATE, mentor_id="m02")
    choices = single_mentor_choices(picked, ROSTER, "MENTOR 0")
    assert len(choices) == len(ROSTER.mentors)
    assert [c.mentor_id for c in choices if c.selected] == ["m02"]
    narrowed = single_mentor_choices(picked, ROSTER, "mentor 05")
    assert [(c.mentor_id, c.selected) for c in narrowed] == [("m02", True), ("m05", False)]
    assert [c.active for c in single_mentor_choices(picked, ROSTER, "08")] == [True, False]


def test_an_unknown_coordinator_ends_the_app_with_a_message(tmp_path: pathlib.Path) -> None:
    """No roster, no screen: the app exits with status 2 and says which coordinator is unknown."""

    async def scenario() -> int | None:
        repository = await open_world(tmp_path / "proxyreg.db")
        app = make_app(repository, coordinator_id="nobody")
        async with app.run_test() as pilot:
            await pilot.pause()
        await repository.close()
        return app.return_code

    assert asyncio.run(scenario()) == 2
