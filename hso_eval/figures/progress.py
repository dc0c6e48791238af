"""Progress against targets: each indicator's value as a share of its target."""

from __future__ import annotations

import textwrap

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from hso_eval.config import Project
from hso_eval.figures.style import (
    BLUE,
    SKY,
    SOURCE_BOTH,
    TEXT,
    _finish,
    _horizontal_value_axis,
    _new_figure,
    _no_data,
    _set_titles,
    house_style,
)
from hso_eval.indicators import (
    INDICATOR_LABELS,
    PEOPLE_INDICATORS,
    SCOPE_LABELS,
    SHARE_INDICATORS,
)
from hso_eval.present import format_number, format_percent


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
    exempel" and so does the alt text. Shares (`SHARE_INDICATORS`, e.g. 50 % women) are left
    out: their target is a balance, not an amount to reach, and "103 % of the target" past a
    100 % line would read as an achievement. The indicator table shows them against targets.
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
        balances: set[str] = set()
        for r in rows.itertuples(index=False):
            value, target = pd.to_numeric(r.value), float(r.target)
            if pd.isna(value) or target <= 0 or r.scope not in scopes:
                continue
            if str(r.indicator) in SHARE_INDICATORS:  # a balance, not an amount (see above)
                balances.add(str(r.indicator))
                continue
            # A hidden count (a small number of people, or one the published table hides)
            # is no bar: its length and label would publish it.
            small = str(r.indicator) in PEOPLE_INDICATORS and 0 < value < project.min_cell
            if small or bool(getattr(r, "suppressed", False)):
                continue
            entries.setdefault(str(r.indicator), {})[str(r.scope)] = (float(value), target)
        examples = project.targets_are_examples or any(
            (t := project.target(ind, sc)) is not None and t.example
            for ind, by_scope in entries.items()
            for sc in by_scope
        )
        subtitle = "Andel av målvärdet; linjen visar 100 %."
        if examples:
            subtitle += " Målvärden är exempel."
        if balances:
            subtitle += " Mål för andelar (jämn könsfördelning) står i tabellen."
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
        _horizontal_value_axis(ax, max(1.45, max(shares) * 1.45), percent=True)
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.08), ncol=2)
        _set_titles(ax, title, subtitle)
        alt = f"{what}, för perioden och sedan projektstart. {'; '.join(sentences)}."
        if examples:
            alt += " Målvärdena är exempel, inte från beviljandebeslutet."
        if balances:
            alt += " Mål för andelar (jämn könsfördelning) redovisas i tabellen, inte här."
        return _finish(fig, title, alt, SOURCE_BOTH)
