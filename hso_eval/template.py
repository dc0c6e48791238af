"""The administrator's data-entry workbook: `hso-eval mall OUT.xlsx`.

`write_template` writes an empty .xlsx with the input contract's sheets, ready to fill in Excel:

- "Instruktioner" (first): in Swedish, what each sheet is for, which columns are required, the
  date forms accepted, that names and e-mails are personal data and become pseudonyms, where the
  file goes (data/raw/), which sheet names the period file must give, and how to run
  `hso-eval check` before a run.
- "Aktiviteter" and "Deltagare": exactly the canonical headers of `read.ACTIVITY_SPEC` and
  `read.PARTICIPANT_SPEC` in row 1 (one source of truth), required headers bold on a coloured
  fill, a note on every header with its rule, frozen header row, autofilter, column widths,
  dropdowns for every vocabulary column, date and whole-number validations, a date format on the
  date columns.
- "Listor" (hidden): the vocabularies the dropdowns point to. They come from `vocab` (activity
  types, statuses, organiser roles, organisation types, genders, roles, the municipalities of the
  package data) and from the project configuration (work packages as "AP3 - Påverkansarbete",
  partners, the partner municipalities first in the municipality list). Nothing is hard-coded.

The dropdowns reference ranges on "Listor" rather than inline lists, because Excel limits an
inline list to 255 characters (the 290 municipalities need far more).

`template_link_html` is the short Swedish paragraph the data-quality notebook shows.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from hso_eval.clean import (
    DATE_TOLERANCE,
    DEFAULT_GENDER,
    DEFAULT_ORGANISER_ROLE,
    DEFAULT_ROLE,
    FALLBACK_ORGANISATION_TYPE,
)
from hso_eval.cli import CHECK_LIST_LIMIT
from hso_eval.config import Project
from hso_eval.errors import ParameterError
from hso_eval.paths import display, resolve
from hso_eval.read import ACTIVITY_SPEC, PARTICIPANT_SPEC, TableSpec
from hso_eval.vocab import (
    ACTIVITY_TYPES,
    GENDERS,
    ORGANISATION_TYPES,
    ORGANISER_ROLES,
    ROLES,
    STATUSES,
    municipalities,
)

__all__ = [
    "ACTIVITY_SHEET",
    "COUNT_COLUMNS",
    "DATE_COLUMNS",
    "INSTRUCTION_SHEET",
    "LAST_ROW",
    "LIST_SHEET",
    "PARTICIPANT_SHEET",
    "TEMPLATE_COMMAND",
    "template_link_html",
    "template_lists",
    "work_package_label",
    "write_template",
]

INSTRUCTION_SHEET = "Instruktioner"
ACTIVITY_SHEET = "Aktiviteter"
PARTICIPANT_SHEET = "Deltagare"
LIST_SHEET = "Listor"
#: Validations and formats reach down to this row (row 1 is the header).
LAST_ROW = 5000
#: The command that writes the template, as the documentation and the notebook show it.
TEMPLATE_COMMAND = ".venv/bin/hso-eval mall data/raw/mall.xlsx"
#: Canonical columns holding dates, and holding head counts.
DATE_COLUMNS: tuple[str, ...] = ("datum", "slutdatum")
COUNT_COLUMNS: tuple[str, ...] = ("antal_deltagare", "antal_kvinnor", "antal_män")
DATE_FORMAT = "yyyy-mm-dd"

_REQUIRED_FILL = PatternFill("solid", fgColor="FFD966")  # required: bold on yellow
_ONE_OF_FILL = PatternFill("solid", fgColor="FFF2CC")  # one of a group required: bold on pale
_OPTIONAL_FILL = PatternFill("solid", fgColor="EDEDED")
_COMMENT_AUTHOR = "hso_eval"
#: Column widths (characters) for free-text columns; the rest are sized from their content.
_WIDTHS: Mapping[str, int] = {
    "aktivitets_id": 16,
    "datum": 14,
    "slutdatum": 14,
    "titel": 40,
    "beskrivning": 50,
    "plats": 22,
    "samverkansparter": 36,
    "länk": 36,
    "namn": 28,
    "e-post": 32,
    "organisation": 32,
}
_MAX_WIDTH = 50


# ---------------------------------------------------------------------------------------------
# The lists behind the dropdowns
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _DropdownList:
    """One vocabulary on the "Listor" sheet and how strictly its dropdown holds."""

    key: str  # the header on "Listor"
    values: tuple[str, ...]
    strict: bool = True  # False: a suggestion list, any other input allowed silently


def work_package_label(code: str, name: str) -> str:
    """The dropdown text of a work package, e.g. ``AP3 - Påverkansarbete``."""
    return f"{code} - {name}"


_SWEDISH_LETTERS = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


def _swedish_sort_key(text: str) -> str:
    """Sort as a Swedish reader expects: å, ä, ö after z; other accents as their base letter."""
    key = unicodedata.normalize("NFC", text).casefold().translate(_SWEDISH_LETTERS)
    decomposed = unicodedata.normalize("NFKD", key)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def _municipality_list(project: Project) -> tuple[str, ...]:
    """All municipality names of the package data: the project's partners first, then A–Ö."""
    names = [str(n) for n in municipalities()["name"].dropna()]
    known = set(names)
    first = [p.municipality for p in project.partners if p.municipality in known]
    first = list(dict.fromkeys(first))
    rest = sorted((n for n in names if n not in set(first)), key=_swedish_sort_key)
    return (*first, *rest)


