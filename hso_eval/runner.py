"""`hso-eval run`: clean once, run the notebooks with papermill, export HTML, publish atomically.

The recipe (each step logged with its duration):
1. take the lock for the output directory (exit 3 when busy);
2. read the key and clean the inputs once (file-level errors stop here, exit 2);
3. save the clean tables where every notebook loads them (`config.CLEAN_CACHE_ENV`);
4. execute each notebook with papermill into the staging directory;
5. export the report notebooks to self-contained HTML;
6. write run.json and run.log, then swap the staging directory in (atomic) and rewrite the index.

A failed run publishes nothing: the previous publication stays byte-identical, and the executed
notebooks are kept under reports/_misslyckade/<period>-<timestamp>/ with a run.json saying why
(a counter, -2, -3 …, is added when two runs fail within the same second).
"""

from __future__ import annotations

import errno
import hashlib
import hmac
import json
import logging
import os
import platform
import re
import shutil
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

from hso_eval import __version__, history
from hso_eval.clock import SwedishClockFormatter, swedish_now
from hso_eval.config import CLEAN_CACHE_ENV, KEY_ENV, RunParams
from hso_eval.errors import (
    HsoEvalError,
    InputFileError,
    ParameterError,
    RunError,
    interruption_message,
)
from hso_eval.paths import display, repo_root
from hso_eval.publish import (
    FAILED_DIR,
    STAGING_PREFIX,
    WORK_PREFIX,
    RunLock,
    atomic_write_text,
    disk_error_message,
    publish_directory,
    remove_leftovers,
    write_index,
)

log = logging.getLogger("hso_eval")

#: Seconds one notebook cell may run before the run is failed.
CELL_TIMEOUT = 900
#: Notebooks executed side by side. They are independent, and two kernels on two cores give
#: about 1.5x the throughput of one after the other (benchmarks/RESULTS.md).
NOTEBOOK_WORKERS = min(2, os.cpu_count() or 1)
#: How often a notebook's kernel is started before the run gives up. A kernel binds the TCP
#: ports jupyter_client found free for it, and another process may take one in between
#: ("Address already in use" in kernels.log): the kernel dies before any cell has run, and a
#: new kernel on new ports starts cleanly.
KERNEL_STARTS = 3
#: What jupyter_client says when a kernel died while starting.
_KERNEL_DIED = "Kernel died before replying to kernel_info"

#: errno values that mean the disk (or the quota) is full.
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


@dataclass(frozen=True)
class NotebookJob:
    name: str  # file stem in notebooks/
    html_title: str | None  # None: executed for its side effects (the evaluation package) only
    # The page is the publication (reviewers): no count from which a hidden number of people
    # follows. The participant lists' row counts are the participations: only the project
    # office's data-quality page shows them.
    public: bool = False

    def title(self, params: RunParams) -> str | None:
        if self.html_title is None:
            return None
        return self.html_title.format(
            n=params.report_number, period=params.period.code, project=params.project.short_name
        )


NOTEBOOKS: tuple[NotebookJob, ...] = (
    NotebookJob("datakvalitet", "Datakvalitet {period} – {project}"),
    NotebookJob("halvarsrapport", "Halvårsrapport nr {n} – {project} {period}", public=True),
    NotebookJob("utvarderingsunderlag", None),
)

VERSIONED_PACKAGES = (
    "pandas",
    "numpy",
    "pyarrow",
    "papermill",
    "nbconvert",
    "nbformat",
    "ipykernel",
    "matplotlib",
    "openpyxl",
    "python-calamine",
)


def versions() -> dict[str, str]:
    out = {"hso_eval": __version__, "python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = version(name)
        except PackageNotFoundError:
            out[name] = "saknas"
    return out


def key_fingerprint(key: bytes) -> str:
    """A short fingerprint that tells whether two runs used the same key, without revealing it."""
    return hmac.new(key, b"hso_eval key fingerprint v1", hashlib.sha256).hexdigest()[:12]


def _stamp() -> str:
    return swedish_now().strftime("%Y%m%dT%H%M%S")


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t).astimezone().isoformat(timespec="seconds")


