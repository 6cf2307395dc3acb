"""The names of the ``settings`` rows the SQL backends keep (one table, in both)."""

DEFAULT_COORDINATOR_SETTING = "default_coordinator"
"""The coordinator a front end acts as when none is named (``init --demo`` sets it)."""
