"""Tests for hso_eval.privacy: identities, pseudonyms, masks and formula-safe text."""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import zipfile
from itertools import pairwise
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from hso_eval.parse import fold
from hso_eval.privacy import (
    FORMULA_PREFIXES,
    address_names,
    contains_email,
    hmac_sha256,
    looks_like_name,
    make_identity,
    mask_personal,
    neutralise_formulas,
    neutralise_text,
    pseudonymise,
    redact_emails,
    restore_text,
)
from hso_eval.tables import MASK

SETTINGS = settings(max_examples=150, deadline=None)
KEY = b"0123456789abcdef-demo-key"
OTHER_KEY = b"fedcba9876543210-other-key"


def strings(values: list[object]) -> pd.Series:
    return pd.Series(values, dtype="string")


# ---------------------------------------------------------------------------------------------
# Identities
# ---------------------------------------------------------------------------------------------
def test_identity_uses_the_email_when_there_is_one() -> None:
    """A row with an e-mail is identified by it, whatever the name says."""
    identity = make_identity(
        strings(["anna@x.example", "anna@x.example"]),
        strings(["Anna Berg", "A. Berg"]),
        strings(["X", None]),
    )
    assert identity.tolist() == ["e:anna@x.example", "e:anna@x.example"]


def test_identity_falls_back_to_name_and_organisation_ignoring_case_and_accents() -> None:
    """Without e-mail, `Åsa  Berg, SCB` and `asa berg, scb` are the same person."""
    identity = make_identity(
        strings([None, "", None]),
        strings(["Åsa  Berg", "asa berg ", "Åsa Berg"]),
        strings(["SCB", "scb", None]),
    )
    assert identity.iloc[0] == identity.iloc[1]
    assert identity.iloc[0].startswith("n:")
    assert identity.iloc[2] != identity.iloc[0]  # same name, no organisation: another key


def test_identity_is_na_without_email_and_name() -> None:
    """A row with neither e-mail nor name has no identity (NA), even with an organisation."""
    identity = make_identity(strings([None, " "]), strings([None, ""]), strings(["SCB", "SCB"]))
    assert identity.isna().all()
    assert identity.dtype == "string"


@SETTINGS
@given(
    st.lists(
        st.tuples(st.none() | st.text(), st.none() | st.text(), st.none() | st.text()), max_size=8
    )
)
def test_identity_never_raises_and_is_na_only_without_email_and_name(
    rows: list[tuple[str | None, str | None, str | None]],
) -> None:
    """Every row with an e-mail or a name gets an identity; the others get NA."""
    email, name, organisation = (strings([r[i] for r in rows]) for i in range(3))
    identity = make_identity(email, name, organisation)
    has_any = [bool((e or "").strip()) or bool((n or "").strip()) for e, n, _ in rows]
    assert identity.notna().tolist() == has_any


# ---------------------------------------------------------------------------------------------
# Pseudonyms
# ---------------------------------------------------------------------------------------------
@settings(max_examples=300, deadline=None)
@given(
    st.one_of(st.binary(min_size=1, max_size=200), st.sampled_from([b"k" * 64, b"k" * 65])),
    st.binary(max_size=300),
)
def test_fast_hmac_is_hmac_sha256_for_every_key_and_message(key: bytes, message: bytes) -> None:
    """The pseudonyms stay what `hmac.new` gives: keys shorter, as long as, longer than a block."""
    digest = hmac_sha256(key)
    assert digest(message) == hmac.new(key, message, hashlib.sha256).hexdigest()
    assert digest(message) == digest(message)  # the shared hash states are not consumed


def test_pseudonym_is_the_keyed_hmac_sha256_cut_to_20_hex_characters() -> None:
    """The pseudonym is HMAC-SHA256(key, identity), first 20 hex characters."""
    expected = hmac.new(KEY, b"e:anna@x.example", hashlib.sha256).hexdigest()[:20]
    assert pseudonymise(strings(["e:anna@x.example"]), KEY).iloc[0] == expected


def test_pseudonym_keeps_na() -> None:
    """A row without identity has no pseudonym."""
    result = pseudonymise(strings([None, "e:a@x.example"]), KEY)
    assert pd.isna(result.iloc[0]) and len(result.iloc[1]) == 20
    assert result.dtype == "string"