@dataclass
class RunRecord:
    """What run.json says about a run."""

    period: str
    status: str = "running"
    started: str = ""
    finished: str = ""
    seconds: float = 0.0
    parameters: dict[str, Any] = field(default_factory=dict)
    pseudonym_key: dict[str, str] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    inputs: list[dict[str, Any]] = field(default_factory=list)
    quality: dict[str, int] = field(default_factory=dict)
    steps: list[dict[str, Any]] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    fingerprint: str = ""
    printed_record: str | None = None  # what the report printed (`history`), for the next ones
    error: str | None = None
    failed_copy: str | None = None

    def quarantine_note(self) -> str:
        """For the run's one summary line: how many rows went to quarantine ("" for none), so
        that a scheduled run's log shows there are sheets to fix."""
        rows = int(self.quality.get("quarantined_rows", 0))
        if not rows:
            return ""
        return f", {rows} {'rad' if rows == 1 else 'rader'} i karantän (se datakvalitet.html)"

    def to_json(self) -> str:
        return json.dumps(self.__dict__, ensure_ascii=False, indent=2) + "\n"


@contextmanager
def _step(record: RunRecord, name: str, stopped: threading.Event | None = None) -> Iterator[None]:
    """Time and log one step of the run. A step that raised is not "klart": it "misslyckades",
    or is "avbrutet" by Ctrl+C or SIGTERM (in a notebook's thread: once `stopped` is set)."""
    t0 = time.perf_counter()
    log.info("%s …", name)
    outcome = "misslyckades"
    try:
        yield
        outcome = "klart"
    except KeyboardInterrupt:
        outcome = "avbrutet"
        raise
    except BaseException:
        if stopped is not None and stopped.is_set():
            outcome = "avbrutet"
        raise
    finally:
        dt = time.perf_counter() - t0
        record.steps.append({"step": name, "seconds": round(dt, 3), "status": outcome})
        log.info("%s %s (%s s)", name, outcome, f"{dt:.1f}".replace(".", ","))


@contextmanager
def _kernel_environment(staging: Path, cache: Path) -> Iterator[None]:
    """Environment the kernels inherit: the root, a non-interactive backend, the staging dir
    and the saved clean tables (`config.CLEAN_CACHE_ENV`)."""
    saved = dict(os.environ)
    os.environ["HSO_EVAL_ROOT"] = str(repo_root())
    os.environ["HSO_EVAL_STAGING"] = str(staging)
    os.environ[CLEAN_CACHE_ENV] = str(cache)
    os.environ["MPLBACKEND"] = "Agg"
    os.environ.pop(KEY_ENV, None)  # kernels never need the key: they load pseudonymised tables
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


def fingerprint(params: RunParams) -> str:
    """A digest of everything a period's output depends on (for `run-all`)."""
    h = hashlib.sha256()
    h.update(__version__.encode())
    try:  # a new pseudonym key changes every person_key: the period must be rebuilt
        h.update(key_fingerprint(params.load_key()).encode())
    except HsoEvalError:
        h.update(b"no key")
    paths = [params.source, params.project_file, params.activities, params.participants]
    paths.append(params.narrative)
    for p in paths:
        h.update(str(p).encode())
        try:
            if p is not None and p.is_file():
                h.update(hashlib.sha256(p.read_bytes()).digest())
        except OSError as exc:  # unreadable: the run says so, with what to check
            h.update(f"unreadable {exc.errno}".encode())
    nb_dir = repo_root() / "notebooks"
    for job in NOTEBOOKS:
        h.update(_notebook_code(nb_dir / f"{job.name}.ipynb"))
    # The earlier periods' records decide this page too (its own it prints again as they are).
    try:
        h.update(
            history.load(history.folder_for(params.output_dir)).before(params.period.code).encode()
        )
    except HsoEvalError:  # unreadable: the run says so
        h.update(b"unreadable record")
    pkg = Path(__file__).parent
    for p in sorted(pkg.rglob("*")):
        if p.is_file() and p.suffix in {".py", ".j2", ".css", ".csv", ".json", ".geojson"}:
            h.update(p.relative_to(pkg).as_posix().encode())
            h.update(p.read_bytes())
    return h.hexdigest()


