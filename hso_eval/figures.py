"""The report's charts: matplotlib in one house style, Swedish labels, and alt text.

The only module in hso_eval that imports matplotlib. Every chart function takes its data and an
optional ``ax`` and returns the `Figure`, with:

* a Swedish title, left-aligned (also kept as ``fig.hso_title``, the caption in the report);
* alt text, a sentence that says what the figure shows *with its key numbers*, as
  ``fig.hso_alt`` (and ``fig._hso_alt``, the name in docs/architecture.md); read it with
  `alt_text`.

Figures are made as `matplotlib.figure.Figure` objects, never through pyplot. Nothing is then
registered with a GUI or inline backend: no backend needs choosing on a headless server (rendering
goes through Agg when saved), nothing is shown twice in a notebook, and no figure leaks. A
notebook shows a chart with ``display(HTML(figure_to_html(fig)))``: a PNG embedded as base64, with
our alt text, so nbconvert never writes its stock "No description has been provided" alt.

Output format: PNG at 150 dpi (8 × 4,5 in, so 1 200 px wide). It reads sharply on a laptop
(shown 768 CSS px wide, i.e. at 1,5× density) and prints well enough at column width; unlike SVG it
needs no fonts on the reader's machine and stays small for a map.

Inputs, per chart:

==================================== =============================================================
`activities_per_month`               clean activities (tables.ACTIVITY_COLUMNS): needs months,
                                     which the indicator table does not have
`participations_by_gender`           clean participations + activities: needs gender × work
                                     package, which the indicator table does not cross
`participations_by_organisation_type` the tidy indicator table, dimension ``organisation_type``
`participations_by_municipality`     the tidy indicator table, dimension ``municipality``
`partner_map`                        {partner or municipality: visited bool or count}, or the
                                     indicator table (``partners_visited`` by ``partner``)
`progress_against_targets`           the tidy indicator table, dimension ``total``, with targets
==================================== =============================================================

"Held in the period" for the first two is the definition of ``activities_held`` in the design
card: status ``genomförd`` and a start date inside the period.

Counts of participations are published figures: a count from 1 to ``min_cell - 1`` (default the
project's ``min_cell``) is never drawn as a bar length or shown as a number; it shows as "<5" or is
folded into "övriga", and the subtitle says so.
"""

from __future__ import annotations

import base64
import html
import io
import json
import math
import sys
import textwrap
from collections.abc import Iterable, Mapping
from contextlib import AbstractContextManager
from datetime import timedelta
from functools import cache
from importlib import resources
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
from cycler import cycler
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap, to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath
from matplotlib.ticker import FuncFormatter, MaxNLocator

from hso_eval.config import Project
from hso_eval.indicators import INDICATOR_LABELS, SCOPE_LABELS
from hso_eval.periods import Period
from hso_eval.present import MONTHS, format_number, format_percent

# ---------------------------------------------------------------------------------------------
# House style
# ---------------------------------------------------------------------------------------------
FIGSIZE: tuple[float, float] = (8.0, 4.5)
MAP_FIGSIZE: tuple[float, float] = (8.0, 5.5)
DPI = 150
FONT = "DejaVu Sans"

TEXT = "#1f2a36"
MUTED = "#5b6672"
GRID = "#dde2e7"
# Okabe–Ito colours (safe for the common colour-vision deficiencies), calm ones first.
BLUE = "#0072B2"
GREEN = "#009E73"
OCHRE = "#E69F00"
SKY = "#56B4E9"
PURPLE = "#CC79A7"
VERMILLION = "#D55E00"
NEUTRAL = "#B7C0C9"
LIGHT = "#E4E8EC"
PALETTE: tuple[str, ...] = (BLUE, GREEN, OCHRE, SKY, PURPLE, VERMILLION)
ACCENT = BLUE

GENDERS: tuple[str, ...] = ("kvinna", "man", "annat", "ej angivet")
GENDER_LABELS: dict[str, str] = {
    "kvinna": "Kvinnor",
    "man": "Män",
    "annat": "Annat",
    "ej angivet": "Ej angivet",
}
GENDER_COLOURS: dict[str, str] = {
    "kvinna": BLUE,
    "man": OCHRE,
    "annat": GREEN,
    "ej angivet": NEUTRAL,
}
VISITED_COLOUR = ACCENT
NOT_VISITED_COLOUR = LIGHT
COUNT_COLOURMAP = LinearSegmentedColormap.from_list("hso_blues", ["#DCEAF5", "#2B7BBA", "#08306B"])

