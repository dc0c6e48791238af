"""Publishing that never shows half a report: a run lock, an atomic directory swap, the index page.

- `RunLock`: an exclusive `flock` on a file beside the output directory. The kernel releases it when
  the holder dies, so a lock left by a killed run is taken over without any guesswork; the file
  keeps the holder's pid and start time for the "busy" message.
- `publish_directory`: the staged period directory replaces the published one in one step
  (`renameat2(RENAME_EXCHANGE)` on Linux), so a reader or a crash sees either the old publication
  or the new one, never a mix and never nothing.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import html
import json
import logging
import os
import shutil
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from hso_eval.clock import swedish_moment_text
from hso_eval.errors import BusyError, HsoEvalError, RunError
from hso_eval.paths import display

STAGING_PREFIX = ".staging-"
RETIRED_PREFIX = ".retired-"
WORK_PREFIX = ".work-"  # + the staging name: the clean tables the notebooks load
FAILED_DIR = "_misslyckade"


def _now() -> str:
    return datetime.now().astimezone().isoformat(timespec="seconds")


def disk_error_message(exc: OSError, path: Path) -> str:
    """A Swedish one-line reason for an OSError while writing under `path`."""
    if exc.errno == errno.ENOSPC:
        return f"Disken är full: kunde inte skriva i {display(path)}. Frigör utrymme och kör igen."
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        why = "skrivskyddat filsystem" if exc.errno == errno.EROFS else "åtkomst nekad"
        return (
            f"Ingen skrivrätt i {display(path)} ({why}). Kontrollera behörigheterna "
            "eller välj en annan 'output_dir'."
        )
    if exc.errno in (errno.ENOTDIR, errno.EEXIST):
        return (
            f"Kunde inte skriva i {display(path)}: sökvägen går genom en fil, inte en mapp. "
            "Flytta filen eller välj en annan 'output_dir'."
        )
    return f"Kunde inte skriva i {display(path)}: {exc.strerror or exc}."


@dataclass
class RunLock:
    """An exclusive lock per output directory. Use as a context manager."""

    target: Path
    _fd: int | None = None

    @property
    def path(self) -> Path:
        return self.target.parent / f".{self.target.name}.lock"

    def acquire(self) -> RunLock:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            try:
                # The folder may be fine: the lock file is another account's (a run as root).
                another = exc.errno in (errno.EACCES, errno.EPERM) and self.path.is_file()
            except OSError:  # the folder may not be searched: said below
                another = False
            if another:
                raise RunError(
                    f"Låsfilen {display(self.path)} får inte öppnas av det här kontot (åtkomst "
                    "nekad): den skapades troligen av en körning som ett annat konto, t.ex. "
                    "root. Ge den till kontot som kör hso-eval (chown), som mappen den ligger i."
                ) from exc
            raise RunError(disk_error_message(exc, self.path.parent)) from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise BusyError(
                f"En annan körning för {display(self.target)} pågår redan "
                f"(process {holder.get('pid', '?')}, startad "
                f"{swedish_moment_text(holder.get('started', '?'))}). "
                "Vänta tills den är klar och försök igen."
            ) from None
        os.ftruncate(fd, 0)
        os.write(fd, json.dumps({"pid": os.getpid(), "started": _now()}).encode())
        os.fsync(fd)
        self._fd = fd
        return self

    def release(self) -> None:
        if self._fd is not None:
            try:
                os.ftruncate(self._fd, 0)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> RunLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read_holder(fd: int) -> dict[str, object]:
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        return json.loads(os.read(fd, 4096).decode() or "{}")
    except (OSError, ValueError):
        return {}


def _rename_exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2). Returns False where unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    rc = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def publish_directory(staging: Path, target: Path) -> None:
    """Make `staging` the published `target` in one atomic step; the old one is removed after."""
    parent = target.parent
    _fsync_dir(staging)
    if not target.exists() and not target.is_symlink():
        os.rename(staging, target)
        _fsync_dir(parent)
        return
    if _rename_exchange(staging, target):
        # `staging` now holds the previous publication.
        retired = parent / f"{RETIRED_PREFIX}{target.name}-{os.getpid()}"
        os.rename(staging, retired)
        _fsync_dir(parent)
        shutil.rmtree(retired, ignore_errors=True)
        return
    # Fallback (non-Linux): two renames; the gap is tiny and the old copy is kept until the end.
    retired = parent / f"{RETIRED_PREFIX}{target.name}-{os.getpid()}"
    os.rename(target, retired)
    os.rename(staging, target)
    _fsync_dir(parent)
    shutil.rmtree(retired, ignore_errors=True)


def remove_leftovers(target: Path) -> list[Path]:
    """Remove staging/work/retired directories that a killed run left beside `target` (the
    caller holds `target`'s lock); return those removed. One that cannot be removed (a file in
    it that another account owns) is warned of, with what to do: it would stay for good."""
    removed = []
    for prefix in (STAGING_PREFIX, WORK_PREFIX + STAGING_PREFIX, RETIRED_PREFIX):
        for p in target.parent.glob(f"{prefix}{target.name}-*"):
            shutil.rmtree(p, ignore_errors=True)
            if p.exists():
                logging.getLogger("hso_eval").warning(
                    "%s finns kvar efter en avbruten körning och kunde inte tas bort (filer i "
                    "den ägs troligen av ett annat konto, t.ex. root). Ta bort den som det "
                    "kontot; den publiceras aldrig.",
                    display(p),
                )
            else:
                removed.append(p)
    return removed


def tidy_leftovers(target: Path) -> None:
    """`remove_leftovers` for a period that is not run (run-all skips it): only when no run
    holds its lock, so a running run's staging is never touched."""
    try:
        with RunLock(target):
            remove_leftovers(target)
    except HsoEvalError:  # a run is on, or the lock cannot be had: the next run tidies
        pass


