"""Raw tables -> clean tables, quarantine, warnings and row accounting.

This is the one place that reads names and e-mail addresses. They become a keyed pseudonym
(`person_key`) here; no frame this module returns holds them, and in the quarantine and warnings
their values are masked. Personal data typed into other columns is caught too
(`personal_data_in_field`): an `organisation` that is an e-mail address or a participant's name is
emptied; e-mail addresses in the register's free text are replaced with
`privacy.EMAIL_REMOVED`, and the participant lists' names there with `privacy.NAME_REMOVED`
(`clean_tables`); and an issue whose value holds an e-mail-shaped substring (either file) or a
participant's name shows `tables.MASK`, in `value` and in `message`.

Every rule is a boolean mask over the rows (no loop over rows). Each data row ends in exactly one
of: the clean table, the quarantine (once per problem, counted once), or merged into an identical
row. `read = clean + quarantined + merged` holds for every file, and `clean_inputs` checks it.

Order of decisions, per file:
- activities: exact duplicates (identical in every read column) merge first, keeping the first;
  then rows sharing an id but differing are all quarantined (`id_conflict`); then the required
  fields are checked; optional-field problems only warn (and only for rows that are kept).
- participants: required fields (`aktivitets_id`, a known activity, an identity) are checked
  first; among the rows that pass, the same person again on the same activity merges into the
  first occurrence.
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import re
import unicodedata
from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple
from urllib.parse import unquote_plus

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from hso_eval.config import Project, RunParams
from hso_eval.errors import RunError
from hso_eval.parse import (
    MAX_COUNT,
    _as_string,
    fold,
    fold_array,
    normalise_email,
    normalise_text,
    parse_counts,
    parse_dates,
    parse_list,
    parse_urls,
)
from hso_eval.paths import display
from hso_eval.periods import Period
from hso_eval.privacy import (
    EMAIL_REMOVED,
    NAME_PARTICLES,
    NAME_REMOVED,
    address_names,
    contains_email,
    equals_folded,
    looks_like_name,
    make_identity,
    mask_personal,
    mentions_folded,
    pseudonymise,
    redact_emails,
)
from hso_eval.read import (
    ACTIVITY_SPEC,
    EXCEL_ERRORS,
    PARTICIPANT_SPEC,
    WORKERS,
    RawTable,
    cell_text,
    read_table,
)
from hso_eval.tables import (
    ACTIVITY_COLUMNS,
    ISSUE_COLUMNS,
    MASK,
    PARTICIPATION_COLUMNS,
    PERSONAL_COLUMNS,
    CleanResult,
    FileAccount,
    conform,
    empty_frame,
)
from hso_eval.vocab import (
    ACTIVITY_TYPES,
    GENDERS,
    ORGANISATION_TYPES,
    ORGANISER_ROLES,
    ROLES,
    STATUSES,
    Vocabulary,
    nearest_municipality,
    normalise_municipality,
    work_package_vocabulary,
)

#: Defaults for optional vocabulary fields left empty.
DEFAULT_ORGANISER_ROLE = "egen"
DEFAULT_GENDER = "ej angivet"
DEFAULT_ROLE = "deltagare"
FALLBACK_ORGANISATION_TYPE = "övrigt"
#: How far outside the project's own dates an activity may lie before it is quarantined.
DATE_TOLERANCE = pd.DateOffset(years=1)
#: Free-text columns of the register whose e-mail addresses are replaced (`EMAIL_REMOVED`).
FREE_TEXT_COLUMNS = ("titel", "beskrivning", "plats", "samverkansparter")
#: What a cell shows when its formula fails: the classic error values (read from an .xlsx, or
#: written into a CSV by Excel) and the newer ones a CSV may hold. Never data: a text field
#: holding one is quarantined (required) or emptied with a warning (`excel_error`).
ERROR_TEXTS: frozenset[str] = EXCEL_ERRORS | frozenset(
    {"#SPILL!", "#CALC!", "#GETTING_DATA", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!"}
)
_ERROR_FIX = "(rätta formeln i Excel eller skriv in värdet, och spara igen)"
#: `parse.MAX_COUNT` as the messages write it: "1 000 000".
_MAX_COUNT_TEXT = f"{MAX_COUNT:,}".replace(",", " ")
#: A row's own name is looked for in its issue values only when at least this long (folded).
MIN_NAME_LENGTH = 2


class Cleaned(NamedTuple):
    """What cleaning one file returns (unpacks as a 5-tuple).

    - `table`: the clean table (conforms to ACTIVITY_COLUMNS or PARTICIPATION_COLUMNS);
    - `quarantine`, `warnings`: ISSUE_COLUMNS frames, one row per problem;
    - `account`: the file's row accounting;
    - `merges`: an ISSUE_COLUMNS frame, one row per merged row (`merged_duplicate`), naming
      the row it merged into.
    """

    table: pd.DataFrame
    quarantine: pd.DataFrame
    warnings: pd.DataFrame
    account: FileAccount
    merges: pd.DataFrame


class _NameIndex:
    """Every name of a participant list with at least two words, folded, to find them in text.

    A participant's name typed into another field, or another participant's name ("ersätter
    Karin Östlund" as a role), is personal data too. The names are those of the `namn` column
    and those the file's addresses spell (`privacy.address_names`: `karin.ostlund@…` is
    `karin ostlund`), in `e-post` or typed as a name. A name is found as whole words (letters
    and digits; "_" and all else separate them), folded with `parse.fold`, in its own order
    or turned round (`Östlund, Karin`), also with the genitive s (`Karin Östlunds`).
    One-word names are left out: "Sundsvall" or "Ånge" would be found everywhere. So is a
    "name" that more rows have as their organisation than as their name or address: an
    organisation typed in the name column ("Sundsvalls kommun", or a shared mailbox
    `sundsvalls.kommun@…`) is no person, and looking for it would empty that organisation on
    every row; and one with a word that no name has (`NOT_NAME_WORDS`: "Alfa AB").
    """

    def __init__(
        self,
        names: pd.Series,
        organisations: pd.Series | None = None,
        addresses: tuple[pd.Series, tuple[np.ndarray, np.ndarray] | None] | None = None,
    ) -> None:
        self._names = names
        self._organisations = organisations
        self._addresses = addresses
        self._index: _Names | None = None
        # Per row, the code of its `e-post` cell; per code, the name that cell spells.
        self._spelt: tuple[np.ndarray, np.ndarray] | None = None
        # `_text_words`, built on first use.
        self._genitive: frozenset[str] | None = None
        # `_may_hold_names`'s word sets as Arrow arrays, built on first use.
        self._value_sets: tuple[pa.Array, pa.Array] | None = None

    @staticmethod
    def _words(text: str) -> list[str]:
        return _WORDS.findall(fold(text))

    @staticmethod
    def _word_keys(distinct: np.ndarray) -> np.ndarray:
        """Each distinct value's folded words, joined by one space."""
        folded = pd.Series(fold_array(distinct), dtype="string")
        # `_WORDS` is Unicode letters and digits ("_" separates); Arrow's `\w` is ASCII.
        words = folded.str.replace(r"[^\p{L}\p{N}]+", " ", regex=True).str.strip()
        return words.to_numpy(dtype=object)

    @staticmethod
    def _row_counts(codes: np.ndarray, keys: np.ndarray, more: list[tuple[int, str]]) -> pd.Series:
        """Rows per key of two words or more: `keys[i]` is the key of distinct value i (`codes`
        code the rows), and `more` gives further keys of some values (a second address)."""
        rows = np.bincount(codes[codes >= 0], minlength=len(keys))
        if more:
            keys = np.concatenate([keys, np.asarray([n for _, n in more], dtype=object)])
            rows = np.concatenate([rows, rows[[i for i, _ in more]]])
        if not len(keys):
            return pd.Series(dtype="int64")
        several = pc.match_substring(pa.array(keys, type=pa.large_string()), " ")
        several = several.to_numpy(zero_copy_only=False)
        return pd.Series(rows[several], index=keys[several]).groupby(level=0, sort=False).sum()

    def _build(self) -> _Names:
        if self._index is None:
            # The name column: an address typed there counts as the name it spells.
            codes, distinct = _distinct_texts(self._names)
            distinct = np.asarray(distinct, dtype=object)
            first, more = address_names(distinct)
            keys = np.where(pd.isna(first), self._word_keys(distinct), first)
            # Every word of every name, one word alone too: what a row's own name is made of.
            spelt_words = [*keys.tolist(), *(n for _, n in more)]
            names = self._row_counts(codes, keys, more)
            if self._addresses is not None:
                # The e-mail column: only addresses (a shifted row may have its organisation
                # there).
                series, factorized = self._addresses
                if factorized is None:
                    factorized = pd.factorize(series.astype(object), use_na_sentinel=True)
                codes, uniques = factorized
                first, more = address_names(np.asarray(uniques, dtype=object))
                self._spelt = (codes, first)
                spelt_words += [n for n in first.tolist() if n] + [n for _, n in more]
                spelt = self._row_counts(codes, np.where(pd.isna(first), "", first), more)
                names = names.add(spelt, fill_value=0)
            if self._organisations is not None:
                codes, distinct = _distinct_texts(self._organisations)
                distinct = np.asarray(distinct, dtype=object)
                as_org = self._row_counts(codes, self._word_keys(distinct), [])
                names = names[as_org.reindex(names.index, fill_value=0) <= names]
            # A "name" with a digit in it ("HSO 2024", an id in a shifted row) is no person's:
            # searched for, it would take ids, dates and titles for names.
            keys = names.index.tolist()
            # (Each distinct character is asked once: a character test per key is 0.1 s at 1M.)
            digits = "".join(c for c in set("".join(keys)) if c.isdigit())
            if digits:
                keys = [key for key in keys if not re.search(f"[{re.escape(digits)}]", key)]
            # Nor one with a word no name has ("Alfa AB", "Timrå kommun"): an organisation in
            # the name column (a shared sign-up, name and organisation swapped), whose name
            # looked for would empty that organisation on every row that has it.
            keys = [key for key in keys if NOT_NAME_WORDS.isdisjoint(key.split(" "))]
            # A name of three words or more is also written short: "Lena Maria Holmgren" as
            # "Lena Holmgren", "Sara Lind Berg" as "Sara Lind" or "Sara Berg".
            keys += [
                f"{words[0]} {word}"
                for words in (key.split(" ") for key in keys)
                if len(words) >= 3
                for word in words[1:]
                if word not in NAME_PARTICLES
            ]
            # And with an initial: "K. Östlund", "Östlund, K." (`_name_spans` takes only a
            # capital letter for one, so "i Berg" is no name).
            keys += [
                f"{words[0][0]} {words[-1]}"
                for words in (key.split(" ") for key in keys)
                if len(words[0]) > 1 and len(words[-1]) > 1
            ]
            longest = max((key.count(" ") for key in keys), default=-1) + 1
            every = frozenset(" ".join(keys).split(" ")) - {""}
            words = frozenset(w for w in every if len(w) >= MIN_NAME_LENGTH and w.isalpha())
            own = frozenset(" ".join(spelt_words).split()) | every
            self._index = _Names(frozenset(keys), longest, words, every, own)
        return self._index

    def spelt_at(self, at: np.ndarray) -> pd.Series:
        """The name the `e-post` cell of each row of `at` (a mask) spells, or NA (a "string"
        Series with a fresh index): read off the addresses the index was built from."""
        self._build()
        if self._spelt is None:
            return pd.Series(pd.NA, index=range(int(np.sum(at))), dtype="string")
        codes, first = self._spelt
        return pd.Series(np.append(first, None)[codes[at]], dtype="string")

    @property
    def name_words(self) -> frozenset[str]:
        """The words (folded, two letters or more) of the names: first names and surnames."""
        return self._build().name_words

    def mentions(self, values: pd.Series) -> np.ndarray:
        """True where a value holds a name of the list as whole words (once per distinct value;
        word by word only for the values with two words or more of names, counted in Arrow)."""
        codes, uniques = _distinct_texts(values)
        index = self._build()
        if not len(uniques) or not index.keys:
            return np.zeros(len(values), dtype=bool)
        distinct = np.asarray(uniques, dtype=object)
        found = np.zeros(len(distinct) + 1, dtype=bool)  # the last: an empty row
        may, joined = self._may_hold_names(distinct)
        for i in np.flatnonzero(may):
            found[i] = bool(_name_spans(distinct[i], index, joined))
        return found[codes]

    def joined_in(self, values: pd.Series, known: Callable[[list[str]], np.ndarray]) -> np.ndarray:
        """True where a value has a name of two words of the index written as one word, in its
        own order or turned round ("…/karinostlund", "ostlundkarin"), unless `known` takes it
        for no person. For web addresses, which often run words together; each word is split
        at every place leaving two letters or more on each side and looked up, and `known` is
        asked only about the names found."""
        codes, uniques = _distinct_texts(values)
        found = np.zeros(len(uniques) + 1, dtype=bool)  # the last: an empty row
        keys = self._build().keys
        hits: dict[int, list[str]] = {}
        for i, value in enumerate(uniques):
            for word in self._words(value):
                for k in range(2, len(word) - 1):
                    for name in (f"{word[:k]} {word[k:]}", f"{word[k:]} {word[:k]}"):
                        if name in keys:
                            hits.setdefault(i, []).append(name)
        names = sorted({name for found_names in hits.values() for name in found_names})
        if not names:
            return found[codes]
        person = dict(zip(names, ~np.asarray(known(names), dtype=bool), strict=True))
        for i, found_names in hits.items():
            found[i] = any(person[name] for name in found_names)
        return found[codes]

    def could_hold_own_name(self, values: pd.Series) -> np.ndarray:
        """False where a value holds no word of any name of the file, one-word names and names
        spelt by addresses included: it cannot hold its row's own name (`mentions_folded`)."""
        codes, uniques = _distinct_texts(values)
        if not len(uniques):
            return np.zeros(len(values), dtype=bool)
        counts, _ = _name_word_counts(np.asarray(uniques, dtype=object), self._build().own_words)
        return np.append(counts > 0, False)[codes]

    def redact(
        self, values: pd.Series, known: Callable[[list[str]], np.ndarray]
    ) -> tuple[pd.Series, np.ndarray]:
        """`values` ("string") with each name of the index they hold (as whole words, in its own
        order or turned round) replaced by `NAME_REMOVED`; and True for each row where one was.

        A phrase `known` takes for no person (a municipality, an organisation of the project)
        is kept. Once per distinct value; only the values with two or more words that are
        words of names (counted in Arrow, all at once) are searched word by word.
        """
        hit = np.zeros(len(values), dtype=bool)
        index = self._build()
        if not index.keys or not len(values):
            return values, hit
        arrow = pa.array(values.astype("string").array, type=pa.large_string())
        coded = pc.dictionary_encode(arrow)
        distinct = coded.dictionary.to_numpy(zero_copy_only=False).astype(object)
        spans = {}
        may, joined = self._may_hold_names(distinct)
        for i in np.flatnonzero(may):
            value = distinct[i] = unicodedata.normalize("NFC", distinct[i])
            if found := _name_spans(value, index, joined):
                spans[int(i)] = found
        phrases = sorted({distinct[i][a:b] for i, found in spans.items() for a, b in found})
        if not phrases:
            return values, hit
        person = dict(zip(phrases, ~np.asarray(known(phrases), dtype=bool), strict=True))
        changed = np.zeros(len(distinct) + 1, dtype=bool)  # the last: an empty row
        for i, found in spans.items():
            value, pieces, last = distinct[i], [], 0
            for a, b in found:
                if person[value[a:b]]:
                    pieces += [value[last:a], NAME_REMOVED]
                    last = b
            if pieces:
                distinct[i] = "".join([*pieces, value[last:]])
                changed[i] = True
        codes = pc.fill_null(coded.indices, len(distinct)).to_numpy(zero_copy_only=False)
        hit = changed[codes]
        if not hit.any():
            return values, hit
        redacted = pd.Series(np.append(distinct, None)[codes], index=values.index, dtype="string")
        return redacted, hit

    def _may_hold_names(self, distinct: np.ndarray) -> tuple[np.ndarray, frozenset[str]]:
        """False for each value (an object array of strings) that cannot hold a name of the
        index: it has fewer than two words of names, and no word that is a name written as one
        word (counted in Arrow, all at once; `_name_spans` then looks at the rest). And the
        names written as one word that the values hold, folded (usually none): `_name_spans`
        looks a word up among these, not among all."""
        if self._value_sets is None:
            self._value_sets = (
                pa.array(list(self._text_words()), pa.large_string()),
                self._joined_names(),
            )
        counts, joined = _name_word_counts(distinct, *self._value_sets)
        return counts >= 2, joined

    def _joined_names(self) -> pa.Array:
        """Each name of two words or more, each word of three letters or more, written as one
        word in each of its turns (`_is_joined_name`), folded: "karinostlund", "ostlundkarin".
        A word of two letters ("Bo Berg", "Li Na") would make everyday words of them ("boberg",
        "lina"). Built in Arrow: there is one per name on the lists, and Python strings for
        each would cost 0.1 s at 1M rows."""
        keys = pa.array(list(self._build().keys), pa.large_string())
        parts = pc.split_pattern(keys, " ")
        counts = pc.list_value_length(parts).to_numpy()
        lengths = pc.utf8_length(pc.list_flatten(parts)).to_numpy()
        initial = np.zeros(len(keys), dtype=bool)
        initial[pc.list_parent_indices(parts).to_numpy()[lengths < 3]] = True
        nothing = pa.scalar("", pa.large_string())
        joined = []
        for n in np.unique(counts[counts >= 2]).tolist():
            words = parts.filter(pa.array((counts == n) & ~initial))
            columns = [pc.list_element(words, k) for k in range(n)]
            joined += [
                pc.binary_join_element_wise(*columns[k:], *columns[:k], nothing) for k in range(n)
            ]
        return pc.unique(pa.chunked_array(joined, pa.large_string()))

    def _text_words(self) -> frozenset[str]:
        """Every name word, and each with the genitive s (`_is_name`): `redact`'s prefilter."""
        if self._genitive is None:
            every = self._build().key_words
            self._genitive = every | frozenset(w + "s" for w in every if not w.endswith("s"))
        return self._genitive


