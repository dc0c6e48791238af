"""Tests for hso_eval.clean: each contract rule on tiny files, with its exact outcome."""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook

from hso_eval import clean as clean_module
from hso_eval.clean import clean_activities, clean_inputs, clean_participants
from hso_eval.config import build_params, load_project
from hso_eval.errors import InputFileError, RunError
from hso_eval.periods import Period
from hso_eval.read import ACTIVITY_SPEC, PARTICIPANT_SPEC, read_table
from hso_eval.tables import (
    ACTIVITY_COLUMNS,
    ISSUE_COLUMNS,
    MASK,
    PARTICIPATION_COLUMNS,
)

REPO = Path(__file__).resolve().parents[1]
PROJECT = load_project(REPO / "params" / "project.yaml")
PERIOD = Period.parse("2024H1")
KEY = b"test-nyckel-0123456789abcdef"
A_HEAD = ["aktivitets_id", "datum", "arbetspaket", "aktivitetstyp", "titel"]
P_HEAD = ["aktivitets_id", "namn", "e-post", "organisation"]


def csv_file(tmp_path: Path, name: str, header: list[str], rows: list[list[str]]) -> Path:
    path = tmp_path / name
    lines = [";".join(header), *(";".join(r) for r in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def activities(tmp_path: Path, rows: list[list[str]], extra: list[str] = ()):
    """Clean an activity register written from `rows` (A_HEAD + `extra` columns)."""
    path = csv_file(tmp_path, "aktiviteter.csv", [*A_HEAD, *extra], rows)
    return clean_activities(read_table(path, ACTIVITY_SPEC), PROJECT, PERIOD)


def row(aid="A1", datum="2024-03-15", ap="AP1", typ="möte", titel="Möte", *extra: str) -> list[str]:
    return [aid, datum, ap, typ, titel, *extra]


def reasons(frame: pd.DataFrame) -> list[tuple[int, str]]:
    return list(zip(frame["row"].tolist(), frame["reason"].tolist(), strict=True))


def test_clean_row_conforms_to_schema(tmp_path):
    """A valid row becomes one clean activity with the schema's columns and dtypes."""
    table, quarantine, warnings, account, _ = activities(
        tmp_path, [row("A1", "2024-03-15", "AP1", "möte", "Möte", "genomförd")], ["status"]
    )
    assert table.dtypes.astype(str).to_dict() == ACTIVITY_COLUMNS
    assert table.loc[0, "start_date"] == pd.Timestamp("2024-03-15")
    assert table.loc[0, "source_row"] == 2
    assert quarantine.empty and warnings.empty
    assert list(quarantine.columns) == list(ISSUE_COLUMNS)
    assert account.rows() == {"read": 1, "clean": 1, "quarantined": 0, "merged": 0, "blank": 0}


def test_unparseable_date_message_names_file_row_column_value_and_fix(tmp_path):
    """A bad required date is quarantined with a Swedish message ending with the fix."""
    _, quarantine, _, _, _ = activities(tmp_path, [row(datum="31/02/2024")])
    issue = quarantine.iloc[0]
    assert issue["reason"] == "unparseable_date"
    assert issue["file"] == "aktiviteter.csv"
    assert issue["role"] == "activities"
    assert (issue["row"], issue["column"], issue["value"]) == (2, "datum", "31/02/2024")
    assert issue["message"].startswith(
        "aktiviteter.csv rad 2, kolumn 'datum': '31/02/2024' är inget datum"
    )
    assert issue["message"].endswith("12 juni 2024).")


def test_several_problems_listed_once_each_row_counted_once(tmp_path):
    """A row with three required-field errors appears three times but counts as one."""
    _, quarantine, _, account, _ = activities(tmp_path, [row(datum="", ap="AP9", titel="")])
    assert sorted(quarantine["reason"]) == [
        "missing_required",
        "missing_required",
        "unknown_work_package",
    ]
    assert sorted(quarantine["column"]) == ["arbetspaket", "datum", "titel"]
    assert (account.read, account.quarantined, account.clean) == (1, 1, 0)


def test_date_range_boundaries(tmp_path):
    """Exactly one year outside the project is kept; one day more is quarantined."""
    table, quarantine, _, _, _ = activities(
        tmp_path,
        [
            row("A1", "2023-01-01"),
            row("A2", "2022-12-31"),
            row("A3", "2027-12-31"),
            row("A4", "2028-01-01"),
        ],
    )
    assert table["activity_id"].tolist() == ["A1", "A3"]
    assert reasons(quarantine) == [(3, "date_out_of_range"), (5, "date_out_of_range")]


def test_an_id_filled_down_a_column_names_a_few_other_rows_and_counts_the_rest(tmp_path):
    """Nine rows sharing an id (filled down by mistake): each message names five other rows and
    counts the rest, so the data-quality report grows with the rows, not their square."""
    _, quarantine, _, _, _ = activities(tmp_path, [row("A1", titel=f"Möte {i}") for i in range(9)])
    assert len(quarantine) == 9
    assert quarantine["message"].iloc[0] == (
        "aktiviteter.csv rad 2, kolumn 'aktivitets_id': 'A1' används också på rad 3, 4, 5, 6, 7 "
        "och 3 rader till, som skiljer sig i 'titel'; alla sätts i karantän (ge varje aktivitet "
        "ett eget id, eller gör raderna identiska)."
    )


def test_exact_duplicates_merge_and_id_conflicts_quarantine_all(tmp_path):
    """Identical rows merge (first kept); rows sharing an id but differing are all quarantined.
    Each merged row is listed with the row it merged into."""
    table, quarantine, _, account, merges = activities(
        tmp_path,
        [row("A1"), row("A1 "), row("A2"), row("A2", titel="Annan"), row("A2")],
    )
    assert table["activity_id"].tolist() == ["A1"]
    assert table["source_row"].tolist() == [2]
    assert reasons(quarantine) == [(4, "id_conflict"), (5, "id_conflict")]
    # Each names the other row and the column they differ in (the values are not shown).
    assert quarantine["message"].tolist() == [
        "aktiviteter.csv rad 4, kolumn 'aktivitets_id': 'A2' används också på rad 5, som "
        "skiljer sig i 'titel'; alla sätts i karantän (ge varje aktivitet ett eget id, eller gör "
        "raderna identiska).",
        "aktiviteter.csv rad 5, kolumn 'aktivitets_id': 'A2' används också på rad 4, som "
        "skiljer sig i 'titel'; alla sätts i karantän (ge varje aktivitet ett eget id, eller gör "
        "raderna identiska).",
    ]
    assert (account.read, account.clean, account.quarantined, account.merged) == (5, 1, 2, 2)
    assert reasons(merges) == [(3, "merged_duplicate"), (6, "merged_duplicate")]
    assert merges["value"].tolist() == ["A1", "A2"]
    assert merges["message"].tolist() == [
        "aktiviteter.csv rad 3, kolumn 'aktivitets_id': 'A1' är en exakt kopia av rad 2 och "
        "räknas bara en gång (ta bort kopian).",
        "aktiviteter.csv rad 6, kolumn 'aktivitets_id': 'A2' är en exakt kopia av rad 4 och "
        "räknas bara en gång (ta bort kopian).",
    ]


def test_status_derivation_and_planned_in_past(tmp_path):
    """Missing status: genomförd up to the period end, else planerad; past planerad warns."""
    table, _, warnings, _, _ = activities(
        tmp_path,
        [
            row("A1", "2024-06-30", "AP1", "möte", "Möte", ""),
            row("A2", "2024-07-01", "AP1", "möte", "Möte", ""),
            row("A3", "2023-12-01", "AP1", "möte", "Möte", "planerad"),
            row("A4", "2024-03-01", "AP1", "möte", "Möte", "Inställd"),
        ],
        ["status"],
    )
    assert table["status"].tolist() == ["genomförd", "planerad", "planerad", "inställd"]
    assert reasons(warnings) == [
        (2, "status_missing"),
        (3, "status_missing"),
        (4, "planned_in_past"),
    ]
    assert "'planerad'" in warnings.iloc[1]["message"]


def test_optional_field_errors_empty_the_field_and_warn(tmp_path):
    """Bad optional values are emptied with a warning and the row is kept."""
    extra = ["slutdatum", "kommun", "antal_deltagare", "länk", "arrangörsroll", "status"]
    table, quarantine, warnings, _, _ = activities(
        tmp_path,
        [
            row(
                "A1",
                "2024-03-15",
                "AP1",
                "möte",
                "Möte",
                "2024-03-01",
                "Gotham",
                "många",
                "ftp://x",
                "värd",
                "genomförd",
            )
        ],
        extra,
    )
    assert quarantine.empty
    assert sorted(warnings["reason"]) == [
        "end_before_start",
        "invalid_link",
        "unknown_municipality",
        "unknown_organiser_role",
        "unparseable_count",
    ]
    rec = table.iloc[0]
    assert pd.isna(rec["end_date"]) and pd.isna(rec["municipality"]) and pd.isna(rec["attendance"])
    assert pd.isna(rec["link"])
    assert rec["organiser_role"] == "egen"


def test_counts_approximate_and_gender_sum(tmp_path):
    """'ca 250' is 250 approximate; women + men above attendance warns but keeps the values."""
    table, _, warnings, _, _ = activities(
        tmp_path,
        [row("A1", "2024-03-15", "AP1", "möte", "Möte", "ca 10", "8", "5", "genomförd")],
        ["antal_deltagare", "antal_kvinnor", "antal_män", "status"],
    )
    rec = table.iloc[0]
    assert (rec["attendance"], rec["attendance_approximate"], rec["women"], rec["men"]) == (
        10,
        True,
        8,
        5,
    )
    assert reasons(warnings) == [(2, "gender_counts_exceed_total")]
    assert "(13)" in warnings.iloc[0]["message"]


def test_work_package_and_type_variants(tmp_path):
    """Work-package and activity-type variants map to the canonical values from config/vocab."""
    table, _, _, _, _ = activities(
        tmp_path,
        [
            row("A1", ap="AP3 - Påverkansarbete", typ="Webbinarium"),
            row("A2", ap="Samverkan", typ="besök"),
        ],
    )
    assert table["work_package"].tolist() == ["AP3", "AP2"]
    assert table["activity_type"].tolist() == ["seminarium", "partnerbesök"]


def test_warnings_only_for_kept_rows(tmp_path):
    """A quarantined row carries no warnings; its problems are all in the quarantine."""
    _, quarantine, warnings, _, _ = activities(
        tmp_path, [row("A1", "", "AP1", "möte", "Möte", "Gotham")], ["kommun"]
    )
    assert reasons(quarantine) == [(2, "missing_required")]
    assert warnings.empty


def test_excel_row_numbers_with_title_rows(tmp_path):
    """Issue rows are Excel's row numbers, counting title rows and blank rows."""
    book = Workbook()
    sheet = book.active
    for values in [["Register HSO"], [], A_HEAD, row("A1"), [], row("A2", "snart")]:
        sheet.append(values)
    path = tmp_path / "aktiviteter.xlsx"
    book.save(path)
    table, quarantine, _, account, _ = clean_activities(
        read_table(path, ACTIVITY_SPEC), PROJECT, PERIOD
    )
    assert table["source_row"].tolist() == [4]
    assert reasons(quarantine) == [(6, "unparseable_date")]
    assert quarantine.iloc[0]["message"].startswith("aktiviteter.xlsx rad 6")
    assert (account.header_row, account.blank, account.sheet) == (3, 1, "Sheet")


def test_excel_date_cells_and_numbers(tmp_path):
    """Excel dates, serials as text and ids typed as numbers are read as a person means them."""
    book = Workbook()
    sheet = book.active
    sheet.append(A_HEAD)
    sheet.append([17, dt.datetime(2024, 6, 12, 9, 30), "AP1", "möte", "Möte"])
    sheet.append(["18", "45455", 1, "möte", "Möte"])
    path = tmp_path / "aktiviteter.xlsx"
    book.save(path)
    table, quarantine, _, _, _ = clean_activities(read_table(path, ACTIVITY_SPEC), PROJECT, PERIOD)
    assert quarantine.empty
    assert table["activity_id"].tolist() == ["17", "18"]
    assert table["start_date"].tolist() == [pd.Timestamp("2024-06-12")] * 2
    assert table["work_package"].tolist() == ["AP1", "AP1"]


# ---------------------------------------------------------------------------------------------
# Participants
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def register(tmp_path) -> pd.DataFrame:
    table, *_ = activities(tmp_path, [row("A1"), row("A2"), row("A3", "snart")])
    return table


def participants(tmp_path: Path, register: pd.DataFrame, rows, header=P_HEAD):
    path = csv_file(tmp_path, "deltagare.csv", header, rows)
    return clean_participants(read_table(path, PARTICIPANT_SPEC), register, KEY)


def test_participants_pseudonymised_and_no_personal_data_anywhere(tmp_path, register):
    """Names and e-mails become a 20-hex person_key; no output holds them; issues mask them."""
    table, quarantine, warnings, _, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "Åsa Öberg", "asa@hso.example", "Timrå kommun"],
            ["A1", "Bo Ek", "bo(at)hso", ""],
            ["A9", "Cia Lund", "", ""],
        ],
    )
    assert list(table.columns) == list(PARTICIPATION_COLUMNS)
    assert table["person_key"].str.fullmatch(r"[0-9a-f]{20}").all()
    everything = pd.concat([table.astype(str), quarantine.astype(str), warnings.astype(str)])
    text = " ".join(map(str, everything.to_numpy().ravel().tolist()))
    for personal in ("Åsa", "Öberg", "asa@hso.example", "Bo Ek", "bo(at)hso", "Cia"):
        assert personal not in text
    assert warnings.loc[warnings["reason"] == "invalid_email", "value"].tolist() == [MASK]
    # The message says the address is hidden, rather than quoting the mask as if it were typed.
    [message] = warnings.loc[warnings["reason"] == "invalid_email", "message"]
    assert message.startswith(
        "deltagare.csv rad 3, kolumn 'e-post' har ingen giltig e-postadress (värdet visas inte "
        "här: det är en personuppgift)"
    )
    assert reasons(quarantine) == [(4, "unknown_activity")]


