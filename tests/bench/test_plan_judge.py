"""The plan case compares like for like: service per priority first, weighted arrival only on equal service."""

from __future__ import annotations

import pytest

from bench.cases.plan import compare_plans

pytestmark = pytest.mark.once  # no database behaviour here: run in the SQLite half only


def test_equal_service_is_judged_by_weighted_arrival() -> None:
    assert compare_plans([0, 5, 0, 0, 0], [0, 5, 0, 0, 0], 0.98).passed
    slower = compare_plans([0, 5, 0, 0, 0], [0, 5, 0, 0, 0], 1.02)
    assert not slower.passed and "1.020" in slower.notes[0]
    assert slower.metrics["same_service"]


def test_serving_a_more_urgent_priority_better_passes_whatever_the_weighted_total() -> None:
    # Optimal serves 10 more priority-2 units and leaves 4 more priority-4 ones: more units move, so
    # its weighted total is larger, and that is right.
    verdict = compare_plans([0, 0, 0, 4, 0], [0, 10, 0, 0, 0], 1.07)
    assert verdict.passed and not verdict.metrics["same_service"]
    assert "priority-2" in verdict.notes[0] and "not judged" in verdict.notes[0]


def test_leaving_a_more_urgent_priority_shorter_fails_even_if_faster() -> None:
    verdict = compare_plans([3, 0, 0, 0, 0], [0, 0, 0, 0, 20], 0.90)
    assert not verdict.passed and "priority-1" in verdict.notes[0]