NO_DATA = "Inga data för perioden"
_REAL = (int, float, np.integer, np.floating)

HOUSE_RC: dict[str, Any] = {
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 10,
    "text.color": TEXT,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlecolor": TEXT,
    "axes.titlepad": 10,
    "axes.labelsize": 10,
    "axes.labelcolor": TEXT,
    "axes.edgecolor": MUTED,
    "axes.linewidth": 0.8,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.prop_cycle": cycler(color=list(PALETTE)),
    "axes.axisbelow": True,
    "axes.formatter.use_locale": False,
    "grid.color": GRID,
    "grid.linewidth": 0.8,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": TEXT,
    "ytick.labelcolor": TEXT,
    "xtick.labelsize": 9,
    "ytick.labelsize": 9,
    "legend.frameon": False,
    "legend.fontsize": 9,
    "figure.figsize": FIGSIZE,
    "figure.facecolor": "white",
    "savefig.dpi": DPI,
    "savefig.facecolor": "white",
}


def house_style() -> AbstractContextManager[None]:
    """The house style as an rc context: ``with house_style(): ...``.

    One palette (Okabe–Ito), DejaVu Sans, no top/right spines, left-aligned bold titles,
    figures 8 × 4,5 in saved at 150 dpi. Every chart function applies it itself; use it for a
    figure of your own. Swedish decimal commas on axes come from `swedish_axis`.
    """
    return mpl.rc_context(HOUSE_RC)


def _number_tick(decimals: int | None = None) -> FuncFormatter:
    def fmt(x: float, _pos: int | None = None) -> str:
        if decimals is not None:
            return format_number(x, decimals)
        return format_number(x, 0 if float(x).is_integer() else 1)

    return FuncFormatter(fmt)


def _percent_tick(x: float, _pos: int | None = None) -> str:
    return format_percent(x, 0)


def swedish_axis(axis: Any, percent: bool = False, integer: bool = False) -> None:
    """Format a numeric axis the Swedish way: ``1 234``, ``2,5``, ``50 %`` (shares 0–1)."""
    if integer:
        axis.set_major_locator(MaxNLocator(nbins="auto", steps=[1, 2, 5, 10], integer=True))
    axis.set_major_formatter(FuncFormatter(_percent_tick) if percent else _number_tick())


# ---------------------------------------------------------------------------------------------
# Shared helpers
# ---------------------------------------------------------------------------------------------
def _new_figure(ax: Axes | None, figsize: tuple[float, float] = FIGSIZE) -> tuple[Figure, Axes]:
    if ax is not None:
        return ax.get_figure(root=True), ax  # type: ignore[return-value]
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _set_titles(ax: Axes, title: str, subtitle: str | None = None) -> None:
    """A bold left-aligned title and, under it, a grey subtitle (wrapped, kept out of layout)."""
    lines = textwrap.wrap(subtitle, 80) if subtitle else []
    ax.set_title(title, loc="left", pad=10 + 13 * len(lines))
    if lines:
        note = ax.annotate(
            "\n".join(lines),
            xy=(0, 1),
            xycoords="axes fraction",
            xytext=(0, 7),
            textcoords="offset points",
            ha="left",
            va="bottom",
            fontsize=9,
            color=MUTED,
            linespacing=1.25,
        )
        note.set_in_layout(False)  # a long subtitle must not squeeze the axes


def _finish(fig: Figure, title: str, alt: str) -> Figure:
    fig.hso_title = title  # type: ignore[attr-defined]
    fig.hso_alt = alt  # type: ignore[attr-defined]
    fig._hso_alt = alt  # type: ignore[attr-defined]
    # Lay out and create ticks now, inside the house style, so a later save or display outside
    # it looks the same.
    fig.draw_without_rendering()
    return fig


