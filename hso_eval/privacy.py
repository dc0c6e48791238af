"""Personal data: identities, keyed pseudonyms, masks, and safe text for spreadsheets.

- A person is identified by the normalised e-mail, else by name plus organisation
  (`make_identity`). The identity never leaves `clean`: it is replaced by a keyed pseudonym
  (`pseudonymise`, HMAC-SHA256), so the same person gets the same key across periods while
  nobody without the key can recompute it from a name.
- `mask_personal` hides the values of personal columns in the quarantine and the warnings;
  `contains_email`, `equals_folded` and `mentions_folded` find personal data typed into other
  columns (an address, or the row's own name), `address_names` reads the name an address
  spells (`karin.ostlund@…` → `karin ostlund`), `looks_like_name` finds text shaped like a
  person's name (`ersätter Åsa Lind`), and `redact_emails` removes addresses from free text.
  All work over distinct values (or distinct pairs), never row by row.
- `neutralise_formulas` makes text safe to open in Excel (OWASP "CSV injection"): a cell that
  starts with `=`, `+`, `-`, `@`, tab or carriage return gets a leading apostrophe, and so does
  a cell that already starts with an apostrophe, so that two different texts never become the
  same text (`+46 X` and `'+46 X` stay apart) and `restore_text` gives the original back.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hso_eval.parse import (
    _DOMAIN_CHAR,
    _PLAIN_FOLD,
    EMAIL_IN_TEXT,
    _Distinct,
    _map_distinct,
    _string_series,
    _text_series,
    fold,
    fold_array,
)
from hso_eval.tables import MASK

__all__ = [
    "EMAIL_REMOVED",
    "FORMULA_PREFIXES",
    "NAME_PARTICLES",
    "NAME_REMOVED",
    "PSEUDONYM_LENGTH",
    "address_names",
    "contains_email",
    "equals_folded",
    "hmac_sha256",
    "looks_like_name",
    "make_identity",
    "mask_personal",
    "mentions_folded",
    "neutralise_formulas",
    "neutralise_text",
    "pseudonymise",
    "redact_emails",
    "restore_text",
]

#: Characters that make a spreadsheet treat a cell as a formula (OWASP, CSV injection), and
#: their full-width and small forms (＝ ＋ － ＠, ﹦ ﹢ ﹣ ﹫), which an East Asian input method
#: types and some spreadsheets fold to the ASCII ones: cheaper to neutralise than to prove safe.
FORMULA_PREFIXES: tuple[str, ...] = (
    "=",
    "+",
    "-",
    "@",
    "\t",
    "\r",
    "\uff1d",
    "\uff0b",
    "\uff0d",
    "\uff20",
    "\ufe66",
    "\ufe62",
    "\ufe63",
    "\ufe6b",
)
#: The neutralising prefix. Text that already starts with it is prefixed too (`neutralise_text`).
QUOTE = "'"
#: Starts that get the prefix: the formula characters and the prefix itself.
_PREFIXED_STARTS: tuple[str, ...] = (*FORMULA_PREFIXES, QUOTE)
#: Hex characters kept of the HMAC-SHA256 digest (80 bits).
PSEUDONYM_LENGTH = 20
#: What an e-mail address in free text is replaced with (`redact_emails`).
EMAIL_REMOVED = "[e-postadress borttagen]"
#: What a participant's name in the register's free text is replaced with.
NAME_REMOVED = "[namn borttaget]"


def _present(series: pd.Series) -> np.ndarray:
    """True where a value is not NA and not only whitespace."""
    text = series.astype("string")
    return (text.notna() & (text.str.strip() != "")).fillna(False).to_numpy(dtype=bool)


def _fold_distinct(series: pd.Series) -> pd.Series:
    """`parse.fold` of each value, computed once per distinct value; NA → ""."""
    mapped = _map_distinct(
        series.astype("string"), lambda value: (fold(value),), ("",), plain=_PLAIN_FOLD
    )
    return _string_series(mapped, 0, series.index)


def _distinct_values(series: pd.Series, *, used_only: bool = False) -> tuple[np.ndarray, pd.Series]:
    """(row codes, distinct values as "string" with NA last): ``values[codes]`` is `series`.

    A categorical is already coded; anything else is factorised once. Missing values get the
    code of the trailing NA, so the string operations below see them as before. `used_only`:
    a categorical's categories that no row uses are left out (a few rows of a long column).
    """
    if isinstance(series.dtype, pd.CategoricalDtype):
        codes, uniques = series.cat.codes.to_numpy(), series.cat.categories
        if used_only:
            used = np.flatnonzero(np.bincount(codes[codes >= 0], minlength=len(uniques)))
        if used_only and 2 * len(used) < len(uniques):
            codes = np.where(codes >= 0, np.searchsorted(used, codes), -1)
            uniques = uniques[used]
    else:
        codes, uniques = pd.factorize(series, use_na_sentinel=True)
    values = pd.Series(pd.array([*np.asarray(uniques, dtype=object), None], dtype="string"))
    return np.where(codes < 0, len(values) - 1, codes), values


def make_identity(
    email: pd.Series, name: pd.Series, organisation: pd.Series, *, categorical: bool = False
) -> pd.Series:
    """Who a participant row is: `"e:" + email`, else `"n:" + name + "|" + organisation`.

    `email` is already normalised (`parse.normalise_email`). Name and organisation are folded
    (case, spaces and diacritics ignored), so `Åsa Berg, SCB` and `asa berg, scb` are one
    person. A row with neither e-mail nor name gets NA (no identity). Returns dtype "string"
    (`categorical`: the same values as a categorical, see `parse._category_series`).
    """
    # The identity is a function of the row's (e-mail, name, organisation) only, so it is
    # built once per distinct combination: the string work runs on the distinct values and
    # the rows only carry integer codes.
    email_codes, emails = _distinct_values(email)
    name_codes, names = _distinct_values(name)
    org_codes, orgs = _distinct_values(organisation)
    email_present, name_present = _present(emails), _present(names)
    by_email = "e:" + emails.fillna("").str.strip()
    name_folded, org_folded = _fold_distinct(names), _fold_distinct(orgs)

    # One integer per row naming its combination: the e-mail's code when it has an e-mail,
    # else len(emails) + the (name, organisation) pair's number; -1 with neither.
    has_email = email_present[email_codes]
    pair = name_codes.astype("int64") * len(orgs) + org_codes
    combination = np.where(has_email, email_codes, len(emails) + pair)
    combination = np.where(has_email | name_present[name_codes], combination, -1)
    codes, distinct = pd.factorize(combination)

    is_email = distinct < len(emails)
    pair = np.where(is_email, 0, distinct - len(emails)).clip(min=0)
    named = "n:" + name_folded.take(pair // len(orgs)).reset_index(drop=True)
    named = named + "|" + org_folded.take(pair % len(orgs)).reset_index(drop=True)
    emailed = by_email.take(np.where(is_email, distinct, 0)).reset_index(drop=True)
    identity = emailed.where(is_email, named).where(distinct >= 0)
    mapped = _Distinct(codes, [identity.array.to_numpy(dtype=object, na_value=None)])
    return _text_series(mapped, 0, email.index, categorical)


def pseudonymise(identities: pd.Series, key: bytes, *, categorical: bool = False) -> pd.Series:
    """HMAC-SHA256 of each identity with `key`, as the first 20 hex characters; NA stays NA.

    Computed once per distinct identity. The same identity and key always give the same
    pseudonym; another key gives another one. `categorical`: the same values as a
    categorical (see `parse._category_series`); categorical identities are not re-hashed.
    """
    if not isinstance(key, bytes | bytearray) or not key:
        raise ValueError("Pseudonymnyckeln saknas eller är inte bytes: läs den med load_key().")
    digest = hmac_sha256(bytes(key))

    if isinstance(identities.dtype, pd.CategoricalDtype):
        codes = identities.cat.codes.to_numpy()
        uniques = identities.cat.categories.to_numpy(dtype=object)
    else:
        codes, uniques = pd.factorize(identities.astype("string"), use_na_sentinel=True)
        uniques = np.asarray(uniques, dtype=object)
    # One loop with nothing in it but the digest: the identities are tens of thousands.
    keys = np.empty(len(uniques) + 1, dtype=object)  # the last: NA, for code -1
    keys[:-1] = [digest(value.encode("utf-8"))[:PSEUDONYM_LENGTH] for value in uniques]
    mapped = _Distinct(np.where(codes < 0, len(uniques), codes), [keys])
    return _text_series(mapped, 0, identities.index, categorical)


#: SHA-256's block size and the two HMAC pads (RFC 2104), as translation tables.
_BLOCK = 64
_INNER_PAD = bytes(x ^ 0x36 for x in range(256))
_OUTER_PAD = bytes(x ^ 0x5C for x in range(256))


def hmac_sha256(key: bytes) -> Callable[[bytes], str]:
    """A function giving ``hmac.new(key, message, "sha256").hexdigest()`` for each message.

    HMAC as RFC 2104 defines it, H((K ^ opad) || H((K ^ ipad) || message)), with both padded
    keys hashed once and the hash states copied per message: about four times faster than
    `hmac.new` or `hmac.digest` per message, which set up OpenSSL's HMAC afresh each time.
    tests/test_privacy.py compares it with `hmac.new` for keys and messages of every length.
    """
    if len(key) > _BLOCK:
        key = hashlib.sha256(key).digest()
    key = key.ljust(_BLOCK, b"\0")
    inner, outer = (
        hashlib.sha256(key.translate(_INNER_PAD)),
        hashlib.sha256(key.translate(_OUTER_PAD)),
    )

    def digest(message: bytes) -> str:
        first = inner.copy()
        first.update(message)
        second = outer.copy()
        second.update(first.digest())
        return second.hexdigest()

    return digest


def neutralise_text(value: str) -> str:
    """`value` with a leading `'` when it starts with a formula character or `'`, else unchanged.

    Injective: different texts stay different (`+46 X` → `'+46 X`, `'+46 X` → `''+46 X`), so
    a column that is unique, such as a primary key, stays unique. `restore_text` undoes it.
    """
    return QUOTE + value if value.startswith(_PREFIXED_STARTS) else value


def restore_text(value: str) -> str:
    """The text `neutralise_text` was given: one leading `'` removed, if there is one."""
    return value[len(QUOTE) :] if value.startswith(QUOTE) else value


def _neutralise_cell(value: object) -> object:
    return neutralise_text(value) if isinstance(value, str) else value


def _neutralise_column(column: pd.Series) -> pd.Series:
    """One column, neutralised over its distinct text values (numbers untouched)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        # `neutralise_text` is injective, so the renamed categories stay distinct.
        renamed = [_neutralise_cell(c) for c in column.cat.categories]
        if len(set(renamed)) == len(renamed):
            return column.cat.rename_categories(renamed)
        column = column.astype(object)
    changed = {
        value: neutralise_text(value)
        for value in column.dropna().unique()
        if isinstance(value, str) and value.startswith(_PREFIXED_STARTS)
    }
    result = column.copy()
    if changed:
        hit = column.isin(list(changed)).to_numpy(dtype=bool)
        result[hit] = column[hit].map(changed)
    return result


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` where no text cell can start a spreadsheet formula.

    In text columns (object, string or categorical) a cell starting with `=`, `+`, `-`, `@`,
    tab, carriage return or `'` gets a leading `'` (`neutralise_text`). Numbers, also in object
    columns, are left as they are, so -5 stays the number -5. Distinct cells stay distinct, so
    a unique column stays unique; `restore_text` on each text cell gives the frame back. It is
    not idempotent: neutralising twice adds a second apostrophe, so apply it once, on export.
    """
    out = frame.copy()
    for position in range(out.shape[1]):
        column = out.iloc[:, position]
        dtype = column.dtype
        if (
            pd.api.types.is_object_dtype(dtype)
            or pd.api.types.is_string_dtype(dtype)
            or isinstance(dtype, pd.CategoricalDtype)
        ):
            out.isetitem(position, _neutralise_column(column))
    return out


def mask_personal(values: pd.Series) -> pd.Series:
    """Every non-empty value replaced by `tables.MASK`; empty stays NA (dtype "string")."""
    masked = np.where(_present(values), MASK, None)
    return pd.Series(masked, index=values.index, dtype="string")


# ---------------------------------------------------------------------------------------------
# Personal data typed where it does not belong
# ---------------------------------------------------------------------------------------------
def _distinct_objects(series: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """`_distinct_values` with the distinct values as an object array (None for NA)."""
    codes, values = _distinct_values(series)
    return codes, values.to_numpy(dtype=object, na_value=None)


def contains_email(values: pd.Series) -> np.ndarray:
    """True where a value contains an e-mail-shaped substring (`parse.EMAIL_IN_TEXT`), or an
    address written against spam (`_DISGUISED_EMAIL`).

    Searched once per distinct value; NA is False.
    """
    codes, distinct = _distinct_objects(values)
    # Only a value with an "@" or a disguised one can match: the others are ruled out at once,
    # in Arrow.
    candidates = np.flatnonzero(_may_hold_email(distinct))
    hit = np.zeros(len(distinct), dtype=bool)
    hit[candidates] = [
        EMAIL_IN_TEXT.search(text) is not None or _DISGUISED_EMAIL.search(text) is not None
        for text in (str(distinct[i]) for i in candidates)
    ]
    return hit[codes]


def _may_hold_email(distinct: np.ndarray) -> np.ndarray:
    """True where a value (an object array, None for NA) matches `_MAY_HOLD_EMAIL`."""
    try:
        arrow = pa.array(distinct, type=pa.large_string())
    except (pa.ArrowException, TypeError, UnicodeError):  # not all strings: as they read
        arrow = pa.array([v if v is None else str(v) for v in distinct], pa.large_string())
    found = pc.match_substring_regex(arrow, _MAY_HOLD_EMAIL, ignore_case=True)
    return pc.fill_null(found, False).to_numpy(zero_copy_only=False)


def _folded_ids(*columns: pd.Series) -> list[np.ndarray]:
    """Per column, one integer per row: equal integers ⇔ equal `parse.fold` (-1 when empty).

    Each column is folded once per distinct value; the folded keys of all columns are numbered
    together, so rows of different columns compare as integers.
    """
    coded = [_distinct_values(column) for column in columns]
    folded = [_fold_distinct(values) for _, values in coded]
    numbers, keys = pd.factorize(pd.concat(folded, ignore_index=True))
    empty = np.flatnonzero(np.asarray(keys == "", dtype=bool))
    if len(empty):
        numbers = np.where(numbers == empty[0], -1, numbers)
    out, start = [], 0
    for (codes, _), keys_of_column in zip(coded, folded, strict=True):
        out.append(numbers[start : start + len(keys_of_column)][codes])
        start += len(keys_of_column)
    return out


def equals_folded(values: pd.Series, other: pd.Series) -> np.ndarray:
    """True where a row's value equals its `other` value after `parse.fold` (both non-empty)."""
    a, b = _folded_ids(values, other)
    return (a >= 0) & (a == b)


def _whole_word_in(needle: str, haystack: str) -> bool:
    """True if `needle` occurs in `haystack` with no letter or digit right before or after it."""
    start = haystack.find(needle)
    while start >= 0:
        end = start + len(needle)
        before = start == 0 or not (haystack[start - 1].isalnum() or haystack[start - 1] == "_")
        after = end == len(haystack) or not (haystack[end].isalnum() or haystack[end] == "_")
        if before and after:
            return True
        start = haystack.find(needle, start + 1)
    return False


def mentions_folded(values: pd.Series, other: pd.Series, min_length: int = 2) -> np.ndarray:
    """True where a row's value contains its `other` value as whole words, both folded.

    Folded with `parse.fold` (case, diacritics, extra spaces ignored). "Whole words": the match
    is the whole value or is bounded by non-word characters, so the name `Bo` is found in
    `Bo Ek` and `bo!` but not in `Bollnäs`. An `other` shorter than `min_length` characters
    (folded) is never looked for. Checked once per distinct (value, other) pair; a row's
    `values` and `other` must share the index.
    """
    # Issue rows are a few rows of long columns: only the names they hold are folded.
    value_codes, value_text = _distinct_values(values, used_only=True)
    other_codes, other_text = _distinct_values(other, used_only=True)
    value_keys = _fold_distinct(value_text).to_numpy(dtype=object)
    other_keys = _fold_distinct(other_text).to_numpy(dtype=object)
    value_len = np.fromiter((len(k) for k in value_keys), dtype=np.int64, count=len(value_keys))
    other_len = np.fromiter((len(k) for k in other_keys), dtype=np.int64, count=len(other_keys))
    hit = np.zeros(len(value_codes), dtype=bool)
    rows = other_len[other_codes]
    candidate = (rows >= max(min_length, 1)) & (value_len[value_codes] >= rows)
    if not candidate.any():
        return hit
    pair = value_codes[candidate].astype(np.int64) * len(other_keys) + other_codes[candidate]
    pair_codes, pairs = pd.factorize(pair)
    found = np.array(
        [
            _whole_word_in(other_keys[p % len(other_keys)], value_keys[p // len(other_keys)])
            for p in pairs
        ],
        dtype=bool,
    )
    hit[candidate] = found[pair_codes]
    return hit


#: An address written so that a program would not read it as one, as web pages do against
#: spam: `anna.sjoberg [at] harnosand.example`, `anna(snabel-a)harnosand(punkt)example`,
#: `anna.sjoberg at harnosand.example`; or typed with spaces around the "@" (`anna @
#: harnosand.example`), a full-width one (`＠`), or the "@" encoded as in a web address (`%40`)
#: or in HTML (`&#64;`). Read by a person, it is the address. The domain ends in a label of
#: letters, so "Lunch (at) 12.30" or "möte at 10.30" is no address.
_DISGUISED_AT = (
    r"(?:\s{0,3}[\[({]\s{0,3}(?:at|@|＠|snabel-?a)\s{0,3}[\])}]\s{0,3}"
    r"|\s{0,3}[@＠﹫]\s{0,3}|\s{1,3}(?:at|snabel-?a)\s{1,3}|%40|&#0*64;|&#x0*40;|&commat;)"
)
_DISGUISED_DOT = r"(?:\.|\s{0,3}[\[({]\s{0,3}(?:dot|punkt)\s{0,3}[\])}]\s{0,3})"
_LOCAL_CHAR = r"[^\s@,;:<>()\[\]{}\\\"]"
#: Bounded as addresses are (a local part of at most 64 characters, labels of at most 63) and
#: starting where a word does, so that a long cell costs linear time, not quadratic.
_DISGUISED_EMAIL = re.compile(
    rf"(?<!{_LOCAL_CHAR}){_LOCAL_CHAR}{{1,64}}"
    + _DISGUISED_AT
    + rf"(?:{_DOMAIN_CHAR}{{1,63}}{_DISGUISED_DOT})+[^\W\d_]{{2,63}}\b",
    re.IGNORECASE,
)
#: What every value that could hold an address holds (RE2, for Arrow): an "@" or a disguise
#: ("at" or "snabel" as a word, or an encoded "@").
_MAY_HOLD_EMAIL = r"[@＠﹫]|%40|&#0*64;|&#x0*40;|&commat;|(?:^|\P{L})(?:at(?:\P{L}|$)|snabel)"