#: A word for `_NameIndex`: letters and digits ("_" separates, as in `nils_holm`).
_WORDS = re.compile(r"[^\W_]+")


class _Names(NamedTuple):
    """What `_NameIndex` finds names with (all folded): `keys`, the names of two words or more,
    words joined by one space; `longest`, the most words in one; `name_words`, their words of
    two letters or more; `key_words`, all their words; `own_words`, every word of every name of
    the file, one-word names and the names addresses spell included."""

    keys: frozenset[str]
    longest: int
    name_words: frozenset[str]
    key_words: frozenset[str]
    own_words: frozenset[str]


def _name_word_counts(
    distinct: np.ndarray, words: frozenset[str] | pa.Array, joined: pa.Array | None = None
) -> tuple[np.ndarray, frozenset[str]]:
    """Per value (an object array of strings), how many of its words, folded and without digits
    at their end ("ostlund84", as user names write them), are in `words` (a set, or an Arrow
    array made once for many calls); a word in `joined` (a whole name written as one word)
    counts as two. And the words of `joined` found."""
    if isinstance(words, frozenset):
        words = pa.array(list(words), pa.large_string())
    folded = pa.array(fold_array(distinct), type=pa.large_string())
    # `_WORDS` is Unicode letters and digits ("_" separates); Arrow's `\w` is ASCII.
    spaced = pc.utf8_trim(pc.replace_substring_regex(folded, r"[^\p{L}\p{N}]+", " "), " ")
    lists = pc.split_pattern(spaced, " ")
    stems = pc.utf8_rtrim(pc.list_flatten(lists), characters="0123456789")
    inside = pc.is_in(stems, value_set=words)
    parents = pc.list_parent_indices(lists).to_numpy()
    counts = np.bincount(parents[inside.to_numpy(zero_copy_only=False)], minlength=len(distinct))
    if joined is None or not len(joined):
        return counts, frozenset()
    whole = pc.is_in(stems, value_set=joined).to_numpy(zero_copy_only=False)
    if not whole.any():
        return counts, frozenset()
    counts += 2 * np.bincount(parents[whole], minlength=len(distinct))
    return counts, frozenset(stems.filter(pa.array(whole)).to_pylist())


def _is_name(run: list[str], keys: frozenset[str]) -> bool:
    """Whether the folded words `run` are a name of `keys`: as written, or turned round
    ("Östlund Karin", "Lind Holm, Anna"), and also with the genitive s on the last word
    ("Karin Östlunds föredrag" names Karin Östlund)."""
    n = len(run)
    if any(" ".join(run[k:] + run[:k]) in keys for k in range(n)):
        return True
    last = run[-1]
    if len(last) > MIN_NAME_LENGTH and last.endswith("s"):
        run = [*run[:-1], last[:-1]]
        return any(" ".join(run[k:] + run[:k]) in keys for k in range(n))
    return False


#: A word of the text as `fold` sees it, with its place in the text (`_name_spans`): `_WORDS`,
#: with the invisible characters `fold` removes (soft hyphen, zero-width space …) and combining
#: marks (which NFC could not join to their letter) inside it, not between two words: on
#: screen "Ols\u00adson" is "Olsson", and `_name_word_counts` and `mentions` read one word.
_TEXT_WORDS = re.compile(r"[^\W_](?:[^\W_]|[\u200b\u200c\u200d\u2060\ufeff\u00ad\u0300-\u036f])*")


def _name_spans(
    value: str, index: _Names, joined: frozenset[str] = frozenset()
) -> list[tuple[int, int]]:
    """Where `value` holds a name of `index.keys` (folded words joined by a space, in their own
    order or turned round, digits at the end of a word left out: "karin.ostlund84"), or one of
    `joined` written as one word (`_is_joined_name`): (start, end) of each, longest first, not
    overlapping."""
    keys, longest = index.keys, index.longest
    words = list(_TEXT_WORDS.finditer(value))
    folded = [fold(word.group()).rstrip("0123456789") for word in words]
    spans, i = [], 0
    while i < len(words):
        for n in range(min(longest, len(words) - i), 1, -1):
            initials = [w.group() for w in words[i : i + n] if len(w.group()) == 1]
            if _is_name(folded[i : i + n], keys) and all(c.isupper() for c in initials):
                spans.append((words[i].start(), words[i + n - 1].end()))
                i += n
                break
        else:
            if _is_joined_name(words[i].group(), folded[i], joined):
                spans.append((words[i].start(), words[i].end()))
            i += 1
    return spans


def _is_joined_name(word: str, folded: str, joined: frozenset[str]) -> bool:
    """Whether `word` (`folded`: folded, digits at its end left out) is a name written as one
    word, as in a web address, a user name or a hashtag: "…/in/karinostlund",
    "@KarinOstlund84", "#ÖstlundKarin". Only in lower case, or with a capital inside (as such
    names are typed): a capitalised word or one in capitals ("Karlberg", "KARLBERG" in a
    heading) is as likely a surname or a place as "Karl Berg" run together."""
    if folded not in joined:
        return False
    letters = [c for c in word if c.isalpha()]
    capitals = [c.isupper() for c in letters]
    return bool(letters) and not all(capitals) and not (capitals[0] and not any(capitals[1:]))


#: Words that are never part of a person's name, though capitalised in an organisation's name
#: or at the start of a sentence (folded): `privacy.looks_like_name` does not take them for
#: one, so "Sundsvalll Kommun" or "Gäst Talare" are shown to the administrator. Only words
#: nobody is named; a name around one is still found ("Kommun Karin Östlund").
NOT_NAME_WORDS: frozenset[str] = frozenset(
    fold(word)
    for word in (
        *("kommun", "kommunen", "kommuner", "stad", "staden", "region", "regionen", "regioner"),
        *("landsting", "landstinget", "länsstyrelse", "länsstyrelsen", "länsstyrelser"),
        *("myndighet", "myndigheten", "myndigheter", "statlig", "statliga", "verket"),
        *("universitet", "universitetet", "högskola", "högskolan", "akademi", "akademin"),
        *("skola", "skolan", "förening", "föreningen", "förbund", "förbundet", "ideell"),
        *("företag", "företaget", "bolag", "bolaget", "ab", "näringsliv", "näringslivet"),
        *("civilsamhälle", "civilsamhället", "intresseorganisation", "branschorganisation"),
        *("fackförbund", "förvaltning", "förvaltningen", "enhet", "enheten", "avdelning"),
        *("avdelningen", "nämnd", "nämnden", "styrelse", "styrelsen", "rådet"),
        *("deltagare", "deltagarna", "åhörare", "publik", "besökare", "gäst", "gäster"),
        *("talare", "föreläsare", "panelist", "paneldeltagare", "presentatör", "inledare"),
        *("moderator", "moderatorer", "samtalsledare", "mötesledare", "arrangör"),
        *("arrangörer", "organisatör", "värd"),
    )
)


