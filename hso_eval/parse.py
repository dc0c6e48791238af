"""Parsers for the values people type into the sheets: text, dates, counts, lists, e-mail, links.

Every parser takes a column (a `pd.Series`, often of dtype object because Excel mixes numbers,
dates and text) and works over the column's *distinct* values: each distinct value is parsed once
in Python and the result is spread back over the rows with one vectorised `take`. A sheet with
10 000 rows and 40 distinct dates parses 40 values.

Parsers never raise on a value. They return the parsed column together with boolean masks
(`invalid`, `approximate`) so that `clean` can decide what is an error, what is a warning and
what goes to quarantine. "Empty" (NA, NaN, None, "", only spaces) is never invalid.
"""

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
import unicodedata
from collections.abc import Callable
from functools import lru_cache
from typing import Any, NamedTuple
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

__all__ = [
    "EMAIL_IN_TEXT",
    "EXCEL_EPOCH",
    "LIST_JOINER",
    "MAX_COUNT",
    "SERIAL_RANGE",
    "SWEDISH_MONTHS",
    "Counts",
    "fold",
    "fold_array",
    "normalise_email",
    "normalise_header",
    "normalise_text",
    "parse_counts",
    "parse_dates",
    "parse_list",
    "parse_urls",
]

# ---------------------------------------------------------------------------------------------
# Text keys
# ---------------------------------------------------------------------------------------------
_WHITESPACE = re.compile(r"\s+")
#: Invisible characters left in cells by Excel and web pages (zero-width space, BOM, soft hyphen).
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
#: Space, underscore and every kind of dash are the same thing in a header.
_HEADER_SEPARATORS = re.compile(r"[\s_\-‐‑‒–—]+")


def _strip_diacritics(text: str) -> str:
    """Decompose (NFKD) and drop combining marks: å, ä → a; ö → o; é → e; ü → u."""
    decomposed = unicodedata.normalize("NFKD", text)
    if decomposed.isascii():  # no combining marks (they are all outside ASCII)
        return decomposed
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _casefold_plain(text: str) -> str:
    """Casefold without diacritics, stable when applied again (NFKD both before and after)."""
    return _strip_diacritics(_strip_diacritics(text).casefold())


def normalise_header(text: object) -> str:
    """A column header as a matching key: `" Kön "` → `"kon"`, `"E-post"` → `"e_post"`.

    Casefolded, diacritics removed, space/underscore/dash treated alike and collapsed to one
    `_`, no leading or trailing `_`. None and NA give `""`.
    """
    if _is_missing(text):
        return ""
    key = _casefold_plain(_INVISIBLE.sub("", _scalar_to_text(text)))
    return _HEADER_SEPARATORS.sub("_", key).strip("_")


def fold(text: str) -> str:
    """The key for vocabulary look-ups: case, diacritics and extra whitespace ignored.

    `"  Örnsköldsvik  "` and `"ornskoldsvik"` fold to the same key. Cleaning folds the same
    names several times (identity, then the personal-data checks on issue rows): the results
    are cached, bounded so that a long-lived kernel does not grow without limit.
    """
    return _fold(str(text))


#: Characters that `fold` maps one by one: printable ASCII (lower-cased) and the Swedish letters
#: with diacritics (to their base letter). A text of these, with single spaces between words,
#: folds to the same key as `_fold` gives (tests/test_parse.py checks it character by character
#: and on generated texts); `fold_array` does it for a whole array at once, in Arrow.
_FOLD_LETTERS = {"å": "a", "ä": "a", "ö": "o", "é": "e", "Å": "a", "Ä": "a", "Ö": "o", "É": "e"}
PLAIN_FOLD = "[!-~{0}]+(?: [!-~{0}]+)*".format("".join(_FOLD_LETTERS))


def fold_array(values: np.ndarray) -> np.ndarray:
    """`fold` of every string in an object array (no missing values), as an object array.

    Values matching `PLAIN_FOLD` (most names and organisations) are folded in Arrow: ASCII
    lower-casing and the Swedish letters replaced; the rest with `fold`, one call each.
    """
    return _map_plain(values, lambda v: (fold(v),), _PLAIN_FOLD, 1)[0][: len(values)]


