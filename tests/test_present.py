"""Tests for hso_eval.present: Swedish formatting and safe HTML."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from hso_eval.present import (
    NBSP,
    REPORT_CSS,
    format_date_iso,
    format_date_prose,
    format_date_range,
    format_datetime_iso,
    format_datetime_prose,
    format_number,
    format_percent,
    html_table,
    key_figures_html,
    markdown_to_html,
    narrative_section,
    section_html,
    split_narrative,
)

# -- numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "expected"),
    [
        (0, 0, "0"),
        (0.0, 1, "0,0"),
        (7, 0, "7"),
        (1234, 0, f"1{NBSP}234"),
        (1234567.5, 0, f"1{NBSP}234{NBSP}568"),
        (1234567.5, 1, f"1{NBSP}234{NBSP}567,5"),
        (12.5, 1, "12,5"),
        (2.5, 0, "3"),
        (-1234, 0, f"\u22121{NBSP}234"),
        (-0.4, 0, "0"),
        (np.int64(1000), 0, f"1{NBSP}000"),
        (np.float64(0.125), 2, "0,13"),
    ],
)
def test_format_number_swedish(value: object, decimals: int, expected: str) -> None:
    """Numbers get no-break-space thousands, a decimal comma, half-up rounding and a real minus."""
    assert format_number(value, decimals) == expected


@pytest.mark.parametrize("missing", [None, float("nan"), np.nan, pd.NA, pd.NaT])
def test_format_number_missing_is_dash(missing: object) -> None:
    """A missing value shows as an en dash."""
    assert format_number(missing) == "–"
    assert format_percent(missing) == "–"


@pytest.mark.parametrize("bad", ["12", True, object()])
def test_format_number_rejects_non_numbers(bad: object) -> None:
    """Text and booleans are not silently formatted as numbers."""
    with pytest.raises(TypeError):
        format_number(bad)


@pytest.mark.parametrize(
    ("share", "decimals", "expected"),
    [
        (0.48, 0, f"48{NBSP}%"),
        (0, 0, f"0{NBSP}%"),
        (1, 0, f"100{NBSP}%"),
        (0.4849, 1, f"48,5{NBSP}%"),
        (-0.05, 0, f"\u22125{NBSP}%"),
        (12.345, 0, f"1{NBSP}235{NBSP}%"),
    ],
)
def test_format_percent(share: float, decimals: int, expected: str) -> None:
    """A share 0–1 becomes a Swedish percentage with a space before the sign."""
    assert format_percent(share, decimals) == expected


def test_format_percent_shows_one_decimal_unless_told() -> None:
    """By default a share has one decimal, also when it is whole ("51,0 %", not "51 %"), and
    is rounded half-up: 0.5085 is 50,85 %, shown "50,9 %"."""
    assert format_percent(0.51) == f"51,0{NBSP}%"
    assert format_percent(0.5085) == f"50,9{NBSP}%"
    assert format_percent(0.50849) == f"50,8{NBSP}%"


@given(st.floats(min_value=-1e12, max_value=1e12, allow_nan=False))
def test_format_number_reads_back(x: float) -> None:
    """Removing the spaces and turning the comma into a point gives the rounded number back."""
    text = format_number(x, 2)
    assert re.fullmatch(r"\u2212?\d{1,3}(\u00a0\d{3})*,\d{2}", text)
    back = float(text.replace(NBSP, "").replace(",", ".").replace("\u2212", "-"))
    assert back == pytest.approx(x, abs=0.0051)


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        dt.date(2024, 6, 12),
        dt.datetime(2024, 6, 12, 15, 30),
        pd.Timestamp("2024-06-12"),
        "2024-06-12",
    ],
)
def test_format_date_prose(value: object) -> None:
    """Dates read as '12 juni 2024' in prose, whatever type they come in."""
    assert format_date_prose(value) == "12 juni 2024"


def test_format_date_prose_has_no_leading_zero() -> None:
    """The day has no leading zero and the month is lower case."""
    assert format_date_prose(dt.date(2025, 1, 3)) == "3 januari 2025"


def test_dates_missing_are_dash() -> None:
    """NaT and None show as an en dash in prose and in ISO."""
    assert format_date_prose(pd.NaT) == "–"
    assert format_date_iso(None) == "–"


def test_format_date_iso() -> None:
    """Tables show ISO dates."""
    assert format_date_iso(pd.Timestamp("2024-09-03 10:00")) == "2024-09-03"


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        ("2024-10-24", "2024-10-25", "24–25 oktober 2024"),
        ("2024-06-30", "2024-07-02", "30 juni – 2 juli 2024"),
        ("2024-12-30", "2025-01-02", "30 december 2024 – 2 januari 2025"),
        ("2024-09-12", "2024-09-12", "12 september 2024"),
        ("2024-09-12", None, "12 september 2024"),
        ("2024-09-12", pd.NaT, "12 september 2024"),
    ],
)
def test_format_date_range(start: object, end: object, expected: str) -> None:
    """Ranges take the shortest form, without spaces around the dash only between simple parts."""
    assert format_date_range(start, end) == expected


# -- tables ----------------------------------------------------------------------------------


def test_html_table_escapes_every_cell_header_and_caption() -> None:
    """A title '<script>' from a sheet comes out as text, never as markup."""
    frame = pd.DataFrame({"title": ["<script>alert(1)</script>", 'a "b" & c']})
    out = html_table(frame, {"title": "Titel <i>"}, caption="<b>Aktiviteter</b>")
    assert "<script>" not in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "a &quot;b&quot; &amp; c" in out
    assert "Titel &lt;i&gt;" in out
    assert "<caption>&lt;b&gt;Aktiviteter&lt;/b&gt;</caption>" in out
    assert out.startswith('<table class="hso-table">')


def test_html_table_formats_numbers_dates_and_missing() -> None:
    """Numbers are Swedish and right-aligned, dates ISO, NA an en dash; headers are Swedish."""
    frame = pd.DataFrame(
        {
            "name": ["AP1", "AP2"],
            "count": pd.array([1234, None], dtype="Int64"),
            "mean": [12.5, 3.0],
            "share": [0.48, np.nan],
            "day": pd.to_datetime(["2024-06-12", None]),
        }
    )
    out = html_table(
        frame,
        {
            "name": "Arbetspaket",
            "count": "Antal",
            "mean": "Medel",
            "share": "Andel",
            "day": "Datum",
        },
        percent_columns=["share"],
    )
    rows = re.findall(r"<tr>(.*?)</tr>", out)
    assert re.findall(r"<th[^>]*>(.*?)</th>", rows[0]) == [
        "Arbetspaket",
        "Antal",
        "Medel",
        "Andel",
        "Datum",
    ]
    first = re.findall(r"<td([^>]*)>(.*?)</td>", rows[1])
    assert [text for _, text in first] == [
        "AP1",
        f"1{NBSP}234",
        "12,5",
        f"48,0{NBSP}%",
        '<span class="hso-date">2024-06-12</span>',
    ]
    assert "text-align: right" in first[1][0] and "text-align: right" not in first[0][0]
    second = [text for _, text in re.findall(r"<td([^>]*)>(.*?)</td>", rows[2])]
    assert second == ["AP2", "–", "3", "–", "–"]


def test_a_date_in_a_table_never_breaks_at_its_hyphens() -> None:
    """In a narrow column a range breaks between its dates, never inside one ("2024-05-" on one
    line and "20" on the next); a date inside other text ("HSO-2024-05-20") is left alone."""
    frame = pd.DataFrame({"when": ["2024-05-20 – 2024-06-28", "HSO-2024-05-20 <b>"]})
    out = html_table(frame, {"when": "Datum"})
    cells = re.findall(r"<td>(.*?)</td>", out)
    date = '<span class="hso-date">{}</span>'
    assert cells == [
        f"{date.format('2024-05-20')} – {date.format('2024-06-28')}",
        "HSO-2024-05-20 &lt;b&gt;",
    ]
    assert ".hso-date { white-space: nowrap; }" in REPORT_CSS


def test_a_long_path_in_a_table_may_wrap_at_its_slashes() -> None:
    """datakvalitet.html's row accounting named an input by a long absolute path, and the
    table scrolled sideways at 1280 px, hiding its last column. A long path (or address) may
    now wrap after each "/" (`<wbr>`, which copying leaves out); short ones and dates such as
    12/6/2024 are left alone, and the cell is still escaped."""
    long = "/srv/hso/projektkontoret/delade_filer/2025/deltagare<ny>.csv"
    frame = pd.DataFrame({"file": [long, "data/raw/deltagare.csv", "12/6/2024"]})
    cells = re.findall(r"<td>(.*?)</td>", html_table(frame, {"file": "Fil"}))
    assert cells[0] == (
        "/<wbr>srv/<wbr>hso/<wbr>projektkontoret/<wbr>delade_filer/<wbr>2025/<wbr>"
        "deltagare&lt;ny&gt;.csv"
    )
    assert re.sub("<wbr>", "", cells[0]) == long.replace("<", "&lt;").replace(">", "&gt;")
    assert cells[1:] == ["data/raw/deltagare.csv", "12/6/2024"]


def test_html_table_shows_suppressed_text_in_number_column() -> None:
    """A suppressed '<5' in a number column stays visible, escaped."""
    frame = pd.DataFrame({"n": ["<5", 12]}, dtype=object)
    out = html_table(frame, {"n": "Antal"}, number_columns=["n"])
    assert "&lt;5" in out and ">12<" in out


def test_html_table_empty_frame_says_so() -> None:
    """An empty table has its headers and one row saying there is nothing."""
    out = html_table(pd.DataFrame({"a": []}), {"a": "Aktivitet"}, empty_text="Inga aktiviteter.")
    assert "Aktivitet" in out and 'colspan="1">Inga aktiviteter.</td>' in out


def test_html_table_unknown_column_names_found_columns() -> None:
    """Asking for a column that is not there names the columns that are."""
    with pytest.raises(KeyError, match=r"finns inte.*'a'"):
        html_table(pd.DataFrame({"a": [1]}), {"b": "B"})


# -- narrative -------------------------------------------------------------------------------

NARRATIVE = """# Halvårsrapport 2024H1

