"""Tests for hso_eval.indicators: definitions, breakdowns, targets, suppression, Swedish display.

The fixture is small and written out here; every expected number is counted by hand from it in
the comments next to the assertion.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hso_eval.config import (
    INDICATOR_IDS,
    Organisation,
    Partner,
    Project,
    Target,
    WorkPackage,
    load_project,
)
from hso_eval.indicators import (
    DIMENSION_LABELS,
    INDICATOR_COLUMNS,
    INDICATOR_LABELS,
    compute_indicators,
    compute_published_indicators,
    crosstab_suppression,
    gender_by_work_package,
    nested_suppression,
    partners_visited_summary,
    share_denominators,
    suppress_nested_cells,
    suppress_small_cells,
)
from hso_eval.periods import Period
from hso_eval.present import format_percent
from hso_eval.tables import ACTIVITY_COLUMNS, PARTICIPATION_COLUMNS, conform, empty_frame

H1, H2 = Period(2024, 1), Period(2024, 2)
NA = None


# ---------------------------------------------------------------------------------------------
# Fixture
# ---------------------------------------------------------------------------------------------
def make_project(targets: tuple[Target, ...] | None = None, min_cell: int = 5) -> Project:
    """Three work packages; three visit partners (Härnösand, Kramfors, Örnsköldsvik) and RVN."""
    if targets is None:
        targets = (
            Target("activities_held", "period", 3, True),
            Target("activities_held", "cumulative", 10, True),
            Target("share_women", "period", 0.5, True),
            Target("partners_visited", "cumulative", 2, True),
        )
    return Project(
        name="Testprojekt",
        short_name="TP",
        owner="Härnösands kommun",
        start=date(2024, 1, 1),
        end=date(2026, 12, 31),
        project_leader="Projektledare",
        funders=(),
        work_packages=(
            WorkPackage("AP1", 1, "Ett", ""),
            WorkPackage("AP2", 2, "Två", ""),
            WorkPackage("AP3", 3, "Tre", ""),
        ),
        partners=(
            Partner("Härnösands kommun", "Härnösand", "kommun", "Härnösand"),
            Partner("Kramfors kommun", "Kramfors", "kommun", "Kramfors"),
            Partner(
                "Örnsköldsviks kommun", "Örnsköldsvik", "kommun", "Örnsköldsvik", True, ("Övik",)
            ),
            Partner("Region Västernorrland", "RVN", "region", None, False, ("RVN",)),
        ),
        organisation=Organisation((), "", "", ()),
        targets=targets,
        min_cell=min_cell,
    )


def activity_frame(rows: list[tuple]) -> pd.DataFrame:
    """An activity register from (id, start, ap, type, kommun, status, antal, ca, parter) rows."""
    names = ["activity_id", "start_date", "work_package", "activity_type", "municipality",
             "status", "attendance", "attendance_approximate", "parties"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=names)
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["attendance_approximate"] = frame["attendance_approximate"].astype(bool)
    for column in ACTIVITY_COLUMNS:
        if column not in frame:
            frame[column] = pd.NA if column != "source_row" else range(2, len(frame) + 2)
    return conform(frame, ACTIVITY_COLUMNS)


def participation_frame(rows: list[tuple]) -> pd.DataFrame:
    """Participations from (aktivitet, person, organisation, orgtyp, kommun, kön, roll) rows."""
    names = ["activity_id", "person_key", "organisation", "organisation_type", "municipality",
             "gender", "role"]  # fmt: skip
    frame = pd.DataFrame(rows, columns=names)
    frame["municipality_code"] = pd.NA
    frame["source_row"] = range(2, len(frame) + 2)
    return conform(frame, PARTICIPATION_COLUMNS)


ACTIVITIES = activity_frame(
    [
        # 2024H1
        ("A1", "2024-02-10", "AP1", "workshop", "Härnösand", "genomförd", NA, False, NA),
        ("A2", "2024-03-05", "AP2", "partnerbesök", "Kramfors", "genomförd", 12, False, NA),
        ("A3", "2024-05-20", "AP1", "seminarium", "Sundsvall", "genomförd", 40, True, NA),
        ("A4", "2024-06-01", "AP3", "möte", NA, "inställd", NA, False, NA),
        # 2024H2
        ("A5", "2024-09-15", "AP2", "partnerbesök", "Timrå", "genomförd", NA, False,
         "Region Västernorrland; Övik; Härnösandshus AB"),
        ("A6", "2024-11-05", "AP3", "konferens", "Härnösand", "genomförd", 25, False, NA),
        ("A9", "2024-12-01", "AP2", "möte", NA, "inställd", NA, False, NA),
        # 2025H1 and later: planned
        ("A7", "2025-02-01", "AP1", "workshop", NA, "planerad", NA, False, NA),
        ("A8", "2025-05-15", "AP3", "möte", NA, "planerad", NA, False, NA),
        ("A10", "2025-07-10", "AP1", "möte", NA, "planerad", NA, False, NA),
    ]
)  # fmt: skip

PARTICIPATIONS = participation_frame(
    [
        # A1 (H1, AP1, workshop): rows 1-5
        ("A1", "p1", "Härnösands kommun", "kommun", "Härnösand", "kvinna", "talare"),
        ("A1", "p2", "Kramfors kommun", "kommun", "Kramfors", "man", "deltagare"),
        ("A1", "p3", "Mittuniversitetet", "akademi", "Sundsvall", "kvinna", "moderator"),
        ("A1", "p4", "härnösands kommun", "kommun", "Härnösand", "ej angivet", "deltagare"),
        ("A1", "p5", NA, NA, NA, "annat", "deltagare"),
        # A2 (H1, AP2, partnerbesök): rows 6-8
        ("A2", "p1", "Härnösands kommun", "kommun", "Härnösand", "kvinna", "deltagare"),
        ("A2", "p6", "Kramfors kommun", "kommun", "Kramfors", "man", "talare"),
        ("A2", "p2", "Kramfors kommun", "kommun", "Kramfors", "ej angivet", "deltagare"),
        # A4 (inställd): row 9, never counted
        ("A4", "p7", "Timrå kommun", "kommun", "Timrå", "kvinna", "deltagare"),
        # A5 (H2, AP2, partnerbesök): rows 10-16
        ("A5", "p1", "HÄRNÖSANDS KOMMUN", "kommun", "Härnösand", "kvinna", "moderator"),
        ("A5", "p8", "Region Västernorrland", "region", "Härnösand", "man", "talare"),
        ("A5", "p9", "Region Västernorrland", "region", "Sundsvall", "kvinna", "deltagare"),
        ("A5", "p4", "Härnösands kommun", "kommun", "Härnösand", "man", "deltagare"),
        ("A5", "p10", "Sweco", "näringsliv", "Sundsvall", "man", "deltagare"),
        ("A5", "p3", "Mittuniversitetet", "akademi", "Sundsvall", "kvinna", "deltagare"),
        ("A5", "p6", "Kramfors kommun", "kommun", "Kramfors", "kvinna", "deltagare"),
    ]
)


@pytest.fixture(scope="module")
def project() -> Project:
    return make_project()


@pytest.fixture(scope="module")
def table_h1(project: Project) -> pd.DataFrame:
    return compute_indicators(ACTIVITIES, PARTICIPATIONS, project, H1)


@pytest.fixture(scope="module")
def table_h2(project: Project) -> pd.DataFrame:
    return compute_indicators(ACTIVITIES, PARTICIPATIONS, project, H2)


def value(table: pd.DataFrame, indicator: str, scope: str, dimension: str = "total",
          category: str = "") -> float:  # fmt: skip
    """The one value at these keys (fails when there is not exactly one row)."""
    rows = table[
        (table["indicator"] == indicator)
        & (table["scope"] == scope)
        & (table["dimension"] == dimension)
        & (table["category"] == category)
    ]
    assert len(rows) == 1, (indicator, scope, dimension, category, rows)
    return float(rows["value"].iloc[0])


def breakdown(table: pd.DataFrame, indicator: str, scope: str, dimension: str) -> dict[str, float]:
    """{category: value} for one breakdown, in table order."""
    rows = table[
        (table["indicator"] == indicator)
        & (table["scope"] == scope)
        & (table["dimension"] == dimension)
    ]
    return dict(zip(rows["category"], rows["value"], strict=True))


# ---------------------------------------------------------------------------------------------
# Shape
# ---------------------------------------------------------------------------------------------
def test_columns_and_dtypes_are_exactly_the_schema(table_h1: pd.DataFrame) -> None:
    """The table has exactly the columns indicator…approximate, with string/float/bool dtypes."""
    assert list(table_h1.columns) == list(INDICATOR_COLUMNS) == [
        "indicator", "scope", "dimension", "category", "value", "target", "approximate"
    ]  # fmt: skip
    for column in ("indicator", "scope", "dimension", "category"):
        assert isinstance(table_h1[column].dtype, pd.StringDtype)
    assert table_h1["value"].dtype == "float64"
    assert table_h1["target"].dtype == "float64"
    assert table_h1["approximate"].dtype == "bool"


def test_every_indicator_has_a_swedish_label_and_every_row_a_known_dimension(
    table_h1: pd.DataFrame,
) -> None:
    """Every indicator id and every dimension used has a Swedish label."""
    assert set(INDICATOR_LABELS) == set(INDICATOR_IDS)
    assert INDICATOR_LABELS["partners_visited"] == "Besökta projektparter"
    assert set(table_h1["dimension"]) <= set(DIMENSION_LABELS)
    assert set(table_h1["indicator"]) == set(INDICATOR_IDS)


def test_rows_are_sorted_by_indicator_scope_dimension(table_h1: pd.DataFrame) -> None:
    """Rows follow INDICATOR_IDS, then period before cumulative, then total before breakdowns."""
    firsts = table_h1.drop_duplicates("indicator")["indicator"].tolist()
    assert firsts == list(INDICATOR_IDS)
    held = table_h1[table_h1["indicator"] == "activities_held"]
    assert held["scope"].tolist()[:1] == ["period"]
    assert held["scope"].tolist()[-1] == "cumulative"
    period_dims = held[held["scope"] == "period"].drop_duplicates("dimension")["dimension"]
    assert period_dims.tolist() == ["total", "work_package", "activity_type", "municipality"]
    assert breakdown(table_h1, "participations", "period", "gender") == {
        "kvinna": 3, "man": 2, "annat": 1, "ej angivet": 2
    }  # fmt: skip


def test_the_inputs_are_not_modified(project: Project) -> None:
    """compute_indicators leaves its input frames unchanged."""
    activities, participations = ACTIVITIES.copy(), PARTICIPATIONS.copy()
    compute_indicators(activities, participations, project, H2)
    pd.testing.assert_frame_equal(activities, ACTIVITIES)
    pd.testing.assert_frame_equal(participations, PARTICIPATIONS)


# ---------------------------------------------------------------------------------------------
# Definitions, totals
# ---------------------------------------------------------------------------------------------
def test_activities_held_counts_genomford_in_scope(table_h1, table_h2) -> None:
    """H1 holds A1-A3 (A4 inställd); H2 holds A5, A6 (A9 inställd); cumulative H2 is 5."""
    assert value(table_h1, "activities_held", "period") == 3
    assert value(table_h1, "activities_held", "cumulative") == 3
    assert value(table_h2, "activities_held", "period") == 2
    assert value(table_h2, "activities_held", "cumulative") == 5
    assert breakdown(table_h1, "activities_held", "period", "work_package") == {
        "AP1": 2, "AP2": 1, "AP3": 0
    }  # fmt: skip
    assert breakdown(table_h1, "activities_held", "period", "activity_type") == {
        "partnerbesök": 1, "seminarium": 1, "workshop": 1
    }  # fmt: skip
    assert breakdown(table_h1, "activities_held", "period", "municipality") == {
        "Härnösand": 1, "Kramfors": 1, "Sundsvall": 1
    }  # fmt: skip


def test_activities_planned_are_the_next_half_years_not_cancelled(table_h1, table_h2) -> None:
    """H1's planned are A5, A6 (held since; A9 inställd); H2's are A7, A8 (A10 is later)."""
    assert value(table_h1, "activities_planned", "period") == 2
    assert breakdown(table_h1, "activities_planned", "period", "work_package") == {
        "AP1": 0, "AP2": 1, "AP3": 1
    }  # fmt: skip
    assert value(table_h2, "activities_planned", "period") == 2
    assert breakdown(table_h2, "activities_planned", "period", "work_package") == {
        "AP1": 1, "AP2": 0, "AP3": 1
    }  # fmt: skip
    planned = table_h2[table_h2["indicator"] == "activities_planned"]
    assert set(planned["scope"]) == {"period"}


def test_participations_are_rows_of_held_activities(table_h1, table_h2) -> None:
    """H1 has rows 1-8, H2 rows 10-16; the row on inställd A4 never counts."""
    assert value(table_h1, "participations", "period") == 8
    assert value(table_h2, "participations", "period") == 7
    assert value(table_h2, "participations", "cumulative") == 15
    assert breakdown(table_h1, "participations", "period", "work_package") == {
        "AP1": 5, "AP2": 3, "AP3": 0
    }  # fmt: skip
    assert breakdown(table_h1, "participations", "period", "organisation_type") == {
        "akademi": 1, "kommun": 6, "uppgift saknas": 1
    }  # fmt: skip
    assert breakdown(table_h1, "participations", "period", "municipality") == {
        "Härnösand": 3, "Kramfors": 3, "Sundsvall": 1, "uppgift saknas": 1
    }  # fmt: skip
    assert breakdown(table_h1, "participations", "period", "role") == {
        "deltagare": 5, "talare": 2, "moderator": 1, "arrangör": 0
    }  # fmt: skip
    assert breakdown(table_h2, "participations", "cumulative", "activity_type") == {
        "partnerbesök": 10, "workshop": 5
    }  # fmt: skip


def test_unique_participants_count_each_person_once(table_h1, table_h2) -> None:
    """H1: p1-p6 = 6; H2: p1,p3,p4,p6,p8,p9,p10 = 7; cumulative: 9 (p7 was only on A4)."""
    assert value(table_h1, "unique_participants", "period") == 6
    assert value(table_h2, "unique_participants", "period") == 7
    assert value(table_h2, "unique_participants", "cumulative") == 9
    # AP1: p1-p5; AP2: A2's p1,p6,p2 plus A5's seven = 8. A person in two APs counts in both.
    assert breakdown(table_h2, "unique_participants", "cumulative", "work_package") == {
        "AP1": 5, "AP2": 8, "AP3": 0
    }  # fmt: skip


def test_a_persons_gender_is_their_most_frequent_known_one(table_h1, table_h2) -> None:
    """p2 (man, ej angivet) and p4 (ej angivet, man) are men; p6 (man, kvinna) ties: ej angivet."""
    # H1: p1 kvinna, p2 man, p3 kvinna, p4 ej angivet, p5 annat, p6 man.
    assert breakdown(table_h1, "unique_participants", "period", "gender") == {
        "kvinna": 2, "man": 2, "annat": 1, "ej angivet": 1
    }  # fmt: skip
    # Cumulative: kvinna p1,p3,p9; man p2,p4,p8,p10; annat p5; ej angivet p6 (a tie).
    assert breakdown(table_h2, "unique_participants", "cumulative", "gender") == {
        "kvinna": 3, "man": 4, "annat": 1, "ej angivet": 1
    }  # fmt: skip
    assert breakdown(table_h2, "unique_participants", "cumulative", "organisation_type") == {
        "akademi": 1, "kommun": 4, "näringsliv": 1, "region": 2, "uppgift saknas": 1
    }  # fmt: skip


def test_attendance_total_uses_the_list_else_the_reported_count(table_h1, table_h2) -> None:
    """H1: A1 list 5 + A2 list 3 (not its 12) + A3 'ca 40' = 48, approximate; H2: 7 + 25 = 32."""
    assert value(table_h1, "attendance_total", "period") == 48
    assert value(table_h2, "attendance_total", "period") == 32
    assert value(table_h2, "attendance_total", "cumulative") == 80
    assert breakdown(table_h1, "attendance_total", "period", "work_package") == {
        "AP1": 45, "AP2": 3, "AP3": 0
    }  # fmt: skip
    assert breakdown(table_h2, "attendance_total", "period", "activity_type") == {
        "konferens": 25, "partnerbesök": 7
    }  # fmt: skip


def test_attendance_is_approximate_only_where_an_approximate_count_contributes(
    table_h1, table_h2
) -> None:
    """A3's 'ca 40' flags H1, cumulative H2 and AP1 and seminarium; H2's period is exact."""
    rows = table_h1[(table_h1["indicator"] == "attendance_total") & (table_h1["scope"] == "period")]
    flagged = set(
        zip(
            rows.loc[rows["approximate"], "dimension"],
            rows.loc[rows["approximate"], "category"],
            strict=True,
        )
    )
    assert flagged == {("total", ""), ("work_package", "AP1"), ("activity_type", "seminarium")}
    h2 = table_h2[table_h2["indicator"] == "attendance_total"]
    assert not h2.loc[h2["scope"] == "period", "approximate"].any()
    assert h2.loc[
        (h2["scope"] == "cumulative") & (h2["dimension"] == "total"), "approximate"
    ].item()
    assert not table_h1.loc[table_h1["indicator"] != "attendance_total", "approximate"].any()


def test_organisations_are_distinct_case_insensitively(table_h1, table_h2) -> None:
    """H1: Härnösands kommun (any case), Kramfors kommun, Mittuniversitetet = 3; H2 and cum.: 5."""
    assert value(table_h1, "organisations_engaged", "period") == 3
    assert value(table_h2, "organisations_engaged", "period") == 5
    assert value(table_h2, "organisations_engaged", "cumulative") == 5
    assert breakdown(table_h1, "organisations_engaged", "period", "organisation_type") == {
        "akademi": 1, "kommun": 2
    }  # fmt: skip
    # Region Västernorrland's rows say Härnösand once and Sundsvall once: a tie, so unknown.
    assert breakdown(table_h2, "organisations_engaged", "period", "municipality") == {
        "Härnösand": 1, "Kramfors": 1, "Sundsvall": 2, "uppgift saknas": 1
    }  # fmt: skip


def test_partners_visited_by_municipality_or_named_party(project, table_h1, table_h2) -> None:
    """A2 in Kramfors visits Kramfors; A5 names 'Övik' (Örnsköldsvik); a conference is no visit."""
    assert value(table_h1, "partners_visited", "period") == 1
    assert breakdown(table_h1, "partners_visited", "period", "partner") == {
        "Härnösand": 0, "Kramfors": 1, "Örnsköldsvik": 0
    }  # fmt: skip
    assert value(table_h2, "partners_visited", "period") == 1
    assert value(table_h2, "partners_visited", "cumulative") == 2
    # 'Härnösandshus AB' is not the whole item 'Härnösand'; A6 in Härnösand is a konferens.
    assert breakdown(table_h2, "partners_visited", "cumulative", "partner") == {
        "Härnösand": 0, "Kramfors": 1, "Örnsköldsvik": 1
    }  # fmt: skip
    assert partners_visited_summary(table_h2, project, "cumulative") == (
        2, 3, ["Kramfors", "Örnsköldsvik"]
    )  # fmt: skip
    assert partners_visited_summary(table_h2, project, "period") == (1, 3, ["Örnsköldsvik"])


def test_share_women_leaves_annat_and_ej_angivet_out(table_h1, table_h2) -> None:
    """H1: 3 women / (3 + 2 men) = 0.6; AP1 2/3, AP2 1/2, AP3 no one: NaN; cumulative H2 7/12."""
    assert value(table_h1, "share_women", "period") == pytest.approx(0.6)
    wp = breakdown(table_h1, "share_women", "period", "work_package")
    assert wp["AP1"] == pytest.approx(2 / 3)
    assert wp["AP2"] == pytest.approx(1 / 2)
    assert np.isnan(wp["AP3"])
    assert value(table_h2, "share_women", "period") == pytest.approx(4 / 7)
    assert value(table_h2, "share_women", "cumulative") == pytest.approx(7 / 12)


def test_share_women_speakers_counts_talare_and_moderator(table_h1, table_h2) -> None:
    """H1 speakers: p1 talare, p3 moderator (women), p6 talare (man) = 2/3; cumulative H2 3/5."""
    assert value(table_h1, "share_women_speakers", "period") == pytest.approx(2 / 3)
    assert value(table_h2, "share_women_speakers", "period") == pytest.approx(1 / 2)
    assert value(table_h2, "share_women_speakers", "cumulative") == pytest.approx(3 / 5)


def test_share_denominators_are_women_plus_men(project: Project) -> None:
    """H1: 5 women and men in all, 3 among speakers; AP3 has none."""
    dens = share_denominators(ACTIVITIES, PARTICIPATIONS, project, H1)
    assert value(dens.rename(columns={"denominator": "value"}), "share_women", "period") == 5
    speakers = dens.rename(columns={"denominator": "value"})
    assert value(speakers, "share_women_speakers", "period") == 3
    assert value(speakers, "share_women", "period", "work_package", "AP3") == 0


# ---------------------------------------------------------------------------------------------
# Consistency
# ---------------------------------------------------------------------------------------------
ADDITIVE = ("activities_held", "participations", "attendance_total")


@pytest.mark.parametrize("indicator", [*ADDITIVE, "unique_participants", "organisations_engaged"])
def test_cumulative_h2_is_period_h1_plus_period_h2_where_additive(
    indicator: str, table_h1, table_h2
) -> None:
    """For counts of activities and rows, cumulative(H2) = period(H1) + period(H2), per category."""
    if indicator not in ADDITIVE:
        # Distinct counts are not additive: p1, p3, p4 and p6 came in both halves (6 + 7 != 9).
        h1 = value(table_h1, indicator, "period")
        assert value(table_h2, indicator, "cumulative") < h1 + value(table_h2, indicator, "period")
        return
    for dimension in set(table_h1.loc[table_h1["indicator"] == indicator, "dimension"]):
        h1 = pd.Series(breakdown(table_h1, indicator, "period", dimension))
        h2 = pd.Series(breakdown(table_h2, indicator, "period", dimension))
        cumulative = pd.Series(breakdown(table_h2, indicator, "cumulative", dimension))
        summed = h1.add(h2, fill_value=0)
        pd.testing.assert_series_equal(
            summed.sort_index(), cumulative.sort_index(), check_names=False
        )


#: Breakdowns whose categories partition the total (each row/person/organisation in one).
PARTITIONS = {
    "activities_held": ("work_package", "activity_type", "municipality"),
    "activities_planned": ("work_package",),
    "participations": ("work_package", "activity_type", "gender", "organisation_type",
                       "municipality", "role"),
    "unique_participants": ("gender", "organisation_type"),
    "attendance_total": ("work_package", "activity_type"),
    "organisations_engaged": ("organisation_type", "municipality"),
    "partners_visited": ("partner",),
}  # fmt: skip


def assert_breakdowns_sum_to_totals(table: pd.DataFrame) -> None:
    """Every partitioning breakdown sums to its total, in every scope."""
    for indicator, dimensions in PARTITIONS.items():
        for scope in set(table.loc[table["indicator"] == indicator, "scope"]):
            total = value(table, indicator, scope)
            for dimension in dimensions:
                parts = breakdown(table, indicator, scope, dimension)
                assert sum(parts.values()) == pytest.approx(total), (indicator, scope, dimension)


def test_breakdowns_sum_to_totals(table_h1, table_h2) -> None:
    """In the fixture, each partitioning breakdown adds up to its total."""
    assert_breakdowns_sum_to_totals(table_h1)
    assert_breakdowns_sum_to_totals(table_h2)


def test_targets_sit_on_total_rows_only(table_h1) -> None:
    """Configured targets appear on total rows, and no other: the configuration sets none for
    partners visited per period, so that row has none (the configured 2 since the start stays)."""
    totals = table_h1[table_h1["dimension"] == "total"]
    assert table_h1.loc[table_h1["dimension"] != "total", "target"].isna().all()
    targets = dict(
        zip(zip(totals["indicator"], totals["scope"], strict=True), totals["target"], strict=True)
    )
    assert targets[("activities_held", "period")] == 3
    assert targets[("activities_held", "cumulative")] == 10
    assert targets[("share_women", "period")] == 0.5
    assert targets[("partners_visited", "cumulative")] == 2  # configured
    assert np.isnan(targets[("partners_visited", "period")])  # none configured, none invented
    assert np.isnan(targets[("participations", "period")])


def test_partners_visited_since_the_start_aims_at_every_partner_when_no_target_is_set() -> None:
    """Without a configured target, "k av n" since the start is measured against n (3 visit
    partners here); a half-year gets no target, as nothing says how many to visit in one."""
    table = compute_indicators(ACTIVITIES, PARTICIPATIONS, make_project(targets=()), H1)
    totals = table[(table["indicator"] == "partners_visited") & (table["dimension"] == "total")]
    target = dict(zip(totals["scope"], totals["target"], strict=True))
    assert target["cumulative"] == 3
    assert np.isnan(target["period"])


def test_empty_inputs_give_zeros_not_errors(project: Project) -> None:
    """With no activities and no participants, counts are 0 and shares NaN."""
    table = compute_indicators(
        empty_frame(ACTIVITY_COLUMNS), empty_frame(PARTICIPATION_COLUMNS), project, H1
    )
    assert list(table.columns) == list(INDICATOR_COLUMNS)
    for indicator in INDICATOR_IDS:
        scopes = ("period",) if indicator == "activities_planned" else ("period", "cumulative")
        for scope in scopes:
            total = value(table, indicator, scope)
            if indicator.startswith("share_"):
                assert np.isnan(total)
            else:
                assert total == 0
    assert breakdown(table, "participations", "period", "work_package") == {
        "AP1": 0, "AP2": 0, "AP3": 0
    }  # fmt: skip
    assert partners_visited_summary(table, project, "period") == (0, 3, [])
    published = compute_published_indicators(
        empty_frame(ACTIVITY_COLUMNS), empty_frame(PARTICIPATION_COLUMNS), project, H1
    )
    assert not published["suppressed"].any()


def test_participations_of_unknown_activities_are_ignored(project: Project) -> None:
    """A participation whose activity is not in the register counts nowhere."""
    extra = participation_frame([("X9", "p99", "Sweco", "näringsliv", NA, "kvinna", "talare")])
    table = compute_indicators(
        ACTIVITIES, pd.concat([PARTICIPATIONS, extra], ignore_index=True), project, H1
    )
    assert value(table, "participations", "period") == 8


def test_missing_column_names_the_columns_found(project: Project) -> None:
    """A participation table without person_key fails with the columns it has."""
    with pytest.raises(KeyError, match=r"person_key.*Columns in the frame"):
        compute_indicators(ACTIVITIES, PARTICIPATIONS.drop(columns="person_key"), project, H1)


def test_blank_organisations_are_not_organisations(project: Project) -> None:
    """An organisation of only spaces is left out, like a missing one."""
    extra = participation_frame([("A1", "p11", "   ", NA, NA, "man", "deltagare")])
    table = compute_indicators(
        ACTIVITIES, pd.concat([PARTICIPATIONS, extra], ignore_index=True), project, H1
    )
    assert value(table, "participations", "period") == 9
    assert value(table, "organisations_engaged", "period") == 3


def test_categories_sort_in_swedish_order_with_missing_last(project: Project) -> None:
    """Municipalities run Härnösand, Ånge, Älvdalen, Örnsköldsvik, then 'uppgift saknas'."""
    activities = activity_frame(
        [
            (f"B{i}", "2024-03-01", "AP1", "möte", place, "genomförd", NA, False, NA)
            for i, place in enumerate(["Örnsköldsvik", NA, "Älvdalen", "Ånge", "Härnösand"])
        ]
    )
    table = compute_indicators(activities, empty_frame(PARTICIPATION_COLUMNS), project, H1)
    order = list(breakdown(table, "activities_held", "period", "municipality"))
    assert order == ["Härnösand", "Ånge", "Älvdalen", "Örnsköldsvik", "uppgift saknas"]


def test_the_configured_project_counts_partners_k_av_7() -> None:
    """With params/project.yaml, n is the seven municipalities; its target (7) is set since the
    start only, so the period has none."""
    real = load_project("params/project.yaml")
    table = compute_indicators(
        empty_frame(ACTIVITY_COLUMNS), empty_frame(PARTICIPATION_COLUMNS), real, H1
    )
    assert partners_visited_summary(table, real, "period") == (0, 7, [])
    totals = table[(table["indicator"] == "partners_visited") & (table["dimension"] == "total")]
    target = dict(zip(totals["scope"], totals["target"], strict=True))
    assert target["cumulative"] == 7 and np.isnan(target["period"])
    assert len(breakdown(table, "partners_visited", "period", "partner")) == 7


# ---------------------------------------------------------------------------------------------
# Random register: breakdowns add up
# ---------------------------------------------------------------------------------------------
def random_register(seed: int, n_activities: int = 300, n_rows: int = 6000):
    """A random register over 2024-2025 with missing values sprinkled in."""
    rng = np.random.default_rng(seed)
    days = pd.to_datetime("2023-10-01") + pd.to_timedelta(rng.integers(0, 900, n_activities), "D")
    attendance = pd.array(rng.integers(0, 300, n_activities), dtype="Int64")
    attendance[rng.random(n_activities) < 0.2] = pd.NA
    activities = activity_frame(
        list(
            zip(
                [f"A{i}" for i in range(n_activities)],
                days,
                rng.choice(["AP1", "AP2", "AP3"], n_activities),
                rng.choice(["möte", "workshop", "partnerbesök", "seminarium"], n_activities),
                rng.choice(["Härnösand", "Kramfors", "Örnsköldsvik", "Ånge", None], n_activities),
                rng.choice(
                    ["genomförd", "planerad", "inställd", None],
                    n_activities,
                    p=[0.7, 0.15, 0.1, 0.05],
                ),
                attendance,
                rng.random(n_activities) < 0.1,
                rng.choice([None, "Övik", "Kramfors kommun; RVN", "Ånge kommun"], n_activities),
                strict=True,
            )
        )
    )
    persons = rng.integers(0, 800, n_rows)
    organisations = np.array(
        ["Sweco", "SWECO", "Ånge kommun", "Region Västernorrland", "Almi", None]
    )
    participations = participation_frame(
        list(
            zip(
                rng.choice(activities["activity_id"].to_numpy(), n_rows),
                [f"p{p}" for p in persons],
                organisations[persons % len(organisations)],
                rng.choice(["kommun", "region", "näringsliv", None], n_rows),
                rng.choice(["Härnösand", "Sundsvall", None], n_rows),
                rng.choice(["kvinna", "man", "annat", "ej angivet"], n_rows),
                rng.choice(["deltagare", "talare", "moderator", "arrangör"], n_rows),
                strict=True,
            )
        )
    ).drop_duplicates(["activity_id", "person_key"])
    return activities, participations


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_register_breakdowns_sum_to_totals(seed: int, project: Project) -> None:
    """On random registers every partitioning breakdown sums to its total, and H1 + H2 = cum."""
    activities, participations = random_register(seed)
    h1 = compute_indicators(activities, participations, project, Period(2024, 1))
    h2 = compute_indicators(activities, participations, project, Period(2024, 2))
    assert_breakdowns_sum_to_totals(h1)
    assert_breakdowns_sum_to_totals(h2)
    for indicator in ADDITIVE:
        assert value(h2, indicator, "cumulative") == pytest.approx(
            value(h1, indicator, "period") + value(h2, indicator, "period")
        )
    # Independent recount of participations in H1 with a plain merge.
    held = activities[
        (activities["status"] == "genomförd")
        & activities["start_date"].between("2024-01-01", "2024-06-30")
    ]
    expected = participations.merge(held[["activity_id"]], on="activity_id")
    assert value(h1, "participations", "period") == len(expected)
    assert value(h1, "unique_participants", "period") == expected["person_key"].nunique()


# ---------------------------------------------------------------------------------------------
# Suppression and display
# ---------------------------------------------------------------------------------------------
def indicator_table(rows: list[tuple]) -> pd.DataFrame:
    """An indicator table from (indicator, scope, dimension, category, value, approximate) rows."""
    frame = pd.DataFrame(
        rows, columns=["indicator", "scope", "dimension", "category", "value", "approximate"]
    )
    frame["target"] = np.nan
    return frame.loc[:, list(INDICATOR_COLUMNS)].astype(INDICATOR_COLUMNS)


def shown(table: pd.DataFrame, indicator: str, dimension: str, category: str = "") -> tuple:
    """(display, suppressed) of the period row at these keys."""
    row = table[
        (table["indicator"] == indicator)
        & (table["dimension"] == dimension)
        & (table["category"] == category)
    ]
    assert len(row) == 1
    return row["display"].item(), bool(row["suppressed"].item())


SMALL = indicator_table(
    [
        ("participations", "period", "total", "", 1234.0, False),
        ("participations", "period", "gender", "kvinna", 1200.0, False),
        ("participations", "period", "gender", "man", 31.0, False),
        ("participations", "period", "gender", "annat", 3.0, False),
        ("participations", "period", "gender", "ej angivet", 0.0, False),
        ("participations", "period", "role", "deltagare", 1228.0, False),
        ("participations", "period", "role", "talare", 2.0, False),
        ("participations", "period", "role", "moderator", 4.0, False),
        ("unique_participants", "period", "total", "", 4.0, False),
        ("activities_held", "period", "work_package", "AP1", 3.0, False),
        ("attendance_total", "period", "total", "", 250.0, True),
        ("attendance_total", "period", "work_package", "AP1", 3.0, True),
        ("organisations_engaged", "period", "total", "", 1.0, False),
        ("share_women", "period", "total", "", 0.485, False),
        ("share_women", "period", "work_package", "AP1", 0.48, False),
        ("share_women", "period", "work_package", "AP2", 0.5, False),
        ("share_women", "period", "work_package", "AP3", np.nan, False),
    ]
)
DENOMINATORS = pd.DataFrame(
    {
        "indicator": "share_women",
        "scope": "period",
        "dimension": ["total", "work_package", "work_package", "work_package"],
        "category": ["", "AP1", "AP2", "AP3"],
        "denominator": [200.0, 25.0, 4.0, 0.0],
    }
)


@pytest.fixture(scope="module")
def published() -> pd.DataFrame:
    return suppress_small_cells(SMALL, 5, denominators=DENOMINATORS)


def test_small_counts_of_people_show_as_less_than_min_cell(published) -> None:
    """3 women-or-men 'annat' and a total of 4 unique participants show as '<5'."""
    assert shown(published, "participations", "gender", "annat") == ("<5", True)
    assert shown(published, "unique_participants", "total") == ("<5", True)


def test_a_lone_hidden_cell_hides_the_next_smallest_too(published) -> None:
    """With only 'annat' hidden, 'man' (31, next smallest non-zero) is hidden; 0 and total stay."""
    assert shown(published, "participations", "gender", "man") == ("..", True)
    assert shown(published, "participations", "gender", "kvinna") == ("1\u00a0200", False)
    assert shown(published, "participations", "gender", "ej angivet") == ("0", False)
    assert shown(published, "participations", "total") == ("1\u00a0234", False)


def test_two_hidden_cells_need_no_complement(published) -> None:
    """Role has talare 2 and moderator 4 both hidden, so deltagare stays published."""
    assert shown(published, "participations", "role", "talare") == ("<5", True)
    assert shown(published, "participations", "role", "moderator") == ("<5", True)
    assert shown(published, "participations", "role", "deltagare") == ("1\u00a0228", False)


def test_activities_and_organisations_are_not_people(published) -> None:
    """3 activities and 1 organisation are published as they are."""
    assert shown(published, "activities_held", "work_package", "AP1") == ("3", False)
    assert shown(published, "organisations_engaged", "total") == ("1", False)


def test_approximate_values_read_ca(published) -> None:
    """An approximate 250 shows as 'ca 250'; an approximate 3 people still shows as '<5'."""
    assert shown(published, "attendance_total", "total") == ("ca\u00a0250", False)
    assert shown(published, "attendance_total", "work_package", "AP1") == ("<5", True)


def test_shares_show_as_swedish_percent_and_hide_small_denominators(published) -> None:
    """0.485 -> '48,5 %', 0.48 -> '48,0 %' (always one decimal); a share of 4 people is hidden;
    no denominator -> '–'."""
    assert shown(published, "share_women", "total") == ("48,5\u00a0%", False)
    assert shown(published, "share_women", "work_package", "AP1") == ("48,0\u00a0%", False)
    assert shown(published, "share_women", "work_package", "AP2") == ("..", True)
    assert shown(published, "share_women", "work_package", "AP3") == ("–", False)


@pytest.mark.parametrize(
    ("share", "text"),
    [(0.5085, "50,9"), (0.50833, "50,8"), (0.51, "51,0"), (0.0005, "0,1"), (1.0, "100,0")],
)
def test_a_share_shows_one_decimal_rounded_half_up_as_everywhere_else(share, text) -> None:
    """The indicator table writes a share as the charts and present.format_percent do: one
    decimal always ("51,0 %" beside "50,8 %", never "51 %"), rounded half-up (50,85 % is
    "50,9 %", which rounding the float 50.849999… would make "50,8 %")."""
    table = SMALL[SMALL["indicator"] == "share_women"].assign(value=share)
    out = suppress_small_cells(table, 5, denominators=DENOMINATORS)
    assert shown(out, "share_women", "total") == (f"{text}\u00a0%", False)
    assert format_percent(share) == f"{text}\u00a0%"


def test_shares_without_denominators_are_hidden() -> None:
    """When no denominators are given, every share with a value is hidden."""
    out = suppress_small_cells(SMALL, 5)
    assert shown(out, "share_women", "total") == ("..", True)
    assert shown(out, "participations", "total") == ("1\u00a0234", False)


def test_suppression_returns_a_new_frame_with_the_true_values(published) -> None:
    """The input is untouched; the output keeps `value` and adds `suppressed` and `display`."""
    assert "suppressed" not in SMALL.columns
    assert list(published.columns) == [*INDICATOR_COLUMNS, "suppressed", "display"]
    pd.testing.assert_series_equal(published["value"], SMALL["value"])


def test_min_cell_is_respected() -> None:
    """With min_cell 3, a count of 3 is published and 2 shows as '<3'."""
    out = suppress_small_cells(SMALL, 3)
    assert shown(out, "participations", "gender", "annat") == ("3", False)
    assert shown(out, "participations", "role", "talare") == ("<3", True)


def test_published_fixture_hides_the_single_annat(project: Project) -> None:
    """In the fixture's H1, 1 participation by 'annat' is '<5', and a share that would give
    away a count under 5 is hidden."""
    out = compute_published_indicators(ACTIVITIES, PARTICIPATIONS, project, H1)
    period = out[out["scope"] == "period"]
    assert shown(period, "participations", "gender", "annat") == ("<5", True)
    # 60 % of 5 would publish 3 women and 2 men: hidden, though the base is 5.
    assert shown(period, "share_women", "total") == ("..", True)
    assert shown(period, "share_women_speakers", "total") == ("..", True)  # 3 speakers < 5
    assert shown(period, "activities_held", "total") == ("3", False)


# ---------------------------------------------------------------------------------------------
# Suppression with published group totals (attendance per activity, totals per work package)
# ---------------------------------------------------------------------------------------------
def _attendance(values: list[float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "indicator": "attendance_total",
            "scope": "period",
            "dimension": "activity",
            "category": [f"A{i}" for i in range(len(values))],
            "value": values,
            "target": np.nan,
            "approximate": False,
        }
    )


def test_a_lone_small_cell_in_its_package_is_covered_by_other_packages() -> None:
    """AP1 has only a 3, so AP1's total is '<5' and the grand total minus AP2's total would give
    it away: AP2's total is hidden too, and then one of AP2's cells, or its cells would."""
    values = np.array([3, 10, 20], dtype=float)
    hidden, (packages,) = nested_suppression(values, [["AP1", "AP2", "AP2"]])
    assert hidden.tolist() == [True, True, False] and packages == {"AP1": True, "AP2": True}
    out = suppress_nested_cells(_attendance(list(values)), [["AP1", "AP2", "AP2"]])
    assert out["display"].tolist() == ["<5", "..", "20"]
    out = suppress_nested_cells(_attendance([3, 10, 20, 30]), [["AP1", "AP1", "AP2", "AP2"]])
    assert out["display"].tolist() == ["<5", "..", "20", "30"]  # AP1 covers itself


def test_hidden_cells_must_add_up_to_min_cell() -> None:
    """Two hidden cells of 1 and 2 would still publish a 3 (the total minus the shown ones):
    the next smallest is hidden too."""
    out = suppress_nested_cells(_attendance([1, 2, 10, 20]), [["AP1"] * 4])
    assert out["display"].tolist() == ["<5", "<5", "..", "20"]
    published = suppress_small_cells(
        indicator_table(
            [
                ("participations", "period", "total", "", 33.0, False),
                *(
                    ("participations", "period", "organisation_type", c, v, False)
                    for c, v in (("akademi", 2.0), ("övrigt", 1.0), ("näringsliv", 8.0))
                ),
                ("participations", "period", "organisation_type", "kommun", 22.0, False),
            ]
        ),
        5,
    )
    assert published["display"].tolist() == ["33", "<5", "<5", "..", "22"]


def _assert_protected(
    values: np.ndarray, hidden: np.ndarray, relations: list[tuple[np.ndarray, int | None]]
) -> None:
    """No relation (cells add up to a total) gives away one hidden count or a small sum of
    them, unless nothing in it is left to hide."""
    for cells, total in relations:
        total_hidden = total is not None and hidden[total]
        unknown = hidden[cells].sum() + total_hidden
        if unknown == 0:
            continue
        free = (~hidden[cells] & (values[cells] > 0)).any()
        hideable_total = total is not None and not total_hidden and values[total] > 0
        if free or hideable_total:
            assert unknown >= 2, (cells, total)
            if not total_hidden:
                assert values[cells][hidden[cells]].sum() >= 5, (cells, total)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["AP1", "AP2", "AP3"]),
            st.sampled_from(["möte", "seminarium"]),
            st.integers(0, 40),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_no_published_total_gives_a_hidden_count_away(cells) -> None:
    """Whatever the counts, with totals per work package, per activity type and in all: small
    counts are hidden, and no total minus the shown cells isolates one hidden number or a sum
    under 5 (unless nothing is left to hide), and shown cells show their value."""
    packages = [p for p, _, _ in cells]
    types = [t for _, t, _ in cells]
    values = np.array([v for _, _, v in cells], dtype=float)
    hidden, (by_package, by_type) = nested_suppression(values, [packages, types])
    out = suppress_nested_cells(_attendance(list(values)), [packages, types])
    assert (out["suppressed"].to_numpy() == hidden).all()
    assert (hidden >= ((values >= 1) & (values < 5))).all()
    entries, relations = [values], []
    size = len(values)
    for labels, hidden_totals in ((packages, by_package), (types, by_type)):
        names = list(hidden_totals)
        at = np.arange(size, size + len(names))
        labels = np.array(labels, dtype=object)
        relations += [(np.flatnonzero(labels == n), int(i)) for n, i in zip(names, at, strict=True)]
        relations.append((at, None))
        entries.append(np.array([values[labels == n].sum() for n in names]))
        hidden = np.concatenate([hidden, [hidden_totals[n] for n in names]])
        size += len(names)
    _assert_protected(np.concatenate(entries), hidden, relations)
    for value, is_hidden, shown in zip(values, out["suppressed"], out["display"], strict=True):
        assert is_hidden or shown == str(int(value))


@given(st.lists(st.lists(st.integers(0, 30), min_size=4, max_size=4), min_size=1, max_size=5))
def test_a_two_way_table_with_both_margins_keeps_its_hidden_cells(rows) -> None:
    """Work package × gender with every row, column and grand total published: no row or
    column total minus its shown cells isolates a hidden cell or a small sum."""
    counts = np.array(rows, dtype=float)
    cells, row_hidden, col_hidden = crosstab_suppression(counts)
    n_rows, n_cols = counts.shape
    value = np.concatenate([counts.ravel(), counts.sum(axis=1), counts.sum(axis=0)])
    hidden = np.concatenate([cells.ravel(), row_hidden, col_hidden])
    at = np.arange(n_rows * n_cols).reshape(n_rows, n_cols)
    row_at = n_rows * n_cols + np.arange(n_rows)
    col_at = n_rows * n_cols + n_rows + np.arange(n_cols)
    relations = [
        *((at[r], int(row_at[r])) for r in range(n_rows)),
        *((at[:, c], int(col_at[c])) for c in range(n_cols)),
        (row_at, None),
        (col_at, None),
    ]
    assert (hidden >= ((value >= 1) & (value < 5))).all()
    _assert_protected(value, hidden, relations)


def test_published_indicators_hide_the_margins_the_gender_chart_needs_hidden(project) -> None:
    """The report draws participations per work package and gender; the indicator table hides
    the per-gender total that would give a hidden segment away, and the chart agrees."""
    table = compute_published_indicators(ACTIVITIES, PARTICIPATIONS, project, H1)
    crosstab = gender_by_work_package(ACTIVITIES, PARTICIPATIONS, project, H1)
    period = table[(table["indicator"] == "participations") & (table["scope"] == "period")]
    for dimension, margin in (
        ("gender", crosstab.column_hidden),
        ("work_package", crosstab.row_hidden),
    ):
        rows = period[period["dimension"] == dimension].set_index("category")["suppressed"]
        for category, is_hidden in margin.items():
            assert bool(rows[category]) >= bool(is_hidden), (dimension, category)
    assert crosstab.hidden.to_numpy().any()  # the fixture has something to hide


def test_publish_decides_a_page_once_and_again_when_its_data_change(project) -> None:
    """The report asks for one page's table, chart and activity tables separately: the same
    inputs give the same decision (computed once); changed data give a new one."""
    import hso_eval.indicators as indicators

    first = indicators.publish(ACTIVITIES, PARTICIPATIONS, project, H1)
    again = indicators.publish(ACTIVITIES, PARTICIPATIONS, project, H1)
    assert again.crosstab is first.crosstab and again.indicators is not first.indicators
    changed = PARTICIPATIONS.copy()
    changed.loc[changed.index[0], "gender"] = "man"
    other = indicators.publish(ACTIVITIES, changed, project, H1)
    assert other.crosstab is not first.crosstab
    assert other.crosstab.counts.to_numpy().sum() == first.crosstab.counts.to_numpy().sum()