def _fold_plain(values: np.ndarray, arrow: pa.Array) -> tuple[np.ndarray]:
    """`Plain.result` for `PLAIN_FOLD`."""
    folded = pc.ascii_lower(arrow)
    for letter, base in _FOLD_LETTERS.items():
        folded = pc.replace_substring(folded, letter, base)
    return (_to_objects(folded),)


def _to_objects(arrow: pa.Array) -> np.ndarray:
    """Arrow strings as an object array of Python strings."""
    return arrow.to_numpy(zero_copy_only=False)


@lru_cache(maxsize=1 << 18)
def _fold(text: str) -> str:
    if text.isascii():
        # The same key, quicker: ASCII has no invisible characters, NFKD leaves it as it is and
        # casefold is lower; `split()` splits on the characters `\s` matches (`str.isspace`).
        return " ".join(text.lower().split())
    key = _casefold_plain(_INVISIBLE.sub("", text))
    return _WHITESPACE.sub(" ", key).strip()


# ---------------------------------------------------------------------------------------------
# Working over distinct values
# ---------------------------------------------------------------------------------------------
def _is_missing(value: object) -> bool:
    """True for None, NaN, NaT and pd.NA (scalars only)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    try:
        return bool(pd.isna(value)) if np.ndim(value) == 0 else False
    except (TypeError, ValueError):
        return False


class _Distinct(NamedTuple):
    """A function applied once per distinct value: row codes and one small array per output.

    `codes[i]` is row i's position in every array of `outputs`; each array holds one entry per
    distinct value plus, last, the entry for missing values. The row-aligned result of an
    output is `outputs[k][codes]`, built by the typed helpers below with one vectorised `take`
    (no per-row Python objects are created).
    """

    codes: np.ndarray
    outputs: list[np.ndarray]


#: `pd.factorize(series)` computed before: (codes, uniques), code -1 for missing values.
Factorized = tuple[np.ndarray, Any]

#: What `pd.api.types.infer_dtype` says of cells that are numbers only (no boolean among them).
_NUMBER_KINDS = frozenset({"integer", "floating", "mixed-integer-float", "decimal"})
_IS_BOOLEAN = np.frompyfunc(lambda v: isinstance(v, bool | np.bool_), 1, 1)


def _booleans(values: np.ndarray, codes: np.ndarray, uniques: Any) -> np.ndarray:
    """Which cells of the object array `values` are booleans (True/False, numpy's too).

    `codes`, `uniques`: `pd.factorize` of `values`, which hashes True as 1 and False as 0, so
    that a boolean shares its code with a number (whichever came first names both). Only the
    cells whose value equals 0 or 1 are looked at, and one by one only when they mix booleans
    with numbers (an Excel column with TRUE in one row and 1 in another).
    """
    out = np.zeros(len(values), dtype=bool)
    suspect = pd.Series(np.asarray(uniques, dtype=object), dtype=object).isin([0, 1])
    if not suspect.any():
        return out
    rows = np.flatnonzero(np.isin(codes, np.flatnonzero(suspect.to_numpy())))
    cells = values[rows]
    kind = pd.api.types.infer_dtype(cells, skipna=False)
    if kind == "boolean":
        out[rows] = True
    elif kind not in _NUMBER_KINDS:
        out[rows] = _IS_BOOLEAN(cells).astype(bool)
    return out


def _factorize(series: pd.Series) -> Factorized:
    """`pd.factorize(series)`, with booleans and numbers kept apart (True is not 1).

    Only an object column can mix them; the others are factorised as they are.
    """
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    if series.dtype != object:
        return codes, uniques
    values = series.to_numpy(dtype=object)
    booleans = _booleans(values, codes, uniques)
    if not booleans.any():
        return codes, uniques
    other_codes, others = pd.factorize(values[~booleans], use_na_sentinel=True)
    boolean_codes, truths = pd.factorize(values[booleans], use_na_sentinel=True)
    codes = np.empty(len(values), dtype=np.intp)
    codes[~booleans] = other_codes
    codes[booleans] = boolean_codes + len(others)
    return codes, np.concatenate([np.asarray(others, dtype=object), truths.astype(object)])


def _map_distinct(
    series: pd.Series,
    func: Callable[[Any], tuple[Any, ...]],
    empty: tuple[Any, ...],
    factorized: Factorized | None = None,
    plain: Plain | tuple[Plain, ...] | None = None,
) -> _Distinct:
    """Apply `func` once per distinct non-missing value (see `_Distinct`).

    `empty` is the result for missing values. `factorized`, when given, is the factorisation
    of `series` computed before (`read.RawTable.distinct`), so it is not hashed again. `plain`
    names the values whose result is known without calling `func` (see `Plain`): with many
    distinct values, they are found and handled in Arrow at once.
    """
    if factorized is None and isinstance(series.dtype, pd.CategoricalDtype):
        # Already coded (see `_category_series`): the codes are the factorisation; unused
        # categories only cost a call of `func` each.
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories.to_numpy(object)
    elif factorized is None:
        codes, uniques = _factorize(pd.Series(series, copy=False))
    else:
        codes, uniques = factorized
    if isinstance(uniques.dtype, pd.StringDtype):  # Arrow strings: convert all at once (fast)
        uniques = uniques.to_numpy(dtype=object)
    codes = np.where(codes < 0, len(uniques), codes)
    if plain is not None:
        outputs = _map_plain(np.asarray(uniques, dtype=object), func, plain, len(empty))
        for column, value in zip(outputs, empty, strict=True):
            column[-1] = value
        return _Distinct(codes, outputs)
    results = [func(u) for u in uniques]
    results.append(empty)  # code -1 (missing) is sent to the last entry
    outputs = []
    for i in range(len(empty)):
        column = np.empty(len(results), dtype=object)
        column[:] = [r[i] for r in results]
        outputs.append(column)
    return _Distinct(codes, outputs)


class Plain(NamedTuple):
    """Values whose result is known without calling the function (`_map_distinct`).

    `pattern` is matched against the whole value in Arrow (RE2). It is written with literal
    characters and ranges only (no `\\s`, `\\w`, `.` or case-insensitive flags), where Python's
    `re` and RE2 agree, so that tests can check with `re` that the function gives `result` for
    every value the pattern matches. `result(values, arrow)` gets the matching values (as an
    object array and as an Arrow array) and returns one entry per output: an array aligned with
    them, or one value for all.
    """

    pattern: str
    result: Callable[[np.ndarray, pa.Array], tuple[Any, ...]] = lambda values, arrow: (values,)


#: Fewer distinct values than this are all given to the function (Arrow's fixed cost is larger).
_PLAIN_MIN = 256

#: Characters of plain text: none is whitespace (`str.isspace`) or in `_INVISIBLE`, each is in
#: composed form (NFC) and none combines with a neighbour (tests/test_parse.py checks all three).
#: Printable ASCII, Latin-1 and Latin Extended-A/B letters and signs (not the soft hyphen),
#: typographic dashes, quotes and dots (U+2010–U+2027, U+2030–U+205E) and currency signs.
_TEXT_CHARS = "!-~\u00a1-\u00ac\u00ae-\u024f\u2010-\u2027\u2030-\u205e\u20a0-\u20bf"
#: A text that `_clean_text` returns unchanged: plain characters, single spaces between words.
PLAIN_TEXT = f"[{_TEXT_CHARS}]+(?: [{_TEXT_CHARS}]+)*"
_PLAIN_TEXT = Plain(PLAIN_TEXT)
_PLAIN_FOLD = Plain(PLAIN_FOLD, _fold_plain)


def _map_plain(
    uniques: np.ndarray,
    func: Callable[[Any], tuple[Any, ...]],
    plain: Plain | tuple[Plain, ...],
    width: int,
) -> list[np.ndarray]:
    """Per output (`width` of them), an object array: `func` of each of `uniques`, plus a last
    entry (left None, for the caller).

    Values matching a `plain` pattern (tried in order) get its result, computed in Arrow for
    all of them at once; the others, and every value when there are few or they are not all
    strings, call `func`.
    """
    n = len(uniques)
    outputs = [np.empty(n + 1, dtype=object) for _ in range(width)]
    rest = np.arange(n)  # the values no pattern has matched yet
    arrow = None
    if n >= _PLAIN_MIN:
        try:  # the type is inferred: only a column of nothing but text gets Arrow strings
            arrow = pa.array(uniques)
        except (pa.ArrowException, TypeError, UnicodeError):  # mixed types: no fast path
            arrow = None
        if arrow is not None and not pa.types.is_string(arrow.type):
            arrow = None  # numbers, dates or bytes (which the functions turn into text first)
    for each in (plain,) if isinstance(plain, Plain) else plain:
        if arrow is None or not len(rest):
            break
        matched = pc.match_substring_regex(arrow, f"^(?:{each.pattern})$")
        hit = matched.to_numpy(zero_copy_only=False)
        if hit.any():
            values = arrow.filter(matched)
            for column, result in zip(
                outputs, each.result(uniques[rest[hit]], values), strict=True
            ):
                column[rest[hit]] = result
            rest, arrow = rest[~hit], arrow.filter(pc.invert(matched))
    results = [func(u) for u in uniques[rest]]
    for k, column in enumerate(outputs):
        column[rest] = [r[k] for r in results]
    return outputs


def _string_series(mapped: _Distinct, k: int, index: pd.Index) -> pd.Series:
    """Output `k` as a "string" Series: the distinct results, taken per row."""
    values = pd.array(mapped.outputs[k], dtype="string").take(mapped.codes)
    return pd.Series(values, index=index)


def _category_series(mapped: _Distinct, k: int, index: pd.Index) -> pd.Series:
    """Output `k` as a categorical Series: the same values as `_string_series`, coded.

    The rows hold small integer codes into the distinct results (NA where the result is
    None) instead of one string each: for `clean`, which keeps whole columns of a million rows
    alive at once and converts to "string" only the rows that end in a clean table.
    """
    result_codes, categories = pd.factorize(mapped.outputs[k], use_na_sentinel=True)
    # int32 codes (as a categorical keeps them for this many categories): no copy of the
    # rows' codes; categories as an object Index: pandas would otherwise convert the distinct
    # strings to Arrow first, which costs more than the rest of this function.
    codes = result_codes.astype(np.int32)[mapped.codes]
    categories = pd.Index(categories, dtype=object)
    return pd.Series(pd.Categorical.from_codes(codes, categories=categories), index=index)


def _text_series(mapped: _Distinct, k: int, index: pd.Index, categorical: bool) -> pd.Series:
    """Output `k` as "string" or, with `categorical`, as the same values coded."""
    if categorical:
        return _category_series(mapped, k, index)
    return _string_series(mapped, k, index)


def _as_string(series: pd.Series) -> pd.Series:
    """A categorical Series as "string" (other dtypes are returned unchanged).

    The categories are converted once and taken per row; NA stays NA. Much faster than
    ``astype("string")``, which builds a Python object per row first.
    """
    if not isinstance(series.dtype, pd.CategoricalDtype):
        return series
    categories = pd.array(series.cat.categories.to_numpy(dtype=object), dtype="string")
    values = categories.take(series.cat.codes.to_numpy(), allow_fill=True)
    return pd.Series(values, index=series.index, name=series.name)


def _bool_series(mapped: _Distinct, k: int, index: pd.Index) -> pd.Series:
    values = mapped.outputs[k].astype(bool)[mapped.codes]
    return pd.Series(values, index=index, dtype=bool)


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------
def _scalar_to_text(value: object) -> str:
    """A cell as text: 123.0 (how Excel stores 123) → "123", dates as ISO, text as is."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool | np.bool_):
        return "SANT" if value else "FALSKT"  # as Swedish Excel shows TRUE and FALSE
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isfinite(number) and number.is_integer():
            return str(int(number))
        return repr(number)
    if isinstance(value, pd.Timestamp | dt.datetime):
        stamp = pd.Timestamp(value)
        return stamp.date().isoformat() if stamp == stamp.normalize() else stamp.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


def _clean_text(value: object) -> str | None:
    """One cell as trimmed text with all whitespace runs collapsed to one space, in Unicode's
    composed form (NFC); "" → None.

    NFC: an Å typed as A and a combining ring (as macOS and some web forms write it, "NFD") is
    the same text as the Å a Swedish keyboard types, so ids, names and addresses match.
    """
    # `str.split()` splits on the same characters as `\s` (both are `str.isspace`), so this is
    # `_WHITESPACE.sub(" ", ...).strip()`, about twice as fast.
    text = " ".join(_INVISIBLE.sub("", _scalar_to_text(value)).split())
    if not text.isascii():  # ASCII is always composed
        text = unicodedata.normalize("NFC", text)
    return text or None


def normalise_text(
    series: pd.Series, factorized: Factorized | None = None, *, categorical: bool = False
) -> pd.Series:
    """Trim, collapse inner whitespace (tabs, newlines, non-breaking spaces) to one space, and
    compose decomposed letters (Unicode NFC: A + combining ring → Å).

    Numbers become text the way a person reads them (123.0 from Excel → "123"). Empty cells and
    cells with only spaces become NA. Returns dtype "string" (`categorical`: the same values as
    a categorical, see `_category_series`).
    """
    mapped = _map_distinct(series, lambda v: (_clean_text(v),), (None,), factorized, _PLAIN_TEXT)
    return _text_series(mapped, 0, series.index, categorical)


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------
#: Excel's day zero (with its 1900 leap-year bug, serials from 61 on count from here).
EXCEL_EPOCH = dt.date(1899, 12, 30)
#: Serial numbers accepted as dates: 1990-01-01 … 2100-12-31. Outside this, a number is not a date.
SERIAL_RANGE = (
    (dt.date(1990, 1, 1) - EXCEL_EPOCH).days,
    (dt.date(2100, 12, 31) - EXCEL_EPOCH).days,
)

#: Swedish month names and abbreviations, casefolded.
SWEDISH_MONTHS: dict[str, int] = {
    "januari": 1,
    "jan": 1,
    "februari": 2,
    "feb": 2,
    "mars": 3,
    "mar": 3,
    "april": 4,
    "apr": 4,
    "maj": 5,
    "juni": 6,
    "jun": 6,
    "juli": 7,
    "jul": 7,
    "augusti": 8,
    "aug": 8,
    "september": 9,
    "sep": 9,
    "sept": 9,
    "oktober": 10,
    "okt": 10,
    "november": 11,
    "nov": 11,
    "december": 12,
    "dec": 12,
}

#: ISO 8601: a date, optionally a time (seconds and their fraction optional), and after a time
#: optionally a zone (`Z`, `+02:00`, `+0200`, `+02`), as systems export timestamps. The date is
#: the one written: `2024-06-12T23:30:00-05:00` is 12 June (the local date where it was written).
_ISO_DATE = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{1,2})-(?P<d>[0-9]{1,2})"
    r"(?:[ T](?P<H>[0-9]{1,2}):(?P<M>[0-9]{2})(?::(?P<S>[0-9]{2})(?:[.,][0-9]{1,9})?)?"
    r"(?: ?(?:[Zz]|[+-](?P<zH>[0-9]{2})(?::?(?P<zM>[0-9]{2}))?))?)?"
)
_DAY_FIRST = re.compile(r"(?P<d>[0-9]{1,2})(?P<sep>[./])(?P<m>[0-9]{1,2})(?P=sep)(?P<y>[0-9]{4})")
_MONTH_NAME = re.compile(r"(?P<d>[0-9]{1,2})\.? (?P<month>[a-z]+)\.? (?P<y>[0-9]{4})")
#: An Excel serial number as text; a fraction (the time of day, `45455.5` or `45455,5` with a
#: Swedish decimal comma) is dropped.
_SERIAL_TEXT = re.compile(r"(?P<n>[0-9]{1,6})(?:[.,][0-9]+)?")


