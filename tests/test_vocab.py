"""Tests for hso_eval.vocab: vocabularies, work packages and municipalities."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hso_eval.config import Project, load_project
from hso_eval.errors import ParameterError
from hso_eval.vocab import (
    ACTIVITY_TYPES,
    GENDERS,
    MUNICIPALITY_SHORT_FORMS,
    ORGANISATION_TYPES,
    ORGANISER_ROLES,
    ROLES,
    STATUSES,
    Vocabulary,
    load_municipalities,
    normalise_municipality,
    work_package_vocabulary,
)

SETTINGS = settings(max_examples=150, deadline=None)
PROJECT_FILE = Path("/work/main/params/project.yaml")
ALL_VOCABULARIES = [ACTIVITY_TYPES, ORGANISATION_TYPES, GENDERS, ROLES, STATUSES, ORGANISER_ROLES]

cells = st.one_of(
    st.text(), st.none(), st.integers(), st.floats(allow_nan=True), st.booleans(), st.dates()
)


@pytest.fixture(scope="module")
def project() -> Project:
    return load_project(PROJECT_FILE)


def objects(values: list[object]) -> pd.Series:
    return pd.Series(values, dtype=object)


# ---------------------------------------------------------------------------------------------
# The Vocabulary class
# ---------------------------------------------------------------------------------------------
def test_vocabulary_matches_variants_ignoring_case_spaces_and_diacritics() -> None:
    """Variants, any case, spaces around or inside, and missing diacritics all match."""
    vocabulary = Vocabulary("färg", {"röd": ["rött", "röda"], "blå": ["blått"]})
    result = vocabulary.normalise(objects(["RÖD", "  rott ", "Röda", "blå", "bla", "blatt"]))
    assert result.tolist() == ["röd", "röd", "röd", "blå", "blå", "blå"]
    assert vocabulary.values == ("röd", "blå")


def test_vocabulary_gives_na_for_empty_and_unknown_values() -> None:
    """Empty cells and unknown words both come back as NA (dtype string)."""
    vocabulary = Vocabulary("färg", {"röd": [], "blå": []})
    result = vocabulary.normalise(objects(["grön", "", None, "  "]))
    assert result.isna().all()
    assert result.dtype == "string"


def test_vocabulary_prefers_the_exact_spelling_when_diacritics_tell_values_apart() -> None:
    """When two values differ only by diacritics, each spelling keeps its own value."""
    vocabulary = Vocabulary("ord", {"man": [], "mån": []})
    assert vocabulary.lookup("MAN") == "man"
    assert vocabulary.lookup("Mån") == "mån"


def test_vocabulary_rejects_a_variant_that_means_two_values() -> None:
    """A list where one variant means two values is refused with a Swedish message."""
    with pytest.raises(ValueError, match="kan betyda både"):
        Vocabulary("ord", {"a": ["x"], "b": ["X "]})


def test_vocabulary_lookup_of_one_value() -> None:
    """`lookup` gives the canonical value for one cell, or None."""
    assert STATUSES.lookup(" Genomfört ") == "genomförd"
    assert STATUSES.lookup("kanske") is None
    assert STATUSES.lookup(None) is None


@SETTINGS
@given(st.sampled_from(ALL_VOCABULARIES), st.lists(cells, max_size=8))
def test_vocabulary_never_raises_and_twice_equals_once(
    vocabulary: Vocabulary, values: list[object]
) -> None:
    """Any cell gives a canonical value or NA; normalising the result again changes nothing."""
    once = vocabulary.normalise(objects(values))
    assert set(once.dropna()) <= set(vocabulary.values)
    pd.testing.assert_series_equal(vocabulary.normalise(once), once)


@pytest.mark.parametrize("vocabulary", ALL_VOCABULARIES, ids=lambda v: v.name)
def test_every_canonical_value_is_accepted_in_capitals(vocabulary: Vocabulary) -> None:
    """Each canonical value, written in capitals, maps to itself."""
    upper = objects([v.upper() for v in vocabulary.values])
    assert vocabulary.normalise(upper).tolist() == list(vocabulary.values)


# ---------------------------------------------------------------------------------------------
# The contract's vocabularies
# ---------------------------------------------------------------------------------------------
CONTRACT_VARIANTS = {
    "aktivitetstyp": {
        "möte": ["möte", "Mote"],
        "workshop": ["workshop", "Workshops"],
        "seminarium": ["seminarium", "panelsamtal", "webbinarium", "Seminarier"],
        "konferens": ["konferens", "mässa", "arena"],
        "nätverksträff": ["nätverksträff", "mingel", "nätverk"],
        "partnerbesök": ["partnerbesök", "besök"],
        "styrgruppsmöte": ["styrgruppsmöte", "styrgrupp"],
        "referensgruppsmöte": ["referensgruppsmöte", "referensgrupp"],
        "studiebesök": ["studiebesök"],
        "utbildning": ["utbildning"],
        "kommunikation": ["kommunikation", "publicering", "material", "annons", "webb"],
        "upphandling": ["upphandling"],
        "rapportering": ["rapportering"],
        "övrigt": ["övrigt", "ovrigt"],
    },
    "organisationstyp": {
        "kommun": ["kommun"],
        "region": ["region"],
        "länsstyrelse": ["länsstyrelse"],
        "statlig myndighet": ["statlig myndighet", "myndighet", "Statlig  myndighet"],
        "näringsliv": ["näringsliv", "företag", "bolag"],
        "akademi": ["akademi", "universitet", "högskola"],
        "civilsamhälle": ["civilsamhälle", "ideell", "förening"],
        "intresseorganisation": ["intresseorganisation", "bransch", "fack"],
        "övrigt": ["övrigt"],
    },
    "kön": {
        "kvinna": ["kvinna", "k", "K", "kv", "f", "w", "female", "Woman"],
        "man": ["man", "m", "M", "male"],
        "annat": ["annat", "icke-binär", "annan"],
        "ej angivet": ["ej angivet", "-", "vill ej uppge", "Vill ej uppge"],
    },
    "roll": {
        "deltagare": ["deltagare", "åhörare"],
        "talare": ["talare", "föreläsare", "panelist"],
        "moderator": ["moderator"],
        "arrangör": ["arrangör", "arrangor"],
    },
    "status": {
        "genomförd": ["genomförd", "genomfört", "klar"],
        "planerad": ["planerad", "planerat"],
        "inställd": ["inställd", "inställt", "avbokad", "avbokat"],
    },
    "arrangörsroll": {
        "egen": ["egen", "eget"],
        "samarrangemang": ["samarrangemang", "samarr", "medarrangör"],
        "deltagande": ["deltagande", "deltog"],
    },
}


@pytest.mark.parametrize("vocabulary", ALL_VOCABULARIES, ids=lambda v: v.name)
def test_contract_vocabularies_accept_every_listed_variant(vocabulary: Vocabulary) -> None:
    """Every variant the input contract lists maps to its value."""
    expected = CONTRACT_VARIANTS[vocabulary.name]
    assert set(vocabulary.values) == set(expected)
    for canonical, variants in expected.items():
        for variant in variants:
            assert vocabulary.lookup(f" {variant} ") == canonical, variant


def test_gender_empty_is_na_for_the_caller_to_default() -> None:
    """An empty gender cell is NA (the caller defaults it to "ej angivet"), not unknown text."""
    assert GENDERS.normalise(objects(["", None])).isna().all()


# ---------------------------------------------------------------------------------------------
# Work packages
# ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("AP1", "AP1"),
        ("AP 1", "AP1"),
        ("ap1", "AP1"),
        ("1", "AP1"),
        (1, "AP1"),
        (1.0, "AP1"),
        ("Arbetspaket 1", "AP1"),
        ("AP3 - Påverkansarbete", "AP3"),
        ("AP3 – Påverkansarbete", "AP3"),
        ("AP 3: Påverkansarbete", "AP3"),
        ("Arbetspaket 3 - Påverkansarbete", "AP3"),
        ("Påverkansarbete", "AP3"),
        ("paverkansarbete", "AP3"),
        ("Samverkansstrukturer", "AP2"),
        ("Samverkan", "AP2"),
        ("AP4 Projektledning", "AP4"),
        ("Samordning", "AP4"),
    ],
)
def test_work_packages_accept_codes_numbers_names_and_aliases(
    project: Project, text: object, code: str
) -> None:
    """A work package written as code, number, name, code plus name or alias is found."""
    vocabulary = work_package_vocabulary(project)
    assert vocabulary.normalise(objects([text])).iloc[0] == code


@pytest.mark.parametrize("text", ["AP5", "5", "AP", "AP3 - Samverkan", "Påverkan", "AP12"])
def test_work_packages_reject_unknown_packages_and_mismatched_names(
    project: Project, text: str
) -> None:
    """An unknown package, or a code with another package's name, is not guessed."""
    assert pd.isna(work_package_vocabulary(project).normalise(objects([text])).iloc[0])


