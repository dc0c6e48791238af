"""The half-year report's sections, built from the demo data without a kernel."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from hso_eval import report
from hso_eval.context import load_period

ROOT = Path(__file__).resolve().parents[1]


def _data(tmp_path: Path, narrative: str | None = None, period: str = "2024H1"):
    params = {
        "period": period,
        "activities": str(ROOT / "data/demo/aktiviteter.xlsx"),
        "participants": str(ROOT / "data/demo/deltagare.csv"),
        "pseudonym_key_file": str(ROOT / "data/demo/demo-nyckel.txt"),
    }
    if narrative is not None:
        path = tmp_path / "berattelse.md"
        path.write_text(narrative, encoding="utf-8")
        params["narrative"] = str(path)
    return load_period(**params)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    return _data(tmp_path_factory.mktemp("r"), "## Inledning\n\nVi har **kommit igång**.\n")


def test_a_heading_missing_from_the_narrative_leaves_data_only(demo):
    """Only 'Inledning' has text: the other sections show their data and no narrative."""
    intro = report.introduction_html(demo)
    assert "<strong>kommit igång</strong>" in intro
    milestones = report.structures_html(demo)
    assert "Milstolpar under perioden" in milestones
    assert "Upphandling av utvärderingskonsult" in milestones
    assert "<p>Vi har" not in milestones


def test_raw_html_in_the_narrative_is_shown_as_text(tmp_path):
    """A narrative that contains <script> or an img tag shows it as text, never as markup."""
    data = _data(tmp_path, '## Inledning\n\n<script>alert(1)</script> <img src="x">\n')
    html = report.introduction_html(data)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_key_figures_come_from_the_published_indicators(demo):
    """The key-figures box gives held activities, ca-marked attendance and '4 av 7' partners."""
    figures = dict(report.key_figures(demo))
    assert figures["Genomförda aktiviteter"] == "27"
    assert figures["Antal deltagare totalt"].startswith("ca\u00a0")
    assert figures["Besökta projektparter"] == "4 av 7"


def test_small_attendance_is_suppressed_in_activity_tables(demo):
    """An activity with 1-4 people on its list shows '<5' in the published table, not the count."""
    html = report.activities_html(demo)
    assert "&lt;5" in html
    rows = re.findall(r"<tr>(.*?)</tr>", html, re.S)
    for row in rows:
        cells = [_text(c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        if cells and cells[-1].isdigit():
            assert int(cells[-1]) >= 5, cells


def test_planned_activities_are_the_next_half_year(demo):
    """Report 1 lists the autumn 2024 activities, with ISO and prose dates, and nothing later."""
    text = _text(report.planned_html(demo))
    assert "2024-08-12" in text and "12 augusti 2024" in text
    assert "2025-" not in text
    assert "Företagsfrukost i Sollefteå" not in text  # cancelled (inställd)
    assert "Företagsfrukost i Sundsvall" in text


def test_indicator_appendix_says_targets_are_examples(demo):
    """The appendix says plainly that the targets are examples while they are."""
    text = _text(report.indicators_html(demo))
    assert "Målvärdena är exempel" in text
    assert "(exempel)" in text


def test_organisation_comes_from_the_configuration(demo):
    """The organisation section lists the project office and every work package's lead."""
    text = _text(report.organisation_html(demo))
    for name in ("Annelie Axelsson", "Maria Rönnerberg", "Frida Bergman", "Mittuniversitetet"):
        assert name in text


def test_title_gives_report_number_and_period(tmp_path):
    """2024H2 is 'Halvårsrapport nr 2' for 2024-07-01 – 2024-12-31."""
    text = _text(report.title_html(_data(tmp_path, period="2024H2")))
    assert "Halvårsrapport nr 2" in text and "2024-07-01 – 2024-12-31" in text


def test_an_empty_period_renders_with_data_only(tmp_path):
    """A half-year with nothing held yet (2025H1 in the demo) gives a report, not a crash."""
    data = _data(tmp_path, period="2025H1")
    html = report.activities_html(data)
    assert "Inga genomförda aktiviteter i arbetspaketet under perioden." in html
    assert "0 aktiviteter genomfördes" in _text(html)