def _make_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _date_from_serial(serial: float) -> dt.date | None:
    if not math.isfinite(serial):
        return None
    days = math.floor(serial)  # a fraction is the time of day, which is dropped
    low, high = SERIAL_RANGE
    if not low <= days <= high:
        return None
    return EXCEL_EPOCH + dt.timedelta(days=days)


def _date_from_text(text: str) -> dt.date | None:
    if match := _ISO_DATE.fullmatch(text):
        hour, minute, second, zone_hour, zone_minute = (
            int(match[g] or 0) for g in ("H", "M", "S", "zH", "zM")
        )
        if hour > 23 or minute > 59 or second > 59 or zone_hour > 23 or zone_minute > 59:
            return None
        return _make_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if match := _DAY_FIRST.fullmatch(text):
        return _make_date(int(match["y"]), int(match["m"]), int(match["d"]))
    if match := _MONTH_NAME.fullmatch(text.casefold()):
        month = SWEDISH_MONTHS.get(match["month"])
        return _make_date(int(match["y"]), month, int(match["d"])) if month else None
    if match := _SERIAL_TEXT.fullmatch(text):
        return _date_from_serial(int(match["n"]))
    return None


def _parse_date_value(value: object) -> tuple[np.datetime64, bool]:
    """(date at second resolution or NaT, invalid) for one distinct cell value."""
    nat = np.datetime64("NaT", "s")
    if isinstance(value, bool | np.bool_):
        return nat, True
    if isinstance(value, np.datetime64):
        value = pd.Timestamp(value)
    if isinstance(value, dt.datetime):  # also pd.Timestamp
        parsed: dt.date | None = value.date()
    elif isinstance(value, dt.date):
        parsed = value
    elif isinstance(value, numbers.Real):
        parsed = _date_from_serial(float(value))
    else:
        text = _clean_text(value)
        if text is None:
            return nat, False
        parsed = _date_from_text(text)
    if parsed is None:
        return nat, True
    return np.datetime64(parsed, "s"), False


