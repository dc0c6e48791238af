"""The half-year report's sections, built from the demo data without a kernel."""

from __future__ import annotations

import html
import itertools
import re
from dataclasses import replace
from datetime import date
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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


def test_the_quality_report_lists_each_merged_row_with_the_row_it_merged_into(demo):
    """The demo's two merged rows are listed by file and row in datakvalitet.html, each naming
    the row it merged into, so the administrator can find and remove them."""
    from hso_eval import quality

    section = html.unescape(_text(quality.merges_html(demo.clean)))
    assert "2 rader var dubbletter" in section
    assert (
        "aktiviteter.xlsx rad 10, kolumn 'aktivitets_id': 'HSO-2024-006' är en exakt kopia av "
        "rad 9 och räknas bara en gång" in section
    )
    assert "deltagare.csv rad 113, kolumn 'aktivitets_id':" in section
    assert "är samma person på samma aktivitet som rad" in section


def test_the_quality_appendix_counts_register_rows_in_swedish(demo):
    """The appendix says "1 sammanslagen dubblett" (the demo has one), and the plural
    otherwise; its numbers are the register's row accounting."""
    text = html.unescape(_text(report.quality_html(demo)))
    assert (
        "53 rader lästes ur aktivitetsregistret: 51 rena, 1 i karantän och 1 sammanslagen "
        "dubblett." in text
    )
    accounts = [
        replace(a, read=a.read + 1, merged=2) if a.role == "activities" else a
        for a in demo.clean.accounts
    ]
    more = replace(demo, clean=replace(demo.clean, accounts=accounts))
    text = html.unescape(_text(report.quality_html(more)))
    assert (
        "54 rader lästes ur aktivitetsregistret: 51 rena, 1 i karantän och 2 sammanslagna "
        "dubbletter." in text
    )


def test_names_and_addresses_in_the_narrative_are_not_published(tmp_path):
    """The narrative is published as written, so a participant's name or an e-mail address in
    it is taken out as in the register's free text; the data-quality report names the line,
    not the name. A municipality or a partner of the project stays."""
    from hso_eval.privacy import EMAIL_REMOVED, NAME_REMOVED

    data = _data(
        tmp_path,
        "## Inledning\n\nVi har kommit igång i Sundsvall.\n\n"
        "Karin Östlund (karin.ostlund@harnosand.example) och Östlund, Karin berättade.\n"
        "Tack också till Karin\nÖstlund, som ledde samtalet.\n",
    )
    intro = html.unescape(report.introduction_html(data))
    assert "Östlund" not in intro and "@" not in intro
    assert f"{NAME_REMOVED} ({EMAIL_REMOVED}) och {NAME_REMOVED} berättade." in intro
    assert "Vi har kommit igång i Sundsvall." in intro
    assert f"Tack också till {NAME_REMOVED}, som ledde samtalet." in intro  # over two lines
    page = html.unescape(_text(report.narrative_check_html(data)))
    assert "berattelse.md rad 5: en e-postadress har ersatts" in page
    assert "namnet på en person i deltagarlistorna har ersatts" in page
    for line in (5, 6, 7):
        assert f"berattelse.md rad {line}: " in page
    assert "Östlund" not in page and "karin" not in page.lower()


def _demo_with(tmp_path: Path, list_row: str, narrative: str):
    """The demo period with one more participant-list row and the given narrative (inputs that
    are no longer the demo's: the tests' own key)."""
    source = (ROOT / "data/demo/deltagare.csv").read_text(encoding="cp1252")
    lists = tmp_path / "deltagare.csv"
    lists.write_text(source + list_row + "\n", encoding="cp1252")
    path = tmp_path / "berattelse.md"
    path.write_text(narrative, encoding="utf-8")
    data = load_period(
        period="2024H1",
        activities=str(ROOT / "data/demo/aktiviteter.xlsx"),
        participants=str(lists),
        narrative=str(path),
        pseudonym_key_file=str(ROOT / "tests/data/test-nyckel.txt"),
    )
    return data, path


def test_the_staff_the_report_names_may_be_named_in_the_narrative(tmp_path):
    """The project leader is on an attendance list (as moderator) and in project.yaml. The
    title page and the Organisation section print her name from the configuration, so the
    narrative may name her too; a participant who is not staff is still taken out."""
    from hso_eval.privacy import NAME_REMOVED

    data, narrative = _demo_with(
        tmp_path,
        "HSO-2024-012;Annelie Axelsson;;Härnösands kommun;kommun;Härnösand;K;moderator",
        "## Inledning\n\nHuvudprojektledare Annelie Axelsson ledde mötet med Karin Östlund.\n",
    )
    intro = html.unescape(report.introduction_html(data))
    assert f"Huvudprojektledare Annelie Axelsson ledde mötet med {NAME_REMOVED}." in intro
    assert data.clean.narrative_notices == [
        f"{narrative.as_posix()} rad 3: namnet på en person i deltagarlistorna har ersatts med "
        f"{NAME_REMOVED}; berättelsen publiceras, och personuppgifter får inte stå i den "
        "(skriv om meningen utan namn och adress)."
    ]


def test_a_long_name_written_short_in_the_narrative_is_taken_out(tmp_path):
    """The list has "Lena Maria Holmgren"; the narrative says "Lena Holmgren" or "L. Holmgren"
    (and "Maria" alone, a first name, stays, as does "i Holmgren": a word, not an initial)."""
    from hso_eval.privacy import NAME_REMOVED

    data, _ = _demo_with(
        tmp_path,
        "HSO-2024-012;Lena Maria Holmgren;;Timrå kommun;kommun;Timrå;K;talare",
        "## Inledning\n\nLena Holmgren och Maria talade, liksom L. Holmgren och K Östlund.\n"
        "Mötet hölls i Holmgren.\n",
    )
    intro = html.unescape(report.introduction_html(data))
    assert f"{NAME_REMOVED} och Maria talade, liksom {NAME_REMOVED} och {NAME_REMOVED}." in intro
    assert "Mötet hölls i Holmgren." in intro  # "i" is a word, not an initial


def test_a_link_whose_address_named_someone_is_shown_as_its_text(tmp_path):
    """A Markdown link to a participant's profile or address loses the name or the address;
    the report shows its text, not "[profilen](https://…/in/[namn borttaget])" as written. A
    link that named nobody stays a link."""
    from hso_eval.privacy import NAME_REMOVED

    data, _ = _demo_with(
        tmp_path,
        "HSO-2024-012;Olof Dahlberg;;Timrå kommun;kommun;Timrå;M;talare",
        "## Inledning\n\nSe [profilen](https://linkedin.example/in/olofdahlberg), "
        "[mejla Olof Dahlberg](mailto:olof.dahlberg@timra.example) och "
        "[projektet](https://www.rvn.se/hso).\n",
    )
    assert data.clean.narrative.splitlines()[2] == (
        f"Se profilen, mejla {NAME_REMOVED} och [projektet](https://www.rvn.se/hso)."
    )
    intro = report.introduction_html(data)
    assert '<a href="https://www.rvn.se/hso"' in intro and "](" not in intro
    assert "dahlberg" not in intro.lower()