def test_same_person_on_same_activity_merges(tmp_path, register):
    """The same e-mail (any case) twice on one activity merges; on another activity it is kept.
    The merged row names the row it merged into, and no name or address."""
    table, _, _, account, merges = participants(
        tmp_path,
        register,
        [
            ["A1", "Åsa", "ASA@hso.example", ""],
            ["A1", "Å Ö", " asa@hso.example", ""],
            ["A2", "Åsa", "asa@hso.example", ""],
        ],
    )
    assert table["source_row"].tolist() == [2, 4]
    assert table["person_key"].nunique() == 1
    assert (account.clean, account.merged) == (2, 1)
    assert merges["message"].tolist() == [
        "deltagare.csv rad 3, kolumn 'aktivitets_id': 'A1' är samma person på samma aktivitet "
        "som rad 2 och räknas bara en gång."
    ]


def test_interleaved_duplicates_each_name_their_own_first_row(tmp_path, register):
    """Several people repeated in turns, with a quarantined row between: each merged row names
    the first row of its own person and activity, and differences are warned against that row.
    """
    _, quarantine, warnings, account, merges = participants(
        tmp_path,
        register,
        [
            ["A1", "Bo", "bo@hso.example", ""],  # row 2
            ["A1", "Cia", "cia@hso.example", ""],  # row 3
            ["A9", "Bo", "bo@hso.example", ""],  # row 4: unknown activity, no first row
            ["A1", "Cia", "cia@hso.example", "Timrå kommun"],  # row 5 -> 3, differs
            ["A2", "Bo", "bo@hso.example", ""],  # row 6: another activity, kept
            ["A1", "Bo", "BO@hso.example", ""],  # row 7 -> 2
            ["A2", "Bo", "bo@hso.example", ""],  # row 8 -> 6
            ["A1", "Cia", "cia@hso.example", ""],  # row 9 -> 3
        ],
    )
    assert reasons(quarantine) == [(4, "unknown_activity")]
    assert (account.clean, account.quarantined, account.merged) == (3, 1, 4)
    named = [int(m.split("som rad ")[1].split(" ")[0]) for m in merges["message"]]
    assert list(zip(merges["row"].tolist(), named, strict=True)) == [(5, 3), (7, 2), (8, 6), (9, 3)]
    assert reasons(warnings) == [(5, "merged_differs")]
    assert (
        "som rad 3" in warnings["message"].iloc[0] and "organisation" in warnings["message"].iloc[0]
    )


def test_a_row_without_address_like_one_with_is_pointed_out_not_merged(tmp_path):
    """The same name and organisation with and without an e-mail address count as two people
    (a person is known by the address): the row without one is warned about, naming the first
    row with one, and nothing is merged, since two people may share a name. Another
    organisation, or a row with an address of its own, is another person and not warned of."""
    register, *_ = activities(tmp_path, [row("A1"), row("A2"), row("A3")])
    table, _, warnings, account, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "Sara Lind", "", "Timrå kommun"],  # row 2: before the row with an address
            ["A1", "Sara Lind", "sara.lind@timra.example", "Timrå kommun"],  # row 3
            ["A2", "sara  lind", "", "TIMRÅ KOMMUN"],  # row 4: folded, the same
            ["A2", "Sara Lind", "", "Sundsvalls kommun"],  # row 5: another organisation
            ["A2", "Sara Lind", "s.lind@timra.example", "Timrå kommun"],  # row 6: own address
            ["A2", "Sara Lind", "sara.lind@timra.example", "Timrå kommun"],  # row 7
            ["A3", "Sara Lind", "sara.lind(at)timra", "Timrå kommun"],  # row 8: invalid
        ],
    )
    assert account.rows()["clean"] == 7 and account.merged == 0
    assert table["person_key"].nunique() == 4  # the three without an address are one person
    # Row 8 is told that its address is invalid and that it is known by its name instead.
    assert reasons(warnings) == [
        (2, "same_name_as_emailed"),
        (4, "same_name_as_emailed"),
        (8, "invalid_email"),
    ]
    assert warnings["message"].tolist()[:2] == [
        f"deltagare.csv rad {row}, kolumn 'e-post' är tom, men namn och organisation är desamma "
        "som på rad 3, som har en e-postadress: raderna räknas som två olika personer (fyll i "
        "e-postadressen om det är samma person; ändra inget om det är två personer med samma "
        "namn)."
        for row in (2, 4)
    ]
    assert not warnings["message"].str.contains("Sara|Lind|sara", case=False).any()


def test_identity_by_name_and_organisation(tmp_path, register):
    """Without e-mail, name + organisation identify a person (case and spaces ignored)."""
    table, _, _, account, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "Per Persson", "", "Timrå kommun"],
            ["A1", "per  PERSSON", "", "timrå kommun"],
            ["A1", "Per Persson", "", "Ånge kommun"],
        ],
    )
    assert table["source_row"].tolist() == [2, 4]
    assert (account.clean, account.merged) == (2, 1)


def test_key_changes_pseudonym_and_is_stable(tmp_path, register):
    """The same identity and key give the same person_key; another key gives another one."""
    rows = [["A1", "Åsa", "asa@hso.example", ""]]
    path = csv_file(tmp_path, "deltagare.csv", P_HEAD, rows)
    raw = read_table(path, PARTICIPANT_SPEC)
    one = clean_participants(raw, register, KEY).table["person_key"].iloc[0]
    again = clean_participants(raw, register, KEY).table["person_key"].iloc[0]
    other = (
        clean_participants(raw, register, b"en-annan-nyckel-0123456789").table["person_key"].iloc[0]
    )
    assert one == again != other


def test_no_identity_missing_id_and_quarantined_activity(tmp_path, register):
    """No name/e-mail → no_identity; empty id → missing_required; quarantined activity → unknown."""
    _, quarantine, _, account, _ = participants(
        tmp_path,
        register,
        [["A1", "", "", "Timrå kommun"], ["", "Åsa", "", ""], ["A3", "Åsa", "", ""]],
    )
    assert reasons(quarantine) == [
        (2, "no_identity"),
        (3, "missing_required"),
        (4, "unknown_activity"),
    ]
    assert quarantine.iloc[0]["column"] == ""
    assert (account.read, account.quarantined, account.clean) == (3, 3, 0)


def test_participant_vocabularies_and_defaults(tmp_path, register):
    """kön/roll default, variants map, unknown organisation type → övrigt with a warning."""
    header = [*P_HEAD, "organisationstyp", "kommun", "kön", "roll"]
    table, _, warnings, _, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "Ada", "", "", "universitet", "Övik", "K", "Talare"],
            ["A1", "Bo", "", "", "", "", "", ""],
            ["A1", "Cy", "", "", "rymden", "Atlantis", "?", "kung"],
        ],
        header,
    )
    assert table["organisation_type"].tolist()[0] == "akademi"
    assert pd.isna(table["organisation_type"].iloc[1])
    assert table["organisation_type"].iloc[2] == "övrigt"
    assert table["municipality"].tolist()[0] == "Örnsköldsvik"
    assert table["gender"].tolist() == ["kvinna", "ej angivet", "ej angivet"]
    assert table["role"].tolist() == ["talare", "deltagare", "deltagare"]
    assert sorted(warnings["reason"]) == [
        "unknown_gender",
        "unknown_municipality",
        "unknown_organisation_type",
        "unknown_role",
    ]


# ---------------------------------------------------------------------------------------------
# Both files
# ---------------------------------------------------------------------------------------------
def _params(tmp_path: Path, activities_path: Path, participants_path: Path):
    return build_params(
        {
            "period": "2024H1",
            "project": str(REPO / "params" / "project.yaml"),
            "activities": str(activities_path),
            "participants": str(participants_path),
            "output_dir": str(tmp_path / "ut"),
        }
    )


def test_clean_inputs_result_and_accounts(tmp_path):
    """clean_inputs reads both files and returns balanced accounts and combined issues."""
    a = csv_file(tmp_path, "aktiviteter.csv", A_HEAD, [row("A1"), row("A2", "x")])
    p = csv_file(tmp_path, "deltagare.csv", P_HEAD, [["A1", "Åsa", "", ""], ["A2", "Bo", "", ""]])
    result = clean_inputs(_params(tmp_path, a, p), KEY)
    assert [acc.role for acc in result.accounts] == ["activities", "participants"]
    assert [acc.rows()["clean"] for acc in result.accounts] == [1, 1]
    assert set(result.quarantine["reason"]) == {"unparseable_date", "unknown_activity"}
    assert result.accounting()["file"].tolist()[0] == str(a)
    assert all(acc.balanced() for acc in result.accounts)


def test_a_list_row_of_a_quarantined_activity_says_which_register_row_to_fix(tmp_path):
    """The activity of a list row may be in the register but in quarantine (a bad date, an id
    on two rows that differ): the message says so and names the register's rows, so the
    administrator fixes those first; an id the register lacks says that instead."""
    a = csv_file(
        tmp_path,
        "aktiviteter.csv",
        A_HEAD,
        [row("A1"), row("A2", "x"), row("A3", "2024-03-01"), row("A3", "2024-03-02")],
    )
    p = csv_file(
        tmp_path,
        "deltagare.csv",
        P_HEAD,
        [["A1", "Åsa", "", ""], ["A2", "Bo", "", ""], ["A3", "Cy", "", ""], ["A9", "Di", "", ""]],
    )
    result = clean_inputs(_params(tmp_path, a, p), KEY)
    lists = result.quarantine[result.quarantine["reason"] == "unknown_activity"]
    assert lists["message"].tolist() == [
        "deltagare.csv rad 3, kolumn 'aktivitets_id': 'A2' är en aktivitet som ligger i "
        "karantän i aktivitetsregistret (aktiviteter.csv rad 3); rätta den raden först, så "
        "räknas också den här raden.",
        "deltagare.csv rad 4, kolumn 'aktivitets_id': 'A3' är en aktivitet som ligger i "
        "karantän i aktivitetsregistret (aktiviteter.csv rad 4 och 5); rätta de raderna först, "
        "så räknas också den här raden.",
        "deltagare.csv rad 5, kolumn 'aktivitets_id': 'A9' finns inte i aktivitetsregistret "
        "(rätta id:t, eller lägg till aktiviteten i aktivitetsregistret).",
    ]
    assert all(acc.balanced() for acc in result.accounts)


