"""The report's bar charts: activities per month, and participations by gender, organisation
type and municipality.

Each takes its data and an optional ``ax`` and returns the `Figure` with its title and alt text
(see `hso_eval.figures`).
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Sequence
from datetime import timedelta

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from hso_eval.config import Project
from hso_eval.disclosure import complementary_suppression
from hso_eval.figures.style import (
    ACCENT,
    BLUE,
    GENDER_COLOURS,
    GENDERS,
    HIDDEN_EDGE,
    HIDDEN_FILL,
    HIDDEN_HATCH,
    HIDDEN_LABEL,
    LIGHT,
    NEUTRAL,
    PALETTE,
    SOURCE_BOTH,
    SOURCE_LISTS,
    SOURCE_REGISTER,
    TEXT,
    _capitalise,
    _count,
    _finish,
    _horizontal_value_axis,
    _join_sv,
    _min_cell,
    _new_figure,
    _no_data,
    _scope_words,
    _set_titles,
    _suppression_note,
    house_style,
    swedish_axis,
)
from hso_eval.history import EMPTY, History
from hso_eval.indicators import HIDDEN, INDICATOR_LABELS, MISSING, gender_by_work_package
from hso_eval.periods import Period
from hso_eval.present import MONTHS, format_number, format_percent
from hso_eval.vocab import GENDER_LABELS


# ---------------------------------------------------------------------------------------------
# What the charts read, and how a ranked bar chart is drawn
# ---------------------------------------------------------------------------------------------
def _held(activities: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Activities held in the period: status ``genomförd``, start date inside the period."""
    start = pd.Timestamp(period.start)
    end = pd.Timestamp(period.end + timedelta(days=1))
    dates = pd.to_datetime(activities["start_date"])
    mask = (activities["status"] == "genomförd").fillna(False) & (dates >= start) & (dates < end)
    return activities.loc[mask.to_numpy(dtype=bool)]


def _wp_label(code: str, project: Project | None, width: int | None = None) -> str:
    label = code
    if project is not None:
        try:
            label = project.work_package(code).label
        except KeyError:
            label = code
    return textwrap.fill(label, width) if width else label


def _wp_order(codes: Iterable[str], project: Project | None) -> list[str]:
    known = [wp.code for wp in project.work_packages] if project is not None else []
    present = list(dict.fromkeys(codes))
    return [c for c in known if c in present] + sorted(c for c in present if c not in known)


def _period_words(period: Period) -> str:
    """``januari–juni 2024``."""
    first, last = MONTHS[period.start.month - 1], MONTHS[period.end.month - 1]
    return f"{first}–{last} {period.year}"


def _indicator_rows(
    indicators: pd.DataFrame, indicator: str, scope: str, dimension: str
) -> pd.Series:
    """``category -> value`` for one indicator, scope and dimension (NA values dropped)."""
    needed = {"indicator", "scope", "dimension", "category", "value"}
    missing = needed - set(indicators.columns)
    if missing:
        raise KeyError(
            f"Indikatortabellen saknar kolumnerna {sorted(missing)}. "
            f"Kolumner i tabellen: {list(indicators.columns)}"
        )
    rows = indicators.loc[
        (indicators["indicator"] == indicator)
        & (indicators["scope"] == scope)
        & (indicators["dimension"] == dimension)
    ]
    values = pd.to_numeric(rows["value"], errors="coerce")
    categories = rows["category"].astype("string").fillna("okänd").str.strip()
    series = pd.Series(values.to_numpy(dtype=float), index=categories.to_numpy(), dtype=float)
    return series.dropna().groupby(level=0, sort=False).sum()


def _hidden_rows(
    indicators: pd.DataFrame, indicator: str, scope: str, dimension: str
) -> set[str] | None:
    """The categories the published table hides (its `suppressed` column), None without one."""
    if "suppressed" not in indicators.columns:
        return None
    rows = indicators.loc[
        (indicators["indicator"] == indicator)
        & (indicators["scope"] == scope)
        & (indicators["dimension"] == dimension)
        & indicators["suppressed"].astype(bool)
    ]
    return set(rows["category"].astype("string").fillna("okänd").str.strip())


def _total_hidden(indicators: pd.DataFrame, indicator: str, scope: str) -> bool:
    """Whether the published table hides the total (only very sparse data makes it)."""
    return bool(_hidden_rows(indicators, indicator, scope, "total"))


