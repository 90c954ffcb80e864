"""The spider's run plan: which dates a run covers."""

from __future__ import annotations

import datetime as dt

import pytest

from crawler.registry import load_registry
from crawler.spiders.epaper import edition_dates


def test_one_date_a_range_and_today() -> None:
    paper = load_registry()["ycrb"]
    assert edition_dates(paper, "2025-04-25", None, None) == [dt.date(2025, 4, 25)]
    days = edition_dates(paper, None, "2024-02-27", "2024-03-01")
    assert days == [dt.date(2024, 2, 27), dt.date(2024, 2, 28), dt.date(2024, 2, 29), dt.date(2024, 3, 1)]
    assert edition_dates(paper, None, None, None) == [paper.today()]


@pytest.mark.parametrize(
    "date, start, end, message",
    [("2025-04-25", "2025-04-01", None, "either"), (None, "2025-04-02", "2025-04-01", "before"),
     ("25/04/2025x", None, None, "not a date")],
)
def test_bad_arguments(date: str | None, start: str | None, end: str | None, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        edition_dates(load_registry()["ycrb"], date, start, end)
