"""Tests for hso_eval.read: formats, encodings, delimiters, header rows, aliases, file errors."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import Workbook, load_workbook

from hso_eval.errors import InputFileError
from hso_eval.read import ACTIVITY_SPEC, PARTICIPANT_SPEC, cell_text, read_table

DATA = Path(__file__).resolve().parent / "data"
HEAD = "aktivitets_id;datum;arbetspaket;aktivitetstyp;titel\n"
ROW = "A1;2024-03-15;AP1;möte;Möte i Örnsköldsvik\n"


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def xlsx(tmp_path: Path, name: str, sheets: dict[str, list[list[object]]]) -> Path:
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path = tmp_path / name
    book.save(path)
    return path


@pytest.mark.parametrize(
    ("encoding", "sep", "bom"),
    [
        ("utf-8", ";", ""),
        ("utf-8", ",", ""),
        ("utf-8", "\t", ""),
        ("utf-8", ";", "\ufeff"),
        ("cp1252", ";", ""),
        ("cp1252", "\t", ""),
    ],
)
def test_csv_encodings_and_delimiters_keep_swedish_letters(tmp_path, encoding, sep, bom):
    """Every delimiter and encoding reads Å, Ä, Ö intact and finds the header."""
    text = bom + (HEAD + ROW).replace(";", sep)
    raw = read_table(write(tmp_path, "a.csv", text, encoding), ACTIVITY_SPEC)
    assert raw.frame.loc[0, "titel"] == "Möte i Örnsköldsvik"
    assert raw.frame.loc[0, "aktivitets_id"] == "A1"
    assert raw.delimiter == sep
    assert raw.rows.tolist() == [2]


def test_csv_bom_does_not_spoil_first_header(tmp_path):
    """A UTF-8 BOM before the first header is stripped, so 'aktivitets_id' matches."""
    raw = read_table(write(tmp_path, "a.csv", "\ufeff" + HEAD + ROW), ACTIVITY_SPEC)
    assert raw.original_headers["aktivitets_id"] == "aktivitets_id"
    assert raw.encoding == "utf-8"


def test_cp1252_is_detected(tmp_path):
    """A Windows-1252 export is recognised as such."""
    raw = read_table(write(tmp_path, "a.csv", HEAD + ROW, "cp1252"), ACTIVITY_SPEC)
    assert raw.encoding == "cp1252"


@pytest.mark.parametrize("bom", ["", "\ufeff"])
def test_utf8_file_with_pasted_windows_1252_line_is_refused(tmp_path, bom):
    """A UTF-8 file with one line in Windows-1252 is not read as Windows-1252 throughout.

    That would turn every Å, Ä, Ö of the UTF-8 lines into two wrong characters without a word;
    the run stops instead and names the line and the byte.
    """
    path = tmp_path / "a.csv"
    good = (bom + HEAD + ROW).encode("utf-8")
    pasted = "A2;2024-03-16;AP1;möte;Årsmöte\n".encode("cp1252")
    path.write_bytes(good + pasted + ROW.replace("A1", "A3").encode("utf-8"))
    with pytest.raises(InputFileError) as caught:
        read_table(path, ACTIVITY_SPEC)
    assert caught.value.reason == "mixed_encoding"
    message = str(caught.value)
    utf8 = "filen är märkt som UTF-8 (den börjar med en BOM)" if bom else "textrad 2 är UTF-8"
    assert message.startswith(
        f"{path}: filen blandar två teckenkodningar: {utf8}, men textrad 3 har"
    )
    assert "byte 0xF6, 'ö' i Windows-1252" in message
    assert "Årsmöte" not in message  # the line's text is never shown (personal data)


def test_windows_1252_file_with_a_pasted_utf8_line_names_both_lines(tmp_path):
    """The other way round: a Windows-1252 export (its header has 'kön'-like letters) with one
    UTF-8 line pasted at line 4. The message names the UTF-8 line and the first line in the
    other encoding (the header), not "the file is UTF-8" alone."""
    path = tmp_path / "a.csv"
    head = (HEAD.rstrip("\n") + ";område\n").encode("cp1252")
    body = (ROW.rstrip("\n") + ";x\n").encode("cp1252") * 2
    pasted = "A4;2024-03-16;AP1;möte;Årsmöte;y\n".encode()
    path.write_bytes(head + body + pasted)
    with pytest.raises(InputFileError) as caught:
        read_table(path, ACTIVITY_SPEC)
    assert caught.value.reason == "mixed_encoding"
    assert "textrad 4 är UTF-8, men textrad 1 har ett tecken i en annan" in str(caught.value)


def test_utf8_file_with_only_a_dash_and_a_pasted_line_is_refused_too(tmp_path):
    """No Swedish letter, but a dash typed by Excel ('–', UTF-8 E2 80 93) marks the file as
    UTF-8: a pasted Windows-1252 line stops the run instead of turning it into 'â€“'."""
    path = tmp_path / "a.csv"
    good = (HEAD + "A1;2024-03-15;AP1;mote;Mote 10–12\n").encode("utf-8")
    path.write_bytes(good + "A2;2024-03-16;AP1;mote;Mote \u00e4\n".encode("cp1252"))
    with pytest.raises(InputFileError) as caught:
        read_table(path, ACTIVITY_SPEC)
    assert caught.value.reason == "mixed_encoding"
    assert "textrad 3" in str(caught.value)


def test_windows_1252_file_with_a_word_like_utf8_is_still_windows_1252(tmp_path):
    """Only Swedish letters written as UTF-8 mark a file as UTF-8: "Ã—" (C3 97, '×') is not one."""
    raw = read_table(
        write(tmp_path, "a.csv", HEAD + ROW + "A2;2024-03-16;AP1;möte;Ã—\n", "cp1252"),
        ACTIVITY_SPEC,
    )
    assert raw.encoding == "cp1252"
    assert raw.frame["titel"].tolist() == ["Möte i Örnsköldsvik", "Ã—"]


def test_quoted_delimiters_and_newlines_stay_in_their_cell(tmp_path):
    """A quoted cell may hold the delimiter and a line break; row numbers count records."""
    text = HEAD + 'A1;2024-03-15;AP1;möte;"Titel; del två\nrad två"\n' + ROW.replace("A1", "A2")
    raw = read_table(write(tmp_path, "a.csv", text), ACTIVITY_SPEC)
    assert raw.frame["titel"].tolist() == ["Titel; del två\nrad två", "Möte i Örnsköldsvik"]
    assert raw.rows.tolist() == [2, 3]


def test_csv_title_rows_shift_row_numbers(tmp_path):
    """Title lines above the header are skipped; rows are numbered as Excel shows them."""
    text = "Aktivitetsregister HSO\n\nUppdaterad juni;;\n" + HEAD + ROW + ROW.replace("A1", "A2")
    raw = read_table(write(tmp_path, "a.csv", text), ACTIVITY_SPEC)
    assert raw.header_row == 4
    assert raw.rows.tolist() == [5, 6]


@pytest.mark.parametrize("line", ["sep=;", "SEP=;", "sep="])
def test_excels_separator_line_is_not_a_row(tmp_path, line):
    """Excel reads a first line "sep=;" as the delimiter and does not show it: the header is
    row 1 in Excel, and the rows are numbered as Excel shows them, one less than the file's
    lines. A title line after it is a row again."""
    raw = read_table(write(tmp_path, "a.csv", f"{line}\n" + HEAD + ROW), ACTIVITY_SPEC)
    assert (raw.header_row, raw.rows.tolist()) == (1, [2])
    assert raw.frame["aktivitets_id"].tolist() == ["A1"]
    titled = read_table(write(tmp_path, "b.csv", f"{line}\nRegister\n" + HEAD + ROW), ACTIVITY_SPEC)
    assert (titled.header_row, titled.rows.tolist()) == (2, [3])


def test_the_header_is_the_first_row_with_every_required_column(tmp_path):
    """A wider header row below the first (more known headers) does not make the rows above it
    title rows: they are data rows, and so is the second header row, which is noted as one.
    A data row whose id merely reads like a header ('Titel') is an ordinary data row."""
    wider = HEAD.rstrip("\n") + ";status;antal_deltagare\n"
    text = HEAD + ROW + "Titel;2024-03-15;AP1;möte;Möte\n" + wider + ROW.replace("A1", "A2")
    raw = read_table(write(tmp_path, "a.csv", text), ACTIVITY_SPEC)
    assert raw.header_row == 1
    assert raw.rows.tolist() == [2, 3, 4, 5]
    assert raw.frame["aktivitets_id"].tolist() == ["A1", "Titel", "aktivitets_id", "A2"]
    assert raw.repeated_headers.to_dict("records") == [
        {
            "position": 2,
            "headers": "'aktivitets_id', 'datum', 'arbetspaket', 'aktivitetstyp', 'titel', "
            "'status', 'antal_deltagare'",
            "only_here": "'status', 'antal_deltagare'",
        }
    ]


def test_header_beyond_ten_rows_is_not_found(tmp_path):
    """The header is searched only in the first ten rows."""
    text = "titelrad\n" * 10 + HEAD + ROW
    with pytest.raises(InputFileError, match="ingen rubrikrad"):
        read_table(write(tmp_path, "a.csv", text), ACTIVITY_SPEC)


def test_header_aliases_case_spacing_and_diacritics(tmp_path):
    """Aliases match ignoring case, surrounding spaces, ' '/_/- and diacritics."""
    head = (
        " Aktivitets ID ;StartDatum;Tom;AP;TYP;Rubrik;Ort;arrangor;Antal;Kvinnor;Man;Parter;Url\n"
    )
    raw = read_table(write(tmp_path, "a.csv", head + "A1;" * 12 + "x\n"), ACTIVITY_SPEC)
    assert list(raw.frame.columns) == [
        "aktivitets_id",
        "datum",
        "slutdatum",
        "arbetspaket",
        "aktivitetstyp",
        "titel",
        "plats",
        "arrangörsroll",
        "antal_deltagare",
        "antal_kvinnor",
        "antal_män",
        "samverkansparter",
        "länk",
    ]
    assert raw.original_headers["aktivitets_id"] == "Aktivitets ID"
    assert raw.original_headers["datum"] == "StartDatum"


def test_participant_aliases(tmp_path):
    """`kon` = `kön`, `E-post`/`epost`/`mejl`/`email`, `För- och efternamn`, `org`, `orgtyp`."""
    for email in ("E-post", "e_post", "epost", "Mejl", "EMAIL"):
        head = f"Id;För- och efternamn;{email};Org;Orgtyp;Kommun;Kon;Roll\n"
        raw = read_table(
            write(tmp_path, "d.csv", head + "A1;Åsa;a@b.example;;;;;\n"), PARTICIPANT_SPEC
        )
        assert list(raw.frame.columns) == list(PARTICIPANT_SPEC.names), email


def test_unknown_columns_listed_and_dropped(tmp_path):
    """Unknown headers are listed as written and left out of the frame."""
    head = HEAD.rstrip("\n") + ";Anteckning;Övrigt\n"
    raw = read_table(write(tmp_path, "a.csv", head + ROW.rstrip("\n") + ";x;y\n"), ACTIVITY_SPEC)
    assert raw.unknown_columns == ["Anteckning", "Övrigt"]
    assert "Anteckning" not in raw.frame.columns


def test_blank_rows_skipped_and_counted(tmp_path):
    """Fully blank rows (also ';;;;' and spaces) are skipped and counted; trailing ones are not."""
    text = HEAD + ROW + ";;;;\n\n" + " ; ;;;\n" + ROW.replace("A1", "A2") + ";;;;\n\n"
    raw = read_table(write(tmp_path, "a.csv", text), ACTIVITY_SPEC)
    assert raw.rows.tolist() == [2, 6]
    assert raw.blank == 3
    assert raw.read == 2


def test_header_only_is_zero_rows(tmp_path):
    """A header row with no data rows is valid: zero rows, no error."""
    raw = read_table(write(tmp_path, "a.csv", HEAD), ACTIVITY_SPEC)
    assert raw.read == 0
    assert list(raw.frame.columns) == [
        "aktivitets_id",
        "datum",
        "arbetspaket",
        "aktivitetstyp",
        "titel",
    ]


def test_row_with_data_only_in_unknown_column_is_a_data_row(tmp_path):
    """A row with text only in an unknown column is not blank: it is read (and later judged)."""
    head = HEAD.rstrip("\n") + ";Anteckning\n"
    raw = read_table(write(tmp_path, "a.csv", head + ";;;;;notering\n"), ACTIVITY_SPEC)
    assert raw.read == 1
    assert raw.blank == 0


@pytest.mark.parametrize("at", [3, 5000])
def test_a_wider_row_anywhere_in_a_long_file_is_read_whole(tmp_path, at):
    """A row with cells past the header's columns counts, near the top or far below it.

    The width of the grid is first guessed from the first lines; a longer row further down
    (row 5000 lies well past them) makes the reader count again, so no cell is dropped.
    """
    rows = [ROW.replace("A1", f"A{i}") for i in range(2, 6000)]
    rows[at - 2] = ";;;;;;;extra text far out\n"  # no known cell, only one past the header
    raw = read_table(write(tmp_path, "a.csv", HEAD + "".join(rows)), ACTIVITY_SPEC)
    assert raw.read == len(rows)  # the wide row is a data row (with its known cells empty)
    assert raw.blank == 0
    assert at in raw.rows.tolist()
    assert raw.frame.loc[raw.rows.tolist().index(at)].isna().all()


def test_a_header_with_a_quoted_line_break_keeps_all_its_columns(tmp_path):
    """A quoted header cell spanning two lines: the record has more fields than either line.

    pandas would take the fields past the guessed width as the row index (and shift every
    header); the reader counts again instead.
    """
    head = HEAD.rstrip("\n") + ';"Anteckning\n(fritt)";x;y\n'
    raw = read_table(write(tmp_path, "a.csv", head + ROW), ACTIVITY_SPEC)
    assert raw.unknown_columns == ["Anteckning\n(fritt)", "x", "y"]
    assert raw.frame.loc[0, "aktivitets_id"] == "A1"
    assert raw.frame.loc[0, "titel"] == "Möte i Örnsköldsvik"
    assert raw.rows.tolist() == [2]  # rows count records: the header is one


def test_a_file_saved_while_it_is_read_is_not_used(tmp_path, monkeypatch):
    """The checksum and the rows must come from the same file: a save in between stops."""
    import os

    import pandas as pd

    path = write(tmp_path, "a.csv", HEAD + ROW)
    parse = pd.read_csv

    def save_meanwhile(*args, **kwargs):
        path.write_text(HEAD + ROW + ROW.replace("A1", "A2"), encoding="utf-8")
        os.utime(path, ns=(1, 1))
        return parse(*args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", save_meanwhile)
    with pytest.raises(InputFileError, match="ändrades medan den lästes") as caught:
        read_table(path, ACTIVITY_SPEC)
    assert caught.value.reason == "changed_while_reading"
    assert "a.csv" in str(caught.value)


def test_a_file_removed_while_it_is_read_stops_with_a_message(tmp_path, monkeypatch):
    import pandas as pd

    path = write(tmp_path, "a.csv", HEAD + ROW)
    parse = pd.read_csv

    def remove_meanwhile(*args, **kwargs):
        path.unlink(missing_ok=True)
        return parse(*args, **kwargs)

    monkeypatch.setattr(pd, "read_csv", remove_meanwhile)
    with pytest.raises(InputFileError, match="ändrades medan den lästes") as caught:
        read_table(path, ACTIVITY_SPEC)
    assert caught.value.reason == "changed_while_reading"


def test_a_folder_named_tilde_is_read_where_it_is(tmp_path, monkeypatch):
    """`~/a.csv` relative to the working directory is that file, not one in the home folder."""
    (tmp_path / "~").mkdir()
    (tmp_path / "home").mkdir()
    write(tmp_path / "~", "a.csv", HEAD + ROW)
    write(tmp_path / "home", "a.csv", HEAD + ROW.replace("A1", "HOME"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    raw = read_table(Path("~/a.csv"), ACTIVITY_SPEC)
    assert raw.frame["aktivitets_id"].tolist() == ["A1"]


def test_the_reader_imports_where_the_os_cannot_tell_its_cores():
    """macOS has no os.sched_getaffinity: the number of threads falls back to the core count."""
    import subprocess
    import sys

    code = (
        "import os; del os.sched_getaffinity; import hso_eval.clean; "
        "from hso_eval.read import WORKERS; print(WORKERS)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert 1 <= int(out.stdout) <= 4


def test_sha256_of_file_bytes(tmp_path):
    """The table carries the sha256 of the file's bytes."""
    path = write(tmp_path, "a.csv", HEAD + ROW)
    assert read_table(path, ACTIVITY_SPEC).sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_xlsx_title_rows_blank_rows_and_raw_types(tmp_path):
    """xlsx: header under title rows, blank rows counted, Excel dates and numbers kept raw."""
    path = xlsx(
        tmp_path,
        "a.xlsx",
        {
            "Blad1": [
                ["Aktivitetsregister"],
                [],
                ["Aktivitets-ID", "Datum", "AP", "Typ", "Titel"],
                [17, dt.datetime(2024, 6, 12), "AP1", "möte", "Möte"],
                [None, None, None, None, None],
                ["A2", "45455", 2, "möte", "Möte två"],
            ]
        },
    )
    raw = read_table(path, ACTIVITY_SPEC)
    assert raw.header_row == 3
    assert raw.rows.tolist() == [4, 6]
    assert raw.blank == 1
    assert raw.sheet == "Blad1"
    assert raw.frame.loc[0, "datum"] == dt.datetime(2024, 6, 12)
    assert raw.frame.loc[0, "aktivitets_id"] == 17
    assert raw.frame.loc[1, "arbetspaket"] == 2
    assert cell_text(raw.frame["aktivitets_id"]).tolist() == ["17", "A2"]