def parse_dates(
    series: pd.Series, factorized: Factorized | None = None
) -> tuple[pd.Series, pd.Series]:
    """Parse dates as the contract allows; return (dates as datetime64[s], invalid mask).

    Accepted: Excel date cells (datetime/date/Timestamp); ISO `2024-06-12`, with or without a
    time, and a time with or without a zone (`2024-06-12T10:00:00Z`, `…+02:00`: the date as
    written, not converted to another zone); `12/6/2024` and `12.6.2024` (always day first);
    `12 juni 2024`, `12 jun. 2024` (Swedish month names and abbreviations, any case); Excel
    serial numbers 1990–2100, as numbers or as text (`45455`, `45455.5`, `45455,5`). The time of
    day is dropped. Impossible dates (`31/02/2024`) and anything else
    are invalid; empty cells are NaT and not invalid.
    """
    mapped = _map_distinct(
        series, _parse_date_value, (np.datetime64("NaT", "s"), False), factorized
    )
    dates = mapped.outputs[0].astype("datetime64[s]")[mapped.codes]
    parsed = pd.Series(dates, index=series.index)
    return parsed, _bool_series(mapped, 1, series.index)


# ---------------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------------
_APPROX_PREFIX = r"(?:(?:ca|c:a|cirka|ungefär|ungefar|ung)\.?\s*|[~≈]\s*)"
_APPROX_SUFFIX = r"(?:\s*(?:st|stycken)\.?|\s*\+)"
_COUNT = re.compile(
    rf"(?P<pre>{_APPROX_PREFIX})?"
    r"(?P<n>[0-9]{1,3}(?: [0-9]{3})+|[0-9]+)(?:[.,]0{1,2})?"  # "1 200"; "250.0" (never "1.000")
    rf"(?P<post>{_APPROX_SUFFIX})?"
)
#: The largest head count that is believed: no activity of the project has a million people.
#: A larger number is a typing or formula error (and one beyond 64 bits would break the
#: report's arithmetic); it is treated like a count that cannot be read.
MAX_COUNT = 1_000_000


