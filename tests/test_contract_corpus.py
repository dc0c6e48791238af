"""The bad-input corpus: one file in tests/data/ per contract rule, each with its exact outcome."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from hso_eval.clean import clean_activities, clean_participants
from hso_eval.config import load_project
from hso_eval.errors import InputFileError
from hso_eval.periods import Period
from hso_eval.read import ACTIVITY_SPEC, PARTICIPANT_SPEC, read_table

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "data"
PROJECT = load_project(REPO / "params" / "project.yaml")
PERIOD = Period.parse("2024H1")
KEY = b"korpus-nyckel-0123456789abcdef"

# ---------------------------------------------------------------------------------------------
# File-level errors: (file, spec, sheet, words the one message must contain)
# ---------------------------------------------------------------------------------------------
FILE_ERRORS = [
    (
        "aktiviteter_saknar_kolumn.csv",
        ACTIVITY_SPEC,
        None,
        ["aktiviteter_saknar_kolumn.csv", "'datum'", "'startdatum'", "'start'", "'titel'"],
    ),
    ("aktiviteter_ingen_rubrikrad.csv", ACTIVITY_SPEC, None, ["ingen rubrikrad", "10"]),
    ("aktiviteter_text_som_xlsx.xlsx", ACTIVITY_SPEC, None, ["heter .xlsx", "textfil"]),
    ("deltagare_binar.csv", PARTICIPANT_SPEC, None, ["heter .csv", "ingen textfil"]),
    ("aktiviteter_fel_filtyp.txt", ACTIVITY_SPEC, None, ["'.txt'", ".xlsx", ".csv"]),
    ("aktiviteter_dubbel_kolumn.csv", ACTIVITY_SPEC, None, ["'datum'", "'startdatum'"]),
    (
        "deltagare_saknar_namn_och_epost.csv",
        PARTICIPANT_SPEC,
        None,
        ["'namn'", "'e-post'", "'för- och efternamn'", "'mejl'", "'organisation'"],
    ),
    ("aktiviteter_blad.xlsx", ACTIVITY_SPEC, "Aktiviteter", ["'Instruktioner'", "'Register'"]),
    ("finns_inte.csv", ACTIVITY_SPEC, None, ["finns_inte.csv", "finns inte"]),
    (
        "aktiviteter_blandad_kodning.csv",
        ACTIVITY_SPEC,
        None,
        [
            "textrad 2 är UTF-8, men textrad 3",
            "blandar två teckenkodningar",
            "byte 0xF6",
            "'CSV UTF-8'",
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "spec", "sheet", "words"), FILE_ERRORS, ids=[f[0] for f in FILE_ERRORS]
)
def test_file_level_error(name, spec, sheet, words):
    """Each unusable file stops with one message naming the file and what is wrong."""
    with pytest.raises(InputFileError) as caught:
        read_table(DATA / name, spec, sheet)
    message = str(caught.value)
    assert name in message
    for word in words:
        assert word in message


# ---------------------------------------------------------------------------------------------
# Activity rules: quarantine {(row, column, reason)}, warnings {(row, column, reason)},
# account (read, clean, quarantined, merged), clean values {(id, column): value}.
# status_missing warnings are ignored unless the case is about status.
# ---------------------------------------------------------------------------------------------
ACTIVITY_CASES = {
    "aktiviteter_bara_rubriker.csv": dict(account=(0, 0, 0, 0)),
    "aktiviteter_id_saknas.csv": dict(
        quarantine={(2, "aktivitets_id", "missing_required")}, account=(1, 0, 1, 0)
    ),
    "aktiviteter_id_konflikt.csv": dict(
        quarantine={(2, "aktivitets_id", "id_conflict"), (3, "aktivitets_id", "id_conflict")},
        account=(3, 1, 2, 0),
    ),
    "aktiviteter_exakt_dubblett.csv": dict(account=(3, 2, 0, 1)),
    "aktiviteter_datum_saknas.csv": dict(
        quarantine={(2, "datum", "missing_required")}, account=(1, 0, 1, 0)
    ),
    "aktiviteter_datum_ogiltigt.csv": dict(
        quarantine={(2, "datum", "unparseable_date")}, account=(1, 0, 1, 0)
    ),
    "aktiviteter_datum_utanfor_projekt.csv": dict(
        quarantine={(2, "datum", "date_out_of_range"), (5, "datum", "date_out_of_range")},
        account=(4, 2, 2, 0),
        values={
            ("A2", "start_date"): pd.Timestamp("2023-01-01"),
            ("A3", "start_date"): pd.Timestamp("2027-12-31"),
        },
    ),
    "aktiviteter_datumformat.csv": dict(
        quarantine={(9, "datum", "unparseable_date")},
        account=(8, 7, 1, 0),
        values={(f"A{i}", "start_date"): pd.Timestamp("2024-06-12") for i in range(1, 8)},
    ),
    "aktiviteter_arbetspaket_varianter.csv": dict(
        account=(6, 6, 0, 0),
        values={
            ("A1", "work_package"): "AP1",
            ("A2", "work_package"): "AP1",
            ("A3", "work_package"): "AP1",
            ("A4", "work_package"): "AP1",
            ("A5", "work_package"): "AP3",
            ("A6", "work_package"): "AP3",
        },
    ),
    "aktiviteter_arbetspaket_okant.csv": dict(
        quarantine={(2, "arbetspaket", "unknown_work_package")}, account=(1, 0, 1, 0)
    ),
    "aktiviteter_typ_okand.csv": dict(
        quarantine={(2, "aktivitetstyp", "unknown_activity_type")}, account=(1, 0, 1, 0)
    ),
    "aktiviteter_typ_varianter.csv": dict(
        account=(4, 4, 0, 0),
        values={
            ("A1", "activity_type"): "seminarium",
            ("A2", "activity_type"): "partnerbesök",
            ("A3", "activity_type"): "konferens",
            ("A4", "activity_type"): "styrgruppsmöte",
        },
    ),
    "aktiviteter_titel_saknas.csv": dict(
        quarantine={(2, "titel", "missing_required")}, account=(1, 0, 1, 0)
    ),
    "aktiviteter_slutdatum_fore_start.csv": dict(
        warnings={(2, "slutdatum", "end_before_start")},
        account=(2, 2, 0, 0),
        values={("A1", "end_date"): pd.NaT, ("A2", "end_date"): pd.Timestamp("2024-03-16")},
    ),
    "aktiviteter_slutdatum_ogiltigt.csv": dict(
        warnings={(2, "slutdatum", "unparseable_date_optional")},
        account=(1, 1, 0, 0),
        values={("A1", "end_date"): pd.NaT},
    ),
    "aktiviteter_kommun.csv": dict(
        warnings={(5, "kommun", "unknown_municipality")},
        account=(4, 4, 0, 0),
        values={
            ("A1", "municipality"): "Sundsvall",
            ("A1", "municipality_code"): "2281",
            ("A2", "municipality"): "Härnösand",
            ("A3", "municipality"): "Örnsköldsvik",
            ("A4", "municipality"): pd.NA,
        },
    ),
    "aktiviteter_status_saknas.csv": dict(
        warnings={(2, "status", "status_missing"), (3, "status", "status_missing")},
        account=(2, 2, 0, 0),
        values={("A1", "status"): "genomförd", ("A2", "status"): "planerad"},
        about_status=True,
    ),
    "aktiviteter_planerad_i_det_forflutna.csv": dict(
        warnings={(2, "status", "planned_in_past")},
        account=(2, 2, 0, 0),
        values={("A1", "status"): "planerad"},
        about_status=True,
    ),
    "aktiviteter_status_okand.csv": dict(
        warnings={(2, "status", "unknown_status")},
        account=(1, 1, 0, 0),
        values={("A1", "status"): "genomförd"},
        about_status=True,
    ),
    "aktiviteter_arrangorsroll.csv": dict(
        warnings={(4, "arrangörsroll", "unknown_organiser_role")},
        account=(3, 3, 0, 0),
        values={
            ("A1", "organiser_role"): "egen",
            ("A2", "organiser_role"): "samarrangemang",
            ("A3", "organiser_role"): "egen",
        },
    ),
    "aktiviteter_antal_ungefar.csv": dict(
        account=(5, 5, 0, 0),
        values={
            **{(f"A{i}", "attendance"): 250 for i in range(1, 6)},
            **{(f"A{i}", "attendance_approximate"): True for i in range(1, 5)},
            ("A5", "attendance_approximate"): False,
        },
    ),
    "aktiviteter_antal_ogiltigt.csv": dict(
        warnings={
            (2, "antal_deltagare", "unparseable_count"),
            (2, "antal_kvinnor", "unparseable_count"),
        },
        account=(1, 1, 0, 0),
        values={("A1", "attendance"): pd.NA, ("A1", "women"): pd.NA},
    ),
    "aktiviteter_falt_utan_rubrik.csv": dict(
        quarantine={(2, "H (utan rubrik)", "extra_fields")},
        warnings={(3, "F (utan rubrik)", "value_without_header")},
        account=(3, 2, 1, 0),
        values={("A2", "status"): "genomförd", ("A3", "status"): "genomförd"},
    ),
    "aktiviteter_kon_summa_over_antal.csv": dict(
        warnings={(2, "antal_deltagare", "gender_counts_exceed_total")},
        account=(2, 2, 0, 0),
        values={("A1", "attendance"): 20, ("A1", "women"): 15, ("A1", "men"): 10},
    ),
    "aktiviteter_lank_ogiltig.csv": dict(
        warnings={(2, "länk", "invalid_link"), (3, "länk", "invalid_link")},
        account=(3, 3, 0, 0),
        values={("A1", "link"): pd.NA, ("A2", "link"): pd.NA, ("A3", "link"): "https://hso.se/a"},
    ),
    "aktiviteter_beskrivning_formel.csv": dict(
        account=(2, 2, 0, 0),
        values={
            ("A1", "description"): '=HYPERLINK("http://x";"klicka")',
            ("A2", "description"): "<b>fet</b> & <script>",
        },
    ),
    "aktiviteter_utf8_komma.csv": dict(
        account=(1, 1, 0, 0),
        values={
            ("A1", "title"): "Möte, med komma",
            ("A1", "parties"): "Region Västernorrland; Timrå kommun",
        },
    ),
    "aktiviteter_titelrader.csv": dict(
        quarantine={(6, "datum", "unparseable_date")}, account=(2, 1, 1, 0)
    ),
    "aktiviteter_titelrader.xlsx": dict(
        quarantine={(7, "Datum", "unparseable_date")}, account=(2, 1, 1, 0)
    ),
    "aktiviteter_tomma_rader.xlsx": dict(account=(2, 2, 0, 0)),
    "aktiviteter_alias.csv": dict(
        account=(1, 1, 0, 0),
        values={
            ("A1", "end_date"): pd.Timestamp("2024-03-16"),
            ("A1", "place"): "Härnösand",
            ("A1", "women"): 12,
            ("A1", "men"): 8,
            ("A1", "link"): "https://hso.se",
        },
    ),
    # Cells that show an Excel error: read as their error text, which the rules name.
    "aktiviteter_felvarden.xlsx": dict(
        quarantine={
            (3, "aktivitets_id", "excel_error"),
            (3, "titel", "excel_error"),
            (3, "datum", "unparseable_date"),
            (3, "arbetspaket", "unknown_work_package"),
            (3, "aktivitetstyp", "unknown_activity_type"),
            (4, "datum", "unparseable_date"),
        },
        warnings={
            (2, "slutdatum", "unparseable_date_optional"),
            (2, "antal_deltagare", "unparseable_count"),
            (2, "kommun", "unknown_municipality"),
        },
        account=(3, 1, 2, 0),
        values={("A1", "end_date"): pd.NaT, ("A1", "attendance"): pd.NA},
    ),
    "aktiviteter_excel_typer.xlsx": dict(
        account=(3, 3, 0, 0),
        values={
            ("17", "start_date"): pd.Timestamp("2024-06-12"),
            ("18", "start_date"): pd.Timestamp("2024-06-12"),
            ("19", "start_date"): pd.Timestamp("2024-06-12"),
            ("17", "attendance"): 250,
            ("18", "attendance"): 40,
            ("19", "work_package"): "AP2",
        },
    ),
}


def _issue_set(frame: pd.DataFrame, ignore: set[str]) -> set[tuple[int, str, str]]:
    kept = frame[~frame["reason"].isin(ignore)]
    return set(
        zip(kept["row"].tolist(), kept["column"].tolist(), kept["reason"].tolist(), strict=True)
    )


def _check_values(table: pd.DataFrame, values: dict) -> None:
    indexed = table.set_index("activity_id")
    for (aid, column), expected in values.items():
        got = indexed.loc[aid, column]
        if expected is pd.NA or expected is pd.NaT:
            assert pd.isna(got), (aid, column, got)
        else:
            assert got == expected, (aid, column, got)


@pytest.mark.parametrize("name", sorted(ACTIVITY_CASES))
def test_activity_rule(name):
    """Each activity fixture gives exactly its quarantine, warnings, accounting and values."""
    case = ACTIVITY_CASES[name]
    raw = read_table(DATA / name, ACTIVITY_SPEC)
    table, quarantine, warnings, account, _ = clean_activities(raw, PROJECT, PERIOD)
    ignore = set() if case.get("about_status") else {"status_missing"}
    assert _issue_set(quarantine, set()) == case.get("quarantine", set())
    assert _issue_set(warnings, ignore) == case.get("warnings", set())
    assert (account.read, account.clean, account.quarantined, account.merged) == case["account"]
    _check_values(table, case.get("values", {}))
    assert quarantine["message"].str.startswith(name).all()
    assert warnings["message"].str.startswith(name).all()


# ---------------------------------------------------------------------------------------------
# Participant rules, against aktiviteter_register.csv (A1, A2 clean; A3 quarantined).
# values: {(source_row, column): value}
# ---------------------------------------------------------------------------------------------
PARTICIPANT_CASES = {
    "deltagare_okand_aktivitet.csv": dict(
        quarantine={
            (2, "aktivitets_id", "unknown_activity"),
            (3, "aktivitets_id", "unknown_activity"),
        },
        account=(2, 0, 2, 0),
    ),
    "deltagare_id_saknas.csv": dict(
        quarantine={(2, "aktivitets_id", "missing_required")}, account=(1, 0, 1, 0)
    ),
    "deltagare_ingen_identitet.csv": dict(
        quarantine={(2, "", "no_identity"), (3, "", "no_identity")}, account=(2, 0, 2, 0)
    ),
    "deltagare_samma_person_tva_ganger.csv": dict(account=(3, 2, 0, 1)),
    "deltagare_samma_namn_och_org.csv": dict(account=(3, 2, 0, 1)),
    "deltagare_epost_ogiltig.csv": dict(
        warnings={(2, "e-post", "invalid_email")}, account=(1, 1, 0, 0)
    ),
    "deltagare_orgtyp.csv": dict(
        warnings={(3, "organisationstyp", "unknown_organisation_type")},
        account=(3, 3, 0, 0),
        values={
            (2, "organisation_type"): "näringsliv",
            (3, "organisation_type"): "övrigt",
            (4, "organisation_type"): pd.NA,
        },
    ),
    "deltagare_kon.csv": dict(
        warnings={(4, "kön", "unknown_gender")},
        account=(3, 3, 0, 0),
        values={(2, "gender"): "kvinna", (3, "gender"): "ej angivet", (4, "gender"): "ej angivet"},
    ),
    "deltagare_roll.csv": dict(
        warnings={(4, "roll", "unknown_role")},
        account=(3, 3, 0, 0),
        values={(2, "role"): "moderator", (3, "role"): "deltagare", (4, "role"): "deltagare"},
    ),
    "deltagare_kommun.csv": dict(
        warnings={(3, "kommun", "unknown_municipality")},
        account=(2, 2, 0, 0),
        values={
            (2, "municipality"): "Örnsköldsvik",
            (2, "municipality_code"): "2284",
            (3, "municipality"): pd.NA,
        },
    ),
    "deltagare_cp1252_semikolon.csv": dict(
        account=(2, 2, 0, 0),
        values={(2, "organisation"): "Härnösands kommun", (3, "municipality"): "Ånge"},
    ),
    "deltagare_utf8_bom_tabb.csv": dict(
        account=(2, 2, 0, 0),
        values={(2, "organisation"): "Härnösands kommun", (3, "organisation"): "Ånge kommun"},
    ),
    "deltagare_okanda_kolumner.csv": dict(account=(1, 1, 0, 0)),
    "deltagare_felvarden.xlsx": dict(
        # Row 3: '#REF!' is no activity id, and neither a name nor an e-mail address.
        quarantine={(3, "aktivitets_id", "unknown_activity"), (3, "", "no_identity")},
        warnings={
            (2, "organisationstyp", "unknown_organisation_type"),
            (2, "kön", "unknown_gender"),
        },
        account=(2, 1, 1, 0),
        values={(2, "organisation_type"): "övrigt", (2, "gender"): "ej angivet"},
    ),
}


@pytest.fixture(scope="module")
def register() -> pd.DataFrame:
    raw = read_table(DATA / "aktiviteter_register.csv", ACTIVITY_SPEC)
    return clean_activities(raw, PROJECT, PERIOD).table


def test_register_fixture(register):
    """The participants' register holds A1 and A2; A3 (31/02) is quarantined."""
    assert register["activity_id"].tolist() == ["A1", "A2"]


