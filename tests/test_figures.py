"""Tests for hso_eval.figures: titles, alt text with the key numbers, the map, HTML embedding."""

from __future__ import annotations

import base64
import dataclasses
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import gender_chart
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from matplotlib.path import Path as MplPath

from hso_eval import figures
from hso_eval.config import Project, load_project
from hso_eval.paths import repo_root
from hso_eval.periods import Period
from hso_eval.tables import ACTIVITY_COLUMNS, PARTICIPATION_COLUMNS, conform

PERIOD = Period(2024, 1)
NBSP = "\u00a0"
PARTNER_CODES = {
    "Härnösand": "2280",
    "Kramfors": "2282",
    "Sollefteå": "2283",
    "Sundsvall": "2281",
    "Timrå": "2262",
    "Ånge": "2260",
    "Örnsköldsvik": "2284",
}


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(repo_root() / "params" / "project.yaml")


def _activity(activity_id: str, day: str, wp: str, status: str = "genomförd") -> dict:
    return {
        "activity_id": activity_id,
        "start_date": pd.Timestamp(day),
        "end_date": pd.NaT,
        "work_package": wp,
        "activity_type": "möte",
        "title": f"Aktivitet {activity_id}",
        "description": "",
        "place": "",
        "municipality": "Sundsvall",
        "municipality_code": "2281",
        "status": status,
        "organiser_role": "egen",
        "attendance": 10,
        "attendance_approximate": False,
        "women": pd.NA,
        "men": pd.NA,
        "parties": "",
        "link": "",
        "source_row": 2,
    }


@pytest.fixture
def activities() -> pd.DataFrame:
    """Three held in 2024H1 (AP1 in January, AP3 twice in June), plus four that do not count."""
    rows = [
        _activity("A1", "2024-01-15", "AP1"),
        _activity("A2", "2024-06-03", "AP3"),
        _activity("A3", "2024-06-30", "AP3"),
        _activity("X1", "2024-03-10", "AP2", status="inställd"),
        _activity("X2", "2024-09-12", "AP2", status="planerad"),
        _activity("X3", "2023-12-31", "AP2"),
        _activity("X4", "2024-07-01", "AP2"),
    ]
    return conform(pd.DataFrame(rows), ACTIVITY_COLUMNS)


def _participations(spec: list[tuple[str, str, int]]) -> pd.DataFrame:
    rows = []
    for activity_id, gender, n in spec:
        for i in range(n):
            rows.append(
                {
                    "activity_id": activity_id,
                    "person_key": f"{activity_id}-{gender}-{i}",
                    "organisation": "Org",
                    "organisation_type": "kommun",
                    "municipality": "Sundsvall",
                    "municipality_code": "2281",
                    "gender": gender,
                    "role": "deltagare",
                    "source_row": i + 2,
                }
            )
    return conform(pd.DataFrame(rows, columns=list(PARTICIPATION_COLUMNS)), PARTICIPATION_COLUMNS)


def _indicator_rows(*rows: tuple) -> pd.DataFrame:
    columns = ["indicator", "scope", "dimension", "category", "value", "target", "approximate"]
    return pd.DataFrame(
        [(*r, *([np.nan] if len(r) == 5 else []), False) for r in rows], columns=columns
    )


@pytest.fixture
def indicators() -> pd.DataFrame:
    """A tidy indicator table in the shape indicators.compute_indicators returns."""
    return _indicator_rows(
        ("participations", "period", "total", "", 170),
        ("participations", "period", "organisation_type", "kommun", 80),
        ("participations", "period", "organisation_type", "region", 40),
        ("participations", "period", "organisation_type", "företag", 45),
        ("participations", "period", "organisation_type", "press", 3),
        ("participations", "period", "organisation_type", "övrigt", 2),
        ("participations", "period", "municipality", "Sundsvall", 60),
        ("participations", "period", "municipality", "Stockholm", 50),
        ("participations", "period", "municipality", "Härnösand", 40),
        ("participations", "period", "municipality", "Umeå", 12),
        ("participations", "period", "municipality", "Ånge", 3),
        ("participations", "period", "municipality", "Visby", 5),
        ("activities_held", "period", "total", "", 32, 25),
        ("activities_held", "cumulative", "total", "", 32, 150),
        ("share_women", "period", "total", "", 0.48, 0.5),
        ("participations", "cumulative", "total", "", np.nan, 2000),
        ("partners_visited", "period", "partner", "Härnösand", 1),
        ("partners_visited", "period", "partner", "Kramfors", 0),
        ("partners_visited", "period", "partner", "Örnsköldsvik", 1),
    )