Förord.

## Inledning
Ett halvår går fort.

### Underrubrik
Mer text.

##  Kommunikation och information  ##

Hemsidan är klar.

```
## inte en rubrik
```
"""


def test_split_narrative_by_level_two_headings() -> None:
    """Level-2 headings split the text; level 3 and fenced '##' stay inside a section."""
    sections = split_narrative(NARRATIVE)
    assert list(sections) == ["", "Inledning", "Kommunikation och information"]
    assert sections[""] == "# Halvårsrapport 2024H1\n\nFörord."
    assert sections["Inledning"] == "Ett halvår går fort.\n\n### Underrubrik\nMer text."
    assert "## inte en rubrik" in sections["Kommunikation och information"]


def test_narrative_section_ignores_case_and_spaces() -> None:
    """A heading is found whatever its case and surrounding spaces."""
    sections = split_narrative(NARRATIVE)
    assert (
        narrative_section(sections, "  kommunikation  OCH information")
        == "Hemsidan är klar.\n\n```\n## inte en rubrik\n```"
    )


def test_narrative_section_missing_is_empty() -> None:
    """A heading the leader did not write gives an empty string, not an error."""
    assert narrative_section(split_narrative(NARRATIVE), "Organisation") == ""
    assert narrative_section({}, "Inledning") == ""


def test_split_narrative_joins_repeated_heading() -> None:
    """A heading written twice keeps both sections' text."""
    sections = split_narrative("## A\nett\n## B\ntvå\n## a\ntre\n")
    assert sections == {"A": "ett", "B": "två", "a": "tre"}
    assert split_narrative("## A\nett\n## A\ntre") == {"A": "ett\n\ntre"}


