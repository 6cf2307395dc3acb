"""Suite-wide settings: hypothesis profiles, and PostgreSQL and browser tests that may not
skip in CI."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# `dev` keeps `make test` quick before each commit; `ci` is the thorough run (.ci/run).
settings.register_profile("dev", max_examples=60, deadline=None)
settings.register_profile(
    "ci",
    max_examples=5000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "dev"))


# A marked test that skips is a failure where its variable is 1 (.ci/run sets both).
_REQUIRED = {
    "postgres": ("PROXYREG_REQUIRE_POSTGRES", "PostgreSQL"),
    "browser": ("PROXYREG_REQUIRE_BROWSER", "Chromium"),
}


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """With PROXYREG_REQUIRE_POSTGRES=1 a skipped PostgreSQL test is a failure; with
    PROXYREG_REQUIRE_BROWSER=1 a skipped browser test is."""
    outcome = yield
    report = outcome.get_result()
    if not report.skipped:
        return
    for marker, (variable, what) in _REQUIRED.items():
        if os.environ.get(variable) == "1" and item.get_closest_marker(marker) is not None:
            report.outcome = "failed"
            report.longrepr = f"{what} test skipped but {what} is required here: {report.longrepr}"
            return