def _no_data(fig: Figure, ax: Axes, title: str, what: str, subtitle: str | None = None) -> Figure:
    """Title, subtitle and "Inga data för perioden" instead of a chart (and a short figure)."""
    if len(fig.axes) == 1:  # our own figure, or a single-axes one: no need for the full height
        fig.set_size_inches(fig.get_figwidth(), 2.2)
    ax.set_axis_off()
    _set_titles(ax, title, subtitle)
    ax.text(
        0.5,
        0.5,
        NO_DATA,
        transform=ax.transAxes,
        ha="center",
        va="center",
        fontsize=12,
        color=MUTED,
    )
    return _finish(fig, title, f"{what}: inga data för perioden.")


def alt_text(fig: Figure) -> str:
    """The figure's alt text (set by every chart function); ``""`` when it has none."""
    return str(getattr(fig, "hso_alt", None) or getattr(fig, "_hso_alt", None) or "")


def figure_title(fig: Figure) -> str:
    """The figure's title: ``fig.hso_title``, else the first axes' title, else ``""``."""
    title = getattr(fig, "hso_title", None)
    if title:
        return str(title)
    for ax in fig.axes:
        for loc in ("left", "center", "right"):
            if ax.get_title(loc=loc):
                return ax.get_title(loc=loc)
    return ""


def _join_sv(words: Iterable[str]) -> str:
    """``["a", "b", "c"]`` -> ``"a, b och c"``."""
    items = list(words)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} och {items[-1]}"


def _count(n: float, min_cell: int) -> str:
    """A published count: ``"<5"`` when it is a small cell, else Swedish formatted."""
    if 0 < n < min_cell:
        return f"<{min_cell}"
    return format_number(n)


def _min_cell(min_cell: int | None, project: Project | None) -> int:
    if min_cell is not None:
        return min_cell
    return project.min_cell if project is not None else 5


def _suppression_note(min_cell: int) -> str:
    return f"Antal under {min_cell} visas inte."


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


