"""Tests for hso_eval.parse: the values people type into the sheets."""

from __future__ import annotations

import datetime as dt
import unicodedata

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hso_eval import parse
from hso_eval.parse import (
    EXCEL_EPOCH,
    MAX_COUNT,
    fold,
    normalise_email,
    normalise_header,
    normalise_text,
    parse_counts,
    parse_dates,
    parse_list,
    parse_urls,
)

SETTINGS = settings(max_examples=150, deadline=None)

#: What a cell read from Excel or CSV can hold.
cells = st.one_of(
    st.text(),
    st.none(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.datetimes(),
)
MONTHS = [
    "januari",
    "februari",
    "mars",
    "april",
    "maj",
    "juni",
    "juli",
    "augusti",
    "september",
    "oktober",
    "november",
    "december",
]


def objects(values: list[object]) -> pd.Series:
    return pd.Series(values, dtype=object)


def is_empty_cell(value: object) -> bool:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return True
    invisible = "\u200b\u2060\ufeff\u00ad"
    return isinstance(value, str) and all(ch.isspace() or ch in invisible for ch in value)


# ---------------------------------------------------------------------------------------------
# Headers and fold
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("header", "key"),
    [
        (" Kön ", "kon"),
        ("kon", "kon"),
        ("E-post", "e_post"),
        ("e post", "e_post"),
        ("E_POST", "e_post"),
        ("För- och efternamn", "for_och_efternamn"),
        ("antal_män", "antal_man"),
        ("Antal  män", "antal_man"),
        ("__aktivitets id__", "aktivitets_id"),
        ("Länk", "lank"),
        ("Arrangörsroll", "arrangorsroll"),
        ("Beskrivning\u00a0", "beskrivning"),
    ],
)
def test_normalise_header_matches_the_ways_people_write_a_header(header: str, key: str) -> None:
    """A header matches however it is cased, spaced, dashed or accented."""
    assert normalise_header(header) == key


def test_normalise_header_of_an_empty_header_is_empty() -> None:
    """An empty or missing header cell gives an empty key, not an error."""
    assert normalise_header(None) == ""
    assert normalise_header(float("nan")) == ""
    assert normalise_header("  -_ ") == ""


@SETTINGS
@given(cells)
def test_normalise_header_twice_equals_once(value: object) -> None:
    """Normalising a header key again changes nothing."""
    once = normalise_header(value)
    assert normalise_header(once) == once


@SETTINGS
@given(st.text())
def test_header_key_has_no_case_separators_or_edges(text: str) -> None:
    """A header key never has spaces, dashes, or an underscore at either end."""
    key = normalise_header(text)
    assert " " not in key and "-" not in key and "__" not in key
    assert not key.startswith("_") and not key.endswith("_")


def test_fold_ignores_case_spaces_and_diacritics() -> None:
    """`  Örnsköldsvik ` and `ORNSKOLDSVIK` are the same key; inner spaces collapse."""
    assert fold("  Örnsköldsvik ") == fold("ORNSKOLDSVIK") == "ornskoldsvik"
    assert fold("vill  ej\tuppge") == "vill ej uppge"
    assert fold("Crème Brûlée") == "creme brulee"


@SETTINGS
@given(st.text())
def test_fold_twice_equals_once(text: str) -> None:
    """Folding a folded key changes nothing."""
    assert fold(fold(text)) == fold(text)


# ---------------------------------------------------------------------------------------------
# Text
# ---------------------------------------------------------------------------------------------
def test_normalise_text_trims_and_collapses_every_kind_of_space() -> None:
    """Tabs, newlines and non-breaking spaces become one space; ends are trimmed."""
    result = normalise_text(objects(["  Härnösands\u00a0 kommun\t", "rad ett\nrad två", "x"]))
    assert result.tolist() == ["Härnösands kommun", "rad ett rad två", "x"]
    assert result.dtype == "string"