class Counts(NamedTuple):
    """What `parse_counts` returns, per row: the count (Int64, NA where there is none), and
    masks: `approximate` (`ca 250`), `invalid` (not a usable count, value NA) and, among the
    invalid, `too_large` (a whole number above `MAX_COUNT`)."""

    values: pd.Series
    approximate: pd.Series
    invalid: pd.Series
    too_large: pd.Series


def _whole_count(number: int, approximate: bool) -> tuple[int | None, bool, bool, bool]:
    """`_parse_count_value`'s result for a whole number ≥ 0."""
    if number > MAX_COUNT:
        return None, False, True, True
    return number, approximate, False, False


def _parse_count_value(value: object) -> tuple[int | None, bool, bool, bool]:
    """(value, approximate, invalid, too large) for one distinct cell value."""
    if isinstance(value, bool | np.bool_):
        return None, False, True, False
    if isinstance(value, numbers.Integral):
        number = int(value)
        return _whole_count(number, False) if number >= 0 else (None, False, True, False)
    if isinstance(value, numbers.Real):
        number_f = float(value)
        if math.isfinite(number_f) and number_f.is_integer() and number_f >= 0:
            return _whole_count(int(number_f), False)
        return None, False, True, False
    text = _clean_text(value)
    if text is None:
        return None, False, False, False
    match = _COUNT.fullmatch(text.casefold())
    if match is None:
        return None, False, True, False
    return _whole_count(int(match["n"].replace(" ", "")), bool(match["pre"] or match["post"]))


