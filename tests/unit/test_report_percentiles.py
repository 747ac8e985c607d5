"""Nearest-rank percentiles read from a histogram of working days."""

import pytest

from bot.reports.queries import nearest_rank


@pytest.mark.parametrize(
    ("values", "share", "expected"),
    [
        ([1, 2, 3, 5], 0.5, 2),
        ([1, 2, 3, 5], 0.9, 5),
        ([1, 2, 2, 3, 5], 0.5, 2),
        (list(range(1, 11)), 0.9, 9),  # rank 9 exactly, no rounding up past it
        ([7], 0.9, 7),
        ([], 0.5, None),
    ],
)
def test_the_value_at_rank_ceil_n_times_p(values, share, expected):
    histogram: dict[int, int] = {}
    for v in values:
        histogram[v] = histogram.get(v, 0) + 1
    assert nearest_rank(histogram, share) == expected