def test_normalise_text_composes_decomposed_letters() -> None:
    """Å, Ä, Ö typed as a letter and a combining mark (NFD, as macOS writes them) are the same
    text as the composed letters; so are both spellings in one column of many values (where
    the plain ones take the fast path)."""
    composed = ["MÖTE-1", "Örnsköldsvik", "Åsa Ångström", "Bäck"]
    decomposed = [unicodedata.normalize("NFD", v) for v in composed]
    assert decomposed != composed
    assert normalise_text(objects(decomposed)).tolist() == composed
    filler = [f"Möte {i}" for i in range(300)]
    texts = normalise_text(objects([*filler, *decomposed, *composed]))
    assert texts.tolist() == [*filler, *composed, *composed]


def test_normalise_text_makes_empty_cells_na() -> None:
    """Empty text, spaces only, None and NaN all become NA."""
    result = normalise_text(objects(["", "   ", None, float("nan"), "\u00a0"]))
    assert result.isna().all()


def test_normalise_text_shows_excel_numbers_as_people_read_them() -> None:
    """The number 123 and Excel's 123.0 both become "123"; 2.5 stays "2.5"."""
    assert normalise_text(objects([123, 123.0, 2.5])).tolist() == ["123", "123", "2.5"]


def test_normalise_text_keeps_the_index() -> None:
    """Values stay on their rows (the index is kept)."""
    series = pd.Series([" b ", "a"], index=[10, 3], dtype=object)
    assert normalise_text(series).to_dict() == {10: "b", 3: "a"}


@SETTINGS
@given(st.lists(cells, max_size=8))
def test_normalise_text_twice_equals_once(values: list[object]) -> None:
    """Normalising already normalised text changes nothing."""
    once = normalise_text(objects(values))
    pd.testing.assert_series_equal(normalise_text(once), once)


@SETTINGS
@given(st.lists(st.text(), max_size=8))
def test_normalise_text_leaves_no_edge_or_double_spaces(values: list[str]) -> None:
    """No result starts or ends with a space or holds two spaces in a row."""
    for text in normalise_text(objects(values)).dropna():
        assert text == text.strip() and "  " not in text and text


# ---------------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------------
JUNE_12 = pd.Timestamp("2024-06-12")


@pytest.mark.parametrize(
    "value",
    [
        "2024-06-12",
        "2024-06-12 14:00",
        "2024-06-12T14:00:00",
        "2024-06-12 14:00:00",
        "2024-06-12T10:00:00Z",
        "2024-06-12T10:00:00+02:00",
        "2024-06-12T10:00:00.123456+02:00",
        "2024-06-12 10:00+0200",
        "2024-06-12T23:30:00-05:00",  # the 13th in UTC: the date as written counts
        "2024-06-12T00:30:00+14:00",
        " 2024-06-12 ",
        "12/6/2024",
        "12/06/2024",
        "12.6.2024",
        "12.06.2024",
        "12 juni 2024",
        "12 Juni 2024",
        "12 JUNI 2024",
        "12 jun 2024",
        "12 jun. 2024",
        "45455",
        "45455.5",
        "45455,75",
        45455,
        45455.0,
        dt.date(2024, 6, 12),
        dt.datetime(2024, 6, 12, 14, 30),
        pd.Timestamp("2024-06-12 09:15"),
        np.datetime64("2024-06-12"),
    ],
)
def test_parse_dates_accepts_every_form_in_the_contract(value: object) -> None:
    """Each accepted way of writing 12 June 2024 gives that date, without the time."""
    dates, invalid = parse_dates(objects([value]))
    assert dates.iloc[0] == JUNE_12
    assert not invalid.iloc[0]


def test_parse_dates_reads_maj_and_okt() -> None:
    """Swedish abbreviations such as `maj` and `okt` are months."""
    dates, invalid = parse_dates(objects(["1 maj 2024", "3 okt 2025", "7 Okt. 2025"]))
    assert dates.tolist() == [
        pd.Timestamp("2024-05-01"),
        pd.Timestamp("2025-10-03"),
        pd.Timestamp("2025-10-07"),
    ]
    assert not invalid.any()


def test_parse_dates_is_day_first_and_never_month_first() -> None:
    """`3/4/2024` is 3 April; `4/13/2024` (month first) is not a date."""
    dates, invalid = parse_dates(objects(["3/4/2024", "4/13/2024"]))
    assert dates.iloc[0] == pd.Timestamp("2024-04-03")
    assert pd.isna(dates.iloc[1]) and invalid.iloc[1]