def test_work_packages_come_from_the_configuration(project: Project) -> None:
    """Renaming a package in the configuration changes what is accepted."""
    renamed = dataclasses.replace(
        project.work_packages[2], name="Opinionsbildning", aliases=("Lobbying",)
    )
    changed = dataclasses.replace(
        project, work_packages=(*project.work_packages[:2], renamed, *project.work_packages[3:])
    )
    vocabulary = work_package_vocabulary(changed)
    assert vocabulary.values == tuple(wp.code for wp in project.work_packages)
    result = vocabulary.normalise(objects(["Opinionsbildning", "lobbying", "Påverkansarbete"]))
    assert result.tolist()[:2] == ["AP3", "AP3"]
    assert pd.isna(result.iloc[2])


def test_work_packages_with_a_shared_alias_are_a_configuration_error(project: Project) -> None:
    """Two packages sharing an alias stop with a ParameterError that names the problem."""
    first = dataclasses.replace(project.work_packages[0], aliases=("Gemensamt",))
    second = dataclasses.replace(project.work_packages[1], aliases=("gemensamt",))
    broken = dataclasses.replace(project, work_packages=(first, second))
    with pytest.raises(ParameterError, match=r"[Gg]emensamt"):
        work_package_vocabulary(broken)


@SETTINGS
@given(st.lists(cells, max_size=8))
def test_work_packages_never_raise_and_twice_equals_once(values: list[object]) -> None:
    """Any cell gives a package code or NA; normalising the codes again changes nothing."""
    vocabulary = work_package_vocabulary(load_project(PROJECT_FILE))
    once = vocabulary.normalise(objects(values))
    assert set(once.dropna()) <= set(vocabulary.values)
    pd.testing.assert_series_equal(vocabulary.normalise(once), once)