def _fold_small(
    values: pd.Series, min_cell: int, keep: int | None = None
) -> tuple[pd.Series, float]:
    """Split into shown categories (≥ `min_cell`, at most `keep` largest) and the rest's sum."""
    values = values[values > 0].sort_values(ascending=False, kind="stable")
    shown = values[values >= min_cell]
    if keep is not None:
        shown = shown.iloc[:keep]
    rest = float(values.drop(shown.index).sum())
    return shown, rest


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


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
    ax.tick_params(axis="y", length=0)
    top = max(values) if values else 0
    for yi, v, text in zip(y, values, display, strict=True):
        ax.annotate(
            text,
            xy=(v, yi),
            xytext=(4, 0),
            textcoords="offset points",
            va="center",
            ha="left",
            fontsize=9,
            color=TEXT,
        )
    ax.set_xlim(0, max(top * 1.12, 1))
    ax.xaxis.grid(True)
    swedish_axis(ax.xaxis, integer=True)
    ax.spines["left"].set_visible(False)


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
        alt = (
            f"{what}, staplade per arbetspaket. Totalt {format_number(totals.sum())} aktiviteter; "
            f"flest i {peak_months} ({format_number(peak)}). Per arbetspaket: {per_wp}."
        )
        return _finish(fig, title, alt)


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
) -> Figure:
    """Participations in the period's held activities by gender, one stacked bar per work package.

    Takes the clean participations and activities (the indicator table has gender and work
    package only separately). Segments with a small count are left out and the subtitle says so.
    """
    limit = _min_cell(min_cell, project)
    with house_style():
        fig, ax = _new_figure(ax)
        noun = INDICATOR_LABELS["participations"].lower()
        title = f"{_capitalise(noun)} per kön och arbetspaket"
        what = f"Liggande staplar: {noun} per kön och arbetspaket, {_period_words(period)}"
        held = _held(activities, period)[["activity_id", "work_package"]]
        joined = participations[["activity_id", "gender"]].merge(held, on="activity_id")
        if joined.empty:
            return _no_data(fig, ax, title, what)

        gender = joined["gender"].astype("string").fillna("ej angivet")
        gender = gender.where(gender.isin(GENDERS), "ej angivet")
        wp = joined["work_package"].astype("string").fillna("okänt")
        table = pd.crosstab(wp.to_numpy(), gender.to_numpy())
        genders = [g for g in GENDERS if g in table.columns]
        order = _wp_order(table.index, project)
        table = table.loc[order, genders].astype(float)
        small = (table > 0) & (table < limit)
        shown = table.mask(small, 0.0)

        y = np.arange(len(order))[::-1]
        left = np.zeros(len(order))
        drawn = [g for g in genders if shown[g].sum() > 0]
        for g in drawn:
            values = shown[g].to_numpy()
            bars = ax.barh(
                y,
                values,
                left=left,
                height=0.62,
                color=GENDER_COLOURS[g],
                edgecolor="white",
                linewidth=0.6,
                label=GENDER_LABELS[g],
            )
            labels = [format_number(v) if v > 0 else "" for v in values]
            ax.bar_label(
                bars,
                labels=labels,
                label_type="center",
                fontsize=8.5,
                color="white" if g in ("kvinna", "annat") else TEXT,
            )
            left += values
        ax.set_yticks(y, [_wp_label(c, project, width=26) for c in order])
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlabel(f"Antal {noun}")
        ax.set_xlim(0, max(left.max() * 1.05, 1))
        ax.xaxis.grid(True)
        swedish_axis(ax.xaxis, integer=True)
        if drawn:
            ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.16), ncol=len(drawn))
        subtitle = f"I genomförda aktiviteter, {_period_words(period)}"
        if small.to_numpy().any():
            subtitle += f". {_suppression_note(limit)}"
        _set_titles(ax, title, subtitle)

        totals = table.sum()
        total = float(totals.sum())
        parts = [
            f"{GENDER_LABELS[g].lower()} {_count(totals[g], limit)}"
            + (f" ({format_percent(totals[g] / total)})" if totals[g] >= limit else "")
            for g in genders
        ]
        by_wp = table.sum(axis=1)
        top = by_wp.idxmax()
        alt = (
            f"{what}. Totalt {_count(total, limit)} {noun}: {_join_sv(parts)}. "
            f"Flest i {_wp_label(top, project)} ({_count(by_wp[top], limit)})."
        )
        if small.to_numpy().any():
            alt += f" {_suppression_note(limit)}"
        return _finish(fig, title, alt)


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
    when = "under perioden" if scope == "period" else "sedan projektstart"
    noun = INDICATOR_LABELS.get(indicator, indicator).lower()
    with house_style():
        fig, ax = _new_figure(ax)
        title = f"{_capitalise(noun)} per organisationstyp"
        what = f"Liggande staplar: {noun} per organisationstyp {when}"
        values = _indicator_rows(indicators, indicator, scope, "organisation_type")
        shown, rest = _fold_small(values, limit)
        if shown.empty and rest == 0:
            return _no_data(fig, ax, title, what)
        other = "övrigt"
        if other in shown.index:  # fold the small ones into the vocabulary's own "övrigt"
            rest += float(shown.pop(other))
        labels = [_capitalise(str(c)) for c in shown.index]
        bar_values = [float(v) for v in shown]
        display = [format_number(v) for v in shown]
        if rest > 0:
            labels.append("Övrigt och små grupper" if rest >= limit else "Övrigt")
            bar_values.append(rest if rest >= limit else 0.0)
            display.append(_count(rest, limit))
        _barh_with_labels(ax, labels, bar_values, [BLUE] * len(labels), display)
        ax.set_xlabel(f"Antal {noun}")
        subtitle = f"Sorterat efter antal, {when}"
        if ((values > 0) & (values < limit)).any():
            subtitle += f". Grupper under {limit} ingår i övrigt."
        _set_titles(ax, title, subtitle)

        total = float(values.sum())
        head = shown.index[0] if not shown.empty else None
        alt = f"{what}, sorterade efter antal. Totalt {_count(total, limit)} {noun}"
        if head is not None:
            alt += (
                f"; flest från {head} ({format_number(shown.iloc[0])}, "
                f"{format_percent(shown.iloc[0] / total)})"
            )
        alt += "."
        return _finish(fig, title, alt)


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
    when = "under perioden" if scope == "period" else "sedan projektstart"
    noun = INDICATOR_LABELS.get(indicator, indicator).lower()
    partner_places = {p.municipality for p in project.visit_partners if p.municipality}
    with house_style():
        fig, ax = _new_figure(ax)
        title = f"{_capitalise(noun)} per kommun"
        what = f"Liggande staplar: {noun} per kommun {when}"
        values = _indicator_rows(indicators, indicator, scope, "municipality")
        shown, rest = _fold_small(values, limit, keep=top)
        if shown.empty and rest == 0:
            return _no_data(fig, ax, title, what)
        labels = [str(c) for c in shown.index]
        colours = [ACCENT if c in partner_places else NEUTRAL for c in labels]
        bar_values = [float(v) for v in shown]
        display = [format_number(v) for v in shown]
        if rest > 0:
            labels.append("Övriga kommuner")
            colours.append(LIGHT)
            bar_values.append(rest if rest >= limit else 0.0)
            display.append(_count(rest, limit))
        _barh_with_labels(ax, labels, bar_values, colours, display)
        ax.set_xlabel(f"Antal {noun}")
        ax.legend(
            handles=[
                Patch(color=ACCENT, label="Projektpart"),
                Patch(color=NEUTRAL, label="Annan kommun"),
            ],
            loc="lower right",
        )
        subtitle = f"De {top} kommunerna med flest {noun} {when}"
        if ((values > 0) & (values < limit)).any():
            subtitle += f". Kommuner under {limit} ingår i övriga."
        _set_titles(ax, title, subtitle)

        total = float(values.sum())
        partners_shown = [c for c in labels if c in partner_places]
        alt = f"{what}, de {min(top, len(shown))} största och övriga; partnerkommunerna markerade."
        alt += f" Totalt {_count(total, limit)} {noun}"
        if not shown.empty:
            alt += f"; flest från {shown.index[0]} ({format_number(shown.iloc[0])})"
        alt += (
            f". Av projektets {len(partner_places)} partnerkommuner syns {len(partners_shown)} "
            f"i diagrammet"
        )
        alt += f": {_join_sv(partners_shown)}." if partners_shown else "."
        return _finish(fig, title, alt)


