"""EventBus: matching, order, run-to-completion, failing subscribers, unsubscribe."""

from __future__ import annotations

import logging

import pytest

from proxyreg.engine import EventBus, Subscription


class Ping:
    def __init__(self, n: int) -> None:
        self.n = n


class Pong:
    pass


class LoudPing(Ping):
    pass


class Boom(Exception):
    pass


def test_subscribers_get_matching_events_in_subscription_order() -> None:
    """Subscribers matching by isinstance are called in the order they subscribed."""
    bus = EventBus()
    calls: list[str] = []
    bus.subscribe(Ping, lambda e: calls.append("first"))
    bus.subscribe(Pong, lambda e: calls.append("pong"))
    bus.subscribe(object, lambda e: calls.append("any"))
    bus.subscribe(Ping, lambda e: calls.append("last"))
    bus.publish(LoudPing(1))
    expected = ["first", "any", "last"]
    actual = calls
    assert expected == actual


def test_publish_needs_no_event_loop() -> None:
    """publish delivers synchronously, with no event loop running."""
    bus = EventBus()
    seen: list[int] = []
    bus.subscribe(Ping, lambda e: seen.append(e.n))
    bus.publish(Ping(1))
    expected = [1]
    actual = seen
    assert expected == actual


def test_nested_publish_is_delivered_after_current_event() -> None:
    """An event published by a subscriber reaches everyone after the current event does."""
    bus = EventBus()
    log: list[str] = []

    def relay(event: Ping) -> None:
        log.append(f"relay {event.n}")
        if event.n == 1:
            bus.publish(Ping(2))
            log.append("relay returned")

    bus.subscribe(Ping, relay)
    bus.subscribe(Ping, lambda e: log.append(f"tail {e.n}"))
    bus.publish(Ping(1))
    expected = ["relay 1", "relay returned", "tail 1", "relay 2", "tail 2"]
    actual = log
    assert expected == actual


def test_failing_subscriber_is_reported_and_others_served() -> None:
    """A raising subscriber goes to on_error(event, exc) and later subscribers still run."""
    reported: list[tuple[object, BaseException]] = []
    bus = EventBus(on_error=lambda event, exc: reported.append((event, exc)))
    seen: list[int] = []
    error = Boom()

    def fail(_: Ping) -> None:
        raise error

    bus.subscribe(Ping, fail)
    bus.subscribe(Ping, lambda e: seen.append(e.n))
    event = Ping(1)
    bus.publish(event)
    expected = ([(event, error)], [1])
    actual = (reported, seen)
    assert expected == actual


def test_queue_keeps_draining_after_a_failure() -> None:
    """Events queued behind one whose subscriber failed are still delivered."""
    bus = EventBus(on_error=lambda event, exc: None)
    seen: list[int] = []

    def fail_first(event: Ping) -> None:
        if event.n == 1:
            bus.publish(Ping(2))
            raise Boom

    bus.subscribe(Ping, fail_first)
    bus.subscribe(Ping, lambda e: seen.append(e.n))
    bus.publish(Ping(1))
    expected = [1, 2]
    actual = seen
    assert expected == actual


def test_unsubscribe_mid_dispatch_stops_delivery_at_once() -> None:
    """A subscriber cancelled by an earlier one during a delivery is not called."""
    bus = EventBus()
    seen: list[int] = []
    holder: list[Subscription] = []
    bus.subscribe(Ping, lambda e: holder[0].cancel())
    holder.append(bus.subscribe(Ping, lambda e: seen.append(e.n)))
    bus.publish(Ping(1))
    bus.publish(Ping(2))
    expected: list[int] = []
    actual = seen
    assert expected == actual


def test_cancel_is_idempotent_and_reported() -> None:
    """cancel can be called twice; is_active turns False."""
    bus = EventBus()
    subscription = bus.subscribe(Ping, print)
    subscription.cancel()
    subscription.cancel()
    assert False is subscription.is_active


def test_subscriber_added_during_delivery_starts_with_next_event() -> None:
    """A subscription made while an event is delivered does not receive that event."""
    bus = EventBus()
    late: list[int] = []

    def add_late(event: Ping) -> None:
        if event.n == 1:
            bus.subscribe(Ping, lambda e: late.append(e.n))

    bus.subscribe(Ping, add_late)
    bus.publish(Ping(1))
    bus.publish(Ping(2))
    expected = [2]
    actual = late
    assert expected == actual


def test_default_on_error_logs_to_proxyreg_bus(caplog: pytest.LogCaptureFixture) -> None:
    """Without on_error, a failing subscriber is logged as an error on 'proxyreg.bus'."""
    bus = EventBus()

    def fail(_: Ping) -> None:
        raise Boom

    bus.subscribe(Ping, fail)
    with caplog.at_level(logging.ERROR, logger="proxyreg.bus"):
        bus.publish(Ping(1))
    assert [("proxyreg.bus", logging.ERROR, Boom)] == [
        (r.name, r.levelno, r.exc_info[0] if r.exc_info else None) for r in caplog.records
    ]


def test_raising_on_error_propagates_and_queue_survives() -> None:
    """If on_error raises, publish raises; the events still queued go out on the next publish."""

    def reraise(event: object, exc: BaseException) -> None:
        raise exc

    bus = EventBus(on_error=reraise)
    seen: list[int] = []

    def fail_first(event: Ping) -> None:
        if event.n == 1:
            bus.publish(Ping(2))
            raise Boom

    bus.subscribe(Ping, fail_first)
    bus.subscribe(Ping, lambda e: seen.append(e.n))
    with pytest.raises(Boom):
        bus.publish(Ping(1))
    bus.publish(Ping(3))
    expected = [2, 3]
    actual = seen
    assert expected == actual