def _notebook_code(path: Path) -> bytes:
    """What a run executes of a notebook: its kernel, and each cell's type, tags and source.
    Outputs, execution counts and other metadata are left out: a notebook run and saved in
    JupyterLab is no change."""
    try:
        raw = path.read_bytes()
    except OSError:  # the run says what
        return b"no notebook"
    try:
        notebook = json.loads(raw)
        cells = [
            [c["cell_type"], c.get("metadata", {}).get("tags", []), c["source"]]
            for c in notebook["cells"]
        ]
        return json.dumps([notebook.get("metadata", {}).get("kernelspec"), cells]).encode()
    except (ValueError, KeyError, TypeError, AttributeError):  # no notebook: the run says so
        return raw


def run_period(params: RunParams, *, progress: bool = False) -> RunRecord:
    """Run one period end to end and publish it to `params.output_dir`."""
    target = params.output_dir
    record = RunRecord(period=params.period.code)
    t_start = time.time()
    record.started = _iso(t_start)
    record.parameters = params.as_notebook_parameters()
    record.versions = versions()
    record.fingerprint = fingerprint(params)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise RunError(disk_error_message(exc, target.parent)) from exc

    with RunLock(target):
        remove_leftovers(target)
        demos = demo_reports(params)
        staging = target.parent / f"{STAGING_PREFIX}{target.name}-{_stamp()}-{os.getpid()}"
        try:
            staging.mkdir(parents=True)
            (staging / "notebooks").mkdir()
        except OSError as exc:
            raise RunError(disk_error_message(exc, target.parent)) from exc
        handler = logging.FileHandler(staging / "run.log", encoding="utf-8")
        handler.setFormatter(SwedishClockFormatter("%(asctime)s %(levelname)s %(message)s"))
        log.addHandler(handler)
        try:
            try:
                printed = _run_into(params, staging, record, demos, progress=progress)
            except OSError as exc:
                if exc.errno not in _DISK_FULL:
                    raise
                # a full disk while cleaning, running or exporting: say so, in Swedish
                raise RunError(disk_error_message(exc, target.parent)) from exc
            record.status = "ok"
            record.finished = _iso(time.time())
            record.seconds = round(time.time() - t_start, 2)
            record.outputs = sorted(
                [p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file()]
                + ["run.json"]
            )
            records = history.folder_for(target)
            record.printed_record = display(history.path_for(records, params.period.code, printed))
            log.info("Vad halvårsrapporten visar sparas i %s", record.printed_record)
            # The last line of run.log (closed before the folder is swapped in): the run is done.
            log.info(
                "Publicerar %s (klar på %s s)",
                display(target),
                f"{record.seconds:.1f}".replace(".", ","),
            )
            log.removeHandler(handler)
            handler.close()
            try:
                atomic_write_text(staging / "run.json", record.to_json())
                # The record first: should publishing fail, later reports are decided against a
                # page nobody saw, which only makes them more careful.
                written = history.write(records, params.period.code, printed)
                publish_directory(staging, target)
                replaced = _replaced_demo_record(params, demos)
                if replaced is not None and replaced != written:
                    replaced.unlink(missing_ok=True)  # its report is gone: this one replaced it
            except OSError as exc:
                raise RunError(disk_error_message(exc, target.parent)) from exc
            try:
                write_index(target.parent)
            except OSError as exc:  # the period is published; only the list page is stale
                log.warning(
                    "reports/index.html uppdaterades inte: %s",
                    disk_error_message(exc, target.parent),
                )
            log.info("Klart: %s (%s s)", display(target), f"{record.seconds:.1f}".replace(".", ","))
            return record
        except BaseException as exc:
            record.status = "failed"
            record.finished = _iso(time.time())
            record.seconds = round(time.time() - t_start, 2)
            if isinstance(exc, HsoEvalError):
                record.error = str(exc)
            elif isinstance(exc, KeyboardInterrupt):
                record.error = interruption_message(exc)
            else:
                record.error = f"{type(exc).__name__}: {exc}"
            # The reason as run.log's last line, for whoever opens the failed run's folder;
            # only there: the console gets it once, from the CLI (stderr, or run-all's summary).
            handler.handle(
                log.makeRecord(
                    log.name, logging.ERROR, __file__, 0, "Misslyckades: %s", (record.error,), None
                )
            )
            log.removeHandler(handler)
            handler.close()
            # A wrong parameter, key or input file (exit 2) stops the run before any notebook:
            # there is nothing to keep but the message, which the console already gives, and
            # a nightly run-all would leave a folder every night until the file is fixed.
            if not isinstance(exc, ParameterError | InputFileError):
                _keep_failed(staging, target, record)
            raise
        finally:
            shutil.rmtree(staging, ignore_errors=True)


