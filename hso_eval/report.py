"""The half-year report's sections as finished, escaped HTML: one function per section.

The structure follows the first, hand-written report (design.md, "The half-year report's
sections"). Each section is the project leader's narrative for that heading (when there is one)
followed by what the data says. Every value from a sheet goes through `html.escape`, directly or
via `present.html_table`. Counts of people in published tables are suppressed below `min_cell`.
"""

from __future__ import annotations

import difflib
import html
import re
from collections.abc import Iterable

import pandas as pd

from hso_eval import indicators as ind
from hso_eval import present
from hso_eval.config import INDICATOR_IDS
from hso_eval.context import PeriodData
from hso_eval.paths import display
from hso_eval.vocab import GENDER_LABELS

#: (anchor, heading) in report order. The narrative's `## ` headings are matched to these.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("inledning", "Inledning"),
    ("strukturer", "Strukturer, rutiner och rapportering"),
    ("kommunikation", "Kommunikation och information"),
    ("organisation", "Organisation"),
    ("genomforda-aktiviteter", "Genomförda aktiviteter"),
    ("planerade-aktiviteter", "Planerade aktiviteter"),
    ("bilaga-indikatorer", "Bilaga: indikatorer"),
    ("bilaga-datakvalitet", "Bilaga: datakvalitet"),
)
_HEADINGS = dict(SECTIONS)

#: Activity types that count as the project's milestones (section "Strukturer …").
MILESTONE_TYPES = (
    "rapportering",
    "upphandling",
    "styrgruppsmöte",
    "referensgruppsmöte",
    "workshop",
)
#: External representation: events of others we took part in, or arranged together with others
#: (and any activity with external parties registered, `samverkansparter`).
REPRESENTATION_ROLES = ("deltagande", "samarrangemang")

_ACTIVITY_COLUMNS = {
    "date": "Datum",
    "title": "Aktivitet",
    "type": "Typ",
    "place": "Plats",
    "attendance": "Deltagare",
}


# ---------------------------------------------------------------------------------------------
# The narrative: text under a heading the report does not have would be lost without a word
# ---------------------------------------------------------------------------------------------
_ANY_HEADING = re.compile(r"^ {0,3}(#{1,6})[ \t]+(.*?)[ \t#]*$")


def _heading_key(text: str) -> str:
    return " ".join(text.split()).casefold()


_TABLE_ROW = re.compile(r"^ {0,3}\|.*\|[ \t]*$")
_TABLE_RULE = re.compile(r"^ {0,3}\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$")
_IMAGE = re.compile(r"!\[[^\[\]]+\]\(")


def narrative_problems(markdown: str, name: str = "") -> list[str]:
    """Swedish warnings for narrative text the report would not show, or not as written, each
    with its line (of `name`, the file, when given).

    A `## ` heading that matches no section (with the nearest section name), a section name
    written at another heading level (`# Inledning`), a heading written twice (its texts are
    shown one after the other), text before the first heading beyond a one-line title (it is
    not shown), a table (shown as one line of text) and an image (shown as a link). Lines in a
    fenced code block are shown as written and not looked at.
    """
    known = {_heading_key(heading): heading for _, heading in SECTIONS}
    lines = markdown.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    file = f"{name} " if name else ""
    problems = []
    seen: dict[str, int] = {}
    preamble: list[int] = []
    in_fence = False
    for number, line in enumerate(lines, start=1):
        if present.FENCE.match(line):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        at = f"({file}rad {number})"
        if (h2 := present.H2.match(line)) is not None:
            heading = h2.group(1).strip()
            key = _heading_key(heading)
            if key in seen:
                problems.append(
                    f"Berättelsens rubrik '## {heading}' {at} står också på rad {seen[key]}: "
                    "texterna under dem visas efter varandra i samma avsnitt."
                )
            elif heading and key not in known:
                near = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
                hint = (
                    f" Menade du '## {known[near[0]]}'?"
                    if near
                    else " Rapportens rubriker: " + ", ".join(h for _, h in SECTIONS) + "."
                )
                problems.append(
                    f"Berättelsens rubrik '## {heading}' {at} finns inte i rapporten; texten "
                    f"under den visas inte.{hint}"
                )
            seen.setdefault(key, number)
            continue
        match = _ANY_HEADING.match(line)
        if match and len(match.group(1)) != 2 and _heading_key(match.group(2)) in known:
            problems.append(
                f"Berättelsens rubrik '{line.strip()}' {at} har fel nivå och visas inte som "
                f"avsnitt: skriv '## {known[_heading_key(match.group(2))]}'."
            )
        elif not seen and line.strip():
            preamble.append(number)
        if _TABLE_ROW.match(line) and number < len(lines) and _TABLE_RULE.match(lines[number]):
            problems.append(
                f"Berättelsen {at} har en tabell, som rapporten inte kan visa: raderna blir en "
                "enda textrad. Skriv den som en punktlista."
            )
        if _IMAGE.search(line):
            problems.append(
                f"Berättelsen {at} har en bild, som rapporten visar som en länk till bilden "
                "(rapporten hämtar inget utifrån)."
            )
    if len(preamble) > 1:  # one line is the title; more is text nobody will see
        problems.append(
            f"Texten före berättelsens första rubrik ({file}rad {preamble[0]}–{preamble[-1]}) "
            "visas inte i rapporten; bara en rad, titeln, får stå där. Flytta texten under en "
            "rubrik, t.ex. '## Inledning'."
        )
    return problems