@pytest.mark.parametrize(
    "value",
    [
        "31/02/2024",
        "2024-13-01",
        "2024-02-30",
        "2024-06-12 25:00",
        "12/6/24",
        "12-6-2024",
        "12/6.2024",
        "juni 2024",
        "12 juno 2024",
        "igår",
        "2024",
        "20240612",
        "-",
        "12/6/2024 14:00 extra",
        "2024-06-12Z",
        "2024-06-12T10:00:00+25:00",
        "2024-06-12T10:00:00+02:60",
        "2024-06-12T10:00:00 UTC",
        "45455.5.5",
        "45455.",
        1000,
        10**9,
        -45455,
        float("inf"),
        True,
        dt.time(12, 0),
    ],
)
def test_parse_dates_rejects_impossible_and_unknown_forms(value: object) -> None:
    """Impossible dates, two-digit years, other formats and implausible serials are invalid."""
    dates, invalid = parse_dates(objects([value]))
    assert pd.isna(dates.iloc[0])
    assert invalid.iloc[0]


def test_parse_dates_empty_cells_are_not_invalid() -> None:
    """An empty date cell is NaT and not flagged as invalid."""
    dates, invalid = parse_dates(objects(["", "  ", None, float("nan"), pd.NaT]))
    assert dates.isna().all()
    assert not invalid.any()


def test_parse_dates_accepts_serials_only_between_1990_and_2100() -> None:
    """Serial numbers for 1 Jan 1990 and 31 Dec 2100 are dates; one day outside is not."""
    first = (dt.date(1990, 1, 1) - EXCEL_EPOCH).days
    last = (dt.date(2100, 12, 31) - EXCEL_EPOCH).days
    dates, invalid = parse_dates(objects([first, last, first - 1, str(last + 1)]))
    assert dates.iloc[0] == pd.Timestamp("1990-01-01")
    assert dates.iloc[1] == pd.Timestamp("2100-12-31")
    assert invalid.tolist() == [False, False, True, True]


def test_parse_dates_returns_seconds_resolution_and_keeps_the_index() -> None:
    """Dates come back as datetime64[s] on the rows they came from."""
    series = pd.Series(["2024-06-12", "fel"], index=[7, 2], dtype=object)
    dates, invalid = parse_dates(series)
    assert dates.dtype == "datetime64[s]"
    assert list(dates.index) == [7, 2] and list(invalid.index) == [7, 2]
    assert invalid.dtype == bool


@SETTINGS
@given(st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_parse_dates_round_trips_every_written_form(day: dt.date) -> None:
    """Any date written in each accepted form, or as a serial, reads back as that date."""
    serial = (day - EXCEL_EPOCH).days
    forms = [
        day.isoformat(),
        f"{day.isoformat()} 23:59",
        f"{day.day}/{day.month}/{day.year}",
        f"{day.day:02d}.{day.month:02d}.{day.year}",
        f"{day.day} {MONTHS[day.month - 1]} {day.year}",
        f"{day.day} {MONTHS[day.month - 1][:3].upper()}. {day.year}",
        str(serial),
        serial,
        float(serial),
    ]
    dates, invalid = parse_dates(objects(forms))
    assert not invalid.any()
    assert (dates == pd.Timestamp(day)).all()


@SETTINGS
@given(st.lists(cells, max_size=8))
def test_parse_dates_never_raises_and_each_cell_is_one_thing(values: list[object]) -> None:
    """Any cell is exactly one of: a date, invalid, or empty."""
    dates, invalid = parse_dates(objects(values))
    assert len(dates) == len(values) == len(invalid)
    for value, date, bad in zip(values, dates, invalid, strict=True):
        assert sum([pd.notna(date), bool(bad), is_empty_cell(value)]) == 1


# ---------------------------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("value", "number"),
    [(250, 250), (250.0, 250), ("250", 250), ("1 200", 1200), ("1\u00a0200", 1200), (0, 0)],
)
def test_parse_counts_exact_forms(value: object, number: int) -> None:
    """Plain numbers, Excel's 250.0 and Swedish thousands spaces are exact counts."""
    values, approximate, invalid, _ = parse_counts(objects([value]))
    assert values.iloc[0] == number
    assert not approximate.iloc[0] and not invalid.iloc[0]