def test_xlsx_true_and_false_are_read_as_the_text_excel_shows(tmp_path):
    """A TRUE or FALSE cell is the text SANT or FALSKT, so a 1 or 0 in the same column stays a
    number of its own (pandas hashes True as 1); the text of a cell says the same."""
    head = ["aktivitets_id", "datum", "arbetspaket", "aktivitetstyp", "titel", "antal_deltagare"]
    path = xlsx(
        tmp_path,
        "a.xlsx",
        {
            "Blad1": [
                [*head, "status"],
                ["A1", 1, True, 0, "x", 1, True],
                ["A2", True, 1, False, "y", True, None],
            ]
        },
    )
    raw = read_table(path, ACTIVITY_SPEC)
    assert raw.frame[head[1:]].values.tolist() == [
        [1, "SANT", 0, "x", 1],
        ["SANT", 1, "FALSKT", "y", "SANT"],
    ]
    assert raw.frame["status"].tolist() == ["SANT", None]  # an empty cell stays None
    assert cell_text(pd.Series([1, True, 0, False], dtype=object)).tolist() == [
        "1",
        "SANT",
        "0",
        "FALSKT",
    ]


def test_xlsx_named_sheet_and_first_sheet(tmp_path):
    """The named sheet is read; without a name the first sheet is."""
    head = ["aktivitets_id", "datum", "arbetspaket", "aktivitetstyp", "titel"]
    path = xlsx(
        tmp_path,
        "a.xlsx",
        {
            "Först": [head, ["F1", "2024-03-01", "AP1", "möte", "x"]],
            "Register": [head, ["R1", "2024-03-01", "AP1", "möte", "x"]],
        },
    )
    assert read_table(path, ACTIVITY_SPEC).frame["aktivitets_id"].tolist() == ["F1"]
    named = read_table(path, ACTIVITY_SPEC, sheet="Register")
    assert named.frame["aktivitets_id"].tolist() == ["R1"]
    assert named.sheet == "Register"