def test_clean_inputs_file_error_names_file(tmp_path):
    """A file-level error in either file stops clean_inputs with that file named."""
    a = csv_file(tmp_path, "aktiviteter.csv", A_HEAD, [row("A1")])
    p = csv_file(tmp_path, "deltagare.csv", ["aktivitets_id", "org"], [["A1", "x"]])
    with pytest.raises(InputFileError, match=r"deltagare\.csv"):
        clean_inputs(_params(tmp_path, a, p), KEY)


def test_clean_inputs_refuses_unbalanced_account(tmp_path, monkeypatch):
    """An account that does not balance raises RunError (a guard against bugs)."""
    a = csv_file(tmp_path, "aktiviteter.csv", A_HEAD, [row("A1")])
    p = csv_file(tmp_path, "deltagare.csv", P_HEAD, [["A1", "Åsa", "", ""]])
    real = clean_module.clean_activities

    def broken(*args):
        out = real(*args)
        out.account.clean += 1
        return out

    monkeypatch.setattr(clean_module, "clean_activities", broken)
    with pytest.raises(RunError, match="går inte ihop"):
        clean_inputs(_params(tmp_path, a, p), KEY)


# ---------------------------------------------------------------------------------------------
# Personal data typed where it does not belong (`personal_data_in_field`)
# ---------------------------------------------------------------------------------------------
def all_text(*frames: pd.DataFrame) -> str:
    """Every cell of every frame as one string (for scanning for leaks)."""
    return "\n".join(
        str(cell) for frame in frames for cell in frame.astype(object).to_numpy().ravel()
    )


def test_email_in_organisation_is_emptied_and_warned(tmp_path, register):
    """An e-mail address typed as the organisation is emptied, the row kept, the value masked."""
    table, quarantine, warnings, account, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "Åsa Öberg", "", "asa.oberg@kommun.example"],
            ["A1", "Bo Ek", "", "Timrå kommun (bo.ek@timra.example)"],
            ["A1", "Cia Lund", "", "Timrå kommun"],
        ],
    )
    assert table["source_row"].tolist() == [2, 3, 4]
    assert table["organisation"].isna().tolist() == [True, True, False]
    assert reasons(warnings) == [(2, "personal_data_in_field"), (3, "personal_data_in_field")]
    assert warnings["value"].tolist() == [MASK, MASK]
    assert warnings["column"].tolist() == ["organisation", "organisation"]
    assert warnings.iloc[0]["message"] == (
        f"deltagare.csv rad 2, kolumn 'organisation': '{MASK}' ser ut att vara ett namn eller "
        "en e-postadress, alltså en personuppgift; fältet lämnas tomt (skriv organisationens "
        "namn där, t.ex. Timrå kommun)."
    )
    assert quarantine.empty
    assert (account.read, account.clean, account.quarantined, account.merged) == (3, 3, 0, 0)
    text = all_text(table, quarantine, warnings)
    for personal in ("asa.oberg@kommun.example", "bo.ek@timra.example", "@"):
        assert personal not in text


def test_own_name_in_organisation_is_emptied_and_identity_uses_empty_org(tmp_path, register):
    """The row's own name (any case, diacritics) as organisation is emptied, and so is another
    participant's name; an organisation is kept."""
    table, _, warnings, account, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "Åsa Öberg", "", "asa  OBERG"],
            ["A1", "Åsa Öberg", "", ""],
            ["A2", "Per Persson", "", "Åsa Öberg"],
            ["A2", "Eva Ek", "", "Öbergs väg 2, Åsa"],
        ],
    )
    # Row 3 is row 2's person again on A1 (the emptied organisation is not part of the identity).
    assert table["source_row"].tolist() == [2, 4, 5]
    assert (account.clean, account.merged) == (3, 1)
    assert pd.isna(table["organisation"].iloc[0])
    assert pd.isna(table["organisation"].iloc[1])  # another participant's name
    assert table["organisation"].iloc[2] == "Öbergs väg 2, Åsa"  # not the name as whole words
    assert reasons(warnings) == [(2, "personal_data_in_field"), (4, "personal_data_in_field")]
    assert (warnings["value"] == MASK).all()
    text = all_text(table, warnings).casefold()
    assert "oberg" not in text


def test_issue_values_and_messages_mask_own_name_and_addresses(tmp_path, register):
    """Issue rows of the participant file never echo the row's own name or an address."""
    header = [*P_HEAD, "organisationstyp", "kommun", "kön", "roll"]
    table, quarantine, warnings, account, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "Kalle Anka", "", "", "", "", "Kalle Anka", ""],
            ["A1", "Åsa Öberg", "", "", "", "asa  oberg, Sundsvall", "", "Åsa!"],
            ["A1", "Bo Ek", "", "", "bo@ek.example", "", "", ""],
            ["A9 kalle@anka.example", "Cy Berg", "", "", "", "", "", ""],
            ["A1", "Bo", "", "", "", "Bollnäsby", "", "bo-x"],
            ["A1", "Di Ny", "", "", "", "", "kvinna?", ""],
        ],
        header,
    )
    assert reasons(quarantine) == [(5, "unknown_activity")]
    assert quarantine["value"].tolist() == [MASK]
    assert reasons(warnings) == [
        (2, "unknown_gender"),
        (3, "unknown_municipality"),
        (3, "unknown_role"),
        (4, "unknown_organisation_type"),
        (6, "unknown_municipality"),
        (6, "unknown_role"),
        (7, "unknown_gender"),
    ]
    # Masked: the row's own full name as the whole value or as whole words (folded), and any
    # address. Shown: "Åsa!" (only part of the name "Åsa Öberg"), "Bollnäsby" (the name "Bo"
    # is no whole word there; in "bo-x" it is) and values without personal data.
    assert warnings["value"].tolist() == [MASK, MASK, "Åsa!", MASK, "Bollnäsby", MASK, "kvinna?"]
    assert f"kolumn 'kön': '{MASK}' är inget känt kön" in warnings.iloc[0]["message"]
    text = all_text(table, quarantine, warnings).casefold()
    for personal in ("kalle anka", "kalle@anka.example", "asa  oberg", "asa oberg", "bo@ek"):
        assert personal not in text
    assert "åsa öberg" not in text and "cy berg" not in text
    assert account.balanced()


def test_issue_values_mask_other_participants_names(tmp_path, register):
    """Another participant's name in a role, a municipality or an unknown activity id is masked
    in the data-quality report too (the list is full of names; any of them is personal data)."""
    header = [*P_HEAD, "organisationstyp", "kommun", "kön", "roll"]
    _, quarantine, warnings, account, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "Karin Östlund", "", "", "", "", "", ""],
            ["A1", "Sanna Olsson", "", "", "", "", "", "ersätter karin ÖSTLUND"],
            ["A1", "Ola Berg", "", "", "", "Sanna Olsson", "", ""],
            ["Sanna Olsson", "Eva Ek", "", "", "", "", "", ""],
            ["A1", "Ivar Lo", "", "", "", "", "", "ersätter Karin"],  # one word: no name
        ],
        header,
    )
    assert reasons(quarantine) == [(5, "unknown_activity")]
    assert reasons(warnings) == [
        (3, "unknown_role"),
        (4, "unknown_municipality"),
        (6, "unknown_role"),
    ]
    assert quarantine["value"].tolist() == [MASK]
    assert warnings["value"].tolist() == [MASK, MASK, "ersätter Karin"]
    text = all_text(quarantine, warnings).casefold()
    assert "östlund" not in text and "olsson" not in text
    assert account.balanced()


def test_a_merged_row_that_says_something_else_is_warned_about(tmp_path, register):
    """The same person twice on one activity merges into the first row; when the second says
    'talare' and the first nothing, the admin is told which rows and columns, not the values."""
    header = [*P_HEAD, "organisationstyp", "kommun", "kön", "roll"]
    table, _, warnings, account, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "Cecilia Larsson", "cecilia.larsson@sundsvall.example", "", "", "", "", ""],
            ["A1", "", " Cecilia.Larsson@Sundsvall.example ", "", "", "", "", "talare"],
            ["A1", "Cecilia Larsson", "cecilia.larsson@sundsvall.example", "", "", "", "", ""],
        ],
        header,
    )
    assert (account.clean, account.merged) == (1, 2)
    assert reasons(warnings) == [(3, "merged_differs")]  # row 4 says the same as row 2
    message = warnings.iloc[0]["message"]
    assert "samma person på samma aktivitet som rad 2" in message
    assert "skiljer sig åt i roll;" in message and "uppgifterna på rad 2 gäller" in message
    assert "cecilia" not in all_text(table, warnings).casefold()


def test_excel_error_values_are_never_data(tmp_path, register):
    """'#REF!' and the like (what Excel writes for a failed formula, also into a CSV) as an id or
    a title quarantine the row; as a description, place, name or organisation they are emptied
    with a warning that shows the value (it is nobody's personal data)."""
    table, quarantine, warnings, account, _ = activities(
        tmp_path,
        [
            row("#REF!", "2024-03-15", "AP1", "möte", "Möte"),
            row("A2", "2024-03-15", "AP1", "möte", "#N/A"),
            row("A3", "2024-03-15", "AP1", "möte", "Möte", "#VALUE!", "#SPILL!"),
        ],
        ["beskrivning", "plats"],
    )
    assert reasons(quarantine) == [(2, "excel_error"), (3, "excel_error")]
    errors = warnings[warnings["reason"] == "excel_error"]
    assert errors["column"].tolist() == ["beskrivning", "plats"]
    assert errors["row"].tolist() == [4, 4]
    assert table["activity_id"].tolist() == ["A3"]
    assert table[["description", "place"]].isna().all(axis=None)
    assert "rad 2, kolumn 'aktivitets_id': '#REF!' är ett felvärde från Excel" in "\n".join(
        quarantine["message"]
    )
    assert account.balanced()
    parts, pq, pw, paccount, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "#REF!", "eva.ek@kommun.example", "Timrå kommun"],  # known by the e-mail
            ["A2", "Bo Ek", "", "#NAME?"],
        ],
    )
    assert reasons(pq) == [] and reasons(pw) == [(2, "excel_error"), (3, "excel_error")]
    assert pw["value"].tolist() == ["#REF!", "#NAME?"]
    assert parts["organisation"].iloc[0] == "Timrå kommun"
    assert pd.isna(parts["organisation"].iloc[1])
    assert paccount.balanced()


def test_a_quote_that_is_not_closed_where_it_should_be_is_not_silent(tmp_path, register):
    """An opening quote in row 3 and a stray one in row 5 make rows 3–5 of the text file one
    cell: the row goes to quarantine with a message that counts the lines, shows no names, and
    a quoted text with a line break but few delimiters is still fine."""
    path = tmp_path / "deltagare.csv"
    path.write_text(
        "aktivitets_id;namn;e-post;organisation\n"
        "A1;Eva Ek;;Timrå kommun\n"
        'A1;Bo Ek;;"Kramfors kommun\n'
        "A1;Sara Lund;;Sundsvalls kommun\n"
        'A2;Ali Berg;;Ånge kommun (avd. "Kultur")"\n'
        'A2;Ola Berg;;"Region Västernorrland\nenheten för tillväxt; Härnösand"\n',
        encoding="utf-8",
    )
    table, quarantine, _, account, _ = clean_participants(
        read_table(path, PARTICIPANT_SPEC), register, KEY
    )
    assert reasons(quarantine) == [(3, "unclosed_quote")]
    message = quarantine.iloc[0]["message"]
    assert "rad 3, kolumn 'organisation' sträcker sig över 3 textrader och har 6 ';'" in message
    assert "lund" not in message.casefold() and "berg" not in message.casefold()
    assert table["source_row"].tolist() == [2, 4]  # the quoted two-line text is kept
    assert (account.read, account.quarantined) == (3, 1)