# ---------------------------------------------------------------------------------------------
# 5. Partner map
# ---------------------------------------------------------------------------------------------
@cache
def _outlines() -> dict[str, dict[str, Any]]:
    """The packaged outlines, by ``kom_namn`` (made by scripts/trim_geojson.py)."""
    source = resources.files("hso_eval").joinpath("data/partner_municipalities.geojson")
    data = json.loads(source.read_text(encoding="utf-8"))
    return {f["properties"]["kom_namn"]: f for f in data["features"]}


def _signed_area(ring: np.ndarray) -> float:
    x, y = ring[:, 0], ring[:, 1]
    return 0.5 * float(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))


def _geometry_path(geometry: Mapping[str, Any]) -> MplPath:
    """One compound path for a Polygon or MultiPolygon, holes included (nonzero winding)."""
    kind = geometry["type"]
    if kind == "Polygon":
        polygons = [geometry["coordinates"]]
    elif kind == "MultiPolygon":
        polygons = list(geometry["coordinates"])
    else:
        raise ValueError(f"Geometritypen {kind!r} stöds inte (bara Polygon och MultiPolygon).")
    paths = []
    for polygon in polygons:
        for i, ring in enumerate(polygon):
            points = np.asarray(ring, dtype=float)[:, :2]
            outer = i == 0
            if (_signed_area(points) > 0) != outer:  # outer counter-clockwise, holes clockwise
                points = points[::-1]
            codes = np.full(len(points), MplPath.LINETO, dtype=MplPath.code_type)
            codes[0] = MplPath.MOVETO
            codes[-1] = MplPath.CLOSEPOLY
            paths.append(MplPath(points, codes))
    return MplPath.make_compound_path(*paths)


