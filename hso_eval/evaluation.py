"""The evaluation package for Sweco: a Frictionless Data Package, a workbook and a codebook.

`build_package(data, out_dir)` writes one directory:

- ``datapackage.json``: a tabular data package (v1 spec) with a Table Schema for every CSV file;
- ``aktiviteter.csv``, ``deltagande.csv``, ``organisationer.csv``, ``indikatorer.csv``,
  ``samverkan.csv``, ``datakvalitet.csv``: UTF-8, comma-separated, one header row;
- ``utvarderingsunderlag.xlsx``: the same tables as sheets, plus "Läs mig" and "Kodbok";
- ``README.md``: the codebook.

This module assembles the tables from the clean data and writes, places and checks the package.
The schemas are defined once, in `hso_eval.codebook.table_definitions` (with the types in
`hso_eval.schema`), and rendered into datapackage.json and README.md (`hso_eval.datapackage`) and
the workbook's "Kodbok" sheet (`hso_eval.workbook`), so the three cannot disagree. Those names are
importable from here too.

Personal data never gets here: participations carry the keyed pseudonym from `clean`, and the key
itself is never read by this module. Text that a spreadsheet would run as a formula is neutralised:
prefixed with ``'`` in CSV (OWASP), stored as a text cell in the workbook.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from hso_eval.codebook import QUALITY_KINDS, table_definitions
from hso_eval.config import Project
from hso_eval.context import PeriodData
from hso_eval.datapackage import (
    CODEBOOK_NAME,
    CSV_TEXT,
    DESCRIPTOR_NAME,
    FORMULA_TEXT,
    PSEUDONYM_TEXT,
    SUPPRESSION_TEXT,
    WORKBOOK_NAME,
    package_descriptor,
    render_codebook,
    write_csv,
)
from hso_eval.errors import RunError
from hso_eval.paths import display
from hso_eval.periods import Period
from hso_eval.schema import Field, ForeignKey, Table
from hso_eval.tables import CleanResult
from hso_eval.workbook import write_workbook

__all__ = [
    "CODEBOOK_NAME",
    "CSV_TEXT",
    "DESCRIPTOR_NAME",
    "DRAFT_DIR",
    "FORMULA_TEXT",
    "INDICATOR_COLUMNS",
    "PACKAGE_DIRNAME",
    "PSEUDONYM_TEXT",
    "QUALITY_CODES",
    "QUALITY_KINDS",
    "STAGING_ENV",
    "SUPPRESSION_TEXT",
    "WORKBOOK_NAME",
    "Field",
    "ForeignKey",
    "RunError",
    "Table",
    "assemble_tables",
    "build_package",
    "check_package",
    "count_collaborations",
    "describe_destination",
    "package_descriptor",
    "package_dir",
    "render_codebook",
    "select_activities",
    "select_indicators",
    "select_participations",
    "summarise_organisations",
    "summarise_package",
    "summarise_quality",
    "table_definitions",
    "unify_organisation_names",
    "validate_package",
    "write_csv",
    "write_workbook",
]


#: Environment variable the runner sets to its staging directory for the period.
STAGING_ENV = "HSO_EVAL_STAGING"
#: Where a notebook run by hand writes its package, beside the period folders (never
#: published; see `package_dir`): reports/_utkast/, and the demo's reports/demo/_utkast/.
DRAFT_DIR = "_utkast"
PACKAGE_DIRNAME = "utvarderingsunderlag"

#: The indicator table's columns, exactly as `indicators.compute_indicators` returns them.
INDICATOR_COLUMNS: tuple[str, ...] = (
    "indicator",
    "scope",
    "dimension",
    "category",
    "value",
    "target",
    "approximate",
)

#: Row accounting and issue codes, explained in Swedish for datakvalitet.csv.
QUALITY_CODES: dict[str, str] = {
    "read": "Lästa datarader (tomma rader oräknade)",
    "clean": "Rader som blev rena och används",
    "quarantined": "Rader i karantän (används inte)",
    "merged": (
        "Dubbletter, sammanslagna med en tidigare rad som behålls: i aktivitetsregistret en rad "
        "som är identisk med en tidigare, i deltagarlistorna samma person på samma aktivitet igen "
        "(även när t.ex. e-postadressen skrivits med andra versaler eller andra fält skiljer sig)"
    ),
    "blank": "Tomma rader, överhoppade (räknas inte som datarader)",
    "missing_required": "Ett obligatoriskt fält saknas",
    "unparseable_date": "Datum går inte att tolka",
    "date_out_of_range": "Datum ligger utanför projektets tid",
    "unknown_work_package": "Okänt arbetspaket",
    "unknown_activity_type": "Okänd aktivitetstyp",
    "id_conflict": "Samma aktivitets-id på rader med olika innehåll",
    "unknown_activity": "Aktivitets-id finns inte i aktivitetsregistret",
    "no_identity": "Varken namn eller e-post",
    "name_organisation_swapped": "Namn och organisation har bytt plats (namnet är en organisation)",
    "extra_fields": "Raden har fler fält än rubrikraden (CSV); värdena kan ha hamnat fel",
    "end_before_start": "Slutdatum före startdatum (slutdatum tömt)",
    "unparseable_date_optional": "Valfritt datum går inte att tolka (tömt)",
    "unknown_municipality": "Okänd kommun (tömd)",
    "status_missing": "Status saknades och härleddes från datum",
    "planned_in_past": "Planerad men daterad före perioden",
    "unknown_status": "Okänd status",
    "unknown_organiser_role": "Okänd arrangörsroll",
    "unparseable_count": "Antal går inte att tolka (tömt)",
    "gender_counts_exceed_total": "Kvinnor och män är fler än antal deltagare",
    "invalid_link": "Ogiltig länk (tömd)",
    "invalid_email": "Ogiltig e-postadress (tömd)",
    "unknown_organisation_type": "Okänd organisationstyp (satt till övrigt)",
    "unknown_gender": "Okänt kön",
    "unknown_role": "Okänd roll",
    "personal_data_in_field": "Personuppgift (namn eller e-post) i fel fält (tömt eller maskerat)",
    "value_without_header": "Värde i en kolumn utan rubrik (läses inte)",
    "merged_differs": "Samma person två gånger på en aktivitet med olika uppgifter",
    "same_name_as_emailed": (
        "Ingen e-post, men samma namn och organisation som en rad med e-post (räknas som två "
        "personer)"
    ),
    "excel_error": "Felvärde från Excel (#REF! m.fl.) i ett textfält",
    "unclosed_quote": "Ett citattecken som inte stängs har slagit ihop rader i CSV-filen",
    "repeated_header": "En rubrikrad till längre ned i filen (bara den första gäller)",
}


# ---------------------------------------------------------------------------------------------
# The tables: clean data in, one typed frame per table out (no mutation)
# ---------------------------------------------------------------------------------------------
def select_activities(activities: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Clean activities that start on or before the period's end, ordered by date and id."""
    end = pd.Timestamp(period.end)
    kept = activities.loc[activities["start_date"].le(end)]
    return kept.sort_values(["start_date", "activity_id"], kind="stable").reset_index(drop=True)