def template_lists(project: Project) -> dict[str, tuple[str, ...]]:
    """The dropdown lists of the template, keyed by their header on "Listor"."""
    return {item.key: item.values for item in _lists(project)}


def _lists(project: Project) -> tuple[_DropdownList, ...]:
    return (
        _DropdownList(
            "arbetspaket",
            tuple(work_package_label(wp.code, wp.name) for wp in project.work_packages),
        ),
        _DropdownList("aktivitetstyp", ACTIVITY_TYPES.values),
        _DropdownList("status", STATUSES.values),
        _DropdownList("arrangörsroll", ORGANISER_ROLES.values),
        _DropdownList("kommun", _municipality_list(project)),
        _DropdownList("samverkansparter", tuple(p.name for p in project.partners), strict=False),
        _DropdownList("organisationstyp", ORGANISATION_TYPES.values),
        _DropdownList("kön", GENDERS.values),
        _DropdownList("roll", ROLES.values),
    )


#: Which list each vocabulary column draws on (canonical column -> list key), per sheet.
_ACTIVITY_DROPDOWNS: Mapping[str, str] = {
    "arbetspaket": "arbetspaket",
    "aktivitetstyp": "aktivitetstyp",
    "kommun": "kommun",
    "status": "status",
    "arrangörsroll": "arrangörsroll",
    "samverkansparter": "samverkansparter",
}
_PARTICIPANT_DROPDOWNS: Mapping[str, str] = {
    "organisationstyp": "organisationstyp",
    "kommun": "kommun",
    "kön": "kön",
    "roll": "roll",
}


# ---------------------------------------------------------------------------------------------
# The rule behind each header (shown as a note on the header and on the instruction sheet)
# ---------------------------------------------------------------------------------------------
def _listing(values: Iterable[str]) -> str:
    return ", ".join(values)


def _date_bounds(project: Project) -> tuple[dt.date, dt.date]:
    """The dates `clean` accepts: a year (DATE_TOLERANCE) either side of the project."""
    low = (pd.Timestamp(project.start) - DATE_TOLERANCE).date()
    high = (pd.Timestamp(project.end) + DATE_TOLERANCE).date()
    return low, high


