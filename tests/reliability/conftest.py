"""Fixtures for fault tests: a private PostgreSQL cluster, seeded, behind a misbehaving proxy."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fault_world import ASSIGNMENTS, COORDINATOR, ROSTER, FaultyServer
from private_pg import PrivateCluster
from tcp_proxy import WireProxy


@pytest.fixture
def private_cluster() -> Iterator[PrivateCluster]:
    """A started cluster of its own; stopped and removed afterwards."""
    cluster = PrivateCluster.create()
    try:
        cluster.start()
        yield cluster
    finally:
        cluster.destroy()


@pytest.fixture
def faulty_server(private_cluster: PrivateCluster) -> Iterator[FaultyServer]:
    """The private cluster migrated and seeded with ``ROSTER``, a `WireProxy` in front."""
    dsn = private_cluster.create_database([COORDINATOR], ROSTER.mentors, ASSIGNMENTS)
    with WireProxy(private_cluster.port) as proxy:
        yield FaultyServer(private_cluster, proxy, dsn, private_cluster.dsn(port=proxy.port))
