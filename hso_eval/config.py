"""Project configuration and period parameters: YAML -> typed, validated objects.

Everything is validated before a kernel starts. Unknown keys are rejected with the nearest
known key,
because papermill itself only warns about an unknown parameter.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from hso_eval.errors import ParameterError
from hso_eval.paths import display, repo_root, resolve
from hso_eval.periods import Period

KEY_ENV = "HSO_PSEUDONYM_KEY"
#: Set by the runner for its kernels: the folder of the clean tables it saved once for the run
#: (`context.load_period` loads them instead of cleaning again).
CLEAN_CACHE_ENV = "HSO_EVAL_CLEAN_CACHE"
#: Where a message says the parameters came from when no period file gave them: a notebook's
#: parameters cell, or papermill's `-p` (`context.load_period`).
NOTEBOOK_SOURCE = "notebookens parametrar"

#: The keys of a period file, in the order a notebook's `parameters` cell holds them.
PERIOD_KEYS: tuple[str, ...] = (
    "period",
    "project",
    "activities",
    "participants",
    "narrative",
    "pseudonym_key_file",
    "output_dir",
    "activities_sheet",
    "participants_sheet",
)
_REQUIRED_PERIOD_KEYS = ("period", "activities", "participants")

INDICATOR_IDS: tuple[str, ...] = (
    "activities_held",
    "activities_planned",
    "participations",
    "unique_participants",
    "attendance_total",
    "organisations_engaged",
    "partners_visited",
    "share_women",
    "share_women_speakers",
)


# ---------------------------------------------------------------------------------------------
# Typed objects
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class WorkPackage:
    """One arbetspaket, e.g. AP3 Påverkansarbete."""

    code: str  # "AP3"
    number: int  # 3
    name: str  # "Påverkansarbete"
    lead: str  # free text, as the report prints it
    aliases: tuple[str, ...] = ()  # other names the sheets use for it

    @property
    def label(self) -> str:
        return f"{self.code} {self.name}"


@dataclass(frozen=True)
class Partner:
    """A partner organisation of the project."""

    name: str  # "Härnösands kommun"
    short: str  # "Härnösand"
    type: str  # organisation type from the vocabulary: kommun, region, länsstyrelse
    municipality: str | None = None  # canonical municipality name, for visits held there
    visit: bool = True  # counted in "partners visited, k av n"
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Role:
    role: str
    name: str


@dataclass(frozen=True)
class Target:
    indicator: str
    scope: str  # "period" | "cumulative"
    value: float
    example: bool  # `exempel: true` in the YAML: not yet from the grant decision


@dataclass(frozen=True)
class Organisation:
    project_office: tuple[Role, ...]
    steering_group: str
    reference_group: str
    reference_group_members: tuple[str, ...]


@dataclass(frozen=True)
class Project:
    """The project's facts (params/project.yaml). Code hard-codes none of these."""

    name: str
    short_name: str
    owner: str
    start: date
    end: date
    project_leader: str
    funders: tuple[str, ...]
    work_packages: tuple[WorkPackage, ...]
    partners: tuple[Partner, ...]
    organisation: Organisation
    targets: tuple[Target, ...]
    min_cell: int = 5
    source: Path | None = None

    def work_package(self, code: str) -> WorkPackage:
        for wp in self.work_packages:
            if wp.code == code:
                return wp
        raise KeyError(code)

    @property
    def visit_partners(self) -> tuple[Partner, ...]:
        """The partners counted in "k av n" (the seven municipalities in HSO)."""
        return tuple(p for p in self.partners if p.visit)

    def target(self, indicator: str, scope: str) -> Target | None:
        for t in self.targets:
            if t.indicator == indicator and t.scope == scope:
                return t
        return None

    @property
    def targets_are_examples(self) -> bool:
        return any(t.example for t in self.targets)