def _rules(project: Project) -> dict[str, dict[str, str]]:
    """Swedish rule text per sheet role and canonical column."""
    low, high = _date_bounds(project)
    codes = _listing(wp.code for wp in project.work_packages)
    identity = (
        "Personuppgift: blir en pseudonym (en kod) redan vid inläsningen och syns aldrig i "
        "någon rapport. Namn eller e-post krävs (minst en av dem)."
    )
    municipality = (
        "Valfri. Välj kommunen i listan (projektets parter står först). En okänd kommun töms "
        "med en varning."
    )
    count = "Valfri. Heltal ≥ 0. Ungefärligt antal som 'ca 250' godtas (svara Ja när Excel varnar)."
    return {
        "activities": {
            "aktivitets_id": (
                "Krävs. Ett unikt id per aktivitet, t.ex. 2025-017. Samma id på två rader med "
                "olika innehåll lägger båda raderna i karantän."
            ),
            "datum": (
                "Krävs. Aktivitetens (första) dag, som ÅÅÅÅ-MM-DD, t.ex. 2025-06-12. Godtas också: "
                "12/6/2025, 12.6.2025, 12 juni 2025. Före "
                f"{low.isoformat()} eller efter {high.isoformat()} läggs raden i karantän."
            ),
            "slutdatum": (
                "Valfri. Sista dagen för en aktivitet över flera dagar, samma datumformer som "
                "datum. Får inte ligga före datum."
            ),
            "arbetspaket": f"Krävs. Välj arbetspaketet i listan ({codes}).",
            "aktivitetstyp": f"Krävs. Välj i listan: {_listing(ACTIVITY_TYPES.values)}.",
            "titel": "Krävs. Aktivitetens namn som det ska stå i rapporten.",
            "beskrivning": "Valfri. Fri text.",
            "plats": "Valfri. Lokal eller ort, fri text.",
            "kommun": municipality,
            "status": (
                f"Valfri men fyll i den. Välj i listan: {_listing(STATUSES.values)}. Tom status "
                "sätts utifrån datumet, med en varning."
            ),
            "arrangörsroll": (
                f"Valfri. Välj i listan: {_listing(ORGANISER_ROLES.values)}. Tom = "
                f"{DEFAULT_ORGANISER_ROLE}."
            ),
            "antal_deltagare": count,
            "antal_kvinnor": count + " Kvinnor + män får inte vara fler än antal_deltagare.",
            "antal_män": count + " Kvinnor + män får inte vara fler än antal_deltagare.",
            "samverkansparter": (
                "Valfri. Välj en projektpart i listan eller skriv fritt. Flera parter skrivs i "
                "samma cell, avgränsade med semikolon (;)."
            ),
            "länk": "Valfri. Hela webbadressen, som börjar med https://.",
        },
        "participants": {
            "aktivitets_id": (
                "Krävs. Aktivitetens id, exakt som i kolumnen aktivitets_id på bladet "
                f"{ACTIVITY_SHEET}."
            ),
            "namn": "För- och efternamn. " + identity,
            "e-post": "E-postadress, t.ex. namn@kommun.example. " + identity,
            "organisation": "Valfri. Organisationen personen företräder.",
            "organisationstyp": (
                f"Valfri. Välj i listan: {_listing(ORGANISATION_TYPES.values)}. Okänd typ blir "
                f"{FALLBACK_ORGANISATION_TYPE}."
            ),
            "kommun": municipality,
            "kön": f"Valfri. Välj i listan: {_listing(GENDERS.values)}. Tom = {DEFAULT_GENDER}.",
            "roll": f"Valfri. Välj i listan: {_listing(ROLES.values)}. Tom = {DEFAULT_ROLE}.",
        },
    }


def _one_of_columns(spec: TableSpec) -> set[str]:
    return {name for group in spec.one_of for name in group}


def _rule(rules: Mapping[str, str], spec: TableSpec, column: str) -> str:
    """The rule for `column`, with a generic fallback for a column the texts do not know yet."""
    if column in rules:
        return rules[column]
    if spec.column(column).required:
        return "Krävs."
    if column in _one_of_columns(spec):
        return "Minst en av " + " eller ".join(g for grp in spec.one_of for g in grp) + " krävs."
    return "Valfri."