def _label_point(path: MplPath, x_scale: float, grid: int = 41) -> tuple[float, float]:
    """A point deep inside the outline, for its label.

    Of a grid of candidate points inside the outline, the one farthest from its edge (distances
    measured with longitude scaled by `x_scale`, i.e. cos(latitude)). A concave outline's
    centroid can lie near or outside its edge; this point cannot.
    """
    vertices = path.vertices
    low, high = vertices.min(axis=0), vertices.max(axis=0)
    gx, gy = np.meshgrid(np.linspace(low[0], high[0], grid), np.linspace(low[1], high[1], grid))
    candidates = np.column_stack([gx.ravel(), gy.ravel()])
    rings = path.to_polygons(closed_only=True)
    inside = np.zeros(len(candidates), dtype=bool)
    for ring in rings:  # even-odd: a point inside a hole is inside two rings
        inside ^= MplPath(ring).contains_points(candidates)
    candidates = candidates[inside]
    if len(candidates) == 0:
        centre = vertices.mean(axis=0)
        return float(centre[0]), float(centre[1])
    scale = np.array([x_scale, 1.0])
    rings = [ring * scale for ring in rings]
    starts = np.concatenate([r[:-1] for r in rings])
    edges = np.concatenate([r[1:] for r in rings]) - starts
    points = candidates * scale
    rel = points[:, None, :] - starts[None, :, :]
    length2 = np.maximum((edges**2).sum(axis=1), 1e-18)
    t = np.clip((rel * edges[None]).sum(axis=2) / length2[None], 0.0, 1.0)
    nearest = np.linalg.norm(rel - t[..., None] * edges[None], axis=2).min(axis=1)
    best = candidates[int(np.argmax(nearest))]
    return float(best[0]), float(best[1])


def _partner_lookup(project: Project) -> dict[str, str]:
    """Every way a partner is written (name, short, municipality, aliases) -> municipality."""
    lookup: dict[str, str] = {}
    for p in project.visit_partners:
        if not p.municipality:
            continue
        for key in (p.name, p.short, p.municipality, *p.aliases):
            lookup[" ".join(str(key).split()).casefold()] = p.municipality
    return lookup


def _map_values(
    data: Mapping[str, Any] | pd.DataFrame, project: Project, scope: str
) -> dict[str, Any]:
    """{municipality: value} from a mapping, or from the indicator table's partners_visited."""
    if isinstance(data, pd.DataFrame):
        rows = _indicator_rows(data, "partners_visited", scope, "partner")
        mapping: Mapping[str, Any] = {k: bool(v > 0) for k, v in rows.items()}
    else:
        mapping = data
    lookup = _partner_lookup(project)
    values: dict[str, Any] = {}
    for key, value in mapping.items():
        place = lookup.get(" ".join(str(key).split()).casefold())
        if place is not None and not (value is None or value is pd.NA):
            values[place] = value
    return values


