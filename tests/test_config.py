"""Configuration and period parameters are validated before anything runs."""

import re
from pathlib import Path

import pytest

from hso_eval.config import KEY_ENV, build_params, load_params, load_project
from hso_eval.errors import ParameterError
from hso_eval.periods import Period


def _write(tmp_path: Path, text: str, name: str = "p.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_project_holds_the_seed_reports_facts(project):
    """project.yaml gives HSO's period, owner, four work packages and nine partners."""
    assert (project.start.isoformat(), project.end.isoformat()) == ("2024-01-01", "2026-12-31")
    assert project.owner == "Härnösands kommun"
    assert [wp.code for wp in project.work_packages] == ["AP1", "AP2", "AP3", "AP4"]
    assert project.work_package("AP3").name == "Påverkansarbete"
    assert len(project.partners) == 9
    assert [p.short for p in project.visit_partners] == [
        "Härnösand",
        "Kramfors",
        "Sollefteå",
        "Sundsvall",
        "Timrå",
        "Ånge",
        "Örnsköldsvik",
    ]
    assert {p.name for p in project.partners} >= {
        "Region Västernorrland",
        "Länsstyrelsen Västernorrland",
    }


def test_example_targets_are_marked(project):
    """Targets not yet from the grant decision say so, so the report can say so too."""
    assert project.targets and all(t.example for t in project.targets)
    assert project.targets_are_examples


def test_demo_params_resolve_against_the_root(root):
    """Relative paths in a period file resolve against the repository root."""
    params = load_params(root / "params" / "demo" / "2024H1.yaml")
    assert params.period == Period.parse("2024H1")
    assert params.activities == root / "data" / "demo" / "aktiviteter.xlsx"
    assert params.output_dir == root / "reports" / "demo" / "2024H1"
    assert params.report_number == 1


def test_unknown_key_names_the_nearest_known_one(tmp_path):
    """A typo such as 'perod' is rejected and the message suggests 'period'."""
    path = _write(tmp_path, "perod: 2024H1\nactivities: a.xlsx\nparticipants: b.csv\n")
    with pytest.raises(ParameterError, match=r"okänd nyckel 'perod'.*Menade du 'period'"):
        load_params(path)


def test_impossible_period_in_a_file_is_rejected(tmp_path):
    """A period file asking for 2025H3 stops before anything runs."""
    path = _write(tmp_path, "period: 2025H3\nactivities: a.xlsx\nparticipants: b.csv\n")
    with pytest.raises(ParameterError, match="två halvår"):
        load_params(path)


def test_absolute_paths_are_kept(tmp_path):
    """An absolute input path is used as it is."""
    params = build_params(
        {"period": "2024H1", "activities": str(tmp_path / "a.xlsx"), "participants": "x.csv"}
    )
    assert params.activities == tmp_path / "a.xlsx"


def test_no_key_means_a_clear_stop(monkeypatch):
    """Outside the demo there is no default key: the message names both ways to give one."""
    monkeypatch.delenv(KEY_ENV, raising=False)
    params = build_params({"period": "2024H1", "activities": "a.xlsx", "participants": "b.csv"})
    with pytest.raises(ParameterError, match=f"pseudonym_key_file.*{KEY_ENV}"):
        params.load_key()


def test_key_from_the_environment(monkeypatch):
    """The key may come from HSO_PSEUDONYM_KEY instead of a file."""
    monkeypatch.setenv(KEY_ENV, "x" * 32)
    params = build_params({"period": "2024H1", "activities": "a.xlsx", "participants": "b.csv"})
    assert params.load_key() == b"x" * 32


def test_short_key_is_refused(monkeypatch):
    """A guessable short key is refused with advice on making a good one."""
    monkeypatch.setenv(KEY_ENV, "kort")
    params = build_params({"period": "2024H1", "activities": "a.xlsx", "participants": "b.csv"})
    with pytest.raises(ParameterError, match="för kort"):
        params.load_key()


def test_notebook_parameters_never_hold_the_key(root):
    """The parameters papermill injects name the key file but never contain the key."""
    params = load_params(root / "params" / "demo" / "2024H1.yaml")
    key = params.load_key().decode()
    injected = params.as_notebook_parameters()
    assert injected["pseudonym_key_file"] == "data/demo/demo-nyckel.txt"
    assert key not in repr(injected)


def test_broken_yaml_names_the_line(tmp_path):
    """A YAML syntax error names the file and the line."""
    path = _write(tmp_path, "period: 2024H1\nactivities: [a.xlsx\nparticipants: b.csv\n")
    with pytest.raises(ParameterError, match=r"p\.yaml rad \d+"):
        load_params(path)


def test_a_key_written_twice_is_refused_with_both_lines(tmp_path, root):
    """YAML keeps the last of two equal keys: a period file with 'period' twice (a line copied
    and changed, the old one left) would run one of them without a word. Refused, naming the
    file, the key and both lines; in project.yaml too, and in a nested mapping."""
    path = _write(
        tmp_path, "period: 2024H1\nactivities: a.xlsx\nparticipants: b.csv\nperiod: 2024H2\n"
    )
    with pytest.raises(ParameterError) as caught:
        load_params(path)
    assert str(caught.value).startswith(
        f"{path} rad 4: nyckeln 'period' står två gånger (också på rad 1)"
    )
    text = (root / "params" / "project.yaml").read_text(encoding="utf-8")
    project = _write(tmp_path, text.replace("  - code: AP1\n", "  - code: AP1\n    code: AP9\n", 1))
    with pytest.raises(ParameterError, match=r"nyckeln 'code' står två gånger"):
        load_project(project)


def test_a_key_written_twice_on_one_line_is_refused(tmp_path):
    """A mapping on one line ('{period: 2024H1, …, period: 2024H2}') with a key twice is
    refused like two lines with it: only the last would count, without a word."""
    path = _write(
        tmp_path,
        "{period: 2024H1, activities: a.xlsx, participants: b.csv, period: 2024H2}\n",
    )
    with pytest.raises(ParameterError, match=r"rad 1: nyckeln 'period' står två gånger"):
        load_params(path)


def test_a_systemd_environment_file_as_key_file_is_refused(tmp_path):
    """drift.md keeps the key in an environment file ('HSO_PSEUDONYM_KEY=…'). Named as the key
    file, its whole line would be the key, and every pseudonym would silently differ from the
    ones the variable gives: refused, with what to do instead."""
    env = _write(tmp_path, f"{KEY_ENV}={'a1' * 32}\n", name="hso-eval.env")
    params = build_params(
        {
            "period": "2024H1",
            "activities": "a.xlsx",
            "participants": "b.csv",
            "pseudonym_key_file": str(env),
        }
    )
    with pytest.raises(ParameterError, match=rf"är en miljöfil \({KEY_ENV}=…\)"):
        params.load_key()
    env.write_text("a1" * 32 + "\n", encoding="utf-8")
    assert params.load_key() == b"a1" * 32


def test_project_unknown_key_is_rejected(tmp_path, root):
    """A misspelt key in project.yaml is rejected like in a period file."""
    text = (root / "params" / "project.yaml").read_text(encoding="utf-8")
    path = _write(tmp_path, text.replace("min_cell:", "min_cel:"), "project.yaml")
    with pytest.raises(ParameterError, match=r"min_cel.*min_cell"):
        load_project(path)


def test_period_outside_the_project_is_rejected():
    """A period before the project started stops with a message giving the project's dates."""
    with pytest.raises(ParameterError, match="utanför projektets tid"):
        build_params({"period": "2019H1", "activities": "a", "participants": "b"})


def test_a_relative_period_file_is_found_from_the_current_folder(tmp_path, monkeypatch):
    """`hso-eval run p.yaml` in the folder that holds p.yaml works; so does the repository's
    params/demo/2024H1.yaml from anywhere; a missing file names both places looked in."""
    text = (Path(__file__).parents[1] / "params" / "demo" / "2024H2.yaml").read_text(
        encoding="utf-8"
    )
    (tmp_path / "p.yaml").write_text(text, "utf-8")
    monkeypatch.chdir(tmp_path)
    found = load_params("p.yaml")
    assert found.period == Period(2024, 2) and found.source == tmp_path / "p.yaml"
    assert load_params("params/demo/2024H1.yaml").period == Period(2024, 1)
    with pytest.raises(ParameterError) as error:
        load_params("saknas.yaml")
    assert "saknas.yaml finns inte" in str(error.value) and str(tmp_path) in str(error.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        # a text where a list belongs was read letter by letter: funders 'E' and 'U'
        ({"funders": "EU"}, "'funders' ska vara en lista"),
        ({"work_packages": "AP1"}, "'work_packages' ska vara en lista"),
        # a partner meant to be left out of "k av n" was counted ('nej' is a true text)
        ({"partners.visit": "nej"}, "'visit' ska vara true eller false"),
        # stopped with "oväntat fel (AttributeError …)", status 1
        ({"organisation.project_office": ["Anna Berg"]}, "project_office nr 1: ska ha nycklar"),
        ({"organisation.project_office": "Anna Berg"}, "'project_office' ska vara en lista"),
        # 'min_cell: true' is the number 1 to Python: no small count would have been hidden
        ({"min_cell": True}, "'min_cell' ska vara ett heltal"),
    ],
)
def test_project_value_of_the_wrong_kind_is_named(tmp_path, root, change, message):
    """A value of the wrong kind in project.yaml stops with status 2 and names the key, instead
    of being read as something else or failing with an unexpected error."""
    import yaml

    data = yaml.safe_load((root / "params" / "project.yaml").read_text(encoding="utf-8"))
    [(key, value)] = change.items()
    if "." in key:
        section, name = key.split(".")
        target = data[section][0] if isinstance(data[section], list) else data[section]
        target[name] = value
    else:
        data[key] = value
    path = _write(tmp_path, yaml.safe_dump(data, allow_unicode=True), "project.yaml")
    with pytest.raises(ParameterError, match=re.escape(message)):
        load_project(path)