def _texts(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.texts]


def _title(fig) -> str:
    return fig.axes[0].get_title(loc="left")


# -- house style -----------------------------------------------------------------------------


def test_house_style_sets_font_spines_and_size() -> None:
    """Inside the house style: DejaVu Sans, no top/right spines, 8 × 4.5 in, 150 dpi."""
    import matplotlib as mpl

    with figures.house_style():
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert not mpl.rcParams["axes.spines.top"] and not mpl.rcParams["axes.spines.right"]
        assert tuple(mpl.rcParams["figure.figsize"]) == (8.0, 4.5)
        assert mpl.rcParams["savefig.dpi"] == 150
        assert mpl.rcParams["axes.titlelocation"] == "left"


def test_axes_use_decimal_comma_and_space() -> None:
    """Numeric axes read 2,5 and 1 234; percent axes read 50 %."""
    from matplotlib.figure import Figure

    ax = Figure().add_subplot()
    figures.swedish_axis(ax.yaxis)
    assert ax.yaxis.get_major_formatter()(2.5, 0) == "2,5"
    assert ax.yaxis.get_major_formatter()(1234, 0) == f"1{NBSP}234"
    figures.swedish_axis(ax.xaxis, percent=True)
    assert ax.xaxis.get_major_formatter()(0.5, 0) == f"50{NBSP}%"


