"""The clean tables' schemas and the result of cleaning: one place that every stage agrees on.

Column names are English identifiers; category *values* are the Swedish vocabulary
(`genomförd`, `kvinna`, `kommun` …) because that is what reports and Sweco see.
No table here holds a name or an e-mail address.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pandas as pd

#: Clean activity register: one row per activity (all periods; indicators filter by date).
ACTIVITY_COLUMNS: dict[str, str] = {
    "activity_id": "string",  # trimmed, unique
    "start_date": "datetime64[s]",  # date (no time)
    "end_date": "datetime64[s]",  # NaT when absent or invalid
    "work_package": "string",  # "AP1" … from the configuration
    "activity_type": "string",  # canonical aktivitetstyp, e.g. "partnerbesök"
    "title": "string",
    "description": "string",
    "place": "string",
    "municipality": "string",  # canonical name, e.g. "Örnsköldsvik"; NA when absent/unknown
    "municipality_code": "string",  # SCB code, e.g. "2284"
    "status": "string",  # genomförd | planerad | inställd (derived when missing)
    "organiser_role": "string",  # egen | samarrangemang | deltagande
    "attendance": "Int64",  # antal_deltagare; NA when absent/invalid
    "attendance_approximate": "bool",  # "ca 250" -> 250, True
    "women": "Int64",
    "men": "Int64",
    "parties": "string",  # samverkansparter, normalised and joined with "; "
    "link": "string",  # http(s) only
    "source_row": "int64",  # the row number as Excel shows it
}

#: Clean participations: one row per person per activity. `person_key` is the keyed pseudonym.
PARTICIPATION_COLUMNS: dict[str, str] = {
    "activity_id": "string",
    "person_key": "string",  # HMAC-SHA256 of the identity, hex, 20 characters
    "organisation": "string",  # trimmed, inner spaces collapsed
    "organisation_type": "string",  # vocabulary; unknown -> "övrigt"; NA when absent
    "municipality": "string",
    "municipality_code": "string",
    "gender": "string",  # kvinna | man | annat | ej angivet
    "role": "string",  # deltagare | talare | moderator | arrangör
    "source_row": "int64",
}

#: Quarantine and warnings share one shape (one row per problem, pandera-style).
ISSUE_COLUMNS: dict[str, str] = {
    "file": "string",  # file name as the administrator knows it, e.g. "deltagare.csv"
    "role": "string",  # "activities" | "participants"
    "row": "int64",  # the row number as Excel shows it (header row + offset, 1-based)
    "column": "string",  # the column header as written in the file ("" for the whole row)
    "value": "string",  # the offending value; personal fields are masked
    "reason": "string",  # machine-readable reason code, e.g. "unparseable_date"
    "message": "string",  # Swedish, for people, ending with what to do
}

#: Columns whose values are personal data: never shown, never written anywhere.
PERSONAL_COLUMNS: frozenset[str] = frozenset({"namn", "e-post"})
MASK = "[personuppgift dold]"


def empty_frame(schema: dict[str, str]) -> pd.DataFrame:
    """An empty frame with the schema's columns and dtypes."""
    return pd.DataFrame({c: pd.Series(dtype=t) for c, t in schema.items()})


def conform(frame: pd.DataFrame, schema: dict[str, str]) -> pd.DataFrame:
    """Return `frame` with exactly the schema's columns, in order, cast to the schema's dtypes."""
    missing = [c for c in schema if c not in frame.columns]
    if missing:
        raise KeyError(f"columns missing from table: {missing}")
    return frame.loc[:, list(schema)].astype(schema).reset_index(drop=True)