def test_xlsx_missing_sheet_lists_existing_sheets():
    """A named sheet that does not exist stops the run and lists the sheets that do."""
    with pytest.raises(InputFileError) as caught:
        read_table(DATA / "aktiviteter_blad.xlsx", ACTIVITY_SPEC, sheet="Aktiviteter")
    message = str(caught.value)
    assert "aktiviteter_blad.xlsx" in message
    assert "'Aktiviteter' finns inte" in message
    assert "'Instruktioner', 'Register'" in message
    assert caught.value.reason == "sheet_missing"


def test_missing_required_column_lists_found_and_accepted(tmp_path):
    """A missing column names the file, the columns found and the accepted names."""
    path = write(tmp_path, "aktiviteter.csv", "id;datum;ap;typ\nA1;2024-03-01;AP1;möte\n")
    with pytest.raises(InputFileError) as caught:
        read_table(path, ACTIVITY_SPEC)
    message = str(caught.value)
    assert "aktiviteter.csv" in message
    assert "'titel' saknas" in message
    assert "'titel', 'rubrik', 'aktivitet'" in message
    assert "'id', 'datum', 'ap', 'typ'" in message
    assert caught.value.reason == "missing_column"


def test_participants_need_name_or_email_column(tmp_path):
    """Participants need a `namn` or `e-post` column; either one alone is enough."""
    with pytest.raises(InputFileError, match="'namn' eller 'e-post'"):
        read_table(write(tmp_path, "d.csv", "id;org\nA1;x\n"), PARTICIPANT_SPEC)
    assert (
        read_table(write(tmp_path, "d.csv", "id;mejl\nA1;a@b.example\n"), PARTICIPANT_SPEC).read
        == 1
    )
    assert read_table(write(tmp_path, "d.csv", "id;namn\nA1;Åsa\n"), PARTICIPANT_SPEC).read == 1


