"""Half-years and report numbers."""

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hso_eval.errors import ParameterError
from hso_eval.periods import Period


def test_parse_gives_the_half_year_dates():
    """2024H1 runs from 1 January to 30 June, 2024H2 from 1 July to 31 December."""
    h1, h2 = Period.parse("2024H1"), Period.parse("2024h2")
    assert (h1.start, h1.end) == (date(2024, 1, 1), date(2024, 6, 30))
    assert (h2.start, h2.end) == (date(2024, 7, 1), date(2024, 12, 31))


def test_label_matches_the_seed_report():
    """The period reads as in the hand-written report: 2024-01-01 – 2024-06-30."""
    assert Period.parse("2024H1").label == "2024-01-01 – 2024-06-30"


@pytest.mark.parametrize("text", ["2025H3", "2025H0", "2025", "H1", "2025-H1x", ""])
def test_impossible_periods_are_rejected_in_swedish(text):
    """An impossible period such as 2025H3 stops with a Swedish message that shows the form."""
    with pytest.raises(ParameterError, match=r"period|halvår"):
        Period.parse(text)


def test_report_number_counts_from_the_project_start():
    """The first half-year of the project is report 1; 2024H2 is report 2; 2026H2 is report 6."""
    start = date(2024, 1, 1)
    assert Period.parse("2024H1").report_number(start) == 1
    assert Period.parse("2024H2").report_number(start) == 2
    assert Period.parse("2026H2").report_number(start) == 6


@settings(max_examples=100, deadline=None)
@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2150, 12, 31)))
def test_every_day_lies_in_exactly_its_half_year(day):
    """Every date lies inside the half-year that contains it, and next/previous are inverse."""
    p = Period.containing(day)
    assert p.start <= day <= p.end
    assert p.next().previous() == p
    assert Period.parse(p.code) == p
