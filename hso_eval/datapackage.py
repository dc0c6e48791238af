"""The data package's files: CSV tables, datapackage.json and the README.md codebook.

Every file is rendered from the `Table` definitions in `hso_eval.codebook`. Text that a
spreadsheet would run as a formula is prefixed with ``'`` in CSV (OWASP), and so is text that
already starts with ``'``, so two different values never become one (`privacy.neutralise_text`);
numbers stay numbers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd

import hso_eval
from hso_eval.clock import swedish_moment_text
from hso_eval.context import PeriodData
from hso_eval.schema import Table

WORKBOOK_NAME = "utvarderingsunderlag.xlsx"
DESCRIPTOR_NAME = "datapackage.json"
CODEBOOK_NAME = "README.md"

PSEUDONYM_TEXT = (
    "Personer förekommer bara som en personnyckel (person_key). Den är en nycklad pseudonym: "
    "HMAC-SHA256 av personens normaliserade e-postadress (eller, när den saknas, namn och "
    "organisation) med en hemlig nyckel som projektkontoret förvarar. Samma person får samma "
    "nyckel i alla perioder så länge nyckeln är oförändrad, så att en person kan följas över tid "
    "utan namn. Utan nyckeln går det inte att räkna tillbaka från personnyckeln till en person. "
    "Nyckeln finns inte i paketet. Namn och e-postadresser finns inte i paketet. Organisationer "
    "är inte personuppgifter och behåller sina namn."
)
FORMULA_TEXT = (
    "Text som börjar med =, +, -, @ (också i fullbreddsform, som ＝), tabb eller vagnretur "
    "skulle annars kunna köras som en formel "
    "i ett kalkylprogram. I CSV-filerna har sådan text fått ett inledande ' (enligt OWASP). Text "
    "som redan började med ' har också fått ett till, så att två olika värden aldrig blir "
    "samma värde: +46 X skrivs '+46 X och '+46 X skrivs ''+46 X. Den ursprungliga texten får man "
    "tillbaka genom att ta bort exakt ett inledande ' från varje text som börjar med '. I "
    "arbetsboken står texten som den skrevs, lagrad som text och aldrig som formel. Negativa tal "
    "är fortfarande tal."
)
CSV_TEXT = (
    "CSV-filerna är skrivna för program (R, Python, Stata, SPSS …): UTF-8 utan BOM, kommatecken "
    "mellan fälten, punkt som decimaltecken (0.5 är hälften), datum som ÅÅÅÅ-MM-DD, "
    "sanningsvärden som true och false, och ett tomt fält betyder att värdet saknas. Läs id och "
    "koder som text: en kommunkod kan börja med 0 (Stockholm är 0180). I Excel öppnar man "
    "arbetsboken i stället: ett svenskt Excel läser en dubbelklickad CSV-fil med semikolon som "
    "avgränsare och en annan teckenkodning, så att kolumnerna och å, ä och ö blir fel."
)
SUPPRESSION_TEXT = (
    "Paketet innehåller pseudonymiserade mikrodata enligt personuppgiftsbiträdesavtalet och är "
    "inte undertryckt: små antal visas som de är, till skillnad från den publicerade "
    "halvårsrapporten."
)


def package_heading(data: PeriodData) -> str:
    """The package's heading, as README.md and the workbook's "Läs mig" sheet both show it."""
    project = data.project
    return f"Utvärderingsunderlag {data.period.code}: {project.name} ({project.short_name})"


def made_with(created: datetime) -> str:
    """When the package was made, on the Swedish clock as the reports say it ("2026-11-27 kl.
    23.32"; `datapackage.json`'s `created` keeps the ISO moment), and by which hso_eval."""
    return f"{swedish_moment_text(created)} med hso_eval {hso_eval.__version__}"


def _text_columns(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """`frame` restricted to the table's columns, with dates as ISO text and booleans as
    true/false, ready for CSV."""
    out = frame.loc[:, table.columns].copy()
    for f in table.fields:
        column = out[f.name]
        if f.type == "date":
            out[f.name] = pd.to_datetime(column).dt.strftime("%Y-%m-%d").astype("string")
        elif f.type == "boolean":
            out[f.name] = (
                column.astype("boolean")
                .map({True: "true", False: "false"}, na_action="ignore")
                .astype("string")
            )
        elif f.type == "integer":
            out[f.name] = column.astype("Int64")
        elif f.type == "string":
            out[f.name] = column.astype("string")
    return out


def _number_text(value: float) -> str:
    """A number as CSV text: whole numbers without decimals ("3"), others exactly ("0.4")."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def write_csv(frame: pd.DataFrame, table: Table, path: Path) -> Path:
    """Write one table as UTF-8 CSV with formula-like text neutralised (OWASP).

    Only text fields are neutralised; numbers stay numbers, so -5 is written as -5. Text that
    starts with ``'`` is prefixed too, so unique columns (primary keys) stay unique and a reader
    gets the original back by removing one leading ``'`` (`privacy.restore_text`).
    """
    from hso_eval.privacy import neutralise_formulas

    out = _text_columns(frame, table)
    text = [f.name for f in table.fields if f.type == "string"]
    out[text] = neutralise_formulas(out[text])
    for f in table.fields:
        if f.type == "number":
            numbers = pd.to_numeric(out[f.name]).astype("float64")
            out[f.name] = numbers.map(_number_text, na_action="ignore").astype("string")
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def _file_facts(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"bytes": path.stat().st_size, "hash": f"sha256:{digest}"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "hso"


def package_descriptor(
    data: PeriodData, tables: Iterable[Table], out_dir: Path, created: datetime
) -> dict[str, Any]:
    """The datapackage.json descriptor: project, period, provenance and every resource."""
    project, period = data.project, data.period
    resources = []
    for table in tables:
        resources.append(
            {
                "name": table.name,
                "path": table.file,
                "profile": "tabular-data-resource",
                "title": table.title,
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True, "quoteChar": '"'},
                **_file_facts(out_dir / table.file),
                "schema": table.schema_descriptor(),
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": f"{_slug(project.short_name)}-utvarderingsunderlag-{period.code.lower()}",
        "title": f"{project.name} ({project.short_name}): utvärderingsunderlag {period.code}",
        "description": (
            f"Underlag för den externa utvärderingen av {project.name} ({project.short_name}) "
            f"för perioden {period.label}, halvårsrapport nr {data.params.report_number}. "
            f"{PSEUDONYM_TEXT} {SUPPRESSION_TEXT}"
        ),
        "created": created.isoformat(),
        "version": period.code,
        "keywords": [project.short_name, project.name, "utvärdering", period.code],
        "licenses": [
            {
                "name": "other-closed",
                "title": (
                    f"Ej öppna data. Får användas av den externa utvärderaren enligt "
                    f"personuppgiftsbiträdesavtal med {project.owner or project.name}."
                ),
            }
        ],
        "contributors": [
            {"title": project.owner or project.name, "role": "publisher"},
            {"title": f"{project.short_name}:s projektkontor", "role": "author"},
            {"title": f"hso_eval {hso_eval.__version__}", "role": "wrangler"},
        ],
        "sources": [
            {"title": f"{project.short_name}:s aktivitetsregister och deltagarlistor"},
        ],
        "project": {
            "name": project.name,
            "short_name": project.short_name,
            "owner": project.owner,
            "start": project.start.isoformat(),
            "end": project.end.isoformat(),
        },
        "period": {
            "code": period.code,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "report_number": data.params.report_number,
        },
        "hso_eval_version": hso_eval.__version__,
        "resources": resources,
    }


def _md_cell(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_codebook(
    data: PeriodData, tables: Iterable[Table], counts: Mapping[str, int], created: datetime
) -> str:
    """README.md: the codebook, rendered from the same `Table` definitions as the descriptor."""
    project, period = data.project, data.period
    lines = [
        f"# {package_heading(data)}",
        "",
        f"- Period: {period.code} ({period.label}), halvårsrapport nr {data.params.report_number}",
        f"- Projekt: {project.name}, {project.start.isoformat()} – {project.end.isoformat()}, "
        f"projektägare {project.owner}",
        f"- Skapat: {made_with(created)}",
        "",
        "Tabellerna finns som CSV-filer (UTF-8, kommatecken, en rubrikrad) och som blad i "
        f"`{WORKBOOK_NAME}`. `{DESCRIPTOR_NAME}` beskriver dem som ett Frictionless Data Package "
        "(typer, villkor, primär- och främmande nycklar) och kan valideras med "
        f"`frictionless validate {DESCRIPTOR_NAME}`.",
        "",
        "## Pseudonymer",
        "",
        PSEUDONYM_TEXT,
        "",
        "## CSV-filerna",
        "",
        CSV_TEXT,
        "",
        "## Formler och kalkylprogram",
        "",
        FORMULA_TEXT,
        "",
        "## Undertryckning",
        "",
        SUPPRESSION_TEXT,
        "",
        "## Tabeller",
        "",
        "| Fil | Blad | Rader | Innehåll |",
        "|---|---|---|---|",
    ]
    tables = list(tables)
    for table in tables:
        lines.append(
            f"| `{table.file}` | {table.sheet} | {counts.get(table.name, 0)} | "
            f"{_md_cell(table.description)} |"
        )
    for table in tables:
        lines += [
            "",
            f"## {table.file}: {table.title}",
            "",
            table.description,
            "",
            f"Primärnyckel: {', '.join(f'`{c}`' for c in table.primary_key)}.",
        ]
        for fk in table.foreign_keys:
            lines.append(
                f"Främmande nyckel: {', '.join(f'`{c}`' for c in fk.fields)} → "
                f"`{fk.resource}.csv` ({', '.join(f'`{c}`' for c in fk.reference_fields)})."
            )
        lines += ["", "| Fält | Typ | Titel | Beskrivning | Villkor |", "|---|---|---|---|---|"]
        for f in table.fields:
            lines.append(
                f"| `{f.name}` | {f.type} | {_md_cell(f.title)} | {_md_cell(f.description)} | "
                f"{_md_cell(f.constraint_text())} |"
            )
    return "\n".join(lines) + "\n"