def test_duplicate_headers_for_one_column(tmp_path):
    """Two headers meaning the same column stop the run, naming both."""
    path = write(tmp_path, "a.csv", HEAD.rstrip("\n") + ";Rubrik\n")
    with pytest.raises(InputFileError, match="'titel' och 'Rubrik'"):
        read_table(path, ACTIVITY_SPEC)


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("a.xlsx", (HEAD + ROW).encode(), ["heter .xlsx", "textfil"]),
        ("a.xlsx", b"PK\x03\x04 trasig zip", ["heter .xlsx"]),
        ("a.csv", bytes(range(256)), ["ingen textfil"]),
        ("a.ods", (HEAD + ROW).encode(), ["'.ods' stöds inte"]),
        ("a.csv", b"", ["filen är tom (inga rubriker och inga rader)", "'aktivitets_id'"]),
        ("a.csv", b"\n  \n;;\n", ["filen är tom (inga rubriker och inga rader)"]),
        ("a.xlsx", b"", ["filen är tom (0 byte", "ingen Excel-arbetsbok"]),  # a sync cut short
    ],
)
def test_unusable_files(tmp_path, name, content, words):
    """Files that are not what their name says, or empty, stop with a message naming the file."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputFileError) as caught:
        read_table(path, ACTIVITY_SPEC)
    assert name in str(caught.value)
    for word in words:
        assert word in str(caught.value)


def test_an_empty_first_sheet_says_so_and_how_to_name_the_right_one(tmp_path):
    """A workbook whose first sheet is an empty "Blad1", with the data on another sheet: the
    sheet is empty (not the file), and the message names the key that picks a sheet."""
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "Blad1"
    data = book.create_sheet("Data")
    for line in (HEAD + ROW).splitlines():
        data.append(line.split(";"))
    path = tmp_path / "a.xlsx"
    book.save(path)
    with pytest.raises(InputFileError) as caught:
        read_table(path, ACTIVITY_SPEC)
    message = str(caught.value)
    assert "(blad 'Blad1'): bladet är tomt (inga rubriker och inga rader)" in message
    assert "ange det med 'activities_sheet' i periodfilen" in message
    assert read_table(path, ACTIVITY_SPEC, "Data").read == 1


def test_xlsx_saved_as_csv(tmp_path):
    """An Excel workbook named .csv is recognised and the fix says to rename it."""
    path = tmp_path / "a.csv"
    path.write_bytes((DATA / "aktiviteter_blad.xlsx").read_bytes())
    with pytest.raises(InputFileError, match="Excel-arbetsbok"):
        read_table(path, ACTIVITY_SPEC)


def test_missing_file(tmp_path):
    """A missing file stops the run with its name."""
    with pytest.raises(InputFileError, match=r"saknas\.csv: filen finns inte"):
        read_table(tmp_path / "saknas.csv", ACTIVITY_SPEC)


def test_empty_cells_are_none_and_na_text_is_kept(tmp_path):
    """Empty cells are None; text such as 'NA' or 'null' stays text."""
    raw = read_table(write(tmp_path, "a.csv", HEAD + "NA;;null;  ;N/A\n"), ACTIVITY_SPEC)
    assert raw.frame.iloc[0].tolist() == ["NA", None, "null", None, "N/A"]


def test_unnamed_sheet_prefers_the_one_named_for_its_role(tmp_path):
    """With no sheet named, a workbook from the template is read from 'Aktiviteter', not from
    its instruction sheet that comes first."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.active.title = "Instruktioner"
    wb.active["A1"] = "Så här fyller du i registret"
    ws = wb.create_sheet("aktiviteter")
    ws.append(["aktivitets_id", "datum", "arbetspaket", "aktivitetstyp", "titel"])
    ws.append(["A1", "2024-03-01", "AP1", "möte", "Uppstart"])
    path = tmp_path / "mall.xlsx"
    wb.save(path)
    raw = read_table(path, ACTIVITY_SPEC)
    assert raw.sheet == "aktiviteter"
    assert raw.read == 1


