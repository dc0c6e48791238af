"""The plain floor for `hso-eval run`: the same library calls in one process, no notebooks.

What `hso-eval run PARAMS` does through papermill kernels and nbconvert, this script does as
plain Python: load the parameters, clean once, compute the indicators, call the data-quality
page's and the half-year report's HTML section functions (`hso_eval.quality`, `hso_eval.report`),
draw the same figures (`hso_eval.figures`, `figure_to_html`), build the evaluation package
(`hso_eval.evaluation.build_package`) and write two bare HTML pages. The calls mirror the code
cells of notebooks/datakvalitet.ipynb, halvarsrapport.ipynb and utvarderingsunderlag.ipynb; keep
them in step when the notebooks change.

The ratio "hso-eval run / this script" is what the notebooks, kernels, nbconvert and publishing
cost on top of the work itself (benchmarks/run.py measures it).

Usage:
    .venv/bin/python benchmarks/floor.py PARAMS.yaml OUT_DIR
"""

from __future__ import annotations

import argparse
import os
import shutil
import time
from pathlib import Path

os.environ.setdefault("MPLBACKEND", "Agg")


def build(params_file: Path, out: Path) -> dict[str, float]:
    """Everything the three notebooks compute, written under `out`; step durations back."""
    steps: dict[str, float] = {}
    t0 = time.perf_counter()

    from hso_eval import evaluation, figures, present, quality, report
    from hso_eval.clean import clean_inputs
    from hso_eval.config import load_params
    from hso_eval.context import PeriodData

    steps["import"] = time.perf_counter() - t0
    t = time.perf_counter()
    params = load_params(params_file)
    clean = clean_inputs(params, params.load_key())
    data = PeriodData(params=params, clean=clean)
    indicators = data.indicators
    steps["clean+indicators"] = time.perf_counter() - t

    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)

    # datakvalitet.ipynb
    t = time.perf_counter()
    parts = [
        quality.title_html(data.period.code, data.period.label, data.project.name),
        quality.accounting_html(data.clean),
        quality.quarantine_html(data.clean),
        quality.warnings_html(data.clean),
        quality.unknown_columns_html(data.clean),
    ]
    try:
        from hso_eval.template import template_link_html

        parts.append(template_link_html())
    except ImportError:  # older checkouts: no template link
        pass
    _page(out / "datakvalitet.html", "Datakvalitet", parts)
    steps["datakvalitet"] = time.perf_counter() - t

    # halvarsrapport.ipynb
    t = time.perf_counter()
    fig = figures.figure_to_html
    parts = [
        present.style_html(),
        report.title_html(data),
        report.introduction_html(data),
        report.structures_html(data),
        report.communication_html(data),
        report.organisation_html(data),
        report.activities_html(data),
        fig(figures.activities_per_month(data.activities, data.period, data.project)),
        fig(
            figures.participations_by_gender(
                data.participations,
                data.activities,
                data.period,
                data.project,
                history=data.history,
            )
        ),
        fig(figures.participations_by_organisation_type(indicators, data.project)),
        fig(figures.participations_by_municipality(indicators, data.project)),
        fig(figures.partner_map(indicators, data.project)),
        report.planned_html(data),
        report.indicators_html(data),
        fig(figures.progress_against_targets(indicators, data.project)),
        report.quality_html(data),
    ]
    _page(out / "halvarsrapport.html", "Halvårsrapport", parts)
    steps["halvarsrapport"] = time.perf_counter() - t

    # utvarderingsunderlag.ipynb
    t = time.perf_counter()
    package = evaluation.build_package(data, out / "utvarderingsunderlag")
    evaluation.summarise_package(package)
    evaluation.check_package(package)
    steps["utvarderingsunderlag"] = time.perf_counter() - t
    steps["total"] = time.perf_counter() - t0
    return steps


def _page(path: Path, title: str, parts: list[str]) -> None:
    body = "\n".join(parts)
    path.write_text(
        f'<!doctype html>\n<html lang="sv"><head><meta charset="utf-8"><title>{title}</title>'
        f"</head><body>\n{body}\n</body></html>\n",
        encoding="utf-8",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="The plain floor for hso-eval run.")
    parser.add_argument("params", type=Path)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    steps = build(args.params, args.out)
    print(" ".join(f"{k}={v:.3f}" for k, v in steps.items()))


if __name__ == "__main__":
    main()