def select_participations(participations: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Participations in the given activities, ordered by activity and person."""
    kept = participations.loc[participations["activity_id"].isin(activities["activity_id"])]
    return kept.sort_values(["activity_id", "person_key"], kind="stable").reset_index(drop=True)


def unify_organisation_names(participations: pd.DataFrame) -> pd.DataFrame:
    """Spell each organisation one way, as the indicators count them (case-insensitively).

    Names that differ only in case get their most frequent spelling (ties: alphabetically first).
    """
    names = participations["organisation"]
    counts = names.dropna().value_counts().rename("n").rename_axis("organisation").reset_index()
    counts["key"] = counts["organisation"].str.casefold()
    chosen = _most_frequent(counts, "key", "organisation")
    spelling = counts.set_index("organisation")["key"].map(chosen)
    return participations.assign(organisation=names.map(spelling).astype("string"))


def _most_frequent(counts: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Per `key`, the value of `column` with the largest count ``n`` (ties: alphabetically first).

    `counts` has one row per `key` and `column` value, with its count in ``n``.
    """
    best = counts.sort_values(["n", column], ascending=[False, True], kind="stable")
    return best.drop_duplicates(key).set_index(key)[column]


def _most_common(frame: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Per `key`, the most frequent non-missing value of `column`; a key whose most frequent
    values tie, or that has none, is left out (missing).

    The indicators give an organisation its type and municipality the same way
    (`indicators._dominant`), so organisationer.csv adds up to ``organisations_engaged``'s
    breakdowns: conflicting answers are unknown, not settled alphabetically.
    """
    counts = (
        frame.dropna(subset=[column])
        .groupby([key, column], observed=True)
        .size()
        .rename("n")
        .reset_index()
    )
    top = counts.groupby(key, observed=True)["n"].transform("max")
    leaders = counts.loc[counts["n"].eq(top)]
    single = leaders.groupby(key, observed=True)[column].transform("size").eq(1)
    return leaders.loc[single].set_index(key)[column]


def _partner_names(project: Project) -> set[str]:
    """Every name, short name and alias of the configured partners, case-folded."""
    names = set()
    for partner in project.partners:
        for name in (partner.name, partner.short, *partner.aliases):
            names.add(" ".join(name.split()).casefold())
    return names


def summarise_organisations(
    participations: pd.DataFrame, activities: pd.DataFrame, project: Project
) -> pd.DataFrame:
    """One row per organisation in `participations`: type, municipality, partner flag, activity
    and participation counts, and the first and last activity date."""
    rows = participations.dropna(subset=["organisation"]).merge(
        activities[["activity_id", "start_date"]], on="activity_id", how="inner"
    )
    grouped = rows.groupby("organisation", observed=True)
    table = pd.DataFrame(
        {
            "activities": grouped["activity_id"].nunique(),
            "participations": grouped.size(),
            "first_seen": grouped["start_date"].min(),
            "last_seen": grouped["start_date"].max(),
        }
    )
    table["organisation_type"] = _most_common(rows, "organisation", "organisation_type")
    table["municipality"] = _most_common(rows, "organisation", "municipality")
    table = table.rename_axis("organisation").reset_index()
    normalised = table["organisation"].str.split().str.join(" ").str.casefold()
    table["partner"] = normalised.isin(_partner_names(project)).astype(bool)
    columns = [
        "organisation",
        "organisation_type",
        "municipality",
        "partner",
        "activities",
        "participations",
        "first_seen",
        "last_seen",
    ]
    return table[columns].sort_values("organisation", kind="stable").reset_index(drop=True)


def count_collaborations(participations: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Pairs of organisations with participants at the same activities (vectorised self-merge).

    Returns ``org_a, org_b, activities_together, first, last`` with ``org_a < org_b``.
    """
    pairs = (
        participations.dropna(subset=["organisation"])
        .loc[:, ["activity_id", "organisation"]]
        .drop_duplicates()
    )
    together = pairs.merge(pairs, on="activity_id", suffixes=("_a", "_b"))
    together = together.loc[together["organisation_a"] < together["organisation_b"]]
    together = together.merge(activities[["activity_id", "start_date"]], on="activity_id")
    table = (
        together.groupby(["organisation_a", "organisation_b"], observed=True)
        .agg(
            activities_together=("activity_id", "nunique"),
            first=("start_date", "min"),
            last=("start_date", "max"),
        )
        .reset_index()
        .rename(columns={"organisation_a": "org_a", "organisation_b": "org_b"})
    )
    return table.sort_values(["org_a", "org_b"], kind="stable").reset_index(drop=True)


def summarise_quality(clean: CleanResult) -> pd.DataFrame:
    """Row accounting per input file, plus quarantine and warnings counted by file and reason.

    Only counts and codes: no value from any file, so no personal data.
    """
    accounting = clean.accounting()
    counted = accounting.melt(
        id_vars=["role", "file"],
        value_vars=["read", "clean", "quarantined", "merged", "blank"],
        var_name="code",
        value_name="count",
    )
    counted["file"] = counted["file"].map(lambda p: Path(str(p)).name)
    counted["kind"] = "radräkning"
    counted["rows"] = pd.NA
    parts = [counted]
    for frame, kind in ((clean.quarantine, "karantän"), (clean.warnings, "varning")):
        if not len(frame):
            continue
        named = frame.assign(file=frame["file"].astype("string").map(lambda p: Path(p).name))
        by_reason = (
            named.groupby(["file", "role", "reason"], observed=True)
            .agg(count=("row", "size"), rows=("row", "nunique"))
            .reset_index()
            .rename(columns={"reason": "code"})
            .assign(kind=kind)
        )
        parts.append(by_reason)
    table = pd.concat(parts, ignore_index=True)
    table["description"] = table["code"].map(QUALITY_CODES).fillna("")
    kind_order = {kind: i for i, kind in enumerate(QUALITY_KINDS)}
    table = table.assign(_kind=table["kind"].map(kind_order)).sort_values(
        ["role", "file", "_kind", "code"], kind="stable"
    )
    columns = ["file", "role", "kind", "code", "description", "count", "rows"]
    return table[columns].astype({"count": "Int64", "rows": "Int64"}).reset_index(drop=True)


#: The category of a total row in the package: every field of the primary key has a value.
TOTAL_CATEGORY = "totalt"


def select_indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    """The tidy indicator table with exactly `INDICATOR_COLUMNS`, unsuppressed.

    A total row's category (empty in `compute_indicators`) is `TOTAL_CATEGORY`: the category
    is part of the primary key, and Table Schema wants no key field empty.
    """
    out = indicators.loc[:, list(INDICATOR_COLUMNS)].reset_index(drop=True)
    total = (out["dimension"] == "total").fillna(False).to_numpy(dtype=bool)
    category = out["category"].astype("string")
    out["category"] = category.mask(total & (category.fillna("") == "").to_numpy(), TOTAL_CATEGORY)
    return out


def assemble_tables(data: PeriodData) -> dict[str, pd.DataFrame]:
    """Every table of the package as a typed frame, keyed by table name."""
    activities = select_activities(data.activities, data.period)
    participations = unify_organisation_names(
        select_participations(data.participations, activities)
    )
    return {
        "aktiviteter": activities,
        "deltagande": participations,
        "organisationer": summarise_organisations(participations, activities, data.project),
        "indikatorer": select_indicators(data.indicators),
        "samverkan": count_collaborations(participations, activities),
        "datakvalitet": summarise_quality(data.clean),
    }


# ---------------------------------------------------------------------------------------------
# Writing the package: CSV, datapackage.json, README.md and the workbook
# ---------------------------------------------------------------------------------------------
def build_package(data: PeriodData, out_dir: Path, *, created: datetime | None = None) -> Path:
    """Write the evaluation package for `data`'s period into `out_dir` and return `out_dir`.

    `created` is when the package was made (default: now, UTC); a naive datetime is taken as UTC.
    """
    if created is None:
        created = datetime.now(UTC).replace(microsecond=0)
    elif created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = list(table_definitions(data.project, data.period))
    frames = assemble_tables(data)
    for table in tables:
        write_csv(frames[table.name], table, out_dir / table.file)
    descriptor = package_descriptor(data, tables, out_dir, created)
    (out_dir / DESCRIPTOR_NAME).write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    counts = {name: len(frame) for name, frame in frames.items()}
    (out_dir / CODEBOOK_NAME).write_text(
        render_codebook(data, tables, counts, created), encoding="utf-8"
    )
    write_workbook(data, tables, frames, out_dir / WORKBOOK_NAME, created)
    return out_dir


# ---------------------------------------------------------------------------------------------
# Where to write, and checking what was written
# ---------------------------------------------------------------------------------------------
def package_dir(data: PeriodData) -> Path:
    """Where a notebook writes the package.

    Under the runner (environment variable ``HSO_EVAL_STAGING``) into its staging directory, which
    is published atomically after the whole run succeeds. Run by hand, into the draft directory
    beside the period folders, ``reports/_utkast/<period>/utvarderingsunderlag`` (the demo's
    under ``reports/demo/``): never into `output_dir`, which only the runner publishes.
    """
    staging = os.environ.get(STAGING_ENV)
    if staging:
        return Path(staging) / PACKAGE_DIRNAME
    return data.params.output_dir.parent / DRAFT_DIR / data.period.code / PACKAGE_DIRNAME


def describe_destination(data: PeriodData) -> str:
    """A Swedish sentence that says where the package goes and whether it will be published.

    Under the runner it names where the package is published, not the staging folder it is
    written to first: the sentence stays in the executed notebook, which is published too.
    """
    if os.environ.get(STAGING_ENV):
        published = display(data.params.output_dir / PACKAGE_DIRNAME)
        return (
            f"Paketet publiceras i {published} tillsammans med rapporten när hela körningen har "
            "lyckats."
        )
    period_file = display(data.params.source or f"params/{data.period.code}.yaml")
    return (
        f"Utkast: paketet skrivs till {display(package_dir(data))} och publiceras inte. Kör "
        f"'.venv/bin/hso-eval run {period_file}' för att publicera det med periodens rapporter."
    )


def summarise_package(path: Path) -> pd.DataFrame:
    """One row per table in a written package: file, sheet title, row count and description."""
    path = Path(path)
    descriptor = json.loads((path / DESCRIPTOR_NAME).read_text(encoding="utf-8"))
    rows = []
    for resource in descriptor["resources"]:
        frame = pd.read_csv(path / resource["path"], dtype="string", keep_default_na=False)
        rows.append(
            {
                "Fil": resource["path"],
                "Tabell": resource["title"],
                "Rader": len(frame),
                "Kolumner": len(frame.columns),
                "Innehåll": resource["description"],
            }
        )
    return pd.DataFrame(rows)


def validate_package(path: Path) -> list[str]:
    """Validate a written package with frictionless: schemas, keys and foreign keys.

    `path` is the package directory or its datapackage.json. Returns the error messages, each as
    ``"<resource>: [<error type>] <message>"``; an empty list means valid.
    """
    from hso_eval.imports import skip_slow_optional_imports

    skip_slow_optional_imports()
    from frictionless import validate

    path = Path(path)
    descriptor = path if path.is_file() else path / DESCRIPTOR_NAME
    report = validate(str(descriptor))
    messages = [f"paket: [{e.type}] {e.message}" for e in report.errors]
    for task in report.tasks:
        messages += [f"{task.name}: [{e.type}] {e.message}" for e in task.errors]
    return messages


def check_package(path: Path) -> str:
    """Validate the package and say so in Swedish; raise `RunError` when it is not valid.

    When frictionless (a development dependency) is not installed, the check is skipped and the
    sentence says so.
    """
    try:
        errors = validate_package(path)
    except ImportError:
        return (
            "Valideringen hoppades över: frictionless är inte installerat "
            "(installera med pip install -e '.[dev]')."
        )
    if errors:
        shown = "\n".join(f"- {e}" for e in errors[:20])
        more = f"\n… och {len(errors) - 20} fel till." if len(errors) > 20 else ""
        raise RunError(
            f"Utvärderingsunderlaget i {display(Path(path))} följer inte sina egna scheman "
            f"({len(errors)} fel):\n{shown}{more}\nRätta felet i hso_eval innan paketet publiceras."
        )
    return (
        "Frictionless godkände paketet: alla tabeller följer sina scheman, primärnycklarna är "
        "unika och alla främmande nycklar pekar på befintliga rader."
    )