def _keep_failed(staging: Path, target: Path, record: RunRecord) -> None:
    """Move what a failed run produced to reports/_misslyckade/<period>-<timestamp>/.

    The folder is new for every failed run: when one with the same timestamp exists (two
    failures within a second), the name gets a counter, <period>-<timestamp>-2, -3 … So no
    failed run's run.json or notebooks are overwritten or moved into another run's folder.
    """
    failed = target.parent / FAILED_DIR / f"{target.name}-{_stamp()}"
    try:
        failed.parent.mkdir(parents=True, exist_ok=True)
        failed = _new_directory(failed)
        if staging.exists():
            for child in sorted(staging.iterdir()):
                shutil.move(str(child), failed / child.name)
        record.failed_copy = display(failed)
        atomic_write_text(failed / "run.json", record.to_json())
        shutil.rmtree(staging, ignore_errors=True)  # empty now
    except OSError:
        log.warning("Kunde inte spara den misslyckade körningen i %s", display(failed))


def _new_directory(path: Path) -> Path:
    """Create and return `path`, or `path-2`, `path-3` … when it exists: never an existing one.

    `mkdir` without `exist_ok` claims the name atomically, so two processes never get the same.
    """
    candidate, number = path, 1
    while True:
        try:
            candidate.mkdir()
            return candidate
        except FileExistsError:
            number += 1
            candidate = path.with_name(f"{path.name}-{number}")