def partner_map(
    visited: Mapping[str, bool] | Mapping[str, float] | pd.DataFrame,
    project: Project,
    *,
    scope: str = "period",
    count_label: str | None = None,
    min_cell: int | None = None,
    ax: Axes | None = None,
) -> Figure:
    """A map of the partner municipalities, coloured by visited or by a count, each labelled.

    `visited` maps a partner (name, short name, municipality or alias, e.g. "Övik") to True/False
    (visited or not) or to a count (e.g. participations, named by `count_label`); a partner that
    is absent counts as not visited / 0. The tidy indicator table works too
    (``partners_visited`` by ``partner``, value > 0 is visited).

    Drawn with matplotlib alone from the packaged outlines, in longitude/latitude with the aspect
    corrected by cos(latitude): one patch and one label per partner municipality. A partner whose
    outline is not in the package data is named in the subtitle (run scripts/trim_geojson.py
    after changing the partners).
    """
    label = count_label or INDICATOR_LABELS["participations"].lower()
    limit = _min_cell(min_cell, project)
    when = "under perioden" if scope == "period" else "sedan projektstart"
    outlines = _outlines()
    wanted = [p.municipality for p in project.visit_partners if p.municipality]
    places = [p for p in wanted if p in outlines]
    unmapped = [p for p in wanted if p not in outlines]
    values = _map_values(visited, project, scope)
    counts = bool(values) and all(
        isinstance(v, _REAL) and not isinstance(v, bool | np.bool_) for v in values.values()
    )
    with house_style():
        fig, ax = _new_figure(ax, MAP_FIGSIZE)
        title = f"{_capitalise(label)} per partnerkommun" if counts else "Besökta projektparter"
        what = f"Karta över projektets {len(places)} partnerkommuner i Västernorrland"
        if not places:
            return _no_data(fig, ax, title, what)

        if counts:
            numbers = {p: float(values.get(p, 0) or 0) for p in places}
            top = max(max(numbers.values()), 1.0)

            def colour(place: str) -> str:
                n = numbers[place]
                if n <= 0:
                    return NOT_VISITED_COLOUR
                return to_hex(COUNT_COLOURMAP(0.15 + 0.85 * (n / top if n >= limit else 0)))

        else:
            flags = {p: bool(values.get(p, False)) for p in places}

            def colour(place: str) -> str:
                return VISITED_COLOUR if flags[place] else NOT_VISITED_COLOUR

        paths = {place: _geometry_path(outlines[place]["geometry"]) for place in places}
        lats = np.concatenate([path.vertices[:, 1] for path in paths.values()])
        middle = float(lats.min() + lats.max()) / 2
        x_scale = math.cos(math.radians(middle))
        for place, path in paths.items():
            ax.add_patch(
                PathPatch(
                    path,
                    facecolor=colour(place),
                    edgecolor="white",
                    linewidth=1.4,
                    label=place,
                    gid=place,
                )
            )
            lon, lat = _label_point(path, x_scale)
            text = place
            if counts:
                text += f"\n{_count(numbers[place], limit)}"
            ax.text(
                lon,
                lat,
                text,
                ha="center",
                va="center",
                fontsize=9,
                fontweight="bold",
                color=TEXT,
                linespacing=1.1,
                path_effects=[patheffects.withStroke(linewidth=2.8, foreground="white")],
                gid=f"label:{place}",
            )
        ax.autoscale_view()
        ax.set_aspect(1 / x_scale, adjustable="datalim")  # keep the full width
        ax.set_axis_off()

        if counts:
            subtitle = f"Färgen visar antal {label} {when}; mörkare är fler"
            if any(0 < n < limit for n in numbers.values()):
                subtitle += f". {_suppression_note(limit)}"
            ranked = sorted(places, key=lambda p: -numbers[p])
            listing = ", ".join(f"{p} {_count(numbers[p], limit)}" for p in ranked)
            alt = f"{what}, färgade efter antal {label}: {listing}."
        else:
            subtitle = f"Partnerkommuner med ett genomfört partnerbesök {when}"
            ax.legend(
                handles=[
                    Patch(facecolor=VISITED_COLOUR, label="Besökt"),
                    Patch(facecolor=NOT_VISITED_COLOUR, label="Inte besökt"),
                ],
                loc="center left",
                bbox_to_anchor=(1.0, 0.5),
            )
            yes = [p for p in places if flags[p]]
            no = [p for p in places if not flags[p]]
            alt = f"{what}. Besökta {when}: {len(yes)} av {len(places)}"
            alt += f" ({_join_sv(yes)})." if yes else "."
            if no:
                alt += f" Inte besökta: {_join_sv(no)}."
        if unmapped:
            subtitle += f". Karta saknas för {_join_sv(unmapped)}"
            alt += f" Karta saknas för {_join_sv(unmapped)}."
        _set_titles(ax, title, subtitle)
        return _finish(fig, title, alt)


# ---------------------------------------------------------------------------------------------
# 6. Progress against targets
# ---------------------------------------------------------------------------------------------
def _format_value(indicator: str, value: float) -> str:
    if indicator.startswith("share_"):
        return format_percent(value)
    return format_number(value, 0 if float(value).is_integer() else 1)