@dataclass(frozen=True)
class RunParams:
    """A period's parameters (params/2025H1.yaml), validated, with paths resolved."""

    period: Period
    project: Project
    project_file: Path
    activities: Path
    participants: Path
    narrative: Path | None
    pseudonym_key_file: Path | None
    output_dir: Path
    activities_sheet: str | None = None
    participants_sheet: str | None = None
    source: Path | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    #: Where the parameters were given, when not the source alone (a notebook's parameters
    #: that change some of its period file's values).
    source_label: str | None = None

    @property
    def report_number(self) -> int:
        return self.period.report_number(self.project.start)

    def input_files(self) -> dict[str, Path]:
        return {"activities": self.activities, "participants": self.participants}

    def as_notebook_parameters(self) -> dict[str, Any]:
        """The parameters papermill injects: plain strings, relative to the root where possible.

        The pseudonym key itself is never among them; only the path of its file.
        """
        root = repo_root()
        out: dict[str, Any] = {
            "period": self.period.code,
            "project": display(self.project_file, root),
            "activities": display(self.activities, root),
            "participants": display(self.participants, root),
            "narrative": display(self.narrative, root) if self.narrative else None,
            "pseudonym_key_file": (
                display(self.pseudonym_key_file, root) if self.pseudonym_key_file else None
            ),
            "output_dir": display(self.output_dir, root),
            "activities_sheet": self.activities_sheet,
            "participants_sheet": self.participants_sheet,
        }
        return out

    def read_narrative(self) -> str:
        """The narrative's Markdown ("" without one): UTF-8, else Windows-1252 (Word/Notepad)."""
        if self.narrative is None:
            return ""
        try:
            data = self.narrative.read_bytes()
        except OSError as exc:
            raise _unreadable("Berättelsen", self.narrative, exc) from exc
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ParameterError(
            f"Berättelsen {display(self.narrative)} går inte att läsa som text: spara den som "
            "UTF-8 (i Anteckningar: Spara som, Kodning UTF-8)."
        )

    def load_key(self) -> bytes:
        """The pseudonym key, from `pseudonym_key_file` or the environment variable.

        There is no default key. The demo's key is a file under data/demo/ that the demo's
        period files name.
        """
        if self.pseudonym_key_file is not None:
            path = self.pseudonym_key_file
            if not _is_file(path, "Nyckelfilen"):
                # Only a file name with a suffix in a folder that exists is named: anything
                # else may be the key itself typed as the file (base64 holds '/' and '+'), and
                # the message goes to cron.log and the journal.
                shown = (
                    display(path)
                    if path.suffix and path.parent.is_dir()
                    else "(namnet visas inte: det kan vara själva nyckeln)"
                )
                raise ParameterError(
                    f"Nyckelfilen {shown} finns inte. Ange en befintlig fil i "
                    f"'pseudonym_key_file', eller sätt miljövariabeln {KEY_ENV}."
                )
            try:
                key = path.read_bytes().strip()
            except OSError as exc:
                raise _unreadable("Nyckelfilen", path, exc) from exc
            where = f"nyckelfilen {display(path)}"
            if re.match(rb"(?:export\s+)?" + KEY_ENV.encode("ascii") + rb"\s*=", key):
                # systemd's environment file (docs/drift.md): the whole line would be the key,
                # and every pseudonym would differ from those the variable gives, silently.
                raise ParameterError(
                    f"Nyckelfilen {display(path)} är en miljöfil ({KEY_ENV}=…), inte en fil med "
                    "bara nyckeln: hela raden skulle bli nyckeln och alla pseudonymer andra än "
                    f"med miljövariabeln. Ta bort 'pseudonym_key_file' och låt miljöfilen sätta "
                    f"{KEY_ENV}, eller peka på en fil som bara innehåller nyckeln."
                )
        elif os.environ.get(KEY_ENV):
            key = os.environ[KEY_ENV].strip().encode("utf-8")
            where = f"miljövariabeln {KEY_ENV}"
        else:
            demo = all(
                _reachable_file(p) and _is_demo_input(p.resolve())
                for p in self.input_files().values()
            )
            raise ParameterError(
                f"Ingen pseudonymnyckel: ange 'pseudonym_key_file' i {self.source_name()} "
                f"eller sätt miljövariabeln {KEY_ENV}. "
                + (
                    "För demodata är det 'pseudonym_key_file: data/demo/demo-nyckel.txt'."
                    if demo
                    else "Utanför demodata finns ingen standardnyckel."
                )
            )
        if len(key) < 16:
            raise ParameterError(
                f"Pseudonymnyckeln i {where} är för kort ({len(key)} tecken): använd minst 16 "
                "slumpmässiga tecken, t.ex. från 'python3 -c \"import secrets; "
                "print(secrets.token_hex(32))\"'."
            )
        self._refuse_demo_key_for_real_data(key, where)
        return key

    def notices(self) -> list[str]:
        """Settings that have no effect, said so that nobody relies on them: a sheet name for
        a CSV file, which has no sheets (left from when the file was a workbook)."""
        return [
            f"{self.source_name()}: '{key}' ('{sheet}') används inte: {display(path)} är en "
            "CSV-fil, som inte har några blad. Ta bort raden."
            for key, path, sheet in (
                ("activities_sheet", self.activities, self.activities_sheet),
                ("participants_sheet", self.participants, self.participants_sheet),
            )
            if sheet is not None and path.suffix.lower() == ".csv"
        ]

    def key_file_exposed(self, key: bytes) -> str | None:
        """A warning when the key file may be read or changed by other accounts than its owner
        (docs/drift.md asks for 600): whoever reads it can recompute the pseudonyms, whoever
        writes it can change every one. None for the demo's key, which is public anyway."""
        path = self.pseudonym_key_file
        if path is None or hashlib.sha256(_hmac_key(key)).hexdigest() == DEMO_KEY_SHA256:
            return None
        try:
            mode = path.stat().st_mode & 0o777
        except OSError:
            return None
        if not mode & 0o077:
            return None
        return (
            f"Nyckelfilen {display(path)} kan läsas eller ändras av fler konton än sin ägare "
            f"(rättigheter {mode:o}): ge den rättigheterna 600, 'chmod 600 {display(path)}'."
        )

    def _refuse_demo_key_for_real_data(self, key: bytes, where: str) -> None:
        """Refuse the demo's key (public: it is in git) for anything but the demo data.

        A period file copied from a demo one keeps `pseudonym_key_file: data/demo/…`, which
        wins over `HSO_PSEUDONYM_KEY`; anyone with the repository could then recompute the
        pseudonyms from a list of candidate addresses. The key is recognised as HMAC uses it
        (`DEMO_KEY_SHA256`: trailing NUL bytes or another copy of the file do not hide it), and
        the demo data by content (`DEMO_INPUT_SHA256`): a file saved over the demo's, in
        data/demo/ or anywhere, is not the demo data.
        """
        if hashlib.sha256(_hmac_key(key)).hexdigest() != DEMO_KEY_SHA256:
            return
        # A path that is no file holds no data: the reader says so ("filen finns inte"), which
        # is what a mistyped path needs, not advice about the key.
        real = [
            path
            for path in dict.fromkeys([self.activities.resolve(), self.participants.resolve()])
            if _reachable_file(path) and not _is_demo_input(path)
        ]
        if not real:
            return
        fix = (
            f"ta bort raden 'pseudonym_key_file' i {self.source_name()} och sätt "
            f"miljövariabeln {KEY_ENV}, eller peka på en egen nyckelfil utanför git"
            if self.pseudonym_key_file is not None
            else f"sätt {KEY_ENV} till en egen nyckel"
        )
        raise ParameterError(
            f"Pseudonymnyckeln i {where} är demonyckeln (data/demo/demo-nyckel.txt). Den ligger "
            "i git och är därför offentlig, så den får bara användas för demodata, inte för "
            f"{' och '.join(display(p) for p in real)}: {fix}."
        )

    def source_name(self) -> str:
        """Where these parameters were given, for a message that says what to correct there."""
        if self.source_label:
            return self.source_label
        return display(self.source) if self.source else "notebookens parametercell"


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------
class _DuplicateKey(yaml.YAMLError):
    """A key written twice in one mapping: (key, its first line, the line it is repeated on)."""

    def __init__(self, key: object, first: int, again: int) -> None:
        super().__init__(key, first, again)
        self.key, self.first, self.again = key, first, again


