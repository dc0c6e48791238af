"""The command line: exit statuses and one-line Swedish messages, never a traceback."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from conftest import private_key_file

from hso_eval.cli import main

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
DEMO = ROOT / "data" / "demo"


def _params(tmp_path: Path, **changes) -> Path:
    data = {
        "period": "2024H1",
        "activities": str(DEMO / "aktiviteter.xlsx"),
        "participants": str(DEMO / "deltagare.csv"),
        "pseudonym_key_file": str(DEMO / "demo-nyckel.txt"),
        "output_dir": str(tmp_path / "reports" / "2024H1"),
    }
    if {"activities", "participants"} & set(changes):
        data["pseudonym_key_file"] = str(private_key_file(tmp_path))
    data.update(changes)
    path = tmp_path / "period.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


FILE_LEVEL_ERRORS = [
    # (role key, file, what the message must name besides the file)
    ("activities", "aktiviteter_saknar_kolumn.csv", "titel"),
    ("activities", "aktiviteter_ingen_rubrikrad.csv", "rubrik"),
    ("activities", "aktiviteter_dubbel_kolumn.csv", "kolumn"),
    ("activities", "aktiviteter_fel_filtyp.txt", ".txt"),
    ("activities", "aktiviteter_text_som_xlsx.xlsx", "xlsx"),
    ("activities", "finns_inte.xlsx", "finns inte"),
    ("participants", "deltagare_binar.csv", "csv"),
    ("participants", "deltagare_saknar_namn_och_epost.csv", "e-post"),
]


@pytest.mark.parametrize(("role", "name", "detail"), FILE_LEVEL_ERRORS)
def test_file_level_error_exits_2_with_one_swedish_line(tmp_path, capsys, role, name, detail):
    """A file-level error stops with status 2 and one line naming the file, no traceback."""
    params = _params(tmp_path, **{role: str(DATA / name)})
    status = main(["check", str(params)])
    err = capsys.readouterr().err
    assert status == 2
    assert len(err.strip().splitlines()) == 1, err
    assert name in err
    assert detail.casefold() in err.casefold()
    assert "Traceback" not in err


def test_missing_column_lists_found_and_accepted_names(tmp_path, capsys):
    """A missing column's message lists the columns found and the accepted header names."""
    params = _params(tmp_path, activities=str(DATA / "aktiviteter_saknar_kolumn.csv"))
    assert main(["check", str(params)]) == 2
    err = capsys.readouterr().err
    assert "rubrik" in err and "aktivitet" in err  # accepted aliases of 'titel'


