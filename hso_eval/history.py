"""What the half-year reports have printed: the record that later reports are decided against.

A reader holds every report that went out, as it went out. When the data behind an earlier
period changes after its report was published (a corrected count, a late participant list),
that report as printed and the next one can together give away a count that neither gives
alone, if the next one is decided against the earlier report *as today's data would print it*.
The same holds for a report run again after later ones went out. So every published half-year
report leaves a record of the counts of people it printed, and `indicators.publish` decides
each page against the records of every other report and of its own earlier versions:

- a number one of them printed, and that today's data still gives, is known to the reader;
- a number it hid, or printed with another value (stale), or did not have, is not.

Layout: ``<reports>/publicerat/<period>/<digest>.json``, beside the period folders (the folder
that holds ``index.html``), one file per distinct printed page. A file holds only what the page
itself shows (counts of people as printed, and which were hidden), so it is as public as the
report. A run writes its record before it publishes its report: a run that fails after that
leaves a record of a page nobody saw, which only makes later pages more careful.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hso_eval.errors import ParameterError, RunError
from hso_eval.paths import display
from hso_eval.periods import Period

#: The folder beside the period folders that holds the records.
FOLDER = "publicerat"

#: A printed number: where it stands on the page, as a tuple of strings (see `indicators`).
Key = tuple[str, ...]
#: One printed page: each number as printed (None where the page hid it).
Page = Mapping[Key, int | None]


def folder_for(output_dir: Path) -> Path:
    """The records of every period published beside `output_dir`."""
    return output_dir.parent / FOLDER


@dataclass(frozen=True)
class History:
    """The printed pages per period code (every version of each), and per period code a digest
    of its records (`digest`: all of them, for a cache key; `before`: the earlier periods')."""

    pages: Mapping[str, tuple[Page, ...]] = field(default_factory=dict)
    digests: Mapping[str, str] = field(default_factory=dict)

    def of(self, period: str) -> tuple[Page, ...]:
        return tuple(self.pages.get(period, ()))

    @property
    def digest(self) -> str:
        return _combined(self.digests)

    def before(self, period: str) -> str:
        """A digest of the records of the periods before `period` (what its page depends on
        besides its data and its own earlier versions, which it prints again)."""
        return _combined({p: d for p, d in self.digests.items() if p < period})


def _combined(digests: Mapping[str, str]) -> str:
    if not digests:
        return ""
    h = hashlib.sha256()
    for period in sorted(digests):
        h.update(f"{period}:{digests[period]};".encode())
    return h.hexdigest()


EMPTY = History()


def load(folder: Path, *, without: Path | None = None) -> History:
    """Every record under `folder` (an empty history when there is none), but `without`: the
    record of the demo's report that a real run replaces (`runner.demo_reports`).

    A record that cannot be read stops the run: skipping it would decide the next report as if
    that page had never been printed.
    """
    if not folder.is_dir():
        return EMPTY
    pages: dict[str, list[Page]] = {}
    digests: dict[str, Any] = {}  # hashlib's running digests
    for path in sorted(folder.glob("*/*.json")):
        if path == without:
            continue
        try:
            body = path.read_bytes()
            data = json.loads(body.decode("utf-8"))
            period = Period.parse(data["period"]).code
            page = {tuple(str(part) for part in key): _number(shown) for key, shown in data["tal"]}
        except (OSError, ValueError, KeyError, TypeError, ParameterError) as exc:
            raise RunError(
                f"{display(path)}: posten om vad en publicerad halvårsrapport visade går inte att "
                f"läsa ({type(exc).__name__}). Återställ filen från säkerhetskopian; utan den "
                "kan en ny rapport visa tal som tillsammans med den publicerade röjer ett dolt "
                "litet tal."
            ) from exc
        pages.setdefault(period, []).append(page)
        digests.setdefault(period, hashlib.sha256()).update(body)
    return History(
        {p: tuple(v) for p, v in pages.items()}, {p: h.hexdigest() for p, h in digests.items()}
    )


#: The history a run's notebooks decide with, beside its clean tables (`save_snapshot`).
SNAPSHOT = "publicerat.json"


def save_snapshot(history: History, path: Path) -> None:
    """Write `history` as read at the start of a run, for its notebooks (`load_snapshot`): a
    record another run writes meanwhile must not make the page and its record differ."""
    pages = {
        period: [[[list(key), shown] for key, shown in page.items()] for page in versions]
        for period, versions in history.pages.items()
    }
    body = {"pages": pages, "digests": dict(history.digests)}
    path.write_text(json.dumps(body, ensure_ascii=False), encoding="utf-8")


def load_snapshot(path: Path) -> History:
    """The history `save_snapshot` wrote."""
    body = json.loads(path.read_text(encoding="utf-8"))
    pages = {
        p: tuple({tuple(k): v for k, v in page} for page in versions)
        for p, versions in body["pages"].items()
    }
    return History(pages, body["digests"])


def _number(shown: object) -> int | None:
    if shown is None:
        return None
    if isinstance(shown, bool) or not isinstance(shown, int):
        raise ValueError(f"inget heltal: {shown!r}")
    return shown


def _body(period: str, page: Page) -> str:
    numbers = sorted(([list(key), shown] for key, shown in page.items()), key=lambda e: e[0])
    lines = ",\n".join(json.dumps(entry, ensure_ascii=False) for entry in numbers)
    return f'{{"period": {json.dumps(period)}, "tal": [\n{lines}\n]}}'


def path_for(folder: Path, period: str, page: Page) -> Path:
    """Where `write` records `page` (its name is a digest of what it holds)."""
    name = hashlib.sha256(_body(period, page).encode("utf-8")).hexdigest()[:20] + ".json"
    return folder / period / name


def write(folder: Path, period: str, page: Page) -> Path:
    """Record `page` as printed for `period` (once: the same page printed again adds nothing)."""
    body = _body(period, page)
    path = path_for(folder, period, page)
    name = path.name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{name}.{os.getpid()}.tmp")
        tmp.write_text(body + "\n", encoding="utf-8")
        os.replace(tmp, path)
    return path