def test_a_quoted_programme_with_commas_is_a_description_not_swallowed_rows(tmp_path):
    """A correctly quoted description over four lines with six commas (in a comma-separated
    register of seven columns) is kept: prose puts a space after its commas."""
    path = tmp_path / "aktiviteter.csv"
    path.write_text(
        "aktivitets_id,datum,arbetspaket,aktivitetstyp,titel,beskrivning,plats\n"
        'A1,2024-03-15,AP1,möte,Startmöte,"Program för dagen:\n'
        "09.00 Välkommen, kaffe, smörgås\n"
        "10.00 Panel med Region, Länsstyrelsen, kommunerna\n"
        '11.00 Workshop, gruppdiskussion, redovisning",Sundsvall\n'
        "A2,2024-03-16,AP1,möte,Andra mötet,Kort,Timrå\n",
        encoding="utf-8",
    )
    table, quarantine, _, _, _ = clean_activities(read_table(path, ACTIVITY_SPEC), PROJECT, PERIOD)
    assert reasons(quarantine) == []
    assert table["activity_id"].tolist() == ["A1", "A2"]
    assert table["description"].iloc[0].count("\n") == 3


BUDGET_HEAD = "aktivitets_id,datum,arbetspaket,aktivitetstyp,titel,beskrivning,antal_deltagare\n"


def test_a_quoted_text_with_decimal_commas_on_several_lines_is_kept(tmp_path):
    """A correctly quoted description over three lines with six decimal commas (as many as a
    whole row of this comma-separated register has delimiters, but at most two on a line) is a
    description: both rows are clean and the text is whole."""
    description = (
        "Budgeten ökade från 1,5 till 2,5 mnkr.\n"
        "Andelen kvinnor steg från 40,5 till 52,5 procent.\n"
        "Nästa år: 3,0 eller 3,5 mnkr."
    )
    table, quarantine, _, account, _ = register_text(
        tmp_path,
        BUDGET_HEAD + f'A1,2024-03-01,AP1,möte,Budgetmöte,"{description}",25\n'
        "A2,2024-03-02,AP1,möte,Möte 2,Kort,10\n",
    )
    assert quarantine.empty
    assert account.rows() == {"read": 2, "clean": 2, "quarantined": 0, "merged": 0, "blank": 0}
    assert table["activity_id"].tolist() == ["A1", "A2"]
    assert table["description"].iloc[0] == description
    assert table["attendance"].tolist() == [25, 10]


def test_a_quote_left_open_after_decimal_commas_still_swallows_no_row_silently(tmp_path):
    """The same register with the closing quote forgotten: the next record becomes a line of
    the cell and is found there (a whole row's delimiters on one line of the cell)."""
    table, quarantine, _, account, _ = register_text(
        tmp_path,
        BUDGET_HEAD + 'A1,2024-03-01,AP1,möte,Budgetmöte,"Från 1,5 till 2,5 mnkr.,25\n'
        "A2,2024-03-02,AP1,möte,Möte 2,Kort,10\n"
        'A3,2024-03-03,AP1,möte,Möte 3,"Lång",10\n',
    )
    assert table.empty
    assert reasons(quarantine) == [(2, "unclosed_quote")]
    assert quarantine.iloc[0]["message"].startswith(
        "aktiviteter.csv rad 2, kolumn 'beskrivning' sträcker sig över 3 textrader"
    )
    assert account.rows() == {"read": 1, "clean": 0, "quarantined": 1, "merged": 0, "blank": 0}


def test_a_quote_closed_in_a_later_rows_field_swallows_no_row_silently(tmp_path):
    """A quote left open that the next row's own quoted field closes: that row is split between
    the cell (its start) and the row (its remaining fields), so no line of the cell is a whole
    row and the row has no field too many. The cell's first and last lines make a whole row:
    quarantined, and the next person's name never becomes an organisation."""
    table, quarantine, _, account, _ = participant_text(
        tmp_path,
        "aktivitets_id,namn,e-post,organisation,organisationstyp,kommun,kön,roll\n"
        'A1,Anna Berg,anna@x.example,"Org utan slut,kommun,Sundsvall,kvinna,deltagare\n'
        'A1,Karin Östlund,,"Timrå kommun",kommun,Timrå,kvinna,deltagare\n'
        "A1,Nils Holm,,Ånge kommun,kommun,Ånge,man,deltagare\n",
    )
    assert reasons(quarantine) == [(2, "unclosed_quote")]
    assert table["organisation"].tolist() == ["Ånge kommun"]
    assert "östlund" not in quarantine.to_string().casefold()
    assert account.rows() == {"read": 2, "clean": 1, "quarantined": 1, "merged": 0, "blank": 0}
    # The same shape in the register.
    table, quarantine, _, account, _ = register_text(
        tmp_path,
        BUDGET_HEAD + 'A1,2024-03-01,AP1,möte,Möte,"Utan slut,10\n'
        'A2,2024-03-02,AP1,möte,Möte 2,"Kort",10\n'
        "A3,2024-03-03,AP1,möte,Möte 3,Kort,10\n",
    )
    assert reasons(quarantine) == [(2, "unclosed_quote")]
    assert table["activity_id"].tolist() == ["A3"]
    assert account.rows() == {"read": 2, "clean": 1, "quarantined": 1, "merged": 0, "blank": 0}


def test_an_organisation_typed_as_a_name_does_not_empty_that_organisation(tmp_path, register):
    """'Sundsvalls kommun' in the name column of one row is no person's name: the three rows
    with it as their organisation keep it (and their pseudonyms stay those of other periods)."""
    table, _, warnings, _, _ = participants(
        tmp_path,
        register,
        [
            ["A1", "Sundsvalls kommun", "info@sundsvall.example", ""],
            ["A1", "Eva Ek", "", "Sundsvalls kommun"],
            ["A1", "Bo Ek", "", "Sundsvalls kommun"],
            ["A2", "Al Ek", "", "Sundsvalls kommun"],
        ],
    )
    assert table["organisation"].tolist()[1:] == ["Sundsvalls kommun"] * 3
    assert "personal_data_in_field" not in set(warnings["reason"])


def test_email_in_activity_free_text_is_replaced_and_warned(tmp_path):
    """Addresses in titel/beskrivning/plats/samverkansparter are replaced; the row is kept."""
    extra = ["beskrivning", "plats", "samverkansparter", "länk"]
    table, quarantine, warnings, account, _ = activities(
        tmp_path,
        [
            row(
                "A1",
                "2024-03-15",
                "AP1",
                "möte",
                "Möte med anna.berg@kommun.example",
                "Frågor till <bo@hso.example> eller bo@hso.example.",
                "Rum 3 (kontakt: cia@plats.example)",
                "Timrå kommun, dan@org.example",
                "mailto:eva@hso.example",
            ),
            row("A2", "2024-03-16", "AP1", "möte", "Möte @ Sundsvall", "Twitter: @hso", "", ""),
        ],
        extra,
    )
    removed = "[e-postadress borttagen]"
    rec = table.iloc[0]
    assert rec["title"] == f"Möte med {removed}"
    assert rec["description"] == f"Frågor till <{removed}> eller {removed}."
    assert rec["place"] == f"Rum 3 (kontakt: {removed})"
    assert rec["parties"] == f"Timrå kommun; {removed}"
    assert table.iloc[1][["title", "description"]].tolist() == ["Möte @ Sundsvall", "Twitter: @hso"]
    assert quarantine.empty
    assert (account.read, account.clean) == (2, 2)
    hits = warnings[warnings["reason"] == "personal_data_in_field"]
    assert hits["column"].tolist() == ["titel", "beskrivning", "plats", "samverkansparter"]
    assert set(hits["row"]) == {2} and set(hits["value"]) == {MASK}
    assert hits.iloc[1]["message"] == (
        f"aktiviteter.csv rad 2, kolumn 'beskrivning': '{MASK}' innehöll en e-postadress, som "
        "är en personuppgift och inte får publiceras; den har ersatts med "
        f"{removed} (skriv inga e-postadresser i registret)."
    )
    # The mailto: link is invalid as before; its warning masks the address too.
    link = warnings[warnings["reason"] == "invalid_link"]
    assert link["value"].tolist() == [MASK]
    text = all_text(table, quarantine, warnings)
    for address in ("anna.berg@", "bo@hso", "cia@", "dan@", "eva@"):
        assert address not in text


def test_clean_inputs_publishes_no_name_or_address(tmp_path):
    """Through clean_inputs, no output frame holds a participant's name or an address."""
    a = csv_file(
        tmp_path,
        "aktiviteter.csv",
        [*A_HEAD, "beskrivning"],
        [row("A1", "2024-03-15", "AP1", "möte", "Möte", "Anmälan: kalle@anka.example")],
    )
    p = csv_file(
        tmp_path,
        "deltagare.csv",
        [*P_HEAD, "kön"],
        [
            ["A1", "Kalle Anka", "kalle@anka.example", "kalle@anka.example", "Kalle Anka"],
            ["A1", "Åsa Öberg", "", "Åsa Öberg", ""],
            ["A7", "Bo Ek", "bo@ek.example", "Timrå kommun", "bo@ek.example"],
        ],
    )
    result = clean_inputs(_params(tmp_path, a, p), KEY)
    assert all(acc.balanced() for acc in result.accounts)
    assert [acc.rows()["clean"] for acc in result.accounts] == [1, 2]
    issues = result.warnings[["file", "row", "column", "reason"]]
    assert issues.to_numpy().tolist() == [
        ["aktiviteter.csv", 2, "status", "status_missing"],
        ["aktiviteter.csv", 2, "beskrivning", "personal_data_in_field"],
        ["deltagare.csv", 2, "organisation", "personal_data_in_field"],
        ["deltagare.csv", 2, "kön", "unknown_gender"],
        ["deltagare.csv", 3, "organisation", "personal_data_in_field"],
    ]
    assert reasons(result.quarantine) == [(4, "unknown_activity")]
    frames = [result.activities, result.participations, result.quarantine, result.warnings]
    text = all_text(*frames).casefold()
    for personal in ("kalle", "anka", "åsa", "öberg", "asa oberg", "bo ek", "@"):
        assert personal not in text


def test_a_link_naming_a_participant_or_holding_an_address_is_emptied(tmp_path):
    """A link cannot be partly blanked: one whose path or query names a participant
    (however the words are joined, or written as one word) or holds an address written as %40
    is emptied with a warning; an ordinary link stays, also one with a word of a name."""
    links = [
        "https://harnosand.example/evenemang/frukost-med-karin-ostlund",
        "https://x.example/p?namn=Sanna+Olsson",
        "https://forms.example/anmalan?email=sanna.olsson%40ange.example",
        "https://www.rvn.se/sv/utveckling/hallbar-samhallsomstallning",
        "https://karinostlund.example/blogg",
        "https://x.example/talare/OlssonSanna",
        "https://x.example/karin/ostlundska-garden",
        "https://x.example/?kontakt=bo(at)ek(punkt)example",
    ]
    a = csv_file(
        tmp_path,
        "aktiviteter.csv",
        [*A_HEAD, "länk"],
        [row(f"A{i}", "2024-03-15", "AP1", "möte", "Möte", link) for i, link in enumerate(links)],
    )
    p = csv_file(
        tmp_path,
        "deltagare.csv",
        P_HEAD,
        [
            ["A0", "Karin Östlund", "", "Härnösands kommun"],
            ["A1", "Sanna Olsson", "", "Sundsvalls kommun"],
        ],
    )
    result = clean_inputs(_params(tmp_path, a, p), KEY)
    table = result.activities.set_index("activity_id")
    assert table["link"].isna().tolist() == [True, True, True, False, True, True, False, True]
    found = result.warnings[result.warnings["reason"] == "personal_data_in_field"]
    assert found[["row", "column", "value"]].to_numpy().tolist() == [
        [row, "länk", MASK] for row in (2, 3, 4, 6, 7, 9)
    ]
    assert "ostlund" not in " ".join(result.warnings["message"]).casefold()