# ---------------------------------------------------------------------------------------------
# Municipalities
# ---------------------------------------------------------------------------------------------
def test_municipality_data_has_290_municipalities_with_unique_codes() -> None:
    """The shipped list has Sweden's 290 municipalities, four-digit codes, no repeats."""
    table = load_municipalities()
    assert list(table.columns) == ["code", "name", "county_code", "county"]
    assert len(table) == 290
    assert table["code"].is_unique and table["name"].is_unique
    assert table["code"].str.fullmatch(r"[0-9]{4}").all()
    assert (table.dtypes == "string").all()


def test_municipality_data_holds_the_seven_partner_municipalities(project: Project) -> None:
    """Every partner municipality in the configuration is in the shipped list."""
    names = set(load_municipalities()["name"])
    partners = {p.municipality for p in project.partners if p.municipality}
    assert partners and partners <= names


def test_load_municipalities_returns_a_copy() -> None:
    """Changing the returned table does not change the next one."""
    table = load_municipalities()
    table.loc[0, "name"] = "Påhittad"
    assert load_municipalities().loc[0, "name"] != "Påhittad"


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Sundsvall", "Sundsvall"),
        ("SUNDSVALL", "Sundsvall"),
        (" härnösand ", "Härnösand"),
        ("Harnosand", "Härnösand"),
        ("Ornskoldsvik", "Örnsköldsvik"),
        ("Sundsvalls kommun", "Sundsvall"),
        ("Örnsköldsviks kommun", "Örnsköldsvik"),
        ("Timrå kommun", "Timrå"),
        ("Stockholms stad", "Stockholm"),
        ("Kramfors kommun", "Kramfors"),
        ("Kramfors", "Kramfors"),
        ("Borås", "Borås"),
        ("Borås stad", "Borås"),
        ("Robertsfors", "Robertsfors"),
        ("Region Gotland", "Gotland"),
        ("Gotlands kommun", "Gotland"),
        ("Upplands Bro", "Upplands-Bro"),
        ("upplands-väsby", "Upplands Väsby"),
        ("2280", "Härnösand"),
        (2280, "Härnösand"),
        (180, "Stockholm"),
        ("Övik", "Örnsköldsvik"),
        ("ovik", "Örnsköldsvik"),
        ("Sthlm", "Stockholm"),
        ("Gbg", "Göteborg"),
        ("Hudik", "Hudiksvall"),
        ("Falu kommun", "Falun"),
        ("Håbo", "Håbo"),
        ("Habo", "Habo"),
    ],
)
def test_normalise_municipality_accepts_the_ways_people_write_them(text: object, name: str) -> None:
    """Names, official forms, missing diacritics, codes and short forms give SCB's name and code."""
    table = load_municipalities()
    names, codes = normalise_municipality(objects([text]))
    assert names.iloc[0] == name
    assert codes.iloc[0] == table.loc[table["name"] == name, "code"].item()