@pytest.mark.parametrize(
    ("written", "published", "links"),
    [
        (
            "Tack Karin &Ouml;stlund, K&#97;rin Östlund och Olof Dahlber&#x67; i "
            "Upplands&nbsp;Väsby.",
            "Tack {0}, {0} och {0} i Upplands&nbsp;Väsby.",
            0,
        ),
        (
            "Se https://x.example/?n=Olof%20Dahlberg och "
            "https://linkedin.example/in/Karin%20%C3%96stlund från "
            "https://rvn.example/Upplands%20V%C3%A4sby.",
            "Se https://x.example/?n={0} och https://linkedin.example/in/{0} från "
            "https://rvn.example/Upplands%20V%C3%A4sby.",
            1,
        ),
    ],
)
def test_a_letter_written_as_an_entity_or_encoded_does_not_hide_a_name(
    tmp_path, written, published, links
):
    """Text copied from a web page's source writes letters as entities ("Karin &Ouml;stlund",
    "K&#97;rin", "Olof Dahlber&#x67;"), and a web address encodes them ("Olof%20Dahlberg",
    "Karin%20%C3%96stlund"): the reader still reads the name (or follows the link), so it is
    taken out, and an address that lost a name is no link. An entity or a code that is no
    letter still separates words: "Upplands&nbsp;Väsby" stays, and so does its link."""
    from hso_eval.privacy import NAME_REMOVED

    data, _ = _demo_with(
        tmp_path,
        "HSO-2024-012;Olof Dahlberg;;Timrå kommun;kommun;Timrå;M;talare",
        f"## Inledning\n\n{written}\n",
    )
    assert data.clean.narrative.splitlines()[2] == published.format(NAME_REMOVED)
    assert report.introduction_html(data).count("<a ") == links


def test_html_between_a_names_words_does_not_hide_it(tmp_path):
    """The report shows HTML in the narrative as text, so "<b>Karin</b> Östlund" and
    "Olof&nbsp;Dahlberg" show the names: they are taken out too; a municipality stays."""
    from hso_eval.privacy import NAME_REMOVED

    data, _ = _demo_with(
        tmp_path,
        "HSO-2024-012;Olof Dahlberg;;Timrå kommun;kommun;Timrå;M;talare",
        "## Inledning\n\nTack <b>Karin</b> Östlund och Olof&nbsp;Dahlberg i Upplands&nbsp;Väsby.\n",
    )
    assert data.clean.narrative.splitlines()[2] == (
        f"Tack <b>{NAME_REMOVED} och {NAME_REMOVED} i Upplands&nbsp;Väsby."
    )
    assert len(data.clean.narrative_notices) == 1


def test_markdown_marks_inside_or_around_a_name_neither_hide_it_nor_stay_alone(tmp_path):
    """The report joins "K**arin**" into one word, "Karin": the name is found through the
    marks. A mark taken with the name takes its partner beside the name too, and one whose
    partner is further off stays beside the replacement, so no lone "**" shows as written; a
    name bold as a whole stays bold, and so does bold text that a name ends inside."""
    from hso_eval.privacy import NAME_REMOVED

    data, _ = _demo_with(
        tmp_path,
        "HSO-2024-012;Olof Dahlberg;;Timrå kommun;kommun;Timrå;M;talare",
        "## Inledning\n\nTack K**arin** Östlund, **Olof** Dahlberg och *Karin* *Östlund*.\n\n"
        "Samtalet leddes av **Olof Dahlberg** och Ol`of` Dahlberg i *Sundsvall*.\n\n"
        "Tack **Karin Östlund och Olof** Dahlberg, *Karin Östlund och _Olof_* Dahlberg.\n",
    )
    lines = data.clean.narrative.splitlines()
    assert lines[2] == f"Tack {NAME_REMOVED}, {NAME_REMOVED} och {NAME_REMOVED}."
    assert lines[4] == f"Samtalet leddes av **{NAME_REMOVED}** och {NAME_REMOVED} i *Sundsvall*."
    assert lines[6] == (
        f"Tack **{NAME_REMOVED} och {NAME_REMOVED}**, *{NAME_REMOVED} och {NAME_REMOVED}*."
    )
    intro = html.unescape(report.introduction_html(data))
    assert "arin" not in intro and "Dahlberg" not in intro and "*" not in intro
    assert "<em>Sundsvall</em>" in intro


def test_a_name_written_as_one_word_in_the_narrative_is_taken_out(tmp_path):
    """A user name or a web address runs a name together ("@olofdahlberg", "…/in/
    DahlbergOlof", "@olof_dahlberg84"): it is taken out like the name itself, and a "_" in it
    goes with it ("_boken_" stays italic). A capitalised word or one in capitals that happens
    to spell a participant's name run together ("Karlberg", with Karl Berg on a list) stays."""
    from hso_eval.privacy import NAME_REMOVED

    data, _ = _demo_with(
        tmp_path,
        "HSO-2024-012;Olof Dahlberg;;Timrå kommun;kommun;Timrå;M;talare\n"
        "HSO-2024-012;Karl Berg;;Timrå kommun;kommun;Timrå;M;deltagare",
        "## Inledning\n\nFölj @olofdahlberg och linkedin.example/in/DahlbergOlof från Karlberg."
        "\n\nSkriv till @olof_dahlberg84 om _boken_, inte till KARLBERG.\n",
    )
    lines = data.clean.narrative.splitlines()
    assert lines[2] == f"Följ @{NAME_REMOVED} och linkedin.example/in/{NAME_REMOVED} från Karlberg."
    assert lines[4] == f"Skriv till @{NAME_REMOVED} om _boken_, inte till KARLBERG."
    assert len(data.clean.narrative_notices) == 2
    intro = html.unescape(report.introduction_html(data))
    assert "<em>boken</em>" in intro and "Dahlberg" not in intro


_WORDS = ["Tack", "Karin", "Östlund", "och", "Olof", "Dahlberg", "i", "Sundsvall"]


@st.composite
def _marked_sentences(draw) -> str:
    """A sentence of names and other words with Markdown marks as writers put them: around
    one word or a run of words, in pairs."""
    words = draw(st.lists(st.sampled_from(_WORDS), min_size=2, max_size=8))
    cuts = sorted(draw(st.lists(st.integers(0, len(words)), max_size=4, unique=True)))
    for first, last in reversed(list(zip(cuts[::2], cuts[1::2], strict=False))):
        if first < last:
            mark = draw(st.sampled_from(["*", "**", "_", "__", "`"]))
            words[first] = mark + words[first]
            words[last - 1] += mark
    return " ".join(words) + "."


def _rendered(markdown: str) -> str:
    """The text a reader sees of a line of Markdown in the report (its tags as nothing)."""
    from hso_eval.present import _inline

    return html.unescape(re.sub(r"<[^>]*>", "", _inline(markdown)))


def _shown_marks(markdown: str) -> int:
    """How many Markdown marks the report shows as written: not taken as emphasis or code."""
    return sum(_rendered(markdown).count(mark) for mark in "*_`")


@settings(max_examples=500, deadline=None)
@given(_marked_sentences())
def test_a_name_taken_out_leaves_no_markdown_mark_on_its_own(text):
    """However Markdown marks stand in and around names, the report shows no more of them as
    written ("**" on its own) once the names are taken out than it did with the names."""
    from hso_eval.clean import _NameIndex, _People, _redact_narrative_names

    names = _NameIndex(pd.Series(["Karin Östlund", "Olof Dahlberg"], dtype="string"))
    people = _People(pd.Series(dtype="string"), names, lambda ph: np.zeros(len(ph), dtype=bool))
    shown = _redact_narrative_names(text, people)
    words = re.findall(r"\w+", _rendered(shown))
    pairs = {" ".join(pair) for pair in itertools.pairwise(words)}
    assert not pairs & {"Karin Östlund", "Östlund Karin", "Olof Dahlberg", "Dahlberg Olof"}
    assert _shown_marks(shown) <= _shown_marks(text), (text, shown)