def test_participant_names_in_the_register_text_are_removed(tmp_path):
    """A participant's name in the register's free text would be published next to that
    person's pseudonym: it is replaced (as written, turned round, or as an address spells it),
    warned about with the row and column, and masked in the register's own issues. A phrase
    that is no person (a partner, a municipality) and a lone first name stay as written."""
    a = csv_file(
        tmp_path,
        "aktiviteter.csv",
        [*A_HEAD, "beskrivning", "plats", "samverkansparter", "kommun"],
        [
            row("A1", "2024-03-15", "AP1", "möte", "Workshop med Sanna Olsson", "", "", "", ""),
            row(
                "A2",
                "2024-03-16",
                "AP1",
                "möte",
                "Frukostmöte",
                "Inledning av OLSSON, Sanna och Karin Östlund. Almi Mitt och Sanna ledde",
                "Hos Per Nyberg",
                "",
                "",
            ),
            row(
                "A3",
                "2024-03-17",
                "AP1",
                "möte",
                "Besök",
                "",
                "",
                "Almi Mitt, Åsa Lind",
                "Sanna Olsson",
            ),
        ],
    )
    p = csv_file(
        tmp_path,
        "deltagare.csv",
        [*P_HEAD, "roll"],
        [
            ["A1", "Sanna Olsson", "", "Sundsvalls kommun", "talare"],
            ["A2", "", "karin.ostlund@harnosand.example", "Härnösands kommun", ""],
            ["A2", "Per Nyberg", "", "Timrå kommun", ""],
            ["A3", "Åsa Lind", "", "Almi Mitt", ""],
            ["A3", "Almi Mitt", "", "", ""],  # a shifted row: no person, and no name to remove
        ],
    )
    result = clean_inputs(_params(tmp_path, a, p), KEY)
    assert all(acc.balanced() for acc in result.accounts)
    removed = clean_module.NAME_REMOVED
    table = result.activities.set_index("activity_id")
    assert table.loc["A1", "title"] == f"Workshop med {removed}"
    assert table.loc["A2", "description"] == (
        f"Inledning av {removed} och {removed}. Almi Mitt och Sanna ledde"
    )
    assert table.loc["A2", "place"] == f"Hos {removed}"
    assert table.loc["A3", "parties"] == f"Almi Mitt; {removed}"
    register = result.warnings[result.warnings["file"] == "aktiviteter.csv"]
    found = register[register["reason"] == "personal_data_in_field"]
    assert found[["file", "row", "column", "value"]].to_numpy().tolist() == [
        ["aktiviteter.csv", 2, "titel", MASK],
        ["aktiviteter.csv", 3, "beskrivning", MASK],
        ["aktiviteter.csv", 3, "plats", MASK],
        ["aktiviteter.csv", 4, "samverkansparter", MASK],
    ]
    assert f"namnet har ersatts med {removed}" in found["message"].iloc[0]
    municipality = register[register["reason"] == "unknown_municipality"]
    assert municipality[["row", "column", "value"]].to_numpy().tolist() == [[4, "kommun", MASK]]
    assert (
        municipality["message"]
        .iloc[0]
        .startswith(f"aktiviteter.csv rad 4, kolumn 'kommun': '{MASK}' är ingen svensk kommun")
    )
    frames = [result.activities, result.participations, result.quarantine, result.warnings]
    text = all_text(*frames).casefold()
    for name in ("sanna olsson", "olsson", "östlund", "nyberg", "åsa lind"):
        assert name not in text


def test_participant_name_with_an_invisible_character_in_the_register_text_is_removed(tmp_path):
    """A soft hyphen or zero-width space inside a name (text pasted from a web page) is not
    seen on screen: the report would show 'Sanna Olsson' if the name were not replaced."""
    a = csv_file(
        tmp_path,
        "aktiviteter.csv",
        [*A_HEAD, "beskrivning"],
        [
            row("A1", "2024-03-15", "AP1", "möte", "Möte", "Sa\u200bnna Olsson talade"),
            row("A2", "2024-03-16", "AP1", "möte", "Besök", "Hos Per Ny\u00adberg"),
        ],
    )
    p = csv_file(
        tmp_path,
        "deltagare.csv",
        P_HEAD,
        [["A1", "Sanna Olsson", "", ""], ["A1", "Per Nyberg", "", ""]],
    )
    result = clean_inputs(_params(tmp_path, a, p), KEY)
    removed = clean_module.NAME_REMOVED
    assert result.activities["description"].tolist() == [f"{removed} talade", f"Hos {removed}"]
    frames = [result.activities, result.quarantine, result.warnings]
    shown = all_text(*frames).replace("\u200b", "").replace("\u00ad", "").casefold()
    assert "olsson" not in shown and "nyberg" not in shown


def _clean_register_text(tmp_path, texts: list[tuple[str, str, str]], names: list[str]):
    """Clean a register of activities A1, A2 … with (titel, beskrivning, kommun) from `texts`,
    and a participant list naming `names[i]` on activity A<i+1>."""
    a = csv_file(
        tmp_path,
        "aktiviteter.csv",
        [*A_HEAD, "beskrivning", "kommun"],
        [
            row(f"A{i}", f"2024-03-{14 + i}", "AP1", "möte", *text)
            for i, text in enumerate(texts, start=1)
        ],
    )
    p = csv_file(
        tmp_path,
        "deltagare.csv",
        P_HEAD,
        [[f"A{i}", name, "", ""] for i, name in enumerate(names, start=1)],
    )
    return clean_inputs(_params(tmp_path, a, p), KEY)


def test_participant_name_in_the_genitive_in_the_register_text_is_removed(tmp_path):
    """'Per Nybergs föredrag' is Per Nyberg's name with the genitive s: it is replaced like
    the name itself, in the published text and in the register's issue values."""
    result = _clean_register_text(
        tmp_path,
        [
            ("Per Nybergs föredrag", "", ""),
            ("Besök", "Tack till Sanna Olssons team.", "x"),
            ("Besök", "", "Sanna Olssons"),
        ],
        ["Per Nyberg", "Sanna Olsson"],
    )
    removed = clean_module.NAME_REMOVED
    table = result.activities.set_index("activity_id")
    assert table.loc["A1", "title"] == f"{removed} föredrag"
    assert table.loc["A2", "description"] == f"Tack till {removed} team."
    text = all_text(result.activities, result.quarantine, result.warnings).casefold()
    assert "nyberg" not in text and "olsson" not in text


def test_participant_name_written_as_one_word_in_the_register_text_is_removed(tmp_path):
    """A name run together, as web addresses, user names and hashtags write it ("…/in/
    karinostlund", "@OlssonSanna84", "#KarinÖstlund", "sanna_olsson84"), shows the name as
    plainly as two words: it is replaced, in the published text and in the register's issue
    values. A capitalised word or one in capitals ("Karlberg", "KARLBERG": a surname or a
    place) is no participant "Karl Berg" run together, and a name with a word of two letters
    ("Li Na") run together would be an everyday word ("lina"): these stay."""
    result = _clean_register_text(
        tmp_path,
        [
            ("Möte", "Se linkedin.example/in/karinostlund", ""),
            ("Följ @OlssonSanna84", "#KarinÖstlund", ""),
            ("Besök på Karlberg, KARLBERG", "", "sannaolsson"),
            ("Gå på lina", "Kontakt: sanna_olsson84", ""),
        ],
        ["Karin Östlund", "Sanna Olsson", "Karl Berg", "Li Na"],
    )
    removed = clean_module.NAME_REMOVED
    table = result.activities.set_index("activity_id")
    assert table.loc["A1", "description"] == f"Se linkedin.example/in/{removed}"
    assert table.loc["A2", "title"] == f"Följ @{removed}"
    assert table.loc["A2", "description"] == f"#{removed}"
    assert table.loc["A3", "title"] == "Besök på Karlberg, KARLBERG"
    assert table.loc["A4", "title"] == "Gå på lina"
    assert table.loc["A4", "description"] == f"Kontakt: {removed}"
    found = result.warnings[result.warnings["reason"] == "personal_data_in_field"]
    assert found[["row", "column"]].to_numpy().tolist() == [
        [2, "beskrivning"],
        [3, "titel"],
        [3, "beskrivning"],
        [5, "beskrivning"],
    ]
    municipality = result.warnings[result.warnings["reason"] == "unknown_municipality"]
    assert municipality[["row", "value"]].to_numpy().tolist() == [[4, MASK]]
    text = all_text(result.activities, result.quarantine, result.warnings).casefold()
    assert "ostlund" not in text and "östlund" not in text and "olsson" not in text


# ---------------------------------------------------------------------------------------------
# Values in columns with no header
# ---------------------------------------------------------------------------------------------
def register_text(tmp_path: Path, text: str):
    """Clean an activity register written exactly as `text` (UTF-8)."""
    path = tmp_path / "aktiviteter.csv"
    path.write_text(text, encoding="utf-8")
    return clean_activities(read_table(path, ACTIVITY_SPEC), PROJECT, PERIOD)


def participant_text(tmp_path: Path, text: str):
    """Clean a participant list written exactly as `text` against a register holding A1."""
    register = csv_file(tmp_path, "aktiviteter.csv", A_HEAD, [row("A1")])
    acts = clean_activities(read_table(register, ACTIVITY_SPEC), PROJECT, PERIOD)
    path = tmp_path / "deltagare.csv"
    path.write_text(text, encoding="utf-8")
    return clean_participants(read_table(path, PARTICIPANT_SPEC), acts.table, KEY)


def without_status(frame: pd.DataFrame) -> pd.DataFrame:
    """The issues other than `status_missing` (the registers here have no status column)."""
    return frame[frame["reason"] != "status_missing"]


def test_csv_row_with_more_fields_than_header_is_quarantined(tmp_path):
    """An unquoted ';' in a title shifts the row's values: quarantined, the value named."""
    table, quarantine, warnings, account, _ = register_text(
        tmp_path,
        "aktivitets_id;datum;arbetspaket;aktivitetstyp;titel;status\n"
        "A1;2024-03-15;AP1;möte;Möte; del två;genomförd\n"
        "A2;2024-03-15;AP1;möte;Möte;genomförd\n",
    )
    assert table["activity_id"].tolist() == ["A2"]
    assert reasons(quarantine) == [(2, "extra_fields")]
    issue = quarantine.iloc[0]
    assert (issue["column"], issue["value"]) == ("G (utan rubrik)", "genomförd")
    assert issue["message"].startswith(
        "aktiviteter.csv rad 2, kolumn 'G (utan rubrik)': 'genomförd' ligger utanför rubrikraden"
    )
    assert "';' i en text utan citattecken" in issue["message"]
    assert warnings.empty
    assert account.rows() == {"read": 2, "clean": 1, "quarantined": 1, "merged": 0, "blank": 0}