def parse_counts(series: pd.Series, factorized: Factorized | None = None) -> Counts:
    """Parse head counts; return (Int64 values, approximate, invalid, too large) (`Counts`).

    `250`, `250.0` and `"1 200"` are exact. `ca 250`, `ca. 250`, `cirka 250`, `~250`, `≈250`,
    `250 st`, `250+` are 250 and approximate. Negative numbers, fractions and words such as
    `många` are invalid (value NA), and so are whole numbers above `MAX_COUNT`, which are also
    `too_large`. Empty cells are NA and neither approximate nor invalid.
    """
    mapped = _map_distinct(series, _parse_count_value, (None, False, False, False), factorized)
    values = pd.array(mapped.outputs[0], dtype="Int64").take(mapped.codes)
    return Counts(
        pd.Series(values, index=series.index),
        _bool_series(mapped, 1, series.index),
        _bool_series(mapped, 2, series.index),
        _bool_series(mapped, 3, series.index),
    )


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------
_LIST_SEPARATORS = re.compile(r"[;,]")
LIST_JOINER = "; "


def _parse_list_value(value: object) -> tuple[str | None]:
    text = _clean_text(value)
    if text is None:
        return (None,)
    seen: set[str] = set()
    items: list[str] = []
    for part in _LIST_SEPARATORS.split(text):
        item = part.strip()
        key = fold(item)
        if item and key not in seen:
            seen.add(key)
            items.append(item)
    return (LIST_JOINER.join(items) or None,)