def test_a_name_with_digits_takes_no_id_or_title_for_a_name(tmp_path):
    """A list row whose `namn` is "HSO 2024" (an id typed in the wrong column) is no person's
    name: searched for, it quarantined every register id "HSO-2024-…" and with them almost
    every participation. The register keeps its rows; a real name with an invisible joiner in
    it (Kar\u200din Östlund) is still taken out of the narrative."""
    from hso_eval.privacy import NAME_REMOVED

    data, _ = _demo_with(
        tmp_path,
        "HSO-2024-003;HSO 2024;;Kramfors kommun;kommun;Kramfors;K;deltagare",
        "## Inledning\n\nTack, Kar\u200din Östlund.\n",
    )
    register, participants = data.clean.accounts
    assert (register.read, register.clean, register.quarantined) == (53, 51, 1)
    assert (participants.read, participants.clean) == (409, 406)
    assert f"Tack, {NAME_REMOVED}." in html.unescape(report.introduction_html(data))


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


def test_the_activity_charts_have_a_heading_of_their_own(demo):
    """The charts follow the activity section in their own cells: its last heading is theirs,
    so that moving by headings does not put them under the last work package (AP4)."""
    headings = re.findall(r"<h([23])[^>]*>(.*?)</h\1>", report.activities_html(demo))
    assert headings[0] == ("2", "Genomförda aktiviteter")
    assert headings[-2][1].startswith("AP4") and headings[-1] == ("3", "Diagram")


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
    """Report 1 lists the autumn 2024 activities, dated in ISO as tables are, and nothing
    later."""
    text = _text(report.planned_html(demo))
    assert "2024-08-12" in text
    assert "2025-" not in text
    assert "Företagsfrukost i Sollefteå" not in text  # cancelled (inställd)
    assert "Företagsfrukost i Sundsvall" in text


def test_indicator_appendix_says_targets_are_examples(demo):
    """The appendix says plainly that the targets are examples while they are."""
    text = _text(report.indicators_html(demo))
    assert "Målvärdena är exempel" in text
    assert "(exempel)" in text


def test_indicator_appendix_names_no_file_of_the_toolkit(demo):
    """The reviewers never see the toolkit: the note on example targets names no
    configuration file (it said 'params/project.yaml')."""
    text = _text(report.indicators_html(demo))
    assert "beviljandebeslutet" in text
    assert not re.search(r"params/|\.yaml|\.py\b", text), text


def test_organisation_comes_from_the_configuration(demo):
    """The organisation section lists the project office and every work package's lead."""
    text = _text(report.organisation_html(demo))
    for name in ("Annelie Axelsson", "Maria Rönnerberg", "Frida Bergman", "Mittuniversitetet"):
        assert name in text


def test_title_gives_report_number_and_period(tmp_path):
    """2024H2 is 'Halvårsrapport nr 2' for 2024-07-01 – 2024-12-31."""
    text = _text(report.title_html(_data(tmp_path, period="2024H2")))
    assert "Halvårsrapport nr 2" in text and "2024-07-01 – 2024-12-31" in text


def test_title_page_names_the_funders_in_one_sentence(demo):
    """The funders are a list inside a sentence: a common noun in it keeps its small letter
    ("… Region Västernorrland och av projektparternas kommuner."), proper names their capitals.
    Each has its own "av", so that the EU fund's "via Tillväxtverket" is not read as the way
    the region's and the municipalities' money goes too."""
    text = _text(report.title_html(demo))
    assert (
        "Härnösands kommun äger projektet. Det medfinansieras av Europeiska regionala "
        "utvecklingsfonden via Tillväxtverket, av Region Västernorrland och av "
        "projektparternas kommuner."
    ) in text


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
    assert any("'# Inledning' (rad 3) har fel nivå" in p for p in problems)
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
    assert summary.loc["Andel kvinnor", "target"] == "50,0\u00a0% per halvår (exempel)"
    # Partners visited as the key figures say it, and design.md asks: "k av n".
    assert summary.loc["Besökta projektparter", ["period", "cumulative"]].tolist() == [
        "4 av 7",
        "4 av 7",
    ]


def test_indicator_appendix_has_a_table_for_every_chart_with_bars_by_category(demo):
    """Each table has a caption; the municipality chart shows the largest bars only, so the
    appendix gives all of them, as published (Härnösand 61 participations in 2024H1)."""
    appendix = report.indicators_html(demo)
    assert appendix.count("<table") == appendix.count("<caption") == 5
    text = _text(appendix)
    assert "Deltagartillfällen per kommun" in text
    assert re.search(r"Härnösand 61 61\b", text), text


def test_the_appendix_tables_list_the_categories_in_one_order_with_missing_last(tmp_path):
    """In 2024H2, Luleå and Östersund have participations only in 2024H1: they stand in
    alphabetical order among the others, and "Uppgift saknas" stays last."""
    appendix = report.indicators_html(_data(tmp_path, period="2024H2"))
    table = appendix[appendix.index("Deltagartillfällen per kommun") :]
    rows = re.findall(r"<tr>\s*<t[hd][^>]*>([^<]*)</t[hd]>", table[: table.index("</table>")])
    assert rows[1:] == [
        "Härnösand",
        "Kramfors",
        "Luleå",
        "Sollefteå",
        "Sundsvall",
        "Timrå",
        "Umeå",
        "Ånge",
        "Örnsköldsvik",
        "Östersund",
        "Uppgift saknas",
    ]


def test_narrative_text_the_report_would_not_show_as_written_is_named_by_line():
    """Each problem names the file and line: text before the first heading beyond the title, a
    table, an image, a heading written twice; nothing in a fenced block is looked at."""
    problems = report.narrative_problems(
        "# Berättelse 2024H1\nFöre första rubriken.\n\n## Inledning\n| A | B |\n|---|---|\n"
        "| 1 | 2 |\n![Bild](https://example.com/x.png)\n```\n## Inget\n```\n## Inledning\nMer.\n",
        "berattelse.md",
    )
    assert problems == [
        "Berättelsen (berattelse.md rad 5) har en tabell, som rapporten inte kan visa: raderna "
        "blir en enda textrad. Skriv den som en punktlista.",
        "Berättelsen (berattelse.md rad 8) har en bild, som rapporten visar som en länk till "
        "bilden (rapporten hämtar inget utifrån).",
        "Berättelsens rubrik '## Inledning' (berattelse.md rad 12) står också på rad 4: texterna "
        "under dem visas efter varandra i samma avsnitt.",
        "Texten före berättelsens första rubrik (berattelse.md rad 1–2) visas inte i rapporten; "
        "bara en rad, titeln, får stå där. Flytta texten under en rubrik, t.ex. '## Inledning'.",
    ]


def test_multi_day_activities_show_their_whole_span(demo):
    """Business Arena Norr ran 17–18 April: the table gives both ISO dates with a spaced dash
    (a narrow column breaks between them, not inside one), and the prose says 17–18 april."""
    tables = _text(report.activities_html(demo))
    assert "2024-04-17 – 2024-04-18 Business Arena Norr" in tables
    assert "17–18 april 2024: Business Arena Norr" in _text(report.communication_html(demo))


def test_planned_activities_say_when_they_end(demo):
    """A planned activity over several weeks shows its span in 'Datum', not its first day only;
    the date is given once (ISO, as in the tables of held activities)."""
    page = report.planned_html(demo)
    text = _text(page)
    assert "2024-10-22 – 2024-11-29 Upphandling av kommunikationskonsult" in text
    assert "oktober" not in text
    assert [h for h in re.findall(r"<th[^>]*>([^<]*)</th>", page)][:2] == ["Datum", "Aktivitet"]