def atomic_write_text(path: Path, text: str) -> None:
    """Write a file so that readers see the old or the new content, never half."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


# ---------------------------------------------------------------------------------------------
# reports/index.html
# ---------------------------------------------------------------------------------------------
_REPORT_FILES = (
    ("halvarsrapport.html", "Halvårsrapport"),
    ("datakvalitet.html", "Datakvalitet"),
    ("utvarderingsunderlag/utvarderingsunderlag.xlsx", "Utvärderingsunderlag (xlsx)"),
    ("utvarderingsunderlag/README.md", "Kodbok"),
    ("run.json", "Körningsprotokoll"),
)


def _run_time(finished: object) -> str:
    """When a run finished, for the index table: ``2026-11-27 08.20`` on the Swedish clock."""
    from hso_eval.present import format_datetime_iso  # pandas: only when an index is written

    try:
        return format_datetime_iso(finished or "")
    except (TypeError, ValueError):  # a run.json written by hand or by an old version
        return str(finished)[:16].replace("T", " ")


def write_index(reports_root: Path, title: str = "Rapporter") -> Path:
    """Write reports/index.html: every published period, newest first."""
    periods = []
    for run_json in reports_root.glob("*/run.json"):
        try:
            record = json.loads(run_json.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if record.get("status") != "ok":
            continue
        periods.append((str(record.get("period", run_json.parent.name)), run_json.parent, record))
    periods.sort(key=lambda t: t[0], reverse=True)
    rows = []
    for code, folder, record in periods:
        links = " · ".join(
            f'<a href="{html.escape(folder.name)}/{html.escape(rel)}">{html.escape(label)}</a>'
            for rel, label in _REPORT_FILES
            if (folder / rel).exists()
        )
        finished = html.escape(_run_time(record.get("finished")))
        rows.append(
            f"<tr><th scope='row'>{html.escape(code)}</th><td>{links}</td><td>{finished}</td></tr>"
        )
    body = "\n".join(rows) or "<tr><td colspan='3'>Inga publicerade perioder ännu.</td></tr>"
    page = f"""<!DOCTYPE html>
<html lang="sv"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title>
<style>
body{{font-family:"DejaVu Sans",Arial,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;
color:#1d2b36;line-height:1.5}}
table{{border-collapse:collapse;width:100%}}th,td{{text-align:left;padding:.5rem;
border-bottom:1px solid #d5dde3}}a{{color:#1f5f8b}}
</style></head>
<body><h1>{html.escape(title)}</h1>
<p>Alla körda perioder, nyaste först. Halvårsrapporten är den som publiceras. Datakvalitet,
utvärderingsunderlag och körningsprotokoll är projektkontorets arbetsunderlag: de visar antal
som rapporten döljer (och underlaget pseudonymiserade mikrodata) och ska inte publiceras.</p>
<table><thead><tr><th>Period</th><th>Rapporter</th><th>Körd</th></tr></thead>
<tbody>
{body}
</tbody></table></body></html>
"""
    out = reports_root / "index.html"
    atomic_write_text(out, page)
    return out