def _run_into(
    params: RunParams,
    staging: Path,
    record: RunRecord,
    demos: list[DemoReport],
    *,
    progress: bool,
) -> history.Page:
    """Clean, run the notebooks and export into `staging`; return what the half-year report
    printed (for `history`), decided by the same call as the notebook's, without the record of
    a demo report this run replaces (`demos`)."""
    from hso_eval.clean import clean_inputs
    from hso_eval.indicators import publish

    with _step(record, "Läser nyckel och rensar indata"):
        key = params.load_key()
        record.pseudonym_key = {
            "source": "fil" if params.pseudonym_key_file else "miljövariabel",
            "fingerprint": key_fingerprint(key),
        }
        _warn_key_changed(params, record.pseudonym_key["fingerprint"])
        for notice in [params.key_file_exposed(key), *params.notices()]:
            if notice:
                log.warning("%s: %s", params.period.code, notice)
        clean = clean_inputs(params, key)
        del key
        # What the reports published so far printed; the notebooks read the same records.
        replaced = _replaced_demo_record(params, demos)
        earlier = history.load(history.folder_for(params.output_dir), without=replaced)
        _warn_unrecorded(params, earlier)
        _warn_demo_reports(params, demos)
        if replaced is not None:
            log.warning(
                "%s: %s/ är demons rapport, publicerad bland de riktiga av en äldre version. "
                "Den här körningen ersätter den och tar bort dess post %s, som inte räknas när "
                "små tal bedöms.",
                params.period.code,
                display(params.output_dir),
                display(replaced),
            )
        from hso_eval.report import narrative_problems

        shown = display(params.narrative) if params.narrative else ""
        for problem in [*clean.narrative_notices, *narrative_problems(clean.narrative, shown)]:
            # The period first: `run-all` prints these before its summary, for every period.
            log.warning("%s: %s", params.period.code, problem)
    record.inputs = [
        {
            "role": a.role,
            "path": a.path,
            "sha256": a.sha256,
            "sheet": a.sheet,
            "header_row": a.header_row,
            "rows": a.rows(),
            "unknown_columns": a.unknown_columns,
        }
        for a in clean.accounts
    ]
    record.quality = {
        "quarantined_rows": int(sum(a.quarantined for a in clean.accounts)),
        "warnings": len(clean.warnings),
    }
    for a in clean.accounts:
        log.info("%s", a.summary())
    from hso_eval.quality import unknown_column_notes

    for note, misspelt in unknown_column_notes(clean):
        # A misspelt column loses its data: a warning (shown by --quiet and in cron's log).
        log.log(logging.WARNING if misspelt else logging.INFO, "%s: %s", params.period.code, note)

    work = staging.parent / f"{WORK_PREFIX}{staging.name}"
    # What the half-year report prints, decided here while the kernels run (the main thread
    # only waits for them): the same call, with the same tables and records, as the notebook's.
    with ThreadPoolExecutor(max_workers=1) as side:
        page = side.submit(
            publish,
            clean.activities,
            clean.participations,
            params.project,
            params.period,
            history=earlier,
        )
        try:
            with _step(record, "Sparar rena tabeller för notebooks"):
                cache = clean.save(work / "clean")
            history.save_snapshot(earlier, cache / history.SNAPSHOT)
            _execute_notebooks(params, staging, cache, record, progress=progress)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return page.result().printed


#: Where the demo's inputs lie (as run.json names them): a report made from them is the demo's.
DEMO_INPUTS = "data/demo/"


@dataclass(frozen=True)
class DemoReport:
    """A demo report that an older version published among the real ones (`demo_reports`)."""

    folder: Path
    #: The record of what it printed (run.json's `printed_record`), where it still exists.
    record: Path | None


def demo_reports(params: RunParams) -> list[DemoReport]:
    """The demo's reports beside this real period's (its own folder included): an older version
    published the demo's periods in `reports/`. The index lists them, and their records count
    as published pages when small numbers are decided (`hso_eval.history`). Empty for a run of
    the demo's own inputs (the demo, or the demo installed as real periods)."""
    if any(display(p).startswith(DEMO_INPUTS) for p in (params.activities, params.participants)):
        return []
    records = history.folder_for(params.output_dir)
    found = []
    for run_json in sorted(params.output_dir.parent.glob("*/run.json")):
        try:
            run = json.loads(run_json.read_text(encoding="utf-8"))
            inputs = run.get("inputs") or []
            demo = any(str(entry.get("path", "")).startswith(DEMO_INPUTS) for entry in inputs)
            printed = run.get("printed_record")
        except (OSError, ValueError, AttributeError):
            continue  # not a run record this version wrote: not the demo's either
        if not demo:
            continue
        folder = run_json.parent
        # Only the name is taken from the file: the record is the one of that period's folder.
        name = Path(printed).name if isinstance(printed, str) else ""
        record = records / folder.name / name
        kept = _RECORD_NAME.fullmatch(name) is not None and record.is_file()
        found.append(DemoReport(folder, record if kept else None))
    return found


#: A record's file name (`history.path_for`).
_RECORD_NAME = re.compile(r"[0-9a-f]{20}\.json")


def _replaced_demo_record(params: RunParams, reports: list[DemoReport]) -> Path | None:
    """The record of the demo report in this run's own folder, which this run replaces."""
    own = params.output_dir.resolve()
    return next((d.record for d in reports if d.folder.resolve() == own and d.record), None)