#: The vocabularies of a participant list: their values are no person (`_NonPersonal`).
_PERSON_VOCABULARIES = (ORGANISATION_TYPES, GENDERS, ROLES)


class _NonPersonal:
    """Recognises phrases that name no person (`privacy.looks_like_name`'s `known`).

    A phrase is no person when it is a municipality (`vocab.normalise_municipality`: `Upplands
    Väsby`, `Region Gotland`), a value of the participant list's vocabularies (organisation
    type, gender, role) or an organisation the project configuration names: the project, its
    owner, funders, partners (name, short form, aliases) and reference group members. The
    people it names (project leader, office, work-package leads) only with `staff`, for the
    narrative: the report prints their names from the configuration anyway, while in the
    register a name next to its pseudonym would tie the two together.
    """

    def __init__(self, project: Project | None = None, *, staff: bool = False) -> None:
        texts: list[str] = []
        if project is not None:
            texts += [project.name, project.short_name, project.owner, *project.funders]
            for partner in project.partners:
                texts += [partner.name, partner.short, *partner.aliases]
            texts += project.organisation.reference_group_members
            if staff:
                # The people the report names from the configuration (title page, the
                # Organisation section): known by name already, in the narrative too.
                texts += [project.project_leader]
                texts += [role.name for role in project.organisation.project_office]
                # A lead is free text ("Frida Bergman, strateg …"): each part on its own.
                texts += [part for wp in project.work_packages for part in wp.lead.split(",")]
        self._organisations = frozenset(" ".join(_WORDS.findall(fold(t))) for t in texts if t)

    def is_organisation(self, words: list[str]) -> bool:
        """True when `words` (a phrase's words, folded) name an organisation of the project."""
        return " ".join(words) in self._organisations

    def __call__(self, phrases: list[str]) -> np.ndarray:
        series = pd.Series(phrases, dtype=object)
        found = [normalise_municipality(series)[1].notna()]
        found += [vocabulary.normalise(series).notna() for vocabulary in _PERSON_VOCABULARIES]
        organisation = [" ".join(_WORDS.findall(fold(p))) in self._organisations for p in phrases]
        return np.logical_or.reduce([*(f.to_numpy(dtype=bool) for f in found), organisation])


class _People(NamedTuple):
    """What a participant list's issues are checked against (`_Issues._mask_personal_data`).

    `names`: each row's own name (aligned with the rows); `index`: every name of the file;
    `known`: phrases that are no person (`_NonPersonal`).
    """

    names: pd.Series
    index: _NameIndex
    known: _NonPersonal


def _swapped_name_and_organisation(
    names: pd.Series, organisations: pd.Series, known: _NonPersonal
) -> np.ndarray:
    """True where a participant row has its name and organisation the other way round, as when
    a list kept as "Organisation, Namn" is pasted into the template: the organisation is shaped
    like a person's name (`privacy.looks_like_name`, capitalised: "Karin Ekholm") and the name
    is an organisation's. A name is an organisation's when it has a word that no name has
    ("Alfa AB", "Timrå kommun": `NOT_NAME_WORDS`), is an organisation of the project
    (`_NonPersonal`), or is the organisation of a row with another name or none. Either sign
    alone is no evidence (a firm may be named after its owner; a shared mailbox may sign as
    "Timrå kommun"); together, the row's person would be the organisation, and the name
    published as an organisation. Checked once per distinct value, the names only where the
    organisation looks like a name."""
    shaped = looks_like_name(organisations, known, not_names=NOT_NAME_WORDS)
    at = np.flatnonzero(shaped)
    # A name typed as its own organisation is the row's own name (emptied: `org_personal`).
    at = at[~equals_folded(organisations.iloc[at], names.iloc[at])]
    if not len(at):
        return np.zeros(len(names), dtype=bool)
    codes, distinct = _distinct_texts(_used(names.iloc[at]))
    org_codes, org_values = _distinct_texts(organisations)
    org_codes_of: dict[str, list[int]] = {}
    for code, value in enumerate(org_values):
        org_codes_of.setdefault(_word_key(value), []).append(code)

    def organisation_elsewhere(key: str) -> bool:
        """`key` is the organisation of a row whose own name is something else (or none)."""
        if key not in org_codes_of:
            return False
        rows = names.iloc[np.flatnonzero(np.isin(org_codes, org_codes_of[key]))]
        _, own = _distinct_texts(_used(rows))
        return bool(rows.isna().any()) or any(_word_key(n) != key for n in own)

    is_organisation = np.zeros(len(distinct) + 1, dtype=bool)  # the last: an empty name
    for i, name in enumerate(distinct):
        words = _WORDS.findall(fold(name))
        key = " ".join(words)
        is_organisation[i] = (
            not NOT_NAME_WORDS.isdisjoint(words)
            or known.is_organisation(words)
            or organisation_elsewhere(key)
        )
    swapped = np.zeros(len(names), dtype=bool)
    swapped[at] = is_organisation[codes]
    return swapped


def _word_key(text: str) -> str:
    """`text`'s words, folded, joined by one space: "Timrå  Kommun" is "timra kommun"."""
    return " ".join(_WORDS.findall(fold(text)))


def _used(values: pd.Series) -> pd.Series:
    """`values` without the categories no row has (a categorical), for `_distinct_texts`."""
    if not isinstance(values.dtype, pd.CategoricalDtype):
        return values
    codes = values.cat.codes.to_numpy()
    used = np.unique(codes[codes >= 0])  # sorted: a code's position is its new code
    new = np.where(codes >= 0, np.searchsorted(used, codes), -1)
    categories = values.cat.categories[used]
    return pd.Series(pd.Categorical.from_codes(new, categories=categories), index=values.index)