# ---------------------------------------------------------------------------------------------
# Sheets
# ---------------------------------------------------------------------------------------------
def _write_lists(sheet: Worksheet, lists: tuple[_DropdownList, ...]) -> dict[str, str]:
    """Write each list in its own column of "Listor"; return list key -> absolute range."""
    ranges: dict[str, str] = {}
    bold = Font(bold=True)
    for index, item in enumerate(lists, start=1):
        letter = get_column_letter(index)
        header = sheet.cell(row=1, column=index, value=item.key)
        header.font = bold
        for row, value in enumerate(item.values, start=2):
            sheet.cell(row=row, column=index, value=value).data_type = "s"
        last = max(len(item.values) + 1, 2)
        ranges[item.key] = f"{quote_sheetname(LIST_SHEET)}!${letter}$2:${letter}${last}"
        width = max([len(item.key), *(len(v) for v in item.values)]) + 2
        sheet.column_dimensions[letter].width = min(width, _MAX_WIDTH)
    sheet.sheet_state = "hidden"
    return ranges


def _header_width(column: str, values: tuple[str, ...] = ()) -> float:
    if column in _WIDTHS:
        return _WIDTHS[column]
    content = max([len(column) + 4, *(len(v) + 3 for v in values), 10])
    return min(content, _MAX_WIDTH)


def _list_validation(item: _DropdownList, source: str, column: str) -> DataValidation:
    """A dropdown on `source`; strict lists stop other input, suggestion lists allow it."""
    validation = DataValidation(type="list", formula1=source, allow_blank=True)
    validation.showInputMessage = True
    if item.strict:
        validation.showErrorMessage = True
        validation.errorStyle = "stop"
        validation.errorTitle = "Värdet finns inte i listan"
        validation.error = f"Välj ett värde för {column} i rullgardinslistan."
        validation.promptTitle = column[:32]
        validation.prompt = "Välj i listan."
    else:
        validation.showErrorMessage = False
        validation.errorStyle = "information"
        validation.promptTitle = column[:32]
        validation.prompt = "Välj i listan eller skriv fritt; flera avgränsas med semikolon (;)."
    return validation


def _date_validation(project: Project) -> DataValidation:
    low, high = _date_bounds(project)
    validation = DataValidation(
        type="date",
        operator="between",
        formula1=f"DATE({low.year},{low.month},{low.day})",
        formula2=f"DATE({high.year},{high.month},{high.day})",
        allow_blank=True,
    )
    validation.showErrorMessage = True
    validation.showInputMessage = True
    validation.errorStyle = "warning"
    validation.errorTitle = "Datumet ser fel ut"
    validation.error = (
        f"Datumet ligger utanför {low.isoformat()} – {high.isoformat()} eller är inget datum. "
        "Skriv ÅÅÅÅ-MM-DD, t.ex. 2025-06-12."
    )
    validation.promptTitle = "Datum"
    validation.prompt = "ÅÅÅÅ-MM-DD, t.ex. 2025-06-12."
    return validation


def _count_validation() -> DataValidation:
    validation = DataValidation(
        type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True
    )
    validation.showErrorMessage = True
    validation.showInputMessage = True
    validation.errorStyle = "warning"
    validation.errorTitle = "Inget heltal"
    validation.error = (
        "Antal ska vara ett heltal ≥ 0. Ett ungefärligt antal som 'ca 250' godtas: svara Ja "
        "för att behålla det."
    )
    validation.promptTitle = "Antal"
    validation.prompt = "Heltal, t.ex. 25 (eller ca 250)."
    return validation