def parse_list(
    series: pd.Series, factorized: Factorized | None = None, *, categorical: bool = False
) -> pd.Series:
    """Split on `;` or `,`, trim each item, drop empty items and repeats, join with `"; "`.

    Repeats are found ignoring case and diacritics; the first spelling is kept. An empty list
    is NA. Returns dtype "string".
    """
    mapped = _map_distinct(series, _parse_list_value, (None,), factorized)
    return _text_series(mapped, 0, series.index, categorical)


# ---------------------------------------------------------------------------------------------
# E-mail and links
# ---------------------------------------------------------------------------------------------
_ANGLE_ADDRESS = re.compile(r"[^<>]*<(?P<address>[^<>]*)>")
_EMAIL = re.compile(r"(?P<local>[^@\s]+)@(?P<domain>[^@\s]+)")
#: A character of a domain label: what the plausibility check below accepts.
_DOMAIN_CHAR = r"[^\s@.,;:<>()\[\]\\\"]"
_DOMAIN_LABEL = re.compile(_DOMAIN_CHAR + "+")
#: An e-mail-shaped substring of free text: a local part (no space, `@` or the characters the
#: plausibility check rejects there, nor `:`, so `mailto:` or `E-post:` is not taken along),
#: `@`, and a domain of two or more labels as `_normalise_email_value` accepts them. Used to
#: find addresses typed where they do not belong (`privacy.redact_emails`, `contains_email`).
EMAIL_IN_TEXT = re.compile(
    r"[^\s@,;:<>()\[\]\\\"]+@" + _DOMAIN_CHAR + r"+(?:\." + _DOMAIN_CHAR + r"+)+"
)


