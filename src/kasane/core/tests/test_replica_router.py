"""The replica router without a replica (every run): everything stays on the primary.
The real streaming replica is proved in tests/replica/test_replica.py."""

from __future__ import annotations

from kasane.core.replica import ReplicaRouter, enabled, using_replica


def test_without_a_replica_the_router_keeps_everything_on_default() -> None:
    assert not enabled()
    with using_replica():
        assert ReplicaRouter().db_for_read(object) is None
    assert ReplicaRouter().db_for_write(object) == "default"
    assert ReplicaRouter().allow_migrate("replica", "people") is False
    assert ReplicaRouter().allow_migrate("default", "people") is True


@using_replica()
def _decorated() -> int:
    from kasane.core.replica import _opted_in

    return _opted_in.get()


def test_using_replica_nests_and_works_as_a_decorator() -> None:
    from kasane.core.replica import _opted_in

    assert _opted_in.get() == 0
    with using_replica():
        assert _decorated() == 2
    assert _decorated() == 1
    assert _opted_in.get() == 0
