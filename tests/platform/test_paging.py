"""The one place that says what Relay's page flags mean for a keyset read of
``first + 1`` rows (every context's list queries use it)."""

from __future__ import annotations

import pytest

from loyalnest.platform.paging import window


@pytest.mark.parametrize(
    ("rows", "after", "expected"),
    [
        ([1, 2, 3], False, ([1, 2], True, False)),  # the extra row: more after this page
        ([1, 2], False, ([1, 2], False, False)),
        ([4, 5], True, ([4, 5], False, True)),  # an after cursor: something lies before
    ],
)
def test_forwards(rows, after, expected):
    page = window(rows, 2, backward=False, after_given=after, before_given=False)
    assert (page.items, page.has_next_page, page.has_previous_page) == expected


@pytest.mark.parametrize(
    ("rows", "before", "expected"),
    [
        ([1, 2, 3], True, ([2, 3], True, True)),  # in list order the extra row comes first
        ([2, 3], False, ([2, 3], False, False)),
        ([2, 3], True, ([2, 3], True, False)),
    ],
)
def test_backwards(rows, before, expected):
    page = window(rows, 2, backward=True, after_given=False, before_given=before)
    assert (page.items, page.has_next_page, page.has_previous_page) == expected