# -- markdown --------------------------------------------------------------------------------


def test_markdown_basic_blocks_and_inline() -> None:
    """Paragraphs, bold, italic, bullet lists and http links become HTML."""
    out = markdown_to_html(
        "Vi har **fått** *mycket* gjort.\nFortsättning.\n\n- ett\n- två [RVN](https://rvn.se)\n"
    )
    assert out == (
        "<p>Vi har <strong>fått</strong> <em>mycket</em> gjort.\nFortsättning.</p>\n"
        '<ul><li>ett</li><li>två <a href="https://rvn.se">RVN</a></li></ul>'
    )


def test_markdown_keeps_what_the_writer_meant_of_numbers_headings_code_and_images() -> None:
    """A numbered list continued after a paragraph keeps its numbers; a '#' heading inside a
    section stays below the report's own headings; a fenced block is shown as written (its
    '##' no heading, its HTML escaped); an image is a link to it, without a stray '!'."""
    assert markdown_to_html("3. tredje\n4. fjärde") == (
        '<ol start="3"><li>tredje</li><li>fjärde</li></ol>'
    )
    assert markdown_to_html("1. ett\n2. två").startswith("<ol><li>")
    assert markdown_to_html("# Stor\n\n### Liten") == "<h3>Stor</h3>\n<h3>Liten</h3>"
    assert markdown_to_html("Före\n```\n## inte en rubrik\n<b>x</b>\n```\nEfter") == (
        "<p>Före</p>\n<pre><code>## inte en rubrik\n&lt;b&gt;x&lt;/b&gt;</code></pre>\n<p>Efter</p>"
    )
    assert markdown_to_html("![Bild på Almedalen](https://example.com/bild.png)") == (
        '<p><a href="https://example.com/bild.png">Bild på Almedalen</a></p>'
    )


