"""Read an input sheet (.xlsx or .csv) into a raw table with canonical column names.

`read_table` finds the header row (title rows above it are allowed), sniffs a CSV's delimiter and
encoding, maps the headers as written onto the contract's canonical names through their aliases,
skips fully blank rows and remembers every data row's row number as Excel shows it. Cell values are
kept raw (Excel dates stay datetimes, numbers stay numbers, CSV cells stay text, an Excel error
cell is its error text such as ``#REF!``, TRUE and FALSE are the texts SANT and FALSKT):
interpreting them is `parse`'s and `clean`'s job. Anything that makes a file unusable as a
whole raises `InputFileError` with one Swedish message that names the file and says what to do.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import hashlib
import html
import io
import math
import os
import posixpath
import re
import warnings
import zipfile
from collections.abc import Callable, Hashable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from python_calamine import SheetTypeEnum, SheetVisibleEnum

from hso_eval.errors import InputFileError
from hso_eval.parse import _booleans, _category_series, _Distinct, _factorize, normalise_header
from hso_eval.paths import display

#: How many rows from the top of a sheet are searched for the header row.
HEADER_SEARCH_ROWS = 10
#: The CSV delimiters that are sniffed, in order of preference on a tie.
CSV_DELIMITERS: tuple[str, ...] = (";", ",", "\t")
SUPPORTED_SUFFIXES: tuple[str, ...] = (".xlsx", ".csv")


# ---------------------------------------------------------------------------------------------
# Specifications: the contract's headers and their aliases
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ColumnSpec:
    """One column of the input contract: its canonical Swedish header and accepted aliases."""

    name: str
    aliases: tuple[str, ...] = ()
    required: bool = False

    @property
    def accepted(self) -> tuple[str, ...]:
        """Every header text that is accepted for this column, canonical name first."""
        return (self.name, *self.aliases)


@dataclass(frozen=True)
class TableSpec:
    """The columns of one input sheet.

    `one_of` lists groups of columns of which at least one must be present (participants:
    `namn` or `e-post`). `label` names the sheet in Swedish messages.
    """

    role: str
    label: str
    columns: tuple[ColumnSpec, ...]
    one_of: tuple[tuple[str, ...], ...] = ()
    #: With no sheet named in the parameters, a sheet with this name (any case) is read before
    #: the first sheet: the data-entry template (`hso-eval mall`) puts instructions first.
    sheet_name: str | None = None

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.columns)

    def column(self, name: str) -> ColumnSpec:
        """The column spec with canonical name `name`."""
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def nearest(self, header: str, present: tuple[str, ...] | list[str] = ()) -> str | None:
        """The column a header that is not accepted was most likely meant to be (a typo:
        "Orgnisation", "E-post-adress"), or None. Never a column the sheet has (`present`,
        canonical names): "Aktivitet" beside `aktivitets_id` is another column. A header with a
        digit ("E-post 2") is a column of its own, and "Län" or "Kommunkod" are not near enough
        to `länk` or `kommun`."""
        key = normalise_header(header)
        if any(c.isdigit() for c in key):
            return None
        index = {text: name for text, name in self.header_index().items() if name not in present}
        near = difflib.get_close_matches(key, list(index), n=1, cutoff=0.88)
        return index[near[0]] if near else None

    def header_index(self) -> dict[str, str]:
        """Normalised header text -> canonical column name, for every accepted header."""
        index: dict[str, str] = {}
        for col in self.columns:
            for text in col.accepted:
                index[normalise_header(text)] = col.name
        return index


ACTIVITY_SPEC = TableSpec(
    role="activities",
    label="aktivitetsregistret",
    sheet_name="Aktiviteter",
    columns=(
        ColumnSpec("aktivitets_id", ("id", "aktivitet_id"), required=True),
        ColumnSpec("datum", ("startdatum", "start"), required=True),
        ColumnSpec("slutdatum", ("till", "tom")),
        ColumnSpec("arbetspaket", ("ap",), required=True),
        ColumnSpec("aktivitetstyp", ("typ",), required=True),
        ColumnSpec("titel", ("rubrik", "aktivitet"), required=True),
        ColumnSpec("beskrivning"),
        ColumnSpec("plats", ("ort",)),
        ColumnSpec("kommun"),
        ColumnSpec("status"),
        ColumnSpec("arrangörsroll", ("arrangör",)),
        ColumnSpec("antal_deltagare", ("deltagare", "antal")),
        ColumnSpec("antal_kvinnor", ("kvinnor",)),
        ColumnSpec("antal_män", ("män",)),
        ColumnSpec("samverkansparter", ("parter",)),
        ColumnSpec("länk", ("url",)),
    ),
)

PARTICIPANT_SPEC = TableSpec(
    role="participants",
    label="deltagarlistan",
    sheet_name="Deltagare",
    columns=(
        ColumnSpec("aktivitets_id", ("id",), required=True),
        ColumnSpec("namn", ("för- och efternamn",)),
        # The contract's aliases, and what attendance-list exports call the column (the
        # address itself identifies a person: missed, every pseudonym would change).
        ColumnSpec(
            "e-post",
            (
                *("epost", "mejl", "email", "e-postadress", "epostadress", "e-post adress"),
                *("mejladress", "mailadress", "e-mail", "e-mailadress"),
            ),
        ),
        ColumnSpec("organisation", ("org",)),
        ColumnSpec("organisationstyp", ("orgtyp",)),
        ColumnSpec("kommun"),
        ColumnSpec("kön", ("kon",)),
        ColumnSpec("roll"),
    ),
    one_of=(("namn", "e-post"),),
)


#: `RawTable.stray`'s columns and types.
STRAY_COLUMNS = {"position": "int64", "column": "string", "value": "string", "beyond": "bool"}
#: `RawTable.repeated_headers`' columns and types.
REPEATED_HEADER_COLUMNS = {"position": "int64", "headers": "string", "only_here": "string"}


# ---------------------------------------------------------------------------------------------
# The raw table
# ---------------------------------------------------------------------------------------------
@dataclass
class RawTable:
    """One input sheet as read: canonical columns, raw cell values, Excel row numbers.

    - `frame`: one row per data row (blank rows dropped), only known columns, renamed to their
      canonical names, object dtype; empty cells are None, CSV cells are str, Excel cells keep
      their type (datetime, int, float, str), except TRUE and FALSE, which are the texts
      "SANT" and "FALSKT" (`_booleans_as_text`). For a CSV it is built on first use from
      the kept factorisation (`distinct`): cleaning never needs it (it uses `column`, `distinct`
      and `index`), and a million rows of object cells is 8 bytes a cell held for nothing.
    - `rows`: the row number as Excel shows it, per data row (aligned with `frame`).
    - `header_row`: the header's row number; `blank`: blank rows skipped between the header and
      the last data row; `unknown_columns`: headers (as written) that were ignored;
      `original_headers`: canonical name -> header as written, for messages.
    """

    path: Path
    rows: pd.Series
    header_row: int
    blank: int
    unknown_columns: list[str]
    original_headers: dict[str, str]
    sha256: str
    sheet: str | None
    role: str
    spec: TableSpec
    encoding: str | None = None
    delimiter: str | None = None
    #: Values in columns with no header (`_stray_values`): one row per data row that has one,
    #: with its position (in `index`), the Excel column letter, the value and whether it lies
    #: past a CSV header's last field (`STRAY_COLUMNS`).
    stray: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {name: pd.Series(dtype=dtype) for name, dtype in STRAY_COLUMNS.items()}
        ),
        repr=False,
        compare=False,
    )
    #: Data rows that are a header row again (`_repeated_headers`): their position (in
    #: `index`), the known headers they hold as written ("'aktivitets_id', 'datum', …") and
    #: those of them the header row lacks (`REPEATED_HEADER_COLUMNS`).
    repeated_headers: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(
            {name: pd.Series(dtype=dtype) for name, dtype in REPEATED_HEADER_COLUMNS.items()}
        ),
        repr=False,
        compare=False,
    )
    #: Per column (CSV only), `pd.factorize(frame[name])` as computed while reading: row codes
    #: (-1 for None) and the distinct cells. Lets cleaning skip re-hashing long text columns.
    _distinct: dict[str, tuple[np.ndarray, np.ndarray]] = field(
        default_factory=dict, repr=False, compare=False
    )
    #: The raw cells (an .xlsx); None for a CSV until `frame` builds them from `_distinct`.
    _frame: pd.DataFrame | None = field(default=None, repr=False, compare=False)
    #: The coded columns `cells` gave out (a CSV): cleaning asks for some columns many times.
    _coded: dict[str, pd.Series] = field(default_factory=dict, repr=False, compare=False)
    #: The register and the lists are sheets of this one workbook (the template's way): a
    #: message names the sheet too (`label`), or rows of the two would look alike.
    shared_file: bool = field(default=False, compare=False)

    @property
    def frame(self) -> pd.DataFrame:
        """The raw cells, one column per known column (see the class docstring)."""
        if self._frame is None:
            self._frame = pd.DataFrame(
                {name: self.column(name) for name in self._distinct}, index=self.index
            )
        return self._frame

    @property
    def index(self) -> pd.RangeIndex:
        """The index of `frame` (0 … read - 1), without building it."""
        return pd.RangeIndex(len(self.rows))

    @property
    def name(self) -> str:
        """The file name as the administrator knows it, e.g. ``deltagare.csv``."""
        return self.path.name

    @property
    def label(self) -> str:
        """The file as messages name it: ``deltagare.csv``, or with the sheet when both tables
        are sheets of one workbook: ``hso-data.xlsx (blad 'Deltagare')``."""
        return f"{self.name} (blad '{self.sheet}')" if self.shared_file else self.name

    @property
    def read(self) -> int:
        """The number of data rows (blank rows excluded)."""
        return len(self.rows)

    def header(self, column: str) -> str:
        """Canonical `column`'s header as written in the file (the canonical name if absent)."""
        return self.original_headers.get(column, column)

    def distinct(self, name: str) -> tuple[np.ndarray, np.ndarray] | None:
        """`pd.factorize(self.column(name))` if it was kept while reading, else None.

        (codes, uniques): ``column[i] == uniques[codes[i]]``, code -1 where the cell is None.
        """
        return self._distinct.get(name)

    def cells(self, name: str) -> tuple[pd.Series, tuple[np.ndarray, np.ndarray] | None]:
        """(`column(name)`, `distinct(name)`): what the parsers take, without building cells.

        For a CSV the column comes as a categorical over the kept factorisation (the same cells,
        coded; NaN where None): the parsers only need its index when given the factorisation,
        so no object array of a million cells is built for them.
        """
        factorized = self.distinct(name)
        if factorized is None or self._frame is not None:
            return self.column(name), factorized
        if name not in self._coded:
            codes, uniques = factorized
            coded = pd.Categorical.from_codes(codes, categories=pd.Index(uniques, dtype=object))
            self._coded[name] = pd.Series(coded, index=self.index)
        return self._coded[name], factorized

    def column(self, name: str) -> pd.Series:
        """The raw cells of canonical column `name`; all None when the file lacks the column."""
        if self._frame is not None and name in self._frame.columns:
            return self._frame[name]
        if self._frame is None and name in self._distinct:
            codes, uniques = self._distinct[name]
            return pd.Series(_cells_from_codes(codes, uniques), index=self.index, dtype=object)
        return pd.Series([None] * self.read, index=self.index, dtype=object)