@pytest.mark.parametrize(
    "text",
    ["Sundsvalls", "Kramfor", "Region Västernorrland", "Västernorrland", "9999", "Oslo", "", None],
)
def test_normalise_municipality_gives_na_for_unknown_or_empty(text: object) -> None:
    """Unknown places, a bare genitive, counties and unknown codes give NA name and code."""
    names, codes = normalise_municipality(objects([text]))
    assert pd.isna(names.iloc[0]) and pd.isna(codes.iloc[0])


def test_every_municipality_is_found_by_name_and_official_form() -> None:
    """All 290 names, and `<name>s kommun` or `<name> kommun`, give the right code."""
    table = load_municipalities()
    genitive = table["name"].map(lambda n: f"{n} kommun" if n.endswith("s") else f"{n}s kommun")
    for series in (table["name"], table["name"].str.upper(), genitive):
        _, codes = normalise_municipality(series)
        assert codes.tolist() == table["code"].tolist()


def test_short_forms_point_to_real_municipalities() -> None:
    """Every documented short form maps to a municipality in the shipped list."""
    assert set(MUNICIPALITY_SHORT_FORMS.values()) <= set(load_municipalities()["name"])


@SETTINGS
@given(st.lists(st.one_of(cells, st.sampled_from(["Övik", "Sundsvalls kommun", "Habo"]))))
def test_normalise_municipality_never_raises_and_twice_equals_once(values: list[object]) -> None:
    """Any cell gives a municipality or NA; normalising the names again changes nothing."""
    names, codes = normalise_municipality(objects(values))
    again_names, again_codes = normalise_municipality(names)
    pd.testing.assert_series_equal(again_names, names)
    pd.testing.assert_series_equal(again_codes, codes)
    assert (names.isna() == codes.isna()).all()
