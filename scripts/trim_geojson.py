"""Trim Sweden's 290 municipality outlines to the project's partner municipalities.

This made ``hso_eval/data/partner_municipalities.geojson``, the package data that
``hso_eval.figures.partner_map`` draws. Run it again when the partners in ``params/project.yaml``
change::

    .venv/bin/python scripts/trim_geojson.py /work/shared/data/swedish_municipalities.geojson

The partners are taken from the project file (``partners`` with ``visit: true`` and a
``municipality``), so no municipality is hard-coded here. Each must match exactly one feature's
``kom_namn``; the script stops with a message otherwise. Every property is kept. Coordinates are
rounded to 4 decimals (about 10 m, far finer than the simplified outlines), and points that
become repeated by the rounding are dropped.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from hso_eval.config import load_project
from hso_eval.paths import repo_root

DECIMALS = 4
DEFAULT_OUTPUT = Path("hso_eval") / "data" / "partner_municipalities.geojson"


def round_ring(ring: list[list[float]], decimals: int = DECIMALS) -> list[list[float]]:
    """Round a linear ring's points and drop points repeated by the rounding (keeps it closed)."""
    out: list[list[float]] = []
    for point in ring:
        rounded = [round(float(c), decimals) for c in point[:2]]
        if not out or rounded != out[-1]:
            out.append(rounded)
    if out and out[0] != out[-1]:
        out.append(list(out[0]))
    return out


def round_geometry(geometry: dict[str, Any], decimals: int = DECIMALS) -> dict[str, Any]:
    """Round a Polygon or MultiPolygon geometry."""
    kind = geometry["type"]
    if kind == "Polygon":
        coords: Any = [round_ring(r, decimals) for r in geometry["coordinates"]]
    elif kind == "MultiPolygon":
        coords = [[round_ring(r, decimals) for r in poly] for poly in geometry["coordinates"]]
    else:
        raise ValueError(f"oväntad geometrityp {kind!r}: bara Polygon och MultiPolygon stöds")
    return {"type": kind, "coordinates": coords}


def trim(source: dict[str, Any], names: list[str], decimals: int = DECIMALS) -> dict[str, Any]:
    """The features of `source` whose ``kom_namn`` is in `names`, in that order, rounded."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for feature in source["features"]:
        by_name.setdefault(feature["properties"]["kom_namn"], []).append(feature)
    features = []
    for name in names:
        found = by_name.get(name, [])
        if len(found) != 1:
            raise SystemExit(
                f"'{name}' finns {len(found)} gånger bland kom_namn i källfilen (ska vara 1). "
                "Kontrollera kommunnamnet i params/project.yaml."
            )
        feature = found[0]
        props = dict(feature["properties"])
        if "geo_point_2d" in props:
            props["geo_point_2d"] = [round(float(c), decimals) for c in props["geo_point_2d"]]
        features.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": round_geometry(feature["geometry"], decimals),
            }
        )
    return {"type": "FeatureCollection", "features": features}


def main(argv: list[str] | None = None) -> int:
    """Command line: source GeoJSON in, trimmed GeoJSON out."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path, help="swedish_municipalities.geojson (okfse)")
    parser.add_argument("--project", type=Path, default=repo_root() / "params" / "project.yaml")
    parser.add_argument("--output", type=Path, default=repo_root() / DEFAULT_OUTPUT)
    parser.add_argument("--decimals", type=int, default=DECIMALS)
    args = parser.parse_args(argv)

    project = load_project(args.project)
    names = [p.municipality for p in project.visit_partners if p.municipality]
    source = json.loads(args.source.read_text(encoding="utf-8"))
    trimmed = trim(source, names, args.decimals)
    text = json.dumps(trimmed, ensure_ascii=False, separators=(",", ":"))
    args.output.write_text(text + "\n", encoding="utf-8")
    for feature in trimmed["features"]:
        p = feature["properties"]
        print(f"{p['id']} {p['kom_namn']} (län {p['lan_code']})")
    print(f"{len(trimmed['features'])} kommuner, {len(text) / 1024:.0f} kB -> {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