def _warn_demo_reports(params: RunParams, reports: list[DemoReport]) -> None:
    """Say what to remove of the demo reports beside this one (`demo_reports`). Its own folder
    is left out: this run replaces that report and removes its record (`run_period`)."""
    for demo in reports:
        if demo.folder.resolve() == params.output_dir.resolve():
            continue
        if demo.record is None:
            counts, remove = "", "mappen"
        else:
            counts = (
                f", och dess post {display(demo.record)} räknas när den här rapportens små tal "
                "bedöms"
            )
            remove = "mappen och posten"
        log.warning(
            "%s: %s/ är demons rapport (indata ur %s), publicerad bland de riktiga av en äldre "
            "version. Index-sidan visar den%s. Ta bort %s (docs/drift.md, 'Uppgradering').",
            params.period.code,
            display(demo.folder),
            DEMO_INPUTS,
            counts,
            remove,
        )


def _warn_key_changed(params: RunParams, fingerprint: str) -> None:
    """Warn when the key is not the one the period's published report was made with: every
    person_key changes, and a key changed by mistake (an environment file written anew, a slip
    when pasting) would otherwise show only as a period run again."""
    try:
        published = json.loads((params.output_dir / "run.json").read_text(encoding="utf-8"))
        before = published["pseudonym_key"]["fingerprint"]
    except (OSError, ValueError, KeyError, TypeError):  # nothing published yet, or no record
        return
    if isinstance(before, str) and before != fingerprint:
        log.warning(
            "%s: pseudonymnyckeln är en annan än när perioden senast publicerades "
            "(fingeravtryck %s, nu %s). Alla person_key i utvärderingsunderlaget blir nya, så "
            "personer kan inte följas mellan det gamla och det nya underlaget. Var bytet inte "
            "avsiktligt: sätt tillbaka den gamla nyckeln och kör igen (docs/drift.md, avsnitt 8).",
            params.period.code,
            before,
            fingerprint,
        )


def _warn_unrecorded(params: RunParams, earlier: history.History) -> None:
    """Warn of each earlier period with no record of what its report printed: this report is
    decided against it as today's data would print it, which differs from what went out if
    its data have changed since (a report sent before hso_eval kept records, or run elsewhere)."""
    from hso_eval.periods import Period

    current = Period.containing(params.project.start)
    folder = display(history.folder_for(params.output_dir))
    while current < params.period:
        if not earlier.of(current.code):
            log.warning(
                "%s: det finns ingen post om vad halvårsrapporten för %s visade (%s/%s/), så "
                "den bedöms så som dagens data skulle visa den. Har underlaget för %s ändrats "
                "sedan rapporten gick ut kan de två rapporterna tillsammans röja ett dolt litet "
                "tal. Har det inte ändrats: skriv en periodfil för %s (params/%s.yaml, med samma "
                "blad som då) och kör den med hso-eval run, så sparas posten.",
                params.period.code,
                current.code,
                folder,
                current.code,
                current.code,
                current.code,
                current.code,
            )
        current = current.next()


