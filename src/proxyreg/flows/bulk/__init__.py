"""The bulk flow."""