def _published_split(
    values: pd.Series, min_cell: int, keep: int | None = None, hidden_as: set[str] | None = None
) -> tuple[pd.Series, float, pd.Series]:
    """(shown categories, the rest's sum, the hidden categories) of one breakdown.

    Hidden as the published indicator table hides them: `hidden_as` (its `suppressed` rows),
    or, for a table without that column, by the same rule for this breakdown alone (the small
    ones, and as many more as it takes for them to add up to at least `min_cell`). So the
    rest, which is the published total minus the shown bars, is never a small count itself.
    Shown: the others, largest first, at most `keep`; the rest adds up the hidden ones and
    those past `keep`.
    """
    values = values[values > 0].sort_values(ascending=False, kind="stable")
    number = values.to_numpy(dtype=float)
    small = (number >= 1) & (number < min_cell)
    if hidden_as is not None:
        hidden = small | values.index.isin(list(hidden_as))
    else:
        relations = [(np.arange(len(number)), None)]
        hidden = complementary_suppression(number, small, relations, min_cell)
    shown = values[~hidden]
    if keep is not None:
        shown = shown.iloc[:keep]
    return shown, float(values.drop(shown.index).sum()), values[hidden]


def _barh_with_labels(
    ax: Axes,
    labels: list[str],
    values: list[float],
    colours: list[str],
    display: list[str],
) -> None:
    """Horizontal bars, first label at the top, each annotated with its display value."""
    y = np.arange(len(labels))[::-1]
    ax.barh(y, values, color=colours, height=0.68)
    ax.set_yticks(y, labels)
    top = max(values) if values else 0
    _bar_end_labels(ax, y, values, display)
    _horizontal_value_axis(ax, max(top * 1.12, 1))


def _folded_note(what: str, into: str, limit: int, more: bool) -> str:
    """``Grupper under 5 ingår i övrigt.``, saying so when `more` had to go there too."""
    if more:
        return (
            f"{what} under {limit} ingår i {into}, och så många till som behövs för att de inte "
            "ska kunna räknas fram."
        )
    return f"{what} under {limit} ingår i {into}."


def _left_out_note(what: str, limit: int, more: bool) -> str:
    """The subtitle's note when the total is hidden: the hidden groups get no bar at all (their
    sum would be the hidden total minus the bars)."""
    more_text = " och så många till som behövs" if more else ""
    return f"{what} under {limit}{more_text} visas inte, eftersom totalen döljs."


def _more_hidden(
    values: pd.Series, hidden_as: set[str] | None, hidden: pd.Series, limit: int
) -> bool:
    """Whether the breakdown hides more than its small counts: a ".." in the published table,
    whatever its value (a note that appeared only for hidden counts of `limit` or more would
    tell the reader that every other ".." is 0). Without a published table (`hidden_as`
    None), whether the chart's own rule hid a count of `limit` or more."""
    if hidden_as is None:
        return bool((hidden >= limit).any())
    small = values[(values >= 1) & (values < limit)].index.astype(str)
    return bool(set(hidden_as) - set(small))


def _bar_values(shown: pd.Series, rest: float, limit: int) -> tuple[list[float], list[str]]:
    """Bar lengths and their labels for `shown`, then for the rest when there is any.

    The rest is a published count too: under `limit` (only when every category is small) it
    gets no bar length and shows as "<5".
    """
    values = [float(v) for v in shown]
    display = [format_number(v) for v in shown]
    if rest > 0:
        values.append(rest if rest >= limit else 0.0)
        display.append(_count(rest, limit))
    return values, display