class _StrictLoader(yaml.SafeLoader):
    """`yaml.SafeLoader` that refuses a key written twice in one mapping.

    PyYAML keeps the last of two, so a period file with `period:` twice (a line copied and
    changed, the old one left) would run whichever stands last, without a word.
    """

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":  # "<<": merged, not a key
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            try:
                if key in seen:  # on another line, or on the same one ('{a: 1, a: 2}')
                    raise _DuplicateKey(key, seen[key], line)
                seen[key] = line
            except TypeError:  # an unhashable key: the base class reports it
                continue
        return super().construct_mapping(node, deep=deep)


def _read_yaml(path: Path, what: str) -> dict[str, Any]:
    if not path.is_file():
        raise ParameterError(f"{what} {display(path)} finns inte. Kontrollera sökvägen.")
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_StrictLoader)
    except _DuplicateKey as exc:
        raise ParameterError(
            f"{display(path)} rad {exc.again}: nyckeln '{exc.key}' står två gånger (också på rad "
            f"{exc.first}), och bara den sista skulle gälla. Ta bort den som inte ska gälla."
        ) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" rad {mark.line + 1}" if mark is not None else ""
        raise ParameterError(
            f"{display(path)}{where}: filen är ingen giltig YAML. Kontrollera indrag, kolon och "
            "hakparenteser på raden och raden ovanför (skriv t.ex. 'period: 2025H1')."
        ) from exc
    except UnicodeDecodeError as exc:
        raise ParameterError(f"{display(path)}: filen är inte sparad som UTF-8.") from exc
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParameterError(
            f"{display(path)}: filen ska innehålla nycklar och värden (key: value)."
        )
    return data