def test_module_does_not_use_pyplot() -> None:
    """Importing and using figures never loads pyplot, so no backend or GUI is touched."""
    code = (
        "import sys, pandas as pd; from hso_eval import figures; from hso_eval.config import "
        "load_project; from hso_eval.paths import repo_root; "
        "p = load_project(repo_root() / 'params/project.yaml'); "
        "figures.figure_to_html(figures.partner_map({}, p)); "
        "print('matplotlib.pyplot' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# -- 1. activities per month -----------------------------------------------------------------


def test_activities_per_month_counts_only_held_in_period(activities, project) -> None:
    """Bars count held activities per month; cancelled, planned and outside ones are left out."""
    fig = figures.activities_per_month(activities, PERIOD, project)
    ax = fig.axes[0]
    heights: dict[float, float] = {}
    for bar in ax.patches:
        x = round(bar.get_x() + bar.get_width() / 2, 3)
        heights[x] = heights.get(x, 0) + bar.get_height()
    assert [heights[k] for k in sorted(heights)] == [1, 0, 0, 0, 0, 2]
    assert [t.get_text() for t in ax.get_xticklabels()] == [
        "januari",
        "februari",
        "mars",
        "april",
        "maj",
        "juni",
    ]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert legend == ["AP1 Stödstrukturer för fysiska förutsättningar", "AP3 Påverkansarbete"]


def test_activities_per_month_title_and_alt(activities, project) -> None:
    """It has a Swedish title and alt text with the total, the busiest month and per-AP counts."""
    fig = figures.activities_per_month(activities, PERIOD, project)
    assert _title(fig) == "Genomförda aktiviteter per månad"
    alt = figures.alt_text(fig)
    assert alt.startswith("Stapeldiagram: genomförda aktiviteter per månad januari–juni 2024")
    assert "Totalt 3 aktiviteter" in alt and "flest i juni (2)" in alt and "AP3 2" in alt
    # Every bar, since the page has no table of them.
    assert "Per månad: januari 1, februari 0, mars 0, april 0, maj 0, juni 2." in alt
    assert fig.hso_alt == fig._hso_alt == alt


# -- 2. gender -------------------------------------------------------------------------------


def _legend(fig) -> list[str]:
    return [t.get_text() for t in fig.axes[0].get_legend().get_texts()]


GENDER_LEGEND = ["Kvinnor", "Män", "Annat", "Ej angivet"]


def test_participations_by_gender_hides_small_cells(activities, project) -> None:
    """Segments below min_cell are not drawn as numbers, nor those that the published totals
    would give away: they are the grey hatched rest of the work package's bar, whose length is
    its published total. Title and alt text carry the numbers that may be published."""
    parts = _participations(
        [("A2", "kvinna", 6), ("A2", "man", 5), ("A2", "annat", 2), ("A1", "kvinna", 5)]
    )
    fig = figures.participations_by_gender(parts, activities, PERIOD, project)
    drawn, texts = gender_chart(fig)
    # AP1 kvinna 5 and AP3 kvinna 6. 'annat' 2 is hidden, and with AP3's total (13) published,
    # so is AP3's 'man' 5; the total for men (5) would then give it away, so it is hidden too.
    # Together they are AP3's 13 minus its 6 women: one hatched segment of 7, unlabelled.
    assert drawn == {"AP1": [("kvinna", 5)], "AP3": [("kvinna", 6), ("dolt", 7)]}
    assert texts == {"AP1": ["5", "5"], "AP3": ["6", "13"]}  # cells, then the bar's total
    assert _legend(fig) == [*GENDER_LEGEND, "Dolt (..)"]
    assert _title(fig) == "Deltagartillfällen per kön och arbetspaket"
    alt = figures.alt_text(fig)
    assert "Totalt 18 deltagartillfällen" in alt
    assert f"kvinnor 11 (61,1{NBSP}%), män .., annat <5 och ej angivet 0 (0,0{NBSP}%)" in alt
    assert "Flest i AP3 Påverkansarbete (13)" in alt
    assert "AP3 Påverkansarbete 13: kvinnor 6 och resten dolt (..)" in alt
    assert "Antal under 5 visas inte, och inte heller de antal" in alt
    assert "grå streckad del (..)" in alt and "grå streckad del (..)" in " ".join(_texts(fig))
    # 61 % of all 18, while 'andel kvinnor' is 11 of 16 women and men: the alt text says so.
    assert "andelen kvinnor i rapportens tabeller räknas bland kvinnor och män" in alt


def test_a_work_package_with_every_cell_hidden_shows_its_total_not_zero(activities, project):
    """AP1 (3 women, 4 men) and AP3 (6 and 6) hide every cell, but their totals are published:
    each gets a hatched bar as long as its total, labelled with it, never an empty row that
    reads as 0. The legend still names every gender."""
    parts = _participations(
        [("A1", "kvinna", 3), ("A1", "man", 4), ("A2", "kvinna", 6), ("A2", "man", 6)]
    )
    fig = figures.participations_by_gender(parts, activities, PERIOD, project)
    drawn, texts = gender_chart(fig)
    assert drawn == {"AP1": [("dolt", 7)], "AP3": [("dolt", 12)]}
    assert texts == {"AP1": ["7"], "AP3": ["12"]}
    assert _legend(fig) == [*GENDER_LEGEND, "Dolt (..)"]
    alt = figures.alt_text(fig)
    assert "AP1 Stödstrukturer för fysiska förutsättningar 7: alla kön dolda (..)" in alt


def test_a_work_package_whose_total_is_hidden_gets_no_bar(project):
    """Where the page hides a work package's total, any part of a bar would tell how much the
    rest is: the row shows its published total ("<5" or "..") and nothing else, and the alt
    text says so (and names no largest package, which would bound the hidden ones)."""
    rows = [
        _activity("A1", "2024-01-15", "AP1"),
        _activity("B1", "2024-03-03", "AP2"),
        _activity("A2", "2024-06-03", "AP3"),
    ]
    acts = conform(pd.DataFrame(rows), ACTIVITY_COLUMNS)
    parts = _participations(
        [
            ("A1", "kvinna", 2),
            ("A2", "kvinna", 6),
            ("A2", "man", 6),
            ("B1", "kvinna", 7),
            ("B1", "man", 8),
        ]
    )
    fig = figures.participations_by_gender(parts, acts, PERIOD, project)
    drawn, texts = gender_chart(fig)
    assert drawn == {"AP1": [], "AP2": [], "AP3": []}
    assert texts == {"AP1": ["<5"], "AP2": [".."], "AP3": [".."]}
    assert _legend(fig) == GENDER_LEGEND  # nothing hatched drawn, so no entry for it
    alt = figures.alt_text(fig)
    assert "AP1 Stödstrukturer för fysiska förutsättningar <5, ingen stapel" in alt
    assert "AP2 Samverkansstrukturer .., ingen stapel" in alt
    assert "Flest" not in alt and "..." not in alt
    assert "Ett arbetspaket vars total döljs får ingen stapel." in alt


def test_participations_by_gender_ignores_activities_outside_period(activities, project) -> None:
    """Participations in cancelled or out-of-period activities are not counted."""
    parts = _participations([("X1", "kvinna", 9), ("X4", "man", 9)])
    fig = figures.participations_by_gender(parts, activities, PERIOD, project)
    assert figures.NO_DATA in _texts(fig)
    assert "inga data för perioden" in figures.alt_text(fig)


# -- 3. organisation type --------------------------------------------------------------------


def test_organisation_type_sorted_with_small_groups_folded(indicators, project) -> None:
    """Bars are sorted, largest on top, and groups below min_cell go into 'övrigt'."""
    fig = figures.participations_by_organisation_type(indicators, project)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]  # top to bottom
    assert labels == ["Kommun", "Företag", "Region", "Övrigt och små grupper"]
    assert [t.get_position()[1] for t in ax.get_yticklabels()] == [3, 2, 1, 0]
    assert [p.get_width() for p in ax.patches] == [80, 45, 40, 5]  # press 3 + övrigt 2
    alt = figures.alt_text(fig)
    assert "Totalt 170 deltagartillfällen" in alt and f"flest från kommun (80, 47,1{NBSP}%)" in alt