def test_markdown_links_a_bare_address_without_the_sentence_around_it() -> None:
    """A bare https:// address, or one in <…>, is a link as in GitHub's Markdown: the full stop,
    comma or parenthesis that closes the sentence is not part of it, one inside the address is,
    '&' is escaped in the href, and an underscore in it makes no italics. An address a name was
    taken out of, or one without a host, stays text."""
    assert markdown_to_html("Se https://rvn.se.") == (
        '<p>Se <a href="https://rvn.se">https://rvn.se</a>.</p>'
    )
    assert markdown_to_html("(läs https://sv.wikipedia.org/wiki/Fisk_(djur)), sen") == (
        '<p>(läs <a href="https://sv.wikipedia.org/wiki/Fisk_(djur)">'
        "https://sv.wikipedia.org/wiki/Fisk_(djur)</a>), sen</p>"
    )
    assert markdown_to_html("Anmälan: <https://hso.example/a_b_c?x=1&y=2>!") == (
        '<p>Anmälan: <a href="https://hso.example/a_b_c?x=1&amp;y=2">'
        "https://hso.example/a_b_c?x=1&amp;y=2</a>!</p>"
    )
    assert markdown_to_html("[rvn](https://rvn.se) och **https://hso.example**") == (
        '<p><a href="https://rvn.se">rvn</a> och <strong><a href="https://hso.example">'
        "https://hso.example</a></strong></p>"
    )
    assert markdown_to_html("(Mer finns på https://rvn.se/hso.) Och _https://rvn.se_.") == (
        '<p>(Mer finns på <a href="https://rvn.se/hso">https://rvn.se/hso</a>.) Och '
        '<em><a href="https://rvn.se">https://rvn.se</a></em>.</p>'
    )
    assert markdown_to_html("(se **https://rvn.se/hso**), ”https://rvn.se”") == (
        '<p>(se <strong><a href="https://rvn.se/hso">https://rvn.se/hso</a></strong>), '
        '”<a href="https://rvn.se">https://rvn.se</a>”</p>'
    )
    for text in ("profil https://linkedin.example/in/[namn borttaget] här", "https:// tom"):
        assert "<a" not in markdown_to_html(text)


def test_markdown_raw_html_shows_as_text() -> None:
    """Raw HTML in the narrative is escaped and shows as written."""
    out = markdown_to_html(
        '<b>Huvudprojektledare</b> <script>alert(1)</script> <img src=x onerror="x">'
    )
    assert "<b>" not in out and "<script>" not in out and "<img" not in out
    assert "&lt;b&gt;Huvudprojektledare&lt;/b&gt;" in out
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out


@pytest.mark.parametrize(
    "link",
    [
        "[klicka](javascript:alert(1))",
        "[klicka](JavaScript:alert)",
        "[klicka]( javascript:alert )",
        "[klicka](data:text/html,hej)",
        "[klicka](vbscript:x)",
        "[klicka](//evil.example)",
    ],
)
def test_markdown_drops_non_http_links(link: str) -> None:
    """A link to anything but http(s) keeps its text and loses the link."""
    out = markdown_to_html(f"Se {link} här.")
    assert "<a" not in out and "javascript" not in out.lower()
    assert "klicka" in out


def test_markdown_link_cannot_break_out_of_attribute() -> None:
    """Quotes in a URL are escaped, so no attribute can be injected."""
    out = markdown_to_html('[x](https://a.se/"onmouseover="alert(1))')
    assert 'href="https://a.se/&quot;onmouseover=&quot;alert(1)"' in out


def test_markdown_backslash_escapes_in_link_text() -> None:
    """The seed report's escaped parentheses render as plain parentheses."""
    out = markdown_to_html(r"[Stora samverkansrådet \(rvn.se\)](http://rvn.se)")
    assert out == '<p><a href="http://rvn.se">Stora samverkansrådet (rvn.se)</a></p>'


_ALLOWED = {"p", "strong", "em", "ul", "ol", "li", "a", "code", "br", "hr", "blockquote"} | {
    f"h{i}" for i in range(1, 7)
}