# ---------------------------------------------------------------------------------------------
# 1. Activities per month
# ---------------------------------------------------------------------------------------------
def activities_per_month(
    activities: pd.DataFrame, period: Period, project: Project, *, ax: Axes | None = None
) -> Figure:
    """Held activities per month of the period, stacked by work package (clean activities in)."""
    with house_style():
        fig, ax = _new_figure(ax)
        title = "Genomförda aktiviteter per månad"
        what = f"Stapeldiagram: genomförda aktiviteter per månad {_period_words(period)}"
        held = _held(activities, period)
        if held.empty:
            return _no_data(fig, ax, title, what)

        months = pd.period_range(period.start, period.end, freq="M")
        month = pd.to_datetime(held["start_date"]).dt.to_period("M")
        wp = held["work_package"].astype("string").fillna("okänt")
        counts = pd.crosstab(month.to_numpy(), wp.to_numpy()).reindex(index=months, fill_value=0)
        order = _wp_order(counts.columns, project)
        counts = counts[order]

        x = np.arange(len(months))
        bottom = np.zeros(len(months))
        for i, code in enumerate(order):
            values = counts[code].to_numpy(dtype=float)
            ax.bar(
                x,
                values,
                bottom=bottom,
                width=0.66,
                color=PALETTE[i % len(PALETTE)],
                edgecolor="white",
                linewidth=0.6,
                label=_wp_label(code, project),
            )
            bottom += values
        for xi, total in zip(x, bottom, strict=True):
            if total > 0:
                ax.annotate(
                    format_number(total),
                    xy=(xi, total),
                    xytext=(0, 3),
                    textcoords="offset points",
                    ha="center",
                    va="bottom",
                    fontsize=9,
                    color=TEXT,
                )
        ax.set_xticks(x, [MONTHS[m.month - 1] for m in months])
        ax.tick_params(axis="x", length=0)
        ax.set_ylabel("Antal aktiviteter")
        ax.set_ylim(0, max(bottom.max() * 1.15, 1))
        ax.yaxis.grid(True)
        swedish_axis(ax.yaxis, integer=True)
        ax.legend(
            loc="upper center",
            bbox_to_anchor=(0.5, -0.1),
            ncol=2,
            title="Arbetspaket",
            title_fontsize=9,
            alignment="left",
        )
        _set_titles(ax, title, f"Staplade per arbetspaket, {_period_words(period)}")

        totals = pd.Series(bottom, index=[MONTHS[m.month - 1] for m in months])
        peak = totals.max()
        peak_months = _join_sv(totals.index[totals == peak])
        per_wp = ", ".join(f"{c} {format_number(counts[c].sum())}" for c in order)
        # Every month's bar, for a reader who cannot see it (the page has no table of them).
        per_month = ", ".join(f"{m} {format_number(v)}" for m, v in totals.items())
        alt = (
            f"{what}, staplade per arbetspaket. Totalt {format_number(totals.sum())} aktiviteter; "
            f"flest i {peak_months} ({format_number(peak)}). Per månad: {per_month}. "
            f"Per arbetspaket: {per_wp}."
        )
        return _finish(fig, title, alt, SOURCE_REGISTER)


