"""Suite-wide settings: hypothesis profiles, and PostgreSQL tests that may not skip in CI."""

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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):  # type: ignore[no-untyped-def]
    """With PROXYREG_REQUIRE_POSTGRES=1, a skipped PostgreSQL test is a failure."""
    outcome = yield
    report = outcome.get_result()
    required = os.environ.get("PROXYREG_REQUIRE_POSTGRES") == "1"
    if required and report.skipped and item.get_closest_marker("postgres") is not None:
        report.outcome = "failed"
        report.longrepr = (
            f"PostgreSQL test skipped but PostgreSQL is required here: {report.longrepr}"
        )