# ---------------------------------------------------------------------------------------------
# Cell values as text
# ---------------------------------------------------------------------------------------------
def _one_cell_text(value: object) -> str | None:
    """The text a person sees in one cell: integral floats without '.0', dates in ISO form."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, str):
        text = value.strip()
        return text or None
    if isinstance(value, bool | np.bool_):
        return "SANT" if value else "FALSKT"
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return None
        if math.isfinite(value) and float(value).is_integer():
            return str(int(value))
        return repr(float(value))
    if isinstance(value, dt.datetime):
        if (value.hour, value.minute, value.second, value.microsecond) == (0, 0, 0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    text = str(value).strip()
    return text or None


def cell_text(
    series: pd.Series,
    factorized: tuple[np.ndarray, np.ndarray] | None = None,
    *,
    categorical: bool = False,
) -> pd.Series:
    """Every cell as the text a person sees (string dtype, NA for empty), same index.

    Mapped over the distinct values only, so it is cheap on long columns. `factorized`, when
    given, is `pd.factorize(series)` computed before (`RawTable.distinct`). `categorical`: the
    same values as a categorical (see `parse._category_series`).
    """
    if factorized is None:
        codes, uniques = _factorize(series)  # TRUE is not 1
    else:
        codes, uniques = factorized
    texts = np.array([_one_cell_text(v) for v in uniques] + [None], dtype=object)
    if categorical:
        mapped = _Distinct(np.where(codes < 0, len(uniques), codes), [texts])
        return _category_series(mapped, 0, series.index)
    return _take_text(texts, codes, len(uniques), series.index)


def _take_text(texts: np.ndarray, codes: np.ndarray, n: int, index: pd.Index) -> pd.Series:
    """`texts[codes]` as a "string" Series (code -1, missing, picks the trailing entry).

    The distinct texts become a (small) Arrow array first and are then taken per row, so no
    per-row Python string is created.
    """
    codes = np.where(codes < 0, n, codes)
    return pd.Series(pd.array(texts, dtype="string").take(codes), index=index)


def _csv_cells(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """For a column of text cells (a CSV column): the factorisation of its raw cells.

    The raw cells are what `series.astype(object)` holds, with None where `cell_text` is empty.
    Returns (codes, uniques) as `pd.factorize` of those raw cells gives them: code -1 for None,
    `uniques` the distinct non-empty strings in order of appearance. Built from one
    factorisation of the Arrow strings; the raw column is then ``uniques[codes]`` (each distinct
    string object shared by its rows). Only for string columns: a factorisation of mixed Excel
    values treats 1 and 1.0 as one value (both show as "1"), so an object column is not rebuilt
    from it. (It would treat True as 1 too, but an .xlsx's TRUE and FALSE are read as the texts
    SANT and FALSKT, `_booleans_as_text`, and `parse._factorize` keeps them apart elsewhere.)
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = uniques.to_numpy(dtype=object)  # the distinct strings (no NA among them)
    # `_one_cell_text(v) is not None` for a string: not empty after `strip()`, i.e. not "" and
    # not all whitespace (`str.isspace`, the characters `strip` removes). A value with a
    # printable ASCII character is neither (found in Arrow); the rest are asked one by one.
    keep = pc.match_substring_regex(pa.array(values, pa.large_string()), "[!-~]")
    keep = keep.to_numpy(zero_copy_only=False)
    unsure = np.flatnonzero(~keep)
    keep[unsure] = [bool(v) and not v.isspace() for v in values[unsure]]
    # New code per distinct value: its rank among the kept ones; -1 for empty text and NA.
    renumber = np.append(np.where(keep, np.cumsum(keep) - 1, -1), -1)
    # int32 codes (a file has far fewer than 2**31 distinct cells): half the memory per row.
    return renumber.astype(np.int32)[codes], values[keep]


def _cells_from_codes(codes: np.ndarray, uniques: np.ndarray) -> np.ndarray:
    """The raw cells `uniques[codes]` as an object array, None where the code is -1."""
    return np.append(uniques, None)[codes]


# ---------------------------------------------------------------------------------------------
# Reading
# ---------------------------------------------------------------------------------------------
def read_table(
    path: Path | str,
    spec: TableSpec,
    sheet: str | None = None,
    role: str | None = None,
    params: str = "parameterfilen",
) -> RawTable:
    """Read an input file (.xlsx or .csv) per `spec` into a `RawTable`.

    `params` names where the path and the sheet were given (a parameter file, or a notebook's
    parameter cell), for the messages that say what to correct there.

    Raises `InputFileError` (Swedish message naming the file) when the file is missing,
    unreadable, not what its extension says, has an unsupported extension, has no header row
    among its first ten rows, lacks a required column, has two headers for the same column, or
    lacks the named sheet.
    """
    path = Path(path)
    role = role or spec.role
    shown = display(path)
    try:
        path.stat()
    except FileNotFoundError:
        pass  # said below
    except OSError as exc:  # a folder on the way that this account may not open
        raise InputFileError(
            f"{shown}: filen kan inte nås ({exc.strerror}). Kontrollera att kontot som kör "
            "hso-eval har behörighet till filen och till mapparna den ligger i.",
            path=path,
            reason="unreadable",
        ) from exc
    if not path.exists():
        raise InputFileError(
            f"{shown}: filen finns inte. Kontrollera sökvägen "
            f"'{'activities' if role == 'activities' else 'participants'}' i {params}.",
            path=path,
            reason="file_missing",
        )
    if not path.is_file():
        raise InputFileError(
            f"{shown}: är en mapp, inte en fil. Ange sökvägen till själva filen.",
            path=path,
            reason="not_a_file",
        )
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InputFileError(
            f"{shown}: filtypen '{path.suffix or '(ingen)'}' stöds inte. Spara {spec.label} som "
            "Excel-arbetsbok (.xlsx) eller CSV (.csv).",
            path=path,
            reason="unsupported_extension",
        )
    try:
        before = path.stat()
        data = path.read_bytes()
    except OSError as exc:
        raise InputFileError(
            f"{shown}: filen kan inte läsas ({exc.strerror}). Kontrollera att den inte är låst "
            "och att du har läsbehörighet.",
            path=path,
            reason="unreadable",
        ) from exc
    encoding = delimiter = None
    # The checksum is computed alongside the parsing (hashlib lets go of the GIL).
    with ThreadPoolExecutor(max_workers=1) as pool:
        checksum = pool.submit(hashlib.sha256, data)
        if suffix == ".xlsx":
            grid, used_sheet = _read_xlsx_grid(path, data, sheet, shown, spec.sheet_name, params)
            widths = None
        else:
            grid, encoding, delimiter, widths = _read_csv_grid(data, spec, shown, path)
            used_sheet = None
            _check_unchanged(path, before, shown)  # the parser read the file again
        sha256 = checksum.result().hexdigest()
    del data  # only the sha256 is kept: the bytes are not held while the raw table is built
    where = f"{shown} (blad '{used_sheet}')" if used_sheet is not None else shown
    return _build_raw(
        grid,
        spec,
        path=path,
        where=where,
        sha256=sha256,
        sheet=used_sheet,
        role=role,
        encoding=encoding,
        delimiter=delimiter,
        record_widths=widths,
    )