@pytest.mark.parametrize(
    "value",
    [
        "ca 250",
        "ca. 250",
        "Ca 250",
        "cirka 250",
        "c:a 250",
        "~250",
        "~ 250",
        "≈250",
        "250 st",
        "250st",
        "250 st.",
        "250+",
        "ca 250 st",
    ],
)
def test_parse_counts_approximate_forms_give_the_number_and_a_flag(value: str) -> None:
    """`ca 250`, `~250`, `250 st`, `250+` … are 250, flagged as approximate."""
    values, approximate, invalid, _ = parse_counts(objects([value]))
    assert values.iloc[0] == 250
    assert approximate.iloc[0] and not invalid.iloc[0]


@pytest.mark.parametrize(
    "value", ["-5", -5, "2.5", 2.5, "många", "ca", "250 personer", "1.000", "1,5", True, "12-15"]
)
def test_parse_counts_rejects_negatives_fractions_and_words(value: object) -> None:
    """Negative numbers, fractions, words and ranges are invalid and give no value."""
    values, approximate, invalid, _ = parse_counts(objects([value]))
    assert pd.isna(values.iloc[0])
    assert invalid.iloc[0] and not approximate.iloc[0]


def test_parse_counts_empty_is_neither_invalid_nor_approximate() -> None:
    """An empty count is NA, not invalid and not approximate."""
    values, approximate, invalid, _ = parse_counts(objects([None, "", " ", float("nan")]))
    assert values.isna().all()
    assert not approximate.any() and not invalid.any()
    assert values.dtype == "Int64"


@SETTINGS
@given(st.integers(min_value=0, max_value=MAX_COUNT))
def test_parse_counts_reads_any_whole_number_in_every_form(number: int) -> None:
    """A whole number up to `MAX_COUNT` as a number, as text, with thousands spaces or `ca`
    reads back."""
    spaced = f"{number:,}".replace(",", " ")
    forms = [number, float(number), str(number), spaced, f"ca {spaced}", f"{number}+"]
    values, approximate, invalid, _ = parse_counts(objects(forms))
    assert (values == number).all()
    assert approximate.tolist() == [False, False, False, False, True, True]
    assert not invalid.any()


@SETTINGS
@given(st.integers(min_value=MAX_COUNT + 1, max_value=10**30))
def test_parse_counts_above_the_ceiling_are_too_large_in_every_form(number: int) -> None:
    """A whole number above `MAX_COUNT` (in int64 or beyond it), in any form, is no count: NA,
    invalid and too large; it is neither approximate nor mistaken for a word."""
    spaced = f"{number:,}".replace(",", " ")
    forms = [number, float(number), str(number), spaced, f"ca {spaced}", f"{number}+"]
    values, approximate, invalid, too_large = parse_counts(objects(forms))
    assert values.isna().all()
    assert invalid.all() and too_large.all()
    assert not approximate.any()


def test_parse_counts_ceiling_is_inclusive_and_only_numbers_are_too_large() -> None:
    """`MAX_COUNT` itself is a count; words, fractions and negatives are invalid, not too large."""
    cells = [MAX_COUNT, MAX_COUNT + 1, 2**63 - 1, "många", -(10**9), 2.5e9 + 0.5]
    values, _, invalid, too_large = parse_counts(objects(cells))
    assert values.tolist() == [MAX_COUNT, pd.NA, pd.NA, pd.NA, pd.NA, pd.NA]
    assert invalid.tolist() == [False, True, True, True, True, True]
    assert too_large.tolist() == [False, True, True, False, False, False]


@pytest.mark.parametrize("order", [1, -1])
def test_parse_counts_tells_true_and_false_from_1_and_0(order: int) -> None:
    """TRUE is no count and 1 is, whichever comes first (pandas hashes True as 1)."""
    cells = [True, 1, False, 0, 1.0][::order]
    values, approximate, invalid, _ = parse_counts(objects(cells))
    assert values.tolist() == [pd.NA, 1, pd.NA, 0, 1][::order]
    assert invalid.tolist() == [True, False, True, False, False][::order]
    assert not approximate.any()