def test_pseudonym_refuses_a_missing_key() -> None:
    """An empty or text key is refused instead of giving guessable pseudonyms."""
    with pytest.raises(ValueError, match="Pseudonymnyckeln"):
        pseudonymise(strings(["e:a@x.example"]), b"")
    with pytest.raises(ValueError, match="Pseudonymnyckeln"):
        pseudonymise(strings(["e:a@x.example"]), "text-key")  # type: ignore[arg-type]


@SETTINGS
@given(st.lists(st.text(min_size=1), min_size=1, max_size=8))
def test_pseudonyms_are_stable_per_key_and_differ_between_keys(identities: list[str]) -> None:
    """The same identity and key give the same pseudonym; another key gives another."""
    series = strings(identities)
    first = pseudonymise(series, KEY)
    assert first.tolist() == pseudonymise(series, KEY).tolist()
    other = pseudonymise(series, OTHER_KEY)
    assert all(a != b for a, b in zip(first, other, strict=True))
    assert first.str.fullmatch(r"[0-9a-f]{20}").all()


@SETTINGS
@given(st.text(), st.text())
def test_different_identities_get_different_pseudonyms(a: str, b: str) -> None:
    """Two different people do not share a pseudonym."""
    assume(a != b)
    result = pseudonymise(strings([a, b]), KEY)
    assert result.iloc[0] != result.iloc[1]


# ---------------------------------------------------------------------------------------------
# Formula neutralising
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize("prefix", FORMULA_PREFIXES)
def test_neutralise_text_prefixes_every_dangerous_start(prefix: str) -> None:
    """Text starting with =, +, -, @, tab or carriage return gets a leading apostrophe."""
    assert neutralise_text(f"{prefix}HYPERLINK(x)") == f"'{prefix}HYPERLINK(x)"


def test_neutralise_text_leaves_ordinary_text() -> None:
    """Ordinary text, and a formula character later in the text, is left as it is."""
    assert neutralise_text("Möte om a=b") == "Möte om a=b"
    assert neutralise_text("") == ""