def test_a_package_without_representation_rows_does_not_claim_none_happened(demo):
    """The box lists activities with organiser role deltagande or samarrangemang, and meetings
    with external parties registered; a package without such rows says that none are
    registered, not that there was no representation (the narrative may well describe some)."""
    text = html.unescape(_text(report.communication_html(demo)))
    box = text[text.index("Extern representation per arbetspaket") :]
    assert "Ingen extern representation" not in box
    assert "Business Arena Norr" in box  # AP1's, registered as deltagande
    # AP2's two meetings with the business community, as in the hand-written report.
    ap2 = box[box.index("AP2") : box.index("AP3")]
    assert "Möte med näringslivsrepresentanter i Härnösand , Härnösand (med Näringslivet" in ap2
    assert "Möte med Svenskt Näringsliv , Sundsvall (med Svenskt Näringsliv)" in ap2
    # An output made with others is listed as an output, not as representation.
    assert "Investeringskarta" in text and "Investeringskarta" not in box
    ap4 = box[box.index("AP4") :]
    assert "Inga arrangemang hos eller med andra registrerade under perioden" in ap4


def test_a_category_missing_from_one_scope_counts_zero():
    """A group with participations since the start but none this period shows 0 for the period,
    not '–' (which the page defines as 'no value'); a share keeps '–'."""
    table = pd.DataFrame(
        {
            "indicator": ["participations", "participations", "share_women"],
            "scope": ["period", "cumulative", "cumulative"],
            "dimension": "organisation_type",
            "category": ["kommun", "övrigt", "övrigt"],
            "display": ["124", "7", "50,0 %"],
        }
    )
    counts = _text(report._breakdown_table(table, "participations", "organisation_type", "x"))
    assert "Kommun 124 0" in counts and "Övrigt 0 7" in counts
    shares = _text(report._breakdown_table(table, "share_women", "organisation_type", "x"))
    assert "Övrigt – 50,0 %" in shares


def test_the_appendix_names_genders_and_groups_as_the_charts_do():
    """The gender table's rows read "Kvinnor", "Män", "Annat", "Ej angivet", as the legend of
    the gender chart; an organisation type starts with a capital, as on its chart's bars."""
    table = pd.DataFrame(
        {
            "indicator": "participations",
            "scope": "period",
            "dimension": ["gender"] * 4 + ["organisation_type"],
            "category": ["kvinna", "man", "annat", "ej angivet", "uppgift saknas"],
            "display": ["12", "9", "0", "..", "7"],
        }
    )
    genders = _text(report._breakdown_table(table, "participations", "gender", "x"))
    assert "Kvinnor 12 0 Män 9 0 Annat 0 0 Ej angivet .. 0" in genders
    groups = _text(report._breakdown_table(table, "participations", "organisation_type", "x"))
    assert "Uppgift saknas 7 0" in groups


def _page_equations(data) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every count of people the report and the reports before it print, as (true values,
    hidden?, rows, out of reach?, bound?): what a reader holding all of them can write, built
    here from what is published, independently of how `indicators.publish` decides. A row is
    an equation (row · values = 0), or where `bound` says so an inequality (row · values <= 0).
    Out of reach: what this page cannot hide, the earlier reports' numbers, the indicator
    table's totals and the "–" of an activity without a count."""
    return _as_matrix(_reports_so_far(data))


def _as_matrix(system) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """`_page_system`'s lists as `_page_equations` gives them."""
    value, secret, equations, reach, _, bounds = system
    rows = equations + bounds
    matrix = np.zeros((len(rows), len(value)))
    for row, equation in enumerate(rows):
        for column, coefficient in equation.items():
            matrix[row, column] += coefficient
    bound = np.arange(len(rows)) >= len(equations)
    return value, secret, matrix, reach, bound


def _reports_so_far(data):
    """`_page_equations` as lists, and this page's table rows by key (for the next page)."""
    before = None
    if data.period.start > data.project.start:
        previous = SimpleNamespace(
            activities=data.activities,
            participations=data.participations,
            project=data.project,
            period=data.period.previous(),
        )
        before = _reports_so_far(previous)
    return _page_system(data, before)


def _page_system(data, before, history=None):
    """One page's numbers and equations after the earlier reports' (`before`, or None), with
    what the page printed decided against `history` (`hso_eval.history`), when given."""
    from hso_eval import history as hist
    from hso_eval import indicators as ind

    published = ind.publish(
        data.activities,
        data.participations,
        data.project,
        data.period,
        history=history or hist.EMPTY,
    )
    table = published.indicators.reset_index(drop=True)
    base = 0 if before is None else len(before[0])
    people = table["indicator"].isin(ind.PEOPLE_INDICATORS).to_numpy()
    values = [table["value"].fillna(0).to_numpy(dtype=float) * people]
    hidden = [table["suppressed"].to_numpy(dtype=bool) & people]
    key = {
        (r.indicator, r.scope, r.dimension, "" if pd.isna(r.category) else r.category): base + i
        for i, r in enumerate(table.itertuples())
    }
    equations: list[dict[int, float]] = [] if before is None else list(before[2])
    bounds: list[dict[int, float]] = [] if before is None else list(before[5])
    early = before is None and data.period.start < data.project.start
    additive = {
        "participations": (
            "work_package",
            "activity_type",
            "gender",
            "organisation_type",
            "municipality",
            "role",
        ),
        "attendance_total": ("work_package", "activity_type"),
    }
    for indicator, dimensions in additive.items():
        for scope in ("period", "cumulative"):
            for dimension in dimensions:
                rows = table[
                    (table["indicator"] == indicator)
                    & (table["scope"] == scope)
                    & (table["dimension"] == dimension)
                ].index
                equation = dict.fromkeys(base + rows, 1.0)
                equation[key[(indicator, scope, "total", "")]] = -1.0
                equations.append(equation)
        # Cumulative = the previous report's cumulative value (0 where it listed none, and in
        # the first report) + this period's (0 where this page lists none). A first report
        # whose period begins before the project: at most the period's.
        for (name, scope, dimension, category), later in key.items():
            if name != indicator or scope != "cumulative":
                continue
            equation = {later: 1.0}
            period_row = key.get((name, "period", dimension, category))
            if period_row is not None:
                equation[period_row] = -1.0
            previous = None if before is None else before[4].get((name, scope, dimension, category))
            if previous is not None:
                equation[previous] = -1.0
            (bounds if early else equations).append(equation)
    # Unique participants. Per gender and organisation type a person counts once (under the
    # value most of their rows give), so those add up to the total. In all and per work
    # package they are sets of people: at most the participations they made; a package's at
    # most everyone's; the packages' together at least everyone's; in the period at most since
    # the start; since the start at least the last report's and at most that plus the period's.
    # In the first report the scopes are one when it begins on the project's first day; when
    # it begins earlier, those since the start are among the period's.
    u = "unique_participants"
    for scope in ("period", "cumulative"):
        total = key[(u, scope, "total", "")]
        for dimension in ("gender", "organisation_type"):
            rows = table[
                (table["indicator"] == u)
                & (table["scope"] == scope)
                & (table["dimension"] == dimension)
            ].index
            equations.append({**dict.fromkeys(base + rows, 1.0), total: -1.0})
        packages = [j for k, j in key.items() if k[:3] == (u, scope, "work_package")]
        bounds.append({total: 1.0, **dict.fromkeys(packages, -1.0)})
        for j in packages:
            bounds.append({j: 1.0, total: -1.0})
    for (name, scope, dimension, category), j in key.items():
        if name != u:
            continue
        if dimension in ("total", "work_package"):
            made = key[("participations", scope, dimension, category)]
            bounds.append({j: 1.0, made: -1.0})
        if scope != "cumulative":
            continue
        period_row = key.get((u, "period", dimension, category))
        if before is None and not early:
            equations.append({j: 1.0, **({} if period_row is None else {period_row: -1.0})})
        elif early and dimension in ("total", "work_package"):
            bounds.append({j: 1.0, period_row: -1.0})
        elif before is not None and dimension in ("total", "work_package"):
            previous = before[4].get((u, scope, dimension, category))
            ends = [k for k in (previous, period_row) if k is not None]
            bounds.append({j: 1.0, **dict.fromkeys(ends, -1.0)})
            for k in ends:
                bounds.append({k: 1.0, j: -1.0})
    size = base + len(table)
    crosstab = published.crosstab
    cells = np.arange(size, size + crosstab.counts.size).reshape(crosstab.counts.shape)
    values.append(crosstab.counts.to_numpy().ravel())
    hidden.append(crosstab.hidden.to_numpy().ravel())
    size += crosstab.counts.size
    for r, wp in enumerate(crosstab.counts.index):
        equations.append(
            {
                **dict.fromkeys(cells[r], 1.0),
                key[("participations", "period", "work_package", wp)]: -1.0,
            }
        )
    for c, gender in enumerate(crosstab.counts.columns):
        equations.append(
            {
                **dict.fromkeys(cells[:, c], 1.0),
                key[("participations", "period", "gender", gender)]: -1.0,
            }
        )
    acts = data.activities.drop_duplicates("activity_id").set_index("activity_id")
    shown = published.attendance.display
    per = ind.attendance_per_activity(acts.loc[shown.index].reset_index(), data.participations)
    at = np.arange(size, size + len(shown))
    values.append(per["attendance"].fillna(0).to_numpy(dtype=float))
    hidden.append(shown.isin(["<5", ".."]).to_numpy())
    listed = shown.index.isin(data.participations["activity_id"].astype(str))
    wps = acts.loc[shown.index, "work_package"].fillna(ind.MISSING).to_numpy(dtype=object)
    types = acts.loc[shown.index, "activity_type"].fillna(ind.MISSING).to_numpy(dtype=object)
    for name, labels in (("work_package", wps), ("activity_type", types)):
        for label in set(labels):
            equations.append(
                {
                    **dict.fromkeys(at[labels == label], 1.0),
                    key[("attendance_total", "period", name, label)]: -1.0,
                }
            )
    for wp in set(wps[listed]):
        equations.append(
            {
                **dict.fromkeys(at[listed & (wps == wp)], 1.0),
                key[("participations", "period", "work_package", wp)]: -1.0,
            }
        )
    equations.append(
        {**dict.fromkeys(at[listed], 1.0), key[("participations", "period", "total", "")]: -1.0}
    )
    value, secret = np.concatenate(values), np.concatenate(hidden)
    reach = np.zeros(len(value), dtype=bool)
    reach[: len(table)] = (table["dimension"] == "total").to_numpy()
    reach[at - base] = (shown == "–").to_numpy()  # no count: a "–", never hidden
    if before is not None:
        value = np.concatenate([before[0], value])
        secret = np.concatenate([before[1], secret])
        reach = np.concatenate([np.ones(base, dtype=bool), reach])
    return value, secret, equations, reach, key, bounds