def narrative_check_html(data: PeriodData) -> str:
    """The data-quality report's section on the narrative."""
    if data.params.narrative is None:
        body = _p("Ingen berättelse är angiven för perioden: rapportens avsnitt visar bara data.")
    else:
        shown = display(data.params.narrative)
        problems = [
            *data.clean.narrative_notices,
            *narrative_problems(data.clean.narrative, shown),
        ]
        items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
        body = (
            f"<ul>{items}</ul>"
            if problems
            else _p(
                "Alla rubriker i berättelsen hittar sitt avsnitt i halvårsrapporten, och "
                "berättelsen innehåller inga namn ur deltagarlistorna och inga e-postadresser."
            )
        )
    return f'<section class="hso-section"><h2 id="berattelsen">Berättelsen</h2>{body}</section>'


# ---------------------------------------------------------------------------------------------
# Building blocks
# ---------------------------------------------------------------------------------------------
def _heading(anchor: str, level: int = 2) -> str:
    return f'<h{level} id="{anchor}">{html.escape(_HEADINGS[anchor])}</h{level}>'


def _narrative(data: PeriodData, anchor: str) -> str:
    text = present.narrative_section(data.narrative, _HEADINGS[anchor])
    return present.markdown_to_html(text) if text.strip() else ""


def _section(data: PeriodData, anchor: str, *parts: str) -> str:
    body = "".join(p for p in parts if p)
    return (
        f'<section class="hso-section" id="avsnitt-{anchor}">{_heading(anchor)}'
        f"{_narrative(data, anchor)}{body}</section>"
    )


def _p(text: str, cls: str | None = None) -> str:
    attr = f' class="{cls}"' if cls else ""
    return f"<p{attr}>{html.escape(text)}</p>"


def _h3(text: str, anchor: str | None = None) -> str:
    attr = f' id="{anchor}"' if anchor else ""
    return f"<h3{attr}>{html.escape(text)}</h3>"


def published_indicators(data: PeriodData) -> pd.DataFrame:
    """The indicator table as published: with `suppressed` and `display` (cached per period)."""
    cached = data.__dict__.get("_published_indicators")
    if cached is None:
        cached = ind.compute_published_indicators(
            data.activities, data.participations, data.project, data.period, data.history
        )
        data.__dict__["_published_indicators"] = cached
    return cached


def _total(data: PeriodData, indicator: str, scope: str = "period") -> pd.Series:
    table = published_indicators(data)
    row = table[
        (table["indicator"] == indicator)
        & (table["scope"] == scope)
        & (table["dimension"] == "total")
    ]
    return row.iloc[0]


def _held_in_period(data: PeriodData) -> pd.DataFrame:
    a = data.activities
    start = pd.Timestamp(data.period.start)
    end = pd.Timestamp(data.period.end)
    mask = (a["status"] == "genomförd") & (a["start_date"] >= start) & (a["start_date"] <= end)
    return a.loc[mask].sort_values(["start_date", "activity_id"], kind="stable")