def test_neutralise_formulas_changes_text_columns_only_and_leaves_the_input() -> None:
    """Text cells are neutralised; numbers, also negative, stay numbers; the input is unchanged."""
    frame = pd.DataFrame(
        {
            "title": pd.Series(["=1+1", "Workshop", None, "@SUM(A1)"], dtype="string"),
            "attendance": pd.Series([-5, 10, None, 3], dtype="Int64"),
            "share": [-0.5, 0.1, 0.2, 0.3],
            "mixed": pd.Series([-7, "-7", "+46 70", None], dtype=object),
        }
    )
    before = frame.copy()
    result = neutralise_formulas(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert result["title"].tolist()[:2] == ["'=1+1", "Workshop"]
    assert result["title"].iloc[3] == "'@SUM(A1)"
    pd.testing.assert_series_equal(result["attendance"], frame["attendance"])
    pd.testing.assert_series_equal(result["share"], frame["share"])
    assert result["mixed"].iloc[0] == -7
    assert result["mixed"].tolist()[1:3] == ["'-7", "'+46 70"]
    assert result.dtypes.equals(frame.dtypes)


def test_neutralise_formulas_handles_categorical_text() -> None:
    """Categorical text columns are neutralised too."""
    frame = pd.DataFrame({"status": pd.Categorical(["=x", "ok", "=x"])})
    assert neutralise_formulas(frame)["status"].astype(str).tolist() == ["'=x", "ok", "'=x"]


frames = st.lists(
    st.tuples(st.text(), st.integers(min_value=-(10**6), max_value=10**6), st.none() | st.text()),
    max_size=8,
).map(
    lambda rows: pd.DataFrame(
        {
            "text": pd.Series([r[0] for r in rows], dtype="string"),
            "number": pd.Series([r[1] for r in rows], dtype="int64"),
            "objects": pd.Series([r[2] if r[2] else r[1] for r in rows], dtype=object),
        }
    )
)


@SETTINGS
@given(frames)
def test_no_cell_starts_a_formula_after_neutralising(frame: pd.DataFrame) -> None:
    """After neutralising, no text cell starts with a formula character; numbers are unchanged."""
    result = neutralise_formulas(frame)
    for column in ("text", "objects"):
        texts = [v for v in result[column] if isinstance(v, str)]
        assert not any(v.startswith(FORMULA_PREFIXES) for v in texts)
    pd.testing.assert_series_equal(result["number"], frame["number"])
    numbers = [v for v in frame["objects"] if not isinstance(v, str)]
    assert [v for v in result["objects"] if not isinstance(v, str)] == numbers


def test_neutralise_text_prefixes_a_leading_apostrophe_too() -> None:
    """A text typed with a leading ' gets one more, so it cannot pass for a neutralised one."""
    assert neutralise_text("'+46 Sundsvalls") == "''+46 Sundsvalls"
    assert neutralise_text("'") == "''"
    assert neutralise_text("+46 Sundsvalls") == "'+46 Sundsvalls"
    assert neutralise_text("+46 Sundsvalls") != neutralise_text("'+46 Sundsvalls")


def test_neutralise_formulas_keeps_distinct_values_distinct() -> None:
    """`+46 X` and `'+46 X` (also as categories) stay two values: a unique column stays unique."""
    values = ["+46 X", "'+46 X", "''+46 X", "46 X"]
    for dtype in ("string", "category", object):
        frame = pd.DataFrame({"organisation": pd.Series(values, dtype=dtype)})
        result = neutralise_formulas(frame)["organisation"].astype(str).tolist()
        assert result == ["'+46 X", "''+46 X", "'''+46 X", "46 X"], dtype
        assert [restore_text(v) for v in result] == values


@SETTINGS
@given(st.text(), st.text())
def test_neutralising_is_injective(a: str, b: str) -> None:
    """Two different texts never become the same text."""
    assume(a != b)
    assert neutralise_text(a) != neutralise_text(b)


@SETTINGS
@given(frames)
def test_restore_text_undoes_neutralising(frame: pd.DataFrame) -> None:
    """Removing one leading ' from every text cell that has one gives the original frame back."""
    result = neutralise_formulas(frame)
    for column in ("text", "objects"):
        restored = [restore_text(v) if isinstance(v, str) else v for v in result[column]]
        assert restored == frame[column].tolist()


@SETTINGS
@given(st.text())
def test_neutralising_only_adds_an_apostrophe(text: str) -> None:
    """The neutralised text is the original, at most with one apostrophe in front."""
    result = neutralise_text(text)
    assert result in (text, "'" + text)
    assert restore_text(result) == text


# ---------------------------------------------------------------------------------------------
# Masking
# ---------------------------------------------------------------------------------------------
def test_mask_personal_hides_every_non_empty_value() -> None:
    """Names, e-mails and any other non-empty value become the mask; empty stays NA."""
    values = pd.Series(["Anna Berg", "anna@x.example", 123, None, "", "  "], dtype=object)
    result = mask_personal(values)
    assert result.tolist()[:3] == [MASK, MASK, MASK]
    assert result.iloc[3:].isna().all()
    assert result.dtype == "string"


@SETTINGS
@given(st.lists(st.none() | st.text(), max_size=8))
def test_mask_personal_never_shows_the_original(values: list[str | None]) -> None:
    """No original text survives masking: every value is the mask or NA."""
    result = mask_personal(pd.Series(values, dtype=object))
    assert set(result.dropna()) <= {MASK}
    assert len(result) == len(values)


# ---------------------------------------------------------------------------------------------
# Names spelt by addresses, and text shaped like a name
# ---------------------------------------------------------------------------------------------
def test_address_names_read_the_name_in_the_local_part() -> None:
    """The words of the local part, folded; digits and separators only split words."""
    values = [
        "Karin.Östlund2@harnosand.example",
        "nils_holm@x.example",
        "k.ostlund@",  # no domain: still an address as typed
        "mailto:eva-lena.ek@x.example",
        "Anna Lind <anna.lind@x.example>",
        "Sundsvall",
        "12@x.example",
        None,
        "a.berg@x.example; c.dahl@y.example",
    ]
    first, more = address_names(values)
    assert first.tolist() == [
        "karin ostlund",
        "nils holm",
        "k ostlund",
        "eva lena ek",
        "anna lind",
        None,
        "",
        None,
        "a berg",
    ]
    assert more == [(8, "c dahl")]


def no_phrase_known(phrases: list[str]) -> np.ndarray:
    return np.zeros(len(phrases), dtype=bool)


def test_an_address_written_against_spam_is_still_taken_out_of_free_text() -> None:
    """Web pages write addresses so that programs miss them; a reader does not. Such an address
    in the register's free text or the narrative is removed like any other, and "(at)" that
    no address follows stays."""
    values = strings(
        [
            "Anmälan: anna.sjoberg [at] harnosand.example.",
            "bo(snabel-a)hso(punkt)example eller CIA (AT) PLATS.EXAMPLE",
            "Frågor till dan [@] org.example",
            "Lunch (at) 12.30, möte (at) Sundsvall, fika [at] kontoret.",
            None,
        ]
    )
    redacted, changed = redact_emails(values)
    removed = "[e-postadress borttagen]"
    assert redacted.tolist()[:4] == [
        f"Anmälan: {removed}.",
        f"{removed} eller {removed}",
        f"Frågor till {removed}",
        "Lunch (at) 12.30, möte (at) Sundsvall, fika [at] kontoret.",
    ]
    assert pd.isna(redacted.iloc[4])
    assert changed.tolist() == [True, True, True, False, False]
    # The same addresses empty an organisation or a link and are masked in messages.
    assert contains_email(values).tolist() == [True, True, True, False, False]
    # A long cell costs linear time: bounded as addresses are (no catastrophic backtracking).
    assert not contains_email(strings(["(at) " + "a" * 50_000, "b" * 50_000 + " (at)"])).any()


@pytest.mark.parametrize(
    "address",
    [
        "olga.okand @ test.example",
        "olga.okand@ test.example",
        "olga.okand ＠ test.example",  # a full-width "@"
        "olga.okand at test.example",
        "OLGA.OKAND AT TEST.EXAMPLE",
        "olga.okand\u00a0at\u00a0test.example",  # no-break spaces
        "olga.okand%40test.example",
        "olga.okand&#64;test.example",
        "olga.okand&#x40;test.example",
    ],
)
def test_an_address_typed_with_spaces_or_an_encoded_at_sign_is_taken_out(address: str) -> None:
    """A space around the "@", a full-width "@", "at" as a word, or "@" encoded as in a web
    address or in HTML: a reader still sees the address, so it is removed and masked."""
    values = strings([f"Anmälan till {address} senast 1 mars."])
    redacted, changed = redact_emails(values)
    assert redacted.tolist() == ["Anmälan till [e-postadress borttagen] senast 1 mars."]
    assert changed.tolist() == [True]
    assert contains_email(values).tolist() == [True]


def test_an_address_is_found_in_a_column_that_also_holds_numbers() -> None:
    """A sheet's column can mix numbers and text: the addresses in it, disguised too, are
    found all the same, and the rest is left as it was."""
    values = pd.Series(
        [12, "olga.okand at test.example", None, 3.5, "möte at 10.30", "olga ＠ test.example"],
        dtype=object,
    )
    assert contains_email(values).tolist() == [False, True, False, False, False, True]
    redacted, changed = redact_emails(values)
    assert changed.tolist() == [False, True, False, False, False, True]
    assert redacted.iloc[1] == redacted.iloc[5] == "[e-postadress borttagen]"
    assert redacted.iloc[4] == "möte at 10.30"
    assert redacted.iloc[0] == "12"  # as it reads


def test_at_as_a_word_without_an_address_after_it_stays() -> None:
    """ "at" or "@" followed by no domain of a dotted name ending in letters is no address."""
    values = ["möte at 10.30", "Fika @ kafét", "att göra data", "Vi ses @ Sundsvall.", "(a) punkt"]
    redacted, changed = redact_emails(strings(values))
    assert redacted.tolist() == values
    assert not changed.any()
    assert not contains_email(strings(values)).any()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Karin Östlund", True),
        ("ersätter Åsa Lind", True),
        ("ÅSA LIND", True),
        ("K. Östlund", True),
        ("Östlund, Karin", True),
        ("Anna-Karin", True),
        ("Karin von Essen", True),
        ("Kommun Karin Östlund", True),  # a word that is no name around a name
        ("Sundsvalll", False),
        ("ersätter Karin", False),
        ("gäst", False),
        ("K/M", False),  # initials alone
        ("Sundsvalll Kommun", False),  # "kommun" is no name
        ("HSO-2024-001", False),
        ("BEN-X1234", False),  # a word with a digit is no name
        ("åsa lind", False),  # lower case: only when the words are names of the file
        # Decomposed letters (A + combining ring), as some systems store them.
        ("ersätter \u0041\u030asa \u004f\u0308berg", True),
        ("\u0041\u030asa \u004f\u0308berg", True),
    ],
)
def test_looks_like_name(value: str, expected: bool) -> None:
    found = looks_like_name(strings([value]), no_phrase_known, not_names=frozenset({"kommun"}))
    assert found.tolist() == [expected]