@given(
    st.one_of(
        st.text(alphabet=st.sampled_from(list("<>&\"'/=*_-[]()#`\\ \n:aAjsvcript1h")), max_size=80),
        st.lists(  # addresses with quotes, brackets and Markdown around and inside them
            st.sampled_from([*"<>&\"'/=*_-[]() \n.,a", "https://", "x.se", "[namn borttaget]"]),
            max_size=30,
        ).map("".join),
    )
)
def test_markdown_never_emits_foreign_tags(text: str) -> None:
    """Whatever the narrative holds, only the converter's own tags and http(s) links come out."""
    out = markdown_to_html(text)
    for tag in re.findall(r"<\s*/?\s*([a-zA-Z0-9]+)", out):
        assert tag in _ALLOWED
    for href in re.findall(r'href="([^"]*)"', out):
        assert href.lower().startswith(("http://", "https://"))
    assert "<a " not in out or all(
        attrs.startswith('href="') and attrs.count('"') == 2
        for attrs in re.findall(r"<a ([^>]*)>", out)
    )


# -- blocks ----------------------------------------------------------------------------------


def test_key_figures_html_escapes_and_keeps_order() -> None:
    """Each (label, value) becomes a tile, in order, with both escaped."""
    out = key_figures_html([("Genomförda aktiviteter", "32"), ("Besökta <parter>", "4 av 7")])
    assert out.count('class="hso-keyfigure"') == 2
    assert out.index("Genomförda aktiviteter") < out.index("Besökta &lt;parter&gt;")
    assert "4 av 7" in out and "<parter>" not in out


def test_section_html_notes_missing_narrative() -> None:
    """A section without narrative says the text is missing, and still shows the extra HTML."""
    out = section_html("Inledning <1>", "  ", extra_html="<div>nyckeltal</div>")
    assert "<h2>Inledning &lt;1&gt;</h2>" in out
    assert "saknas" in out and "<div>nyckeltal</div>" in out


def test_section_html_renders_narrative() -> None:
    """A section with narrative shows it as HTML and no missing-text note."""
    out = section_html("Inledning", "Ett **halvår**.")
    assert "<p>Ett <strong>halvår</strong>.</p>" in out and "saknas" not in out


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        ("2026-11-27T07:20:54+00:00", "27 november 2026 kl. 08.20"),  # winter: UTC+1
        ("2026-06-30T22:05:00+00:00", "1 juli 2026 kl. 00.05"),  # summer: UTC+2, next day
        ("2026-03-29T03:30:00+02:00", "29 mars 2026 kl. 03.30"),  # already Swedish summer time
    ],
)
def test_format_datetime_prose_on_the_swedish_clock(moment: str, expected: str) -> None:
    """A time in prose is the day as a Swede writes it and the time as a Swedish clock shows
    it, "kl. 08.20"."""
    assert format_datetime_prose(moment) == expected
    assert format_datetime_prose(dt.datetime.fromisoformat(moment)) == expected


def test_format_datetime_without_the_time_zone_database_says_utc(monkeypatch) -> None:
    """Where the time-zone database is missing, the time is given in UTC and says so, rather
    than passing UTC off as Swedish time."""
    import zoneinfo

    def missing(key: str):
        raise zoneinfo.ZoneInfoNotFoundError(f"No time zone found with key {key}")

    monkeypatch.setattr(zoneinfo, "ZoneInfo", missing)
    assert format_datetime_prose("2026-11-27T07:20:54+00:00") == "27 november 2026 kl. 07.20 UTC"
    assert format_datetime_iso("2026-11-27T07:20:54+00:00") == "2026-11-27 07.20 UTC"


def test_a_moment_in_a_message_is_on_the_swedish_clock() -> None:
    """A message's time (when a running job started) is the Swedish clock's, also when the
    server writes UTC; a text that is no time is shown as it is."""
    from hso_eval.clock import swedish_moment_text

    assert swedish_moment_text("2026-11-27T15:53:58+00:00") == "2026-11-27 kl. 16.53"
    assert swedish_moment_text("2026-06-30T22:05:00+00:00") == "2026-07-01 kl. 00.05"
    assert swedish_moment_text("?") == "?"


def test_format_datetime_iso_for_tables() -> None:
    """In a table (the index page's "Körd"), ISO date and Swedish clock time; missing -> "–"."""
    assert format_datetime_iso("2026-11-27T07:20:54+00:00") == "2026-11-27 08.20"
    assert format_datetime_iso("") == "–"