def _execute_notebooks(
    params: RunParams, staging: Path, cache: Path, record: RunRecord, *, progress: bool
) -> None:
    """Run the notebooks side by side (they are independent: each loads the shared clean
    tables), export each report notebook as soon as it is done, and fail with the first error
    in notebook order once all have stopped, so every executed copy is kept."""
    from hso_eval.export import notebook_to_html
    from hso_eval.kernels import for_log, stop_kernels

    footer = _footer(params, record)
    # The clean tables' folder reaches the kernels through the environment, not as a parameter:
    # the executed notebooks are published, and would show a temporary folder of this machine
    # (under a home folder that carries a name) that is gone by the time anyone reads them.
    parameters = params.as_notebook_parameters()
    kernel_manager = for_log(staging / "notebooks" / "kernels.log")  # removed below if empty
    stopped = threading.Event()
    with (
        _kernel_environment(staging, cache),
        _quiet_once(stopped),
        ThreadPoolExecutor(max_workers=NOTEBOOK_WORKERS) as pool,
    ):
        futures: list[Future[Path]] = []
        errors = []
        try:
            for position, job in enumerate(NOTEBOOKS):
                futures.append(
                    pool.submit(
                        _execute_one,
                        job,
                        parameters,
                        staging,
                        record,
                        position,
                        progress,
                        kernel_manager,
                        stopped,
                    )
                )
            for job, future in zip(NOTEBOOKS, futures, strict=True):
                try:
                    executed = future.result()
                except RunError as exc:
                    errors.append(exc)
                    continue
                title = job.title(params)
                if title is None or errors:
                    continue
                with _step(record, f"Exporterar {job.name}.html"):
                    page = notebook_to_html(
                        executed,
                        title=title,
                        footer=footer,
                        inputs=_input_rows(record),
                        input_rows=not job.public,
                        version=__version__,
                    )
                    (staging / f"{job.name}.html").write_text(page, encoding="utf-8")
        except BaseException:
            # Ctrl+C or SIGTERM (they reach only this process: the kernels run in sessions of
            # their own), or a fault here such as a full disk: start no notebook that waits and
            # kill the running ones, so the run stops now rather than when every notebook is
            # done. Then wait for their threads, a second Ctrl+C or not, so that the failed
            # copy is kept with every step and no thread writes into a folder being removed.
            stopped.set()
            for future in futures:
                future.cancel()
            _wait_regardless(futures, lambda: stop_kernels(kernel_manager))
            raise
    kernel_log = staging / "notebooks" / "kernels.log"
    if kernel_log.is_file() and kernel_log.stat().st_size == 0:
        kernel_log.unlink()  # the kernels said nothing: no empty file in the publication
    if errors:
        raise errors[0]


def _wait_regardless(futures: list[Future[Path]], stop: Callable[[], None]) -> None:
    """Call `stop`, then wait until every one of `futures` is done, through any further
    KeyboardInterrupt (Ctrl+C pressed twice, or SIGTERM after Ctrl+C): `stop` is called again
    for each, and the waiting goes on, as the threads end within seconds once it has run."""
    while True:
        try:
            stop()
            wait(futures)
            return
        except KeyboardInterrupt:
            continue


@contextmanager
def _quiet_once(stopped: threading.Event) -> Iterator[None]:
    """Once the run is stopped, papermill's logger (nbclient's too) says nothing: "Kernel died
    while waiting for execute reply" is what stopping a run means, and the CLI says so in one
    line of its own."""
    papermill_log = logging.getLogger("papermill")

    def running(_: logging.LogRecord) -> bool:
        return not stopped.is_set()

    papermill_log.addFilter(running)
    try:
        yield
    finally:
        papermill_log.removeFilter(running)


#: The most characters of a notebook's error kept in the one-line reason (run.json, summary).
ERROR_CHARS = 600


def _one_line(text: str) -> str:
    """`text` on one line: its lines joined, cut at `ERROR_CHARS` with "…" (an error whose
    first line ends in ':' says what is wrong only on the lines after it)."""
    joined = " ".join(line.strip() for line in text.splitlines() if line.strip())
    return joined if len(joined) <= ERROR_CHARS else joined[: ERROR_CHARS - 1] + "…"


def _execute_one(
    job: NotebookJob,
    parameters: dict[str, Any],
    staging: Path,
    record: RunRecord,
    position: int,
    progress: bool,
    kernel_manager: type | None = None,
    stopped: threading.Event | None = None,
) -> Path:
    """Execute one notebook with papermill into the staging directory (until `stopped`)."""
    from papermill.exceptions import PapermillExecutionError

    from hso_eval.kernels import KernelsStopped

    root = repo_root()
    source = root / "notebooks" / f"{job.name}.ipynb"
    executed = staging / "notebooks" / f"{job.name}.ipynb"
    bar: bool | dict[str, Any] = {"desc": job.name, "position": position} if progress else False
    with _step(record, f"Kör {job.name}.ipynb", stopped):
        for attempt in range(1, KERNEL_STARTS + 1):
            if stopped is not None and stopped.is_set():
                raise KernelsStopped()
            try:
                _papermill(source, executed, parameters, root, bar, kernel_manager)
                break
            except PapermillExecutionError as exc:
                raise RunError(
                    f"{job.name}.ipynb stoppade i cell {exc.exec_count}: {exc.ename}: "
                    f"{_one_line(exc.evalue or '')}".strip()
                ) from exc
            except RuntimeError as exc:
                if _KERNEL_DIED not in str(exc) or (stopped is not None and stopped.is_set()):
                    raise  # not a kernel that died starting, or one `stop_kernels` killed
                if attempt == KERNEL_STARTS:
                    raise RunError(
                        f"{job.name}.ipynb: kärnan (Python-processen som kör notebooken) dog "
                        f"innan den startat, {KERNEL_STARTS} gånger i rad. Orsaken står i "
                        "notebooks/kernels.log i den misslyckade körningens mapp; kör igen."
                    ) from exc
                log.info(
                    "Kärnan för %s.ipynb dog innan den startat (se notebooks/kernels.log); "
                    "startar en ny (försök %d av %d)",
                    job.name,
                    attempt + 1,
                    KERNEL_STARTS,
                )
        _publishable_paths(executed, source)
    return executed