def check_keys(given: Mapping[str, Any], known: tuple[str, ...] | list[str], where: str) -> None:
    """Reject unknown keys and name the nearest known one (`perod` -> `period`)."""
    for key in given:
        if key in known:
            continue
        near = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.5)
        hint = f" Menade du '{near[0]}'?" if near else ""
        raise ParameterError(
            f"{where}: okänd nyckel '{key}'.{hint} Giltiga nycklar: {', '.join(known)}."
        )


def _require(data: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in data or data[key] in (None, ""):
        raise ParameterError(f"{where}: nyckeln '{key}' saknas eller är tom.")
    return data[key]


def _as_list(data: Mapping[str, Any], key: str, where: str) -> list[Any]:
    """A list in the YAML (one '- ' line per value); missing or empty is an empty list.

    A single text is refused rather than read letter by letter ('funders: EU' is not E, U).
    """
    value = data.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise ParameterError(
            f"{where}: '{key}' ska vara en lista, med ett värde per rad som börjar med '- ', "
            f"inte '{value}'."
        )
    return value


def _as_mapping(value: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(value, dict):
        raise ParameterError(
            f"{where}: ska ha nycklar och värden (t.ex. 'name: …' på egna rader), inte '{value}'."
        )
    return value


def _as_bool(data: Mapping[str, Any], key: str, default: bool, where: str) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise ParameterError(f"{where}: '{key}' ska vara true eller false, inte '{value}'.")
    return value


def _as_date(value: Any, key: str, where: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise ParameterError(
            f"{where}: '{key}' = '{value}' är inget datum (skriv t.ex. 2024-01-01)."
        ) from exc


_PROJECT_KEYS = (
    "name",
    "short_name",
    "owner",
    "start",
    "end",
    "project_leader",
    "funders",
    "work_packages",
    "partners",
    "organisation",
    "targets",
    "min_cell",
)


def load_project(path: str | os.PathLike[str]) -> Project:
    """Load and validate params/project.yaml."""
    file = resolve(path)
    where = display(file)
    data = _read_yaml(file, "Projektkonfigurationen")
    check_keys(data, _PROJECT_KEYS, where)
    start = _as_date(_require(data, "start", where), "start", where)
    end = _as_date(_require(data, "end", where), "end", where)
    if end <= start:
        raise ParameterError(f"{where}: 'end' ({end}) måste ligga efter 'start' ({start}).")

    wps = []
    _require(data, "work_packages", where)
    for i, raw in enumerate(_as_list(data, "work_packages", where), start=1):
        w = f"{where}, work_packages nr {i}"
        check_keys(_as_mapping(raw, w), ("code", "name", "lead", "aliases"), w)
        code = str(_require(raw, "code", w)).strip().upper().replace(" ", "")
        if not code.startswith("AP") or not code[2:].isdigit():
            raise ParameterError(f"{w}: 'code' = '{code}' ska se ut som AP1, AP2 …")
        wps.append(
            WorkPackage(
                code=code,
                number=int(code[2:]),
                name=str(_require(raw, "name", w)).strip(),
                lead=str(raw.get("lead") or "").strip(),
                aliases=tuple(str(a) for a in _as_list(raw, "aliases", w)),
            )
        )
    if len({w.code for w in wps}) != len(wps):
        raise ParameterError(f"{where}: två arbetspaket har samma kod.")

    partners = []
    _require(data, "partners", where)
    for i, raw in enumerate(_as_list(data, "partners", where), start=1):
        w = f"{where}, partners nr {i}"
        check_keys(
            _as_mapping(raw, w), ("name", "short", "type", "municipality", "visit", "aliases"), w
        )
        partners.append(
            Partner(
                name=str(_require(raw, "name", w)).strip(),
                short=str(raw.get("short") or raw["name"]).strip(),
                type=str(_require(raw, "type", w)).strip(),
                municipality=(
                    str(raw["municipality"]).strip() if raw.get("municipality") else None
                ),
                visit=_as_bool(raw, "visit", True, w),
                aliases=tuple(str(a) for a in _as_list(raw, "aliases", w)),
            )
        )

    org_raw = _as_mapping(data.get("organisation") or {}, f"{where}, organisation")
    check_keys(
        org_raw,
        ("project_office", "steering_group", "reference_group", "reference_group_members"),
        f"{where}, organisation",
    )
    office_where = f"{where}, organisation, project_office"
    office = []
    for i, r in enumerate(_as_list(org_raw, "project_office", f"{where}, organisation"), start=1):
        w = f"{office_where} nr {i}"
        check_keys(_as_mapping(r, w), ("role", "name"), w)
        office.append(
            Role(role=str(r.get("role") or "").strip(), name=str(r.get("name") or "").strip())
        )
    organisation = Organisation(
        project_office=tuple(office),
        steering_group=str(org_raw.get("steering_group") or "").strip(),
        reference_group=str(org_raw.get("reference_group") or "").strip(),
        reference_group_members=tuple(
            str(m) for m in _as_list(org_raw, "reference_group_members", f"{where}, organisation")
        ),
    )

    targets = []
    for i, raw in enumerate(_as_list(data, "targets", where), start=1):
        w = f"{where}, targets nr {i}"
        check_keys(_as_mapping(raw, w), ("indicator", "scope", "value", "exempel"), w)
        ind = str(_require(raw, "indicator", w))
        check_keys({ind: None}, INDICATOR_IDS, f"{w}, indicator")
        scope = str(raw.get("scope", "cumulative"))
        if scope not in ("period", "cumulative"):
            raise ParameterError(f"{w}: 'scope' ska vara period eller cumulative, inte '{scope}'.")
        try:
            value = float(_require(raw, "value", w))
        except (TypeError, ValueError) as exc:
            raise ParameterError(f"{w}: 'value' = '{raw.get('value')}' är inget tal.") from exc
        targets.append(
            Target(
                indicator=ind, scope=scope, value=value, example=_as_bool(raw, "exempel", False, w)
            )
        )

    min_cell = data.get("min_cell", 5)
    if isinstance(min_cell, bool) or not isinstance(min_cell, int) or min_cell < 1:
        raise ParameterError(f"{where}: 'min_cell' ska vara ett heltal ≥ 1, inte '{min_cell}'.")

    return Project(
        name=str(_require(data, "name", where)).strip(),
        short_name=str(data.get("short_name") or data["name"]).strip(),
        owner=str(data.get("owner") or "").strip(),
        start=start,
        end=end,
        project_leader=str(data.get("project_leader") or "").strip(),
        funders=tuple(str(f) for f in _as_list(data, "funders", where)),
        work_packages=tuple(wps),
        partners=tuple(partners),
        organisation=organisation,
        targets=tuple(targets),
        min_cell=min_cell,
        source=file,
    )


#: sha256 of the demo key as HMAC-SHA256 uses it (`_hmac_key`); the key is in git, so public.
DEMO_KEY_SHA256 = "d40619845dbcae6a7168907b2de9db1f2975607d0a1f34a85ffe0c3daa67ae7d"
#: The demo inputs the demo key is for, by (size, sha256): scripts/make_demo.py writes them,
#: and tests/test_demo_data.py checks that this list is theirs.
DEMO_INPUT_SHA256: dict[str, int] = {
    "7c7cfcadeb5f1afb721f0341c0fb111d2376feb87b859ac494d8f2b97d295f24": 10220,  # aktiviteter.xlsx
    "57ebc680f34feab913319a6a348f73358f21f7212d7fb5c96c5c1c55c65f4ad7": 43638,  # deltagare.csv
    "620d6d9a2cd4ecddaed5e4e282bc000f06d57f4670c5b15580473f0482463f2c": 22366,  # deltagare.xlsx
}


def _hmac_key(key: bytes) -> bytes:
    """`key` as HMAC-SHA256 uses it (RFC 2104): hashed when longer than a block, then padded
    with NUL bytes to the block, so keys that differ only so give the same pseudonyms."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    return key.ljust(64, b"\0")


def _unreadable(what: str, path: Path, exc: OSError) -> ParameterError:
    """A file this account may not read (or reach): what to check, not a traceback."""
    return ParameterError(
        f"{what} {display(path)} kan inte läsas ({exc.strerror or exc}). Kontrollera att kontot "
        "som kör hso-eval har läsbehörighet till filen och till mapparna den ligger i."
    )


def _is_file(path: Path, what: str) -> bool:
    """`path.is_file()`; a folder on the way that this account may not open (which `is_file`
    raises for) is said as such, not as a missing file."""
    try:
        return path.is_file()
    except OSError as exc:
        raise _unreadable(what, path, exc) from exc


def _reachable(path: Path) -> bool:
    """`path.exists()`, and True when a folder on the way may not be opened: the reader says so."""
    try:
        return path.exists()
    except OSError:
        return True


def _reachable_file(path: Path) -> bool:
    """`path.is_file()`, and False when a folder on the way may not be opened: nothing is read
    from it here, and the reader says why."""
    try:
        return path.is_file()
    except OSError:
        return False


def _is_demo_input(path: Path) -> bool:
    """True when `path` holds exactly one of the demo inputs (size first: nothing else is read
    unless its size matches)."""
    try:
        if path.stat().st_size not in DEMO_INPUT_SHA256.values():
            return False
        return hashlib.sha256(path.read_bytes()).hexdigest() in DEMO_INPUT_SHA256
    except OSError:
        return False


def _optional_path(data: Mapping[str, Any], key: str) -> Path | None:
    value = data.get(key)
    if value in (None, ""):
        return None
    return resolve(str(value))


#: A period code in a file or folder name: 2025H1, 2025h1, 2025-H1, 2025_H1.
_PERIOD_IN_NAME = re.compile(r"(?<![0-9])([0-9]{4})[ _-]?[Hh]([12])(?![0-9])")


def _check_not_from_notebooks(data: Mapping[str, Any], where: str) -> None:
    """Refuse a relative path written as from notebooks/, where JupyterLab opens
    (`../data/raw/aktiviteter.xlsx`): paths count from the project folder, so it leads outside
    it. Said only when the path is not there and the file it was meant for is."""
    notebooks = repo_root() / "notebooks"
    for key in ("project", "activities", "participants", "narrative"):
        raw = data.get(key)
        if not isinstance(raw, str) or not raw or Path(raw).expanduser().is_absolute():
            continue
        meant = (notebooks / raw).resolve()
        if not _reachable(resolve(raw)) and _reachable(meant):
            raise ParameterError(
                f"{where}: '{key}' ({raw}) finns inte, för sökvägar räknas från projektmappen, "
                f"inte från notebooks/. Skriv '{display(meant)}'."
            )


def _check_period_names(period: Period, paths: Mapping[str, Path | None], where: str) -> None:
    """Refuse a narrative or output_dir whose name is another period's (a copied period file).

    A period file made by copying the last one and changing only `period` would publish the
    new half-year over the old one's report (`output_dir: reports/2025H1`) and print the old
    half-year's text in the new report (`narrative: berattelse-2025H1.md`), both silently.
    """
    problems, fixed = [], []
    for key, path in paths.items():
        if path is None:
            continue
        codes = {f"{y}H{h}" for y, h in _PERIOD_IN_NAME.findall(path.name)}
        if codes and period.code not in codes:
            other = ", ".join(sorted(codes))
            problems.append(f"'{key}' ({display(path)}) hör till {other}")
            name = _PERIOD_IN_NAME.sub(period.code, path.name)
            fixed.append(f"'{key}: {display(path.with_name(name))}'")
    if problems:
        raise ParameterError(
            f"{where}: perioden är {period.code}, men {' och '.join(problems)}. Rätta "
            f"sökvägarna så att de gäller {period.code} (t.ex. {' och '.join(fixed)}); annars "
            "ersätts en annan periods rapport eller visas en annan periods berättelse."
        )


def _check_output_dir(
    output_dir: Path, files: Mapping[str, Path | None], where: str, period: Period
) -> None:
    """Refuse an output_dir that publishing would destroy something in.

    Publishing replaces the whole folder (the old one is removed), so it must be a folder of
    its own: not a file, not the project folder or one above it, not the folder of an input,
    and, when it exists, empty or an earlier publication of the same period (one with a
    run.json naming `period`).
    """
    target = output_dir.resolve()
    shown = display(output_dir)
    fix = "Ange en egen mapp för perioden i 'output_dir', t.ex. reports/2025H1."
    if target.exists() and not target.is_dir():
        raise ParameterError(f"{where}: 'output_dir' {shown} är en fil, inte en mapp. {fix}")
    if target.parent == repo_root().resolve():
        raise ParameterError(
            f"{where}: 'output_dir' {shown} ligger direkt i projektmappen. Bredvid periodens "
            "mapp skrivs index.html, publicerat/ och låsfiler, som då hamnar i projektmappen "
            f"och inte i reports/, som git inte tar med. {fix}"
        )
    if repo_root().resolve().is_relative_to(target):
        raise ParameterError(
            f"{where}: 'output_dir' {shown} innehåller projektmappen. En körning ersätter hela "
            f"mappen 'output_dir', så projektet skulle tas bort. {fix}"
        )
    for key, path in files.items():
        if path is not None and path.resolve().is_relative_to(target):
            raise ParameterError(
                f"{where}: 'output_dir' {shown} innehåller {display(path)} ({key}). En körning "
                f"ersätter hela mappen 'output_dir', så filen skulle tas bort. {fix}"
            )
    if target.is_dir() and not (target / "run.json").is_file() and any(target.iterdir()):
        raise ParameterError(
            f"{where}: 'output_dir' {shown} finns redan och är ingen tidigare publicering (den "
            "har ingen run.json). En körning ersätter hela mappen, så filerna i den skulle tas "
            f"bort. {fix}"
        )
    published = _published_period(target / "run.json")
    if published is not None and published != period.code:
        raise ParameterError(
            f"{where}: 'output_dir' {shown} håller redan {published}:s publicerade rapport. En "
            f"körning av {period.code} skulle ersätta den. {fix}"
        )


def _published_period(run_json: Path) -> str | None:
    """The period a publication's run.json names; None without one (or one without a period:
    a hand-written or damaged file, which the publication step replaces as before)."""
    try:
        record = json.loads(run_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    period = record.get("period") if isinstance(record, dict) else None
    return period if isinstance(period, str) and period else None


def build_params(
    data: Mapping[str, Any], *, source: Path | None = None, label: str | None = None
) -> RunParams:
    """Validate a mapping of period parameters (from YAML, or a notebook's parameters cell).

    `label` names where they were given in messages, when `source` alone would not (a
    notebook's parameters over its period file's)."""
    where = label or (display(source) if source else NOTEBOOK_SOURCE)
    check_keys(data, PERIOD_KEYS, where)
    _require(data, "period", where)
    try:
        period = Period.parse(data["period"])
    except ParameterError as exc:
        raise ParameterError(f"{where}: 'period': {exc}") from exc
    for key in _REQUIRED_PERIOD_KEYS:
        _require(data, key, where)
    for key in (
        "project",
        "activities",
        "participants",
        "narrative",
        "output_dir",
        "pseudonym_key_file",
    ):
        value = data.get(key)
        if value is not None and not isinstance(value, str | os.PathLike):
            example = "reports/2025H1" if key == "output_dir" else "data/raw/fil.xlsx"
            # The key file's value may be the key itself (YAML reads digits as a number).
            shown = "" if key == "pseudonym_key_file" else f", inte '{value}'"
            raise ParameterError(f"{where}: '{key}' ska vara en sökväg, t.ex. {example}{shown}.")
    _check_not_from_notebooks(data, where)
    project_file = resolve(str(data.get("project") or "params/project.yaml"))
    project = load_project(project_file)
    if period.end < project.start or period.start > project.end:
        raise ParameterError(
            f"{where}: perioden {period.code} ligger utanför projektets tid "
            f"({project.start} – {project.end})."
        )
    narrative = _optional_path(data, "narrative")
    if narrative is not None and not _is_file(narrative, f"{where}: berättelsen"):
        raise ParameterError(
            f"{where}: berättelsen {display(narrative)} finns inte. Rätta 'narrative' eller ta "
            "bort raden (då får rapporten bara data under rubrikerna)."
        )
    activities = resolve(str(data["activities"]))
    participants = resolve(str(data["participants"]))
    output_dir = resolve(str(data.get("output_dir") or f"reports/{period.code}"))
    for key, value in (
        ("activities_sheet", data.get("activities_sheet")),
        ("participants_sheet", data.get("participants_sheet")),
    ):
        if value is not None and not isinstance(value, str | int):
            raise ParameterError(f"{where}: '{key}' ska vara ett bladnamn, inte '{value}'.")
    key_file = _optional_path(data, "pseudonym_key_file")
    _check_period_names(period, {"narrative": narrative, "output_dir": output_dir}, where)
    _check_output_dir(
        output_dir,
        {
            "parameterfilen": source,
            "project": project_file,
            "activities": activities,
            "participants": participants,
            "narrative": narrative,
            "pseudonym_key_file": key_file,
        },
        where,
        period,
    )
    return RunParams(
        period=period,
        project=project,
        project_file=project_file,
        activities=activities,
        participants=participants,
        narrative=narrative,
        pseudonym_key_file=key_file,
        output_dir=output_dir,
        activities_sheet=(
            str(data["activities_sheet"]) if data.get("activities_sheet") is not None else None
        ),
        participants_sheet=(
            str(data["participants_sheet"]) if data.get("participants_sheet") is not None else None
        ),
        source=source,
        source_label=label,
    )


def period_file_values(path: str | os.PathLike[str]) -> dict[str, Any]:
    """A period file's keys and values as written (paths relative to the repository root)."""
    return _read_yaml(resolve(path), "Parameterfilen")


def load_params(path: str | os.PathLike[str]) -> RunParams:
    """Load and validate a period file such as params/2025H1.yaml.

    A relative `path` is the one typed on the command line: found from the current folder
    first, else from the repository root (so `hso-eval run params/demo/2024H1.yaml` works from
    both). The paths inside the file are relative to the repository root, as documented.
    """
    typed = Path(path).expanduser()
    here = Path.cwd() / typed
    file = here.resolve() if not typed.is_absolute() and here.is_file() else resolve(typed)
    if not file.is_file() and not typed.is_absolute():
        raise ParameterError(
            f"Parameterfilen {typed} finns inte, varken i den aktuella mappen ({Path.cwd()}) "
            f"eller i projektmappen ({repo_root()}). Kontrollera sökvägen."
        )
    data = _read_yaml(file, "Parameterfilen")
    if isinstance(data, Mapping) and "period" not in data and "work_packages" in data:
        raise ParameterError(
            f"{display(file)} är projektets konfiguration, inte en periodfil. Ange periodens "
            "parameterfil, t.ex. params/2025H1.yaml (den pekar ut projektfilen med 'project')."
        )
    return build_params(data, source=file)