# ---------------------------------------------------------------------------------------------
# Participant lists: no cell text but known headers in a file-level message
# ---------------------------------------------------------------------------------------------
DEMO_PARTICIPANTS = Path(__file__).resolve().parents[1] / "data" / "demo" / "deltagare.csv"


def test_demo_participants_without_header_row_name_nobody(tmp_path):
    """The demo participant list with its header row deleted stops the run without quoting a
    name or an e-mail address of the file: the message goes to the terminal, cron's mail and
    run.json. Its first row reads like a header in one cell only (organisation type 'kommun'),
    so no header row is found, and the message says which columns one needs."""
    lines = DEMO_PARTICIPANTS.read_bytes().splitlines(keepends=True)
    path = tmp_path / "deltagare.csv"
    path.write_bytes(b"".join(lines[1:]))
    with pytest.raises(InputFileError) as caught:
        read_table(path, PARTICIPANT_SPEC)
    message = str(caught.value)
    assert caught.value.reason == "no_header"
    assert "deltagare.csv: ingen rubrikrad hittades" in message
    assert "'aktivitets_id', 'id'" in message
    assert "'namn' eller 'e-post'" in message
    people = read_table(DEMO_PARTICIPANTS, PARTICIPANT_SPEC).frame
    personal = {str(v) for v in (*people["namn"], *people["e-post"]) if v is not None}
    assert len(personal) > 100
    folded = message.casefold()
    shown = {v for v in personal if v.casefold().split("@")[0] in folded}
    assert not shown
    # Nor any other cell of the row taken for a header row but the one known header.
    first = lines[1].decode("cp1252").rstrip("\r\n").split(";")
    assert [c for c in first if f"'{c}'" in message] == ["kommun"]


