"""Selectors: what a screen shows, computed from a state. Pure functions, no UI toolkit."""

from proxyreg.presentation._bulk import (
    SYMBOLS,
    MentorChoice,
    Progress,
    ResultRow,
    ResultScreen,
    mentor_choices,
    progress,
    result_screen,
)
from proxyreg.presentation._single import SingleForm, single_form

__all__ = [
    "SYMBOLS",
    "MentorChoice",
    "Progress",
    "ResultRow",
    "ResultScreen",
    "SingleForm",
    "mentor_choices",
    "progress",
    "result_screen",
    "single_form",
]
