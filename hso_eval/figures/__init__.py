"""The report's charts: matplotlib in one house style, Swedish labels, and alt text.

The only package in hso_eval that imports matplotlib. Its modules, by noun: `style` (the house
style, Swedish wording, alt text and output as PNG or HTML), `charts` (the bar charts), `map`
(the partner map and its geometry) and `progress` (progress against targets). Import the
functions from here: ``from hso_eval import figures``. Every chart function takes its data and an
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
folded into "övriga", and the subtitle says so. Neither is a count that a published total (the
indicator table's, or one in the alt text) minus the shown ones would give away: the charts hide
what `hso_eval.indicators` hides (`hso_eval.disclosure`), so "övriga" is never a small count.
"""

from hso_eval.figures.charts import (
    activities_per_month,
    participations_by_gender,
    participations_by_municipality,
    participations_by_organisation_type,
)
from hso_eval.figures.map import partner_map
from hso_eval.figures.progress import progress_against_targets
from hso_eval.figures.style import (
    ACCENT,
    BLUE,
    COUNT_COLOURMAP,
    DPI,
    FIGSIZE,
    FONT,
    GENDER_COLOURS,
    GENDERS,
    GREEN,
    GRID,
    HOUSE_RC,
    LIGHT,
    MAP_FIGSIZE,
    MUTED,
    NEUTRAL,
    NO_DATA,
    NOT_VISITED_COLOUR,
    OCHRE,
    PALETTE,
    PURPLE,
    SKY,
    TEXT,
    VERMILLION,
    VISITED_BEFORE_COLOUR,
    VISITED_COLOUR,
    alt_text,
    figure_png,
    figure_title,
    figure_to_html,
    house_style,
    swedish_axis,
)
from hso_eval.vocab import GENDER_LABELS

__all__ = [
    "ACCENT",
    "BLUE",
    "COUNT_COLOURMAP",
    "DPI",
    "FIGSIZE",
    "FONT",
    "GENDERS",
    "GENDER_COLOURS",
    "GENDER_LABELS",
    "GREEN",
    "GRID",
    "HOUSE_RC",
    "LIGHT",
    "MAP_FIGSIZE",
    "MUTED",
    "NEUTRAL",
    "NOT_VISITED_COLOUR",
    "NO_DATA",
    "OCHRE",
    "PALETTE",
    "PURPLE",
    "SKY",
    "TEXT",
    "VERMILLION",
    "VISITED_BEFORE_COLOUR",
    "VISITED_COLOUR",
    "activities_per_month",
    "alt_text",
    "figure_png",
    "figure_title",
    "figure_to_html",
    "house_style",
    "participations_by_gender",
    "participations_by_municipality",
    "participations_by_organisation_type",
    "partner_map",
    "progress_against_targets",
    "swedish_axis",
]