DEMO_KEY = "data/demo/demo-nyckel.txt"


@pytest.mark.parametrize(
    ("inputs", "env", "refused"),
    [
        (("data/raw/aktiviteter.xlsx", "data/raw/deltagare.xlsx"), None, True),
        (("/srv/hso/aktiviteter.xlsx", "/srv/hso/deltagare.xlsx"), None, True),
        (("/srv/hso/aktiviteter.xlsx", "/srv/hso/deltagare.xlsx"), "r" * 32, True),
        (("copy", "copy"), None, False),
        (("data/demo/aktiviteter.xlsx", "data/demo/deltagare.csv"), "r" * 32, False),
    ],
    ids=["real_data_folder", "a_share", "own_key_set", "a_copy_of_the_demo", "the_demo"],
)
def test_the_public_demo_key_is_refused_for_real_data(tmp_path, monkeypatch, inputs, env, refused):
    """A period file copied from the demo keeps `pseudonym_key_file: data/demo/demo-nyckel.txt`,
    which wins over HSO_PSEUDONYM_KEY; the key is in git, so anyone could recompute the
    pseudonyms. It is refused for anything but the demo data: a file under data/demo/ or a
    byte-identical copy of one (a trial run elsewhere)."""
    if env is not None:
        monkeypatch.setenv(KEY_ENV, env)
    if inputs[0].endswith("/aktiviteter.xlsx") and not inputs[0].startswith("data/demo/"):
        # Real data, that is there (a path that leads nowhere is the reader's to report).
        inputs = tuple(str(tmp_path / Path(name).relative_to(Path(name).anchor)) for name in inputs)
        for name in inputs:
            Path(name).parent.mkdir(parents=True, exist_ok=True)
            Path(name).write_bytes(b"verkliga data")
    if inputs == ("copy", "copy"):
        root = Path(__file__).resolve().parents[1] / "data" / "demo"
        inputs = tuple(
            str((tmp_path / name).write_bytes((root / name).read_bytes()) and tmp_path / name)
            for name in ("aktiviteter.xlsx", "deltagare.csv")
        )
    params = build_params(
        {
            "period": "2024H1",
            "activities": inputs[0],
            "participants": inputs[1],
            "pseudonym_key_file": DEMO_KEY,
        }
    )
    if refused:
        with pytest.raises(ParameterError, match="är demonyckeln") as caught:
            params.load_key()
        assert "ta bort raden 'pseudonym_key_file'" in str(caught.value)
        assert str(caught.value).count("aktiviteter.xlsx") == 1
    else:
        assert len(params.load_key()) >= 16