def test_value_under_an_empty_header_cell_is_warned_about(tmp_path):
    """Excel writes an empty header cell as an empty field: the row lines up and is kept."""
    table, quarantine, warnings, account, _ = register_text(
        tmp_path,
        "aktivitets_id;datum;arbetspaket;aktivitetstyp;titel;;anteckning\n"
        "A1;2024-03-15;AP1;möte;Möte;ring Eva;x\n"
        "A2;2024-03-15;AP1;möte;Möte;;\n",
    )
    assert table["activity_id"].tolist() == ["A1", "A2"]
    assert quarantine.empty
    warnings = without_status(warnings)
    assert reasons(warnings) == [(2, "value_without_header")]
    assert warnings.iloc[0]["message"] == (
        "aktiviteter.csv rad 2, kolumn 'F (utan rubrik)': 'ring Eva' står i en kolumn utan "
        "rubrik och läses inte (ge kolumnen en rubrik ur mallen, eller flytta värdet till rätt "
        "kolumn)."
    )
    assert account.unknown_columns == ["anteckning"]  # a named column: listed, not warned


def test_xlsx_value_without_header_is_warned_about_by_column_letter(tmp_path):
    """In a sheet whose table starts in column C, the letter is the one Excel shows."""
    book = Workbook()
    sheet = book.active
    sheet.append([])
    sheet.append([None, None, *A_HEAD, None, "Anteckning"])
    sheet.append([None, None, *row("A1"), "Sundsvall", "x"])
    sheet.append([None, None, *row("A2"), None, None])
    path = tmp_path / "aktiviteter.xlsx"
    book.save(path)
    table, quarantine, warnings, _, _ = clean_activities(
        read_table(path, ACTIVITY_SPEC), PROJECT, PERIOD
    )
    assert table["activity_id"].tolist() == ["A1", "A2"]
    assert quarantine.empty
    warnings = without_status(warnings)
    assert reasons(warnings) == [(3, "value_without_header")]
    assert (warnings.iloc[0]["column"], warnings.iloc[0]["value"]) == (
        "H (utan rubrik)",
        "Sundsvall",
    )


def test_participant_value_without_header_is_masked(tmp_path):
    """A column with no header in a participant list may hold personal data: never shown."""
    table, quarantine, warnings, account, _ = participant_text(
        tmp_path,
        "aktivitets_id;namn;e-post;organisation;\n"
        "A1;Anna Sjöberg;anna.sjoberg@harnosand.example;Härnösands kommun;070-123 45 67\n"
        "A1;Bo Ek;bo.ek@timra.example;Timrå;kommun;Ek\n",
    )
    assert len(table) == 1
    assert reasons(quarantine) == [(3, "extra_fields")]
    assert reasons(warnings) == [(2, "value_without_header")]
    for issue in (quarantine.iloc[0], warnings.iloc[0]):
        assert issue["value"] == MASK
        assert "070-123" not in issue["message"] and "Ek" not in issue["message"].split(":")[1]
    assert quarantine.iloc[0]["column"] == "F (utan rubrik)"
    assert warnings.iloc[0]["column"] == "E (utan rubrik)"
    assert account.rows() == {"read": 2, "clean": 1, "quarantined": 1, "merged": 0, "blank": 0}


def test_a_row_with_extra_fields_never_absorbs_a_good_row(tmp_path):
    """Row 2's values do not line up (quarantined); row 3 has the same known values and is
    right: it is kept, not merged into the quarantined row, and no id conflict is made."""
    table, quarantine, _, account, _ = register_text(
        tmp_path,
        "aktivitets_id;datum;arbetspaket;aktivitetstyp;titel\n"
        "A1;2024-03-15;AP1;möte;Möte;x\n"
        "A1;2024-03-15;AP1;möte;Möte\n",
    )
    assert table["activity_id"].tolist() == ["A1"]
    assert table["source_row"].tolist() == [3]
    assert reasons(quarantine) == [(2, "extra_fields")]
    assert account.rows() == {"read": 2, "clean": 1, "quarantined": 1, "merged": 0, "blank": 0}


def test_a_value_without_header_on_a_merged_duplicate_is_warned_about(tmp_path):
    """Two rows alike in every read column merge; the note under no header on the second is
    lost with it, so it gets its warning all the same."""
    _, quarantine, warnings, account, _ = register_text(
        tmp_path,
        "aktivitets_id;datum;arbetspaket;aktivitetstyp;titel;\n"
        "A1;2024-03-15;AP1;möte;Möte;\n"
        "A1;2024-03-15;AP1;möte;Möte;ring Eva\n",
    )
    assert account.rows() == {"read": 2, "clean": 1, "quarantined": 0, "merged": 1, "blank": 0}
    assert quarantine.empty
    assert reasons(without_status(warnings)) == [(3, "value_without_header")]


def test_a_value_without_header_on_a_merged_participant_is_warned_about(tmp_path):
    """The same person twice on one activity merges; the second row's value under no header
    is warned about (and masked)."""
    _, quarantine, warnings, account, _ = participant_text(
        tmp_path,
        "aktivitets_id;namn;e-post;;organisation\n"
        "A1;Anna Sjöberg;anna.sjoberg@harnosand.example;;Härnösands kommun\n"
        "A1;Anna Sjöberg;anna.sjoberg@harnosand.example;viktigt;Härnösands kommun\n",
    )
    assert account.rows() == {"read": 2, "clean": 1, "quarantined": 0, "merged": 1, "blank": 0}
    assert quarantine.empty
    assert reasons(warnings) == [(3, "value_without_header")]
    assert warnings.iloc[0]["value"] == MASK


# ---------------------------------------------------------------------------------------------
# A header row further down
# ---------------------------------------------------------------------------------------------
SECOND_HEADER = (
    "aktivitets_id;datum;arbetspaket;aktivitetstyp;titel\n"
    "A1;2024-03-01;AP1;möte;Möte 1\n"
    "A2;2024-03-02;AP1;möte;Möte 2\n"
    "A3;2024-03-03;AP1;möte;Möte 3\n"
    "aktivitets_id;datum;arbetspaket;aktivitetstyp;titel;status;antal_deltagare\n"
    "A4;2024-03-04;AP1;möte;Möte 4;genomförd;10\n"
)


def test_a_wider_header_row_further_down_loses_no_row_above_it(tmp_path):
    """Row 1 is the header (the first row with every required column); the wider header on
    row 5 is quarantined as such and names the columns only it has; row 6 has more fields
    than row 1 and is quarantined too. Nothing above row 5 is taken for a title row."""
    table, quarantine, warnings, account, _ = register_text(tmp_path, SECOND_HEADER)
    assert account.header_row == 1
    assert account.rows() == {"read": 5, "clean": 3, "quarantined": 2, "merged": 0, "blank": 0}
    assert table["activity_id"].tolist() == ["A1", "A2", "A3"]
    assert reasons(quarantine) == [(5, "repeated_header"), (6, "extra_fields")]
    assert quarantine.iloc[0]["message"] == (
        "aktiviteter.csv rad 5: är en rubrikrad till ('aktivitets_id', 'datum', 'arbetspaket', "
        "'aktivitetstyp', 'titel', 'status', 'antal_deltagare'), men bara rubrikraden på rad 1 "
        "gäller: raden läses som data och läggs i karantän (ta bort raden). Kolumnerna "
        "'status', 'antal_deltagare' finns bara i den raden och läses inte: flytta dem till "
        "rubrikraden på rad 1."
    )
    assert without_status(warnings).empty


def test_a_wider_header_row_further_down_in_an_xlsx(tmp_path):
    """The same sheet in Excel: row 6's values under no header are warned about (an .xlsx has
    no fields past the header), the row is kept; row 5 is quarantined as a header row."""
    book = Workbook()
    sheet = book.active
    sheet.append(["Aktivitetsregister HSO"])  # a title row above the header is still fine
    for line in SECOND_HEADER.splitlines():
        sheet.append([int(v) if v.isdigit() else v for v in line.split(";")])
    path = tmp_path / "aktiviteter.xlsx"
    book.save(path)
    table, quarantine, warnings, account, _ = clean_activities(
        read_table(path, ACTIVITY_SPEC), PROJECT, PERIOD
    )
    assert account.header_row == 2
    assert account.rows() == {"read": 5, "clean": 4, "quarantined": 1, "merged": 0, "blank": 0}
    assert table["activity_id"].tolist() == ["A1", "A2", "A3", "A4"]
    assert reasons(quarantine) == [(6, "repeated_header")]
    assert quarantine.iloc[0]["message"].startswith(
        "aktiviteter.xlsx rad 6: är en rubrikrad till ('aktivitets_id', 'datum', "
    )
    assert "men bara rubrikraden på rad 2 gäller" in quarantine.iloc[0]["message"]
    assert reasons(without_status(warnings)) == [(7, "value_without_header")]


def test_a_header_row_pasted_twice_is_quarantined_twice_not_merged(tmp_path):
    """Two identical header rows further down are both quarantined (not merged as exact
    duplicates, not an id conflict), with headers as written; the rows between are kept."""
    table, quarantine, _, account, _ = register_text(
        tmp_path,
        "Id;Datum;AP;Typ;Titel\n"
        "A1;2024-03-01;AP1;möte;Möte 1\n"
        "Id;Datum;AP;Typ;Titel\n"
        "A2;2024-03-02;AP1;möte;Möte 2\n"
        "Id;Datum;AP;Typ;Titel\n",
    )
    assert table["activity_id"].tolist() == ["A1", "A2"]
    assert reasons(quarantine) == [(3, "repeated_header"), (5, "repeated_header")]
    assert "('Id', 'Datum', 'AP', 'Typ', 'Titel')" in quarantine.iloc[0]["message"]
    assert "Kolumn" not in quarantine.iloc[0]["message"]  # it adds no column
    assert account.rows() == {"read": 4, "clean": 2, "quarantined": 2, "merged": 0, "blank": 0}


def test_a_header_row_in_a_participant_list_is_quarantined_as_such(tmp_path):
    """A participant list pasted in with its header: the header row is quarantined once, as a
    header row (not as an unknown activity), and the people below it are kept."""
    table, quarantine, _, account, _ = participant_text(
        tmp_path,
        "aktivitets_id;namn;e-post\n"
        "A1;Anna Sjöberg;anna.sjoberg@harnosand.example\n"
        "aktivitets_id;namn;e-post;kön\n"
        "A1;Bo Ek;bo.ek@timra.example\n",
    )
    assert reasons(quarantine) == [(3, "repeated_header")]
    assert quarantine.iloc[0]["message"].startswith(
        "deltagare.csv rad 3: är en rubrikrad till ('aktivitets_id', 'namn', 'e-post', 'kön')"
    )
    assert "Kolumnen 'kön' finns bara i den raden" in quarantine.iloc[0]["message"]
    assert table["source_row"].tolist() == [2, 4]
    assert account.rows() == {"read": 3, "clean": 2, "quarantined": 1, "merged": 0, "blank": 0}


# ---------------------------------------------------------------------------------------------
# TRUE and FALSE in Excel are not 1 and 0
# ---------------------------------------------------------------------------------------------
COUNT_HEAD = [*A_HEAD, "antal_deltagare", "antal_kvinnor"]


@pytest.mark.parametrize("boolean_first", [True, False])
def test_xlsx_true_and_false_are_not_the_counts_1_and_0(tmp_path, boolean_first):
    """A row with TRUE/FALSE as its counts gets the usual warning naming SANT/FALSKT, and a row
    with 1/0 keeps them, whichever of the two rows comes first in the sheet."""
    book = Workbook()
    sheet = book.active
    sheet.append(COUNT_HEAD)
    rows = [[*row("A1"), True, False], [*row("A2"), 1, 0]]
    for values in rows if boolean_first else rows[::-1]:
        sheet.append(values)
    path = tmp_path / "aktiviteter.xlsx"
    book.save(path)
    table, quarantine, warnings, account, _ = clean_activities(
        read_table(path, ACTIVITY_SPEC), PROJECT, PERIOD
    )
    assert quarantine.empty and account.clean == 2
    counts = table.set_index("activity_id")[["attendance", "women"]]
    assert counts.loc["A2"].tolist() == [1, 0]
    assert counts.loc["A1"].isna().all()
    boolean_row = 2 if boolean_first else 3
    assert without_status(warnings)["message"].tolist() == [
        f"aktiviteter.xlsx rad {boolean_row}, kolumn 'antal_deltagare': 'SANT' är inget antal; "
        "fältet lämnas tomt (skriv ett heltal, t.ex. 25 eller ca 250).",
        f"aktiviteter.xlsx rad {boolean_row}, kolumn 'antal_kvinnor': 'FALSKT' är inget antal; "
        "fältet lämnas tomt (skriv ett heltal, t.ex. 25 eller ca 250).",
    ]