def _write_data_sheet(
    sheet: Worksheet,
    spec: TableSpec,
    rules: Mapping[str, str],
    dropdowns: Mapping[str, str],
    lists: Mapping[str, _DropdownList],
    ranges: Mapping[str, str],
    project: Project,
) -> None:
    """Headers with style and notes, dropdowns, validations, formats, freeze, filter, widths."""
    one_of = _one_of_columns(spec)
    date_validation = _date_validation(project)
    count_validation = _count_validation()
    for index, column in enumerate(spec.columns, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=column.name)
        cell.font = Font(bold=column.required or column.name in one_of)
        if column.required:
            cell.fill = _REQUIRED_FILL
        elif column.name in one_of:
            cell.fill = _ONE_OF_FILL
        else:
            cell.fill = _OPTIONAL_FILL
        cell.alignment = Alignment(vertical="center")
        note = Comment(_rule(rules, spec, column.name), _COMMENT_AUTHOR)
        note.width, note.height = 320, 110
        cell.comment = note
        cells = f"{letter}2:{letter}{LAST_ROW}"
        values: tuple[str, ...] = ()
        if column.name in dropdowns:
            item = lists[dropdowns[column.name]]
            values = item.values
            validation = _list_validation(item, ranges[item.key], column.name)
            validation.add(cells)
            sheet.add_data_validation(validation)
        if column.name in DATE_COLUMNS:
            date_validation.add(cells)
            sheet.column_dimensions[letter].number_format = DATE_FORMAT
        if column.name in COUNT_COLUMNS:
            count_validation.add(cells)
        width = _header_width(column.name, values if column.name != "samverkansparter" else ())
        sheet.column_dimensions[letter].width = width
    for validation in (date_validation, count_validation):
        if validation.sqref:
            sheet.add_data_validation(validation)
    last = get_column_letter(len(spec.columns))
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = f"A1:{last}{LAST_ROW}"
    sheet.row_dimensions[1].height = 20