def test_looks_like_name_knows_the_names_words_and_the_phrases_that_are_no_person() -> None:
    """Lower-case words count when they are names' words; a known phrase is no name, unless
    another name word stands next to it."""
    values = strings(["åsa lind", "åsa", "Upplands Väsby", "Upplands Väsby Karin", None])
    asked: list[list[str]] = []

    def known(phrases: list[str]) -> np.ndarray:
        asked.append(phrases)
        return np.array([p == "Upplands Väsby" for p in phrases], dtype=bool)

    found = looks_like_name(values, known, name_words=frozenset({"asa", "lind"}))
    assert found.tolist() == [True, False, False, True, False]
    assert len(asked) == 1  # every candidate phrase in one call


CAPITALS = "ABDEFGHIJKLMNOPRSTUVÅÄÖ"
LOWER = "abdefghijklmnoprstuvyåäö"
name_word = st.builds(
    lambda first, rest: first + rest,
    st.sampled_from(CAPITALS),
    st.text(alphabet=LOWER, min_size=1, max_size=10),
)


@SETTINGS
@given(
    st.lists(name_word, min_size=2, max_size=3),
    st.sampled_from(["", "ersätter ", "för ", "(", "ring "]),
    st.sampled_from(["", " (vikarie)", ".", " sjuk"]),
)
def test_any_capitalised_full_name_in_a_text_looks_like_a_name(
    words: list[str], before: str, after: str
) -> None:
    """Two or three capitalised words, alone or in a text, are always taken for a name."""
    value = before + " ".join(words) + after
    assert looks_like_name(strings([value]), no_phrase_known).tolist() == [True]