def _solvable_small(
    value: np.ndarray, secret: np.ndarray, matrix: np.ndarray, reach: np.ndarray, bound: np.ndarray
) -> np.ndarray:
    """The positions of the hidden counts of 1 to 4 that the equations determine exactly (least
    squares: a hidden number is determined when its unit vector lies in the equations' row
    space)."""
    unknown = np.flatnonzero(secret)
    system = matrix[~bound][:, unknown]
    system = system[np.abs(system).sum(axis=1) > 0]
    if not len(unknown) or not len(system):
        return np.array([])
    _, singular, basis = np.linalg.svd(system, full_matrices=False)
    basis = basis[singular > 1e-9 * singular.max()]
    determined = np.isclose((basis**2).sum(axis=0), 1.0, atol=1e-6)
    small = (value[unknown] >= 1) & (value[unknown] < 5)
    return unknown[determined & small]


def _integer_range(
    value: np.ndarray, secret: np.ndarray, matrix: np.ndarray, bound: np.ndarray, target: int
) -> tuple[int, int]:
    """The smallest and largest value hidden number `target` can take, for a reader who knows
    the shown numbers, the equations and inequalities (`bound`), that counts are whole, that
    "<5" is 1 to 4 and that ".." is 0 or at least 5. Two integer programs (minimise,
    maximise) with a 0/1 switch per ".." (x <= U·z, x >= 5·z): written here independently of
    `hso_eval.disclosure`. Each end is a solution checked exactly in whole numbers, and the
    true value lies between them."""
    import highspy

    unknown = np.flatnonzero(secret)
    n = len(unknown)
    small = (value[unknown] >= 1) & (value[unknown] < 5)
    ceiling = float(value.sum())
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    solver.setOptionValue("mip_feasibility_tolerance", 1e-9)
    # HiGHS 1.15.1's presolve got a thinned demo page wrong (a maximum below the true value).
    solver.setOptionValue("presolve", "off")
    solver.addVars(n, np.where(small, 1.0, 0.0), np.where(small, 4.0, ceiling))
    switch = np.flatnonzero(~small)
    solver.addVars(len(switch), np.zeros(len(switch)), np.ones(len(switch)))
    columns = n + len(switch)
    solver.changeColsIntegrality(
        columns,
        np.arange(columns, dtype=np.int32),
        np.array([highspy.HighsVarType.kInteger] * columns),
    )
    for k, j in enumerate(switch):
        at = np.array([j, n + k], dtype=np.int32)
        solver.addRow(0.0, highspy.kHighsInf, 2, at, np.array([1.0, -5.0]))
        solver.addRow(-highspy.kHighsInf, 0.0, 2, at, np.array([1.0, -ceiling]))
    rhs = -(matrix[:, ~secret] @ value[~secret])
    for row, right, upper in zip(matrix, rhs, bound, strict=True):
        at = np.flatnonzero(row[unknown])
        if len(at):
            low = -highspy.kHighsInf if upper else right
            solver.addRow(low, right, len(at), at.astype(np.int32), row[unknown][at])
    ends = []
    column = int(np.flatnonzero(unknown == target)[0])
    for sense in (1.0, -1.0):
        cost = np.zeros(columns)
        cost[column] = sense
        solver.changeColsCost(columns, np.arange(columns, dtype=np.int32), cost)
        solver.run()
        assert solver.getModelStatus() == highspy.HighsModelStatus.kOptimal  # the truth is one
        x = np.rint(solver.getSolution().col_value[:n])
        left = matrix[:, unknown] @ x
        assert (np.where(bound, left <= rhs, left == rhs)).all()  # a solution, exactly
        assert (~small | ((x >= 1) & (x <= 4))).all() and (small | (x == 0) | (x >= 5)).all()
        ends.append(int(x[column]))
    assert ends[0] <= value[target] <= ends[1]
    return ends[0], ends[1]


def _pinned_small(
    value: np.ndarray, secret: np.ndarray, matrix: np.ndarray, reach: np.ndarray, bound: np.ndarray
) -> list[tuple[int, bool]]:
    """The hidden counts of 1 to 4 that a reader can narrow to one value (`_integer_range`),
    each with whether hiding every number the page can hide would still leave it pinned (then
    nothing could have been done but not publish the page)."""
    found = []
    for target in np.flatnonzero(secret & (value >= 1) & (value < 5)):
        low, high = _integer_range(value, secret, matrix, bound, int(target))
        if low == high:
            everything = secret | ~reach
            all_hidden = _integer_range(value, everything, matrix, bound, int(target))
            found.append((int(target), all_hidden[0] == all_hidden[1]))
    return found


