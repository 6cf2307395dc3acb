"""Sending submissions to a repository."""

from proxyreg.orchestration._one_call import OneCallGateway

__all__ = ["OneCallGateway"]