def test_participant_missing_column_quotes_only_known_headers(tmp_path):
    """In a participant list, the header row's unknown cells are counted, never quoted."""
    path = write(tmp_path, "d.csv", "id;org;Eva Ek;eva.ek@ange.example\nA1;x;;\n")
    with pytest.raises(InputFileError) as caught:
        read_table(path, PARTICIPANT_SPEC)
    message = str(caught.value)
    assert caught.value.reason == "missing_column"
    assert "'namn' eller 'e-post'" in message
    assert "har kolumnerna 'id', 'org' och 2 andra" in message
    assert "Eva" not in message and "eva.ek" not in message


def test_activity_register_without_header_row_quotes_its_first_row(tmp_path):
    """The register holds no personal data: its message shows the row taken for a header."""
    path = write(tmp_path, "a.csv", "A1;2024-03-01;AP1;möte;Kommun\n")
    with pytest.raises(InputFileError) as caught:
        read_table(path, ACTIVITY_SPEC)
    message = str(caught.value)
    assert caught.value.reason == "no_header"
    assert "'A1', '2024-03-01', 'AP1', 'möte', 'Kommun'" in message
    assert "'aktivitets_id', 'id', 'aktivitet_id'" in message


# ---------------------------------------------------------------------------------------------
# Excel error cells (#REF!, #N/A, …)
# ---------------------------------------------------------------------------------------------
def rewrite(path: Path, prefix: str, pattern: bytes, replacement: bytes) -> None:
    """Replace `pattern` in the parts of the workbook at `path` whose names start with `prefix`:
    what openpyxl will not write."""
    with zipfile.ZipFile(path) as source:
        parts = [(item, source.read(item)) for item in source.infolist()]
    with zipfile.ZipFile(path, "w") as target:
        for item, data in parts:
            if item.filename.startswith(prefix):
                data = re.sub(pattern, replacement, data)
            target.writestr(item, data)


def error_cells(sheet, *refs: str, value: str = "#REF!") -> None:
    """Make `refs` error cells, as Excel stores a formula whose result is an error."""
    for ref in refs:
        sheet[ref].value = value
        sheet[ref].data_type = "e"