def published_attendance(data: PeriodData) -> pd.Series:
    """Per activity held in the period (by id): the attendance as the report publishes it.

    See `indicators.published_attendance`: a count of people below min_cell shows as "<5", and
    ".." hides as many more as it takes for no published total (per work package, per activity
    type, in all) minus the shown values to give a hidden one away. Cached per period.
    """
    cached = data.__dict__.get("_published_attendance")
    if cached is None:
        cached = ind.published_attendance(
            data.activities, data.participations, data.project, data.period, data.history
        ).display
        data.__dict__["_published_attendance"] = cached
    return cached


def _attendance_display(data: PeriodData, activities: pd.DataFrame) -> pd.Series:
    """The published attendance of `activities` (held in the period), aligned with them."""
    shown = published_attendance(data)
    ids = activities["activity_id"].astype("string")
    return pd.Series(ids.map(shown).to_numpy(), index=activities.index, dtype="string")


def _iso(dates: pd.Series) -> pd.Series:
    """ISO dates as text ("2024-06-12"), NA stays NA (vectorised)."""
    return dates.dt.strftime("%Y-%m-%d").astype("string")


def _place(activities: pd.DataFrame) -> pd.Series:
    place = activities["place"].astype("string")
    municipality = activities["municipality"].astype("string")
    both = place.notna() & municipality.notna() & (place != municipality)
    out = place.fillna(municipality)
    return out.where(~both, place + ", " + municipality)


def _activity_frame(
    data: PeriodData, activities: pd.DataFrame, attendance: bool = True
) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "date": _iso(activities["start_date"]),
            "title": activities["title"],
            "type": activities["activity_type"],
            "place": _place(activities),
        },
        index=activities.index,
    )
    end = activities["end_date"]
    has_end = end.notna() & (end != activities["start_date"])
    # Spaced dash between two ISO dates: a narrow column breaks at the spaces, not in a date.
    out.loc[has_end, "date"] = out.loc[has_end, "date"] + " – " + _iso(end[has_end])
    if attendance:
        out["attendance"] = _attendance_display(data, activities)
    return out


def _activity_table(
    data: PeriodData,
    activities: pd.DataFrame,
    caption: str | None = None,
    attendance: bool = True,
    empty: str = "Inga aktiviteter under perioden.",
) -> str:
    frame = _activity_frame(data, activities, attendance=attendance)
    columns = {k: v for k, v in _ACTIVITY_COLUMNS.items() if k in frame.columns}
    return present.html_table(
        frame,
        columns=columns,
        caption=caption,
        number_columns=["attendance"] if attendance else [],
        empty_text=empty,
    )


def _work_package_groups(
    data: PeriodData, activities: pd.DataFrame
) -> Iterable[tuple[str, str, pd.DataFrame]]:
    for wp in data.project.work_packages:
        yield wp.code, f"{wp.code} {wp.name}", activities[activities["work_package"] == wp.code]


# ---------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------
def title_html(data: PeriodData) -> str:
    """Title page: project, "Halvårsrapport nr N", the period, the project leader, the partners."""
    project = data.project
    partners = " · ".join(p.short for p in project.visit_partners)
    leader = (
        f'<p class="hso-leader">{html.escape(project.project_leader)}<br>Projektledare</p>'
        if project.project_leader
        else ""
    )
    return (
        '<header class="hso-title">'
        f'<p class="hso-project">{html.escape(project.name)}, {html.escape(project.short_name)}</p>'
        f"<h1>Halvårsrapport nr {data.params.report_number}</h1>"
        f'<p class="hso-period">{html.escape(data.period.label)}</p>'
        f"{leader}"
        f'<p class="hso-partners">{html.escape(partners)}</p>'
        f"<p>{html.escape(project.owner)} äger projektet. Det medfinansieras "
        # "av" before each: "… fonden via Tillväxtverket, Region …" would read as if the
        # region's money went via Tillväxtverket too.
        f"{html.escape(present_list(f'av {funder}' for funder in project.funders))}.</p>"
        "</header>"
    )


def present_list(items: Iterable[str]) -> str:
    """ "a, b och c" (Swedish list)."""
    items = [str(i) for i in items]
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " och " + items[-1]


def key_figures(data: PeriodData) -> list[tuple[str, str]]:
    """(label, value) for the key-figures box, from the published (suppressed) indicators."""
    table = published_indicators(data)
    k, n, _ = ind.partners_visited_summary(table, data.project, "period")
    k_all, _, _ = ind.partners_visited_summary(table, data.project, "cumulative")
    return [
        *(
            (ind.INDICATOR_LABELS[name], str(_total(data, name)["display"]))
            for name in (
                "activities_held",
                "attendance_total",
                "unique_participants",
                "organisations_engaged",
            )
        ),
        (
            "Besökta projektparter" + ("" if k_all == k else f" ({k_all} av {n} sedan start)"),
            f"{k} av {n}",
        ),
    ]


