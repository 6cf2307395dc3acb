"""Backends behind the repository port, one module each."""