def _piped_into_head(*args: str) -> tuple[bytes, int, str]:
    """Run `hso-eval *args | head -1`: (the first line, the exit status, stderr)."""
    import subprocess
    import sys

    process = subprocess.Popen(
        [sys.executable, "-m", "hso_eval.cli", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    first = process.stdout.readline()
    process.stdout.close()  # as `head -1` does
    error = process.stderr.read().decode("utf-8")
    return first, process.wait(timeout=600), error


def test_check_piped_into_head_stops_quietly(tmp_path):
    """`hso-eval check … --alla | head` closes the pipe early: no "oväntat fel", status 0."""
    source = (DEMO / "deltagare.csv").read_text(encoding="cp1252").splitlines()
    rows = [source[0]] + [
        f"HSO-2024-{9000 + i};Person {i};;Org;kommun;Sundsvall;K;deltagare" for i in range(3000)
    ]
    csv = tmp_path / "deltagare.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    # 3 000 messages (600 kB) do not fit the pipe once its reader has gone.
    first, status, error = _piped_into_head(
        "check", "--alla", str(_params(tmp_path, participants=str(csv)))
    )
    assert first.startswith(b"data/demo/aktiviteter.xlsx")
    assert (status, error) == (0, "")


@pytest.mark.e2e
def test_run_piped_into_head_publishes_without_a_traceback(tmp_path):
    """`hso-eval run … | head -1`: the log lines after the first go to a closed pipe. They are
    dropped (no "--- Logging error ---" traceback per line on stderr) and the run publishes."""
    first, status, error = _piped_into_head("run", str(_params(tmp_path)))
    assert first and status == 0, error
    assert "Traceback" not in error and "Logging error" not in error
    assert (tmp_path / "reports" / "2024H1" / "halvarsrapport.html").is_file()


def test_the_project_file_given_as_a_period_file_is_named_as_such(capsys):
    """`hso-eval run params/project.yaml` (an easy slip) says which file it is and which to
    give, not "okänd nyckel 'name'"."""
    assert main(["check", str(ROOT / "params" / "project.yaml")]) == 2
    err = capsys.readouterr().err
    assert "är projektets konfiguration, inte en periodfil" in err
    assert "params/2025H1.yaml" in err and "okänd nyckel" not in err


def test_named_sheet_missing_lists_the_sheets(tmp_path, capsys):
    """A sheet name that is not in the workbook is named, with the sheets that exist."""
    params = _params(
        tmp_path, activities=str(DATA / "aktiviteter_blad.xlsx"), activities_sheet="Finns inte"
    )
    assert main(["check", str(params)]) == 2
    err = capsys.readouterr().err
    assert "Finns inte" in err and "aktiviteter_blad.xlsx" in err


def test_a_missing_input_file_names_the_key_and_the_period_file(tmp_path, capsys):
    """An input path that leads nowhere is named with the key to correct and the period file
    that holds it."""
    params = _params(tmp_path, participants=str(tmp_path / "saknas.csv"))
    assert main(["check", str(params)]) == 2
    err = capsys.readouterr().err
    assert "saknas.csv: filen finns inte" in err
    assert f"Kontrollera sökvägen 'participants' i {params}" in err


def test_a_typo_in_a_demo_path_is_reported_as_a_missing_file_not_as_the_key(tmp_path, capsys):
    """The demo's period file with a mistyped path: the message is the missing file's, not the
    demo key's (which would send the user to change a key that is right)."""
    params = _params(tmp_path)
    params.write_text(
        params.read_text(encoding="utf-8").replace("aktiviteter.xlsx", "aktivitetr.xlsx"),
        encoding="utf-8",
    )
    assert main(["check", str(params)]) == 2
    err = capsys.readouterr().err
    assert "aktivitetr.xlsx: filen finns inte" in err
    assert "demonyckeln" not in err


def test_no_key_outside_the_demo_exits_2(tmp_path, capsys, monkeypatch):
    """A period file without a key, and no HSO_PSEUDONYM_KEY, stops a run with status 2 (a
    check goes on with a key of its own: test_check_needs_no_key_and_says_so)."""
    monkeypatch.delenv("HSO_PSEUDONYM_KEY", raising=False)
    params = _params(tmp_path, pseudonym_key_file=None)
    assert main(["run", str(params)]) == 2
    err = capsys.readouterr().err
    assert "HSO_PSEUDONYM_KEY" in err and "Traceback" not in err


@pytest.mark.parametrize("problem", ["no_key", "missing_column"])
def test_a_run_stopped_by_a_wrong_file_or_key_leaves_no_folder_behind(
    tmp_path, capsys, monkeypatch, problem
):
    """`run` with no key, or an input without a required column, exits 2 with the message on
    stderr, publishes nothing and leaves no folder under reports/_misslyckade/ (a nightly
    run-all would otherwise add one every night until the file is fixed)."""
    monkeypatch.delenv("HSO_PSEUDONYM_KEY", raising=False)
    changes = {
        "no_key": {"pseudonym_key_file": None},
        "missing_column": {"activities": str(DATA / "aktiviteter_saknar_kolumn.csv")},
    }[problem]
    params = _params(tmp_path, **changes)
    assert main(["run", str(params)]) == 2
    err = capsys.readouterr().err
    assert ("HSO_PSEUDONYM_KEY" if problem == "no_key" else "rubrik") in err
    reports = tmp_path / "reports"
    assert not (reports / "2024H1").exists()
    assert not (reports / "_misslyckade").exists()
    assert [p.name for p in reports.iterdir() if not p.name.startswith(".")] == []


def test_check_reports_the_accounting_and_publishes_nothing(tmp_path, capsys):
    """`check` prints read = clean + quarantined + merged per file, and the sheet it read from
    an .xlsx, and writes no report."""
    params = _params(tmp_path)
    assert main(["check", str(params)]) == 0
    out = capsys.readouterr().out
    assert "aktiviteter.xlsx (blad 'Aktiviteter'): 53 lästa" in out
    assert "53 lästa = 51 rena + 1 i karantän + 1 sammanslagna" in out
    assert "408 lästa = 405 rena + 2 i karantän + 1 sammanslagna (0 tomma rader)" in out
    assert "53 lästa = 51 rena + 1 i karantän + 1 sammanslagna (1 tom rad)" in out
    assert not (tmp_path / "reports").exists()


def test_an_exports_e_mail_header_is_read_and_a_misspelt_one_named(tmp_path, capsys):
    """Attendance-list exports call the address "E-postadress" or "Mailadress": read as
    `e-post`, so nobody's pseudonym changes. A misspelt header ("Orgnisation") is not guessed
    at, but `check` names it with the column it was likely meant to be."""
    from hso_eval.config import load_params
    from hso_eval.context import load_period

    source = (DEMO / "deltagare.csv").read_text(encoding="cp1252")
    header, body = source.split("\n", 1)
    keys = {}
    for new_header in ("e-post", "E-postadress", "Mailadress"):
        lists = tmp_path / f"{new_header}.csv"
        lists.write_text(header.replace("e-post", new_header) + "\n" + body, encoding="cp1252")
        data = load_period(
            **load_params(_params(tmp_path, participants=str(lists))).as_notebook_parameters()
        )
        keys[new_header] = data.clean.participations["person_key"].tolist()
    assert keys["E-postadress"] == keys["e-post"] == keys["Mailadress"]

    lists = tmp_path / "felstavad.csv"
    lists.write_text(
        header.replace(";organisation;", ";Orgnisation;") + ";Anteckningar;E-post 2\n" + body,
        encoding="cp1252",
    )
    assert main(["check", str(_params(tmp_path, participants=str(lists)))]) == 0
    out = capsys.readouterr().out
    assert (
        f"{lists.as_posix()}: kolumnen 'Orgnisation' känns inte igen och läses inte. Menade du "
        "'organisation'? Byt rubriken i bladet."
    ) in out.replace(str(tmp_path), tmp_path.as_posix())
    assert "kolumnen 'Anteckningar' känns inte igen och läses inte.\n" in out
    # The data-quality report's table of ignored columns says the same.
    from hso_eval.quality import unknown_columns_table

    params = load_params(_params(tmp_path, participants=str(lists)))
    table = unknown_columns_table(load_period(**params.as_notebook_parameters()).clean)
    assert table[["Ignorerad kolumn", "Menade du"]].to_numpy().tolist() == [
        ["Orgnisation", "organisation"],
        ["Anteckningar", ""],
        ["E-post 2", ""],  # a second address column, not a misspelt e-post
    ]


def test_check_needs_no_key_and_says_so(tmp_path, capsys):
    """Whoever keeps the sheets may not hold the pseudonym key (nor the key file the period file
    names): `check` without one counts and lists exactly what it does with the key, and says
    that a run will need it."""
    assert main(["check", str(_params(tmp_path))]) == 0
    with_key = capsys.readouterr().out
    for missing in (None, str(tmp_path / "finns-inte" / "nyckel.txt")):
        assert main(["check", str(_params(tmp_path, pseudonym_key_file=missing))]) == 0
        without = capsys.readouterr().out.splitlines()
        assert without[0] == (
            "Ingen pseudonymnyckel här: kontrollen använder en tillfällig nyckel, som ger samma "
            "rader, dubbletter och problem. hso-eval run behöver nyckeln."
        )
        assert without[1:] == with_key.splitlines()


def test_check_lists_what_to_fix_by_file_row_and_column(tmp_path, capsys):
    """`check` lists each quarantined row, warning and merged duplicate with the message the
    data-quality report gives (file, row, column, value), so the sheet can be fixed and checked
    again before a run; --quiet leaves the lists out."""
    params = _params(tmp_path)
    assert main(["check", str(params)]) == 0
    out = capsys.readouterr().out
    assert "Problem som lägger rader i karantän (3):" in out and "Varningar (4):" in out
    assert "Sammanslagna dubbletter (2):" in out
    assert "  aktiviteter.xlsx rad 7, kolumn 'datum': '31/02/2024' är inget datum" in out
    assert "  aktiviteter.xlsx rad 14, kolumn 'kommun': 'Västernorrland'" in out
    assert "  deltagare.csv rad 113, kolumn 'aktivitets_id': 'HSO-2024-012'" in out
    assert out.splitlines()[-1] == "3 rader i karantän, 4 varningar; inget publicerat."
    assert "kolumn 'e-post' har ingen giltig e-postadress (värdet visas inte här" in out
    assert not re.search(r"@(?!kommun\.example)", out)  # no address but the message's example
    assert main(["--quiet", "check", str(params)]) == 0
    quiet = capsys.readouterr().out
    assert "Varningar (" not in quiet
    assert quiet.splitlines()[-1] == "3 rader i karantän, 4 varningar; inget publicerat."


def test_check_lists_the_first_problems_and_says_how_many_more(tmp_path, capsys):
    """Many problems: the first CHECK_LIST_LIMIT of each kind, then how many more and how to
    see them all."""
    from hso_eval.cli import CHECK_LIST_LIMIT

    source = (DEMO / "deltagare.csv").read_text(encoding="cp1252").splitlines()
    rows = [source[0]] + [
        f"HSO-2024-{900 + i};Person {i};;Org;kommun;Sundsvall;K;deltagare"
        for i in range(CHECK_LIST_LIMIT + 5)
    ]
    csv = tmp_path / "deltagare.csv"
    csv.write_text("\n".join(rows) + "\n", encoding="utf-8")
    params = _params(tmp_path, participants=str(csv))
    assert main(["check", str(params)]) == 0
    out = capsys.readouterr().out
    # The register's one quarantined row comes first, then the list's unknown activities.
    assert f"Problem som lägger rader i karantän ({CHECK_LIST_LIMIT + 6}):" in out
    assert out.count("finns inte i aktivitetsregistret (rätta id:t") == CHECK_LIST_LIMIT - 1
    assert "  … och 6 till (--alla listar alla)." in out
    assert main(["check", "--alla", str(params)]) == 0
    out = capsys.readouterr().out
    assert out.count("finns inte i aktivitetsregistret (rätta id:t") == CHECK_LIST_LIMIT + 5
    assert "Person" not in out


def test_debug_shows_the_traceback(tmp_path):
    """With --debug, the error propagates so a developer sees the whole traceback."""
    from hso_eval.errors import InputFileError

    params = _params(tmp_path, activities=str(tmp_path / "saknas.xlsx"))
    with pytest.raises(InputFileError):
        main(["--debug", "check", str(params)])


def test_mall_writes_the_template_and_refuses_to_overwrite(tmp_path, capsys):
    """`mall` writes the workbook once; a second time it needs --force."""
    out = tmp_path / "mall.xlsx"
    assert main(["mall", str(out)]) == 0
    assert out.stat().st_size > 5000
    assert main(["mall", str(out)]) == 2
    err = capsys.readouterr().err
    assert "finns redan" in err and "--force" in err
    assert main(["mall", str(out), "--force"]) == 0


def test_missing_narrative_exits_2_before_anything_runs(tmp_path, capsys):
    """A narrative path that does not exist stops with status 2 and names the file."""
    params = _params(tmp_path, narrative=str(tmp_path / "berattelse-saknas.md"))
    assert main(["check", str(params)]) == 2
    err = capsys.readouterr().err
    assert "berattelse-saknas.md" in err and "finns inte" in err


def _deny(monkeypatch, denied: Path, *, folder: bool = False) -> None:
    """As the system does for an account without the right: reading `denied` (or, with
    `folder`, looking anything up inside it) raises PermissionError. (The tests may run as
    root, for whom chmod 000 changes nothing.)"""
    read_bytes, stat, open_ = Path.read_bytes, Path.stat, Path.open

    def refused(path: Path) -> OSError:
        return PermissionError(13, "Permission denied", str(path))

    def denied_read(self: Path) -> bytes:
        if self == denied:
            raise refused(self)
        return read_bytes(self)

    def denied_stat(self: Path, *, follow_symlinks: bool = True):
        if folder and denied in self.parents:
            raise refused(self)
        return stat(self, follow_symlinks=follow_symlinks)

    def denied_open(self: Path, *args, **kwargs):
        if self == denied:
            raise refused(self)
        return open_(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_bytes", denied_read)
    monkeypatch.setattr(Path, "open", denied_open)
    monkeypatch.setattr(Path, "stat", denied_stat)


@pytest.mark.parametrize("command", ["check", "run"])
@pytest.mark.parametrize("what", ["participants", "narrative", "pseudonym_key_file", "folder"])
def test_a_file_this_account_may_not_read_exits_2_naming_it(
    tmp_path, capsys, monkeypatch, command, what
):
    """A sheet copied in by another user with mode 600, an unreadable narrative or key file, or
    a folder the account may not open: status 2 and a Swedish line naming the file and what to
    check, not an unexpected error; `check` goes on without an unreadable key file."""
    folder = tmp_path / "raw"
    folder.mkdir()
    files = {
        "participants": folder / "deltagare.csv",
        "narrative": folder / "berattelse-2024H1.md",
        "pseudonym_key_file": folder / "nyckel.txt",
    }
    files["participants"].write_bytes((DEMO / "deltagare.csv").read_bytes() + b"\r\n")
    files["narrative"].write_text("## Inledning\n\nText.\n", encoding="utf-8")
    files["pseudonym_key_file"].write_text("k" * 32 + "\n", encoding="utf-8")
    params = _params(tmp_path, **{key: str(path) for key, path in files.items()})
    _deny(monkeypatch, folder if what == "folder" else files[what], folder=what == "folder")
    status = main([command, str(params)])
    err = capsys.readouterr().err
    if command == "check" and what == "pseudonym_key_file":
        assert status == 0, err  # `check` needs no key
        return
    assert status == 2, err
    assert "oväntat fel" not in err and "Traceback" not in err
    assert "Permission denied" in err and "behörighet" in err
    if what != "folder":
        assert files[what].name in err
    assert not (tmp_path / "reports" / "2024H1").exists()


def test_a_key_file_others_may_read_is_warned_of(tmp_path, capsys):
    """docs/drift.md asks for 600: a key file that other accounts may read (or change) gets a
    line saying so and how to fix it; kept as asked, or the demo's public key, gets none."""
    csv = tmp_path / "deltagare.csv"
    csv.write_bytes((DEMO / "deltagare.csv").read_bytes() + b"\r\n")
    params = _params(tmp_path, participants=str(csv))
    key = private_key_file(tmp_path)
    assert main(["check", str(params)]) == 0
    assert "Nyckelfilen" not in capsys.readouterr().out
    key.chmod(0o644)
    assert main(["check", str(params)]) == 0
    assert (
        f"Nyckelfilen {key} kan läsas eller ändras av fler konton än sin ägare (rättigheter "
        f"644): ge den rättigheterna 600, 'chmod 600 {key}'."
    ) in capsys.readouterr().out
    (tmp_path / "demo").mkdir()
    assert main(["check", str(_params(tmp_path / "demo"))]) == 0  # the demo key: 644 in git
    assert "Nyckelfilen" not in capsys.readouterr().out


def test_a_sheet_name_for_a_csv_file_is_said_to_have_no_effect(tmp_path, capsys):
    """A period file kept 'participants_sheet' when the list became a CSV: `check` says that it
    is not used and to remove the line, and reads the file all the same."""
    params = _params(tmp_path, participants_sheet="Deltagare")
    assert main(["check", str(params)]) == 0
    assert (
        f"{params}: 'participants_sheet' ('Deltagare') används inte: data/demo/deltagare.csv är "
        "en CSV-fil, som inte har några blad. Ta bort raden."
    ) in capsys.readouterr().out


def test_check_names_narrative_headings_the_report_lacks(tmp_path, capsys):
    """`check` lists narrative headings that match no report section."""
    narrative = tmp_path / "b.md"
    narrative.write_text("## Inledningen\n\nText.\n", encoding="utf-8")
    assert main(["check", str(_params(tmp_path, narrative=str(narrative)))]) == 0
    assert "Menade du '## Inledning'?" in capsys.readouterr().out


def test_run_all_carries_on_after_an_unexpected_error(tmp_path, capsys, monkeypatch):
    """An unexpected error in one period is summarised and the next period still runs."""
    from hso_eval import runner

    for period in ("2024H1", "2024H2"):
        (tmp_path / f"{period}.yaml").write_text(
            _params(
                tmp_path, period=period, output_dir=str(tmp_path / "reports" / period)
            ).read_text(encoding="utf-8"),
            encoding="utf-8",
        )
    (tmp_path / "period.yaml").unlink()
    ran = []

    def fake_run(params, progress=False):
        ran.append(params.period.code)
        if params.period.code == "2024H1":
            raise RuntimeError("kernel dog")
        return runner.RunRecord(period=params.period.code, status="ok")

    monkeypatch.setattr(runner, "run_period", fake_run)
    assert main(["run-all", "--params-dir", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert ran == ["2024H1", "2024H2"]
    assert "2024H1: misslyckades – oväntat fel (RuntimeError: kernel dog)" in out
    assert "2024H2: körd" in out


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--help"], "användning: hso-eval"),
        (["--help"], "--version    visa versionen och avsluta"),
        (["run", "--help"], "visa den här hjälpen och avsluta"),
        (["run"], "hso-eval run: fel: de här argumenten saknas: params"),
        (["körning"], "okänt val: 'körning'"),
    ],
)
def test_command_line_help_and_usage_errors_are_swedish(capsys, argv, expected):
    """argparse's own texts (usage, section titles, -h, errors) come out in Swedish."""
    with pytest.raises(SystemExit) as caught:
        main(argv)
    out = capsys.readouterr()
    text = out.out + out.err
    assert caught.value.code == (0 if "--help" in argv else 2)
    assert expected in text
    for english in ("usage:", "positional arguments", "options:", "show ", "error:"):
        assert english not in text


def test_argparse_is_english_again_after_the_command_line_is_read(capsys):
    """The Swedish texts are only swapped in while hso-eval reads its own command line: other
    programs in the same process (a notebook's own argparse) keep theirs."""
    import argparse

    with pytest.raises(SystemExit):
        main(["run"])
    capsys.readouterr()
    assert argparse._("usage: ") == "usage: "


@pytest.mark.parametrize("where", ["input_folder", "existing_file", "reports_root"])
def test_output_dir_that_publishing_would_destroy_is_refused(tmp_path, capsys, where):
    """An output_dir holding the inputs, a file, or other folders exits 2 and deletes nothing.

    Publishing replaces the whole output folder: `output_dir: data/raw` used to replace the
    administrator's sheets with the report and delete them.
    """
    raw = tmp_path / "data" / "raw"
    raw.mkdir(parents=True)
    sheets = [raw / "aktiviteter.xlsx", raw / "deltagare.csv"]
    for source, copy in zip(
        [DEMO / "aktiviteter.xlsx", DEMO / "deltagare.csv"], sheets, strict=True
    ):
        copy.write_bytes(source.read_bytes())
    (raw / "anteckningar.txt").write_text("inte en rapport", encoding="utf-8")
    reports = tmp_path / "reports"
    (reports / "2024H2").mkdir(parents=True)
    output_dir = {
        "input_folder": raw,
        "existing_file": raw / "anteckningar.txt",
        "reports_root": reports,
    }[where]
    before = {p: p.read_bytes() for p in raw.iterdir()}
    params = _params(
        tmp_path,
        activities=str(sheets[0]),
        participants=str(sheets[1]),
        output_dir=str(output_dir),
    )
    status = main(["run", str(params)])
    err = capsys.readouterr().err
    assert status == 2, err
    assert "'output_dir'" in err and "Traceback" not in err
    assert {p: p.read_bytes() for p in raw.iterdir()} == before
    assert (reports / "2024H2").is_dir()


def test_output_dir_above_the_project_is_refused(tmp_path, capsys, monkeypatch):
    """`output_dir: .` (or a folder above the project) would replace the whole project."""
    monkeypatch.setenv("HSO_EVAL_ROOT", str(ROOT))
    from hso_eval.paths import repo_root

    repo_root.cache_clear()
    try:
        params = _params(tmp_path, output_dir=".")
        assert main(["check", str(params)]) == 2
    finally:
        repo_root.cache_clear()
    assert "innehåller projektmappen" in capsys.readouterr().err


def test_period_file_copied_without_its_paths_changed_is_refused(tmp_path, capsys):
    """A copy of last period's file with only `period` changed would overwrite that period's
    report and show its narrative: status 2, naming both keys, and nothing published."""
    old = tmp_path / "reports" / "2024H1"
    narrative = tmp_path / "berattelse-2024H1.md"
    narrative.write_text("## Inledning\n\nFörsta halvåret.\n", encoding="utf-8")
    params = _params(tmp_path, period="2024H2", output_dir=str(old), narrative=str(narrative))
    assert main(["run", str(params)]) == 2
    err = capsys.readouterr().err
    assert "perioden är 2024H2" in err
    assert "'narrative'" in err and "'output_dir'" in err and "hör till 2024H1" in err
    # What to write instead: the same paths with this period's code.
    assert f"'narrative: {tmp_path / 'berattelse-2024H2.md'}'" in err
    assert f"'output_dir: {tmp_path / 'reports' / '2024H2'}'" in err
    assert not old.exists()


def test_run_into_another_periods_publication_is_refused(tmp_path, capsys):
    """A period file whose output_dir holds another period's publication (no period code in
    the folder's name, so the name check cannot see it) is refused with status 2, and the
    other period's report is left as it was."""
    shared = tmp_path / "reports" / "rapport"
    shared.mkdir(parents=True)
    (shared / "run.json").write_text('{"period": "2024H1"}', encoding="utf-8")
    (shared / "halvarsrapport.html").write_text("<p>2024H1</p>", encoding="utf-8")
    before = {p.name: p.read_bytes() for p in shared.iterdir()}
    params = _params(tmp_path, period="2024H2", output_dir=str(shared))
    assert main(["run", str(params)]) == 2
    err = capsys.readouterr().err
    assert "håller redan 2024H1:s publicerade rapport" in err and "Traceback" not in err
    assert {p.name: p.read_bytes() for p in shared.iterdir()} == before


def test_run_all_runs_neither_of_two_period_files_with_the_same_output_dir(tmp_path, capsys):
    """Two period files publishing to one folder would overwrite each other every night:
    run-all refuses both, naming both files, and exits 2."""
    params_dir = tmp_path / "params"
    params_dir.mkdir()
    shared = str(tmp_path / "reports" / "rapport")
    for name, period in (("a.yaml", "2024H1"), ("b.yaml", "2024H2")):
        _params(tmp_path, period=period, output_dir=shared).rename(params_dir / name)
    assert main(["run-all", "--quiet", "--params-dir", str(params_dir)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in out] == ["2024H1", "2024H2"]
    for line in out:
        assert "misslyckades" in line and "a.yaml" in line and "b.yaml" in line
        assert "samma 'output_dir'" in line
    assert not (tmp_path / "reports" / "rapport").exists()


def test_malformed_period_names_the_file_and_the_key(tmp_path, capsys):
    """'period: 2024H3' in a period file: the message says which file and key to correct."""
    params = _params(tmp_path, period="2024H3")
    assert main(["check", str(params)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"hso-eval: {params}: 'period': '2024H3' är ingen period"), err