@pytest.mark.parametrize(
    ("period", "participants"), [("2024H1", "deltagare.csv"), ("2024H2", "deltagare.xlsx")]
)
def test_no_hidden_count_on_the_page_can_be_solved_for(tmp_path, period, participants):
    """Solving the page's equations (breakdowns, chart, activity tables, and the last report's
    cumulative figures) as a linear system determines no hidden count of 1 to 4 exactly; nor
    does solving them in whole numbers with what "<5" and ".." say (H1's chart showed its two
    "ej angivet" of 1 and 3 that way: "<5" + ".." + "<5" = 9, so the ".." is 5 to 7)."""
    data = load_period(
        period=period,
        activities=str(ROOT / "data/demo/aktiviteter.xlsx"),
        participants=str(ROOT / "data/demo" / participants),
        pseudonym_key_file=str(ROOT / "data/demo/demo-nyckel.txt"),
    )
    equations = _page_equations(data)
    value, secret, *_ = equations
    assert ((value[secret] >= 1) & (value[secret] < 5)).sum() >= 5  # something to hide
    assert not len(_solvable_small(*equations))
    assert _pinned_small(*equations) == []


@settings(max_examples=20, deadline=None)
@given(
    seed=st.integers(0, 2**31 - 1),
    keep=st.floats(0.05, 0.6),
    period=st.sampled_from(["2024H1", "2024H2"]),
)
def test_no_hidden_count_can_be_solved_for_in_thinned_data(seed, keep, period):
    """The same audits on the demo with most participation rows dropped at random, which makes
    many counts small: no hidden count of 1 to 4 can be solved for, and none is pinned in
    whole numbers unless hiding everything the page can hide would leave it pinned too (four
    activities of 1 under a "<5" total of 4 are each 1, whatever is hidden)."""
    data = _thinned(period, seed, keep)
    equations = _page_equations(data)
    pinned = dict(_pinned_small(*equations))
    assert all(pinned.values())  # none that hiding more could have freed
    # What the equations give is pinned too; here only where nothing could free it.
    assert set(_solvable_small(*equations).tolist()) <= set(pinned)


@pytest.mark.parametrize(("seed", "keep"), [(4, 0.45), (1, 0.3)])
def test_two_reports_read_together_give_no_hidden_count_away(seed, keep):
    """A reader has H1 and H2 both. Each page alone kept its small counts, but together they
    pinned H1's "<5" for Kommunikatörsnätverket startar (seed 4) and H2's AP1 participations
    (seed 1) to 4: H2 is now decided with every number and relation H1 printed."""
    data = _thinned("2024H2", seed, keep)
    equations = _page_equations(data)
    _, secret, _, reach, _ = equations
    assert secret[~reach].sum() and secret[reach].sum()  # hidden: H2's own, and H1's
    assert not len(_solvable_small(*equations))
    assert _pinned_small(*equations) == []


@pytest.mark.parametrize(("seed", "keep", "late"), [(0, 0.3, "HSO-2024-006")])
def test_the_next_report_is_decided_against_the_earlier_one_as_it_was_printed(seed, keep, late):
    """H1 went out before one of its participant lists (`late`) was in; H2 is run with it. A
    reader holds H1 as printed then, and H2. Decided against H1 as today's data would print
    it, H2 let that reader pin hidden small counts (the assertion on `unaware`); decided
    against the record of what H1 printed (`hso_eval.history`), it gives none away that hiding
    could have kept. The reader knows every number H1 printed that still holds (one the list
    changed no longer fits the equations) and nothing H1 hid or did not print."""
    from hso_eval import history as hist
    from hso_eval import indicators as ind

    h2 = _thinned("2024H2", seed, keep)
    h1 = SimpleNamespace(**{**vars(h2), "period": h2.period.previous()})
    without = h1.participations["activity_id"] != late
    assert (~without).sum() >= 1  # the list that came late
    printed = ind.publish(h1.activities, h1.participations[without], h1.project, h1.period).printed
    record = hist.History({"2024H1": (printed,)}, {"2024H1": f"{seed}-{keep}-{late}"})

    def pinned(history):
        value, secret, equations, reach, _, bounds = _page_system(h1, None)
        page = ind.publish(h1.activities, h1.participations, h1.project, h1.period)
        keys = _printed_keys(page)
        for i, k in enumerate(keys):  # H1 as the reader holds it
            if k is not None:
                secret[i] = printed.get(k) != value[i]
        system = _page_system(h2, (value, secret, equations, reach, _, bounds), history)
        return [t for t, hopeless in _pinned_small(*_as_matrix(system)) if not hopeless]

    unaware = pinned(hist.EMPTY)
    assert unaware  # the leak the record closes
    assert pinned(record) == []


def _history(pages: dict) -> object:
    """A `hso_eval.history.History` of {period: [printed page, ...]}."""
    from hso_eval import history as hist

    digests = {
        p: repr([sorted(v.items(), key=str) for v in versions]) for p, versions in pages.items()
    }
    return hist.History({p: tuple(v) for p, v in pages.items()}, digests)


def _pinned_for_a_reader_holding(h2, held: dict, newest: dict) -> list[int]:
    """The hidden counts of 1 to 4 of H1 and H2 (today's data, `h2` and its first half) that a
    reader holding every page of `held` ({period: [printed, ...]}) can pin, and that hiding
    more of `newest` (an H1 page, the last one printed) would have kept. The reader knows each
    number some held page printed with today's value, and nothing else."""
    from hso_eval import indicators as ind

    h1 = SimpleNamespace(**{**vars(h2), "period": h2.period.previous()})
    before, spans = None, {}
    for data in (h1, h2):
        value, secret, equations, reach, key, bounds = _page_system(data, before)
        keys = _printed_keys(
            ind.publish(data.activities, data.participations, data.project, data.period)
        )
        base = len(value) - len(keys)
        spans[data.period.code] = (base, keys)
        for i, k in enumerate(keys):
            if k is not None:
                pages = held.get(data.period.code, [])
                secret[base + i] = not any(p.get(k) == value[base + i] for p in pages)
        before = (value, secret, equations, reach, key, bounds)
    value, secret, equations, _, key, bounds = before
    reach = np.ones(len(value), dtype=bool)  # False: what `newest` alone printed, hideable
    base, keys = spans["2024H1"]
    others = [p for p in held["2024H1"] if p is not newest]
    for i, k in enumerate(keys):
        j = base + i
        if k is None or (k[0] == "indikator" and k[3] == "total") or newest.get(k) is None:
            continue
        if not any(p.get(k) == value[j] for p in others):
            reach[j] = False
    system = (value, secret, equations, reach, key, bounds)
    return [t for t, hopeless in _pinned_small(*_as_matrix(system)) if not hopeless]


def test_an_earlier_report_run_again_is_decided_against_the_later_ones_already_out():
    """H1 went out, then H2 (decided against H1 as printed); then a late list for H1 came in
    and H1 was run again (as `run-all` does when the shared register changes). Decided without
    H2's record, the new H1 printed cumulative "möte" counts that, read with the first H1 and
    H2, pinned H1's hidden attendance of 3 for HSO-2024-019. Decided against every later page
    on record, it hides what they need hidden, and the reader of all three pins nothing."""
    from hso_eval import indicators as ind

    h2 = _thinned("2024H2", 0, 0.45)
    late = h2.participations["activity_id"] == "HSO-2024-005"
    args = (h2.activities, h2.participations[~late].reset_index(drop=True), h2.project)
    first = ind.publish(*args, h2.period.previous()).printed
    second = ind.publish(*args, h2.period, history=_history({"2024H1": [first]})).printed
    now = (h2.activities, h2.participations, h2.project, h2.period.previous())
    unaware = ind.publish(*now, history=_history({"2024H1": [first]})).printed
    aware = ind.publish(*now, history=_history({"2024H1": [first], "2024H2": [second]})).printed
    held = {"2024H1": [first], "2024H2": [second]}
    assert _pinned_for_a_reader_holding(h2, {**held, "2024H1": [first, unaware]}, unaware)
    assert _pinned_for_a_reader_holding(h2, {**held, "2024H1": [first, aware]}, aware) == []


