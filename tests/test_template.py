"""Tests for hso_eval.template: the administrator's data-entry workbook (`hso-eval mall`)."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import range_boundaries
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from hso_eval import quality
from hso_eval.clean import clean_inputs
from hso_eval.config import Project, build_params
from hso_eval.errors import ParameterError
from hso_eval.read import ACTIVITY_SPEC, PARTICIPANT_SPEC, TableSpec, read_table
from hso_eval.template import (
    ACTIVITY_SHEET,
    INSTRUCTION_SHEET,
    LAST_ROW,
    LIST_SHEET,
    PARTICIPANT_SHEET,
    TEMPLATE_COMMAND,
    template_link_html,
    template_lists,
    write_template,
)
from hso_eval.vocab import (
    ACTIVITY_TYPES,
    GENDERS,
    ORGANISATION_TYPES,
    ORGANISER_ROLES,
    ROLES,
    STATUSES,
    municipalities,
    work_package_vocabulary,
)

ROOT = Path(__file__).resolve().parents[1]
KEY = b"k" * 32


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, project: Project) -> Path:
    return write_template(tmp_path_factory.mktemp("mall") / "mall.xlsx", project)


@pytest.fixture(scope="module")
def book(template: Path) -> Workbook:
    return load_workbook(template)


def all_municipalities() -> list[str]:
    return [str(n) for n in municipalities()["name"]]


def expected_vocabularies(project: Project) -> dict[tuple[str, str], tuple[str, ...]]:
    """(sheet, column) -> the values its dropdown must offer, straight from vocab and config."""
    names = tuple(all_municipalities())
    return {
        (ACTIVITY_SHEET, "aktivitetstyp"): ACTIVITY_TYPES.values,
        (ACTIVITY_SHEET, "status"): STATUSES.values,
        (ACTIVITY_SHEET, "arrangörsroll"): ORGANISER_ROLES.values,
        (ACTIVITY_SHEET, "kommun"): names,
        (ACTIVITY_SHEET, "samverkansparter"): tuple(p.name for p in project.partners),
        (PARTICIPANT_SHEET, "organisationstyp"): ORGANISATION_TYPES.values,
        (PARTICIPANT_SHEET, "kommun"): names,
        (PARTICIPANT_SHEET, "kön"): GENDERS.values,
        (PARTICIPANT_SHEET, "roll"): ROLES.values,
    }


def column_letter(sheet: Worksheet, name: str) -> str:
    for cell in sheet[1]:
        if cell.value == name:
            return cell.column_letter
    raise AssertionError(f"{sheet.title} has no header {name!r}")


def validations_on(sheet: Worksheet, name: str) -> list[DataValidation]:
    """The validations covering the whole data range of column `name`."""
    letter = column_letter(sheet, name)
    wanted = f"{letter}2:{letter}{LAST_ROW}"
    return [
        dv
        for dv in sheet.data_validations.dataValidation
        if wanted in {str(r) for r in dv.sqref.ranges}
    ]


def list_source(book: Workbook, formula: str) -> list[str]:
    """The values of the range a list validation points to (must be on the list sheet)."""
    sheet_part, _, cells = formula.lstrip("=").rpartition("!")
    assert sheet_part.strip("'") == LIST_SHEET, formula
    min_col, min_row, max_col, max_row = range_boundaries(cells.replace("$", ""))
    sheet = book[LIST_SHEET]
    return [
        str(row[0])
        for row in sheet.iter_rows(
            min_row=min_row, max_row=max_row, min_col=min_col, max_col=max_col, values_only=True
        )
        if row[0] is not None
    ]


def header_columns(spec: TableSpec) -> dict[str, int]:
    return {c.name: i for i, c in enumerate(spec.columns, start=1)}


# ---------------------------------------------------------------------------------------------
# The round trip: a filled template reads back clean
# ---------------------------------------------------------------------------------------------
def fill(template: Path, project: Project, out: Path) -> dict[str, int]:
    """Fill the template the way Excel would store it; return the number of rows per sheet."""
    book = load_workbook(template)
    lists = template_lists(project)
    partners = lists["samverkansparter"]
    act = book[ACTIVITY_SHEET]
    cols = header_columns(ACTIVITY_SPEC)
    n_activities = max(len(lists[k]) for k in ("aktivitetstyp", "arbetspaket", "status"))
    ids = []
    for i in range(n_activities):
        row = i + 2
        start = dt.datetime(2024, 7 + i % 6, 1 + i)  # inside 2024H2
        ids.append(f"T-{i + 1:02d}")
        values = {
            "aktivitets_id": ids[-1],
            "datum": start,
            "slutdatum": start + dt.timedelta(days=1),
            "arbetspaket": lists["arbetspaket"][i % len(lists["arbetspaket"])],
            "aktivitetstyp": lists["aktivitetstyp"][i % len(lists["aktivitetstyp"])],
            "titel": f"Träff nr {i + 1} om hållbar omställning",
            "beskrivning": "Åtta kommuner, två regioner & en länsstyrelse.",
            "plats": "Stadshuset",
            "kommun": lists["kommun"][i],
            "status": lists["status"][i % len(lists["status"])],
            "arrangörsroll": lists["arrangörsroll"][i % len(lists["arrangörsroll"])],
            "antal_deltagare": "ca 250" if i == 0 else 30 + i,
            "antal_kvinnor": 12,
            "antal_män": 11,
            "samverkansparter": f"{partners[i % len(partners)]}; "
            f"{partners[(i + 1) % len(partners)]}",
            "länk": f"https://example.se/aktivitet/{i + 1}",
        }
        for name, value in values.items():
            act.cell(row=row, column=cols[name], value=value)

    part = book[PARTICIPANT_SHEET]
    cols = header_columns(PARTICIPANT_SPEC)
    people = lists["kommun"]  # one person per municipality: every one of them read back
    for j, municipality in enumerate(people):
        values = {
            "aktivitets_id": ids[j % len(ids)],
            "namn": f"Person Nummer{j}",
            "e-post": f"person{j}@example.example",
            "organisation": partners[j % len(partners)],
            "organisationstyp": lists["organisationstyp"][j % len(lists["organisationstyp"])],
            "kommun": municipality,
            "kön": lists["kön"][j % len(lists["kön"])],
            "roll": lists["roll"][j % len(lists["roll"])],
        }
        for name, value in values.items():
            part.cell(row=j + 2, column=cols[name], value=value)
    book.save(out)
    return {"activities": n_activities, "participants": len(people)}


def run_clean(path: Path, period: str = "2024H2"):  # type: ignore[no-untyped-def]
    params = build_params(
        {
            "period": period,
            "project": str(ROOT / "params" / "project.yaml"),
            # No sheet names, as the instructions say: the sheets are found by their names.
            "activities": str(path),
            "participants": str(path),
        }
    )
    return clean_inputs(params, KEY)


def test_filled_template_reads_back_without_warnings_or_quarantine(template, project, tmp_path):
    """A template filled with dropdown values and real date cells cleans with no problem at all."""
    filled = tmp_path / "ifylld.xlsx"
    counts = fill(template, project, filled)
    result = run_clean(filled)

    assert result.warnings.empty, result.warnings["message"].tolist()
    assert result.quarantine.empty, result.quarantine["message"].tolist()
    for account in result.accounts:
        assert account.read == counts[account.role]
        assert account.clean == account.read
        assert (account.quarantined, account.merged, account.blank) == (0, 0, 0)
        assert account.unknown_columns == []
        assert account.header_row == 1

    activities, participations = result.activities, result.participations
    assert len(activities) == counts["activities"]
    assert len(participations) == counts["participants"]
    assert set(activities["work_package"]) == {wp.code for wp in project.work_packages}
    assert set(activities["activity_type"]) == set(ACTIVITY_TYPES.values)
    assert set(activities["status"]) == set(STATUSES.values)
    assert set(activities["organiser_role"]) == set(ORGANISER_ROLES.values)
    assert activities["start_date"].iloc[1] == dt.datetime(2024, 8, 2)
    assert activities["end_date"].iloc[1] == dt.datetime(2024, 8, 3)
    assert bool(activities["attendance_approximate"].iloc[0]) is True
    assert int(activities["attendance"].iloc[0]) == 250
    assert set(participations["municipality"]) == set(all_municipalities())
    assert set(participations["organisation_type"]) == set(ORGANISATION_TYPES.values)
    assert set(participations["gender"]) == set(GENDERS.values)
    assert set(participations["role"]) == set(ROLES.values)


def test_problems_in_one_workbook_name_the_sheet(template, project, tmp_path):
    """Register and lists as sheets of one workbook (the template's way): row 3 of each sheet
    is a different row, so messages and the data-quality tables name the sheet too."""
    filled = tmp_path / "ifylld.xlsx"
    fill(template, project, filled)
    book = load_workbook(filled)
    for sheet, spec, value in (
        (ACTIVITY_SHEET, ACTIVITY_SPEC, "Kramfor"),
        (PARTICIPANT_SHEET, PARTICIPANT_SPEC, "Sundsval"),
    ):
        book[sheet].cell(row=3, column=header_columns(spec)["kommun"], value=value)
    book.save(filled)
    result = run_clean(filled)

    messages = sorted(result.warnings["message"])
    assert messages[0].startswith(
        f"ifylld.xlsx (blad '{ACTIVITY_SHEET}') rad 3, kolumn 'kommun': 'Kramfor'"
    )
    assert messages[1].startswith(
        f"ifylld.xlsx (blad '{PARTICIPANT_SHEET}') rad 3, kolumn 'kommun': 'Sundsval'"
    )
    # The data-quality report's tables: one line per sheet, not the two rows 3 as one file's.
    summary = quality.warning_summary(result)
    assert sorted(zip(summary["Fil"], summary["Rader"], strict=True)) == [
        (f"ifylld.xlsx (blad '{ACTIVITY_SHEET}')", "3"),
        (f"ifylld.xlsx (blad '{PARTICIPANT_SHEET}')", "3"),
    ]
    assert set(quality.warnings_table(result)["Fil"]) == set(summary["Fil"])


def test_empty_template_is_valid_input_with_zero_rows(template):
    """An unfilled template is read as zero rows per sheet, not as an error."""
    result = run_clean(template)
    assert [a.read for a in result.accounts] == [0, 0]
    assert result.warnings.empty and result.quarantine.empty


def test_every_work_package_label_is_understood(project):
    """Each work package as the dropdown shows it ("AP3 - Påverkansarbete") means its code."""
    vocabulary = work_package_vocabulary(project)
    labels = template_lists(project)["arbetspaket"]
    assert [vocabulary.lookup(label) for label in labels] == [
        wp.code for wp in project.work_packages
    ]
    assert f"AP3 - {project.work_package('AP3').name}" in labels


# ---------------------------------------------------------------------------------------------
# Sheets, headers, dropdowns, formats
# ---------------------------------------------------------------------------------------------
def test_sheets_instructions_first_and_lists_hidden(book):
    """The workbook opens on the instructions; the helper list sheet is hidden."""
    assert book.sheetnames == [INSTRUCTION_SHEET, ACTIVITY_SHEET, PARTICIPANT_SHEET, LIST_SHEET]
    assert book.active.title == INSTRUCTION_SHEET
    assert book[LIST_SHEET].sheet_state == "hidden"
    for title in (INSTRUCTION_SHEET, ACTIVITY_SHEET, PARTICIPANT_SHEET):
        assert book[title].sheet_state == "visible"


def test_instructions_are_swedish_and_cover_what_the_administrator_needs(book):
    """The instructions explain sheets, required columns, dates, personal data, folder and check."""
    text = "\n".join(
        str(c.value) for row in book[INSTRUCTION_SHEET].iter_rows() for c in row if c.value
    )
    for phrase in (
        "En rad per aktivitet",
        "En rad per person och aktivitet",
        "krävs",
        "ÅÅÅÅ-MM-DD",
        "12/6/2025",
        "12 juni 2025",
        "personuppgifter",
        "pseudonymer",
        "data/raw/",
        "hso-eval check params/<period>.yaml",
        f"läser bladen {ACTIVITY_SHEET} och {PARTICIPANT_SHEET} efter deras namn",
        "activities_sheet:",
        "participants_sheet:",
    ):
        assert phrase in text, phrase
    for column in ACTIVITY_SPEC.columns:
        if column.required:
            assert column.name in text


@pytest.mark.parametrize("spec", [ACTIVITY_SPEC, PARTICIPANT_SPEC], ids=lambda s: s.role)
def test_instructions_are_never_read_as_a_data_sheet(template, spec):
    """A period file that names no sheet reads the template's data sheet, not the instructions."""
    raw = read_table(template, spec)
    assert raw.sheet == {"activities": ACTIVITY_SHEET, "participants": PARTICIPANT_SHEET}[spec.role]
    assert raw.sheet != INSTRUCTION_SHEET
    assert raw.read == 0


@pytest.mark.parametrize(
    ("sheet", "spec"),
    [(ACTIVITY_SHEET, ACTIVITY_SPEC), (PARTICIPANT_SHEET, PARTICIPANT_SPEC)],
)
def test_headers_are_the_contracts_with_required_marked_and_a_note_each(book, sheet, spec):
    """Row 1 holds exactly the canonical headers; required ones bold on a fill; each has a note."""
    ws = book[sheet]
    assert [c.value for c in ws[1]] == list(spec.names)
    assert ws.max_row == 1
    one_of = {name for group in spec.one_of for name in group}
    for cell, column in zip(ws[1], spec.columns, strict=True):
        marked = column.required or column.name in one_of
        assert cell.font.bold is marked, column.name
        if column.required:
            assert cell.fill.fill_type == "solid"
            assert cell.comment is not None and cell.comment.text.startswith("Krävs")
        assert cell.comment is not None and len(cell.comment.text) > 5, column.name
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref is not None and ws.auto_filter.ref.startswith("A1:")
    for letter, dimension in ws.column_dimensions.items():
        assert 10 <= dimension.width <= 60, letter


def test_work_package_dropdown_offers_code_and_name(book, project):
    """The arbetspaket dropdown lists every work package as code and name."""
    (validation,) = validations_on(book[ACTIVITY_SHEET], "arbetspaket")
    assert validation.type == "list"
    offered = list_source(book, validation.formula1)
    assert offered == [f"{wp.code} - {wp.name}" for wp in project.work_packages]


def test_every_vocabulary_column_has_a_dropdown_with_every_value(book, project):
    """Each vocabulary column offers a dropdown (a range on Listor) with every accepted value."""
    for (sheet, column), values in expected_vocabularies(project).items():
        lists = [v for v in validations_on(book[sheet], column) if v.type == "list"]
        assert len(lists) == 1, (sheet, column)
        (validation,) = lists
        assert "!" in validation.formula1 and '"' not in validation.formula1
        offered = list_source(book, validation.formula1)
        assert set(values) <= set(offered), (sheet, column, set(values) - set(offered))
        assert len(offered) == len(set(offered)), (sheet, column)
        strict = column != "samverkansparter"
        assert bool(validation.showErrorMessage) is strict, (sheet, column)


def test_a_note_never_offers_typing_where_the_list_stops_it(book):
    """A column whose dropdown stops any other value: its note does not say that a value may be
    typed (Excel would refuse "AP1" typed in 'arbetspaket', whose list offers "AP1 - …")."""
    for sheet, spec in ((ACTIVITY_SHEET, ACTIVITY_SPEC), (PARTICIPANT_SHEET, PARTICIPANT_SPEC)):
        for column in spec.names:
            ws = book[sheet]
            strict = [  # "stop" is Excel's default, which the file need not spell out
                v
                for v in validations_on(ws, column)
                if v.showErrorMessage and v.errorStyle in (None, "stop")
            ]
            note = ws[f"{column_letter(ws, column)}1"].comment
            if strict and note is not None:
                assert "skriv" not in note.text.casefold(), (sheet, column, note.text)


def test_every_municipality_is_offered_with_partners_first(book, project):
    """All 290 municipalities are in the kommun dropdown, the project's partners at the top."""
    (validation,) = validations_on(book[ACTIVITY_SHEET], "kommun")
    offered = list_source(book, validation.formula1)
    assert len(all_municipalities()) == 290
    assert sorted(offered) == sorted(all_municipalities())
    partner_towns = [p.municipality for p in project.partners if p.municipality]
    assert offered[: len(partner_towns)] == partner_towns
    rest = offered[len(partner_towns) :]
    assert rest.index("Östersund") > rest.index("Åre") > rest.index("Alingsås")


def test_date_columns_have_date_format_and_a_lenient_range_check(book, project):
    """datum and slutdatum show yyyy-mm-dd and warn outside a year around the project."""
    ws = book[ACTIVITY_SHEET]
    for column in ("datum", "slutdatum"):
        letter = column_letter(ws, column)
        assert ws.column_dimensions[letter].number_format == "yyyy-mm-dd"
        (validation,) = [v for v in validations_on(ws, column) if v.type == "date"]
        assert validation.errorStyle == "warning"
        assert validation.showErrorMessage
        low = f"DATE({project.start.year - 1},{project.start.month},{project.start.day})"
        high = f"DATE({project.end.year + 1},{project.end.month},{project.end.day})"
        assert (validation.formula1, validation.formula2) == (low, high)


def test_count_columns_accept_whole_numbers_and_only_warn_otherwise(book):
    """The count columns check for whole numbers ≥ 0 but let 'ca 250' through after a warning."""
    ws = book[ACTIVITY_SHEET]
    for column in ("antal_deltagare", "antal_kvinnor", "antal_män"):
        (validation,) = validations_on(ws, column)
        assert validation.type == "whole"
        assert (validation.operator, validation.formula1) == ("greaterThanOrEqual", "0")
        assert validation.errorStyle == "warning"


def test_validation_texts_fit_excels_limits(book):
    """Every prompt and error message fits Excel's limits (titles 32, texts 255 characters)."""
    for ws in (book[ACTIVITY_SHEET], book[PARTICIPANT_SHEET]):
        for validation in ws.data_validations.dataValidation:
            for title in (validation.promptTitle, validation.errorTitle):
                assert title is None or len(title) <= 32
            for text in (validation.prompt, validation.error):
                assert text is None or len(text) <= 255


# ---------------------------------------------------------------------------------------------
# Writing the file
# ---------------------------------------------------------------------------------------------
def test_an_existing_file_is_never_overwritten(tmp_path, project):
    """Writing the template over an existing file (maybe a filled register) is refused."""
    target = tmp_path / "register.xlsx"
    target.write_bytes(b"ifyllt")
    with pytest.raises(ParameterError, match="finns redan"):
        write_template(target, project)
    assert target.read_bytes() == b"ifyllt"
    write_template(target, project, overwrite=True)
    assert load_workbook(target).sheetnames[0] == INSTRUCTION_SHEET


def test_a_name_without_xlsx_is_refused(tmp_path, project):
    """A file name that does not end in .xlsx gets a message asking for one."""
    with pytest.raises(ParameterError, match=r"\.xlsx"):
        write_template(tmp_path / "mall.xls", project)
    assert list(tmp_path.iterdir()) == []


def test_cli_mall_writes_the_template(tmp_path):
    """`python -m hso_eval.cli mall OUT.xlsx` writes the workbook and exits 0."""
    out = tmp_path / "ny" / "mall.xlsx"
    done = subprocess.run(
        [sys.executable, "-m", "hso_eval.cli", "mall", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Mallen är sparad" in done.stdout
    assert load_workbook(out).sheetnames[:3] == [
        INSTRUCTION_SHEET,
        ACTIVITY_SHEET,
        PARTICIPANT_SHEET,
    ]


# ---------------------------------------------------------------------------------------------
# The notebook's paragraph
# ---------------------------------------------------------------------------------------------
class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_link_html_tells_how_to_make_the_template():
    """The notebook paragraph has the anchored heading and the command that writes the template."""
    snippet = template_link_html()
    assert snippet.startswith('<h2 id="inmatningsmall">Inmatningsmall</h2>')
    assert TEMPLATE_COMMAND == ".venv/bin/hso-eval mall data/raw/mall.xlsx"
    # A template filled in where the command puts it (names, e-mails) stays out of git.
    target = TEMPLATE_COMMAND.split()[-1]
    ignored = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", target], cwd=ROOT, check=False
    )
    assert ignored.returncode == 0, target
    parser = _Tags()
    parser.feed(snippet)
    assert set(parser.tags) <= {"h2", "p", "pre", "code"}
    text = "".join(parser.text)
    assert TEMPLATE_COMMAND in text
    assert "mall" in text and "Aktiviteter" in text
    assert not re.search(r"<(?!/?(h2|p|pre|code)\b)", snippet)


def test_template_file_is_readable_by_the_colleagues_who_fill_it_in(project, tmp_path):
    """The template gets the usual permissions (here umask 022: rw-r--r--), not owner-only."""
    import os
    import stat

    old = os.umask(0o022)
    try:
        out = write_template(tmp_path / "mall.xlsx", project)
    finally:
        os.umask(old)
    assert stat.S_IMODE(out.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["mall.xlsx"]  # no temporary file left