@pytest.mark.parametrize("order", [1, -1])
def test_normalise_text_shows_true_as_sant_not_as_1(order: int) -> None:
    """An id typed as TRUE is the text SANT (as Swedish Excel shows it), never the id 1."""
    cells = [1, True, 0, False, np.True_][::order]
    texts = normalise_text(objects(cells))
    assert texts.tolist() == ["1", "SANT", "0", "FALSKT", "SANT"][::order]


@SETTINGS
@given(st.lists(cells, max_size=8))
def test_parse_counts_never_raises_and_each_cell_is_one_thing(values: list[object]) -> None:
    """Any cell is exactly one of: a count from 0 to `MAX_COUNT`, invalid, or empty; only counts
    are approximate, and only invalid cells too large."""
    numbers, approximate, invalid, too_large = parse_counts(objects(values))
    for value, number, approx, bad in zip(values, numbers, approximate, invalid, strict=True):
        assert sum([pd.notna(number), bool(bad), is_empty_cell(value)]) == 1
        assert not approx or pd.notna(number)
        assert pd.isna(number) or 0 <= number <= MAX_COUNT
    assert not (too_large & ~invalid).any()


# ---------------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------------
def test_parse_list_splits_trims_and_joins() -> None:
    """`;` and `,` both separate; items are trimmed and joined with "; "."""
    result = parse_list(objects(["Region Västernorrland ,  Mittuniversitetet;Almi  Mitt"]))
    assert result.iloc[0] == "Region Västernorrland; Mittuniversitetet; Almi Mitt"


def test_parse_list_drops_empty_items_and_repeats_keeping_order() -> None:
    """Empty items and repeats (any case) go; the first spelling and the order stay."""
    result = parse_list(objects(["b;; a, B ,a;", ";, ;", None]))
    assert result.iloc[0] == "b; a"
    assert result.iloc[1:].isna().all()
    assert result.dtype == "string"


@SETTINGS
@given(st.lists(cells, max_size=8))
def test_parse_list_twice_equals_once(values: list[object]) -> None:
    """Parsing an already parsed list changes nothing."""
    once = parse_list(objects(values))
    pd.testing.assert_series_equal(parse_list(once), once)


# ---------------------------------------------------------------------------------------------
# E-mail
# ---------------------------------------------------------------------------------------------
def test_normalise_email_trims_and_lowercases() -> None:
    """`  Anna.Berg@Harnosand.example ` becomes `anna.berg@harnosand.example`."""
    values, invalid = normalise_email(objects(["  Anna.Berg@Harnosand.example "]))
    assert values.iloc[0] == "anna.berg@harnosand.example"
    assert not invalid.iloc[0]


def test_normalise_email_takes_the_address_out_of_outlook_and_mailto_forms() -> None:
    """`Anna Berg <anna@x.example>` and `mailto:anna@x.example` give the address."""
    values, invalid = normalise_email(
        objects(["Anna Berg <Anna@X.example>", "mailto:anna@x.example"])
    )
    assert values.tolist() == ["anna@x.example", "anna@x.example"]
    assert not invalid.any()


@pytest.mark.parametrize(
    "value",
    [
        "anna",
        "anna@x",
        "@x.example",
        "anna@@x.example",
        "an na@x.example",
        "anna@x"
        + "..example",  # an empty domain label (split so no scanner takes it for an address)
        "anna@.se",
        "a@x.example; b@y.example",
    ],
)
def test_normalise_email_rejects_implausible_addresses(value: str) -> None:
    """Without one @, a local part and a dotted domain, or with spaces, it is invalid and empty."""
    values, invalid = normalise_email(objects([value]))
    assert pd.isna(values.iloc[0]) and invalid.iloc[0]


def test_normalise_email_empty_is_not_invalid() -> None:
    """An empty e-mail cell is NA and not invalid."""
    values, invalid = normalise_email(objects([None, "", "  "]))
    assert values.isna().all() and not invalid.any()


@SETTINGS
@given(st.emails())
def test_normalise_email_accepts_valid_addresses(address: str) -> None:
    """A valid address is kept, lower-cased, whatever the case and spaces around it."""
    values, invalid = normalise_email(objects([f"  {address.upper()} "]))
    assert values.iloc[0] == address.upper().lower()
    assert not invalid.iloc[0]