def test_a_path_written_from_the_notebooks_folder_says_where_paths_count_from():
    """JupyterLab opens in notebooks/, so an evaluator may write '../data/demo/…': the message
    says that paths count from the project folder, and how to write this one."""
    with pytest.raises(ParameterError) as error:
        build_params(
            {
                "period": "2024H1",
                "activities": "../data/demo/aktiviteter.xlsx",
                "participants": "data/demo/deltagare.csv",
            }
        )
    assert str(error.value) == (
        "notebookens parametrar: 'activities' (../data/demo/aktiviteter.xlsx) finns inte, för "
        "sökvägar räknas från projektmappen, inte från notebooks/. Skriv "
        "'data/demo/aktiviteter.xlsx'."
    )


def test_a_mistyped_demo_path_is_no_real_data_for_the_demo_key(tmp_path):
    """A demo period file with a typo in a path names a file that is not there: the demo key is
    not refused for it (the reader then says the file is missing), since nothing is read."""
    params = build_params(
        {
            "period": "2024H1",
            "activities": "data/demo/aktivitetr.xlsx",
            "participants": "data/demo/deltagare.csv",
            "pseudonym_key_file": DEMO_KEY,
        }
    )
    assert len(params.load_key()) >= 16


def test_the_demo_key_is_known_however_it_is_written(tmp_path):
    """The demo key with NUL bytes after it gives the same pseudonyms (HMAC pads the key with
    NULs), and a demo file saved over with other data is no demo data: both refused."""
    demo = Path(__file__).resolve().parents[1] / "data" / "demo"
    padded = tmp_path / "nyckel.txt"
    padded.write_bytes((demo / "demo-nyckel.txt").read_bytes().strip() + b"\0\0")
    other = tmp_path / "deltagare.csv"
    other.write_bytes((demo / "deltagare.csv").read_bytes().replace(b"Kramfors", b"Kramfor5"))
    for key_file, participants in ((padded, other), (DEMO_KEY, other)):
        params = build_params(
            {
                "period": "2024H1",
                "activities": "data/demo/aktiviteter.xlsx",
                "participants": str(participants),
                "pseudonym_key_file": str(key_file),
            }
        )
        with pytest.raises(ParameterError, match="är demonyckeln"):
            params.load_key()