def _printed_keys(page) -> list:
    """Where each number of `_page_system`'s page stands, as `hso_eval.history` records it
    (None for a number that is no count of people)."""
    from hso_eval import indicators as ind

    keys = []
    for r in page.indicators.reset_index(drop=True).itertuples():
        category = "" if pd.isna(r.category) else str(r.category)
        person = r.indicator in ind.PEOPLE_INDICATORS
        keys.append(("indikator", r.indicator, r.scope, r.dimension, category) if person else None)
    counts = page.crosstab.counts
    keys += [("kön per arbetspaket", str(w), str(g)) for w in counts.index for g in counts.columns]
    keys += [("närvaro", str(a)) for a in page.attendance.display.index]
    return keys


def _thinned(period: str, seed: int, keep: float, start: date | None = None) -> SimpleNamespace:
    """The demo period with a random `keep` share of the participation rows (and the project
    starting on `start`, when given)."""
    full = _DEMO.get(period) or load_period(
        period=period,
        activities=str(ROOT / "data/demo/aktiviteter.xlsx"),
        participants=str(ROOT / "data/demo/deltagare.xlsx"),
        pseudonym_key_file=str(ROOT / "data/demo/demo-nyckel.txt"),
    )
    _DEMO[period] = full
    rows = np.random.default_rng(seed).random(len(full.participations)) < keep
    return SimpleNamespace(
        activities=full.activities,
        participations=full.participations[rows].reset_index(drop=True),
        project=full.project if start is None else replace(full.project, start=start),
        period=full.period,
    )


@pytest.mark.parametrize(("period", "seed", "keep"), [("2024H1", 3, 0.3), ("2024H2", 6, 0.4)])
def test_a_project_starting_inside_its_first_period_gives_no_count_away(period, seed, keep):
    """A project that starts on 1 March: its first report's period (from 1 January) holds more
    than "since the start", so the cumulative figures are at most the period's, not equal to
    them. Decided with that, neither report gives a hidden small count away."""
    data = _thinned(period, seed, keep, start=date(2024, 3, 1))
    equations = _page_equations(data)
    value, secret, _, _, bound = equations
    first = data.period if period == "2024H1" else data.period.previous()
    assert first.start < data.project.start and bound.sum()
    assert ((value[secret] >= 1) & (value[secret] < 5)).sum() >= 5  # something to hide
    assert not len(_solvable_small(*equations))
    assert all(dict(_pinned_small(*equations)).values())


def test_an_activity_without_a_count_shows_a_dash_even_where_much_is_hidden():
    """ "–" says an activity has no count, which a reader takes as 0 in the sums, so it is
    never hidden as "..": in sparse data (a tenth of H1's rows) every such activity shows "–"."""
    from hso_eval import indicators as ind

    data = _thinned("2024H1", 2, 0.1)
    page = ind.publish(data.activities, data.participations, data.project, data.period)
    held = data.activities.drop_duplicates("activity_id").set_index("activity_id")
    held = held.loc[page.attendance.display.index].reset_index()
    per = ind.attendance_per_activity(held, data.participations)
    none = per["attendance"].isna().to_numpy()
    assert none.sum() >= 3 and (page.attendance.display.to_numpy() == "..").any()
    assert (page.attendance.display.to_numpy()[none] == "–").all()


def test_a_hidden_gender_with_none_is_still_named_in_the_chart():
    """The gender chart's alt text leaves out a gender with no participations, but not one the
    table shows as "..": leaving it out would say it is 0."""
    from hso_eval import figures
    from hso_eval import indicators as ind

    data = _thinned("2024H1", 19, 0.2)
    table = ind.publish(data.activities, data.participations, data.project, data.period)
    table = table.indicators
    gender = table[
        (table["indicator"] == "participations")
        & (table["scope"] == "period")
        & (table["dimension"] == "gender")
    ]
    hidden_none = gender[(gender["value"] == 0) & (gender["display"] == "..")]
    assert hidden_none["category"].tolist() == ["annat"]
    alt = figures.alt_text(
        figures.participations_by_gender(
            data.participations, data.activities, data.period, data.project
        )
    )
    assert "annat .." in alt


def _shown(table: pd.DataFrame, indicator: str) -> dict:
    """(scope, dimension, category) -> hidden?, for one indicator of a published table."""
    rows = table[table["indicator"] == indicator]
    return {
        (r.scope, r.dimension, "" if pd.isna(r.category) else r.category): bool(r.suppressed)
        for r in rows.itertuples()
    }


def test_a_hidden_participation_count_hides_its_unique_participants():
    """Unique participants of a category are at most its participations, so a shown unique
    count bounds a hidden participation count from below: in H2 with 30 % of the rows (seed
    4), AP2's 15 unique participants pinned an activity's "<5" to 3. Wherever participations
    are hidden, so are the unique participants of the same category."""
    from hso_eval import indicators as ind

    data = _thinned("2024H2", 4, 0.3)
    table = ind.publish(data.activities, data.participations, data.project, data.period)
    participations = _shown(table.indicators, "participations")
    unique = _shown(table.indicators, "unique_participants")
    assert participations[("period", "work_package", "AP2")]
    assert unique[("period", "work_package", "AP2")]
    assert all(unique[k] for k in unique if participations.get(k))


def test_a_cumulative_share_is_hidden_with_its_period_share():
    """In the first report the cumulative share of women is the period's: with AP3's period
    share hidden, its cumulative 33,3 % gave away the hidden women (5) and "ej angivet" (2)
    (H1, a fifth of the rows, seed 0)."""
    from hso_eval import indicators as ind

    data = _thinned("2024H1", 0, 0.2)
    table = ind.publish(data.activities, data.participations, data.project, data.period)
    shares = _shown(table.indicators, "share_women")
    assert shares[("period", "work_package", "AP3")]
    for (scope, dimension, category), hidden in shares.items():
        if scope == "period" and hidden:
            assert shares[("cumulative", dimension, category)], (dimension, category)


_DEMO: dict = {}


def test_a_hidden_participation_total_stays_hidden_in_the_charts():
    """In very sparse data the page may hide the participations in all (here 2024H1 with a
    fifth of the rows kept). The gender chart and the organisation-type chart then do not give
    it away: no total, no share of it, no rest bar adding up to it."""
    from hso_eval import figures
    from hso_eval import indicators as ind

    full = _thinned("2024H1", 7, 0.2)
    parts = full.participations
    table = ind.publish(full.activities, parts, full.project, full.period).indicators
    total = table[
        (table["indicator"] == "participations")
        & (table["scope"] == "period")
        & (table["dimension"] == "total")
    ]
    assert total["display"].tolist() == [".."]
    number = int(total["value"].iloc[0])

    alt = figures.alt_text(
        figures.participations_by_gender(parts, full.activities, full.period, full.project)
    )
    assert "Totalt .. deltagartillfällen" in alt and "%" not in alt
    fig = figures.participations_by_organisation_type(table, full.project)
    alt = figures.alt_text(fig)
    assert "Totalt .. deltagartillfällen" in alt and "%" not in alt
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert not any(label.startswith("Övrigt") for label in labels)
    assert sum(p.get_width() for p in fig.axes[0].patches) < number