def introduction_html(data: PeriodData) -> str:
    """Inledning: the narrative and the key-figures box."""
    _, _, visited = ind.partners_visited_summary(published_indicators(data), data.project, "period")
    note = (
        "Antal deltagare totalt räknar deltagarlistans längd för varje genomförd aktivitet och "
        'annars arrangörens uppskattning ("ca" betyder att någon uppskattning ingår). '
        f"Besökta projektparter under perioden: {present_list(visited) or 'inga'}."
    )
    return _section(
        data, "inledning", present.key_figures_html(key_figures(data)), _p(note, "hso-note")
    )


def structures_html(data: PeriodData) -> str:
    """Strukturer, rutiner och rapportering: the narrative and the period's milestones."""
    held = _held_in_period(data)
    milestones = held[held["activity_type"].isin(MILESTONE_TYPES)]
    return _section(
        data,
        "strukturer",
        _h3("Milstolpar under perioden"),
        _activity_table(
            data,
            milestones,
            attendance=False,
            empty="Inga rapporteringar, upphandlingar, styrgruppsmöten eller workshoppar "
            "under perioden.",
        ),
    )


def communication_html(data: PeriodData) -> str:
    """Kommunikation och information: outputs, and external representation per work package."""
    held = _held_in_period(data)
    outputs = held[held["activity_type"] == "kommunikation"]
    parts = [
        _h3("Kommunikationsinsatser"),
        _activity_table(
            data,
            outputs,
            attendance=False,
            empty="Inga kommunikationsinsatser registrerade under perioden.",
        ),
        _h3("Extern representation per arbetspaket"),
        _p(
            "Arrangemang där projektet deltog hos andra eller arrangerade tillsammans med andra, "
            "och möten med externa parter (samverkansparter i registret)."
        ),
    ]
    # Outputs made with others are listed above, as outputs.
    met = held["parties"].astype("string").str.strip().fillna("") != ""
    met &= (held["activity_type"] != "kommunikation").fillna(True)
    external = held[held["organiser_role"].isin(REPRESENTATION_ROLES) | met.to_numpy()]
    for _, label, group in _work_package_groups(data, external):
        items = []
        for row, where in zip(group.itertuples(index=False), _place(group), strict=True):
            extra = [str(row.organiser_role)] if row.organiser_role in REPRESENTATION_ROLES else []
            if isinstance(row.parties, str) and row.parties:
                extra.append("med " + row.parties.replace("; ", ", "))
            where = where if isinstance(where, str) else ""
            items.append(
                f"<li>{html.escape(present.format_date_range(row.start_date, row.end_date))}: "
                f"<strong>{html.escape(str(row.title))}</strong>"
                f"{html.escape(', ' + where if where else '')} "
                f"({html.escape('; '.join(extra))})</li>"
            )
        body = (
            f"<ul>{''.join(items)}</ul>"
            if items
            else _p(
                "Inga arrangemang hos eller med andra registrerade under perioden "
                "(arrangörsroll deltagande eller samarrangemang, eller samverkansparter).",
                "hso-muted",
            )
        )
        parts.append(f"<h4>{html.escape(label)}</h4>{body}")
    return _section(data, "kommunikation", *parts)


def organisation_html(data: PeriodData) -> str:
    """Organisation, from the project configuration."""
    org = data.project.organisation
    office = pd.DataFrame([(r.role, r.name) for r in org.project_office], columns=["role", "name"])
    leads = pd.DataFrame(
        [(wp.code, wp.name, wp.lead) for wp in data.project.work_packages],
        columns=["code", "name", "lead"],
    )
    members = "".join(f"<li>{html.escape(m)}</li>" for m in org.reference_group_members)
    return _section(
        data,
        "organisation",
        _h3("Projektkontor"),
        present.html_table(office, columns={"role": "Roll", "name": "Namn"}),
        _h3("Delprojektledare"),
        present.html_table(
            leads, columns={"code": "AP", "name": "Arbetspaket", "lead": "Ansvarig"}
        ),
        _h3("Styrgrupp"),
        _p(org.steering_group),
        _keep(
            _h3("Referensgrupp"),
            _p(org.reference_group),
            f'<ul class="hso-columns">{members}</ul>' if members else "",
        ),
    )