# ---------------------------------------------------------------------------------------------
# 2. Participations by gender and work package
# ---------------------------------------------------------------------------------------------
def participations_by_gender(
    participations: pd.DataFrame,
    activities: pd.DataFrame,
    period: Period,
    project: Project | None = None,
    *,
    min_cell: int | None = None,
    ax: Axes | None = None,
    history: History = EMPTY,
) -> Figure:
    """Participations in the period's held activities by gender, one stacked bar per work package.

    Takes the clean participations and activities (the indicator table has gender and work
    package only separately). Drawn as the page publishes them (`gender_by_work_package`): a
    work package whose total is shown gets a bar as long as that total, its shown cells in
    their gender's colour and its hidden cells together as one grey hatched segment, "Dolt
    (..)" (their sum is the shown total minus the shown cells, which the reader has anyway). A
    work package whose total is hidden gets no bar, only its published total ("<5" or "..")
    beside its name: a part of its bar would tell how much the rest is. The legend lists every
    gender of the table, drawn or not. `history`: what the reports have printed (the page is
    decided against it, `indicators.publish`).
    """
    limit = _min_cell(min_cell, project)
    with house_style():
        fig, ax = _new_figure(ax)
        noun = INDICATOR_LABELS["participations"].lower()
        title = f"{_capitalise(noun)} per kön och arbetspaket"
        what = f"Liggande staplar: {noun} per kön och arbetspaket, {_period_words(period)}"
        published = gender_by_work_package(
            activities, participations, project, period, min_cell=limit, history=history
        )
        table = published.counts
        if table.empty:
            return _no_data(fig, ax, title, what)

        genders = [g for g in GENDERS if g in table.columns]  # all of them: the legend's too
        order = list(table.index)
        table = table[genders]
        hidden = published.hidden[genders]
        row_hidden = published.row_hidden.reindex(order, fill_value=False).astype(bool)
        row_display = published.total_display(axis=1)
        by_wp = table.sum(axis=1)
        # What is drawn: the shown cells of the rows whose total is shown, and the rest of
        # each such row (the sum of its hidden cells) as one segment.
        drawn = table.where(~hidden, 0.0)
        drawn.loc[row_hidden.to_numpy()] = 0.0
        rest = (by_wp - drawn.sum(axis=1)).where(~row_hidden, 0.0)

        y = np.arange(len(order))[::-1]
        left = np.zeros(len(order))
        for g in genders:
            values = drawn[g].to_numpy(dtype=float)
            bars = ax.barh(
                y,
                values,
                left=left,
                height=0.62,
                color=GENDER_COLOURS[g],
                edgecolor="white",
                linewidth=0.6,
            )
            ax.bar_label(
                bars,
                labels=[format_number(v) if v > 0 else "" for v in values],
                label_type="center",
                fontsize=8.5,
                color="white" if g in ("kvinna", "annat") else TEXT,
            )
            left += values
        ax.barh(
            y,
            rest.to_numpy(dtype=float),
            left=left,
            height=0.62,
            color=HIDDEN_FILL,
            edgecolor=HIDDEN_EDGE,
            hatch=HIDDEN_HATCH,
            linewidth=0.6,
        )
        left += rest.to_numpy(dtype=float)
        # Each bar's end: the work package's total as the indicator table publishes it; a
        # hidden total stands alone at the axis.
        _bar_end_labels(ax, y, left, [row_display[wp] for wp in order])
        ax.set_yticks(y, [_wp_label(c, project, width=26) for c in order])
        ax.set_xlabel(f"Antal {noun}")
        _horizontal_value_axis(ax, max(left.max() * 1.1, 1))
        handles = [Patch(color=GENDER_COLOURS[g], label=GENDER_LABELS[g]) for g in genders]
        if (rest > 0).any():
            handles.append(
                Patch(
                    facecolor=HIDDEN_FILL,
                    edgecolor=HIDDEN_EDGE,
                    hatch=HIDDEN_HATCH,
                    linewidth=0.6,
                    label=HIDDEN_LABEL,
                )
            )
        ax.legend(
            handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=len(handles)
        )
        # Any ".." beside the small counts, whatever its value (see `_more_hidden`).
        small = (table >= 1) & (table < limit)
        note = _suppression_note(limit, complementary=bool((hidden & ~small).any().any()))
        drawn_note = _hidden_parts_note(bool((rest > 0).any()), bool(row_hidden.any()))
        subtitle = f"I genomförda aktiviteter, {_period_words(period)}"
        if hidden.to_numpy().any() or row_hidden.any():
            subtitle += f". {note} {drawn_note}".rstrip()
        _set_titles(ax, title, subtitle)

        # The totals as the indicator table publishes them (hidden where the cells need it).
        totals = table.sum()
        total = float(totals.sum())
        per_gender = published.total_display(axis=0)
        share = not published.total_hidden  # a share of a hidden total would give it away
        parts = [
            f"{GENDER_LABELS[g].lower()} {per_gender[g]}"
            + (
                f" ({format_percent(totals[g] / total)})"
                if share and not published.column_hidden[g]
                else ""
            )
            for g in genders
        ]
        in_all = HIDDEN if published.total_hidden else _count(total, limit)
        alt = _sentence(f"{what}. Totalt {in_all} {noun}: {_join_sv(parts)}")
        if not row_hidden.any():  # beside a hidden total, "flest" would say it is smaller
            top = by_wp.idxmax()
            alt += f" Flest i {_wp_label(top, project)} ({format_number(by_wp[top])})."
        rows = []
        for wp in order:
            if row_hidden[wp]:
                rows.append(f"{_wp_label(wp, project)} {row_display[wp]}, ingen stapel")
                continue
            cells = [
                f"{GENDER_LABELS[g].lower()} {format_number(drawn.at[wp, g])}"
                for g in genders
                if drawn.at[wp, g] > 0
            ]
            if rest[wp] > 0:
                cells.append("resten dolt (..)" if cells else "alla kön dolda (..)")
            rows.append(f"{_wp_label(wp, project)} {row_display[wp]}: {_join_sv(cells)}")
        alt += f" Staplarna per arbetspaket: {'; '.join(rows)}."
        if any(totals[g] > 0 for g in genders if g not in ("kvinna", "man")):
            # The indicator "andel kvinnor" counts women among women and men only: say so, or
            # the two shares of women in the report seem to disagree.
            alt += (
                f" Andelarna räknas av alla {noun}; andelen kvinnor i rapportens tabeller räknas "
                "bland kvinnor och män."
            )
        if hidden.to_numpy().any() or row_hidden.any():
            alt += f" {note} {drawn_note}".rstrip()
        return _finish(fig, title, alt, SOURCE_BOTH)


