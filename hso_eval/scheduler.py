"""`hso-eval run-all`: run every period whose inputs, parameters, narrative or code have changed.

A period whose fingerprint (see `runner.fingerprint`) equals the one in its published run.json is
skipped without starting a kernel. One summary line per period: ran, skipped or failed, and why.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import yaml

from hso_eval.errors import HsoEvalError, ParameterError, interruption_message
from hso_eval.paths import display, resolve
from hso_eval.periods import Period
from hso_eval.publish import tidy_leftovers


def period_files(params_dir: Path) -> list[Path]:
    """The period files in `params_dir`: YAML files with a `period` key (not project.yaml),
    oldest period first, whatever the files are called (`VT2025.yaml` before `HT2025.yaml`):
    each report is decided against the ones before it (`hso_eval.history`). A file whose period
    cannot be read comes last, where its run reports it."""
    folder = resolve(params_dir)
    if not folder.is_dir():
        raise ParameterError(f"Mappen {display(folder)} finns inte. Ange --params-dir.")
    out: list[tuple[tuple[int, str], Path]] = []
    for path in sorted(folder.glob("*.y*ml")):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError):
            out.append(((1, ""), path))  # let load_params report it properly
            continue
        if isinstance(data, dict) and "period" in data:
            try:
                out.append(((0, Period.parse(data["period"]).code), path))
            except ParameterError:
                out.append(((1, ""), path))
    return [path for _, path in sorted(out, key=lambda entry: entry[0])]


def published_fingerprint(output_dir: Path) -> str | None:
    try:
        record = json.loads((output_dir / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return record.get("fingerprint") if record.get("status") == "ok" else None


def _shared_output_dirs(files: list[Path]) -> dict[Path, list[Path]]:
    """Output folders that more than one period file names, with those files.

    A file that cannot be loaded is left out here; the main loop reports its own error.
    """
    from hso_eval.config import load_params

    by_dir: dict[Path, list[Path]] = {}
    for path in files:
        try:
            by_dir.setdefault(load_params(path).output_dir.resolve(), []).append(path)
        except HsoEvalError:
            continue
    return {folder: paths for folder, paths in by_dir.items() if len(paths) > 1}


def run_all(params_dir: Path, *, force: bool = False, quiet: bool = False) -> int:
    """Run what changed. Exit status: 0 all ran or skipped; else the first failure's status."""
    from hso_eval.config import load_params
    from hso_eval.runner import fingerprint, run_period

    lines: list[str] = []
    status = 0
    files = period_files(params_dir)
    shared = _shared_output_dirs(files)
    for path in files:
        name = path.stem
        t0 = time.perf_counter()
        try:
            params = load_params(path)
            name = params.period.code
            others = [p for p in shared.get(params.output_dir.resolve(), []) if p != path]
            if others:
                raise ParameterError(
                    f"{display(path)} och {', '.join(display(p) for p in others)} har samma "
                    f"'output_dir' ({display(params.output_dir)}), så de skulle skriva över "
                    "varandras rapporter. Ge varje periodfil en egen 'output_dir'; ingen av "
                    "dem körs förrän dess."
                )
            if not force and published_fingerprint(params.output_dir) == fingerprint(params):
                tidy_leftovers(params.output_dir)  # a killed run's folders, kept till now
                lines.append(f"{name}: hoppades över – oförändrad sedan senaste körningen")
                continue
            record = run_period(params, progress=False)
            seconds = f"{time.perf_counter() - t0:.1f}".replace(".", ",")
            lines.append(f"{name}: körd ({seconds} s){record.quarantine_note()}")
        except HsoEvalError as exc:
            lines.append(f"{name}: misslyckades – {exc}")
            status = status or exc.exit_code
        except KeyboardInterrupt as exc:  # Ctrl+C or SIGTERM: say what was done, then stop
            lines.append(f"{name}: misslyckades – {interruption_message(exc)}")
            print("\n".join(lines))
            raise
        except Exception as exc:  # one broken period must not stop the others
            lines.append(f"{name}: misslyckades – oväntat fel ({type(exc).__name__}: {exc})")
            status = status or 1
    if not lines:
        lines.append(f"Inga periodfiler i {display(resolve(params_dir))}.")
    print("\n".join(lines))
    return status