@SETTINGS
@given(st.text(alphabet=CAPITALS + LOWER, min_size=1, max_size=20))
def test_one_word_never_looks_like_a_name(word: str) -> None:
    """A single word (a misspelt municipality, an unknown role) is shown to the administrator."""
    assert looks_like_name(strings([word]), no_phrase_known).tolist() == [False]


# ---------------------------------------------------------------------------------------------
# The whole run: no output file holds a name typed anywhere in the participant list
# ---------------------------------------------------------------------------------------------
def _output_text(folder: Path) -> str:
    """Every output file as text: HTML unescaped, JSON (notebooks, run.json) decoded, every
    part of an xlsx; folded (case and diacritics ignored)."""
    chunks = []
    for path in sorted(folder.rglob("*")):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                chunks += [html.unescape(z.read(n).decode("utf-8")) for n in z.namelist()]
            continue
        text = path.read_bytes().decode("utf-8")
        if path.suffix in (".json", ".ipynb"):
            text = json.dumps(json.loads(text), ensure_ascii=False)
        chunks.append(html.unescape(text))
    return fold("\n".join(chunks))


@pytest.mark.e2e
def test_a_run_publishes_no_name_typed_in_the_wrong_column(tmp_path: Path) -> None:
    """The reviewer's participant list (names as organisation type, municipality, role and, in
    a shifted row, as the id) through `hso-eval run`: no output file holds a name, and the
    data-quality report still lists the four problems with file, row and column."""
    from conftest import run_cli, write_params

    (tmp_path / "aktiviteter.csv").write_text(
        "aktivitets_id;datum;arbetspaket;aktivitetstyp;titel;status;länk\n"
        "A1;2024-03-15;AP1;möte;Startmöte;genomförd;https://x.example/?u=nils.holm@x.example\n"
        "A2;2024-04-10;AP2;workshop;Workshop;genomförd;\n"
        "A3;2024-05-20;AP3;seminarium;Seminarium;genomförd;\n"
        "bo@x.example;2024-05-21;AP3;seminarium;Seminarium 2;genomförd;\n"
        "Karin Östlund;2024-05-22;AP3;seminarium;Seminarium 3;genomförd;\n",
        encoding="utf-8",
    )
    narrative = tmp_path / "berattelse-2024H1.md"
    narrative.write_text(
        "## Inledning\n\nBo Ek (nils.holm@x.example) och Holm, Nils talade.\n", encoding="utf-8"
    )
    (tmp_path / "deltagare.csv").write_text(
        "aktivitets_id;namn;e-post;organisation;organisationstyp;kommun;kön;roll\n"
        "A1;;karin.ostlund@harnosand.example;Härnösands kommun;Karin Östlund;Härnösand;K;"
        "deltagare\n"
        "A2;;nils.holm@x.example;Org;kommun;Nils Holm;M;deltagare\n"
        "A3;Bo Ek;bo@x.example;Org;kommun;Sundsvall;M;ersätter Åsa Lind\n"
        "Karin Östlund;karin.ostlund@harnosand.example;Härnösands kommun;kommun;Härnösand;K;"
        "deltagare\n",
        encoding="utf-8",
    )
    params = write_params(
        tmp_path,
        "2024H1",
        activities=str(tmp_path / "aktiviteter.csv"),
        participants=str(tmp_path / "deltagare.csv"),
        narrative=str(narrative),
    )
    result = run_cli("run", str(params))
    assert result.returncode == 0, result.stderr
    folder = tmp_path / "reports" / "2024H1"
    text = _output_text(folder) + fold(result.stdout + result.stderr)
    for name in ("karin ostlund", "ostlund", "nils holm", "holm, nils", "asa lind", "bo ek"):
        assert name not in text, name
    for address in ("nils.holm@", "bo@x", "karin.ostlund@"):
        assert address not in text, address
    quality = html.unescape((folder / "datakvalitet.html").read_text(encoding="utf-8"))
    for row, column in [(2, "organisationstyp"), (3, "kommun"), (4, "roll"), (5, "aktivitets_id")]:
        assert f"deltagare.csv rad {row}, kolumn '{column}': '{MASK}'" in quality
    assert (
        f"aktiviteter.csv rad 5, kolumn 'aktivitets_id': '{MASK}' innehåller en e-postadress"
        in quality
    )
    assert f"aktiviteter.csv rad 2, kolumn 'länk': '{MASK}' innehåller en e-postadress" in quality
    assert (
        f"aktiviteter.csv rad 6, kolumn 'aktivitets_id': '{MASK}' innehåller namnet på en person"
        in quality
    )
    assert "berattelse-2024H1.md rad 3: en e-postadress har ersatts" in quality
    report = html.unescape((folder / "halvarsrapport.html").read_text(encoding="utf-8"))
    assert "[namn borttaget] ([e-postadress borttagen]) och [namn borttaget] talade." in report


@SETTINGS
@given(
    st.text(
        alphabet=st.one_of(
            st.sampled_from("AaBbÅåÖöÉé12_-. ,;:()/'\u0308\u00a0\t"),
            st.characters(codec="utf-8", categories=("L", "N", "M", "P", "Z", "S")),
        ),
        max_size=20,
    )
)
def test_the_arrow_pre_check_finds_every_value_with_two_words_of_letters(text: str) -> None:
    """`looks_like_name` hands only the values with two neighbouring words of letters to Python
    (found in Arrow); it must find exactly those that Python's words give."""
    from hso_eval.privacy import _NAME_WORD, _two_letter_words

    words = _NAME_WORD.findall(text)
    expected = any(a.isalpha() and b.isalpha() for a, b in pairwise(words))
    found = _two_letter_words(np.array([text, None], dtype=object)).tolist()
    assert found == ([0] if expected else [])