def _hidden_total_table() -> pd.DataFrame:
    """A published table (with `suppressed`) whose total is hidden, as very sparse data makes
    it: organisation types 9 shown, 3 and 6 hidden; municipalities 9 shown, 2 and 7 hidden."""
    table = _indicator_rows(
        ("participations", "period", "total", "", 18),
        ("participations", "period", "organisation_type", "kommun", 9),
        ("participations", "period", "organisation_type", "press", 3),
        ("participations", "period", "organisation_type", "region", 6),
        ("participations", "period", "municipality", "Sundsvall", 9),
        ("participations", "period", "municipality", "Ånge", 2),
        ("participations", "period", "municipality", "Timrå", 7),
    )
    table["suppressed"] = [True, False, True, True, False, True, True]
    return table


def test_a_hidden_total_is_not_given_away_by_the_rest_or_a_share(project) -> None:
    """With the total hidden, the hidden groups get no "övrigt" bar (it would be the total
    minus the bars), and the alt text says ".." for the total and gives no share of it."""
    table = _hidden_total_table()
    fig = figures.participations_by_organisation_type(table, project)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Kommun"]
    assert [p.get_width() for p in fig.axes[0].patches] == [9]
    alt = figures.alt_text(fig)
    assert "Totalt .. deltagartillfällen" in alt and "flest från kommun (9)." in alt
    assert "18" not in alt and "%" not in alt
    assert any("visas inte, eftersom totalen döljs" in t for t in [_title(fig), *_texts(fig)])

    fig = figures.participations_by_municipality(table, project, top=10)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Sundsvall"]
    assert [p.get_width() for p in fig.axes[0].patches] == [9]
    alt = figures.alt_text(fig)
    assert "Totalt .. deltagartillfällen" in alt and "18" not in alt


def test_a_hidden_none_makes_the_note_say_more_is_hidden(project) -> None:
    """A ".." of 0 beside a small group: the note says more than the small groups is hidden,
    as it does for a ".." of 5 or more. Saying it only then would tell that the ".." is 0."""
    table = _indicator_rows(
        ("participations", "period", "total", "", 83),
        ("participations", "period", "organisation_type", "kommun", 80),
        ("participations", "period", "organisation_type", "press", 3),
        ("participations", "period", "organisation_type", "region", 0),
    )
    table["suppressed"] = [False, False, True, True]
    fig = figures.participations_by_organisation_type(table, project)
    notes = [" ".join(t.split()) for t in _texts(fig)]  # the subtitle wraps
    assert any("Grupper under 5 ingår i övrigt, och så många till som behövs" in t for t in notes)


# -- 4. municipality -------------------------------------------------------------------------


def test_municipality_highlights_partners_and_limits_top(indicators, project) -> None:
    """Partners' bars take the accent colour, with a 'Projektpart' legend entry, top N + övriga."""
    fig = figures.participations_by_municipality(indicators, project, top=3)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]  # top to bottom
    assert labels == ["Sundsvall", "Stockholm", "Härnösand", "Övriga kommuner"]
    colours = [to_hex(p.get_facecolor()).upper() for p in ax.patches]
    assert colours == [figures.ACCENT, figures.NEUTRAL, figures.ACCENT, figures.LIGHT.upper()]
    assert [p.get_width() for p in ax.patches] == [60, 50, 40, 20]  # 12 + 3 + 5 in övriga
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Projektpart",
        "Annan kommun",
        "Övriga kommuner eller kommun saknas",
    ]
    alt = figures.alt_text(fig)
    assert "flest från Sundsvall (60)" in alt and "Sundsvall och Härnösand" in alt


