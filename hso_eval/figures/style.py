"""The figures' house style, Swedish wording and output: one place for how a chart looks.

House style: one palette (Okabe–Ito), DejaVu Sans, left-aligned bold titles, no top or right
spines, figures 8 × 4,5 in saved as PNG at 150 dpi; Swedish number formats on axes. Here too are
the helpers every chart uses to start, title and finish a figure (with its alt text), the wording
rules for published counts ("<5"), and the output: `figure_png` and `figure_to_html`.
"""

from __future__ import annotations

import base64
import html
import io
import sys
import textwrap
from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any

import matplotlib as mpl
from cycler import cycler
from matplotlib.axes import Axes
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, MaxNLocator

from hso_eval.config import Project
from hso_eval.present import format_number, format_percent

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
GENDER_COLOURS: dict[str, str] = {
    "kvinna": BLUE,
    "man": OCHRE,
    "annat": GREEN,
    "ej angivet": NEUTRAL,
}
#: Hidden counts drawn together (the gender chart's rest of a bar): neutral, hatched, so that
#: it reads as "not shown" and never as a gender ("ej angivet" is plain grey).
HIDDEN_FILL = LIGHT
HIDDEN_EDGE = MUTED
HIDDEN_HATCH = "///"
HIDDEN_LABEL = "Dolt (..)"
VISITED_COLOUR = ACCENT
VISITED_BEFORE_COLOUR = SKY  # visited in an earlier period: the same hue, lighter
NOT_VISITED_COLOUR = LIGHT
COUNT_COLOURMAP = LinearSegmentedColormap.from_list("hso_blues", ["#DCEAF5", "#2B7BBA", "#08306B"])

NO_DATA = "Inga data för perioden"

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


def _horizontal_value_axis(ax: Axes, right: float, *, percent: bool = False) -> None:
    """Finish the axes of a horizontal bar chart: values along x from 0 to `right`, Swedish
    ticks (whole numbers, or percent), vertical grid lines, no y ticks or left spine."""
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlim(0, right)
    ax.xaxis.grid(True)
    swedish_axis(ax.xaxis, percent=percent, integer=not percent)


# ---------------------------------------------------------------------------------------------
# Every chart: start, title and finish a figure (with its alt text)
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


#: Where a chart's numbers come from, printed under it in the report ("Källa: ...").
SOURCE_REGISTER = "projektets aktivitetsregister"
SOURCE_LISTS = "projektets deltagarlistor"
SOURCE_BOTH = "projektets aktivitetsregister och deltagarlistor"


def _finish(fig: Figure, title: str, alt: str, source: str = SOURCE_BOTH) -> Figure:
    fig.hso_title = title  # type: ignore[attr-defined]
    fig.hso_source = source  # type: ignore[attr-defined]
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


# ---------------------------------------------------------------------------------------------
# Wording: Swedish lists, published counts and scopes
# ---------------------------------------------------------------------------------------------
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


def _suppression_note(min_cell: int, *, complementary: bool = False) -> str:
    """Says what is left out; `complementary`: larger counts are left out too."""
    if complementary:
        return (
            f"Antal under {min_cell} visas inte, och inte heller de antal som skulle låta "
            "någon räkna fram dem."
        )
    return f"Antal under {min_cell} visas inte."


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _scope_words(scope: str) -> str:
    """``under perioden`` or ``sedan projektstart``, for titles and alt text."""
    return "under perioden" if scope == "period" else "sedan projektstart"


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

    The caption is `caption` or the figure's title, followed by the source of its numbers
    ("Källa: ..."), which reviewers expect under every chart. The figure is closed afterwards.
    The image is shown at 96 CSS px per inch (so sharp on a 1,5× laptop screen) and never wider
    than its container.
    """
    png = figure_png(fig)
    width = int.from_bytes(png[16:20], "big")
    height = int.from_bytes(png[20:24], "big")
    css_width = round(width * 96 / DPI)
    css_height = round(height * 96 / DPI)
    encoded = base64.b64encode(png).decode("ascii")
    alt = html.escape(alt_text(fig) or figure_title(fig), quote=True)
    text = html.escape(caption if caption is not None else figure_title(fig))
    source = getattr(fig, "hso_source", "")
    _close(fig)
    if source:
        source_html = f'<span class="hso-source">Källa: {html.escape(source)}.</span>'
        text = f"{text}. {source_html}" if text else source_html
    caption_html = f"<figcaption>{text}</figcaption>" if text else ""
    return (
        '<figure class="hso-figure">'
        f'<img src="data:image/png;base64,{encoded}" alt="{alt}" '
        f'width="{css_width}" height="{css_height}" style="max-width: 100%; height: auto">'
        f"{caption_html}</figure>"
    )