def activities_html(data: PeriodData) -> str:
    """Genomförda aktiviteter: one table per work package (figures follow in their own cells)."""
    held = _held_in_period(data)
    parts = [
        _p(
            f"{len(held)} aktiviteter genomfördes under perioden. Antal deltagare under "
            f'{data.project.min_cell} redovisas som "<{data.project.min_cell}"; ".." betyder '
            "att antalet döljs för att ett litet tal inte ska gå att räkna fram ur summorna. "
            '"–" betyder att det inte finns något antal (ingen deltagarlista och inget angivet '
            "antal).",
            "hso-note",
        )
    ]
    for code, label, group in _work_package_groups(data, held):
        parts.append(_h3(label, f"ap-{code.lower()}"))
        parts.append(
            _activity_table(
                data, group, empty="Inga genomförda aktiviteter i arbetspaketet under perioden."
            )
        )
    # The figures follow: a heading of their own, so that a reader who moves by headings (a
    # screen reader) finds them here and not under the last work package.
    parts.append(_h3("Diagram", "diagram-genomforda-aktiviteter"))
    return _section(data, "genomforda-aktiviteter", *parts)


def planned_html(data: PeriodData) -> str:
    """Planerade aktiviteter: the register's activities in the next half-year (not cancelled)."""
    planned = ind.planned_activities(data.activities, data.period)
    nxt = data.period.next()
    frame = _activity_frame(data, planned, attendance=False)
    frame["wp"] = planned["work_package"]
    # "Datum" gives the whole span (first – last day), as in the tables of held activities.
    table = present.html_table(
        frame,
        columns={
            "date": "Datum",
            "title": "Aktivitet",
            "type": "Typ",
            "wp": "AP",
            "place": "Plats",
        },
        empty_text="Inga aktiviteter är registrerade för nästa halvår.",
    )
    return _section(
        data,
        "planerade-aktiviteter",
        _keep(_p(f"Aktiviteter i registret för nästa halvår, {nxt.label}.", "hso-note"), table),
    )


def indicator_summary(data: PeriodData) -> pd.DataFrame:
    """One row per indicator: period and cumulative (published values) and the target."""
    table = published_indicators(data)
    totals = table[table["dimension"] == "total"]
    rows = []
    for indicator in INDICATOR_IDS:
        sel = totals[totals["indicator"] == indicator].set_index("scope")
        if sel.empty:
            continue
        # Both targets when the table has both (e.g. 25 per half-year, 150 in all): the table's
        # own, as the progress chart and the evaluation package show them.
        targets = []
        for scope, words in (("period", "per halvår"), ("cumulative", "sedan start")):
            if scope not in sel.index or pd.isna(sel.at[scope, "target"]):
                continue
            number = float(sel.at[scope, "target"])
            value = (
                present.format_percent(number)
                if indicator in ind.SHARE_INDICATORS
                else present.format_number(number)
            )
            configured = data.project.target(indicator, scope)
            example = configured is not None and configured.example
            targets.append(f"{value} {words}" + (" (exempel)" if example else ""))
        target = "; ".join(targets) or "–"
        shown = {scope: sel["display"].get(scope, "–") for scope in ("period", "cumulative")}
        if indicator == "partners_visited":  # "4 av 7", as the key figures say it
            _, of, _ = ind.partners_visited_summary(table, data.project, "period")
            shown = {s: v if v == "–" else f"{v} av {of}" for s, v in shown.items()}
        rows.append(
            {
                "indicator": ind.INDICATOR_LABELS.get(indicator, indicator),
                "period": shown["period"],
                "cumulative": shown["cumulative"],
                "target": target,
            }
        )
    return pd.DataFrame(rows, columns=["indicator", "period", "cumulative", "target"])