def test_municipality_missing_is_its_own_last_bar_and_subtitle_counts_bars(project) -> None:
    """'uppgift saknas' is no municipality: a light bar of its own last, not among the top N,
    and the subtitle names the number of municipalities actually drawn."""
    table = _indicator_rows(
        ("participations", "period", "municipality", "Sundsvall", 60),
        ("participations", "period", "municipality", "uppgift saknas", 70),
        ("participations", "period", "municipality", "Härnösand", 40),
        ("participations", "period", "municipality", "Ånge", 5),
        ("participations", "period", "municipality", "Timrå", 6),
    )
    fig = figures.participations_by_municipality(table, project, top=2)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Sundsvall", "Härnösand", "Övriga kommuner", "Kommun saknas"]
    colours = [to_hex(p.get_facecolor()).upper() for p in ax.patches]
    assert colours[-1] == figures.LIGHT.upper()
    # The legend explains the colours drawn only: no bar is of a municipality outside the
    # project here.
    assert figures.NEUTRAL not in colours
    assert [t.get_text() for t in ax.get_legend().get_texts()] == [
        "Projektpart",
        "Övriga kommuner eller kommun saknas",
    ]
    assert [p.get_width() for p in ax.patches] == [60, 40, 11, 70]
    assert any(t.startswith("De 2 kommunerna med flest") for t in _texts(fig))
    alt = figures.alt_text(fig)
    assert "de 2 största och övriga" in alt and "Totalt 181" in alt and "utan kommun 70" in alt


def test_municipality_rest_is_never_a_small_count(project) -> None:
    """Ånge's 3 is hidden; 'Övriga kommuner' = 3 would give it away (the total is published),
    so the smallest shown municipality goes into the rest too, which then shows 43."""
    table = _indicator_rows(
        ("participations", "period", "municipality", "Sundsvall", 60),
        ("participations", "period", "municipality", "uppgift saknas", 70),
        ("participations", "period", "municipality", "Härnösand", 40),
        ("participations", "period", "municipality", "Ånge", 3),
    )
    fig = figures.participations_by_municipality(table, project, top=10)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == ["Sundsvall", "Övriga kommuner", "Kommun saknas"]
    assert [p.get_width() for p in ax.patches] == [60, 43, 70]
    assert "<5" not in _texts(fig) and "3" not in _texts(fig)
    assert any("och så många till som behövs" in t for t in _texts(fig))


def test_municipality_hidden_missing_goes_into_the_rest(project) -> None:
    """A small 'uppgift saknas' is hidden like any small municipality: no bar of its own."""
    table = _indicator_rows(
        ("participations", "period", "municipality", "Sundsvall", 60),
        ("participations", "period", "municipality", "uppgift saknas", 2),
        ("participations", "period", "municipality", "Ånge", 4),
    )
    fig = figures.participations_by_municipality(table, project, top=10)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == ["Sundsvall", "Övriga kommuner och kommun saknas"]
    assert [p.get_width() for p in fig.axes[0].patches] == [60, 6]
    assert "utan kommun" not in figures.alt_text(fig) and "Totalt 66" in figures.alt_text(fig)


# -- 5. map ----------------------------------------------------------------------------------


def test_packaged_outlines_are_the_seven_partners() -> None:
    """The package data holds exactly the seven partner municipalities with their SCB codes."""
    outlines = figures.map._outlines()
    assert {name: f["properties"]["id"] for name, f in outlines.items()} == PARTNER_CODES


def test_partner_map_draws_seven_patches_coloured_by_visit(project) -> None:
    """Seven patches and seven labels; visited ones (by any name or alias) in the accent colour."""
    fig = figures.partner_map({"Härnösands kommun": True, "Övik": True, "Ånge": False}, project)
    ax = fig.axes[0]
    patches = [p for p in ax.patches if isinstance(p, PathPatch)]
    assert len(patches) == 7
    colour = {p.get_gid(): to_hex(p.get_facecolor()).upper() for p in patches}
    visited = {"Härnösand", "Örnsköldsvik"}
    assert colour == {
        name: (figures.VISITED_COLOUR if name in visited else figures.NOT_VISITED_COLOUR.upper())
        for name in PARTNER_CODES
    }
    labels = [t.get_text() for t in ax.texts if str(t.get_gid()).startswith("label:")]
    assert sorted(labels) == sorted(PARTNER_CODES)
    assert _title(fig) == "Besökta projektparter"
    alt = figures.alt_text(fig)
    assert "2 av 7 (Härnösand och Örnsköldsvik)" in alt
    assert "Inte besökta: Kramfors, Sollefteå, Sundsvall, Timrå och Ånge" in alt