@pytest.mark.parametrize("name", sorted(PARTICIPANT_CASES))
def test_participant_rule(name, register):
    """Each participant fixture gives exactly its quarantine, warnings, accounting and values."""
    case = PARTICIPANT_CASES[name]
    raw = read_table(DATA / name, PARTICIPANT_SPEC)
    table, quarantine, warnings, account, _ = clean_participants(raw, register, KEY)
    assert _issue_set(quarantine, set()) == case.get("quarantine", set())
    assert _issue_set(warnings, set()) == case.get("warnings", set())
    assert (account.read, account.clean, account.quarantined, account.merged) == case["account"]
    indexed = table.set_index("source_row")
    for (row, column), expected in case.get("values", {}).items():
        got = indexed.loc[row, column]
        assert pd.isna(got) if expected is pd.NA else got == expected, (row, column, got)


def test_excel_error_cells_are_data_and_named_in_messages():
    """A cell that shows #REF!, #N/A, … in Excel is not read as empty.

    A row of error cells is a data row (it would be skipped as blank), and each message names
    the row, the column and the error value the administrator sees.
    """
    from openpyxl import load_workbook

    name = "aktiviteter_felvarden.xlsx"
    sheet = load_workbook(DATA / name)["Aktiviteter"]
    assert [c.data_type for c in sheet[3]][:5] == ["e"] * 5  # real error cells
    raw = read_table(DATA / name, ACTIVITY_SPEC)
    assert (raw.read, raw.blank) == (3, 0)
    _, quarantine, warnings, account, _ = clean_activities(raw, PROJECT, PERIOD)
    assert account.read == account.clean + account.quarantined + account.merged
    messages = "\n".join([*quarantine["message"], *warnings["message"]])
    assert f"{name} rad 3, kolumn 'datum': '#REF!' är inget datum" in messages
    assert f"{name} rad 4, kolumn 'datum': '#VALUE!' är inget datum" in messages
    assert f"{name} rad 2, kolumn 'antal_deltagare': '#DIV/0!' är inget antal" in messages
    assert f"{name} rad 2, kolumn 'slutdatum': '#N/A' är inget datum" in messages
    assert set(quarantine.loc[quarantine["row"] == 3, "value"]) == {"#REF!"}


def test_unknown_columns_are_listed():
    """Extra columns are ignored and listed as written."""
    raw = read_table(DATA / "deltagare_okanda_kolumner.csv", PARTICIPANT_SPEC)
    assert raw.unknown_columns == ["Anteckning", "Telefon"]
    assert list(raw.frame.columns) == ["aktivitets_id", "namn"]


def test_corpus_is_generated_by_the_committed_script(tmp_path, monkeypatch):
    """Every file the generator writes is committed and identical (xlsx compared by content)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_fixtures", DATA / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    monkeypatch.setattr(module, "HERE", tmp_path)
    module.make()
    for produced in tmp_path.iterdir():
        committed = DATA / produced.name
        assert committed.is_file(), produced.name
        if produced.suffix != ".xlsx" or produced.name == "aktiviteter_text_som_xlsx.xlsx":
            assert committed.read_bytes() == produced.read_bytes(), produced.name
        else:
            fresh = pd.read_excel(produced, sheet_name=None, header=None, engine="calamine")
            stored = pd.read_excel(committed, sheet_name=None, header=None, engine="calamine")
            assert fresh.keys() == stored.keys()
            for sheet in fresh:
                pd.testing.assert_frame_equal(fresh[sheet], stored[sheet])