def _distinct_texts(values: pd.Series) -> tuple[np.ndarray, list[str]]:
    """(codes, distinct non-empty values as str): a categorical's own, else factorised."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.cat.codes.to_numpy(), [str(c) for c in values.cat.categories]
    codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
    return codes, [str(u) for u in uniques]


def _error_text(values: pd.Series) -> pd.Series:
    """True where a (normalised text) value is an Excel error value (`ERROR_TEXTS`)."""
    return values.isin(ERROR_TEXTS).fillna(False).astype(bool)


def _warn_error_text(warnings: _Issues, mask: pd.Series, column: str) -> None:
    warnings.add(
        mask,
        column,
        "excel_error",
        f"är ett felvärde från Excel, inget värde; fältet lämnas tomt {_ERROR_FIX}.",
    )


# ---------------------------------------------------------------------------------------------
# Issues: quarantine and warning rows built from masks
# ---------------------------------------------------------------------------------------------
class _Issues:
    """Collects ISSUE_COLUMNS rows for one file, each batch built from one boolean mask.

    A shown value is replaced with `tables.MASK` (before the message quotes it) when its column
    is personal or when it holds an e-mail-shaped substring. In a participant list (`people`)
    also when it holds, as whole words, the row's own name or the name its own address spells
    (`karin` of `karin@…` too), any name of the file of two words or more (`_NameIndex`), or
    two neighbouring words shaped like a name (`privacy.looks_like_name`: `ersätter Åsa Lind`),
    unless a phrase that is no person holds them (`_NonPersonal`). Participant lists are full
    of names: there, a value is rather masked once too often than shown once too often.
    """

    def __init__(
        self,
        raw: RawTable,
        shown: dict[str, pd.Series] | None = None,
        people: _People | None = None,
    ) -> None:
        self.raw = raw
        self.people = people
        self.frames: list[pd.DataFrame] = []
        # cell_text per column, computed once per file (share it between quarantine and
        # warnings): many rules name the same column.
        self._shown = shown if shown is not None else {}

    def _cell_text(self, column: str, mask: np.ndarray) -> pd.Series:
        """`cell_text` of `column` at the rows of `mask`.

        With the file's factorisation (a CSV) only the distinct cells those rows hold become
        text: a rule usually hits a few rows of a column with tens of thousands of distinct
        cells. Otherwise (an .xlsx) the whole column, once per file.
        """
        series, factorized = self.raw.cells(column)
        if factorized is None:
            if column not in self._shown:
                self._shown[column] = cell_text(series, categorical=True)
            return self._shown[column][mask]
        codes, uniques = factorized
        codes = codes[mask]
        used = np.unique(codes[codes >= 0])  # sorted: a code's position is its new code
        codes = np.where(codes >= 0, np.searchsorted(used, codes), -1)
        return cell_text(series[mask], (codes, uniques[used]), categorical=True)

    def add(
        self,
        mask: pd.Series,
        column: str | None,
        reason: str,
        text: str | pd.Series | list[str],
        *,
        values: pd.Series | None = None,
        show_value: bool = True,
        header: str | None = None,
        if_shown: list[str] | None = None,
    ) -> None:
        """Add one issue per True row of `mask`.

        `column` is the canonical column (None for the whole row); the issue names the header
        as written, or `header` when given (with `values`: a column that is not in the spec).
        `text` (a string, a Series aligned with the rows, or a list with one text per True
        row of `mask`, in order: a few texts without a string for each row of a million)
        follows the value in the message
        and ends with the fix. `values` overrides the cell text shown as the value.
        `if_shown` (one text per True row of `mask`) replaces `text` where the value is shown
        as it is: a hint drawn from the value ("menade du Kramfors?") would tell something of
        a value that is masked.
        """
        mask = pd.Series(np.asarray(mask, dtype=bool), index=self.raw.index)
        if not mask.any():
            return
        raw = self.raw
        rows = raw.rows[mask.to_numpy()].reset_index(drop=True)
        if column is None and header is None:
            header = ""
            shown = pd.Series("", index=range(len(rows)), dtype="string")
        else:
            header = header if header is not None else raw.header(str(column))
            at = mask.to_numpy()
            shown = values[at] if values is not None else self._cell_text(column, at)
            shown = _as_string(shown.reset_index(drop=True)).astype("string")
            error = shown.isin(ERROR_TEXTS).fillna(False).to_numpy(dtype=bool)
            original = shown
            if column in PERSONAL_COLUMNS:
                shown = pd.Series(
                    mask_personal(shown).to_numpy(), index=shown.index, dtype="string"
                )
            else:
                shown = self._mask_personal_data(shown, at)
            shown = shown.mask(error, original)  # '#REF!' is nobody's name: shown as it is
            unmasked = (shown == original).fillna(True).to_numpy(dtype=bool)
            shown = shown.fillna("")
        if isinstance(text, pd.Series):
            body = text[mask].reset_index(drop=True).astype("string")
        elif isinstance(text, list):  # one per True row of `mask`, in order
            body = pd.Series(text, dtype="string")
        else:
            body = pd.Series(text, index=range(len(rows)), dtype="string")
        if if_shown is not None and column is not None:
            body = body.where(~unmasked, pd.Series(if_shown, dtype="string"))
        prefix = raw.label + " rad " + rows.astype("string")
        if not header:
            message = prefix + ": " + body
        elif show_value:
            message = prefix + f", kolumn '{header}': '" + shown + "' " + body
        else:
            message = prefix + f", kolumn '{header}' " + body
        self.frames.append(
            pd.DataFrame(
                {
                    "file": raw.name,
                    "role": raw.role,
                    "row": rows.astype("int64"),
                    "column": header,
                    "value": shown,
                    "reason": reason,
                    "message": message,
                }
            )
        )

    def add_stray(self, mask: pd.Series, reason: str, text: str, *, hide: bool) -> None:
        """Add one issue per row of `mask` with a value in a column with no header (`raw.stray`).

        The issue names the column by its Excel letter. `hide`: show `MASK` instead of the value
        (a participant list: a column without a header may hold anything, personal data too).
        """
        stray = self.raw.stray
        stray = stray[np.asarray(mask, dtype=bool)[stray["position"].to_numpy()]]
        for letter, group in stray.groupby("column", sort=False):
            at = np.zeros(self.raw.read, dtype=bool)
            at[group["position"].to_numpy()] = True
            values = pd.Series(pd.NA, index=self.raw.index, dtype="string")
            values.iloc[group["position"].to_numpy()] = MASK if hide else group["value"].to_numpy()
            self.add(at, None, reason, text, values=values, header=f"{letter} (utan rubrik)")

    def _mask_personal_data(self, shown: pd.Series, at: np.ndarray) -> pd.Series:
        """`shown` (the values of the rows `at`) with personal data replaced by `MASK`.

        Over the issue rows only (few), each distinct value (or value and name) checked once.
        """
        personal = contains_email(shown)
        people = self.people
        if people is not None:
            # The row's own name and the name its own address spells, in one pass; only where
            # the value holds a word of some name (an id or a date holds none).
            maybe = people.index.could_hold_own_name(shown)
            if maybe.any():
                rows = np.zeros(len(at), dtype=bool)
                rows[np.flatnonzero(at)[maybe]] = True
                own = pd.concat(
                    [people.names[rows].astype("string"), people.index.spelt_at(rows)],
                    ignore_index=True,
                )
                candidates = shown[maybe]
                twice = pd.concat([candidates, candidates], ignore_index=True)
                mentioned = mentions_folded(twice, own, MIN_NAME_LENGTH)
                personal[maybe] |= mentioned[: len(candidates)] | mentioned[len(candidates) :]
            personal |= people.index.mentions(shown)
            personal |= looks_like_name(
                shown,
                people.known,
                not_names=NOT_NAME_WORDS,
                name_words=people.index.name_words,
            )
        if not personal.any():
            return shown
        return shown.mask(pd.Series(personal, index=shown.index), MASK)

    def mask_texts(self, texts: list[str]) -> list[str]:
        """`texts` that belong to no row (a participant list's unknown headers), with what could
        be personal data replaced by `MASK`: an address, a name of the file, words shaped like
        a name (the checks of `_mask_personal_data` but the row's own name)."""
        if not texts or self.people is None:
            return list(texts)
        shown = pd.Series(texts, dtype="string")
        people = self.people
        personal = contains_email(shown) | people.index.mentions(shown)
        personal |= looks_like_name(
            shown, people.known, not_names=NOT_NAME_WORDS, name_words=people.index.name_words
        )
        return [MASK if hide else text for text, hide in zip(texts, personal, strict=True)]

    def frame(self) -> pd.DataFrame:
        """All issues, ordered by row (stable: the rule order within a row is kept)."""
        if not self.frames:
            return empty_frame(ISSUE_COLUMNS)
        out = pd.concat(self.frames, ignore_index=True)
        out = out.sort_values("row", kind="stable")
        return conform(out, ISSUE_COLUMNS)


#: The other rows an `id_conflict` message names; more are counted.
_CONFLICT_ROWS_SHOWN = 5


def _conflict_texts(
    raw: RawTable, text: pd.DataFrame, ids: pd.Series, conflict: pd.Series
) -> pd.Series:
    """For each row of `conflict` (rows sharing an id but differing): the rest of its
    `id_conflict` message, naming the other rows and the columns they differ in (not the
    values: the free text may hold anything), so the sheet can be fixed at once. One grouped
    count for all the ids, then a little Python per conflicting row (few)."""
    out = pd.Series("", index=raw.index, dtype="string")
    at = np.flatnonzero(np.asarray(conflict, dtype=bool))
    if not len(at):
        return out
    rows = raw.rows.to_numpy()[at]
    key = ids.iloc[at].to_numpy(dtype=object)
    columns = [c for c in text.columns if c in raw.frame.columns]
    values = text.iloc[at][columns].astype(object).reset_index(drop=True)
    distinct = values.groupby(key, sort=False).nunique(dropna=False)
    differ = {
        group: [f"'{raw.header(c)}'" for c in columns if counts[c] > 1]
        for group, counts in distinct.iterrows()
    }
    members: dict[object, list[int]] = {}
    for group, row in zip(key, rows, strict=True):
        members.setdefault(group, []).append(int(row))
    texts = []
    for group, row in zip(key, rows, strict=True):
        others = [str(r) for r in members[group] if r != row]
        if len(others) > _CONFLICT_ROWS_SHOWN:  # an id filled down a whole column: a few
            rest = len(others) - _CONFLICT_ROWS_SHOWN
            others = [
                *others[:_CONFLICT_ROWS_SHOWN],
                f"{rest} {'rad' if rest == 1 else 'rader'} till",
            ]
        texts.append(
            f"används också på rad {_and_list(others)}, som skiljer sig i "
            f"{_and_list(differ[group]) or 'formatering'}; alla sätts i karantän (ge varje "
            "aktivitet ett eget id, eller gör raderna identiska)."
        )
    out.iloc[at] = texts
    return out


def _and_list(items: list[str]) -> str:
    """ "a", "a och b", "a, b och c"."""
    return " och ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else "".join(items)


def _account(raw: RawTable, clean: int, quarantined: int, merged: int) -> FileAccount:
    return FileAccount(
        role=raw.role,
        path=display(raw.path),
        sha256=raw.sha256,
        sheet=raw.sheet,
        header_row=raw.header_row,
        read=raw.read,
        clean=int(clean),
        quarantined=int(quarantined),
        merged=int(merged),
        blank=raw.blank,
        unknown_columns=list(raw.unknown_columns),
        columns=list(raw.original_headers),
    )


def _false(raw: RawTable) -> pd.Series:
    return pd.Series(False, index=raw.index, dtype=bool)


def _extra_fields(raw: RawTable) -> pd.Series:
    """True for each row with more fields than its CSV's header row (`RawTable.stray`)."""
    out = np.zeros(raw.read, dtype=bool)
    beyond = raw.stray[raw.stray["beyond"]]
    out[beyond["position"].to_numpy()] = True
    return pd.Series(out, index=raw.index)


def _quarantine_extra_fields(
    raw: RawTable, live: pd.Series, quarantine: _Issues, *, hide: bool
) -> pd.Series:
    """Quarantine (`extra_fields`) the `live` rows with more fields than the CSV's header row.

    Their values do not line up with the headers, usually because a text holds the delimiter
    without quotes. Returns the rows. `hide`: see `_Issues.add_stray`.
    """
    extra = live & _extra_fields(raw)
    delimiter = "tabb" if raw.delimiter == "\t" else f"'{raw.delimiter}'"
    quarantine.add_stray(
        extra,
        "extra_fields",
        "ligger utanför rubrikraden: raden har fler fält än rubrikraden, så värdena kan ha "
        f"hamnat under fel rubriker, t.ex. av ett {delimiter} i en text utan citattecken (sätt "
        "texten inom citattecken, ta bort tecknet eller ge kolumnen en rubrik).",
        hide=hide,
    )
    return extra


def _repeated_headers(raw: RawTable) -> pd.Series:
    """True for each data row that is a header row again (`RawTable.repeated_headers`)."""
    out = np.zeros(raw.read, dtype=bool)
    out[raw.repeated_headers["position"].to_numpy()] = True
    return pd.Series(out, index=raw.index)


def _quarantine_repeated_headers(raw: RawTable, quarantine: _Issues) -> pd.Series:
    """Quarantine (`repeated_header`) each data row that is a header row again; return them.

    Only the first header row counts: the columns a second one adds have no header there (in
    a CSV their values are past the header's last field). Its cells are known headers, so the
    message quotes them, in a participant list too; they are the row's only problem named.
    """
    repeated = _repeated_headers(raw)
    if not repeated.any():
        return repeated
    found = raw.repeated_headers
    text = pd.Series(pd.NA, index=raw.index, dtype="string")
    only_here = found["only_here"].fillna("")
    one = ~only_here.str.contains("', '", regex=False)
    extra = (
        (
            one.map({True: " Kolumnen ", False: " Kolumnerna "}).astype("string")
            + only_here
            + " finns bara i den raden och läses inte: flytta "
            + one.map({True: "den", False: "dem"}).astype("string")
            + f" till rubrikraden på rad {raw.header_row}."
        )
        .where(only_here != "", "")
        .to_numpy()
    )
    text.iloc[found["position"].to_numpy()] = (
        "är en rubrikrad till ("
        + found["headers"]
        + f"), men bara rubrikraden på rad {raw.header_row} gäller: raden läses som data och "
        "läggs i karantän (ta bort raden)." + extra
    ).to_numpy()
    quarantine.add(repeated, None, "repeated_header", text)
    return repeated


def _quarantine_unclosed_quotes(raw: RawTable, live: pd.Series, quarantine: _Issues) -> pd.Series:
    """Quarantine (`unclosed_quote`) the `live` rows of a CSV with a cell that swallowed lines.

    A `"` that opens a cell and is never closed where it should be makes the parser read on,
    over line breaks and delimiters, until the next `"`: the lines in between become one cell
    instead of rows of their own. Each record swallowed whole is a line of the cell, after its
    first, with as many delimiters as a whole row has (the header's fields less one, not
    counting one followed by a space, as in prose): a cell with such a line is taken for that.
    A record swallowed in part (the next `"` stands in a later row's field) puts a record
    boundary inside the cell: the rest of the cell's own row on its first line and the start
    of the later row on its last line, which together hold a whole row's delimiters (the later
    row's remaining fields then follow as the cell's row's, so that row has no field too many).
    Counted per line, not over the whole cell: a correctly quoted text of several lines with
    decimal commas ("från 1,5 till 2,5") has many delimiters in all but few on each line. The
    message counts the text lines and delimiters; it never shows the cell (it holds other
    rows, names too). Returns the rows.
    """
    found = _false(raw)
    if raw.delimiter is None:  # an .xlsx has no quoting
        return found
    width = len(raw.original_headers) + len(raw.unknown_columns)
    enough = max(1, width - 1)
    delimiter = "tabb" if raw.delimiter == "\t" else f"'{raw.delimiter}'"
    text = pd.Series(pd.NA, index=raw.index, dtype="string")
    column_of = pd.Series(pd.NA, index=raw.index, dtype="string")
    for column in raw.spec.columns:
        factorized = raw.distinct(column.name)
        if factorized is None or not len(factorized[1]):
            continue
        codes, uniques = factorized
        values = pd.Series(uniques, dtype="string")
        if not values.str.contains("[\r\n]").any():  # the usual case: one pass, no count
            continue
        breaks = values.str.count("\r\n|\r|\n")
        # Prose puts a space after its commas ("kaffe, smörgås"); fields do not.
        field_delimiter = re.escape(raw.delimiter) + "(?![ ])"
        delimiters = values.str.count(field_delimiter)
        # The lines after the first of each cell with a line break (index: the cell's position).
        lines = values[breaks > 0].str.split("\r\n|\r|\n", regex=True).explode()
        count = lines.astype("string").str.count(field_delimiter)
        later = lines.groupby(level=0).cumcount().to_numpy() > 0
        widest = count[later].groupby(level=0).max()  # a whole record swallowed
        per_cell = count.groupby(level=0)
        ends = per_cell.first() + per_cell.last()  # a record boundary inside the cell
        swallowed = (widest.reindex(values.index, fill_value=0) >= enough) | (
            ends.reindex(values.index, fill_value=0) >= enough
        )
        swallowed = swallowed.to_numpy(dtype=bool)
        if not swallowed.any():
            continue
        hit = np.append(swallowed, False)[codes] & live.to_numpy() & ~found.to_numpy()
        if not hit.any():
            continue
        lines = np.append(breaks.to_numpy(dtype=np.int64) + 1, 0)[codes]
        counts = np.append(delimiters.to_numpy(dtype=np.int64), 0)[codes]
        text[hit] = [
            f"sträcker sig över {n} textrader och har {d} {delimiter} i sig: ett citattecken "
            f'(") som inte stängs har troligen slagit ihop {n} rader i filen till en, och '
            "raderna efter den första har inte lästs som egna rader (rätta citattecknen: en "
            'text med radbrytning eller avgränsare står inom "…", och ett " i en text skrivs '
            '"").'
            for n, d in zip(lines[hit], counts[hit], strict=True)
        ]
        column_of[hit] = column.name
        found[hit] = True
    for column in column_of.dropna().unique():
        quarantine.add(
            found & (column_of == column).fillna(False),
            str(column),
            "unclosed_quote",
            text,
            show_value=False,
        )
    return found


def _warn_values_without_header(
    raw: RawTable, rows: pd.Series, warnings: _Issues, *, hide: bool
) -> None:
    """Warn (`value_without_header`) about the value in a column with no header of each of `rows`
    (the kept rows and the duplicates merged into them: the value is lost either way).

    The value is read into no column; the row's other values line up.
    """
    warnings.add_stray(
        rows,
        "value_without_header",
        "står i en kolumn utan rubrik och läses inte (ge kolumnen en rubrik ur mallen, eller "
        "flytta värdet till rätt kolumn).",
        hide=hide,
    )


def _texts(raw: RawTable, skip: tuple[str, ...] = ()) -> pd.DataFrame:
    """Every spec column as normalised text (NA when empty or absent), for rules and keys.

    Categorical, like every text column cleaning works with: the rows hold small codes into
    the distinct values, not a string each (a million rows times a dozen columns would not fit
    the memory target as strings), and rules, duplicate checks and look-ups run on the codes.
    The clean tables get "string" columns from `_strings`, for the rows they keep. Columns in
    `skip` are left out (a column that is parsed otherwise, such as the e-mail).
    """
    return pd.DataFrame(
        {
            c.name: normalise_text(*raw.cells(c.name), categorical=True)
            for c in raw.spec.columns
            if c.name not in skip
        },
        index=raw.index,
    )


def _municipalities(
    text: pd.DataFrame, kept: pd.Series, warnings: _Issues
) -> tuple[pd.Series, pd.Series]:
    """The `kommun` column (both sheets): canonical name and SCB code; unknown -> warning, empty."""
    municipality, code = normalise_municipality(text["kommun"], categorical=True)
    unknown = kept & text["kommun"].notna() & municipality.isna()
    if unknown.any():
        # The nearest municipality, once per distinct value (`Kramfor`: Kramfors).
        values = text["kommun"][unknown].astype(object).tolist()
        near = {value: nearest_municipality(str(value)) for value in set(values)}
        plain = "är ingen svensk kommun; fältet lämnas tomt"
        fix = f"{plain} (skriv kommunens namn, t.ex. Sundsvall)."
        warnings.add(
            unknown,
            "kommun",
            "unknown_municipality",
            fix,
            if_shown=[f"{plain}. Menade du {near[v]}?" if near[v] else fix for v in values],
        )
    return municipality, code


def _set_where(values: pd.Series, where: pd.Series, default: str) -> pd.Series:
    """Categorical `values` with `default` where `where` is True (still categorical)."""
    if default not in values.cat.categories:
        values = values.cat.add_categories([default])
    return values.mask(where, default)


def _strings(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` with its categorical columns as "string" (`parse._as_string`), for `conform`.

    Arrow's `take` lets go of the GIL, so the columns are converted side by side.
    """
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        columns = pool.map(_as_string, [frame[name] for name in frame.columns])
        return pd.DataFrame(dict(zip(frame.columns, columns, strict=True)), index=frame.index)


def _vocabulary_value(
    text: pd.DataFrame,
    kept: pd.Series,
    warnings: _Issues,
    column: str,
    vocabulary: Vocabulary,
    default: str,
    reason: str,
    what: str,
) -> pd.Series:
    """An optional vocabulary column: canonical values, the default where empty or unknown.

    An unknown value is warned about (`reason`), naming the default and every accepted value.
    """
    values = vocabulary.normalise(text[column], categorical=True)
    accepted = ", ".join(vocabulary.values[:-1]) + " eller " + vocabulary.values[-1]
    warnings.add(
        kept & text[column].notna() & values.isna(),
        column,
        reason,
        f"är {what}; sätts till '{default}' (skriv {accepted}).",
    )
    return _with_default(values, default)


def _with_default(values: pd.Series, default: str) -> pd.Series:
    """Categorical `values` with `default` where they are NA."""
    return _set_where(values, values.isna(), default)


# ---------------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------------
def clean_activities(
    raw: RawTable, project: Project, period: Period, named_ids: frozenset[str] = frozenset()
) -> Cleaned:
    """Clean the activity register. Returns (activities, quarantine, warnings, account).

    `named_ids`: ids that hold a name of the participant lists (`_clean_tables`), quarantined
    as `personal_data_in_field`: an id is published with its activity.

    Quarantine reasons: `missing_required`, `unparseable_date`, `date_out_of_range`,
    `unknown_work_package`, `unknown_activity_type`, `id_conflict`, `excel_error` (an id or a
    title that is an Excel error value, `ERROR_TEXTS`), `extra_fields`, `unclosed_quote`,
    `repeated_header` (a header row further down), `personal_data_in_field` (an id holding an
    e-mail address, or one of `named_ids`: the id is published). Warnings: `end_before_start`,
    `unparseable_date_optional`, `unknown_municipality`, `status_missing`, `unknown_status`,
    `planned_in_past`, `unknown_organiser_role`, `unparseable_count`,
    `gender_counts_exceed_total`, `invalid_link`, `personal_data_in_field` (an e-mail address
    in `titel`, `beskrivning`, `plats` or `samverkansparter`, replaced with `EMAIL_REMOVED`;
    `clean_tables` also replaces the participant lists' names there; a `länk` holding one is
    emptied), `excel_error` (an Excel
    error value as `beskrivning`, `plats` or `samverkansparter`: emptied).
    """
    text = _texts(raw)
    shown: dict[str, pd.Series] = {}
    quarantine, warnings = _Issues(raw, shown), _Issues(raw, shown)

    # Exact duplicates merge into the first occurrence. A row with more fields than the header
    # (quarantined below) takes no part: its values may not line up, so it neither absorbs a
    # good row with the same values nor makes an id conflict with it.
    # A header row further down is a data row that is quarantined as such (and only as
    # such): like a row with extra fields, it neither merges nor makes an id conflict.
    repeated = _quarantine_repeated_headers(raw, quarantine)
    extra = _extra_fields(raw) & ~repeated
    aligned = ~extra & ~repeated
    merged = _false(raw)
    if len(text):
        merged[aligned] = text[aligned].duplicated(keep="first")
    live = ~merged & ~repeated

    # Required fields.
    ids = text["aktivitets_id"]
    starts, start_invalid = parse_dates(*raw.cells("datum"))
    work_packages = work_package_vocabulary(project).normalise(
        text["arbetspaket"], categorical=True
    )
    types = ACTIVITY_TYPES.normalise(text["aktivitetstyp"], categorical=True)
    titles = text["titel"]

    lowest = pd.Timestamp(project.start) - DATE_TOLERANCE
    highest = pd.Timestamp(project.end) + DATE_TOLERANCE
    out_of_range = starts.notna() & ((starts < lowest) | (starts > highest))
    conflict = live & aligned & ids.notna() & ids.where(live & aligned).duplicated(keep=False)

    rules: list[tuple[pd.Series, str, str, str, bool]] = [
        (
            ids.isna(),
            "aktivitets_id",
            "missing_required",
            "är tom: varje aktivitet behöver ett id (fyll i ett unikt aktivitets_id).",
            False,
        ),
        (
            conflict,
            "aktivitets_id",
            "id_conflict",
            _conflict_texts(raw, text, ids, conflict),
            True,
        ),
        (
            ids.isin(named_ids).fillna(False).astype(bool),
            "aktivitets_id",
            "personal_data_in_field",
            "innehåller namnet på en person i deltagarlistorna, som är en personuppgift och inte "
            "får publiceras (ge aktiviteten ett id utan namn, t.ex. HSO-2024-001).",
            True,
        ),
        (
            # The id is published with the activity (and its participations): never an address.
            pd.Series(contains_email(ids), index=ids.index),
            "aktivitets_id",
            "personal_data_in_field",
            "innehåller en e-postadress, som är en personuppgift och inte får publiceras (ge "
            "aktiviteten ett id utan personuppgifter, t.ex. HSO-2024-001).",
            True,
        ),
        (
            text["datum"].isna(),
            "datum",
            "missing_required",
            "är tom: aktiviteten behöver ett datum (skriv t.ex. 2024-06-12).",
            False,
        ),
        (
            start_invalid,
            "datum",
            "unparseable_date",
            "är inget datum (skriv t.ex. 2024-06-12, 12/6/2024 eller 12 juni 2024).",
            True,
        ),
        (
            out_of_range,
            "datum",
            "date_out_of_range",
            f"ligger mer än ett år utanför projektets tid ({project.start} – {project.end}) "
            "(rätta årtalet).",
            True,
        ),
        (
            text["arbetspaket"].isna(),
            "arbetspaket",
            "missing_required",
            "är tom (fyll i arbetspaket, t.ex. "
            f"{', '.join(wp.code for wp in project.work_packages)}).",
            False,
        ),
        (
            text["arbetspaket"].notna() & work_packages.isna(),
            "arbetspaket",
            "unknown_work_package",
            "är inget känt arbetspaket (skriv något av "
            f"{', '.join(wp.label for wp in project.work_packages)}).",
            True,
        ),
        (
            text["aktivitetstyp"].isna(),
            "aktivitetstyp",
            "missing_required",
            "är tom (fyll i en aktivitetstyp, t.ex. möte, workshop eller seminarium).",
            False,
        ),
        (
            text["aktivitetstyp"].notna() & types.isna(),
            "aktivitetstyp",
            "unknown_activity_type",
            "är ingen känd aktivitetstyp (använd t.ex. möte, workshop, seminarium, konferens, "
            "nätverksträff, partnerbesök, styrgruppsmöte, kommunikation eller övrigt).",
            True,
        ),
        (
            titles.isna(),
            "titel",
            "missing_required",
            "är tom (fyll i aktivitetens titel).",
            False,
        ),
        *(
            (
                _error_text(text[column]),
                column,
                "excel_error",
                f"är ett felvärde från Excel, inget värde {_ERROR_FIX}.",
                True,
            )
            for column in ("aktivitets_id", "titel")
        ),
    ]
    quarantined = repeated.copy()
    for mask, column, reason, message, show in rules:
        hit = live & mask
        quarantine.add(hit, column, reason, message, show_value=show)
        quarantined |= hit
    quarantined |= _quarantine_extra_fields(raw, live, quarantine, hide=False)
    quarantined |= _quarantine_unclosed_quotes(raw, live, quarantine)
    kept = live & ~quarantined
    # Merged rows too: a value without a header is lost with the row it stands on.
    _warn_values_without_header(raw, ~quarantined, warnings, hide=False)

    # Optional fields: emptied (or defaulted) with a warning, only for kept rows.
    ends, end_invalid = parse_dates(*raw.cells("slutdatum"))
    warnings.add(
        kept & end_invalid,
        "slutdatum",
        "unparseable_date_optional",
        "är inget datum; slutdatumet lämnas tomt (skriv t.ex. 2024-06-13).",
    )
    end_before = kept & ends.notna() & starts.notna() & (ends < starts)
    warnings.add(
        end_before,
        "slutdatum",
        "end_before_start",
        "ligger före startdatumet " + starts.dt.strftime("%Y-%m-%d").fillna("") + "; "
        "slutdatumet lämnas tomt (rätta slutdatumet).",
    )
    ends = ends.mask(end_invalid | end_before)

    municipality, municipality_code = _municipalities(text, kept, warnings)

    status_given = STATUSES.normalise(text["status"], categorical=True)
    unknown_status = text["status"].notna() & status_given.isna()
    derived = pd.Series(
        np.where(starts <= pd.Timestamp(period.end), "genomförd", "planerad"),
        index=raw.index,
        dtype="string",
    )
    warnings.add(
        kept & unknown_status,
        "status",
        "unknown_status",
        "är ingen känd status (genomförd, planerad, inställd); status sätts till '"
        + derived
        + f"' utifrån datumet och periodens slut {period.end} (rätta statusen).",
    )
    warnings.add(
        kept & text["status"].isna(),
        "status",
        "status_missing",
        "är tom; status sätts till '"
        + derived
        + f"' utifrån datumet och periodens slut {period.end} (fyll i status).",
        show_value=False,
    )
    status = status_given.astype("string").fillna(derived)
    warnings.add(
        kept & (status_given == "planerad").fillna(False) & (starts < pd.Timestamp(period.start)),
        "status",
        "planned_in_past",
        "men datumet " + starts.dt.strftime("%Y-%m-%d").fillna("") + " ligger före periodens "
        f"början {period.start} (ändra till genomförd eller inställd, eller rätta datumet).",
    )

    organiser = _vocabulary_value(
        text,
        kept,
        warnings,
        "arrangörsroll",
        ORGANISER_ROLES,
        DEFAULT_ORGANISER_ROLE,
        "unknown_organiser_role",
        "ingen känd arrangörsroll",
    )

    counts = {}
    for column in ("antal_deltagare", "antal_kvinnor", "antal_män"):
        values, approximate, invalid, too_large = parse_counts(*raw.cells(column))
        invalid = invalid | (values < 0).fillna(False)
        warnings.add(
            kept & invalid & ~too_large,
            column,
            "unparseable_count",
            "är inget antal; fältet lämnas tomt (skriv ett heltal, t.ex. 25 eller ca 250).",
        )
        warnings.add(
            kept & too_large,
            column,
            "unparseable_count",
            f"är orimligt stort för ett antal (mer än {_MAX_COUNT_TEXT}); fältet lämnas tomt "
            "(skriv det rätta antalet, t.ex. 25 eller ca 250).",
        )
        counts[column] = (values.mask(invalid), approximate & ~invalid)
    attendance, attendance_approx = counts["antal_deltagare"]
    women, men = counts["antal_kvinnor"][0], counts["antal_män"][0]
    gendered = women.fillna(0) + men.fillna(0)
    exceed = (
        kept
        & attendance.notna()
        & (women.notna() | men.notna())
        & (gendered > attendance).fillna(False)
    )
    warnings.add(
        exceed,
        "antal_deltagare",
        "gender_counts_exceed_total",
        "är mindre än kvinnor + män ("
        + gendered.astype("string").fillna("")
        + ") (rätta antalen).",
    )

    links, link_invalid = parse_urls(*raw.cells("länk"), categorical=True)
    warnings.add(
        kept & link_invalid,
        "länk",
        "invalid_link",
        "är ingen webblänk; fältet lämnas tomt (skriv hela adressen med https://).",
    )
    # A link is published as it is: one holding an address (`?user=namn@…`) is emptied.
    link_email = pd.Series(contains_email(links), index=links.index)
    links = links.mask(link_email)
    warnings.add(
        kept & link_email,
        "länk",
        "personal_data_in_field",
        "innehåller en e-postadress, som är en personuppgift och inte får publiceras; fältet "
        "lämnas tomt (länka till en sida utan personuppgifter).",
    )

    # Free text may hold anything, but never a published e-mail address: each e-mail-shaped
    # substring is replaced (over the distinct values), the row is kept, a warning is logged.
    free_text = {
        "titel": titles,
        "beskrivning": cell_text(*raw.cells("beskrivning"), categorical=True),
        "plats": text["plats"],
        "samverkansparter": parse_list(*raw.cells("samverkansparter"), categorical=True),
    }
    for column in ("beskrivning", "plats", "samverkansparter"):
        error = _error_text(text[column])
        _warn_error_text(warnings, kept & error, column)
        free_text[column] = free_text[column].mask(error)
    masked = pd.Series(MASK, index=raw.index, dtype="string")
    for column in FREE_TEXT_COLUMNS:
        free_text[column], has_email = redact_emails(free_text[column])
        warnings.add(
            kept & has_email,
            column,
            "personal_data_in_field",
            "innehöll en e-postadress, som är en personuppgift och inte får publiceras; den har "
            f"ersatts med {EMAIL_REMOVED} (skriv inga e-postadresser i registret).",
            values=masked,
        )

    activities = pd.DataFrame(
        {
            "activity_id": ids,
            "start_date": starts,
            "end_date": ends,
            "work_package": work_packages,
            "activity_type": types,
            "title": free_text["titel"],
            "description": free_text["beskrivning"],
            "place": free_text["plats"],
            "municipality": municipality,
            "municipality_code": municipality_code,
            "status": status,
            "organiser_role": organiser,
            "attendance": attendance,
            "attendance_approximate": attendance_approx.astype(bool),
            "women": women,
            "men": men,
            "parties": free_text["samverkansparter"],
            "link": links,
            "source_row": raw.rows.to_numpy(),
        },
        index=raw.index,
    )
    activities = conform(_strings(activities.loc[kept.to_numpy()]), ACTIVITY_COLUMNS)
    account = _account(raw, kept.sum(), quarantined.sum(), merged.sum())
    merges = _Issues(raw, shown)
    if merged.any():
        # The row each merged into: the first with the same text in every column (hashed).
        same = pd.util.hash_pandas_object(text[aligned], index=False).to_numpy()
        repeats = _repeats(same, np.flatnonzero(aligned.to_numpy()), len(raw.index))
        # Equal rows have equal hashes: the merged rows are among the hash's (all of them, but
        # for a collision).
        exact = merged.to_numpy()
        _add_merges(
            merges,
            _Repeats(exact, repeats.into[exact[repeats.merged]]),
            "är en exakt kopia av rad {row} och räknas bara en gång (ta bort kopian).",
        )
    return Cleaned(activities, quarantine.frame(), warnings.frame(), account, merges.frame())


# ---------------------------------------------------------------------------------------------
# Participants
# ---------------------------------------------------------------------------------------------
def clean_participants(
    raw: RawTable, activities: pd.DataFrame, key: bytes, project: Project | None = None
) -> Cleaned:
    """Clean the participant lists against the clean register; pseudonymise people.

    Returns (participations, quarantine, warnings, account). Quarantine reasons:
    `missing_required`, `unknown_activity`, `no_identity`, `extra_fields`, `unclosed_quote`,
    `repeated_header` (a header row further down), `name_organisation_swapped` (the name is an
    organisation's and the organisation a person's name). Warnings: `invalid_email`,
    `personal_data_in_field` (an `organisation` that is an e-mail address, the row's own name
    or another participant's name, from `namn` or spelt by an address: emptied before the
    identity is built), `unknown_organisation_type`, `unknown_municipality`,
    `unknown_gender`, `unknown_role`, `merged_differs` (a merged row that said something else
    than the row it merged into), `same_name_as_emailed` (no e-mail, but the name and
    organisation of a row with one: two people to every count), `excel_error` (an Excel error
    value as the name or the organisation: emptied).
    Names and e-mails never leave this function except as `person_key`: an issue value that
    holds an e-mail-shaped substring, the row's own name, any name of the file or words shaped
    like a name is masked (`_Issues`). `project` names organisations that are no person (a
    partner such as `Almi Mitt` is shown); without it, more values are masked.
    """
    return _clean_participants(raw, activities, key, project)[0]


def _clean_participants(
    raw: RawTable,
    activities: pd.DataFrame,
    key: bytes,
    project: Project | None,
    held_back: Mapping[str, str] | None = None,
) -> tuple[Cleaned, _People]:
    """`clean_participants`, and what the file's issues were checked against (its names).

    `held_back`: per id of a register row in quarantine, where that row is
    (`_quarantined_ids`), so that a list row of such an activity says which row to fix first.
    """
    text = _texts(raw, skip=("e-post",))  # the e-mail is parsed by normalise_email
    # An Excel error value as the name or organisation is no name: emptied, warned about below.
    name_error, org_error = _error_text(text["namn"]), _error_text(text["organisation"])
    names = text["namn"].mask(name_error)
    organisations = text["organisation"].mask(org_error)
    known = _NonPersonal(project)
    # Name and organisation the other way round: whose row it is cannot be known (quarantined
    # below). The names are looked for the right way round.
    swapped = pd.Series(
        _swapped_name_and_organisation(names, organisations, known), index=raw.index
    )
    own_names, own_organisations = names, text["organisation"]
    if swapped.any():
        as_text = names.astype("string"), text["organisation"].astype("string")
        own_names = as_text[0].where(~swapped, as_text[1])
        own_organisations = as_text[1].where(~swapped, as_text[0])
    name_index = _NameIndex(own_names, own_organisations, raw.cells("e-post"))
    people = _People(own_names, name_index, known)
    shown: dict[str, pd.Series] = {}
    quarantine = _Issues(raw, shown, people)
    warnings = _Issues(raw, shown, people)

    ids = text["aktivitets_id"]
    known_ids = pd.Index(activities["activity_id"].dropna().astype("string").unique())
    emails, email_invalid = normalise_email(*raw.cells("e-post"), categorical=True)
    emails = emails.mask(email_invalid)
    # An address, the row's own name or another participant's name typed as the organisation is
    # personal data: emptied (like an invalid e-mail, before the identity is built), warned
    # about below.
    org_personal = pd.Series(
        contains_email(organisations)
        | equals_folded(organisations, names)
        | name_index.mentions(organisations),
        index=raw.index,
    )
    organisations = organisations.mask(org_personal)
    identities = make_identity(emails, names, organisations, categorical=True)
    no_identity = identities.isna()

    repeated = _quarantine_repeated_headers(raw, quarantine)
    missing_id = ids.isna() & ~repeated
    unknown = ids.notna() & ~ids.isin(known_ids) & ~repeated
    no_identity &= ~repeated
    swapped &= ~repeated & ~no_identity
    quarantine.add(
        missing_id,
        "aktivitets_id",
        "missing_required",
        "är tom: raden går inte att knyta till en aktivitet (fyll i aktivitetens id).",
        show_value=False,
    )
    held_back = held_back or {}
    waiting = unknown & ids.isin(list(held_back)).fillna(False).astype(bool)
    quarantine.add(
        unknown & ~waiting,
        "aktivitets_id",
        "unknown_activity",
        "finns inte i aktivitetsregistret (rätta id:t, eller lägg till aktiviteten i "
        "aktivitetsregistret).",
    )
    quarantine.add(
        waiting,
        "aktivitets_id",
        "unknown_activity",
        [
            f"är en aktivitet som ligger i karantän i aktivitetsregistret ({held_back[i]}, så "
            "räknas också den här raden."
            for i in ids[waiting].astype(str).tolist()
        ],
    )
    # One of two texts per row, coded (no string per row).
    fix = "; raden kan inte knytas till en person (fyll i namn eller e-post)."
    why = pd.Categorical.from_codes(
        np.where(email_invalid.to_numpy(), 0, 1),
        categories=[
            "namn saknas och e-postadressen är ogiltig" + fix,
            "varken namn eller e-post är ifyllt" + fix,
        ],
    )
    quarantine.add(no_identity, None, "no_identity", pd.Series(why, index=raw.index))
    quarantine.add(
        swapped,
        "organisation",
        "name_organisation_swapped",
        "ser ut som en persons namn, och namnet på raden som en organisations: namn och "
        "organisation verkar ha bytt plats, och raden kan inte knytas till en person (byt "
        "tillbaka dem i bladet; värdet visas inte här: det kan vara en personuppgift).",
        values=pd.Series(MASK, index=raw.index, dtype="string"),
    )
    quarantined = repeated | missing_id | unknown | no_identity | swapped
    data_rows = ~repeated
    quarantined |= _quarantine_extra_fields(raw, data_rows, quarantine, hide=True)
    quarantined |= _quarantine_unclosed_quotes(raw, data_rows, quarantine)
    candidates = ~quarantined

    if candidates.any():
        # Pseudonymised per distinct identity, then kept for the candidate rows only.
        person_keys = pseudonymise(identities, key, categorical=True).where(candidates)
    else:
        person_keys = pd.Series(pd.NA, index=raw.index, dtype="string")
    at = np.flatnonzero(candidates.to_numpy())
    repeats = _repeats(_pairs(ids, person_keys, at) if len(at) else at, at, len(raw.index))
    merged = pd.Series(repeats.merged, index=raw.index)
    kept = candidates & ~merged
    # Merged rows too: a value without a header is lost with the row it stands on.
    _warn_values_without_header(raw, candidates, warnings, hide=True)

    _warn_error_text(warnings, kept & name_error, "namn")
    _warn_error_text(warnings, kept & org_error, "organisation")
    warnings.add(
        kept & email_invalid,
        "e-post",
        "invalid_email",
        "har ingen giltig e-postadress (värdet visas inte här: det är en personuppgift); "
        "fältet lämnas tomt och personen identifieras med namn och organisation (rätta "
        "adressen, t.ex. namn@kommun.example).",
        show_value=False,
    )
    warnings.add(
        kept & org_personal,
        "organisation",
        "personal_data_in_field",
        "ser ut att vara ett namn eller en e-postadress, alltså en personuppgift; fältet lämnas "
        "tomt (skriv organisationens namn där, t.ex. Timrå kommun).",
        values=pd.Series(MASK, index=raw.index, dtype="string"),
    )
    _warn_same_name_as_emailed(
        raw, kept, candidates, emails, email_invalid, names, organisations, warnings
    )

    org_types = ORGANISATION_TYPES.normalise(text["organisationstyp"], categorical=True)
    unknown_org_type = text["organisationstyp"].notna() & org_types.isna()
    warnings.add(
        kept & unknown_org_type,
        "organisationstyp",
        "unknown_organisation_type",
        f"är ingen känd organisationstyp; sätts till '{FALLBACK_ORGANISATION_TYPE}' (använd "
        "t.ex. kommun, region, länsstyrelse, statlig myndighet, näringsliv, akademi, "
        "civilsamhälle eller intresseorganisation).",
    )
    org_types = _set_where(org_types, unknown_org_type, FALLBACK_ORGANISATION_TYPE)

    municipality, municipality_code = _municipalities(text, kept, warnings)

    genders = _vocabulary_value(
        text, kept, warnings, "kön", GENDERS, DEFAULT_GENDER, "unknown_gender", "inget känt kön"
    )
    roles = _vocabulary_value(
        text, kept, warnings, "roll", ROLES, DEFAULT_ROLE, "unknown_role", "ingen känd roll"
    )

    participations = pd.DataFrame(
        {
            "activity_id": ids,
            "person_key": person_keys,
            "organisation": organisations,
            "organisation_type": org_types,
            "municipality": municipality,
            "municipality_code": municipality_code,
            "gender": genders,
            "role": roles,
            "source_row": raw.rows.to_numpy(),
        },
        index=raw.index,
    )
    _warn_merged_differences(
        raw,
        repeats,
        {
            "organisation": organisations,
            "organisationstyp": org_types,
            "kommun": municipality,
            "kön": genders,
            "roll": roles,
        },
        warnings,
    )
    participations = conform(_strings(participations.loc[kept.to_numpy()]), PARTICIPATION_COLUMNS)
    account = _account(raw, kept.sum(), quarantined.sum(), merged.sum())
    # An unknown header is shown in datakvalitet.html and run.json: a name typed as one is not.
    account.unknown_columns = warnings.mask_texts(account.unknown_columns)
    merges = _Issues(raw, shown, people)
    if merged.any():
        _add_merges(
            merges,
            repeats,
            "är samma person på samma aktivitet som rad {row} och räknas bara en gång.",
        )
    cleaned = Cleaned(participations, quarantine.frame(), warnings.frame(), account, merges.frame())
    return cleaned, people


def _warn_same_name_as_emailed(
    raw: RawTable,
    kept: pd.Series,
    candidates: pd.Series,
    emails: pd.Series,
    email_invalid: pd.Series,
    names: pd.Series,
    organisations: pd.Series,
    warnings: _Issues,
) -> None:
    """Warn (`same_name_as_emailed`) about each kept row with an empty e-mail cell whose name
    and organisation (folded, as the identity folds them) are those of a row with an address.
    A row whose address is invalid has its own warning (`invalid_email`), which says that the
    row is known by its name and organisation instead.

    A person is known by the address, else by name + organisation, so the two rows count as two
    people in every unique-participant figure. Whether they are one cannot be known from the
    sheet (two people may share a name), so nothing is merged: the warning names the first
    such row with an address, and the fix is to type the address in. Worked on codes of the
    folded values (`names` and `organisations` are categorical), not on a string per row.
    """
    has_email = emails.notna().to_numpy()
    named = names.notna().to_numpy()
    without = kept.to_numpy() & ~has_email & ~email_invalid.to_numpy(dtype=bool) & named
    emailed = candidates.to_numpy() & has_email & named
    if not (without.any() and emailed.any()):
        return
    name_codes, _ = _folded_codes(names)
    org_codes, orgs = _folded_codes(organisations)
    pairs, _ = pd.factorize(name_codes.astype(np.int64) * orgs + org_codes)
    first_row = np.full(pairs.max() + 1, np.iinfo(np.int64).max)
    np.minimum.at(first_row, pairs[emailed], raw.rows.to_numpy()[emailed].astype(np.int64))
    matched = without & (first_row[pairs] < np.iinfo(np.int64).max)
    if not matched.any():
        return
    warnings.add(
        matched,
        "e-post",
        "same_name_as_emailed",
        [
            f"är tom, men namn och organisation är desamma som på rad {row}, som har en "
            "e-postadress: raderna räknas som två olika personer (fyll i e-postadressen om "
            "det är samma person; ändra inget om det är två personer med samma namn)."
            for row in first_row[pairs[matched]].tolist()
        ],
        show_value=False,
    )


def _folded_codes(series: pd.Series) -> tuple[np.ndarray, int]:
    """Per row of a categorical, one code for its value as `make_identity` folds it (an empty
    value as ""): values that fold alike share a code. Returns the codes and their number."""
    categories = series.cat.categories.to_numpy(dtype=object)
    folded, distinct = pd.factorize(np.append(fold_array(categories), ""))
    codes = series.cat.codes.to_numpy()
    return folded[np.where(codes < 0, len(categories), codes)], len(distinct)


class _Repeats(NamedTuple):
    """Rows grouped by a key (`_repeats`): `merged`, over all rows, True for each row whose key
    an earlier one of the grouped rows has; `into`, per merged row (in order), the position of
    the first grouped row with its key."""

    merged: np.ndarray
    into: np.ndarray


def _repeats(keys: np.ndarray, at: np.ndarray, n: int) -> _Repeats:
    """`_Repeats` of the rows `at` (positions among `n` rows), one key each (`keys`).

    One factorisation: `pd.factorize` numbers the keys in the order they first appear, so a
    row is its key's first exactly when its code is larger than every code before it, and
    the first rows, in order, are the first row of code 0, 1, 2 … (no sort, no second hash).
    """
    merged = np.zeros(n, dtype=bool)
    if not len(at):
        return _Repeats(merged, np.zeros(0, dtype=np.int64))
    codes, _ = pd.factorize(keys)
    before = np.maximum.accumulate(np.concatenate([[-1], codes[:-1]]))
    first = codes > before
    merged[at[~first]] = True
    return _Repeats(merged, at[first][codes[~first]])


def _pairs(ids: pd.Series, persons: pd.Series, at: np.ndarray) -> np.ndarray:
    """One integer per row of `at` (positions) for its (activity, person) pair: the look-up
    hashes integers, not strings (both columns are categorical and set on those rows)."""
    pair = ids.cat.codes.to_numpy()[at].astype(np.int64) * len(persons.cat.categories)
    return pair + persons.cat.codes.to_numpy()[at]


def _add_merges(merges: _Issues, repeats: _Repeats, sentence: str) -> None:
    """One `merged_duplicate` issue per merged row: `sentence`, with the row it merged into as
    its ``{row}``."""
    into = merges.raw.rows.to_numpy()[repeats.into].tolist()
    merges.add(
        repeats.merged, "aktivitets_id", "merged_duplicate", [sentence.format(row=r) for r in into]
    )


def _warn_merged_differences(
    raw: RawTable, repeats: _Repeats, values: dict[str, pd.Series], warnings: _Issues
) -> None:
    """Warn (`merged_differs`) about each merged row whose cleaned `values` differ from those of
    the row it merged into (`repeats`), naming that row and the columns, never the values (an
    organisation may be personal data).

    The first row's values count; without the warning, e.g. a 'talare' on the second row would
    vanish from the speaker indicators without a word.
    """
    if not repeats.merged.any():
        return
    duplicate, original = np.flatnonzero(repeats.merged), repeats.into
    both = np.concatenate([duplicate, original])
    differ = {}
    for name, series in values.items():  # codes of the merged rows and of their first rows
        coded = _distinct_texts(series.iloc[both])[0]
        differ[name] = coded[: len(duplicate)] != coded[len(duplicate) :]
    which = np.column_stack(list(differ.values()))
    hit = which.any(axis=1)
    if not hit.any():
        return
    names = list(differ)
    source = raw.rows.to_numpy()
    messages = []
    for first_row, columns in zip(source[original[hit]], which[hit], strict=True):
        listed = [n for n, d in zip(names, columns, strict=True) if d]
        joined = " och ".join(filter(None, [", ".join(listed[:-1]), listed[-1]]))
        messages.append(
            f"är samma person på samma aktivitet som rad {first_row} och räknas bara en gång, "
            f"men raderna skiljer sig åt i {joined}; uppgifterna på rad {first_row} gäller "
            f"(rätta rad {first_row} om de är fel, och ta bort dubbletten)."
        )
    mask = np.zeros(len(raw.index), dtype=bool)
    mask[duplicate[hit]] = True
    text = pd.Series(pd.NA, index=raw.index, dtype="string")
    text[mask] = messages  # the rows in order, as `duplicate` is
    warnings.add(pd.Series(mask, index=raw.index), None, "merged_differs", text)


# ---------------------------------------------------------------------------------------------
# Both files
# ---------------------------------------------------------------------------------------------
def clean_inputs(params: RunParams, key: bytes) -> CleanResult:
    """Read and clean both input files of a period; return the `CleanResult`.

    Raises `InputFileError` for a file-level problem and `RunError` if a file's row accounting
    does not balance (a bug: it should never happen).
    """
    where = params.source_name()
    raw_activities = read_table(
        params.activities, ACTIVITY_SPEC, params.activities_sheet, "activities", where
    )
    raw_participants = read_table(
        params.participants, PARTICIPANT_SPEC, params.participants_sheet, "participants", where
    )
    activities, participations, people = _clean_tables(
        raw_activities, raw_participants, params.project, params.period, key
    )
    # The staff the report names from the configuration may be named in the narrative too.
    staff = people._replace(known=_NonPersonal(params.project, staff=True))
    narrative, notices = redact_narrative(
        params.read_narrative(), staff, display(params.narrative) if params.narrative else ""
    )
    accounts = [activities.account, participations.account]
    for account in accounts:
        if not account.balanced():
            raise RunError(
                f"Radbokföringen för {account.path} går inte ihop: lästa {account.read} ≠ rena "
                f"{account.clean} + karantän {account.quarantined} + sammanslagna "
                f"{account.merged}. Detta är ett programfel; rapportera det med filen."
            )
    return CleanResult(
        activities=activities.table,
        participations=participations.table,
        quarantine=_concat_issues(activities.quarantine, participations.quarantine),
        warnings=_concat_issues(activities.warnings, participations.warnings),
        accounts=accounts,
        merges=_concat_issues(activities.merges, participations.merges),
        narrative=narrative,
        narrative_notices=notices,
    )


def redact_narrative(text: str, people: _People, name: str) -> tuple[str, list[str]]:
    """The narrative `text` (file `name`) as it may be published, and a notice per line changed.

    The narrative is published as written, so the rules of the register's free text hold:
    each e-mail-shaped substring becomes `EMAIL_REMOVED` (line by line), and each name of the
    participant lists (`_NameIndex.redact`, as in the lists or turned round) `NAME_REMOVED`,
    searched in the whole text, since Markdown wraps a sentence, and a name, over lines. A
    phrase that is no person (a municipality, an organisation of the project) is kept. A
    Markdown link whose address lost a name or an address is shown as its text alone
    (`_unlink_redacted`). The notices name the file and line (of the file as written), never
    the name.
    """
    if not text:
        return text, []
    lines, has_email = redact_emails(pd.Series(text.split("\n"), dtype="string"))
    # Composed (NFC) once, so that a place in the text is the same in every step below.
    written = [unicodedata.normalize("NFC", line) for line in lines.fillna("").tolist()]
    joined = _redact_narrative_names("\n".join(written), people)
    named: set[int] = set()
    if joined != "\n".join(written):
        # The lines a name was taken from (a name over two lines joins them into one).
        matcher = difflib.SequenceMatcher(a=written, b=joined.split("\n"), autojunk=False)
        for tag, first, last, _, _ in matcher.get_opcodes():
            if tag != "equal":
                named.update(range(first, max(last, first + 1)))
    notices = []
    for line in sorted(set(np.flatnonzero(has_email).tolist()) | named):
        what = " och ".join(
            part
            for part, found in (
                (f"en e-postadress har ersatts med {EMAIL_REMOVED}", has_email[line]),
                (
                    f"namnet på en person i deltagarlistorna har ersatts med {NAME_REMOVED}",
                    line in named,
                ),
            )
            if found
        )
        notices.append(
            f"{name} rad {line + 1}: {what}; berättelsen publiceras, och personuppgifter får "
            "inte stå i den (skriv om meningen utan namn och adress)."
        )
    return _unlink_redacted(joined), notices


#: A Markdown link whose address holds a replacement: with its space the report would no
#: longer read it as a link, and would show "[profil](https://…/in/[namn borttaget])" as
#: written.
#: (A replacement is no link's text: "Karin Östlund(Olof Dahlberg)" keeps both of its own.)
_REMOVED = "|".join(re.escape(removed) for removed in (NAME_REMOVED, EMAIL_REMOVED))
_REDACTED_LINK = re.compile(
    rf"(?!{_REMOVED})\[((?:[^\[\]\n]|{_REMOVED})+)\]\([^()\n]*?(?:{_REMOVED})[^()\n]*\)"
)


def _unlink_redacted(text: str) -> str:
    """`text` with each Markdown link whose address lost a name or an address (`_REDACTED_LINK`)
    replaced by the link's text: "Se [profilen](https://…/in/karinostlund)" is published as
    "Se profilen"; the address went nowhere the reader may follow."""
    return _REDACTED_LINK.sub(lambda link: link.group(1), text)


#: HTML written into Markdown: a tag or an entity. The report shows it as text, so the words
#: around it are read as one phrase ("<b>Sanna</b> Olsson", "Olof&nbsp;Dahlberg"), and an
#: entity that stands for a letter as that letter ("Karin &Ouml;stlund", "K&#97;rin", as text
#: copied from a web page's source writes them; `_projected`). Also a character encoded as in
#: a web address, one UTF-8 character at a time: "…?n=Sanna%20Olsson", "Karin%20%C3%96stlund".
_MARKUP = re.compile(
    r"<[^<>\n]*>|&#?\w+;|%[0-7][0-9A-Fa-f]|%[C-Fc-f][0-9A-Fa-f](?:%[89ABab][0-9A-Fa-f]){1,3}"
)


def _projected(markup: re.Match[str]) -> str:
    """What `_redact_narrative_names` searches in place of a tag, an entity or an encoded
    character, as long as it: the letter it stands for, then invisible characters that `fold`
    drops; else spaces."""
    written = markup.group()
    if written.startswith("%"):
        letter = _utf8(written)
    else:
        letter = html.unescape(written) if written.startswith("&") else ""
    if len(letter) == 1 and letter.isalnum():
        return letter + "\u200b" * (len(written) - 1)
    return " " * len(written)


def _utf8(encoded: str) -> str:
    """The character a run of %-encoded UTF-8 bytes stands for, or "" if it is none."""
    try:
        return bytes.fromhex(encoded.replace("%", "")).decode("utf-8")
    except ValueError:
        return ""


#: Markdown's emphasis and code marks: inside a word the report joins the pieces into one word
#: ("K**arin**" shows as "Karin").
_MARKS = re.compile(r"[*_`]")
_MARK_RUNS = re.compile(r"\*+|_+|`+")
_WORD_CHARACTER = re.compile(r"\w")


def _redact_narrative_names(text: str, people: _People) -> str:
    """`text` with each name of the lists (`_NameIndex`, in their own order or turned round) as
    the report shows it replaced by `NAME_REMOVED`, unless it is a phrase that is no person.

    Searched twice, in copies of the text whose places match it: with HTML tags and entities
    as spaces (the report prints them as text, between words) and an entity for a letter as
    that letter (`_projected`), then also with the Markdown marks as invisible characters
    inside a word (`_TEXT_WORDS` keeps them in it, `fold` drops them). The Markdown marks
    inside a name go with it, and so do their partners right beside it ("**Karin** Östlund");
    a mark whose partner stands further off is kept beside the replacement
    (`_replace_keeping_marks`), so that no "**" is left on its own to show as written.
    """
    index = people.index._build()
    if not index.keys:
        return text
    for marks_join in (False, True):
        projection = _MARKUP.sub(_projected, text)
        if marks_join:
            projection = _MARKS.sub("\u200b", projection)
        _, joined = people.index._may_hold_names(np.asarray([projection], dtype=object))
        spans = _name_spans(projection, index, joined)
        if not spans:
            continue
        keep = np.asarray(people.known([projection[a:b] for a, b in spans]), dtype=bool)
        for (a, b), known in reversed(list(zip(spans, keep, strict=True))):
            if known:
                continue
            text = _replace_keeping_marks(text, a, b)
    return text


def _replace_keeping_marks(text: str, a: int, b: int) -> str:
    """`text` with `text[a:b]` (a name) replaced by `NAME_REMOVED`, its Markdown marks balanced.

    The mark runs inside the name are paired as the report's Markdown (`present._inline`)
    pairs them: a run after a character that is no space can close, one before such a
    character can open ("K**arin**" pairs its two); a single "_" inside a word marks nothing
    ("@karin_ostlund") and goes with the name. A pair inside the name goes with it, and so
    does a run whose partner stands right beside the name ("**Karin** Östlund", "_Olof_
    Dahlberg"). A run whose partner is further off stays, before the replacement if it opens
    and after it if it closes: "**Karin Östlund och Olof** Dahlberg" becomes "**[namn
    borttaget] och [namn borttaget]**", bold as written.
    """
    before: list[str] = []
    after: list[str] = []
    opened: list[str] = []
    for mark in _MARK_RUNS.finditer(text, a, b):
        run, start, end = mark.group(), mark.start(), mark.end()
        before_mark = text[start - 1] if start else " "
        after_mark = text[end] if end < len(text) else " "
        can_close = not before_mark.isspace()
        can_open = not after_mark.isspace()
        if run == "_":  # as the report's `present._EM`: one "_" never marks inside a word
            can_close = can_close and not _WORD_CHARACTER.match(after_mark)
            can_open = can_open and not _WORD_CHARACTER.match(before_mark)
        elif run.startswith("`"):  # a code span (`present._CODE`): spaces do not matter
            can_close = can_open = True
        if can_close and opened and opened[-1] == run:
            opened.pop()
        elif can_close and text[:a].endswith(run):
            a -= len(run)
        elif can_open:
            opened.append(run)
        elif can_close:
            after.append(run)
        # (else it stands between spaces: no mark, and it goes with the name)
    for run in reversed(opened):
        if text.startswith(run, b):
            b += len(run)
        else:
            before.insert(0, run)
    return text[:a] + "".join(before) + NAME_REMOVED + "".join(after) + text[b:]


def clean_tables(
    raw_activities: RawTable,
    raw_participants: RawTable,
    project: Project,
    period: Period,
    key: bytes,
) -> tuple[Cleaned, Cleaned]:
    """Clean a period's register and its participant lists: (activities, participations).

    The register first, then the lists against it; then the names of the lists are taken out
    of the register's free text (`_redact_register_names`), which is published.
    """
    activities, participations, _ = _clean_tables(
        raw_activities, raw_participants, project, period, key
    )
    return activities, participations


def _clean_tables(
    raw_activities: RawTable,
    raw_participants: RawTable,
    project: Project,
    period: Period,
    key: bytes,
) -> tuple[Cleaned, Cleaned, _People]:
    """`clean_tables`, and the names of the lists (`_People`) for the narrative.

    An id of the register that holds a name of the lists (known only once the lists are read)
    is quarantined, and the register and the lists are cleaned again without it: rare, and
    its participations must not keep the id either.
    """

    if raw_activities.path.resolve() == raw_participants.path.resolve():  # one workbook
        raw_activities = dataclasses.replace(raw_activities, shared_file=True)
        raw_participants = dataclasses.replace(raw_participants, shared_file=True)

    def against(register: Cleaned) -> tuple[Cleaned, _People]:
        held_back = _quarantined_ids(raw_activities, register)
        return _clean_participants(raw_participants, register.table, key, project, held_back)

    activities = clean_activities(raw_activities, project, period)
    participations, people = against(activities)
    ids = activities.table["activity_id"].astype("string")
    _, named = people.index.redact(ids, people.known)
    if named.any():
        named_ids = frozenset(ids[named].tolist())
        activities = clean_activities(raw_activities, project, period, named_ids)
        participations, people = against(activities)
    return _redact_register_names(activities, raw_activities, people), participations, people


def _quarantined_ids(raw: RawTable, register: Cleaned) -> dict[str, str]:
    """Per id of a register row in quarantine, where it is and what to do: "aktiviteter.xlsx
    rad 7); rätta den raden först" ("rad 3 och 9 … de raderna" for rows that conflict)."""
    rows = register.quarantine["row"].dropna().astype("int64").unique()
    if not len(rows):
        return {}
    positions = pd.Index(raw.rows.to_numpy()).get_indexer(rows)
    rows, positions = rows[positions >= 0], positions[positions >= 0]
    ids = normalise_text(raw.column("aktivitets_id").iloc[positions].reset_index(drop=True))
    where: dict[str, list[int]] = {}
    for row, found in zip(rows.tolist(), ids.tolist(), strict=True):
        if isinstance(found, str):
            where.setdefault(found, []).append(row)
    return {
        found: f"{raw.label} rad {_and_list([str(r) for r in sorted(at)])}); rätta "
        f"{'den raden' if len(at) == 1 else 'de raderna'} först"
        for found, at in where.items()
    }


#: The register's free-text columns: (column of the sheet, column of the clean table).
_FREE_TEXT_FIELDS = (
    ("titel", "title"),
    ("beskrivning", "description"),
    ("plats", "place"),
    ("samverkansparter", "parties"),
)


#: What separates the words of a web address ("karin-ostlund", "Olof+Dahlberg", "k.ostlund").
_URL_SEPARATORS = r"[/\-._+?=&#:;,~]+"


def _redact_register_names(register: Cleaned, raw: RawTable, people: _People) -> Cleaned:
    """`register` (cleaned from `raw`) without the names of the participant lists (`people`).

    A participant's name in the register's free text ("Workshop med Sanna Olsson") would be
    published in the report and the evaluation package, next to the person's pseudonym on the
    same activity: each name of two words or more (`_NameIndex`, as in the lists or spelt by
    their addresses) is replaced by `NAME_REMOVED` and warned about (`personal_data_in_field`).
    A phrase that is no person (a municipality, an organisation of the project) is kept. The
    register's issue values that mention one are masked (`MASK`), in `value` and `message`.
    """
    table = register.table.copy()
    found = _Issues(raw)
    position = pd.Index(raw.rows.to_numpy())  # Excel row -> the row's position in `raw`
    masked = pd.Series(MASK, index=raw.index, dtype="string")
    for column, field in _FREE_TEXT_FIELDS:
        table[field], hit = people.index.redact(table[field], people.known)
        rows = np.zeros(raw.read, dtype=bool)
        rows[position.get_indexer(table["source_row"].to_numpy()[hit])] = True
        found.add(
            rows,
            column,
            "personal_data_in_field",
            "innehöll namnet på en person i deltagarlistorna, som är en personuppgift och inte "
            f"får publiceras; namnet har ersatts med {NAME_REMOVED} (skriv inga deltagares namn "
            "i registret).",
            values=masked,
        )
    # A link is published as it is and cannot be partly blanked: one that names a participant
    # ("…/frukost-med-karin-ostlund", "?namn=Olof+Dahlberg", "…/karinostlund") or holds an
    # address written as %40 is emptied, with the same warning.
    links = table["link"].astype("string")
    decoded = links.map(unquote_plus, na_action="ignore").astype("string")
    words = decoded.str.replace(_URL_SEPARATORS, " ", regex=True)
    _, named = people.index.redact(words, people.known)
    personal = named | people.index.joined_in(decoded, people.known) | contains_email(decoded)
    if personal.any():
        table["link"] = table["link"].mask(pd.Series(personal, index=table.index))
        rows = np.zeros(raw.read, dtype=bool)
        rows[position.get_indexer(table["source_row"].to_numpy()[personal])] = True
        found.add(
            rows,
            "länk",
            "personal_data_in_field",
            "innehöll ett namn ur deltagarlistorna eller en e-postadress, som är "
            "personuppgifter och inte får publiceras; fältet lämnas tomt (länka till en sida "
            "utan personuppgifter).",
            values=masked,
        )
    quarantine, warnings, merges = (
        _mask_mentioned_names(frame, people.index)
        for frame in (register.quarantine, register.warnings, register.merges)
    )
    if found.frames:
        warnings = pd.concat([warnings, found.frame()], ignore_index=True)
        warnings = conform(warnings.sort_values("row", kind="stable"), ISSUE_COLUMNS)
    # An unknown header is shown in datakvalitet.html, the log and run.json: a participant's
    # name or an address typed as one is not (as in a participant list).
    unknown = _Issues(raw, people=people).mask_texts(register.account.unknown_columns)
    account = dataclasses.replace(register.account, unknown_columns=unknown)
    return Cleaned(table, quarantine, warnings, account, merges)


def _mask_mentioned_names(issues: pd.DataFrame, index: _NameIndex) -> pd.DataFrame:
    """`issues` (ISSUE_COLUMNS) with each value that holds a name of `index` shown as `MASK`."""
    hit = index.mentions(issues["value"].fillna(""))
    if not hit.any():
        return issues
    issues = issues.copy()
    values, messages = (
        issues["value"].to_numpy(dtype=object),
        issues["message"].to_numpy(dtype=object),
    )
    for i in np.flatnonzero(hit):  # the message quotes the value as ": '<value>' "
        messages[i] = messages[i].replace(f": '{values[i]}'", f": '{MASK}'", 1)
    issues["value"] = pd.Series(np.where(hit, MASK, values), index=issues.index, dtype="string")
    issues["message"] = pd.Series(messages, index=issues.index, dtype="string")
    return conform(issues, ISSUE_COLUMNS)


def _concat_issues(*frames: pd.DataFrame) -> pd.DataFrame:
    return conform(pd.concat(frames, ignore_index=True), ISSUE_COLUMNS)