def test_partner_map_reads_indicator_table(indicators, project) -> None:
    """The tidy table's partners_visited by partner works as input."""
    fig = figures.partner_map(indicators, project)
    assert "2 av 7 (Härnösand och Örnsköldsvik)" in figures.alt_text(fig)


def _map_colours(fig) -> dict[str, str]:
    patches = [p for p in fig.axes[0].patches if isinstance(p, PathPatch)]
    return {p.get_gid(): to_hex(p.get_facecolor()).upper() for p in patches}


def test_partner_map_tells_visited_earlier_from_not_visited(project) -> None:
    """In a later report a partner visited in an earlier period is "besökt tidigare", in its
    own colour, legend entry and alt text; only partners never visited are "inte besökt", so
    the map agrees with "k av n sedan start" (read from the table's cumulative rows)."""
    earlier = ["Härnösand", "Kramfors", "Sollefteå", "Sundsvall"]
    now = ["Timrå", "Ånge"]
    table = _indicator_rows(
        *(("partners_visited", "period", "partner", p, int(p in now)) for p in PARTNER_CODES),
        *(
            ("partners_visited", "cumulative", "partner", p, int(p in now + earlier))
            for p in PARTNER_CODES
        ),
    )
    fig = figures.partner_map(table, project)
    expected = {
        **dict.fromkeys(now, figures.VISITED_COLOUR.upper()),
        **dict.fromkeys(earlier, figures.VISITED_BEFORE_COLOUR.upper()),
        "Örnsköldsvik": figures.NOT_VISITED_COLOUR.upper(),
    }
    assert _map_colours(fig) == expected
    assert len(set(expected.values())) == 3
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert legend == ["Besökt under perioden", "Besökt tidigare", "Inte besökt"]
    assert "sedan projektstart 6 av 7" in " ".join(_texts(fig))
    alt = figures.alt_text(fig)
    assert "Besökta under perioden: 2 av 7 (Timrå och Ånge)." in alt
    assert "Besökta tidigare, inte under perioden: Härnösand, Kramfors, Sollefteå och " in alt
    assert "sedan projektstart 6 av 7." in alt
    assert "Inte besökta sedan projektstart: Örnsköldsvik." in alt


def test_partner_map_takes_earlier_visits_with_a_mapping(project) -> None:
    """A mapping of the period's visits takes the earlier ones as `visited_before`; without it,
    the map knows only visited and not visited in the period, and says no more."""
    fig = figures.partner_map({"Ånge": True}, project, visited_before={"Ånge": True, "Övik": True})
    colours = _map_colours(fig)
    assert colours["Ånge"] == figures.VISITED_COLOUR.upper()
    assert colours["Örnsköldsvik"] == figures.VISITED_BEFORE_COLOUR.upper()
    assert colours["Timrå"] == figures.NOT_VISITED_COLOUR.upper()
    alt = figures.alt_text(figures.partner_map({"Ånge": True}, project))
    assert "tidigare" not in alt and "Inte besökta: Härnösand" in alt


def test_partner_map_with_no_visits_draws_all_unvisited(project) -> None:
    """No data means no visits: the map is still drawn, and says 0 av 7."""
    fig = figures.partner_map({}, project)
    patches = [p for p in fig.axes[0].patches if isinstance(p, PathPatch)]
    assert len(patches) == 7
    assert {to_hex(p.get_facecolor()).upper() for p in patches} == {
        figures.NOT_VISITED_COLOUR.upper()
    }
    assert "0 av 7" in figures.alt_text(fig)


def test_partner_map_counts_label_and_hide_small(project) -> None:
    """With counts, labels carry the number, small counts show '<5', darker means more."""
    counts = {"Sundsvall": 58, "Härnösand": 44, "Ånge": 3}
    fig = figures.partner_map(counts, project)
    ax = fig.axes[0]
    labels = dict(
        t.get_text().split("\n") for t in ax.texts if str(t.get_gid()).startswith("label:")
    )
    assert labels["Sundsvall"] == "58" and labels["Ånge"] == "<5" and labels["Timrå"] == "0"
    colour = {p.get_gid(): p.get_facecolor() for p in ax.patches}
    assert sum(colour["Sundsvall"][:3]) < sum(colour["Härnösand"][:3])  # darker = more
    alt = figures.alt_text(fig)
    assert "Sundsvall 58, Härnösand 44" in alt and "Ånge <5" in alt and "3" not in alt