def _check_unchanged(path: Path, before: os.stat_result, shown: str) -> None:
    """Raise `InputFileError` if the file at `path` is no longer the one `before` described.

    The CSV is hashed and checked from the bytes read first, then parsed from the file: a file
    saved in between would give a checksum that does not belong to the rows.
    """
    try:
        after = path.stat()
    except OSError:
        after = None
    fields = ("st_dev", "st_ino", "st_size", "st_mtime_ns")
    if after is None or any(getattr(before, f) != getattr(after, f) for f in fields):
        raise _changed_while_reading(path, shown)


def _changed_while_reading(path: Path, shown: str) -> InputFileError:
    return InputFileError(
        f"{shown}: filen ändrades medan den lästes. Vänta tills den är sparad och kör igen.",
        path=path,
        reason="changed_while_reading",
    )


def _read_xlsx_grid(
    path: Path,
    data: bytes,
    sheet: str | None,
    shown: str,
    preferred: str | None = None,
    params: str = "parameterfilen",
) -> tuple[pd.DataFrame, str]:
    """The chosen sheet as a grid of raw cells (row i is Excel row i + 1), and its name.

    The sheet is `sheet` (hidden or not), else the visible sheet named `preferred`, else the
    first visible one: what the administrator sees on opening the file (any sheet when none is
    visible). An error cell holds its error text (`_error_cells`).
    """
    if not data.strip():
        raise InputFileError(
            f"{shown}: filen är tom (0 byte, eller bara blanksteg): ingen Excel-arbetsbok. En "
            "synkning eller kopiering som avbröts lämnar en sådan fil; hämta eller spara den på "
            "nytt från Excel.",
            path=path,
            reason="not_xlsx",
        )
    if not zipfile.is_zipfile(io.BytesIO(data)):
        kind = "en textfil" if _looks_like_text(data) else "ingen Excel-arbetsbok"
        raise InputFileError(
            f"{shown}: filen heter .xlsx men är {kind}. Öppna den i Excel och spara den som "
            "Excel-arbetsbok (.xlsx), eller byt filändelse om den är en CSV-fil.",
            path=path,
            reason="not_xlsx",
        )
    try:
        book = pd.ExcelFile(io.BytesIO(data), engine="calamine")
        names = [str(n) for n in book.sheet_names]
    except Exception as exc:
        raise InputFileError(
            f"{shown}: Excel-filen kan inte läsas ({type(exc).__name__}); den är trasig eller "
            "ingen riktig .xlsx. Öppna den i Excel och spara den på nytt som Excel-arbetsbok.",
            path=path,
            reason="unreadable",
        ) from exc
    if not names:
        raise InputFileError(
            f"{shown}: arbetsboken har inga blad. Lägg in registret på ett blad.",
            path=path,
            reason="no_sheet",
        )
    if sheet is None:
        # Only sheets the administrator sees in Excel, unless none is visible: a hidden sheet
        # (an old copy, a list for drop-downs) is read only when it is named in the parameters.
        visible = _visible_sheets(book, names) or names
        named = [n for n in visible if preferred and n.strip().casefold() == preferred.casefold()]
        used = named[0] if named else visible[0]
    elif sheet in names:
        used = sheet
    else:
        near = [n for n in names if n.strip().casefold() == str(sheet).strip().casefold()]
        if not near:
            listed = ", ".join(f"'{n}'" for n in names)
            raise InputFileError(
                f"{shown}: bladet '{sheet}' finns inte. Bladen i filen heter {listed}. "
                f"Rätta bladnamnet i {params} eller byt namn på bladet.",
                path=path,
                reason="sheet_missing",
            )
        used = near[0]
    errors, uncomputed = _error_cells(data, used)
    if uncomputed:
        raise InputFileError(
            f"{shown} (blad '{used}'): {_cells_named(uncomputed)} har formler utan sparat "
            "värde, så deras värden går inte att läsa. Filen har skapats av ett program och "
            "aldrig sparats i Excel. Öppna den i Excel och spara den (då räknas formlerna ut), "
            "eller ersätt formlerna med sina värden (Klistra in special → Värden).",
            path=path,
            reason="unreadable",
        )
    try:
        grid = pd.read_excel(
            book, sheet_name=used, header=None, dtype=object, keep_default_na=False
        )
    except Exception as exc:
        odd = [e for e in errors if e[2] not in EXCEL_ERRORS]
        if odd:  # calamine refuses the newer error values (#SPILL!, #CALC!, …)
            row, column, value = odd[0]
            raise InputFileError(
                f"{shown} (blad '{used}') rad {row + 1}, kolumn {_column_letters(column)}: "
                f"cellen visar felvärdet '{value}', som inte kan läsas. Rätta formeln eller "
                "ersätt den med sitt värde (Klistra in special → Värden) och spara igen.",
                path=path,
                reason="unreadable",
            ) from exc
        raise InputFileError(
            f"{shown}: bladet '{used}' kan inte läsas ({type(exc).__name__}). Öppna filen i "
            "Excel och spara den på nytt som Excel-arbetsbok.",
            path=path,
            reason="unreadable",
        ) from exc
    grid.columns = range(grid.shape[1])
    grid = _booleans_as_text(grid.reset_index(drop=True))
    grid = _fill_merged_down(grid, _merged_ranges(book, used))
    return _put_error_cells(grid, errors), used


def _booleans_as_text(grid: pd.DataFrame) -> pd.DataFrame:
    """`grid` with each TRUE or FALSE cell holding the text Swedish Excel shows: SANT, FALSKT.

    A boolean is never a value of the contract (a count, a date, an id), but pandas hashes
    True as 1 and False as 0: once a column is factorised, a TRUE and a 1 in it are one value,
    and whichever came first decides for both (a valid 1 emptied as "'SANT' är inget antal", or
    TRUE taken for 1). As text it is a value of its own everywhere after, and the messages show
    what the administrator sees. Per column: one factorisation, and a look at the types of the
    cells equal to 0 or 1 only (`parse._booleans`).
    """
    for column in grid.columns:
        cells = grid[column].to_numpy(dtype=object)
        codes, uniques = pd.factorize(cells, use_na_sentinel=True)
        booleans = _booleans(cells, codes, uniques)
        if booleans.any():
            cells = cells.copy()
            at = np.flatnonzero(booleans)
            cells[at] = np.where(cells[at].astype(bool), "SANT", "FALSKT")
            # Object, as every column of the grid (pandas would take a column of text for "str").
            grid[column] = pd.Series(cells, index=grid.index, dtype=object)
    return grid