#: An address that needs no normalising: lower-case ASCII, one `@`, a dotted domain, nothing
#: that `_normalise_email_value` strips, reduces or rejects. Most cells look like this.
_PLAIN_EMAIL = re.compile(r"[a-z0-9._%+-]+@[a-z0-9-]+(?:\.[a-z0-9-]+)+")
_EMAIL_ASCII = r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
#: Plain text without `<` and `>` (see `_TEXT_CHARS`), the name in "Namn <adress>".
_NAME_CHARS = "!-;=?-~" + _TEXT_CHARS.removeprefix("!-~")
#: Addresses whose `_normalise_email_value` is known without calling it, for `_map_distinct`
#: (tests/test_parse.py checks each against the function):
_PLAIN_EMAIL_VALUE = (
    # already normalised: valid, unchanged;
    Plain(_PLAIN_EMAIL.pattern, lambda values, arrow: (values, False)),
    # capitals or spaces around: valid, trimmed and lower-cased;
    Plain(
        f"[ ]*{_EMAIL_ASCII}[ ]*",
        lambda values, arrow: (_to_objects(pc.ascii_lower(pc.utf8_trim(arrow, " "))), False),
    ),
    # "Namn <adress>" as Outlook copies it: valid, the address lower-cased;
    Plain(
        f"[{_NAME_CHARS}]+(?: [{_NAME_CHARS}]+)* <(?P<address>{_EMAIL_ASCII})>",
        lambda values, arrow: (
            _to_objects(pc.ascii_lower(pc.replace_substring_regex(arrow, "^.*<|>$", ""))),
            False,
        ),
    ),
    # a local part and "@" with no domain: invalid.
    Plain(r"[ ]*[A-Za-z0-9._%+-]+@[ ]*", lambda values, arrow: (None, True)),
)


def _normalise_email_value(value: object) -> tuple[str | None, bool]:
    if isinstance(value, str) and _PLAIN_EMAIL.fullmatch(value):
        return value, False  # what the steps below give for it, one regex instead of five
    text = _clean_text(value)
    if text is None:
        return None, False
    # "Anna Svensson <anna@kommun.example>" as Outlook copies it, and "mailto:" links.
    if angle := _ANGLE_ADDRESS.fullmatch(text):
        text = angle["address"].strip()
    if text.casefold().startswith("mailto:"):
        text = text[len("mailto:") :].strip()
    address = text.lower()
    match = _EMAIL.fullmatch(address)
    if match is None or any(c in match["local"] for c in ',;<>()[]\\"'):
        return None, True
    labels = match["domain"].split(".")
    if len(labels) < 2 or not all(_DOMAIN_LABEL.fullmatch(label) for label in labels):
        return None, True
    return address, False


def normalise_email(
    series: pd.Series, factorized: Factorized | None = None, *, categorical: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Trim and lower-case e-mail addresses; return (address or NA, invalid mask).

    Plausible means: one `@`, a non-empty local part, a domain with a dot and no empty parts,
    no spaces. `Namn <adress>` and `mailto:adress` are reduced to the address. Invalid
    addresses become NA.
    """
    mapped = _map_distinct(
        series, _normalise_email_value, (None, False), factorized, _PLAIN_EMAIL_VALUE
    )
    addresses = _text_series(mapped, 0, series.index, categorical)
    return addresses, _bool_series(mapped, 1, series.index)


_URL_FORBIDDEN = re.compile(r"[\s<>\"`\x00-\x1f\x7f]")
#: A link that `_parse_url_value` keeps as it is: http(s), an ASCII host, a plain path.
_PLAIN_URL = Plain(
    r"https?://[A-Za-z0-9.-]+(?:[/?#][A-Za-z0-9._~/%?=&#+-]*)?",
    lambda values, arrow: (values, False),
)


def _parse_url_value(value: object) -> tuple[str | None, bool]:
    text = _clean_text(value)
    if text is None:
        return None, False
    if _URL_FORBIDDEN.search(text):
        return None, True
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return None, True
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None, True
    return text, False


def parse_urls(
    series: pd.Series, factorized: Factorized | None = None, *, categorical: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Keep only `http://` and `https://` links with a host; return (link or NA, invalid mask).

    Anything else that is not empty (`www.example.se`, `javascript:…`, `mailto:…`, text with
    spaces) is invalid and becomes NA.
    """
    mapped = _map_distinct(series, _parse_url_value, (None, False), factorized, _PLAIN_URL)
    links = _text_series(mapped, 0, series.index, categorical)
    return links, _bool_series(mapped, 1, series.index)