def test_partner_map_aspect_uses_cos_latitude(project) -> None:
    """The map's aspect is 1/cos(latitude) of the region's middle (about 63 °N)."""
    fig = figures.partner_map({}, project)
    assert fig.axes[0].get_aspect() == pytest.approx(1 / np.cos(np.radians(63.1)), rel=0.02)


def test_geometry_path_handles_multipolygon_and_holes() -> None:
    """A MultiPolygon becomes one patch path; a hole is not filled."""
    square = [[0, 0], [4, 0], [4, 4], [0, 4], [0, 0]]
    hole = [[1, 1], [1, 3], [3, 3], [3, 1], [1, 1]]
    far = [[10, 10], [11, 10], [11, 11], [10, 11], [10, 10]]
    path = figures.map._geometry_path(
        {"type": "MultiPolygon", "coordinates": [[square, hole], [far]]}
    )
    assert isinstance(path, MplPath)
    fig = Figure(figsize=(4, 4), dpi=50)  # 200 × 200 px over 0..12 in both directions
    canvas = FigureCanvasAgg(fig)
    ax = fig.add_axes((0, 0, 1, 1), xlim=(0, 12), ylim=(0, 12))
    ax.set_axis_off()
    ax.add_patch(PathPatch(path, facecolor="black", edgecolor="none"))
    canvas.draw()
    pixels = np.asarray(canvas.buffer_rgba())

    def filled(x: float, y: float) -> bool:
        return bool(pixels[round(200 - y * 200 / 12), round(x * 200 / 12), 0] < 128)

    assert [filled(0.5, 0.5), filled(2, 2), filled(10.5, 10.5), filled(6, 6)] == [
        True,
        False,
        True,
        False,
    ]
    assert figures.map._label_point(path, 1.0) != pytest.approx((2, 2), abs=0.9)
    with pytest.raises(ValueError, match="Point"):
        figures.map._geometry_path({"type": "Point", "coordinates": [0, 0]})


# -- 6. targets ------------------------------------------------------------------------------


def test_progress_against_targets_shares_and_example_note(indicators, project) -> None:
    """Bars are value/target, a line marks 100 %, and example targets are said to be examples.
    The share of women is no amount to reach: it is left out, and the chart says where it is."""
    fig = figures.progress_against_targets(indicators, project)
    ax = fig.axes[0]
    widths = sorted(round(p.get_width(), 3) for p in ax.patches)
    assert widths == [0.213, 1.28]  # 32/150, 32/25 (NaN value and the share left out)
    assert any(list(line.get_xdata()) == [1.0, 1.0] for line in ax.lines)
    subtitle = " ".join(" ".join(_texts(fig)).split())  # wrapped over lines
    assert (
        "Målvärden är exempel. Mål för andelar (jämn könsfördelning) står i tabellen." in subtitle
    )
    alt = figures.alt_text(fig)
    assert f"perioden 32 av 25 (128,0{NBSP}%)" in alt
    assert f"48,0{NBSP}% av 50,0{NBSP}%" not in alt and "redovisas i tabellen" in alt
    assert "Målvärdena är exempel" in alt


def test_progress_against_targets_without_example_targets(indicators, project) -> None:
    """When no target is an example, nothing says so."""
    real = dataclasses.replace(
        project, targets=tuple(dataclasses.replace(t, example=False) for t in project.targets)
    )
    fig = figures.progress_against_targets(indicators, real)
    assert not any("exempel" in t for t in _texts(fig))
    assert "exempel" not in figures.alt_text(fig)


# -- empty data ------------------------------------------------------------------------------


def test_every_chart_survives_empty_data(activities, indicators, project) -> None:
    """With no rows each chart is a titled figure saying 'Inga data för perioden'."""
    empty_acts = activities.iloc[:0]
    empty_parts = _participations([])
    empty_ind = indicators.iloc[:0]
    made = [
        figures.activities_per_month(empty_acts, PERIOD, project),
        figures.participations_by_gender(empty_parts, activities, PERIOD, project),
        figures.participations_by_organisation_type(empty_ind, project),
        figures.participations_by_municipality(empty_ind, project),
        figures.progress_against_targets(empty_ind, project),
    ]
    for fig in made:
        assert _title(fig)
        assert figures.NO_DATA in _texts(fig)
        assert figures.alt_text(fig).endswith("inga data för perioden.")
        assert "data:image/png;base64," in figures.figure_to_html(fig)


# -- HTML ------------------------------------------------------------------------------------