def test_xlsx_error_cells_are_read_as_their_error_text(tmp_path):
    """python-calamine reads an error cell as empty; the reader puts its text back. A row of
    error cells is a data row, not a blank one, and a value in a column without a header that
    is an error is a stray value, not nothing."""
    book = Workbook()
    sheet = book.active
    sheet.append(["aktivitets_id", "datum", "arbetspaket", "aktivitetstyp", "titel"])
    sheet.append(["A1", "2024-03-01", "AP1", "möte", "Möte"])
    error_cells(sheet, "A3", "B3", "C3", "D3", "E3")
    sheet.append(["A4", None, "AP1", "möte", "Möte"])
    error_cells(sheet, "B4", value="#N/A")
    error_cells(sheet, "G4", value="#DIV/0!")
    path = tmp_path / "a.xlsx"
    book.save(path)
    # What python-calamine alone gives (the reason for the reader's own look at the cells).
    alone = pd.read_excel(path, header=None, dtype=object, keep_default_na=False, engine="calamine")
    assert alone.iloc[2, :5].tolist() == [""] * 5
    raw = read_table(path, ACTIVITY_SPEC)
    assert (raw.rows.tolist(), raw.blank) == ([2, 3, 4], 0)
    assert raw.frame.loc[1].tolist() == ["#REF!"] * 5
    assert raw.frame.loc[2, "datum"] == "#N/A"
    assert raw.stray[["position", "column", "value"]].values.tolist() == [[2, "G", "#DIV/0!"]]


def test_xlsx_error_cells_without_cell_references(tmp_path):
    """Error cells are found in a sheet whose writer leaves out the cell references."""
    book = Workbook()
    sheet = book.active
    sheet.append(["aktivitets_id", "datum", "arbetspaket", "aktivitetstyp", "titel"])
    sheet.append(["A1", None, "AP1", "möte", "Möte"])
    error_cells(sheet, "B2")
    path = tmp_path / "a.xlsx"
    book.save(path)
    rewrite(path, "xl/worksheets/", rb'<c r="[A-Z]+[0-9]+"', b"<c")
    assert b'r="B2"' not in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    assert read_table(path, ACTIVITY_SPEC).frame.loc[0, "datum"] == "#REF!"


def test_xlsx_error_value_calamine_cannot_read_names_the_cell(tmp_path):
    """An error value python-calamine refuses (#SPILL!) stops the run naming its cell."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Register"
    sheet.append(["aktivitets_id", "datum", "arbetspaket", "aktivitetstyp", "titel"])
    sheet.append(["A1", None, "AP1", "möte", "Möte"])
    error_cells(sheet, "B2", value="#SPILL!")
    path = tmp_path / "a.xlsx"
    book.save(path)
    with pytest.raises(InputFileError) as caught:
        read_table(path, ACTIVITY_SPEC)
    message = str(caught.value)
    assert "a.xlsx (blad 'Register') rad 2, kolumn B" in message
    assert "'#SPILL!'" in message


def formula_book(tmp_path: Path) -> Path:
    """A register whose G2 and H2 are formulas, as openpyxl writes them: no saved value."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Register"
    sheet.append(["aktivitets_id", "datum", "arbetspaket", "aktivitetstyp", "titel", "status"])
    sheet.append(["A1", "2024-03-01", "AP1", "möte", "Möte", "genomförd"])
    sheet["G1"], sheet["H1"] = "antal_deltagare", "beskrivning"
    sheet["G2"], sheet["H2"] = "=5+5", '=CONCAT("Dag ";"1")'
    path = tmp_path / "a.xlsx"
    book.save(path)
    return path


def test_formulas_without_a_saved_value_stop_the_run_naming_the_cells(tmp_path):
    """A workbook written by a program and never saved in Excel has formulas without values:
    python-calamine reads them as empty, which would silently drop the count and the text. The
    run stops with one message naming the file, the sheet and the cells, and what to do."""
    path = formula_book(tmp_path)
    alone = pd.read_excel(path, header=None, dtype=object, keep_default_na=False, engine="calamine")
    assert alone.iloc[1, 6:].tolist() == ["", ""]  # what calamine alone gives
    with pytest.raises(InputFileError) as caught:
        read_table(path, ACTIVITY_SPEC)
    message = str(caught.value)
    assert "a.xlsx (blad 'Register'): cellerna G2, H2 har formler utan sparat värde" in message
    assert "Öppna den i Excel och spara den" in message


def test_formulas_with_saved_values_are_read_as_those_values(tmp_path):
    """Excel saves each formula's result beside it: those are read as the values shown, a text
    result of "" included (Excel marks a text result t="str")."""
    path = formula_book(tmp_path)
    rewrite(
        path, "xl/worksheets/", rb'<c r="G2"><f>5\+5</f><v\s*/>', b'<c r="G2"><f>5+5</f><v>10</v>'
    )
    rewrite(
        path,
        "xl/worksheets/",
        rb'<c r="H2"><f>(.*?)</f><v\s*/>',
        rb'<c r="H2" t="str"><f>\1</f><v></v>',
    )
    assert b"<v>10</v>" in zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    raw = read_table(path, ACTIVITY_SPEC)
    assert raw.frame.loc[0, "antal_deltagare"] in (10, 10.0, "10")
    assert raw.frame.loc[0, "beskrivning"] in ("", None)