def _papermill(
    source: Path,
    executed: Path,
    parameters: dict[str, Any],
    root: Path,
    bar: bool | dict[str, Any],
    kernel_manager: type | None,
) -> None:
    """One papermill execution of `source` into `executed` (see `_execute_one`)."""
    import papermill

    papermill.execute_notebook(
        str(source),
        str(executed),
        parameters=parameters,
        cwd=str(root),
        kernel_name="python3",
        execution_timeout=CELL_TIMEOUT,
        progress_bar=bar,
        log_output=False,
        report_mode=False,
        # The kernel's own log is not for cron logs: jupyter_client interrupts
        # every kernel before shutting it down, and ipykernel may log that at
        # ERROR ("KeyboardInterrupt caught in kernel") after a successful run.
        # Cell errors reach us through papermill, not through this log.
        extra_arguments=["--IPKernelApp.log_level=CRITICAL"],
        # ... and whatever else a kernel prints goes to notebooks/kernels.log
        **({"kernel_manager_class": kernel_manager} if kernel_manager else {}),
    )


def _publishable_paths(executed: Path, source: Path) -> None:
    """Point papermill's record of the notebook's paths at the repository and the publication.

    papermill writes the absolute input and output paths into the executed notebook's metadata:
    a folder of this machine (a home folder carries a name) and a staging folder that is gone
    once published. Plain JSON, as nbformat writes it, so nbformat's validator is not loaded.
    """
    nb = json.loads(executed.read_text(encoding="utf-8"))
    record = nb.get("metadata", {}).get("papermill")
    if record is None:
        return
    record["input_path"] = display(source)
    record["output_path"] = f"notebooks/{executed.name}"  # where it lies in the publication
    text = json.dumps(nb, indent=1, sort_keys=True, ensure_ascii=False)
    executed.write_text(text + "\n", encoding="utf-8")


def _input_rows(record: RunRecord) -> list[dict[str, Any]]:
    return [
        {"path": i["path"], "sha256": i["sha256"], "read": i["rows"]["read"]} for i in record.inputs
    ]


def _footer(params: RunParams, record: RunRecord) -> list[tuple[str, str]]:
    """ "Om körningen" at the foot of each report: what went in, and when, on the Swedish clock
    (run.json keeps the ISO time)."""
    from hso_eval.present import format_datetime_prose  # pandas: not for `hso-eval check`

    p = record.parameters
    rows = [
        ("Period", f"{params.period.code} ({params.period.label})"),
        ("Parameterfil", display(params.source) if params.source else "–"),
        ("Aktivitetsregister", str(p["activities"])),
        ("Deltagarlistor", str(p["participants"])),
        ("Berättelse", str(p["narrative"] or "–")),
        ("Pseudonymnyckel", f"fingeravtryck {record.pseudonym_key.get('fingerprint', '–')}"),
        ("Programversion", f"hso_eval {__version__}, Python {platform.python_version()}"),
        ("Körd", format_datetime_prose(record.started)),
    ]
    return rows


def python_executable() -> str:
    return sys.executable