@pytest.mark.parametrize(
    ("period", "seed", "keep"),
    [
        ("2024H1", 0, 1.0),  # the demo: hidden cells in every work package
        ("2024H2", 0, 1.0),
        ("2024H1", 1, 0.3),  # a package total shown among hidden ones
        ("2024H1", 7, 0.2),  # the participations in all hidden
        ("2024H2", 4, 0.3),
    ],
)
def test_the_gender_chart_draws_what_the_page_publishes(period, seed, keep):
    """A reader compares the chart "Deltagartillfällen per kön och arbetspaket" with the
    indicator table: each work package's bar is as long as its participations there, made of
    the cells the page shows, in their gender's colour, and one hatched "dolt" segment for the
    rest (never an empty row that reads as 0); a package whose total the table hides has no
    bar, only that total's sign. The legend names every gender the table lists, and no width
    or label is a number the page hides."""
    from conftest import gender_chart

    from hso_eval import figures
    from hso_eval import indicators as ind

    data = _thinned(period, seed, keep)
    page = ind.publish(data.activities, data.participations, data.project, data.period)
    table = page.indicators
    participations = table[(table["indicator"] == "participations") & (table["scope"] == "period")]
    per_wp = participations[participations["dimension"] == "work_package"]
    per_wp = dict(zip(per_wp["category"], per_wp["display"], strict=True))
    genders = participations.loc[participations["dimension"] == "gender", "category"].tolist()
    cells = page.crosstab.display()
    fig = figures.participations_by_gender(
        data.participations, data.activities, data.period, data.project
    )
    drawn, texts = gender_chart(fig)

    assert set(drawn) == set(cells.index)
    for wp in cells.index:
        total = per_wp[wp]
        if total in ("<5", ".."):
            assert drawn[wp] == [] and texts[wp] == [total], wp
            continue
        shown = [(g, cells.at[wp, g]) for g in cells.columns if cells.at[wp, g] not in ("<5", "..")]
        shown = [(g, text) for g, text in shown if text != "0"]
        rest = int(total.replace("\u00a0", "")) - sum(int(text) for _, text in shown)
        expected = [(g, float(text)) for g, text in shown] + ([("dolt", rest)] if rest else [])
        assert drawn[wp] == expected, wp
        assert texts[wp] == [text for _, text in shown] + [total], wp
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    hatched = any(kind == "dolt" for segments in drawn.values() for kind, _ in segments)
    assert legend == [figures.GENDER_LABELS[g] for g in genders] + ["Dolt (..)"] * hatched
    assert "..." not in figures.alt_text(fig)
    bars = [wp for wp in cells.index if per_wp[wp] not in ("<5", "..")]
    assert all(drawn[wp] for wp in bars)  # a shown total is never an empty row
    if (period, keep) == ("2024H1", 1.0):  # the reviewer's case: AP2 and AP3 show no cell
        assert [wp for wp in bars if [kind for kind, _ in drawn[wp]] == ["dolt"]] == ["AP2", "AP3"]


def test_the_partner_map_agrees_with_the_partners_visited_since_start(tmp_path):
    """2024H2's key figures say "3 av 7" in the period and "7 av 7 sedan start": the map then
    marks the four visited in H1 as visited earlier, not "inte besökt", in colour, legend and
    alt text."""
    from matplotlib.colors import to_hex

    from hso_eval import figures
    from hso_eval import indicators as ind

    data = _data(tmp_path, period="2024H2")
    table = report.published_indicators(data)
    k, n, now = ind.partners_visited_summary(table, data.project, "period")
    k_all, _, ever = ind.partners_visited_summary(table, data.project, "cumulative")
    assert (k, k_all, n) == (3, 7, 7)
    label = next(label for label, _ in report.key_figures(data) if label.startswith("Besökta"))
    assert f"{k_all} av {n} sedan start" in label
    fig = figures.partner_map(table, data.project)
    patches = [p for p in fig.axes[0].patches if p.get_gid()]
    colour = {p.get_gid(): to_hex(p.get_facecolor()).upper() for p in patches}
    short = {p.municipality: p.short for p in data.project.visit_partners}
    assert {short[m] for m, c in colour.items() if c == figures.VISITED_COLOUR.upper()} == set(now)
    before = {short[m] for m, c in colour.items() if c == figures.VISITED_BEFORE_COLOUR.upper()}
    assert before == set(ever) - set(now) and len(before) == k_all - k
    assert figures.NOT_VISITED_COLOUR.upper() not in colour.values()
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert "Besökt tidigare" in legend
    alt = figures.alt_text(fig)
    assert f"sedan projektstart {k_all} av {n}" in alt and "Inte besökt" not in alt


def test_partners_visited_has_its_target_since_the_start_only_in_every_place(tmp_path):
    """params/project.yaml sets 7 partners visited since the start, and no half-year target.
    The indicator appendix, the chart "Utfall mot målvärden" and Sweco's indikatorer.csv all
    say so: 2024H2's period value (3) is set against no invented "3 av 7"."""
    import csv

    from hso_eval import evaluation, figures

    data = _data(tmp_path, period="2024H2")
    assert data.project.target("partners_visited", "period") is None
    summary = report.indicator_summary(data).set_index("indicator")
    assert summary.loc["Besökta projektparter", "target"] == "7 sedan start (exempel)"
    alt = figures.alt_text(
        figures.progress_against_targets(report.published_indicators(data), data.project)
    )
    visits = next(s for s in alt.split("; ") if "Besökta projektparter" in s)
    assert visits.startswith("Besökta projektparter: sedan projektstart 7 av 7")
    assert "perioden" not in visits
    out = evaluation.build_package(data, tmp_path / "paket")
    with (out / "indikatorer.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["indicator"] == "partners_visited"]
    target = {r["scope"]: r["target"] for r in rows if r["dimension"] == "total"}
    assert target == {"period": "", "cumulative": "7"}


def test_an_unset_partner_target_is_all_partners_in_every_place(tmp_path):
    """Without a partners_visited target in the configuration, "k av n" since the start is set
    against n: the appendix says "7 sedan start", as the progress chart does, not "–"."""
    from hso_eval import figures

    text = (ROOT / "params/project.yaml").read_text(encoding="utf-8")
    line = "  - {indicator: partners_visited, scope: cumulative, value: 7, exempel: true}\n"
    assert line in text
    project = tmp_path / "project.yaml"
    project.write_text(text.replace(line, ""), encoding="utf-8")
    data = load_period(
        period="2024H2",
        project=str(project),
        activities=str(ROOT / "data/demo/aktiviteter.xlsx"),
        participants=str(ROOT / "data/demo/deltagare.csv"),
        pseudonym_key_file=str(ROOT / "data/demo/demo-nyckel.txt"),
    )
    assert data.project.target("partners_visited", "cumulative") is None
    summary = report.indicator_summary(data).set_index("indicator")
    assert summary.loc["Besökta projektparter", "target"] == "7 sedan start"
    alt = figures.alt_text(
        figures.progress_against_targets(report.published_indicators(data), data.project)
    )
    assert "Besökta projektparter: sedan projektstart 7 av 7" in alt


def test_every_share_on_the_page_has_one_decimal(tmp_path):
    """2024H2's appendix showed "50,8 %" beside "51 %". Every share on the page, in the
    indicator appendix and in the charts' alt text, is now written with one decimal, rounded
    half-up: "51,0 %"."""
    import html

    from hso_eval import figures

    data = _data(tmp_path, period="2024H2")
    table = report.published_indicators(data)
    appendix = html.unescape(re.sub(r"<[^>]+>", " ", report.indicators_html(data)))
    alts = [
        figures.alt_text(fig)
        for fig in (
            figures.participations_by_gender(
                data.participations, data.activities, data.period, data.project
            ),
            figures.participations_by_organisation_type(table, data.project),
            figures.progress_against_targets(table, data.project),
        )
    ]
    shares = re.findall(r"[\d\u00a0,]+\u00a0%", " ".join([appendix, *alts]))
    assert len(shares) >= 10  # the appendix and the alt texts have some
    assert all(re.fullmatch(r"\d+(\u00a0\d{3})*,\d\u00a0%", s.strip()) for s in shares), shares
    women = table[(table["indicator"] == "share_women") & (table["dimension"] == "total")]
    assert women.set_index("scope")["display"].to_dict() == {
        "period": "50,8\u00a0%",
        "cumulative": "51,0\u00a0%",
    }
