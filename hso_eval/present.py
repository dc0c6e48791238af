"""Swedish formatting and safe HTML for the reports.

Conventions (design card, "All text is in Swedish"):

* **Numbers**: a space as the thousands separator and a decimal comma: ``1 234``, ``12,5``.
  The space is always U+00A0 (no-break space), here and in the figures' axes, so a number never
  wraps across lines in a browser; it looks and prints like an ordinary space. A negative number
  takes the minus sign U+2212 (``−3``), as Swedish typography prefers. Rounding is half-up
  (``2,5`` -> ``3``), as people expect, not Python's round-half-to-even.
* **Percent**: a share (0–1) shown with a no-break space before the sign and one decimal,
  rounded half-up, wherever a share is shown: ``48,0 %``.
* **Missing values** (None, NaN, NA, NaT) show as an en dash ``–``.
* **Dates**: ``12 juni 2024`` in prose (no leading zero), ISO ``2024-06-12`` in tables; ranges
  ``24–25 oktober 2024``, ``30 juni – 2 juli 2024``.
* **HTML**: every value that came from a sheet or a narrative is escaped. The small Markdown
  converter here never passes raw HTML through, and makes links only for http(s) addresses.

Why not markdown-it-py: it is importable in the development venv, but only as a dependency of a
dev tool (frictionless -> typer -> rich), not of anything the report needs at run time; a plain
install of hso_eval would lack it. The narrative uses a small subset of Markdown, so a converter of
~100 lines that escapes everything first is both smaller and easier to audit.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import numbers
import re
from collections.abc import Iterable, Mapping
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

import pandas as pd

from hso_eval.clock import swedish_time

NBSP = "\u00a0"
MINUS = "\u2212"
DASH = "–"  # en dash: missing value, and ranges

MONTHS: tuple[str, ...] = (
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
)
MONTHS_SHORT: tuple[str, ...] = tuple(m[:3] for m in MONTHS)


# ---------------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------------
def is_missing(value: object) -> bool:
    """True for None, NaN, pandas NA and NaT (and never raises on other values)."""
    if value is None:
        return True
    if isinstance(value, str | bytes):
        return False
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # array-likes are not missing scalars
        return False


def _to_decimal(x: object) -> Decimal:
    if isinstance(x, bool) or not isinstance(x, numbers.Real | Decimal):
        raise TypeError(f"format_number: {x!r} är inget tal")
    try:
        return Decimal(str(x))
    except InvalidOperation as exc:  # pragma: no cover - str() of a Real always parses
        raise TypeError(f"format_number: {x!r} är inget tal") from exc


def format_number(x: object, decimals: int = 0) -> str:
    """``1234.5`` -> ``"1 234,5"`` with U+00A0 between groups; NaN/None/NA -> ``"–"``.

    `decimals` digits after the comma (half-up rounding). Negative numbers get U+2212; a value
    that rounds to zero never shows as ``−0``. Infinite values show as ``∞`` / ``−∞``.
    """
    if is_missing(x):
        return DASH
    value = _to_decimal(x)
    if value.is_infinite():
        return "∞" if value > 0 else f"{MINUS}∞"
    quantum = Decimal(1).scaleb(-decimals)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    negative = rounded < 0
    text = f"{abs(rounded):,.{decimals}f}"  # "1,234.50"
    text = text.replace(",", NBSP).replace(".", ",")
    return f"{MINUS}{text}" if negative else text


def format_percent(share: object, decimals: int = 1) -> str:
    """A share 0–1 as a Swedish percentage: ``0.48`` -> ``"48,0 %"`` (U+00A0 before %).

    One decimal unless `decimals` says otherwise, rounded half-up (`format_number`): every share
    the report shows is written so, in tables, charts and alt text alike. (An axis's ticks are
    marks on a scale, not shares, and are written with `decimals=0`.)
    """
    if is_missing(share):
        return DASH
    return f"{format_number(_to_decimal(share) * 100, decimals)}{NBSP}%"


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------
def _to_date(d: object) -> dt.date | None:
    if is_missing(d):
        return None
    if isinstance(d, pd.Timestamp | dt.datetime):
        return d.date()
    if isinstance(d, dt.date):
        return d
    try:
        return pd.Timestamp(d).date()  # type: ignore[arg-type]
    except (TypeError, ValueError) as exc:
        raise TypeError(f"{d!r} är inget datum") from exc


def format_date_prose(d: object) -> str:
    """``2024-06-12`` -> ``"12 juni 2024"``; missing -> ``"–"``."""
    day = _to_date(d)
    if day is None:
        return DASH
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def format_date_iso(d: object) -> str:
    """``"2024-06-12"``; missing -> ``"–"``."""
    day = _to_date(d)
    return DASH if day is None else day.isoformat()


def format_datetime_prose(moment: object) -> str:
    """A time in Swedish prose on the Swedish clock: ``"27 november 2026 kl. 08.20"``.

    `moment` is a datetime or an ISO string (``2026-11-27T07:20:54+00:00``); summer time is
    Europe/Stockholm's. Where the time-zone database is missing it is given in UTC and says so:
    ``"27 november 2026 kl. 07.20 UTC"``. Missing -> ``"–"``.
    """
    if is_missing(moment) or moment == "":
        return DASH
    local, swedish = swedish_time(moment)
    text = f"{format_date_prose(local.date())} kl. {local.hour:02d}.{local.minute:02d}"
    return text if swedish else f"{text} UTC"


def format_datetime_iso(moment: object) -> str:
    """For a table: ``"2026-11-27 08.20"`` on the Swedish clock (``… UTC`` without the tz
    database); missing -> ``"–"``."""
    if is_missing(moment) or moment == "":
        return DASH
    local, swedish = swedish_time(moment)
    text = f"{local.date().isoformat()} {local.hour:02d}.{local.minute:02d}"
    return text if swedish else f"{text} UTC"


def format_date_range(start: object, end: object) -> str:
    """A date range in prose, shortest unambiguous form, Swedish dash rules.

    ``24–25 oktober 2024`` (same month: dash without spaces), ``30 juni – 2 juli 2024``
    (same year), ``30 december 2024 – 2 januari 2025``; one day, or no end, is one date.
    """
    first, last = _to_date(start), _to_date(end)
    if first is None:
        return format_date_prose(last)
    if last is None or last == first:
        return format_date_prose(first)
    if last < first:  # written as given; the data-quality report flags it
        return f"{format_date_prose(first)} – {format_date_prose(last)}"
    if (first.year, first.month) == (last.year, last.month):
        return f"{first.day}–{last.day} {MONTHS[last.month - 1]} {last.year}"
    if first.year == last.year:
        return f"{first.day} {MONTHS[first.month - 1]} – {format_date_prose(last)}"
    return f"{format_date_prose(first)} – {format_date_prose(last)}"


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------
_RIGHT = ' class="num" style="text-align: right"'


def _format_cell(value: object, kind: str, decimals: int | None) -> str:
    """One cell as (unescaped) text."""
    if is_missing(value):
        return DASH
    if kind == "percent":
        if isinstance(value, numbers.Real):
            return format_percent(value, 1 if decimals is None else decimals)
        return str(value)
    if kind == "number":
        if isinstance(value, bool):
            return "ja" if value else "nej"
        if isinstance(value, numbers.Real | Decimal):
            if decimals is None:
                integral = float(value).is_integer() if math.isfinite(float(value)) else True
                return format_number(value, 0 if integral else 1)
            return format_number(value, decimals)
        return str(value)  # e.g. a suppressed "<5"
    if kind == "date":
        return format_date_iso(value)
    if isinstance(value, bool):
        return "ja" if value else "nej"
    return str(value)


def _column_kind(series: pd.Series, numbers_: set[str], percents: set[str]) -> str:
    name = series.name
    if name in percents:
        return "percent"
    if name in numbers_:
        return "number"
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return "date"
    return "text"


def html_table(
    frame: pd.DataFrame,
    columns: Mapping[str, str] | None = None,
    caption: str | None = None,
    number_columns: Iterable[str] | None = None,
    percent_columns: Iterable[str] = (),
    decimals: int | Mapping[str, int] | None = None,
    empty_text: str = "Inga uppgifter för perioden.",
) -> str:
    """An HTML table (``class="hso-table"``) with Swedish headers and every cell escaped.

    `columns` maps column -> Swedish header and picks and orders the columns (default: all, with
    their own names). `number_columns` are right-aligned and formatted as Swedish numbers
    (default: the numeric, non-boolean columns); a string in such a column, e.g. a suppressed
    ``"<5"``, is shown as it is. `percent_columns` hold shares 0–1, shown as ``48,0 %``.
    `decimals` per table or per column; None shows whole numbers without decimals and others
    with one. Datetime columns show ISO dates; NA shows ``–``. An empty frame gives one row
    with `empty_text`.
    """
    columns = dict(columns) if columns is not None else {str(c): str(c) for c in frame.columns}
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(
            f"html_table: kolumnerna {missing} finns inte i tabellen. "
            f"Tabellens kolumner: {list(frame.columns)}"
        )
    percents = set(percent_columns)
    if number_columns is None:
        numbers_ = {
            c
            for c in columns
            if pd.api.types.is_numeric_dtype(frame[c].dtype)
            and not pd.api.types.is_bool_dtype(frame[c].dtype)
        }
    else:
        numbers_ = set(number_columns)
    numbers_ -= percents

    kinds = {c: _column_kind(frame[c].rename(c), numbers_, percents) for c in columns}

    def decimals_for(column: str) -> int | None:
        if isinstance(decimals, Mapping):
            return decimals.get(column)
        return decimals

    parts = ['<table class="hso-table">']
    if caption:
        parts.append(f"<caption>{html.escape(caption)}</caption>")
    header = "".join(
        f'<th scope="col"{_RIGHT if kinds[c] in ("number", "percent") else ""}>'
        f"{html.escape(str(label))}</th>"
        for c, label in columns.items()
    )
    parts.append(f"<thead><tr>{header}</tr></thead>")
    parts.append("<tbody>")
    if frame.empty:
        parts.append(f'<tr><td colspan="{len(columns)}">{html.escape(empty_text)}</td></tr>')
    else:
        cells_by_column = {
            c: [(_format_cell(v, kinds[c], decimals_for(c)), kinds[c]) for v in frame[c].tolist()]
            for c in columns
        }
        for i in range(len(frame)):
            row = []
            for c in columns:
                text, kind = cells_by_column[c][i]
                align = _RIGHT if kind in ("number", "percent") else ""
                row.append(
                    f"<td{align}>{_unbroken_dates(_breakable_paths(html.escape(text)))}</td>"
                )
            parts.append(f"<tr>{''.join(row)}</tr>")
    parts.append("</tbody></table>")
    return "\n".join(parts)


#: A long word with slashes (a file path, a web address): a table cannot wrap it and would
#: scroll sideways, hiding its last columns.
_LONG_PATH = re.compile(r"[^\s/]*(?:/[^\s/]*){2,}")
_PATH_MIN = 30


def _breakable_paths(escaped: str) -> str:
    """An escaped cell where a long path may wrap after each "/" (`<wbr>`: a line-break
    opportunity that copying the text leaves out)."""
    return _LONG_PATH.sub(
        lambda m: m.group(0).replace("/", "/<wbr>") if len(m.group(0)) >= _PATH_MIN else m.group(0),
        escaped,
    )


#: An ISO date in a cell: the browser would break a narrow column at its hyphens.
_ISO_DATE_TEXT = re.compile(r"(?<![\w-])\d{4}-\d{2}-\d{2}(?![\w-])")


def _unbroken_dates(escaped: str) -> str:
    """An escaped cell with each ISO date kept on one line (a range still breaks at " – ")."""
    return _ISO_DATE_TEXT.sub(r'<span class="hso-date">\g<0></span>', escaped)


# ---------------------------------------------------------------------------------------------
# Narrative: split by heading, and a small safe Markdown converter
# ---------------------------------------------------------------------------------------------
H2 = re.compile(r"^ {0,3}##(?!#)[ \t]*(.*?)(?:[ \t]+#+)?[ \t]*$")
FENCE = re.compile(r"^ {0,3}(```|~~~)")


def _heading_key(text: str) -> str:
    return " ".join(text.split()).casefold()


def split_narrative(markdown: str) -> dict[str, str]:
    """Split the project leader's Markdown by level-2 headings: {heading: section markdown}.

    Headings keep their text (trimmed, trailing ``#`` removed); a section is the text up to the
    next ``## `` heading, without the heading and without blank lines around it. Text before the
    first heading is kept under ``""`` when it is not blank. A heading that appears twice gets
    both sections, joined by a blank line. ``##`` inside fenced code is not a heading.
    """
    sections: dict[str, list[str]] = {}
    order: list[str] = []
    current = ""
    lines: list[str] = []
    in_fence = False

    def flush() -> None:
        body = "\n".join(lines).strip("\n")
        if body.strip() or current:
            if current not in sections:
                sections[current] = []
                order.append(current)
            if body.strip():
                sections[current].append(body)

    for line in markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if FENCE.match(line):
            in_fence = not in_fence
        match = None if in_fence else H2.match(line)
        if match:
            flush()
            current = match.group(1).strip()
            lines = []
        else:
            lines.append(line)
    flush()
    return {h: "\n\n".join(sections[h]) for h in order}


def narrative_section(narrative: Mapping[str, str], heading: str) -> str:
    """The section under `heading` (case and spaces ignored), or ``""`` when there is none."""
    wanted = _heading_key(heading)
    for key, text in narrative.items():
        if _heading_key(key) == wanted:
            return text
    return ""


_ESCAPABLE = r"\\`*_{}\[\]()#+\-.!<>|~\""
_BACKSLASH = re.compile(rf"\\([{_ESCAPABLE}])")
_CODE = re.compile(r"(`+)(.+?)\1", re.S)
_LINK = re.compile(
    r"\[([^\[\]]+)\]\(\s*((?:[^()\s]|\([^()\s]*\))+)(?:\s+&quot;[^\n]*?&quot;)?\s*\)"
)
_STRONG = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|__(?=\S)(.+?)(?<=\S)__", re.S)
_EM = re.compile(r"(?<!\*)\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?!\*)|(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)")
_IMAGE = re.compile(r"!(?=\[[^\[\]]+\]\()")
_SAFE_SCHEME = re.compile(r"^https?://", re.I)
#: A bare address in the escaped text, "<https://…>" included, after a space, a bracket or an
#: emphasis mark: it stops at a space, a quote (typographic ones too), an angle bracket or a
#: square bracket (no URL has one unescaped; "[namn borttaget]" starts with one).
#: `bare_link` in `_inline` takes the sentence's punctuation off its end.
_BARE_URL = re.compile(
    r"(?<![^\W_])(?<![/@.\-])(&lt;)?"
    r"(https?://(?:(?!&quot;|&#x27;|&lt;|&gt;)[^\s\x00<>\[\]”“»«’‘])+)(&gt;)?",
    re.I,
)
_SENTENCE_END = ".,;:!?*_~"
_HOLD = "\x00{}\x00"
_HELD = re.compile("\x00(\\d+)\x00")


def _emphasis(text: str) -> str:
    text = _STRONG.sub(lambda m: f"<strong>{m.group(1) or m.group(2)}</strong>", text)
    return _EM.sub(lambda m: f"<em>{m.group(1) or m.group(2)}</em>", text)


def _inline(text: str) -> str:
    """Inline Markdown to HTML. Everything is escaped first; only our own tags are added."""
    held: list[str] = []

    def hold(fragment: str) -> str:
        held.append(fragment)
        return _HOLD.format(len(held) - 1)

    text = text.replace("\x00", "")
    text = _CODE.sub(lambda m: hold(f"<code>{html.escape(m.group(2).strip())}</code>"), text)
    text = _BACKSLASH.sub(lambda m: hold(html.escape(m.group(1))), text)
    text = html.escape(text, quote=True)

    def link(m: re.Match[str]) -> str:
        label = _emphasis(m.group(1))
        url = html.unescape(_HELD.sub(lambda h: html.unescape(held[int(h.group(1))]), m.group(2)))
        if not _SAFE_SCHEME.match(url) or any(ch in url for ch in "\x00\n\r\t"):
            return hold(label)  # not http(s): keep the text, drop the link
        return hold(f'<a href="{html.escape(url, quote=True)}">{label}</a>')

    def bare_link(m: re.Match[str]) -> str:
        url, tail = html.unescape(m.group(2)), ""
        if not (m.group(1) and m.group(3)):  # <https://…> is the address exactly
            while url[-1] in _SENTENCE_END or (url[-1] == ")" and url.count("(") < url.count(")")):
                url, tail = url[:-1], url[-1] + tail  # "(se https://rvn.se/hso.)"
        if m.string.startswith("[", m.end(2)) or not re.search(r"://[^/?#.]", url):
            return m.group(0)  # a name taken out of it, or no host: not a link
        escaped = html.escape(url, quote=True)
        link = hold(f'<a href="{escaped}">{escaped}</a>')
        if m.group(1) and m.group(3):
            return link
        return (m.group(1) or "") + link + html.escape(tail, quote=True) + (m.group(3) or "")

    text = _IMAGE.sub("", text)  # an image: a link to it
    text = _LINK.sub(link, text)
    text = _BARE_URL.sub(bare_link, text)
    text = _emphasis(text)
    text = re.sub(r"(?: {2,}|\\)\n", hold("<br>\n"), text)
    while _HELD.search(text):
        text = _HELD.sub(lambda m: held[int(m.group(1))], text)
    return text


_BULLET = re.compile(r"^ {0,3}[-*+][ \t]+(.*)$")
_ORDERED = re.compile(r"^ {0,3}\d{1,9}[.)][ \t]+(.*)$")
_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$")
_RULE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_QUOTE = re.compile(r"^ {0,3}>[ \t]?(.*)$")


def markdown_to_html(text: str) -> str:
    """A small, safe Markdown -> HTML converter for the narrative.

    Supported: paragraphs, headings (``###`` …; a ``#`` or ``##`` inside a section is shown as
    ``###``, below the report's own headings), ``**bold**``, ``*italic*``, ``- `` and ``1. ``
    lists (one level; a numbered list keeps its first number), ``> `` quotes, ``---`` rules,
    inline code, fenced code blocks, hard breaks (two trailing spaces) and links
    ``[text](https://…)``, ``<https://…>`` and bare ``https://…`` (trailing punctuation is the
    sentence's, and an address a name was taken out of stays text); an image
    ``![text](https://…)`` is shown as a link to it (a report loads nothing from elsewhere).
    Everything else is text: raw HTML is escaped and shows as written, and a link to anything
    but http/https keeps its text and loses the link.
    """
    out: list[str] = []
    paragraph: list[str] = []
    items: list[list[str]] = []
    list_tag = ""
    list_start = 1
    quote: list[str] = []
    code: list[str] | None = None  # inside a fenced block: its lines

    def close_paragraph() -> None:
        if paragraph:
            out.append(f"<p>{_inline(chr(10).join(paragraph))}</p>")
            paragraph.clear()

    def close_list() -> None:
        nonlocal list_tag
        if items:
            body = "".join(f"<li>{_inline(chr(10).join(i))}</li>" for i in items)
            start = f' start="{list_start}"' if list_tag == "ol" and list_start != 1 else ""
            out.append(f"<{list_tag}{start}>{body}</{list_tag}>")
            items.clear()
        list_tag = ""

    def close_quote() -> None:
        if quote:
            out.append(f"<blockquote>{markdown_to_html(chr(10).join(quote))}</blockquote>")
            quote.clear()

    def close_all() -> None:
        close_paragraph()
        close_list()
        close_quote()

    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        if code is not None:  # inside a fenced block: as written, up to the closing fence
            if FENCE.match(line):
                out.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
                code = None
            else:
                code.append(line)
            continue
        if FENCE.match(line):
            close_all()
            code = []
            continue
        if not line.strip():
            close_all()
            continue
        if (m := _QUOTE.match(line)) is not None:
            close_paragraph()
            close_list()
            quote.append(m.group(1))
            continue
        close_quote()
        if _RULE.match(line) and not paragraph:
            close_all()
            out.append("<hr>")
        elif (m := _HEADING.match(line)) is not None:
            close_all()
            level = max(len(m.group(1)), 3)
            out.append(f"<h{level}>{_inline(m.group(2))}</h{level}>")
        elif (m := _BULLET.match(line)) is not None or (m := _ORDERED.match(line)) is not None:
            close_paragraph()
            tag = "ul" if _BULLET.match(line) else "ol"
            if list_tag and tag != list_tag:
                close_list()
            if not list_tag and tag == "ol":
                list_start = int(re.match(r"\s*(\d+)", line).group(1))  # type: ignore[union-attr]
            list_tag = tag
            items.append([m.group(1)])
        elif items and (line.startswith((" ", "\t")) or not paragraph):
            items[-1].append(line.strip())  # continuation of the last item
        else:
            close_list()
            paragraph.append(line.strip() if not line.endswith("  ") else line.lstrip())
    if code is not None:  # a fence never closed: the rest is code, as most editors show it
        out.append(f"<pre><code>{html.escape(chr(10).join(code))}</code></pre>")
    close_all()
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Report blocks
# ---------------------------------------------------------------------------------------------
def key_figures_html(items: Iterable[tuple[str, str]]) -> str:
    """The key-figures box: one tile per (label, already formatted value), both escaped."""
    tiles = "".join(
        '<div class="hso-keyfigure">'
        f'<div class="hso-keyfigure-value">{html.escape(str(value))}</div>'
        f'<div class="hso-keyfigure-label">{html.escape(str(label))}</div>'
        "</div>"
        for label, value in items
    )
    return f'<div class="hso-keyfigures">{tiles}</div>'


def section_html(
    heading: str | None,
    narrative_md: str,
    extra_html: str = "",
    level: int = 2,
    missing_text: str = "Projektledarens text för avsnittet saknas för perioden.",
) -> str:
    """A report section: heading, the narrative as HTML, then `extra_html` (already safe).

    When the narrative is blank, a visible note (`missing_text`) takes its place, so a reviewer
    sees that text is missing rather than an empty section.
    """
    parts = ['<section class="hso-section">']
    if heading:
        parts.append(f"<h{level}>{html.escape(heading)}</h{level}>")
    if narrative_md.strip():
        parts.append(markdown_to_html(narrative_md))
    elif missing_text:
        parts.append(f'<p class="hso-missing"><em>{html.escape(missing_text)}</em></p>')
    if extra_html:
        parts.append(extra_html)
    parts.append("</section>")
    return "\n".join(parts)


#: Styles for the blocks above. The report template may include it once (``<style>…</style>``).
REPORT_CSS = """
.hso-table { border-collapse: collapse; margin: 0.5rem 0 1.5rem; font-size: 0.95rem; }
.hso-table caption { text-align: left; font-weight: 600; padding-bottom: 0.4rem; }
.hso-table th, .hso-table td { padding: 0.3rem 0.7rem; border-bottom: 1px solid #d9dee3;
  text-align: left; vertical-align: top; }
.hso-table thead th { border-bottom: 2px solid #4a5561; }
.hso-table .num { text-align: right; font-variant-numeric: tabular-nums; }
.hso-table td.num { white-space: nowrap; }
.hso-date { white-space: nowrap; }
.hso-keyfigures { display: grid; grid-template-columns: repeat(auto-fit, minmax(9rem, 1fr));
  gap: 0.75rem; margin: 1rem 0 1.5rem; }
.hso-keyfigure { background: #eef3f8; border-left: 4px solid #0072b2; padding: 0.6rem 0.8rem; }
.hso-keyfigure-value { font-size: 1.6rem; font-weight: 700; color: #1f2a36; }
.hso-keyfigure-label { font-size: 0.9rem; color: #4a5561; }
.hso-figure { margin: 1rem 0 1.75rem; }
.hso-figure img { max-width: 100%; height: auto; }
.hso-figure figcaption { font-size: 0.9rem; color: #4a5561; }
.hso-missing { color: #6b7682; }
""".strip()


def style_html() -> str:
    """``<style>`` with `REPORT_CSS`, for a notebook to display once at the top of a report."""
    return f"<style>\n{REPORT_CSS}\n</style>"