def _instruction_lines(project: Project) -> list[tuple[str, str]]:
    """(style, text) per row of the instruction sheet; style is title, heading, text or code.

    No row may be read as a header row by `read.read_table` (a cell holding only a column
    name): the sheet is the first one, which is read when a period file names no sheet.
    """
    required = _listing(c.name for c in ACTIVITY_SPEC.columns if c.required)
    participant_required = _listing(c.name for c in PARTICIPANT_SPEC.columns if c.required)
    one_of = " och ".join(" eller ".join(group) for group in PARTICIPANT_SPEC.one_of)
    low, high = _date_bounds(project)
    return [
        ("title", f"Inmatningsmall för {project.name} ({project.short_name})"),
        (
            "text",
            f"Mallen är gjord för hso_eval. Fyll i bladen {ACTIVITY_SHEET} och "
            f"{PARTICIPANT_SHEET}. Rubrikerna på rad 1 är exakt de som programmet läser: ändra "
            "dem inte, byt inte namn på bladen och lägg inga exempel- eller summarader i dem.",
        ),
        ("heading", f"Bladet {ACTIVITY_SHEET} – aktivitetsregistret"),
        (
            "text",
            "En rad per aktivitet: möte, workshop, seminarium, konferens, partnerbesök, "
            "styrgruppsmöte, publicering med mera. Varje aktivitet får ett eget aktivitets_id "
            "som aldrig återanvänds.",
        ),
        ("heading", f"Bladet {PARTICIPANT_SHEET} – deltagarlistorna"),
        (
            "text",
            "En rad per person och aktivitet, från närvarolistorna. Den som var med på två "
            "aktiviteter står på två rader, med var sitt aktivitets_id.",
        ),
        ("heading", "Kolumner som krävs"),
        (
            "text",
            "Rubriker i fetstil på gul bakgrund måste fyllas i. "
            f"På bladet {ACTIVITY_SHEET}: {required}. På bladet {PARTICIPANT_SHEET}: "
            f"{participant_required} samt {one_of} (minst en av dem; fetstil på ljusgul "
            "bakgrund). Rader där något av detta saknas läggs i karantän och kommer inte med i "
            "rapporten. Övriga kolumner är valfria.",
        ),
        (
            "text",
            "Håll muspekaren över en rubrik för att se regeln för kolumnen. Rullgardinslistorna "
            "visar de värden som godtas.",
        ),
        ("heading", "Så skrivs datum"),
        (
            "text",
            "Skriv datum som ÅÅÅÅ-MM-DD, t.ex. 2025-06-12; Excel gör dem till datumceller. Godtas "
            "också: 12/6/2025 och 12.6.2025 (dagen först), 12 juni 2025 och 12 jun 2025. Månaden "
            "först (amerikanskt) tolkas aldrig. Datum före "
            f"{low.isoformat()} eller efter {high.isoformat()} (mer än ett år utanför "
            "projektets tid) läggs i karantän.",
        ),
        ("heading", "Så skrivs antal"),
        (
            "text",
            "Antal skrivs som heltal. Ett ungefärligt antal som 'ca 250', '~250' eller '250+' "
            "godtas och markeras som ungefärligt: Excel varnar, svara Ja för att behålla det.",
        ),
        ("heading", "Personuppgifter"),
        (
            "text",
            f"Bladet {PARTICIPANT_SHEET} innehåller personuppgifter (namn och e-post). De "
            "ersätts med pseudonymer (koder) redan när filen läses in och syns aldrig i någon "
            "rapport. Spara filen bara där det står nedan och skicka den inte med e-post.",
        ),
        ("heading", "Var filen ska ligga"),
        (
            "text",
            "Spara den ifyllda filen i mappen data/raw/ i hso_eval-katalogen, t.ex. "
            "data/raw/hso-2025H1.xlsx. Filerna i data/raw/ följer inte med i versionshanteringen.",
        ),
        ("heading", "Periodens parameterfil"),
        (
            "text",
            "I periodens parameterfil, t.ex. params/2025H1.yaml, anges samma fil för båda bladen:",
        ),
        ("code", "activities: data/raw/hso-2025H1.xlsx"),
        ("code", "participants: data/raw/hso-2025H1.xlsx"),
        (
            "text",
            f"Programmet läser bladen {ACTIVITY_SHEET} och {PARTICIPANT_SHEET} efter deras namn. "
            "Byter du namn på ett blad anger du det nya namnet i parameterfilen med "
            "activities_sheet: eller participants_sheet:.",
        ),
        ("heading", "Kontrollera filen före körningen"),
        ("code", ".venv/bin/hso-eval check params/<period>.yaml"),
        (
            "text",
            "visar för varje blad hur många rader som är rena, i karantän och sammanslagna, och "
            "listar varje problem med rad, kolumn och orsak, utan att något publiceras (de "
            f"{CHECK_LIST_LIMIT} första av varje slag; --alla listar alla). Rätta i filen och "
            "kör check igen. "
            "Själva körningen: .venv/bin/hso-eval run params/<period>.yaml.",
        ),
        ("heading", "Rullgardinslistorna"),
        (
            "text",
            f"Värdena i listorna står på det dolda bladet {LIST_SHEET} och kommer från "
            "projektets konfiguration (params/project.yaml) och programmets ordlistor. Ändra inte "
            "där: ändras arbetspaket eller parter skrivs en ny mall med "
            f"{TEMPLATE_COMMAND}.",
        ),
    ]