def test_a_hidden_attendance_cannot_be_recovered_from_the_total(demo):
    """Hidden per-activity attendances come at least two at a time ('<5' plus '..') within each
    work package whose total the indicator table shows, so neither the published total nor a
    work package's total minus the shown values isolates one small count."""
    shown = report.published_attendance(demo)
    assert (shown == "<5").any()
    activities = demo.activities.set_index("activity_id")
    package = activities.loc[shown.index, "work_package"].astype(str)
    hidden_per_package = shown.isin(["<5", ".."]).groupby(package.to_numpy()).sum()
    assert hidden_per_package.sum() >= 2
    table = report.published_indicators(demo)
    totals = table[
        (table["indicator"] == "attendance_total")
        & (table["scope"] == "period")
        & (table["dimension"] == "work_package")
    ].set_index("category")["suppressed"]
    for code, hidden in hidden_per_package.items():
        assert hidden != 1 or totals[code], (code, hidden_per_package.to_dict())
    html = report.activities_html(demo)
    assert "&lt;5" in html and ">..<" in html
    # ... and the note above the tables says what both mean.
    note = _text(html)
    assert '"<5"' in note.replace("&quot;", '"').replace("&lt;", "<")
    assert '".." betyder att antalet döljs' in note.replace("&quot;", '"')


def test_narrative_headings_that_match_no_section_are_named():
    """A misspelt or wrongly levelled heading is reported with the section it probably meant."""
    problems = report.narrative_problems(
        "Titel\n\n# Inledning\n\nText.\n\n## Kommunikation & information\n\nText.\n"
    )
    assert any(
        "'## Kommunikation & information'" in p and "Kommunikation och information" in p
        for p in problems
    )
    assert any("'# Inledning' har fel nivå" in p for p in problems)
    assert report.narrative_problems("Titel\n\n## Inledning\n\n### Underrubrik\n\nText.\n") == []


def test_a_windows_1252_narrative_is_read(tmp_path):
    """A narrative saved as Windows-1252 (Notepad, Word) is read with its å, ä and ö."""
    path = tmp_path / "berattelse.md"
    path.write_bytes("## Inledning\n\nHärnösand och Örnsköldsvik.\n".encode("cp1252"))
    data = load_period(
        period="2024H1",
        activities=str(ROOT / "data/demo/aktiviteter.xlsx"),
        participants=str(ROOT / "data/demo/deltagare.csv"),
        pseudonym_key_file=str(ROOT / "data/demo/demo-nyckel.txt"),
        narrative=str(path),
    )
    assert "Härnösand och Örnsköldsvik." in report.introduction_html(data)


def test_indicator_summary_shows_every_configured_target(demo):
    """A period target and a target since the start are both shown (activities: 25 and 150)."""
    summary = report.indicator_summary(demo).set_index("indicator")
    assert summary.loc["Genomförda aktiviteter", "target"] == (
        "25 per halvår (exempel); 150 sedan start (exempel)"
    )
    assert summary.loc["Andel kvinnor", "target"] == "50\u00a0% per halvår (exempel)"


def test_multi_day_activities_show_their_whole_span(demo):
    """Business Arena Norr ran 17–18 April: the table gives both ISO dates with a spaced dash
    (a narrow column breaks between them, not inside one), and the prose says 17–18 april."""
    tables = _text(report.activities_html(demo))
    assert "2024-04-17 – 2024-04-18 Business Arena Norr" in tables
    assert "17–18 april 2024: Business Arena Norr" in _text(report.communication_html(demo))


def test_planned_activities_say_when_they_end(demo):
    """A planned activity over several weeks shows its span in 'När', not its first day only."""
    text = _text(report.planned_html(demo))
    assert "2024-10-22 – 2024-11-29 22 oktober – 29 november 2024" in text


def test_a_package_without_representation_rows_does_not_claim_none_happened(demo):
    """The box lists activities with organiser role deltagande or samarrangemang; a package
    without such rows says that none are registered, not that there was no representation
    (the narrative may well describe some)."""
    text = _text(report.communication_html(demo))
    assert "Ingen extern representation" not in text
    assert "Inga arrangemang hos eller med andra registrerade under perioden" in text
    assert "Business Arena Norr" in text  # AP1's, registered as deltagande


def test_a_category_missing_from_one_scope_counts_zero():
    """A group with participations since the start but none this period shows 0 for the period,
    not '–' (which the page defines as 'no value'); a share keeps '–'."""
    table = pd.DataFrame(
        {
            "indicator": ["participations", "participations", "share_women"],
            "scope": ["period", "cumulative", "cumulative"],
            "dimension": "organisation_type",
            "category": ["kommun", "övrigt", "övrigt"],
            "display": ["124", "7", "50 %"],
        }
    )
    counts = _text(report._breakdown_table(table, "participations", "organisation_type", "x"))
    assert "kommun 124 0" in counts and "övrigt 0 7" in counts
    shares = _text(report._breakdown_table(table, "share_women", "organisation_type", "x"))
    assert "övrigt – 50 %" in shares