@SETTINGS
@given(st.lists(cells, max_size=8))
def test_normalise_email_never_raises_and_twice_equals_once(values: list[object]) -> None:
    """Any cell gives an address or NA; normalising the result again changes nothing."""
    once, invalid = normalise_email(objects(values))
    twice, invalid_again = normalise_email(once)
    pd.testing.assert_series_equal(twice, once)
    assert not invalid_again.any()
    assert not (once.notna() & invalid).any()


# ---------------------------------------------------------------------------------------------
# Links
# ---------------------------------------------------------------------------------------------
def test_parse_urls_keeps_http_and_https_links() -> None:
    """http:// and https:// links with a host survive unchanged."""
    links = ["https://www.harnosand.se/hso?sida=2#mitt", "http://example.se", "HTTPS://X.SE"]
    values, invalid = parse_urls(objects(links))
    assert values.tolist() == links
    assert not invalid.any()


@pytest.mark.parametrize(
    "value",
    [
        "javascript:alert(1)",
        "www.harnosand.se",
        "ftp://example.se",
        "mailto:anna@x.example",
        "http://",
        "https:///path",
        "https://exa mple.se",
        'https://x.se/"><script>',
        "data:text/html,<b>x</b>",
        "http://[::1",
    ],
)
def test_parse_urls_rejects_everything_else(value: str) -> None:
    """Links without http(s) and a host, or with spaces or quotes, are invalid and empty."""
    values, invalid = parse_urls(objects([value]))
    assert pd.isna(values.iloc[0]) and invalid.iloc[0]


@SETTINGS
@given(st.lists(cells, max_size=8))
def test_parse_urls_never_raises_and_only_http_links_survive(values: list[object]) -> None:
    """Whatever is typed, every surviving link starts with http:// or https://."""
    links, invalid = parse_urls(objects(values))
    for link in links.dropna():
        assert link.lower().startswith(("http://", "https://"))
    assert not (links.notna() & invalid).any()


# ---------------------------------------------------------------------------------------------
# Plain values: what Arrow decides for many values at once is what the function gives
# ---------------------------------------------------------------------------------------------
#: Characters that make the plain patterns miss or match at the edges: every kind of space,
#: invisible characters, combining marks, letters with diacritics in both cases, the e-mail and
#: link punctuation, and characters outside the plain classes.
TRICKY = (
    "aZ09 .-_@<>:;,/?#%+~=&\"'()[]\\\t\n\r\x0b\x0c\x1c\x1f\x85\xa0\xad\u1680\u2007\u2028\u200b"
    "\u2060\ufeff\u3000åäöéÅÄÖÉüÜøß\u0301\u030aİıﬁ€–’…"
)
tricky_text = st.text(alphabet=TRICKY, max_size=24)


def _plain_cases(plain: parse.Plain | tuple[parse.Plain, ...]) -> st.SearchStrategy[str]:
    """Texts that match one of the patterns, and tricky texts around them."""
    plains = (plain,) if isinstance(plain, parse.Plain) else plain
    matching = [st.from_regex(f"(?:{p.pattern})", fullmatch=True) for p in plains]
    return st.one_of(
        *matching,
        tricky_text,
        st.tuples(st.one_of(*matching), tricky_text).map("".join),
        st.tuples(tricky_text, st.one_of(*matching)).map("".join),
    )


FAST_PATHS = {
    "text": (lambda v: (parse._clean_text(v),), parse._PLAIN_TEXT, 1),
    "fold": (lambda v: (fold(v),), parse._PLAIN_FOLD, 1),
    "email": (parse._normalise_email_value, parse._PLAIN_EMAIL_VALUE, 2),
    "url": (parse._parse_url_value, parse._PLAIN_URL, 2),
}


