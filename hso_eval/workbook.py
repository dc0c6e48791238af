"""The workbook: utvarderingsunderlag.xlsx with "Läs mig", one sheet per table and "Kodbok".

Dates are real dates and numbers real numbers. Every text cell is stored as text, never as a
formula: text that starts like a formula also gets Excel's quote prefix, so it stays text when
the cell is edited.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

import hso_eval
from hso_eval.context import PeriodData
from hso_eval.datapackage import (
    CODEBOOK_NAME,
    CSV_TEXT,
    DESCRIPTOR_NAME,
    FORMULA_TEXT,
    PSEUDONYM_TEXT,
    SUPPRESSION_TEXT,
    made_with,
    package_heading,
)
from hso_eval.indicators import SHARE_INDICATORS
from hso_eval.privacy import FORMULA_PREFIXES
from hso_eval.schema import Table


def _excel_value(value: Any, field_type: str) -> Any:
    """A cell value for openpyxl: None for missing, a date for dates, plain Python scalars."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if field_type == "date":
        return pd.Timestamp(value).date()
    if field_type == "boolean":
        return bool(value)
    if field_type == "integer":
        return int(value)
    if field_type == "number":
        return float(value)
    return str(value)


#: The most characters an Excel cell holds.
XLSX_MAX_TEXT = 32767


def _set_text(cell: Any, text: str) -> None:
    """Store `text` in `cell` as a text cell, never as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = ILLEGAL_CHARACTERS_RE.sub("", text)
    if len(value) > XLSX_MAX_TEXT:  # Excel's limit: cut, and say so in the cell (and Läs mig)
        value = value[: XLSX_MAX_TEXT - 1] + "…"
    cell.value = value
    cell.data_type = "s"
    if text.startswith(FORMULA_PREFIXES):
        cell.quotePrefix = True  # Excel keeps it as text when the cell is edited too


#: Excel's number format for a share (0.508 is shown as "50,8 %" in a Swedish Excel; the cell
#: keeps the number, as the CSV has it).
PERCENT_FORMAT = "0.0 %"


def _percent_rows(table: Table, frame: pd.DataFrame) -> dict[str, np.ndarray]:
    """Per numeric field, the rows whose number is a share: the share indicators' value and
    target in indikatorer."""
    if table.name != "indikatorer":
        return {}
    shares = frame["indicator"].isin(SHARE_INDICATORS).to_numpy(dtype=bool)
    return {"value": shares, "target": shares}


def _write_sheet(ws: Any, frame: pd.DataFrame, table: Table) -> None:
    """One data sheet: bold frozen header, real dates and numbers (shares as per cent), text
    never a formula."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    widths = []
    for c, f in enumerate(table.fields, start=1):
        cell = ws.cell(row=1, column=c)
        _set_text(cell, f.name)
        cell.font = bold
        widths.append(len(f.name))
    percent = _percent_rows(table, frame)
    for c, f in enumerate(table.fields, start=1):
        values = frame[f.name].tolist()
        shares = percent.get(f.name)
        for r, raw in enumerate(values, start=2):
            value = _excel_value(raw, f.type)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                _set_text(cell, value)
                widths[c - 1] = max(widths[c - 1], min(len(value), 60))
            else:
                cell.value = value
                if f.type == "date":
                    cell.number_format = "yyyy-mm-dd"
                    widths[c - 1] = max(widths[c - 1], 10)
                elif shares is not None and shares[r - 2]:
                    cell.number_format = PERCENT_FORMAT
                    widths[c - 1] = max(widths[c - 1], 7)
                else:
                    widths[c - 1] = max(widths[c - 1], len(str(value)))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 62)
    ws.freeze_panes = "A2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.fields))}{len(frame) + 1}"


def _write_rows(ws: Any, rows: Iterable[Iterable[str]], *, bold_rows: set[int]) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            if text == "":
                continue
            cell = ws.cell(row=r, column=c)
            _set_text(cell, text)
            cell.alignment = wrap
            if r in bold_rows:
                cell.font = bold


def _readme_rows(
    data: PeriodData, tables: list[Table], counts: Mapping[str, int], created: datetime
) -> tuple[list[list[str]], set[int]]:
    project, period = data.project, data.period
    rows: list[list[str]] = [
        [package_heading(data)],
        [],
        [
            "Period",
            f"{period.code}: {period.label} (halvårsrapport nr {data.params.report_number})",
        ],
        ["Projekt", f"{project.name}, projektägare {project.owner}"],
        ["Skapat", made_with(created)],
        [],
        ["Blad", "Innehåll"],
    ]
    bold = {1, len(rows)}
    for table in tables:
        rows.append(
            [
                table.sheet,
                f"{table.description} Fil: {table.file}, {counts.get(table.name, 0)} rader.",
            ]
        )
    rows.append(["Kodbok", "Alla fält i alla tabeller: typ, titel, beskrivning och villkor."])
    rows += [[], ["Pseudonymer", PSEUDONYM_TEXT], ["CSV-filer", CSV_TEXT]]
    rows += [["Formler", FORMULA_TEXT]]
    rows += [
        [
            "Långa texter",
            f"En cell i Excel rymmer högst {XLSX_MAX_TEXT:,} tecken".replace(",", "\u00a0")
            + ". En längre text är avkortad i arbetsboken och slutar med …; CSV-filen har "
            "hela texten. Tecken som en arbetsbok inte kan lagra (styrtecken) är borttagna.",
        ]
    ]
    rows += [["Undertryckning", SUPPRESSION_TEXT]]
    rows += [
        [
            "Mer",
            f"{CODEBOOK_NAME} är kodboken och {DESCRIPTOR_NAME} beskriver CSV-filerna som ett "
            "Frictionless Data Package som kan valideras maskinellt.",
        ]
    ]
    return [list(r) for r in rows], bold


def write_workbook(
    data: PeriodData,
    tables: list[Table],
    frames: Mapping[str, pd.DataFrame],
    path: Path,
    created: datetime,
) -> Path:
    """utvarderingsunderlag.xlsx: "Läs mig", one sheet per table, and "Kodbok"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    counts = {name: len(frame) for name, frame in frames.items()}
    wb = Workbook()
    readme = wb.active
    readme.title = "Läs mig"
    rows, bold = _readme_rows(data, tables, counts, created)
    _write_rows(readme, rows, bold_rows=bold)
    readme["A1"].font = Font(bold=True, size=14)
    readme["A1"].alignment = Alignment(wrap_text=False)
    readme.column_dimensions["A"].width = 18
    readme.column_dimensions["B"].width = 110
    for table in tables:
        _write_sheet(wb.create_sheet(table.sheet), frames[table.name], table)

    codebook = wb.create_sheet("Kodbok")
    header = ["Tabell", "Fält", "Typ", "Titel", "Beskrivning", "Villkor"]
    entries = [
        [t.file, f.name, f.type, f.title, f.description, f.constraint_text()]
        for t in tables
        for f in t.fields
    ]
    _write_rows(codebook, [header, *entries], bold_rows={1})
    for letter, width in zip("ABCDEF", (18, 24, 10, 24, 80, 40), strict=True):
        codebook.column_dimensions[letter].width = width
    codebook.freeze_panes = "A2"

    stamp = created.astimezone(UTC).replace(tzinfo=None)
    wb.properties.title = f"Utvärderingsunderlag {data.period.code}"
    wb.properties.creator = f"hso_eval {hso_eval.__version__}"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.save(path)
    return path