def _write_instructions(sheet: Worksheet, project: Project) -> None:
    fonts: dict[str, Callable[[], Font]] = {
        "title": lambda: Font(bold=True, size=14),
        "heading": lambda: Font(bold=True, size=12),
        "text": Font,
        "code": lambda: Font(name="Consolas"),
    }
    sheet.column_dimensions["A"].width = 110
    for row, (style, text) in enumerate(_instruction_lines(project), start=1):
        cell = sheet.cell(row=row, column=1, value=text)
        cell.data_type = "s"
        cell.font = fonts[style]()
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        if style == "text":
            lines = -(-len(text) // 105)  # ceiling: wrapped lines at this width
            sheet.row_dimensions[row].height = 15 * max(lines, 1) + 2
        elif style == "heading":
            sheet.row_dimensions[row].height = 24
    sheet.sheet_view.showGridLines = False


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
def write_template(out: Path | str, project: Project, *, overwrite: bool = False) -> Path:
    """Write the empty data-entry workbook to `out` (.xlsx) and return its absolute path.

    A relative `out` is taken from the repository root, like every path in hso_eval. Missing
    folders are created. An existing file is never replaced unless `overwrite` is true (it may
    be a filled-in register); the file is written to a temporary name and then moved into place.
    Raises `ParameterError` for a name that does not end in .xlsx or a file that exists.
    """
    path = resolve(out)
    if path.suffix.lower() != ".xlsx":
        raise ParameterError(
            f"{display(path)}: mallen är en Excel-arbetsbok och filnamnet ska sluta på .xlsx "
            "(t.ex. mall.xlsx)."
        )
    if path.exists() and not overwrite:
        raise ParameterError(
            f"{display(path)} finns redan och skrivs inte över (den kan vara ett ifyllt "
            "register). Välj ett annat filnamn, flytta bort filen eller lägg till --force."
        )
    book = _build_workbook(project)
    path.parent.mkdir(parents=True, exist_ok=True)
    # Not mkstemp: its file is readable by the owner only (0600), and the template is made to
    # be handed to the colleagues who fill it in. A new file gets the umask's permissions.
    temporary = path.with_name(f".mall-{os.getpid()}-{path.name}")
    try:
        book.save(temporary)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def _build_workbook(project: Project) -> Workbook:
    book = Workbook()
    instructions = book.active
    assert instructions is not None
    instructions.title = INSTRUCTION_SHEET
    activities = book.create_sheet(ACTIVITY_SHEET)
    participants = book.create_sheet(PARTICIPANT_SHEET)
    list_sheet = book.create_sheet(LIST_SHEET)

    lists = _lists(project)
    by_key = {item.key: item for item in lists}
    ranges = _write_lists(list_sheet, lists)
    rules = _rules(project)
    _write_instructions(instructions, project)
    _write_data_sheet(
        activities,
        ACTIVITY_SPEC,
        rules["activities"],
        _ACTIVITY_DROPDOWNS,
        by_key,
        ranges,
        project,
    )
    _write_data_sheet(
        participants,
        PARTICIPANT_SPEC,
        rules["participants"],
        _PARTICIPANT_DROPDOWNS,
        by_key,
        ranges,
        project,
    )
    book.active = 0  # opens on the instructions
    book.properties.title = f"Inmatningsmall {project.short_name}"
    book.properties.creator = "hso_eval"
    return book


def template_link_html() -> str:
    """Swedish HTML section: the template exists, and how to make it.

    All text is escaped; the heading carries the anchor ``inmatningsmall``.
    """
    intro = (
        "Det finns en färdig inmatningsmall för aktivitetsregistret och deltagarlistorna: en "
        f"Excel-arbetsbok med bladen {ACTIVITY_SHEET} och {PARTICIPANT_SHEET}, exakt de "
        "rubriker som programmet läser, rullgardinslistor för arbetspaket, aktivitetstyp, "
        "status, kommun och de andra ordlistorna, och kontroll av datum och antal redan när "
        "man skriver. Många av problemen i den här rapporten uppstår inte med mallen. Skriv en "
        "ny mall med:"
    )
    after = (
        f"Bladet {INSTRUCTION_SHEET} i mallen förklarar resten: var filen ska ligga (data/raw/), "
        "vilka bladnamn periodens parameterfil ska ange och hur man kontrollerar filen med "
        "hso-eval check innan körningen."
    )
    return (
        '<h2 id="inmatningsmall">Inmatningsmall</h2>\n'
        f"<p>{html.escape(intro)}</p>\n"
        f"<pre><code>{html.escape(TEMPLATE_COMMAND)}</code></pre>\n"
        f"<p>{html.escape(after)}</p>\n"
    )