@pytest.mark.parametrize("name", sorted(FAST_PATHS))
def test_plain_values_get_exactly_what_the_function_gives(name: str, monkeypatch) -> None:
    """For every value, the Arrow fast path (RE2 match, Arrow result) equals the function."""
    func, plain, width = FAST_PATHS[name]
    monkeypatch.setattr(parse, "_PLAIN_MIN", 1)  # the fast path even for a handful of values

    @settings(max_examples=150, deadline=None)
    @given(st.lists(_plain_cases(plain), min_size=1, max_size=12, unique=True))
    def check(values: list[str]) -> None:
        array = np.array(values, dtype=object)
        outputs = parse._map_plain(array, func, plain, width)
        expected = [func(v) for v in values]
        for k in range(width):
            assert list(outputs[k][:-1]) == [e[k] for e in expected], (name, values)

    check()


@pytest.mark.parametrize("name", sorted(FAST_PATHS))
def test_python_and_arrow_agree_on_which_values_are_plain(name: str) -> None:
    """The patterns mean the same to Python's `re` (the tests above) and to RE2 (Arrow)."""
    import re

    import pyarrow as pa
    import pyarrow.compute as pc

    _, plain, _ = FAST_PATHS[name]
    plains = (plain,) if isinstance(plain, parse.Plain) else plain

    @settings(max_examples=100, deadline=None)
    @given(st.lists(_plain_cases(plain), min_size=1, max_size=12))
    def check(values: list[str]) -> None:
        for p in plains:
            arrow = pc.match_substring_regex(pa.array(values), f"^(?:{p.pattern})$")
            python = [re.fullmatch(p.pattern, v) is not None for v in values]
            assert arrow.to_pylist() == python, (p.pattern, values)

    check()


def _characters(pattern: str) -> list[str]:
    """Every code point that the one-character class `pattern` matches."""
    import re

    one = re.compile(pattern)
    return [chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000 and one.fullmatch(chr(c))]


def test_plain_text_characters_are_never_space_or_invisible() -> None:
    """Checked for every character of the class: `_clean_text` keeps each as it is."""
    chars = _characters(f"[{parse._TEXT_CHARS}]")
    assert len(chars) == 94 + 12 + 418 + 24 + 47 + 32  # the six ranges of the class
    assert [c for c in chars if c.isspace() or parse._INVISIBLE.search(c)] == []
    assert [c for c in chars if parse._clean_text(f"{c} {c}{c}") != f"{c} {c}{c}"] == []


def test_plain_text_characters_are_composed_and_compose_with_nothing() -> None:
    """`_clean_text` puts text in NFC; plain text is returned unchanged, so each character of
    the class must be in NFC, must not be a combining mark, and must not be the second of a
    pair that NFC composes (a text of them is then in NFC as it is)."""
    chars = _characters(f"[{parse._TEXT_CHARS}]")
    assert [c for c in chars if unicodedata.normalize("NFC", c) != c] == []
    assert [c for c in chars if unicodedata.combining(c)] == []
    seconds = set()
    for code in range(0x110000):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    assert seconds.isdisjoint(chars)


def test_plain_fold_characters_fold_one_by_one() -> None:
    """Every character `PLAIN_FOLD` allows folds to what the Arrow path gives it."""
    chars = _characters(parse.PLAIN_FOLD.split("+")[0])
    assert len(chars) == 94 + 8
    for c in chars:
        fast = parse._FOLD_LETTERS.get(c, c.lower() if c.isascii() else c)
        assert fold(c) == fast, repr(c)
        assert fold(f"A{c}a {c}") == f"a{fast}a {fast}", repr(c)


def test_fold_array_folds_a_long_column_like_fold() -> None:
    names = ["Åsa Öberg", "ÅSA  ÖBERG", " anna-lena ", "Zoë Ünal", "Per Bäckström", "\u200bBo"]
    names *= 100
    values = np.array([f"{n} {i}" for i, n in enumerate(names)], dtype=object)
    assert list(parse.fold_array(values)) == [fold(v) for v in values]


def test_values_that_are_not_text_never_take_the_plain_path(monkeypatch) -> None:
    """Bytes (or numbers) among the values: every value goes through the function."""
    monkeypatch.setattr(parse, "_PLAIN_MIN", 1)
    values = pd.Series([b"anna@kommun.example", "Anna  Berg", b"x", "plain text"], dtype=object)
    expected = ["anna@kommun.example", "Anna Berg", "x", "plain text"]
    assert normalise_text(values).tolist() == expected
    assert normalise_text(values, categorical=True).astype("string").tolist() == expected