def progress_against_targets(
    indicators: pd.DataFrame, project: Project, *, ax: Axes | None = None
) -> Figure:
    """Each indicator with a target: period and cumulative value as a share of the target.

    Reads the tidy table's ``total`` rows that have a target. A line marks 100 %. When any
    target is an example (``exempel: true`` in project.yaml), the subtitle says "Målvärden är
    exempel" and so does the alt text.
    """
    with house_style():
        fig, ax = _new_figure(ax)
        title = "Utfall mot målvärden"
        what = "Liggande staplar: indikatorernas utfall som andel av målvärdet"
        rows = indicators.loc[
            (indicators["dimension"] == "total") & pd.to_numeric(indicators["target"]).notna()
        ]
        known = list(INDICATOR_LABELS)
        scopes = ("period", "cumulative")
        scope_colours = {"period": SKY, "cumulative": BLUE}
        entries: dict[str, dict[str, tuple[float, float]]] = {}
        for r in rows.itertuples(index=False):
            value, target = pd.to_numeric(r.value), float(r.target)
            if pd.isna(value) or target <= 0 or r.scope not in scopes:
                continue
            entries.setdefault(str(r.indicator), {})[str(r.scope)] = (float(value), target)
        examples = project.targets_are_examples or any(
            (t := project.target(ind, sc)) is not None and t.example
            for ind, by_scope in entries.items()
            for sc in by_scope
        )
        subtitle = "Andel av målvärdet; linjen visar 100 %"
        if examples:
            subtitle += ". Målvärden är exempel"
        if not entries:
            return _no_data(fig, ax, title, what, subtitle)

        order = sorted(entries, key=lambda i: (known.index(i) if i in known else len(known), i))
        y_base = np.arange(len(order))[::-1].astype(float)
        height = 0.36
        shares: list[float] = []
        sentences = []
        for scope_i, scope in enumerate(scopes):
            ys, widths, texts = [], [], []
            for yb, ind in zip(y_base, order, strict=True):
                if scope not in entries[ind]:
                    continue
                value, target = entries[ind][scope]
                share = value / target
                ys.append(yb + (height / 2 if scope_i == 0 else -height / 2))
                widths.append(share)
                texts.append(
                    f"{_format_value(ind, value)} av {_format_value(ind, target)} "
                    f"({format_percent(share)})"
                )
                shares.append(share)
            if ys:
                bars = ax.barh(
                    ys,
                    widths,
                    height=height * 0.92,
                    color=scope_colours[scope],
                    label=SCOPE_LABELS[scope],
                )
                ax.bar_label(
                    bars,
                    labels=texts,
                    padding=4,
                    fontsize=8.5,
                    color=TEXT,
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 0.6},
                    zorder=4,
                )
        for ind in order:
            parts = [
                f"{SCOPE_LABELS[s].lower()} {_format_value(ind, v)} av {_format_value(ind, t)} "
                f"({format_percent(v / t)})"
                for s, (v, t) in ((s, entries[ind][s]) for s in scopes if s in entries[ind])
            ]
            sentences.append(f"{INDICATOR_LABELS.get(ind, ind)}: {', '.join(parts)}")

        ax.axvline(1.0, color=TEXT, linewidth=1.1, linestyle=(0, (4, 3)), zorder=2.5)
        ax.set_yticks(y_base, [textwrap.fill(INDICATOR_LABELS.get(i, i), 26) for i in order])
        ax.tick_params(axis="y", length=0)
        ax.spines["left"].set_visible(False)
        ax.set_xlim(0, max(1.45, max(shares) * 1.45))
        ax.xaxis.grid(True)
        swedish_axis(ax.xaxis, percent=True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2)
        _set_titles(ax, title, subtitle)
        alt = f"{what}, för perioden och sedan projektstart. {'; '.join(sentences)}."
        if examples:
            alt += " Målvärdena är exempel, inte från beviljandebeslutet."
        return _finish(fig, title, alt)


# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------
def figure_png(fig: Figure, dpi: int = DPI) -> bytes:
    """The figure as PNG bytes, rendered in the house style."""
    buffer = io.BytesIO()
    with house_style():
        fig.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight", pad_inches=0.12)
    return buffer.getvalue()


def _close(fig: Figure) -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:  # only a figure made through pyplot is registered anywhere
        pyplot.close(fig)


def figure_to_html(fig: Figure, caption: str | None = None) -> str:
    """``<figure>`` with the PNG embedded as base64, its escaped alt text and a caption.

    The caption is `caption` or the figure's title. The figure is closed afterwards. The image
    is shown at 96 CSS px per inch (so sharp on a 1,5× laptop screen) and never wider than
    its container.
    """
    png = figure_png(fig)
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    css_width = round(width * 96 / DPI)
    css_height = round(height * 96 / DPI)
    encoded = base64.b64encode(png).decode("ascii")
    alt = html.escape(alt_text(fig) or figure_title(fig), quote=True)
    text = html.escape(caption if caption is not None else figure_title(fig))
    _close(fig)
    caption_html = f"<figcaption>{text}</figcaption>" if text else ""
    return (
        '<figure class="hso-figure">'
        f'<img src="data:image/png;base64,{encoded}" alt="{alt}" '
        f'width="{css_width}" height="{css_height}" style="max-width: 100%; height: auto">'
        f"{caption_html}</figure>"
    )
