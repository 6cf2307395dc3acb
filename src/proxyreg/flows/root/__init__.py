"""The root flow."""
