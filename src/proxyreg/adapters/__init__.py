"""Backends behind the repository port, one module each; `proxyreg.application` opens one by URL."""
