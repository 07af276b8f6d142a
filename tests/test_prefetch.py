"""The bounded producer/consumer hand-off the build uses to parse ahead of the model."""

import threading
import time

import pytest

from mamakg.scale.prefetch import prefetch


def test_same_items_in_the_same_order():
    assert list(prefetch(iter(range(1000)), ahead=7)) == list(range(1000))
    assert list(prefetch([], ahead=1)) == []


def test_producer_never_runs_more_than_ahead_items_ahead():
    produced = []

    def items():
        for i in range(100):
            produced.append(i)
            yield i

    stream = prefetch(items(), ahead=5)
    assert next(stream) == 0
    time.sleep(0.3)  # give the producer every chance to run ahead
    # one handed out + 5 waiting in the queue + 1 made and blocked on the full queue
    assert len(produced) <= 1 + 5 + 1
    stream.close()


def test_an_error_in_the_producer_is_raised_in_the_consumer_after_the_items_before_it():
    def items():
        yield 1
        yield 2
        raise ValueError("bad input line 3")

    got = []
    with pytest.raises(ValueError, match="bad input line 3"):
        for item in prefetch(items(), ahead=4):
            got.append(item)
    assert got == [1, 2]


def test_a_consumer_that_stops_early_stops_the_producer():
    def items():
        i = 0
        while True:
            yield i
            i += 1

    before = threading.active_count()
    stream = prefetch(items(), ahead=3)
    assert [next(stream) for _ in range(3)] == [0, 1, 2]
    stream.close()  # what a `break` out of a for loop does
    assert threading.active_count() == before


def test_ahead_must_be_positive():
    with pytest.raises(ValueError):
        list(prefetch([1], ahead=0))