@pytest.mark.parametrize("boolean_first", [True, False])
def test_xlsx_participant_with_id_true_is_not_on_activity_1(tmp_path, boolean_first):
    """In a register whose activity has the id 1, a participant row with the id TRUE is an
    unknown activity ('SANT'), not a participation in activity 1."""
    register = Workbook()
    register.active.append(A_HEAD)
    register.active.append(row(1))
    register_path = tmp_path / "aktiviteter.xlsx"
    register.save(register_path)
    acts = clean_activities(read_table(register_path, ACTIVITY_SPEC), PROJECT, PERIOD).table
    book = Workbook()
    sheet = book.active
    sheet.append(P_HEAD)
    rows = [[True, "Eva Ek", "", "Timrå kommun"], [1, "Bo Ek", "", "Timrå kommun"]]
    for values in rows if boolean_first else rows[::-1]:
        sheet.append(values)
    path = tmp_path / "deltagare.xlsx"
    book.save(path)
    table, quarantine, _, account, _ = clean_participants(
        read_table(path, PARTICIPANT_SPEC), acts, KEY
    )
    boolean_row = 2 if boolean_first else 3
    assert table["activity_id"].tolist() == ["1"]
    assert table["source_row"].tolist() == [5 - boolean_row]
    assert reasons(quarantine) == [(boolean_row, "unknown_activity")]
    assert quarantine.iloc[0]["value"] == "SANT"
    assert account.rows() == {"read": 2, "clean": 1, "quarantined": 1, "merged": 0, "blank": 0}


# ---------------------------------------------------------------------------------------------
# Decomposed letters (NFD) are the same text as composed ones
# ---------------------------------------------------------------------------------------------
def nfd(text: str) -> str:
    return unicodedata.normalize("NFD", text)


def test_decomposed_a_ring_and_o_umlaut_match_the_composed_letters(tmp_path):
    """The register's id MÖTE-1 is typed composed; the participant list (saved on a Mac) has it
    decomposed, and one person twice, once each way: both rows find the activity, and the
    second row is the same person again (merged), not a second participant."""
    register = csv_file(tmp_path, "aktiviteter.csv", A_HEAD, [row("MÖTE-1", titel="Årsmöte")])
    acts = clean_activities(read_table(register, ACTIVITY_SPEC), PROJECT, PERIOD).table
    path = tmp_path / "deltagare.csv"
    path.write_text(
        "aktivitets_id;namn;e-post;organisation\n"
        f"{nfd('MÖTE-1')};{nfd('Åsa Östlund')};;{nfd('Örnsköldsviks kommun')}\n"
        "MÖTE-1;Åsa Östlund;;Örnsköldsviks kommun\n",
        encoding="utf-8",
    )
    table, quarantine, _, account, _ = clean_participants(
        read_table(path, PARTICIPANT_SPEC), acts, KEY
    )
    assert quarantine.empty
    assert account.rows() == {"read": 2, "clean": 1, "quarantined": 0, "merged": 1, "blank": 0}
    assert table["activity_id"].tolist() == ["MÖTE-1"]  # composed, as in the register
    assert table["organisation"].tolist() == ["Örnsköldsviks kommun"]
    assert acts["title"].tolist() == ["Årsmöte"]


# ---------------------------------------------------------------------------------------------
# Counts too large to be true
# ---------------------------------------------------------------------------------------------
def test_a_count_above_a_million_is_emptied_with_a_message_saying_so(tmp_path):
    """9223372036854775807 (the largest 64-bit number) or more people is a typing error: the
    field is emptied with a warning that says the number is unreasonably large, the row is
    kept. A million is still a count; a word is still 'no count'."""
    table, quarantine, warnings, account, _ = activities(
        tmp_path,
        [
            [*row("A1"), "9223372036854775807"],
            [*row("A2"), "99999999999999999999"],
            [*row("A3"), "1 000 000"],
            [*row("A4"), "ca 2 000 000"],
            [*row("A5"), "många"],
        ],
        ["antal_deltagare"],
    )
    assert quarantine.empty and account.clean == 5
    attendance = table.set_index("activity_id")["attendance"]
    assert attendance.isna().tolist() == [True, True, False, True, True]
    assert attendance["A3"] == 1_000_000
    messages = without_status(warnings)["message"].tolist()
    large = (
        "är orimligt stort för ett antal (mer än 1 000 000); fältet lämnas tomt (skriv det "
        "rätta antalet, t.ex. 25 eller ca 250)."
    )
    assert messages == [
        f"aktiviteter.csv rad 2, kolumn 'antal_deltagare': '9223372036854775807' {large}",
        f"aktiviteter.csv rad 3, kolumn 'antal_deltagare': '99999999999999999999' {large}",
        f"aktiviteter.csv rad 5, kolumn 'antal_deltagare': 'ca 2 000 000' {large}",
        "aktiviteter.csv rad 6, kolumn 'antal_deltagare': 'många' är inget antal; fältet "
        "lämnas tomt (skriv ett heltal, t.ex. 25 eller ca 250).",
    ]
    assert set(without_status(warnings)["reason"]) == {"unparseable_count"}


def test_too_large_gender_counts_are_emptied_before_they_are_added_up(tmp_path):
    """Women and men of 2**62 each would overflow their sum; both are emptied (warned about),
    so no 'more women and men than participants' is claimed from them."""
    _, _, warnings, _, _ = activities(
        tmp_path,
        [[*row("A1"), "10", str(2**62), str(2**62)]],
        ["antal_deltagare", "antal_kvinnor", "antal_män"],
    )
    assert reasons(without_status(warnings)) == [(2, "unparseable_count")] * 2
    assert without_status(warnings)["column"].tolist() == ["antal_kvinnor", "antal_män"]


def test_iso_timestamps_with_a_zone_and_serials_with_a_fraction_are_dates(tmp_path):
    """Exports from other systems: a timestamp with a zone is its date as written (not the
    date in UTC), and an Excel serial number written with a time fraction is its day."""
    table, quarantine, _, account, _ = activities(
        tmp_path,
        [
            row("A1", "2024-06-12T10:00:00Z"),
            row("A2", "2024-06-12T23:30:00-05:00"),
            row("A3", "45455.5"),
            row("A4", "45455,25"),
        ],
    )
    assert quarantine.empty
    assert account.rows() == {"read": 4, "clean": 4, "quarantined": 0, "merged": 0, "blank": 0}
    assert table["start_date"].tolist() == [pd.Timestamp("2024-06-12")] * 4


# ---------------------------------------------------------------------------------------------
# Names typed into any column of a participant list
# ---------------------------------------------------------------------------------------------
FULL_HEAD = "aktivitets_id;namn;e-post;organisation;organisationstyp;kommun;kön;roll\n"
#: The reviewer's file: two names known only from their addresses, typed as an organisation
#: type and as a municipality, a stranger's name in a role, and a row shifted one column left
#: (its id left out), so that the name stands in the id column.
REVIEWED = (
    FULL_HEAD
    + "A1;;karin.ostlund@harnosand.example;Härnösands kommun;Karin Östlund;Härnösand;K;deltagare\n"
    "A2;;nils.holm@x.example;Org;kommun;Nils Holm;M;deltagare\n"
    "A3;Bo Ek;bo@x.example;Org;kommun;Sundsvall;M;ersätter Åsa Lind\n"
    "Karin Östlund;karin.ostlund@harnosand.example;Härnösands kommun;kommun;Härnösand;K;deltagare\n"
)
NAMES = ("karin", "östlund", "ostlund", "nils", "holm", "åsa lind", "asa lind")


def people_text(tmp_path: Path, text: str):
    """Clean a participant list written exactly as `text` against a register of A1–A3,
    through the reader, with the project's configuration (as `clean_inputs` does)."""
    register = csv_file(tmp_path, "aktiviteter.csv", A_HEAD, [row("A1"), row("A2"), row("A3")])
    acts = clean_activities(read_table(register, ACTIVITY_SPEC), PROJECT, PERIOD)
    path = tmp_path / "deltagare.csv"
    path.write_text(text, encoding="utf-8")
    return clean_participants(read_table(path, PARTICIPANT_SPEC), acts.table, KEY, PROJECT)


def issues(frame: pd.DataFrame) -> list[tuple[int, str, str, str]]:
    """(row, column, value, reason) of each issue."""
    return list(frame[["row", "column", "value", "reason"]].itertuples(index=False, name=None))


def test_names_typed_as_type_municipality_role_or_id_are_never_shown(tmp_path):
    """The reviewer's file: each name is masked wherever it was typed, in value and message
    alike, and the administrator still gets file, row and column of every problem."""
    table, quarantine, warnings, account, _ = people_text(tmp_path, REVIEWED)
    assert issues(quarantine) == [(5, "aktivitets_id", MASK, "unknown_activity")]
    assert issues(warnings) == [
        (2, "organisationstyp", MASK, "unknown_organisation_type"),
        (3, "kommun", MASK, "unknown_municipality"),
        (4, "roll", MASK, "unknown_role"),
    ]
    assert warnings.iloc[2]["message"].startswith(
        f"deltagare.csv rad 4, kolumn 'roll': '{MASK}' är ingen känd roll"
    )
    assert quarantine.iloc[0]["message"].startswith(
        f"deltagare.csv rad 5, kolumn 'aktivitets_id': '{MASK}' finns inte"
    )
    text = all_text(table, quarantine, warnings).casefold()
    for name in NAMES:
        assert name not in text
    # The rows are accounted for as before: three kept, the shifted row in quarantine.
    assert account.rows() == {"read": 4, "clean": 3, "quarantined": 1, "merged": 0, "blank": 0}
    assert table["organisation"].tolist() == ["Härnösands kommun", "Org", "Org"]


def test_the_data_quality_tables_and_html_show_no_name(tmp_path):
    """Through clean_inputs and the data-quality report's own tables and HTML sections."""
    from hso_eval import quality

    a = csv_file(tmp_path, "aktiviteter.csv", A_HEAD, [row("A1"), row("A2"), row("A3")])
    p = tmp_path / "deltagare.csv"
    p.write_text(REVIEWED, encoding="utf-8")
    result = clean_inputs(_params(tmp_path, a, p), KEY)
    tables = [quality.quarantine_table(result), quality.warnings_table(result)]
    html = quality.quarantine_html(result) + quality.warnings_html(result)
    text = (all_text(*tables) + html).casefold()
    for name in NAMES:
        assert name not in text
    assert html.count(MASK) == 2 * 4  # value and message of each of the four issues
    assert all(acc.balanced() for acc in result.accounts)


def test_a_name_typed_as_a_column_header_is_not_listed_as_an_unknown_column(tmp_path):
    """Unknown headers are listed in datakvalitet.html and run.json. A participant list with a
    column headed by a person's name (a note about someone) lists it masked; a header that is
    no name is listed as written."""
    text = (
        "aktivitets_id;namn;e-post;anteckning;Karin Östlund;nils.holm@x.example\n"
        "A1;Bo Ek;bo@x.example;;;\n"
    )
    _, _, _, account, _ = people_text(tmp_path, text)
    assert account.unknown_columns == ["anteckning", MASK, MASK]
    assert account.balanced()