def indicators_html(data: PeriodData) -> str:
    """Bilaga: indikatorer — period and cumulative values against targets, and key breakdowns."""
    parts = []
    if data.project.targets_are_examples:
        parts.append(
            '<p class="hso-warning"><strong>Målvärdena är exempel.</strong> De riktiga målvärdena '
            "kommer ur beviljandebeslutet och förs in när beslutet finns.</p>"
        )
    parts.append(
        present.html_table(
            indicator_summary(data),
            columns={
                "indicator": "Indikator",
                "period": "Perioden",
                "cumulative": "Sedan projektstart",
                "target": "Mål",
            },
            caption="Indikatorerna för perioden och sedan projektstart, mot målen",
            number_columns=["period", "cumulative"],
        )
    )
    parts.append(
        _p(
            f"Antal personer från 1 till {data.project.min_cell - 1} visas som "
            f'"<{data.project.min_cell}"; '
            '".." betyder att värdet döljs för att ett litet tal inte ska gå att räkna fram. '
            "Andel kvinnor räknas bland deltaganden där kön är angivet som kvinna eller man.",
            "hso-note",
        )
    )
    table = published_indicators(data)
    for indicator, dimension, caption in (
        ("activities_held", "work_package", "Genomförda aktiviteter per arbetspaket"),
        ("participations", "gender", "Deltagartillfällen per kön"),
        ("participations", "organisation_type", "Deltagartillfällen per organisationstyp"),
        # The municipality chart's bars, all of them: the chart shows the largest only.
        ("participations", "municipality", "Deltagartillfällen per kommun"),
    ):
        parts.append(_breakdown_table(table, indicator, dimension, caption))
    return _section(data, "bilaga-indikatorer", *parts)


def _breakdown_table(table: pd.DataFrame, indicator: str, dimension: str, caption: str) -> str:
    sel = table[(table["indicator"] == indicator) & (table["dimension"] == dimension)]
    # In the order since the start, which has every category of the period and those of earlier
    # periods too: one alphabetical list with "uppgift saknas" last, not the period's list with
    # the earlier periods' municipalities after it.
    sel = sel.sort_values("scope", key=lambda s: s != "cumulative", kind="stable")
    wide = sel.pivot_table(
        index="category", columns="scope", values="display", aggfunc="first", sort=False
    )
    # A category that one scope lacks had nothing in it: 0 for a count ("–" is "no value").
    missing = ind.NO_VALUE if indicator in ind.SHARE_INDICATORS else "0"
    wide = wide.reindex(columns=["period", "cumulative"]).astype(object).fillna(missing)
    wide = wide.reset_index()
    # As the charts name them: "Kvinnor" and "Män" as in the gender chart's legend, and the
    # other categories with a capital ("Kommun"), as on the organisation type chart's bars.
    wide["category"] = [
        GENDER_LABELS.get(c, c) if dimension == "gender" else str(c)[:1].upper() + str(c)[1:]
        for c in wide["category"]
    ]
    return present.html_table(
        wide,
        columns={
            "category": ind.DIMENSION_LABELS.get(dimension, dimension),
            "period": "Perioden",
            "cumulative": "Sedan projektstart",
        },
        caption=caption,
        number_columns=["period", "cumulative"],
    )


def _keep(*parts: str) -> str:
    """`parts` kept on one printed page where they fit (a heading or lead-in with its table or
    list, not the heading at the foot of one page and the list alone on the next)."""
    return f'<div class="hso-keep">{"".join(parts)}</div>'


def _count(n: int, one: str, many: str) -> str:
    """`n` with the Swedish singular or plural: "1 rad", "2 rader", "0 rader"."""
    return f"{present.format_number(n)} {one if n == 1 else many}"


def quality_html(data: PeriodData) -> str:
    """Bilaga: datakvalitet — a short summary; the full report is datakvalitet.html."""

    # The register only: a participant list's rows are its participations, and counting them
    # here would publish a number the tables above may hide ("..").
    text = (
        "Deltagarlistornas rader redovisas inte här: de är deltagartillfällen, och små antal "
        "visas inte i rapporten."
    )
    for register in (a for a in data.clean.accounts if a.role == "activities"):
        text = (
            f"{_count(register.read, 'rad', 'rader')} lästes ur aktivitetsregistret: "
            f"{_count(register.clean, 'ren', 'rena')}, "
            f"{present.format_number(register.quarantined)} i karantän "
            f"och {_count(register.merged, 'sammanslagen dubblett', 'sammanslagna dubbletter')}. "
            + text
        )
    return _section(
        data,
        "bilaga-datakvalitet",
        _p(text),
        # Named, not linked: the page goes out alone, and datakvalitet.html stays in-house.
        "<p>Hela redovisningen, med fil, rad och kolumn för varje problem, finns i "
        "datakvalitetsrapporten, som är projektkontorets arbetsunderlag och inte publiceras."
        "</p>",
    )