def _merged_ranges(book: pd.ExcelFile, sheet: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """The sheet's merged cells as ((first row, first column), (last row, last column)), 0-based;
    empty when this python-calamine cannot tell."""
    try:
        ranges = book.book.get_sheet_by_name(sheet).merged_cell_ranges
    except Exception:  # pragma: no cover - an older python-calamine, or no ranges recorded
        return []
    return list(ranges or [])


def _fill_merged_down(
    grid: pd.DataFrame, ranges: list[tuple[tuple[int, int], tuple[int, int]]]
) -> pd.DataFrame:
    """`grid` with a value merged down over several rows repeated in each of them.

    A reader gets a merged cell's value only in its first cell; the administrator sees it on
    every row it covers (an activity id merged down over its participants, say), so each row
    gets it. Only down the first column: a text merged across columns is one text, not a value
    for each column it covers. One pass per column, however many ranges (a long participant
    list may have one per activity).
    """
    by_column: dict[int, list[tuple[int, int]]] = {}
    for (first, column), (last, _) in ranges:
        if first < last and column < grid.shape[1] and first < grid.shape[0]:
            by_column.setdefault(column, []).append((first, min(last, grid.shape[0] - 1)))
    for column, spans in by_column.items():
        cells = grid[column].to_numpy(dtype=object, copy=True)
        empty = np.fromiter(
            (v is None or (isinstance(v, str) and not v.strip()) for v in cells),
            dtype=bool,
            count=len(cells),
        )
        for first, last in spans:
            if not empty[first]:
                below = np.arange(first + 1, last + 1)
                below = below[empty[below]]
                cells[below] = cells[first]
        grid[column] = cells
    return grid


def _visible_sheets(book: pd.ExcelFile, names: list[str]) -> list[str]:
    """The worksheets of `book` that Excel shows (not hidden, not chart sheets), in order.

    All of `names` when this python-calamine cannot tell.
    """
    metadata = getattr(book.book, "sheets_metadata", None)
    if metadata is None:  # pragma: no cover - an older python-calamine
        return names
    return [
        str(m.name)
        for m in metadata
        if m.visible == SheetVisibleEnum.Visible and m.typ == SheetTypeEnum.WorkSheet
    ]


#: The error values a cell can show in Excel (its cached result when a formula fails).
EXCEL_ERRORS: frozenset[str] = frozenset(
    {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}
)
#: An error cell in a sheet's XML: ``<c r="B7" s="2" t="e">`` (any attribute order, any namespace
#: prefix; ``/>`` ends one without a value). Its cached value follows in ``<v>``.
_ERROR_CELL = re.compile(rb"<(?:[\w.-]+:)?c\s[^>]*?\bt\s*=\s*[\"']e[\"'][^>]*>")
_CELL_REF = re.compile(rb"\br\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?([0-9]+)[\"']")
_CELL_VALUE = re.compile(rb"<(?:[\w.-]+:)?v(?:\s[^>]*)?(?<!/)>([^<]*)<")
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c\s*>")


def _error_cells(data: bytes, sheet: str) -> tuple[list[tuple[int, int, str]], list[str]]:
    """(row, column, error text), 0-based, of every cell of `sheet` that shows an Excel error;
    and the references (``G2``) of formula cells without a saved value.

    python-calamine reads such a cell (``#REF!``, ``#N/A``, …) as an empty one: a row of
    them would pass as a blank row and an error in a field as a missing value, so they are
    found in the sheet's XML (`_put_error_cells` puts them back). It reads a formula without a
    saved value (a file written by a program, never saved in Excel) as empty too: its value is
    unknown, so the file cannot be read. The XML is searched only when it holds ``t="e"`` or a
    formula at all, so a sheet without either costs one pass over its decompressed text (a few
    hundredths of a second for 30,000 rows).
    Empty if the sheet's XML cannot be found or parsed: calamine has read it, so this does not
    happen with a file that the run goes on to use.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            part = _sheet_part(archive, sheet)
            if part is None:
                return [], []
            error, formula = _holds_error_cell(archive, part)
            if not (error or formula):
                return [], []
            xml = archive.read(part)
        uncomputed = _uncomputed_formulas(xml) if formula else []
        if not error:
            return [], uncomputed
        return _error_cells_in(xml), uncomputed
    except (KeyError, OSError, ValueError, zipfile.BadZipFile, ElementTree.ParseError):
        return [], []


#: A cell whose first child is a formula: ``<c r="G2" t="str"><f>…`` (the schema puts ``f``
#: first); ``<f …/>`` for a shared formula's other cells.
_FORMULA_CELL = re.compile(rb"<(?:[\w.-]+:)?c(\s[^>]*)?(?<!/)>\s*<(?:[\w.-]+:)?f[\s>/]")
_FORMULA = re.compile(rb"<(?:[\w.-]+:)?f[\s>/]")
_CELL_TYPE = re.compile(rb"\bt\s*=\s*[\"']([A-Za-z]+)[\"']")


def _uncomputed_formulas(xml: bytes) -> list[str]:
    """The references of the formula cells in a sheet's `xml` that have no saved value: no
    ``<v>``, or an empty one that is no text result (``t="str"``, which Excel writes for a
    formula giving ""). "?" for a cell without a reference."""
    found = []
    for cell in _FORMULA_CELL.finditer(xml):
        end = _CELL_END.search(xml, cell.end())
        value = _CELL_VALUE.search(xml, cell.end(), end.start() if end else len(xml))
        kind = _CELL_TYPE.search(cell.group(1) or b"")
        text = kind is not None and kind.group(1) in (b"str", b"inlineStr")
        if value is None or (not value.group(1).strip() and not text):
            ref = _CELL_REF.search(cell.group(1) or b"")
            found.append(ref.group(1).decode().upper() + ref.group(2).decode() if ref else "?")
    return found


def _cells_named(references: list[str]) -> str:
    """``cellen G2`` / ``cellerna G2, H2 och 3 till`` for a message."""
    if len(references) == 1:
        return f"cellen {references[0]}" if references[0] != "?" else "en cell"
    named = [r for r in references[:3] if r != "?"]
    more = len(references) - len(named)
    listed = ", ".join(named) + (f" och {more} till" if more and named else "")
    return f"cellerna {listed}" if named else f"{len(references)} celler"


def _error_cells_in(xml: bytes) -> list[tuple[int, int, str]]:
    """`_error_cells` of a sheet's XML that holds ``t="e"``."""
    found: list[tuple[int, int, str]] = []
    for cell in _ERROR_CELL.finditer(xml):
        if cell.group().endswith(b"/>"):
            continue
        ref = _CELL_REF.search(cell.group())
        if ref is None:  # a writer that leaves out cell references: count cells instead
            return _error_cells_by_position(xml)
        end = _CELL_END.search(xml, cell.end())
        value = _CELL_VALUE.search(xml, cell.end(), end.start() if end else len(xml))
        if value is not None:
            row, column = _cell_position(ref.group(1).decode(), ref.group(2).decode())
            found.append((row, column, _xml_text(value.group(1))))
    return found


def _holds_error_cell(archive: zipfile.ZipFile, part: str) -> tuple[bool, bool]:
    """Whether the XML `part` holds ``t="e"``, and whether it holds a formula: read in pieces,
    so that a large sheet's text is not held in memory beside the grid when it has neither
    (the usual case)."""
    tail = b""
    error = formula = False
    with archive.open(part) as stream:
        while piece := stream.read(_DECODE_PIECE):
            piece = tail + piece
            error = error or b't="e"' in piece or b"t='e'" in piece
            formula = formula or _FORMULA.search(piece) is not None
            if error and formula:
                break
            tail = piece[-64:]
    return error, formula


def _error_cells_by_position(xml: bytes) -> list[tuple[int, int, str]]:
    """`_error_cells` for a sheet whose rows or cells lack their ``r`` reference.

    Each ``<row>`` and ``<c>`` without one follows the previous, as in calamine.
    """
    found: list[tuple[int, int, str]] = []
    row = column = -1
    error_at: tuple[int, int] | None = None
    for event, element in ElementTree.iterparse(io.BytesIO(xml), events=("start", "end")):
        tag = element.tag.rsplit("}", 1)[-1]
        if event == "start" and tag == "row":
            row = int(element.get("r", row + 2)) - 1
            column = -1
        elif event == "start" and tag == "c":
            ref = _REFERENCE.fullmatch(element.get("r", "").strip())
            row, column = _cell_position(*ref.groups()) if ref else (row, column + 1)
            error_at = (row, column) if element.get("t") == "e" else None
        elif event == "end" and tag == "v" and error_at is not None:
            found.append((*error_at, (element.text or "").strip()))
        elif event == "end" and tag == "row":
            element.clear()
    return found


def _sheet_part(archive: zipfile.ZipFile, sheet: str) -> str | None:
    """The path in the archive of the XML of the sheet named `sheet`.

    The workbook part (found from the package's relationships) lists the sheets by name with a
    relationship id; the workbook's relationships give the sheet's part.
    """
    workbook = next(
        (
            t
            for kind, t in _relationships(archive, "", "_rels/.rels")
            if kind.endswith("/officeDocument")
        ),
        "xl/workbook.xml",
    )
    rid = None
    for element in ElementTree.fromstring(archive.read(workbook)).iter():
        if element.tag.rsplit("}", 1)[-1] == "sheet" and element.get("name") == sheet:
            rid = next((v for k, v in element.attrib.items() if k.endswith("}id")), None)
            break
    if rid is None:
        return None
    folder, name = posixpath.split(workbook)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    return next((t for _, t in _relationships(archive, folder, rels, rid)), None)


def _relationships(
    archive: zipfile.ZipFile, folder: str, part: str, rid: str | None = None
) -> list[tuple[str, str]]:
    """(type, target path in the archive) of each relationship in `part` (only `rid`'s if given).

    A target is relative to `folder`, or to the archive's root when it starts with ``/``.
    """
    out: list[tuple[str, str]] = []
    for element in ElementTree.fromstring(archive.read(part)).iter():
        if element.tag.rsplit("}", 1)[-1] != "Relationship":
            continue
        if rid is not None and element.get("Id") != rid:
            continue
        target = element.get("Target", "")
        target = target.lstrip("/") if target.startswith("/") else posixpath.join(folder, target)
        out.append((element.get("Type", ""), posixpath.normpath(target)))
    return out


def _xml_text(value: bytes) -> str:
    """The text of an XML character data (entities resolved)."""
    return html.unescape(value.decode("utf-8", errors="replace")).strip()


_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?([0-9]+)")


def _cell_position(letters: str, number: str) -> tuple[int, int]:
    """The 0-based (row, column) of the cell Excel names `letters` `number` (A1 is (0, 0))."""
    column = 0
    for letter in letters.upper():
        column = column * 26 + ord(letter) - ord("A") + 1
    return int(number) - 1, column - 1


def _put_error_cells(grid: pd.DataFrame, errors: list[tuple[int, int, str]]) -> pd.DataFrame:
    """`grid` with each error cell (`_error_cells`) holding its error text, e.g. ``#REF!``.

    The cleaning rules then see the value the administrator sees in Excel: an error in a date,
    number or vocabulary field gets that field's warning or quarantine naming ``#REF!``, and a
    row of error cells is a data row, not a blank one.
    """
    if not errors:
        return grid
    height = max(grid.shape[0], max(r for r, _, _ in errors) + 1)
    width = max(grid.shape[1], max(c for _, c, _ in errors) + 1)
    if (height, width) != grid.shape:  # pragma: no cover - calamine's range holds them
        grid = grid.reindex(index=range(height), columns=range(width), fill_value="")
    for row, column, value in errors:
        grid.iat[row, column] = value
    return grid


def _looks_like_text(data: bytes) -> bool:
    head = data[:4096]
    return b"\x00" not in head and all(b >= 9 for b in head)


#: UTF-8 is validated in pieces of this many bytes.
_DECODE_PIECE = 1 << 20


def _utf8_blank(data: bytes) -> bool:
    """Whether UTF-8 `data` decodes to only whitespace; raises UnicodeDecodeError if not UTF-8.

    Decodes piece by piece and drops each piece: the file is parsed from its bytes, and holding
    a decoded copy of a large file (up to 4 bytes per character in a Python string) was the
    largest allocation of reading. A text is blank when every piece of it is.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    view = memoryview(data)
    blank = True
    for start in range(0, len(data), _DECODE_PIECE):
        piece = decoder.decode(view[start : start + _DECODE_PIECE])
        blank = blank and not piece.strip()
    return not decoder.decode(b"", final=True).strip() and blank


def _text_head(data: bytes, encoding: str, n: int) -> str:
    """A prefix of the decoded text that holds its first `n` lines complete (or all of it).

    Decodes a growing prefix of the bytes (a character cut at the end of the prefix is left
    out) until it splits into more than `n` lines, as `_head_lines` does on a text.
    """
    codec = "utf-8-sig" if encoding == "utf-8" else encoding
    size = 1 << 16
    while True:
        whole = size >= len(data)
        head = codecs.getincrementaldecoder(codec)().decode(data[:size], final=whole)
        if whole or len(head.splitlines()) > n:
            return head
        size *= 4


def _decode(data: bytes, shown: str, path: Path) -> tuple[str | None, str, bool]:
    """Check CSV bytes: UTF-8 (with or without BOM), else Windows-1252.

    Returns (text, encoding, blank): the decoded text for Windows-1252 (parsed from the text),
    None for UTF-8 (parsed from the bytes, only validated here, see `_utf8_blank`); blank when
    the text is only whitespace.
    """
    if data.startswith(b"PK\x03\x04"):
        raise InputFileError(
            f"{shown}: filen heter .csv men är en Excel-arbetsbok. Byt filändelse till .xlsx "
            "eller spara den från Excel som CSV.",
            path=path,
            reason="not_csv",
        )
    head = data[:4096]
    utf16 = data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) or (
        b"\x00\x00" not in head and head.count(b"\x00") * 3 > len(head)
    )
    if utf16:
        # Excel's "Unicode-text" and some exports: two bytes per character, every other one 0.
        raise InputFileError(
            f"{shown}: filen är sparad som UTF-16 (i Excel 'Unicode-text'), som inte läses. "
            "Spara den från Excel som 'CSV UTF-8' eller 'CSV (semikolonavgränsad)'.",
            path=path,
            reason="not_csv",
        )
    if b"\x00" in data:
        raise InputFileError(
            f"{shown}: filen heter .csv men är ingen textfil (den innehåller binära data). "
            "Spara filen från Excel som 'CSV UTF-8' eller 'CSV (semikolonavgränsad)'.",
            path=path,
            reason="not_csv",
        )
    try:
        return None, "utf-8", _utf8_blank(data)
    except UnicodeDecodeError:
        pass
    _refuse_mixed_encoding(data, shown, path)
    try:
        text = data.decode("cp1252")
        return text, "cp1252", not text.strip()
    except UnicodeDecodeError as exc:
        raise InputFileError(
            f"{shown}: teckenkodningen känns inte igen (varken UTF-8 eller Windows-1252, byte "
            f"{exc.start + 1}). Spara filen från Excel som 'CSV UTF-8'.",
            path=path,
            reason="unreadable",
        ) from exc


#: UTF-8 bytes that make no sense read as Windows-1252: Å, Ä, Ö, å, ä, ö, é and ü ("Ã¥"), the
#: no-break space ("Â "), and the dashes, quotes and ellipsis that Excel and Word type ("â€“").
#: A file holding one of them was saved as UTF-8.
_UTF8_MARKERS = re.compile(
    rb"\xc3[\x84\x85\x96\xa4\xa5\xb6\xa9\xbc]|\xc2\xa0|\xe2\x80[\x93\x94\x98\x99\x9c\x9d\xa6]"
)
_LINE_BREAKS = re.compile(rb"\r\n|\r|\n")


def _refuse_mixed_encoding(data: bytes, shown: str, path: Path) -> None:
    """Raise `InputFileError` for a file that is UTF-8 in part and something else in part.

    Typical when lines were pasted in from another program. Read as Windows-1252, the UTF-8
    part would turn every Å, Ä and Ö into two wrong characters without a word; a byte-order mark
    or one of `_UTF8_MARKERS` tells that the file was meant to be UTF-8. The message names the
    line of the first byte that is not UTF-8 (a line of the text file: a quoted cell with line
    breaks above it makes it larger than the row in Excel) and the character that byte would
    be, never the line's text (a participant list holds personal data).
    """
    marker = None if data.startswith(codecs.BOM_UTF8) else _UTF8_MARKERS.search(data)
    if marker is None and not data.startswith(codecs.BOM_UTF8):
        return
    try:
        data.decode("utf-8")  # not "utf-8-sig": its error offsets leave out the mark
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1]
        line = len(_LINE_BREAKS.findall(data, 0, exc.start)) + 1
        char = bad.decode("cp1252", errors="replace")
        # Which part is UTF-8: the whole file by its mark, else the line of the first UTF-8
        # letter (a Windows-1252 file with one UTF-8 line pasted in has its header first).
        utf8 = (
            "filen är märkt som UTF-8 (den börjar med en BOM)"
            if marker is None
            else f"textrad {len(_LINE_BREAKS.findall(data, 0, marker.start())) + 1} är UTF-8"
        )
        raise InputFileError(
            f"{shown}: filen blandar två teckenkodningar: {utf8}, men textrad {line} har ett "
            f"tecken i en annan teckenkodning (byte 0x{bad.hex().upper()}, '{char}' i "
            "Windows-1252), troligen inklistrat från ett annat program; Å, Ä och Ö skulle bli "
            "fel. Spara filen på nytt från Excel som 'CSV UTF-8' och kontrollera de raderna.",
            path=path,
            reason="mixed_encoding",
        ) from exc


def _head_lines(text: str, n: int) -> list[str]:
    """`text.splitlines()[:n]` without splitting the whole text.

    A prefix that splits into more than n lines holds the first n lines complete (the n-th
    line's line break lies inside it), so it is grown until it does or is the whole text.
    """
    size = 1 << 16
    while True:
        lines = text[:size].splitlines()
        if len(lines) > n or size >= len(text):
            return lines[:n]
        size *= 4


#: Bytes that `str.splitlines` treats as line boundaries and that mean the same in UTF-8 and
#: Windows-1252: \n, \v, \f, \r, \x1c, \x1d, \x1e (all below 0x1f).
_LINE_BREAK_BYTES = np.zeros(256, dtype=bool)
_LINE_BREAK_BYTES[[0x0A, 0x0B, 0x0C, 0x0D, 0x1C, 0x1D, 0x1E]] = True
_CHUNK = 1 << 18


def _has_wide_line_break(raw: np.ndarray) -> bool:
    """True if UTF-8 bytes hold U+0085 (C2 85), U+2028 (E2 80 A8) or U+2029 (E2 80 A9)."""
    for lead, length in ((0xC2, 2), (0xE2, 3)):
        at = np.flatnonzero(raw == lead)
        at = at[at + length <= len(raw)]
        if not len(at):
            continue
        if lead == 0xC2:
            hit = raw[at + 1] == 0x85
        else:
            hit = (raw[at + 1] == 0x80) & ((raw[at + 2] == 0xA8) | (raw[at + 2] == 0xA9))
        if hit.any():
            return True
    return False


def _max_delimiters_per_line(data: bytes, encoding: str, delimiter: str) -> int:
    """`max(line.count(delimiter) for line in text.splitlines())`, counted on the bytes.

    An ASCII delimiter or line break never occurs inside a UTF-8 multi-byte sequence, and
    Windows-1252 is one byte per character, so counting per line on the file's bytes gives the
    same numbers as on the decoded text (a CRLF counted as two breaks only adds an empty line,
    which cannot raise the maximum). Numpy does it in chunks, without a Python string per line.
    Falls back to the decoded text when UTF-8 data holds one of the non-ASCII line boundaries.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    code = ord(delimiter)
    best = carry = 0  # carry: delimiters since the last line break, across chunks
    for start in range(0, len(raw), _CHUNK):  # small chunks: the temporaries stay in cache
        chunk = raw[start : start + _CHUNK]
        if encoding == "utf-8" and _has_wide_line_break(raw[start : start + _CHUNK + 2]):
            text = data.decode("utf-8-sig")
            return max(line.count(delimiter) for line in text.splitlines())
        controls = np.flatnonzero(chunk < 0x1F)  # few: the line breaks (and tabs)
        breaks = controls[_LINE_BREAK_BYTES[chunk[controls]]]
        delimiters = np.flatnonzero(chunk == code)
        if not len(breaks):
            carry += len(delimiters)
            continue
        before = np.searchsorted(delimiters, breaks)  # delimiters before each break
        per_line = np.diff(before, prepend=0)
        per_line[0] += carry
        best = max(best, int(per_line.max()))
        carry = len(delimiters) - int(before[-1])
    return max(best, carry)


def _sniff_delimiter(text: str, spec: TableSpec) -> str:
    """The delimiter whose split of one of the first lines matches the most known headers.

    `text` is the decoded file or a prefix of it holding the first lines (`_text_head`).
    """
    index = spec.header_index()
    lines = _head_lines(text, HEADER_SEARCH_ROWS)
    best, best_score = None, (0, 0)
    for delim in CSV_DELIMITERS:
        matches = max(
            (
                len(
                    {
                        index[h]
                        for h in (normalise_header(c.strip().strip('"')) for c in line.split(delim))
                        if h in index
                    }
                )
                for line in lines
            ),
            default=0,
        )
        score = (matches, sum(line.count(delim) for line in lines))
        if score > best_score:
            best, best_score = delim, score
    return best or ","


def _is_text_dtype(dtype: object) -> bool:
    return isinstance(dtype, pd.StringDtype)


def _parse_csv(
    data: bytes, text: str | None, encoding: str, delimiter: str, width: int, path: Path
) -> pd.DataFrame:
    """Parse the CSV into `width` columns of text cells, exactly as ``dtype=str`` would.

    Fast path: let the C parser infer the column types. A column it keeps as text holds the
    fields exactly as ``dtype=str`` gives them (nothing is converted to NA: no default NA
    strings), and inference builds the Arrow strings straight from the parser's buffer, which
    is several times faster than ``dtype=str`` (Python strings first). If any column comes out
    as something else (numbers, booleans, a mix), or anything goes wrong, the file is parsed
    again with ``dtype=str``. Windows-1252 is parsed from `text`. UTF-8 (validated before) is
    parsed from the file at `path`, which the C parser reads about twice as fast as the same
    bytes from memory, and with its own UTF-8 decoding, which skips a leading byte-order mark
    as "utf-8-sig" does (a file with two marks keeps the old route, which drops both).

    Raises `pd.errors.ParserError` when a record has more than `width` fields, and
    `pd.errors.ParserWarning` (as an exception) when the first one has: pandas would otherwise
    take the extra field as the row's index or drop it.
    """
    options: dict[str, object] = {
        "sep": delimiter,
        "header": None,
        "names": range(width),
        "index_col": False,
        "keep_default_na": False,
        "skip_blank_lines": False,
        "quotechar": '"',
        "engine": "c",
    }
    from_file = encoding == "utf-8" and not data.startswith(codecs.BOM_UTF8 * 2)

    def source() -> io.IOBase | str:
        if from_file:
            # Absolute, so that pandas reads this very file: it would expand a leading "~"
            # and take "scheme://" for a URL.
            return os.path.abspath(path)
        return io.BytesIO(data) if encoding == "utf-8" else io.StringIO(text)

    if encoding == "utf-8" and not from_file:
        options["encoding"] = "utf-8-sig"
    with warnings.catch_warnings():
        warnings.simplefilter("error", pd.errors.ParserWarning)
        try:
            grid = pd.read_csv(source(), **options)  # type: ignore[call-overload]
            if all(_is_text_dtype(t) for t in grid.dtypes):
                return grid
        except Exception:  # the dtype=str parse below reports it (or succeeds)
            pass
        return pd.read_csv(source(), dtype=str, **options)  # type: ignore[call-overload]


#: Threads for work that lets go of the GIL (Arrow's hashing of the columns of a file).
WORKERS = max(
    1,
    min(
        4,
        len(os.sched_getaffinity(0))  # the cores this process may use (Linux)
        if hasattr(os, "sched_getaffinity")
        else (os.cpu_count() or 1),  # macOS
    ),
)

#: The first this many bytes give the first guess of the number of columns (`_read_csv_grid`).
_WIDTH_HEAD = 1 << 16


def _read_csv_grid(
    data: bytes, spec: TableSpec, shown: str, path: Path
) -> tuple[pd.DataFrame, str, str, list[int]]:
    """The CSV as a grid of text cells (row i is record i + 1), its encoding and delimiter, and
    the number of fields of each of its first records (`_record_widths`).

    The number of columns is the most fields of any record. Tried in turn until one parses:
    the most delimiters on a line among the first lines (`_WIDTH_HEAD` bytes) plus one, which
    holds for almost every file and costs nothing; the same over all lines; and, when a quoted
    field spans lines, every delimiter in the file. A parse only succeeds when no record has
    more fields than the grid has columns (`_parse_csv`), and the columns a larger count adds
    are empty, so the first count that parses gives the same cells as the larger ones.
    """
    text, encoding, blank = _decode(data, shown, path)
    if blank:
        return pd.DataFrame(dtype=object), encoding, ",", []
    head = text if text is not None else _text_head(data, encoding, HEADER_SEARCH_ROWS)
    delimiter = _sniff_delimiter(head, spec)
    grid = None

    def widths() -> Iterator[int]:
        # Whole lines only (a line break is one ASCII byte in both encodings).
        head = data[: data.rfind(b"\n", 0, _WIDTH_HEAD) + 1] or data
        tried = _max_delimiters_per_line(head, encoding, delimiter) + 1
        yield tried
        for width in (
            lambda: _max_delimiters_per_line(data, encoding, delimiter) + 1,
            lambda: data.count(delimiter.encode("ascii")) + 1,
        ):
            if (attempt := width()) > tried:
                tried = attempt
                yield attempt

    problem = ""
    for attempt in widths():
        try:
            grid = _parse_csv(data, text, encoding, delimiter, attempt, path)
            break
        except (pd.errors.ParserError, pd.errors.ParserWarning) as exc:
            problem = str(exc)
            continue
        except OSError as exc:  # the parser opens the file again: it was removed or replaced
            raise _changed_while_reading(path, shown) from exc
        except (ValueError, csv.Error) as exc:  # pragma: no cover - defensive
            raise InputFileError(
                f"{shown}: CSV-filen kan inte tolkas ({exc}). Spara den på nytt från Excel.",
                path=path,
                reason="unreadable",
            ) from exc
    unclosed = _UNCLOSED_QUOTE.search(problem)
    if grid is None and unclosed:  # the C parser names the record where the cell began
        raise InputFileError(
            f'{shown}: CSV-filen kan inte tolkas: ett citattecken (") på rad '
            f"{int(unclosed.group(1)) + 1} stängs aldrig, så resten av filen blir en enda cell. "
            'Rätta citattecknen på raden (en text med avgränsare eller radbrytning står inom "…", '
            'och ett " i en text skrivs "") och spara igen.',
            path=path,
            reason="unreadable",
        )
    if grid is None:
        raise InputFileError(
            f"{shown}: CSV-filen kan inte tolkas (ojämnt antal fält eller citattecken som inte "
            "stängs). Öppna den i Excel och spara den på nytt som CSV.",
            path=path,
            reason="unreadable",
        )
    # The columns stay text (Arrow-backed); `_build_raw` makes the raw cells Python objects
    # once per distinct value instead of once per cell.
    return grid, encoding, delimiter, _record_widths(head, delimiter, HEADER_SEARCH_ROWS)


_COMPLETE_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)")
#: pandas' C parser on a quote that is never closed; the row is the 0-based record.
_UNCLOSED_QUOTE = re.compile(r"EOF inside string starting at row (\d+)")


def _record_widths(head: str, delimiter: str, n: int) -> list[int]:
    """The number of fields of each of the first `n` records of `head` (fewer if it holds fewer).

    The grid pads every record with empty cells to the widest one, so it cannot tell a header
    row's own trailing empty fields (Excel writes one per empty column) from fields the header
    never had; `_stray_values` needs to know. Only complete lines are read (a line break follows
    them), split where the C parser splits: at CR, LF and CRLF; lazily, because for a
    Windows-1252 file `head` is the whole decoded text.
    """
    lines = (m.group() for m in _COMPLETE_LINES.finditer(head))
    reader = csv.reader(lines, delimiter=delimiter, quotechar='"')
    widths: list[int] = []
    try:
        for record in reader:
            widths.append(len(record))
            if len(widths) == n:
                break
    except csv.Error:  # a quote the head does not close: the widths so far
        pass
    return widths


def _build_raw(
    grid: pd.DataFrame,
    spec: TableSpec,
    *,
    path: Path,
    where: str,
    sha256: str,
    sheet: str | None,
    role: str,
    encoding: str | None,
    delimiter: str | None,
    record_widths: list[int] | None = None,
) -> RawTable:
    """Locate the header row in `grid`, map headers, drop blank rows, keep Excel row numbers.

    `record_widths`: a CSV's fields per record for its first records (`_record_widths`).
    """
    index = spec.header_index()
    top = grid.iloc[:HEADER_SEARCH_ROWS]
    header_text = top.apply(cell_text)  # column-wise over at most ten rows
    normalised = header_text.apply(lambda col: col.map(_normalise_or_na, na_action="ignore"))
    canonical = normalised.apply(lambda col: col.map(index.get, na_action="ignore"))
    scores = canonical.nunique(axis=1) if len(canonical) else pd.Series(dtype=int)
    if len(scores) == 0 or int(scores.max()) == 0:
        if grid.empty or grid.apply(cell_text).isna().all().all():
            # Nothing at all (0 bytes, blank lines, an empty sheet): say so, not "no header".
            if path.suffix.lower() == ".xlsx":
                key = f"{spec.role}_sheet"
                raise InputFileError(
                    f"{where}: bladet är tomt (inga rubriker och inga rader). Står uppgifterna "
                    f"på ett annat blad: ange det med '{key}' i periodfilen; annars lägg en rad "
                    f"med kolumnrubriker (minst {_required_text(spec)}) överst i {spec.label}.",
                    path=path,
                    reason="no_header",
                )
            raise InputFileError(
                f"{where}: filen är tom (inga rubriker och inga rader). Lägg en rad med "
                f"kolumnrubriker (minst {_required_text(spec)}) överst i {spec.label}, eller "
                "kontrollera att det är rätt fil.",
                path=path,
                reason="no_header",
            )
        raise _no_header(where, path, spec, ".")
    # The header row is the first row that holds every required column: rows above it are
    # title rows, and a header row further down (wider, say) is a data row like any other
    # (`_repeated_headers`). (The row with the most headers made every row above a wider
    # header row further down a title row, dropped without a word.) With no complete row, the
    # first row with the most headers is the one the message about what is missing names.
    complete = [
        pos
        for pos in range(len(canonical))
        if not _missing_columns(spec, set(canonical.iloc[pos].dropna()))
    ]
    header_pos = complete[0] if complete else int(scores.to_numpy().argmax())
    # A CSV may start with Excel's "sep=;" line, which Excel reads as the delimiter and does not
    # show: the rows are numbered as Excel shows them, one less.
    header_row = header_pos + 1 - (delimiter is not None and _excel_separator_line(header_text))

    written = header_text.iloc[header_pos]
    mapped = canonical.iloc[header_pos]
    known = mapped.dropna()
    present = set(known)
    missing = _missing_columns(spec, present)
    # Participant lists name people in their cells (and record the organisation type 'kommun'):
    # only cells that are known headers are ever quoted back from them.
    private = "participants" in (role, spec.role)
    if missing and int(scores.iloc[header_pos]) == 1:
        # One cell that reads like a header is no header row: without one, a data row is the
        # best match (an organisation type 'kommun' is the header 'kommun').
        raise _no_header(
            where,
            path,
            spec,
            f" (rad {header_row} liknar mest en rubrikrad men har bara en känd rubrik: den "
            f"{_row_cells(written, mapped, private=private)}). "
            f"{_capitalise(_missing_text(missing))}.",
        )

    # Two headers for the same column.
    dupes = known[known.duplicated(keep=False)]
    if len(dupes):
        first = dupes.iloc[0]
        both = [str(written[c]) for c in dupes.index if dupes[c] == first]
        raise InputFileError(
            f"{where} rad {header_row}: kolumnerna {' och '.join(repr(b) for b in both)} betyder "
            f"båda '{first}'. Ta bort eller byt namn på den ena.",
            path=path,
            reason="duplicate_column",
        )

    if missing:
        raise _missing_column(
            where, path, header_row, _row_cells(written, mapped, private=private), missing, spec
        )

    unknown = [
        str(written[c]) for c in written.index if pd.notna(written[c]) and pd.isna(mapped[c])
    ]
    original = {str(mapped[c]): str(written[c]) for c in known.index}

    body = grid.iloc[header_pos + 1 :, list(known.index)]
    body.columns = [str(known[c]) for c in known.index]
    text_columns = len(body.columns) and all(
        pd.api.types.is_string_dtype(t) and not pd.api.types.is_object_dtype(t) for t in body.dtypes
    )
    distinct: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    if text_columns:  # a CSV: emptiness and raw cells from one factorisation per column
        # Arrow's hashing lets go of the GIL: the columns are factorised side by side.
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            factorised = pool.map(_csv_cells, [body[name] for name in body.columns])
            distinct = dict(zip(body.columns, factorised, strict=True))
        body_empty = pd.DataFrame(
            {name: codes < 0 for name, (codes, _) in distinct.items()}, index=body.index
        )
    else:
        body_text = body.apply(cell_text) if len(body.columns) else body
        body_empty = body_text.isna()
    # Every cell outside the known columns counts too: a row with data only in an unknown
    # column is not blank (it is a data row with its known cells empty).
    rest = grid.iloc[header_pos + 1 :].drop(columns=list(known.index)).apply(cell_text)
    rest_blank = rest.isna().all(axis=1) if len(rest.columns) else pd.Series(True, index=body.index)
    blank = body_empty.all(axis=1) & rest_blank if len(body.columns) else rest_blank
    nonblank_pos = np.flatnonzero(~blank.to_numpy())
    last = int(nonblank_pos[-1]) + 1 if len(nonblank_pos) else 0
    blank_inside = int(blank.iloc[:last].sum())

    keep = (~blank).to_numpy()
    rows = pd.Series(
        np.arange(header_row + 1, header_row + 1 + len(body), dtype="int64")[keep],
        name="row",
    )
    columns = [c.name for c in spec.columns if c.name in present]
    header_fields = None
    if record_widths is not None:  # a CSV: the fields the header row itself has
        header_fields = (
            record_widths[header_pos] if header_pos < len(record_widths) else grid.shape[1]
        )
    stray = _stray_values(rest, written, keep, header_fields)
    first = next(c.name for c in spec.columns if c.required)

    def cells_at(position: int, at: np.ndarray) -> np.ndarray:
        if position not in known.index:
            return rest[position].iloc[at].to_numpy(dtype=object, na_value=None)
        name = str(known[position])
        if name in distinct:
            codes, uniques = distinct[name]
            return np.append(uniques, None)[codes[at]]
        return body_text[name].iloc[at].to_numpy(dtype=object, na_value=None)

    if first in distinct:
        first_cells = distinct[first]
    else:
        first_cells = pd.factorize(body_text[first], use_na_sentinel=True)
    repeated = _repeated_headers(
        spec, first_cells, cells_at, list(range(grid.shape[1])), keep, present
    )
    frame = None
    if distinct:  # a CSV: the raw cells are built from the codes when asked for (RawTable.frame)
        distinct = {name: (distinct[name][0][keep], distinct[name][1]) for name in columns}
    else:
        frame = body.loc[keep].reset_index(drop=True)
        frame = frame.astype(object).where(body_text.loc[keep].reset_index(drop=True).notna(), None)
        frame = frame.reindex(columns=columns)
    return RawTable(
        path=path,
        rows=rows,
        header_row=header_row,
        blank=blank_inside,
        unknown_columns=unknown,
        original_headers=original,
        sha256=sha256,
        sheet=sheet,
        role=role,
        spec=spec,
        encoding=encoding,
        delimiter=delimiter,
        stray=stray,
        repeated_headers=repeated,
        _distinct=distinct,
        _frame=frame,
    )


#: A cell holding one of these is no header (`normalise_header` keeps them, no header has one).
_NO_HEADER_CHARS = "[0-9@.]"


def _header_names(values: np.ndarray, index: dict[str, str]) -> np.ndarray:
    """The canonical column each of `values` (strings) is an accepted header of, else None.

    A value with a digit, `@` or `.` (an id, a date, an address) is none, found in Arrow at
    once; only the others are normalised one by one.
    """
    out = np.full(len(values), None, dtype=object)
    if not len(values):
        return out
    skip = pc.match_substring_regex(pa.array(values, pa.large_string()), _NO_HEADER_CHARS)
    for i in np.flatnonzero(~skip.to_numpy(zero_copy_only=False)):
        out[i] = index.get(normalise_header(values[i]))
    return out


def _excel_separator_line(top: pd.DataFrame) -> bool:
    """Whether the first row of a CSV's grid (as text) is Excel's ``sep=;`` line: ``sep=`` and
    at most one character, alone on the line."""
    if not len(top):
        return False
    first = top.iloc[0]
    cell = first.iloc[0] if len(first) else None
    if not isinstance(cell, str) or first.iloc[1:].notna().any():
        return False
    return re.fullmatch(r"sep=.?", cell.strip(), flags=re.IGNORECASE) is not None


def _repeated_headers(
    spec: TableSpec,
    first: tuple[np.ndarray, np.ndarray],
    cells_at: Callable[[int, np.ndarray], np.ndarray],
    positions: list[int],
    keep: np.ndarray,
    present: set[str],
) -> pd.DataFrame:
    """The data rows that are a header row again (`REPEATED_HEADER_COLUMNS`).

    Such a row holds every required column's header, as the header row does: a second table
    pasted below the first, or the header row copied down with a block of rows. It is read as
    a data row (cleaning quarantines it), so it must be told apart from one.

    `first`: (codes, distinct texts) of the body's cells under the first required column (the
    activity id), code -1 where empty; `cells_at(position, rows)`: the texts (None where empty)
    of the body rows `rows` in the grid column at `position`, one of `positions` (every
    column); `keep`: the body rows that are data rows; `present`: the header row's columns.
    Work per distinct value: only the rows whose activity id is some column's header are
    looked at further (an id holds digits, so its look-up is one pass in Arrow).
    """
    found = pd.DataFrame(
        {name: pd.Series(dtype=dtype) for name, dtype in REPEATED_HEADER_COLUMNS.items()}
    )
    index = spec.header_index()
    codes, uniques = first
    is_header = np.append(pd.notna(_header_names(np.asarray(uniques, dtype=object), index)), False)
    if not is_header.any():  # the usual case: no row to look at
        return found
    rows = np.flatnonzero(is_header[codes] & keep)
    if not len(rows):
        return found
    written = np.empty((len(rows), len(positions)), dtype=object)
    names = np.empty((len(rows), len(positions)), dtype=object)
    for j, position in enumerate(positions):
        texts = cells_at(position, rows)
        cell_codes, distinct = pd.factorize(texts, use_na_sentinel=True)
        distinct = np.asarray(distinct, dtype=object)
        names[:, j] = np.append(_header_names(distinct, index), None)[cell_codes]
        written[:, j] = np.where(pd.notna(names[:, j]), texts, None)
    holds = {name: (names == name).any(axis=1) for name in spec.names}
    complete = np.ones(len(rows), dtype=bool)
    for column in spec.columns:
        if column.required:
            complete &= holds[column.name]
    for group in spec.one_of:
        complete &= np.logical_or.reduce([holds[name] for name in group])
    if not complete.any():
        return found
    written, names = written[complete], names[complete]
    new = np.where(np.isin(names, list(present)) | pd.isna(names), None, written)
    # One text per distinct row (they are usually all alike), not one per row.
    patterns = pd.DataFrame(np.concatenate([written, new], axis=1)).fillna("")
    pattern, distinct_rows = pd.MultiIndex.from_frame(patterns).factorize()
    width = len(positions)
    headers = [", ".join(f"'{t}'" for t in cells[:width] if t) for cells in distinct_rows]
    only_here = [", ".join(f"'{t}'" for t in cells[width:] if t) for cells in distinct_rows]
    position = (np.cumsum(keep) - 1)[rows[complete]]
    return pd.DataFrame(
        {
            "position": position,
            "headers": np.asarray(headers, dtype=object)[pattern],
            "only_here": np.asarray(only_here, dtype=object)[pattern],
        }
    ).astype(REPEATED_HEADER_COLUMNS)


def _column_letters(position: int) -> str:
    """Excel's name of the column at 0-based `position`: A, …, Z, AA, AB, …"""
    letters = ""
    position += 1
    while position:
        position, rest = divmod(position - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


def _stray_values(
    rest: pd.DataFrame, header: pd.Series, keep: np.ndarray, header_fields: int | None
) -> pd.DataFrame:
    """One value per data row that has any in a column with no header (`STRAY_COLUMNS`).

    `rest`: the body's cells outside the known columns as text (`cell_text`; grid positions as
    column labels);
    `header`: the header row's text per grid position (NA where empty); `keep`: the body rows
    that are data rows; `header_fields`: the fields of a CSV's header row (None for an .xlsx).
    Such a value is read into no column. In a CSV, one past the header's last field also means
    that the row has more fields than the header: its values may not line up (`beyond`). The
    value kept per row is the first past the header's fields, else the first of the row.
    """
    headerless = [c for c in rest.columns if pd.isna(header[c])]
    found = pd.DataFrame({name: pd.Series(dtype=dtype) for name, dtype in STRAY_COLUMNS.items()})
    if not headerless:
        return found
    position = np.full(int(keep.sum()), -1, dtype=np.int64)  # the stray column per data row
    value = np.full(len(position), None, dtype=object)
    beyond = np.zeros(len(position), dtype=bool)
    for column in headerless:  # grid order: left to right
        text = rest[column].to_numpy(dtype=object, na_value=None)[keep]
        past = header_fields is not None and column >= header_fields
        # The first value per row; the first one past the header's fields wins over it.
        new = pd.notna(text) & ((position < 0) | (past & ~beyond))
        position[new] = column
        value[new] = text[new]
        beyond |= new & past
    rows = np.flatnonzero(position >= 0)
    if not len(rows):
        return found
    return pd.DataFrame(
        {
            "position": rows,
            "column": [_column_letters(int(c)) for c in position[rows]],
            "value": pd.array(list(value[rows]), dtype="string"),
            "beyond": beyond[rows],
        }
    ).astype(STRAY_COLUMNS)


def _normalise_or_na(text: Hashable) -> str | None:
    out = normalise_header(str(text))
    return out or None


def _missing_columns(spec: TableSpec, present: set[str]) -> tuple[ColumnSpec, ...]:
    """The first required column (or one-of group) of `spec` not in `present`; () if none."""
    for col in spec.columns:
        if col.required and col.name not in present:
            return (col,)
    for group in spec.one_of:
        if not present.intersection(group):
            return tuple(spec.column(n) for n in group)
    return ()


def _missing_text(columns: tuple[ColumnSpec, ...]) -> str:
    """What is missing: one required column, or every column of a one-of group, with the
    header names each is accepted under."""
    if len(columns) == 1:
        col = columns[0]
        names = ", ".join(f"'{a}'" for a in col.accepted)
        return f"den obligatoriska kolumnen '{col.name}' saknas (godkända rubriker: {names})"
    parts = "; ".join(f"'{c.name}' ({', '.join(repr(a) for a in c.accepted)})" for c in columns)
    return (
        f"minst en av kolumnerna {' eller '.join(repr(c.name) for c in columns)} krävs men "
        f"ingen finns (godkända rubriker: {parts})"
    )


def _row_cells(written: pd.Series, mapped: pd.Series, *, private: bool) -> str:
    """'har kolumnerna …': the non-empty cells of the row taken for the header row.

    `written`: the cells' text (NA where empty); `mapped`: their canonical column (NA for an
    unknown header). `private` (a participant list): only the cells that are known headers are
    quoted, the others counted. The row may be a data row, and a message goes to the terminal,
    to cron's mail and to run.json: names and e-mail addresses must not.
    """
    cells = [(str(written[c]), pd.notna(mapped[c])) for c in written.index if pd.notna(written[c])]
    if not private:
        return "har kolumnerna " + (", ".join(f"'{t}'" for t, _ in cells) or "(inga)")
    known = ", ".join(f"'{t}'" for t, is_known in cells if is_known)
    others = sum(not is_known for _, is_known in cells)
    if not others:
        return "har kolumnerna " + (known or "(inga)")
    hidden = "som inte visas eftersom en deltagarlista kan innehålla personuppgifter"
    if not known:
        return f"har {others} {'kolumn' if others == 1 else 'kolumner'}, {hidden}"
    return f"har kolumnerna {known} och {others} {'annan' if others == 1 else 'andra'}, {hidden}"


def _required_text(spec: TableSpec) -> str:
    """The columns a header row of `spec` must have: "'a', 'b' och 'c' eller 'd'"."""
    parts = [f"'{c.name}'" for c in spec.columns if c.required]
    parts += [" eller ".join(f"'{n}'" for n in group) for group in spec.one_of]
    return ", ".join(parts[:-1]) + " och " + parts[-1] if len(parts) > 1 else "".join(parts)


def _no_header(where: str, path: Path, spec: TableSpec, detail: str) -> InputFileError:
    """The message for a sheet without a header row; `detail` ends its first sentence."""
    return InputFileError(
        f"{where}: ingen rubrikrad hittades bland de första {HEADER_SEARCH_ROWS} raderna{detail} "
        f"Lägg en rad med kolumnrubriker (minst {_required_text(spec)}) överst i {spec.label}.",
        path=path,
        reason="no_header",
    )


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


def _missing_column(
    where: str,
    path: Path,
    header_row: int,
    cells: str,
    columns: tuple[ColumnSpec, ...],
    spec: TableSpec,
) -> InputFileError:
    """The message for a required column (or a one-of group) that is absent.

    `cells`: what the header row holds (`_row_cells`).
    """
    if len(columns) == 1:
        fix = (
            f"Lägg till kolumnen '{columns[0].name}' i {spec.label} eller byt namn på rätt kolumn."
        )
    else:
        fix = f"Lägg till en av kolumnerna i {spec.label}."
    return InputFileError(
        f"{where}: {_missing_text(columns)}. Rubrikraden (rad {header_row}) {cells}. {fix}",
        path=path,
        reason="missing_column",
    )


__all__ = [
    "ACTIVITY_SPEC",
    "EXCEL_ERRORS",
    "PARTICIPANT_SPEC",
    "ColumnSpec",
    "RawTable",
    "TableSpec",
    "cell_text",
    "read_table",
]
