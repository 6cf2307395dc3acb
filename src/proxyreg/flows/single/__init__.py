"""The single flow."""