def _bar_end_labels(
    ax: Axes, ys: Sequence[float], ends: Sequence[float], texts: Sequence[str]
) -> None:
    """Each of `texts` just right of the end of its horizontal bar (at `ends`, row `ys`)."""
    for yi, end, text in zip(ys, ends, texts, strict=True):
        ax.annotate(
            text,
            xy=(end, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=9,
            color=TEXT,
        )


def _sentence(text: str) -> str:
    """`text` with its full stop, unless it ends with ".." (which then ends the sentence, as
    the point of an abbreviation does): never "...", which reads as an omission."""
    return text if text.endswith(HIDDEN) else f"{text}."


def _hidden_parts_note(rest: bool, row_hidden: bool) -> str:
    """How the gender chart draws what it hides: the grey segment, and bars left out."""
    sentences = []
    if rest:
        sentences.append(
            "Dolda antal visas tillsammans som grå streckad del (..) av arbetspaketets stapel."
        )
    if row_hidden:
        sentences.append("Ett arbetspaket vars total döljs får ingen stapel.")
    return " ".join(sentences)


# ---------------------------------------------------------------------------------------------
# 3. Participations by organisation type
# ---------------------------------------------------------------------------------------------
def participations_by_organisation_type(
    indicators: pd.DataFrame,
    project: Project | None = None,
    *,
    scope: str = "period",
    indicator: str = "participations",
    min_cell: int | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Participations by organisation type (tidy indicator table in), sorted, largest on top."""
    limit = _min_cell(min_cell, project)
    when = _scope_words(scope)
    noun = INDICATOR_LABELS.get(indicator, indicator).lower()
    with house_style():
        fig, ax = _new_figure(ax)
        title = f"{_capitalise(noun)} per organisationstyp"
        what = f"Liggande staplar: {noun} per organisationstyp {when}"
        values = _indicator_rows(indicators, indicator, scope, "organisation_type")
        hidden_as = _hidden_rows(indicators, indicator, scope, "organisation_type")
        shown, rest, hidden = _published_split(values, limit, hidden_as=hidden_as)
        total_hidden = _total_hidden(indicators, indicator, scope)
        if total_hidden:  # the rest would be the hidden total minus the shown bars
            rest = 0.0
        if shown.empty and rest == 0:
            return _no_data(fig, ax, title, what)
        other = "övrigt"
        if other in shown.index and not total_hidden:  # fold the hidden into "övrigt"
            rest += float(shown.pop(other))
        labels = [_capitalise(str(c)) for c in shown.index]
        if rest > 0:
            labels.append("Övrigt och små grupper" if len(hidden) else "Övrigt")
        bar_values, display = _bar_values(shown, rest, limit)
        _barh_with_labels(ax, labels, bar_values, [BLUE] * len(labels), display)
        ax.set_xlabel(f"Antal {noun}")
        subtitle = f"Sorterat efter antal, {when}"
        more = _more_hidden(values, hidden_as, hidden, limit)
        if len(hidden) and total_hidden:
            subtitle += f". {_left_out_note('Grupper', limit, more)}"
        elif len(hidden):
            subtitle += f". {_folded_note('Grupper', 'övrigt', limit, more)}"
        _set_titles(ax, title, subtitle)

        total = float(values.sum())
        head = shown.index[0] if not shown.empty else None
        in_all = HIDDEN if total_hidden else _count(total, limit)
        alt = f"{what}, sorterade efter antal. Totalt {in_all} {noun}"
        if head is not None:
            share = "" if total_hidden else f", {format_percent(shown.iloc[0] / total)}"
            alt += f"; flest från {head} ({format_number(shown.iloc[0])}{share})"
        alt += "."
        return _finish(fig, title, alt, SOURCE_LISTS)


# ---------------------------------------------------------------------------------------------
# 4. Participations by municipality
# ---------------------------------------------------------------------------------------------
def participations_by_municipality(
    indicators: pd.DataFrame,
    project: Project,
    *,
    top: int = 10,
    scope: str = "period",
    indicator: str = "participations",
    min_cell: int | None = None,
    ax: Axes | None = None,
) -> Figure:
    """Participations by municipality (tidy indicator table in): the `top` largest + "Övriga".

    The partners' municipalities are drawn in the accent colour, with the legend entry
    "Projektpart".
    """
    limit = _min_cell(min_cell, project)
    when = _scope_words(scope)
    noun = INDICATOR_LABELS.get(indicator, indicator).lower()
    partner_places = {p.municipality for p in project.visit_partners if p.municipality}
    with house_style():
        fig, ax = _new_figure(ax)
        title = f"{_capitalise(noun)} per kommun"
        what = f"Liggande staplar: {noun} per kommun {when}"
        values = _indicator_rows(indicators, indicator, scope, "municipality")
        # Rows with no municipality are no municipality: a bar of their own, last, not ranked.
        missing = float(values.get(MISSING, 0.0))
        values = values.drop(MISSING, errors="ignore")
        # The breakdown as the indicator table publishes it: with the missing municipality.
        with_missing = pd.concat([values, pd.Series({MISSING: missing})])
        hidden_as = _hidden_rows(indicators, indicator, scope, "municipality")
        shown, rest, hidden = _published_split(with_missing, limit, hidden_as=hidden_as)
        shown = shown.drop(MISSING, errors="ignore").iloc[:top]
        total = float(values.sum()) + missing
        if MISSING in hidden.index:  # then it is a part of the rest, not a bar of its own
            missing = 0.0
        rest = total - missing - float(shown.sum())
        total_hidden = _total_hidden(indicators, indicator, scope)
        if total_hidden:  # the rest would be the hidden total minus the shown bars
            rest = 0.0
        if shown.empty and rest == 0 and missing == 0:
            return _no_data(fig, ax, title, what)
        labels = [str(c) for c in shown.index]
        colours = [ACCENT if c in partner_places else NEUTRAL for c in labels]
        if rest > 0:
            labels.append("Övriga kommuner" + (" och kommun saknas" if MISSING in hidden else ""))
            colours.append(LIGHT)
        bar_values, display = _bar_values(shown, rest, limit)
        if missing > 0:
            labels.append("Kommun saknas")
            colours.append(LIGHT)
            bar_values.append(missing if missing >= limit else 0.0)
            display.append(_count(missing, limit))
        _barh_with_labels(ax, labels, bar_values, colours, display)
        ax.set_xlabel(f"Antal {noun}")
        # Only the colours drawn: a legend entry with no bar would explain nothing.
        legend = {
            ACCENT: "Projektpart",
            NEUTRAL: "Annan kommun",
            LIGHT: "Övriga kommuner eller kommun saknas",
        }
        ax.legend(
            handles=[Patch(color=c, label=label) for c, label in legend.items() if c in colours],
            loc="lower right",
        )
        subtitle = {
            0: f"{_capitalise(noun)} {when}",
            1: f"Kommunen med flest {noun} {when}",
        }.get(len(shown), f"De {len(shown)} kommunerna med flest {noun} {when}")
        more = _more_hidden(with_missing, hidden_as, hidden, limit)
        if len(hidden) and total_hidden:
            subtitle += f". {_left_out_note('Kommuner', limit, more)}"
        elif len(hidden):
            subtitle += f". {_folded_note('Kommuner', 'övriga', limit, more)}"
        _set_titles(ax, title, subtitle)

        partners_shown = [c for c in labels if c in partner_places]
        alt = f"{what}, de {len(shown)} största och övriga; partnerkommunerna markerade."
        alt += f" Totalt {HIDDEN if total_hidden else _count(total, limit)} {noun}"
        if not shown.empty:
            alt += f"; flest från {shown.index[0]} ({format_number(shown.iloc[0])})"
        if missing > 0:
            alt += f"; utan kommun {_count(missing, limit)}"
        alt += (
            f". Av projektets {len(partner_places)} partnerkommuner syns {len(partners_shown)} "
            f"i diagrammet"
        )
        alt += f": {_join_sv(partners_shown)}." if partners_shown else "."
        return _finish(fig, title, alt, SOURCE_LISTS)