def redact_emails(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Replace every e-mail-shaped substring with `EMAIL_REMOVED`; return (values, changed).

    Vectorised `str.replace` with `parse.EMAIL_IN_TEXT`, then `_DISGUISED_EMAIL`, over the
    distinct values. A categorical stays categorical (values that become equal share a
    category); any other column comes back as "string". `changed` is True for the rows where
    something was replaced.
    """
    codes, distinct = _distinct_objects(values)
    # Only a value with an "@" or a disguised one can hold an address: the others are ruled
    # out at once.
    candidates = np.flatnonzero(_may_hold_email(distinct))
    before = pd.Series(distinct[candidates], dtype=object)
    after = before.str.replace(EMAIL_IN_TEXT, EMAIL_REMOVED, regex=True)
    after = after.str.replace(_DISGUISED_EMAIL, EMAIL_REMOVED, regex=True)
    changed = np.zeros(len(distinct), dtype=bool)
    changed[candidates] = (before.notna() & (after != before)).to_numpy(dtype=bool)
    hit = changed[codes]
    if not changed.any():
        return values, hit
    after_values = distinct.copy()
    after_values[candidates] = after.to_numpy(dtype=object)
    if isinstance(values.dtype, pd.CategoricalDtype):
        new_codes, categories = pd.factorize(after_values, use_na_sentinel=True)
        redacted = pd.Categorical.from_codes(new_codes[codes], categories=categories)
        return pd.Series(redacted, index=values.index, name=values.name), hit
    texts = pd.array(after_values, dtype="string").take(codes)
    return pd.Series(texts, index=values.index, name=values.name), hit


# ---------------------------------------------------------------------------------------------
# Names: spelt by an address, or shaped like a name
# ---------------------------------------------------------------------------------------------
#: The local part of an address, or of anything typed like one: what stands right before an
#: "@" (the characters `parse.EMAIL_IN_TEXT` accepts there), whether a domain follows or not.
_LOCAL_PART = r"(?P<local>[^\s@,;:<>()\[\]\\\"]+)@"
_LOCAL_PART_RE = re.compile(_LOCAL_PART)


def _letter_words(folded: np.ndarray) -> np.ndarray:
    """Folded texts (no NA) with every run of non-letters (dots, digits, "_") made one space."""
    if not len(folded):
        return folded
    arrow = pa.array(folded, type=pa.large_string())
    spaced = pc.utf8_trim(pc.replace_substring_regex(arrow, r"[^\p{L}]+", " "), " ")
    return spaced.to_numpy(zero_copy_only=False).astype(object)


def address_names(values: Sequence[object]) -> tuple[np.ndarray, list[tuple[int, str]]]:
    """The name each value's addresses spell: the local part's words, folded.

    `karin.ostlund@x.example` and `Karin.Östlund2@x` give `karin ostlund`, `nils_holm@…`
    `nils holm`, `k.ostlund@…` `k ostlund`; digits, dots, `_`, `-` and `+` only separate
    words. Returns (first, more): `first[i]` is the name of the first address in `values[i]`
    (None without an "@", "" when the local part has no letters); `more` holds (i, name) for
    any further address in a value (rare: a cell with two addresses). The first addresses are
    read in Arrow, all at once, and each distinct local part is folded once; `values` are
    expected to be distinct (strings; anything else counts as no address).
    """
    try:
        texts = pa.array(values, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowException, TypeError, UnicodeError):  # not all strings
        texts = pa.array([v if isinstance(v, str) else None for v in values], pa.large_string())
    if not len(texts):
        return np.zeros(0, dtype=object), []
    local = pc.struct_field(pc.extract_regex(texts, _LOCAL_PART), [0])
    # Letters and their combining marks kept (`fold` removes the marks), the rest one space.
    local = pc.utf8_trim(pc.replace_substring_regex(local, r"[^\p{L}\p{M}]+", " "), " ")
    coded = pc.dictionary_encode(local)  # a value without an address has a null index
    keys = coded.dictionary.to_numpy(zero_copy_only=False).astype(object)
    names = np.append(_letter_words(fold_array(keys)), None)
    first = names[pc.fill_null(coded.indices, len(keys)).to_numpy(zero_copy_only=False)]
    several = pc.fill_null(pc.greater(pc.count_substring(texts, "@"), 1), False)
    more: list[tuple[int, str]] = []
    for i in np.flatnonzero(several.to_numpy(zero_copy_only=False)):
        extras = _LOCAL_PART_RE.findall(str(values[i]))[1:]
        for name in _letter_words(np.array([fold(e) for e in extras], dtype=object)):
            if name:
                more.append((int(i), name))
    return first, more


#: Lower-case words that stand inside a name ("Karin von Essen", "Anna af Klint", "Jan de
#: Geer"): between two words of a name they keep the two together.
NAME_PARTICLES: frozenset[str] = frozenset(
    {"af", "von", "van", "der", "den", "de", "du", "da", "di", "la", "le"}
)
#: A word: letters and digits; "_" and everything else separate words (`nils_holm`).
_NAME_WORD = re.compile(r"[^\W_]+")
#: Phrases longer than this many words are never offered to `known` (none is that long).
_LONGEST_PHRASE = 6


def looks_like_name(
    values: pd.Series,
    known: Callable[[list[str]], np.ndarray],
    *,
    not_names: frozenset[str] = frozenset(),
    name_words: frozenset[str] = frozenset(),
) -> np.ndarray:
    """True where a value holds two words in a row that may be a person's name.

    A word may be part of a name when it is letters only and either capitalised (`Åsa`, `LIND`,
    `K`) or, in any case, one of `name_words` (folded: the words of the names known from the
    file, so `åsa lind` is found when both words are); a word in `not_names` (folded, e.g.
    `kommun`, `talare`) never is. Two such words next to each other (whatever punctuation or
    spaces stand between them, and any of `NAME_PARTICLES`) look like a name: `Åsa Lind`,
    `ersätter Åsa Lind`, `K. Östlund`, `Östlund, Karin`, `Anna-Karin`. Not when both are single
    letters (`K/M`), and not when a phrase `known` recognises holds both: `known` gets the
    candidate phrases as written (from the first word to the last, e.g. `Upplands Väsby`,
    `Almi Mitt`) and returns True for each one that is no person (a municipality, an
    organisation of the project, a word of a vocabulary).

    Checked once per distinct value; `known` is called once with every candidate phrase of
    all the values. NA is False.
    """
    codes, distinct = _distinct_objects(values)
    # Composed (NFC): a name typed with decomposed letters ("A" + ring) is still words of
    # letters (the text cleaning composes the columns it reads; an issue shows the cell as is).
    distinct = np.array(
        [
            unicodedata.normalize("NFC", v) if isinstance(v, str) and not v.isascii() else v
            for v in distinct
        ],
        dtype=object,
    )
    found = np.zeros(len(distinct), dtype=bool)
    # Per value: its word pairs, each with the phrases that could explain it.
    pairs_of: dict[int, list[list[str]]] = {}
    phrases: set[str] = set()
    for position in _two_letter_words(distinct):
        pairs = _name_pairs(distinct[position], not_names, name_words)
        if pairs:
            pairs_of[position] = pairs
            phrases.update(p for pair in pairs for p in pair)
    if not pairs_of:
        return found[codes]
    ordered = sorted(phrases)
    recognised = dict(zip(ordered, np.asarray(known(ordered), dtype=bool).tolist(), strict=True))
    for position, pairs in pairs_of.items():
        found[position] = any(not any(recognised[p] for p in pair) for pair in pairs)
    return found[codes]


#: Two neighbouring words of letters only (a word: a maximal run of letters and digits), which
#: every pair of name words needs; in RE2 and Python's `re` alike.
_TWO_LETTER_WORDS = r"(?:^|[^\p{L}\p{N}])\p{L}+[^\p{L}\p{N}]+\p{L}+(?:[^\p{L}\p{N}]|$)"


def _two_letter_words(distinct: np.ndarray) -> np.ndarray:
    """Positions of the values (an object array, None for NA) with two neighbouring words of
    letters only: the only ones `_name_pairs` can find a pair in. Found in Arrow, at once."""
    try:
        arrow = pa.array(distinct, type=pa.large_string(), from_pandas=True)
    except (pa.ArrowException, TypeError, UnicodeError):  # not all strings
        arrow = pa.array([v if isinstance(v, str) else None for v in distinct], pa.large_string())
    hit = pc.fill_null(pc.match_substring_regex(arrow, _TWO_LETTER_WORDS), False)
    return np.flatnonzero(hit.to_numpy(zero_copy_only=False))


def _name_pairs(
    value: str, not_names: frozenset[str], name_words: frozenset[str]
) -> list[list[str]]:
    """The pairs of neighbouring name words in `value` (`looks_like_name`), each as the list of
    phrases that hold it (from a word at or before the pair's first word to one at or after its
    second, within the same run of name words, at most `_LONGEST_PHRASE` words)."""
    words = [(m.start(), m.end(), m.group()) for m in _NAME_WORD.finditer(value)]
    if len(words) < 2:
        return []
    # Runs: maximal chains of name words, with particles allowed between two of them.
    runs: list[list[int]] = []
    run: list[int] = []
    for k, (_, _, word) in enumerate(words):
        key = fold(word)
        is_name = (
            word.isalpha() and key not in not_names and (word[0].isupper() or key in name_words)
        )
        if is_name:
            run.append(k)
        elif run and word in NAME_PARTICLES:
            continue  # "von" between two name words: the run goes on
        else:
            if len(run) > 1:
                runs.append(run)
            run = []
    if len(run) > 1:
        runs.append(run)
    out: list[list[str]] = []
    for run in runs:
        for i in range(len(run) - 1):
            a, b = run[i], run[i + 1]
            if len(words[a][2]) == 1 and len(words[b][2]) == 1:
                continue  # "K/M", "A B": initials alone are no name
            holders = [
                value[words[run[s]][0] : words[run[e]][1]]
                for s in range(max(0, i - _LONGEST_PHRASE + 2), i + 1)
                for e in range(i + 1, min(len(run), s + _LONGEST_PHRASE))
            ]
            out.append(holders)
    return out
