"""The partner map: the partner municipalities drawn from the packaged outlines.

The outlines are package data (``hso_eval/data/partner_municipalities.geojson``, made by
scripts/trim_geojson.py) and are drawn with matplotlib alone, in longitude/latitude.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from functools import cache
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import patheffects
from matplotlib.axes import Axes
from matplotlib.colors import to_hex
from matplotlib.figure import Figure
from matplotlib.patches import Patch, PathPatch
from matplotlib.path import Path as MplPath

from hso_eval.config import Project
from hso_eval.figures.charts import _indicator_rows
from hso_eval.figures.style import (
    COUNT_COLOURMAP,
    MAP_FIGSIZE,
    NOT_VISITED_COLOUR,
    SOURCE_REGISTER,
    TEXT,
    VISITED_BEFORE_COLOUR,
    VISITED_COLOUR,
    _capitalise,
    _count,
    _finish,
    _join_sv,
    _min_cell,
    _new_figure,
    _no_data,
    _scope_words,
    _set_titles,
    _suppression_note,
    house_style,
)
from hso_eval.indicators import INDICATOR_LABELS

_REAL = (int, float, np.integer, np.floating)


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


def _name_key(name: object) -> str:
    """A partner's name as looked up: spaces collapsed, case folded ("Övik " -> "övik")."""
    return " ".join(str(name).split()).casefold()


def _partner_lookup(project: Project) -> dict[str, str]:
    """Every way a partner is written (name, short, municipality, aliases) -> municipality."""
    lookup: dict[str, str] = {}
    for p in project.visit_partners:
        if not p.municipality:
            continue
        for key in (p.name, p.short, p.municipality, *p.aliases):
            lookup[_name_key(key)] = p.municipality
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
        place = lookup.get(_name_key(key))
        if place is not None and not (value is None or value is pd.NA):
            values[place] = value
    return values


def partner_map(
    visited: Mapping[str, bool] | Mapping[str, float] | pd.DataFrame,
    project: Project,
    *,
    scope: str = "period",
    visited_before: Mapping[str, bool] | None = None,
    count_label: str | None = None,
    min_cell: int | None = None,
    ax: Axes | None = None,
) -> Figure:
    """A map of the partner municipalities, coloured by visited or by a count, each labelled.

    `visited` maps a partner (name, short name, municipality or alias, e.g. "Övik") to True/False
    (visited or not) or to a count (e.g. participations, named by `count_label`); a partner that
    is absent counts as not visited / 0. The tidy indicator table works too
    (``partners_visited`` by ``partner``, value > 0 is visited).

    Visits of the period have three states: visited in the period, visited earlier (since the
    project start, but not in the period) and not visited. The earlier visits come from the
    table's cumulative rows, or from `visited_before` (partner -> visited since the start) with
    a mapping. Without either, or for ``scope="cumulative"``, there are two.

    Drawn with matplotlib alone from the packaged outlines, in longitude/latitude with the aspect
    corrected by cos(latitude): one patch and one label per partner municipality. A partner whose
    outline is not in the package data is named in the subtitle (run scripts/trim_geojson.py
    after changing the partners).
    """
    label = count_label or INDICATOR_LABELS["participations"].lower()
    limit = _min_cell(min_cell, project)
    when = _scope_words(scope)
    outlines = _outlines()
    wanted = [p.municipality for p in project.visit_partners if p.municipality]
    places = [p for p in wanted if p in outlines]
    unmapped = [p for p in wanted if p not in outlines]
    values = _map_values(visited, project, scope)
    before: dict[str, Any] = {}
    if scope == "period":
        if isinstance(visited, pd.DataFrame):
            before = _map_values(visited, project, "cumulative")
        elif visited_before is not None:
            before = _map_values(visited_before, project, "cumulative")
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
            earlier = {p: not flags[p] and bool(before.get(p, False)) for p in places}

            def colour(place: str) -> str:
                if flags[place]:
                    return VISITED_COLOUR
                return VISITED_BEFORE_COLOUR if earlier[place] else NOT_VISITED_COLOUR

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
            yes = [p for p in places if flags[p]]
            then = [p for p in places if earlier[p]]
            no = [p for p in places if not flags[p] and not earlier[p]]
            # With the earlier visits known, "inte besökt" means: not since the project start.
            three = bool(before)
            subtitle = f"Partnerkommuner med ett genomfört partnerbesök {when}"
            handles = [Patch(facecolor=VISITED_COLOUR, label=f"Besökt {when}")]
            since = f"sedan projektstart {len(yes) + len(then)} av {len(places)}"
            if then:
                subtitle += f" och tidigare; {since}"
                handles.append(Patch(facecolor=VISITED_BEFORE_COLOUR, label="Besökt tidigare"))
            handles.append(Patch(facecolor=NOT_VISITED_COLOUR, label="Inte besökt"))
            ax.legend(handles=handles, loc="center left", bbox_to_anchor=(1.0, 0.5))
            alt = f"{what}. Besökta {when}: {len(yes)} av {len(places)}"
            alt += f" ({_join_sv(yes)})." if yes else "."
            if then:
                alt += f" Besökta tidigare, inte under perioden: {_join_sv(then)}; {since}."
            if no:
                never = " sedan projektstart" if three else ""
                alt += f" Inte besökta{never}: {_join_sv(no)}."
        if unmapped:
            subtitle += f". Karta saknas för {_join_sv(unmapped)}"
            alt += f" Karta saknas för {_join_sv(unmapped)}."
        _set_titles(ax, title, subtitle)
        return _finish(fig, title, alt, SOURCE_REGISTER)
