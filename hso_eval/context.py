"""What a notebook calls first: one period's validated parameters, clean tables and indicators.

A notebook's `parameters` cell holds the period-file keys (with demo defaults) plus `clean_cache`.
The runner saves the cleaning once and gives its kernels the folder in `CLEAN_CACHE_ENV`, so the
notebooks share one cleaning (and the executed notebooks show no folder of the machine), and the
record of what the reports printed as the run read it at its start (`history.SNAPSHOT`). Run by
hand in JupyterLab, neither is set: the notebook cleans by itself and reads the records beside
its `output_dir` (`hso_eval.history`); it writes none (only `hso-eval run` does).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from hso_eval.config import (
    CLEAN_CACHE_ENV,
    KEY_ENV,
    NOTEBOOK_SOURCE,
    PERIOD_KEYS,
    Project,
    RunParams,
    build_params,
    period_file_values,
)
from hso_eval.errors import HsoEvalError, ParameterError
from hso_eval.history import SNAPSHOT, History, load_snapshot
from hso_eval.history import folder_for as history_folder
from hso_eval.history import load as load_history
from hso_eval.paths import display, resolve
from hso_eval.periods import Period
from hso_eval.tables import CleanResult


@dataclass
class PeriodData:
    """One period's data as the notebooks see it. Holds no names, e-mails or key."""

    params: RunParams
    clean: CleanResult
    snapshot: Path | None = None  # the history a run read at its start (`history.SNAPSHOT`)

    @property
    def project(self) -> Project:
        return self.params.project

    @property
    def period(self) -> Period:
        return self.params.period

    @property
    def activities(self) -> pd.DataFrame:
        return self.clean.activities

    @property
    def participations(self) -> pd.DataFrame:
        return self.clean.participations

    @cached_property
    def indicators(self) -> pd.DataFrame:
        """The tidy indicator table (period and cumulative), unsuppressed."""
        from hso_eval.indicators import compute_indicators

        return compute_indicators(self.activities, self.participations, self.project, self.period)

    @cached_property
    def history(self) -> History:
        """What the half-year reports published beside this period's folder have printed
        (`hso_eval.history`): the page is decided against it."""
        if self.snapshot is not None and self.snapshot.is_file():
            return load_snapshot(self.snapshot)
        return load_history(history_folder(self.params.output_dir))

    @cached_property
    def narrative(self) -> dict[str, str]:
        """The period's Markdown narrative split by heading ({} when there is none), as it may
        be published: read by the cleaning, with the lists' names and e-mail addresses taken
        out (`clean.redact_narrative`)."""
        from hso_eval.present import split_narrative

        return split_narrative(self.clean.narrative)


def _brief_errors_in_notebooks() -> None:
    """In a notebook, show an `HsoEvalError` as its Swedish message alone, not as a traceback
    through the library: the message says what to change; the traceback only hides it. The cell
    still fails (papermill and `hso-eval run` see the error as before)."""
    try:
        from IPython import get_ipython
    except ImportError:  # not in IPython
        return
    shell = get_ipython()
    if shell is None:
        return

    def brief(shell, etype, value, tb, tb_offset=None):  # IPython's custom_exc signature
        stb = [f"\x1b[1;31mFel:\x1b[0m {value}"]
        shell._showtraceback(etype, value, stb)
        return stb

    shell.set_custom_exc((HsoEvalError,), brief)


#: A period's own parameter file, as README names it, and the demo's: where a notebook given
#: only a period (its parameters cell as it stands, or `period = "2025H1"` typed there) finds
#: the rest, the period's own file first.
PERIOD_FILES = ("params/{period}.yaml", "params/demo/{period}.yaml")


def load_period(clean_cache: str | Path | None = None, **parameters: Any) -> PeriodData:
    """Validate the notebook's parameters and return the period's data.

    `parameters` are the period-file keys (period, project, activities, …). Unknown keys are
    rejected with the nearest known one, exactly as for a period file. A notebook's own
    defaults name only the (demo) period: when neither input file is given, the period's file
    (`PERIOD_FILES`: params/2025H1.yaml, else the demo's params/demo/2024H1.yaml) gives the
    rest, under whatever else is given. With input files given (`hso-eval run`, papermill's
    `-f`), the parameters are all there is: nothing of the demo's is left over (`-f
    params/2025H1.yaml` without a narrative gives no narrative, and the key from
    HSO_PSEUDONYM_KEY).
    """
    _brief_errors_in_notebooks()
    given = {k: v for k, v in parameters.items() if k in PERIOD_KEYS or v is not None}
    source, label = None, None
    inputs = [k for k in ("activities", "participants") if given.get(k) is not None]
    if len(inputs) == 1:
        # Given files are all there is (see above): the other is not taken from the period file,
        # which would mix the demo's data with the evaluator's.
        [other] = {"activities", "participants"} - set(inputs)
        raise ParameterError(
            f"{NOTEBOOK_SOURCE}: '{inputs[0]}' är angiven, men inte '{other}'. När en indatafil "
            "anges i parametercellen läses ingen periodfil: ange båda filerna, och nyckeln "
            f"('pseudonym_key_file' eller miljövariabeln {KEY_ENV}). Eller ange bara 'period' "
            "och ändra filerna i periodens parameterfil."
        )
    if not inputs:
        try:
            period = Period.parse(given.get("period")).code
        except ParameterError:  # no period, or none of this form: `build_params` says so
            period = None
        if period is not None:
            files = [resolve(name.format(period=period)) for name in PERIOD_FILES]
            source = next((file for file in files if file.is_file()), None)
            if source is None:
                raise ParameterError(
                    f"{NOTEBOOK_SOURCE}: perioden {period} har ingen parameterfil "
                    f"({display(files[0])}) och inga indatafiler. Skriv periodens parameterfil "
                    "(README, 'En riktig period'), eller ange 'activities' och 'participants' "
                    "i notebookens parametercell."
                )
            from_file = period_file_values(source)
            changed = [
                k
                for k, v in given.items()
                if v is not None and k != "period" and from_file.get(k) != v
            ]
            if changed:  # a mistake may be in either: the message names both
                label = (
                    f"{NOTEBOOK_SOURCE} (som ändrar {', '.join(repr(k) for k in changed)} "
                    f"i {display(source)})"
                )
            given = {**from_file, **{k: v for k, v in given.items() if v is not None}}
    params = build_params(given, source=source, label=label)
    clean_cache = clean_cache or os.environ.get(CLEAN_CACHE_ENV)
    if clean_cache:
        folder = resolve(clean_cache)  # relative to the repository root
        clean = CleanResult.load(folder)
        return PeriodData(params=params, clean=clean, snapshot=folder / SNAPSHOT)
    from hso_eval.clean import clean_inputs

    clean = clean_inputs(params, params.load_key())
    return PeriodData(params=params, clean=clean)