@dataclass
class FileAccount:
    """The row accounting of one input file. read = clean + quarantined + merged, always."""

    role: str  # "activities" | "participants"
    path: str  # as shown to people (relative to the repository root when inside it)
    sha256: str
    sheet: str | None = None
    header_row: int = 1  # where the header was found, as Excel numbers rows
    read: int = 0
    clean: int = 0
    quarantined: int = 0
    merged: int = 0
    blank: int = 0
    unknown_columns: list[str] = field(default_factory=list)
    #: The contract's columns the file has (canonical names), for `unknown_columns`' hints.
    columns: list[str] = field(default_factory=list)

    def balanced(self) -> bool:
        return self.read == self.clean + self.quarantined + self.merged

    def where(self) -> str:
        """The file, and the sheet that was read: ``data/raw/a.xlsx (blad 'Aktiviteter')``."""
        return f"{self.path} (blad '{self.sheet}')" if self.sheet else str(self.path)

    def summary(self) -> str:
        """The accounting as `run` logs it and `check` prints it: ``data/raw/a.csv: 53 lästa =
        51 rena + 1 i karantän + 1 sammanslagna (1 tom rad)``."""
        blank = f"{self.blank} {'tom rad' if self.blank == 1 else 'tomma rader'}"
        return (
            f"{self.where()}: {self.read} lästa = {self.clean} rena + {self.quarantined} i "
            f"karantän + {self.merged} sammanslagna ({blank})"
        )

    def rows(self) -> dict[str, int]:
        return {
            "read": self.read,
            "clean": self.clean,
            "quarantined": self.quarantined,
            "merged": self.merged,
            "blank": self.blank,
        }


@dataclass
class CleanResult:
    """Everything cleaning produces. Safe to hand to notebooks: no names, no e-mails."""

    activities: pd.DataFrame
    participations: pd.DataFrame
    quarantine: pd.DataFrame
    warnings: pd.DataFrame
    accounts: list[FileAccount]
    #: One row per merged duplicate (ISSUE_COLUMNS, reason `merged_duplicate`): which row it
    #: merged into.
    merges: pd.DataFrame = field(default_factory=lambda: empty_frame(ISSUE_COLUMNS))
    #: The period's narrative as it may be published (`clean.redact_narrative`: no e-mail
    #: address or name of the participant lists), "" without one; and a Swedish notice for
    #: each line changed (file and line, never the name).
    narrative: str = ""
    narrative_notices: list[str] = field(default_factory=list)

    def accounting(self) -> pd.DataFrame:
        """One row per input file: role, file, read, clean, quarantined, merged, blank, sheet
        (the sheet read from an .xlsx, else empty)."""
        rows = [
            {"role": a.role, "file": a.path, **a.rows(), "sheet": a.sheet or ""}
            for a in self.accounts
        ]
        return pd.DataFrame(
            rows,
            columns=["role", "file", "read", "clean", "quarantined", "merged", "blank", "sheet"],
        )

    # -- sharing between notebooks: the runner cleans once and the notebooks load this --------
    _TABLES = ("activities", "participations", "quarantine", "warnings", "merges")

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        for name in self._TABLES:
            getattr(self, name).to_parquet(directory / f"{name}.parquet", index=False)
        (directory / "accounts.json").write_text(
            json.dumps([asdict(a) for a in self.accounts], ensure_ascii=False, indent=1),
            encoding="utf-8",
        )
        (directory / "narrative.json").write_text(
            json.dumps(
                {"text": self.narrative, "notices": self.narrative_notices}, ensure_ascii=False
            ),
            encoding="utf-8",
        )
        return directory

    @classmethod
    def load(cls, directory: Path) -> CleanResult:
        directory = Path(directory)
        schemas = {
            "activities": ACTIVITY_COLUMNS,
            "participations": PARTICIPATION_COLUMNS,
            "quarantine": ISSUE_COLUMNS,
            "warnings": ISSUE_COLUMNS,
            "merges": ISSUE_COLUMNS,
        }
        tables = {
            name: conform(pd.read_parquet(directory / f"{name}.parquet"), schemas[name])
            for name in cls._TABLES
        }
        accounts = [
            FileAccount(**a)
            for a in json.loads((directory / "accounts.json").read_text(encoding="utf-8"))
        ]
        narrative = json.loads((directory / "narrative.json").read_text(encoding="utf-8"))
        return cls(
            accounts=accounts,
            narrative=narrative["text"],
            narrative_notices=list(narrative["notices"]),
            **tables,
        )