# ---------------------------------------------------------------------------------------------
# Hidden sheets
# ---------------------------------------------------------------------------------------------
def hidden_first(tmp_path: Path, *, visible: str | None = "Blad2") -> Path:
    """A workbook whose first sheet ('Gammal', rows G1) is hidden, then `visible` (rows V1);
    with no `visible`, 'Gammal' alone, not hidden."""
    head = ["aktivitets_id", "datum", "arbetspaket", "aktivitetstyp", "titel"]
    book = Workbook()
    old = book.active
    old.title = "Gammal"
    old.append(head)
    old.append(["G1", "2024-03-01", "AP1", "möte", "Gammal"])
    if visible is not None:
        sheet = book.create_sheet(visible)
        sheet.append(head)
        sheet.append(["V1", "2024-03-01", "AP1", "möte", "Synlig"])
        old.sheet_state = "hidden"
    path = tmp_path / "a.xlsx"
    book.save(path)
    return path


def test_xlsx_hidden_first_sheet_is_not_read_unless_named(tmp_path):
    """With no sheet named, the first sheet the administrator can see in Excel is read; a
    hidden sheet is read when the parameters name it."""
    path = hidden_first(tmp_path)
    raw = read_table(path, ACTIVITY_SPEC)
    assert (raw.sheet, raw.frame["aktivitets_id"].tolist()) == ("Blad2", ["V1"])
    named = read_table(path, ACTIVITY_SPEC, sheet="Gammal")
    assert (named.sheet, named.frame["aktivitets_id"].tolist()) == ("Gammal", ["G1"])


def test_xlsx_hidden_sheet_with_the_preferred_name_gives_way_to_a_visible_one(tmp_path):
    """A hidden sheet named for the role (an old 'Aktiviteter') is not read in place of what
    the administrator sees; the message of any problem names the sheet that was read."""
    path = hidden_first(tmp_path, visible="Register")
    book = load_workbook(path)
    book["Gammal"].title = "Aktiviteter"
    book.save(path)
    assert read_table(path, ACTIVITY_SPEC).sheet == "Register"


def test_xlsx_only_sheet_hidden_is_still_read(tmp_path):
    """A workbook whose only sheet is hidden is read from it (Excel and openpyxl refuse to hide
    the last visible sheet, but other programs write such files)."""
    path = hidden_first(tmp_path, visible=None)  # saved visible: openpyxl would refuse
    rewrite(path, "xl/workbook.xml", rb"<sheet ", b'<sheet state="hidden" ')
    assert 'state="hidden"' in zipfile.ZipFile(path).read("xl/workbook.xml").decode()
    raw = read_table(path, ACTIVITY_SPEC)
    assert (raw.sheet, raw.frame["aktivitets_id"].tolist()) == ("Gammal", ["G1"])


def test_a_quote_that_never_closes_names_its_row(tmp_path):
    """An opening quote with no closing one makes the rest of the file one cell: the file
    cannot be read, and the message names the row where the quote is, in both encodings."""
    text = (
        "aktivitets_id;namn;e-post;organisation\n"
        "A1;Eva Ek;;Timrå kommun\n"
        "A1;Bo Ek;;Kramfors kommun\n"
        'A1;Sara Lund;;"Sundsvalls kommun\n'
        "A2;Ali Berg;;Ånge kommun\n"
    )
    for encoding in ("utf-8", "cp1252"):
        path = write(tmp_path, f"deltagare-{encoding}.csv", text, encoding)
        with pytest.raises(InputFileError) as error:
            read_table(path, PARTICIPANT_SPEC)
        assert 'ett citattecken (") på rad 4 stängs aldrig' in str(error.value)
        assert error.value.reason == "unreadable" and "Sara" not in str(error.value)


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_csv_is_named_as_such(tmp_path, encoding):
    """Excel's 'Unicode-text' (UTF-16, with or without a byte-order mark) is refused with a
    message that says so and how to save the file instead."""
    path = write(tmp_path, "deltagare.csv", "aktivitets_id;namn\nA1;Åsa Öberg\n", encoding)
    with pytest.raises(InputFileError) as error:
        read_table(path, PARTICIPANT_SPEC)
    message = str(error.value)
    assert "sparad som UTF-16" in message and "'CSV UTF-8'" in message
    assert error.value.reason == "not_csv"


def test_a_value_merged_down_over_rows_counts_for_each_row(tmp_path):
    """An activity id merged down over its participants (C4:C6, on a sheet that starts at C3)
    is read on every row it covers; a name merged across two columns stays one name."""
    book = Workbook()
    sheet = book.active
    rows = [
        ["aktivitets_id", "namn", "organisation"],
        ["HSO-1", "Eva Ek", "Timrå kommun"],
        [None, "Bo Ek", None],
        [None, "Al Ek", "Ånge kommun"],
        ["HSO-2", "Ola Lo", None],
    ]
    for i, row in enumerate(rows):
        for j, value in enumerate(row):
            sheet.cell(row=3 + i, column=3 + j, value=value)
    sheet.merge_cells("C4:C6")
    sheet.merge_cells("D7:E7")
    path = tmp_path / "deltagare.xlsx"
    book.save(path)
    raw = read_table(path, PARTICIPANT_SPEC)
    assert raw.rows.tolist() == [4, 5, 6, 7]
    assert raw.frame["aktivitets_id"].tolist() == ["HSO-1", "HSO-1", "HSO-1", "HSO-2"]
    assert raw.frame["organisation"].tolist() == ["Timrå kommun", None, "Ånge kommun", None]