def _with_key_file(value: object):
    return build_params(
        {
            "period": "2024H1",
            "activities": "a.xlsx",
            "participants": "b.csv",
            "pseudonym_key_file": value,
        }
    )


def test_a_key_typed_as_the_key_file_is_not_repeated_in_the_message(tmp_path):
    """`pseudonym_key_file: <the key itself>` names no file: the message (which cron writes
    to its log) does not repeat the value, base64 keys with '/' and '+' included; a file name
    with a suffix in a folder that exists is named."""
    for secret in ("9f" * 20, "q3Zx/8KfPa0+Vb1nRt5yW2c=", "q3Zx8KfPa0+Vb1nRt5yW2c="):
        with pytest.raises(ParameterError, match="finns inte") as caught:
            _with_key_file(secret).load_key()
        assert secret not in str(caught.value)
    for value in (int("9" * 20), ["9" * 20]):  # YAML reads a key of digits as a number
        with pytest.raises(ParameterError, match="ska vara en sökväg") as caught:
            _with_key_file(value)
        assert "9" * 20 not in str(caught.value)
    typo = tmp_path / "nyckel.txtt"
    with pytest.raises(ParameterError, match=re.escape(f"{typo} finns inte")):
        _with_key_file(str(typo)).load_key()


@pytest.mark.parametrize(
    ("output_dir", "message"),
    [
        (["a", "b"], "'output_dir' ska vara en sökväg, t.ex. reports/2025H1, inte"),
        (5, "'output_dir' ska vara en sökväg"),
        ("2024H1", "ligger direkt i projektmappen"),
    ],
)
def test_an_output_dir_that_is_no_folder_under_reports_is_refused(output_dir, message):
    """`output_dir: [a, b]` passed `check` and failed deep in a notebook; `output_dir: 2024H1`
    (reports/ forgotten) published index.html, publicerat/ and lock files into the project
    folder, outside the folder git ignores. Both are refused before anything runs."""
    with pytest.raises(ParameterError, match=re.escape(message)):
        build_params(
            {
                "period": "2024H1",
                "activities": "a.xlsx",
                "participants": "b.csv",
                "output_dir": output_dir,
            }
        )