def test_figure_to_html_embeds_png_with_escaped_alt(activities, project) -> None:
    """The figure becomes <figure> with a base64 PNG, escaped alt text and the title as caption."""
    fig = figures.activities_per_month(activities, PERIOD, project)
    fig.hso_alt = 'Diagram <b>"fet"</b> & mer'
    out = figures.figure_to_html(fig)
    assert out.startswith('<figure class="hso-figure"><img src="data:image/png;base64,')
    assert 'alt="Diagram &lt;b&gt;&quot;fet&quot;&lt;/b&gt; &amp; mer"' in out
    assert "<figcaption>Genomförda aktiviteter per månad. " in out
    encoded = re.search(r"base64,([^\"]+)\"", out).group(1)
    png = base64.b64decode(encoded)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width = int.from_bytes(png[16:20], "big")
    assert 1000 < width < 1300  # 8 in at 150 dpi, trimmed to the drawing
    assert f'width="{round(width * 96 / 150)}"' in out


# -- the trimming script ---------------------------------------------------------------------


def _load_trim_script():
    spec = importlib.util.spec_from_file_location(
        "trim_geojson", repo_root() / "scripts" / "trim_geojson.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_trim_keeps_named_features_rounded(tmp_path: Path) -> None:
    """Trimming keeps the named features with their properties, rounded, in the given order."""
    trim = _load_trim_script()
    ring = [[17.123456, 62.1], [17.123459, 62.1], [17.5, 62.2], [17.2, 62.6], [17.123456, 62.1]]
    source = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {
                    "id": "2281",
                    "kom_namn": "Sundsvall",
                    "geo_point_2d": [62.33333, 17.1],
                },
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            },
            {
                "type": "Feature",
                "properties": {"id": "0180", "kom_namn": "Stockholm"},
                "geometry": {"type": "MultiPolygon", "coordinates": [[ring]]},
            },
        ],
    }
    out = trim.trim(source, ["Stockholm", "Sundsvall"])
    assert [f["properties"]["kom_namn"] for f in out["features"]] == ["Stockholm", "Sundsvall"]
    sundsvall = out["features"][1]
    assert sundsvall["properties"]["geo_point_2d"] == [62.3333, 17.1]
    assert sundsvall["geometry"]["coordinates"][0] == [
        [17.1235, 62.1],
        [17.5, 62.2],
        [17.2, 62.6],
        [17.1235, 62.1],
    ]
    assert out["features"][0]["geometry"]["type"] == "MultiPolygon"
    json.dumps(out)  # serialisable as written
    with pytest.raises(SystemExit, match="Timrå"):
        trim.trim(source, ["Timrå"])


def test_charts_hide_what_the_published_table_hides(indicators, project) -> None:
    """Given the published table (with `suppressed`), a chart hides exactly its hidden rows,
    even one the breakdown alone would show (the page hid it for another reason)."""
    published = indicators.assign(suppressed=False)
    published.loc[published["category"] == "region", "suppressed"] = True
    published.loc[published["category"].isin(["Härnösand", "Umeå"]), "suppressed"] = True
    fig = figures.participations_by_organisation_type(published, project)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Region" not in labels and labels[-1] == "Övrigt och små grupper"
    fig = figures.participations_by_municipality(published, project)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert "Härnösand" not in labels and "Umeå" not in labels and "Sundsvall" in labels


def test_progress_leaves_out_a_hidden_count(project) -> None:
    """Three unique participants against a target of 800 would publish the 3: no bar, and the
    alt text does not say it; a count the published table hides is left out the same way."""
    table = _indicator_rows(
        ("unique_participants", "period", "total", "", 3, 800),
        ("activities_held", "period", "total", "", 12, 25),
        ("participations", "period", "total", "", 60, 2000),
    ).assign(suppressed=[False, False, True])
    fig = figures.progress_against_targets(table, project)
    alt = figures.alt_text(fig)
    assert "12 av 25" in alt
    assert "3 av 800" not in alt and "60 av" not in alt


def test_every_chart_in_the_report_names_its_source(activities, project) -> None:
    """Under each chart the report says where its numbers come from ("Källa: ..."), as a
    reviewer expects of a published figure; the month chart comes from the register."""
    out = figures.figure_to_html(figures.activities_per_month(activities, PERIOD, project))
    caption = re.search(r"<figcaption>(.*?)</figcaption>", out).group(1)
    assert "Genomförda aktiviteter per månad" in caption
    assert "Källa: projektets aktivitetsregister.</span>" in caption