def test_a_row_with_name_and_organisation_swapped_is_quarantined_without_the_name(tmp_path):
    """A list kept as "Organisation, Namn" pasted into the template: the name column holds
    organisations and the organisation column people's names. Such a row cannot be tied to a
    person, and its organisation would publish a name: quarantined, the name masked. A row
    whose organisation only looks like a name (a firm), or whose name only looks like an
    organisation, is kept; and the swapped rows' organisations do not empty that organisation
    on the rows where it stands right."""
    text = (
        "aktivitets_id;namn;e-post;organisation\n"
        "A1;Alfa AB;;Karin Ekholm\n"  # a word no name has
        "A1;Almi Mitt;;Per Persson\n"  # an organisation of params/project.yaml
        "A1;Nordic Wood;;Sigrid Strand\n"  # the organisation of another row
        "A2;Bo Ek;bo@x.example;Nordic Wood\n"
        "A2;Nils Holm;;Alfa AB\n"
        "A2;Ebba Lund;;Lund Konsult\n"  # a firm named after its owner: not swapped
        "A3;Sundsvalls kommun;;Sundsvalls kommun\n"  # a shared sign-up: not swapped
        "A3;Ebba Lund;;Ebba Lund\n"  # her own name as the organisation: emptied, kept
        "A1;Ebba Lund;;Ebba Lund\n"  # (twice: still no organisation of another person)
    )
    table, quarantine, warnings, account, _ = people_text(tmp_path, text)
    assert reasons(quarantine) == [(r, "name_organisation_swapped") for r in (2, 3, 4)]
    assert set(quarantine["value"]) == {MASK}
    assert "bytt plats" in quarantine["message"].iloc[0]
    organisations = table["organisation"].astype(object).where(table["organisation"].notna())
    assert organisations.tolist()[:3] == ["Nordic Wood", "Alfa AB", "Lund Konsult"]
    assert reasons(warnings) == [(r, "personal_data_in_field") for r in (8, 9, 10)]
    text_out = all_text(table, quarantine, warnings).casefold()
    for name in ("ekholm", "persson", "sigrid", "ebba"):
        assert name not in text_out
    assert (account.read, account.clean, account.quarantined) == (9, 6, 3)


def test_a_name_typed_as_a_register_header_is_not_listed_as_an_unknown_column(tmp_path):
    """The same for the activity register, whose headers are checked against the lists' names
    once the lists are read: a participant's name or an address as a header is listed masked,
    in the account that datakvalitet.html, the log and run.json show."""
    from hso_eval import quality

    head = [*A_HEAD, "anteckning", "Greta Gran", "Ansvarig: nora.nyman@x.example"]
    a = csv_file(tmp_path, "aktiviteter.csv", head, [[*row("A1"), "", "", ""]])
    p = tmp_path / "deltagare.csv"
    p.write_text("aktivitets_id;namn;e-post\nA1;Greta Gran;greta.gran@x.example\n", "utf-8")
    result = clean_inputs(_params(tmp_path, a, p), KEY)
    register = result.accounts[0]
    assert register.role == "activities"
    assert register.unknown_columns == ["anteckning", MASK, MASK]
    notes = " ".join(note for note, _ in quality.unknown_column_notes(result)).casefold()
    shown = all_text(quality.unknown_columns_table(result)).casefold() + notes
    assert "anteckning" in shown
    for personal in ("greta", "gran", "nora", "nyman"):
        assert personal not in shown
    assert register.balanced()


def test_ordinary_wrong_values_are_still_shown(tmp_path):
    """Misspellings and unknown words, with no name in them, are shown so the administrator
    can fix them; so are municipalities and the project's organisations typed in the wrong
    column, and capitalised words that are no name ("Sundsvalll Kommun", "Gäst Talare")."""
    text = FULL_HEAD + "".join(
        f"{aid};{name};;;{org_type};{municipality};{gender};{role}\n"
        for aid, name, org_type, municipality, gender, role in [
            ("A1", "Karin Östlund", "kommunal", "Sundsvalll", "K/M", "gäst"),
            ("A1", "Nils Holm", "kommunen", "Sundsvalll Kommun", "", "Gäst Talare"),
            ("A1", "Åsa Lind", "Upplands Väsby", "Almi Mitt", "", "ersätter Karin"),
            ("HSO-2024-999", "Bo Ek", "", "", "", ""),
        ]
    )
    table, quarantine, warnings, account, _ = people_text(tmp_path, text)
    assert issues(quarantine) == [(5, "aktivitets_id", "HSO-2024-999", "unknown_activity")]
    assert issues(warnings) == [
        (2, "organisationstyp", "kommunal", "unknown_organisation_type"),
        (2, "kommun", "Sundsvalll", "unknown_municipality"),
        (2, "kön", "K/M", "unknown_gender"),
        (2, "roll", "gäst", "unknown_role"),
        (3, "kommun", "Sundsvalll Kommun", "unknown_municipality"),
        (3, "roll", "Gäst Talare", "unknown_role"),
        (4, "organisationstyp", "Upplands Väsby", "unknown_organisation_type"),
        (4, "kommun", "Almi Mitt", "unknown_municipality"),
        (4, "roll", "ersätter Karin", "unknown_role"),  # a first name alone is shown
    ]
    assert "kolumn 'kommun': 'Sundsvalll' är ingen svensk kommun" in warnings.iloc[1]["message"]
    # 'kommunen' is an accepted form of 'kommun': no warning at all.
    assert table["organisation_type"].tolist()[:2] == ["övrigt", "kommun"]
    assert account.balanced()


def test_a_misspelt_municipality_is_given_the_nearest_one_unless_its_value_is_hidden(tmp_path):
    """'Kramfor' gets "Menade du Kramfors?"; a value hidden as personal data (a participant's
    name run together) gets no suggestion, which would tell something of it."""
    rows = (
        "A1;Karin Östlund;;;;Kramfor;;\nA1;Karl Berg;;;;Örnsköldsvk;;\nA1;Nils Holm;;;;karlberg;;\n"
    )
    _, _, warnings, _, _ = people_text(tmp_path, FULL_HEAD + rows)
    messages = warnings[warnings["reason"] == "unknown_municipality"]["message"].tolist()
    assert messages == [
        "deltagare.csv rad 2, kolumn 'kommun': 'Kramfor' är ingen svensk kommun; fältet lämnas "
        "tomt. Menade du Kramfors?",
        "deltagare.csv rad 3, kolumn 'kommun': 'Örnsköldsvk' är ingen svensk kommun; fältet "
        "lämnas tomt. Menade du Örnsköldsvik?",
        f"deltagare.csv rad 4, kolumn 'kommun': '{MASK}' är ingen svensk kommun; fältet lämnas "
        "tomt (skriv kommunens namn, t.ex. Sundsvall).",
    ]


def test_names_spelt_by_addresses_are_masked_in_any_order_and_case(tmp_path):
    """Names that only the addresses of the file give (`karin.ostlund2@`, `nils_holm@`,
    `lind.asa@`), typed in lower case (so not by their capitals) and in either order; the
    row's own one-word address (`bo@`) in its own role too. A first name alone is shown."""
    text = FULL_HEAD + "".join(
        f"A1;;{email};;{org_type};{municipality};;{role}\n"
        for email, org_type, municipality, role in [
            ("karin.ostlund2@harnosand.example", "", "", "ersätter karin östlund"),
            ("nils_holm@x.example", "", "holm nils", ""),
            ("lind.asa@x.example", "åsa lind", "", ""),
            ("bo@x.example", "", "", "bo-x"),
            ("eva.ek@x.example", "", "", "ersätter karin"),
        ]
    )
    table, _, warnings, account, _ = people_text(tmp_path, text)
    assert issues(warnings) == [
        (2, "roll", MASK, "unknown_role"),
        (3, "kommun", MASK, "unknown_municipality"),
        (4, "organisationstyp", MASK, "unknown_organisation_type"),
        (5, "roll", MASK, "unknown_role"),
        (6, "roll", "ersätter karin", "unknown_role"),
    ]
    assert "östlund" not in all_text(table, warnings).casefold()
    assert account.rows()["clean"] == 5


def test_lower_case_names_made_of_the_files_first_names_and_surnames_are_masked(tmp_path):
    """'ersätter åsa lind' names nobody of the file, but 'åsa' is a first name in it and 'lind'
    a surname: two such words in a row are taken for a name."""
    text = FULL_HEAD + "".join(
        f"A1;{name};;;;;;{role}\n"
        for name, role in [
            ("Åsa Berg", ""),
            ("Per Lind", ""),
            ("Eva Ek", "ersätter åsa lind"),
            ("Bo Holm", "ersätter åsa"),
        ]
    )
    _, _, warnings, _, _ = people_text(tmp_path, text)
    assert issues(warnings) == [
        (4, "roll", MASK, "unknown_role"),
        (5, "roll", "ersätter åsa", "unknown_role"),
    ]


def test_a_name_spelt_by_an_address_is_emptied_as_the_organisation(tmp_path):
    """'Karin Östlund' typed as the organisation of her own row, known by her address only, is
    emptied (organisations are published); a shared mailbox that spells an organisation used
    on more rows (`region.vasternorrland@`) leaves that organisation alone."""
    text = FULL_HEAD + "".join(
        f"A1;;{email};{organisation};;;;\n"
        for email, organisation in [
            ("karin.ostlund@harnosand.example", "Karin Östlund"),
            ("region.vasternorrland@rvn.example", "Region Västernorrland"),
            ("per.lund@rvn.example", "Region Västernorrland"),
        ]
    )
    table, _, warnings, account, _ = people_text(tmp_path, text)
    assert issues(warnings) == [(2, "organisation", MASK, "personal_data_in_field")]
    assert table["organisation"].tolist()[1:] == ["Region Västernorrland"] * 2
    assert pd.isna(table["organisation"].iloc[0])
    assert "östlund" not in all_text(table, warnings).casefold()
    assert account.rows()["clean"] == 3


def test_names_in_an_xlsx_participant_list_are_masked_too(tmp_path):
    """The same file as a workbook (cells read one by one, no CSV factorisation)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Deltagare"
    for line in REVIEWED.splitlines():
        ws.append([cell or None for cell in line.split(";")])
    path = tmp_path / "deltagare.xlsx"
    wb.save(path)
    register = csv_file(tmp_path, "aktiviteter.csv", A_HEAD, [row("A1"), row("A2"), row("A3")])
    acts = clean_activities(read_table(register, ACTIVITY_SPEC), PROJECT, PERIOD)
    table, quarantine, warnings, account, _ = clean_participants(
        read_table(path, PARTICIPANT_SPEC), acts.table, KEY, PROJECT
    )
    assert issues(quarantine) == [(5, "aktivitets_id", MASK, "unknown_activity")]
    assert [(r, c, v) for r, c, v, _ in issues(warnings)] == [
        (2, "organisationstyp", MASK),
        (3, "kommun", MASK),
        (4, "roll", MASK),
    ]
    text = all_text(table, quarantine, warnings).casefold()
    for name in NAMES:
        assert name not in text
    assert account.balanced()


def test_every_issue_code_is_explained_in_the_report_and_the_package():
    """Every quarantine and warning code that clean.py names in an `_Issues.add` call (most of
    them; the others come from rule tables that the contract corpus covers) has a Swedish
    label in datakvalitet.html, and every labelled code an explanation in the package's
    datakvalitet.csv: a reader never meets a bare code such as `same_name_as_emailed`."""
    import ast

    from hso_eval.evaluation import QUALITY_CODES
    from hso_eval.quality import REASON_LABELS

    raised = {
        call.args[2].value
        for call in ast.walk(ast.parse((REPO / "hso_eval" / "clean.py").read_text("utf-8")))
        if isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr == "add"
        and len(call.args) >= 3
        and isinstance(call.args[2], ast.Constant)
    }
    assert {"no_identity", "same_name_as_emailed", "merged_duplicate"} <= raised
    assert raised <= set(REASON_LABELS)
    assert set(REASON_LABELS) - {"merged_duplicate"} <= set(QUALITY_CODES)
