"""The project installs the same way for pip and conda users, and notebooks stay clean and thin."""

import ast
import json
import re
import tomllib

import pytest
import yaml

from hso_eval.config import KEY_ENV, PERIOD_KEYS, ParameterError

_REQ = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*(.*)$")


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _split(requirement: str) -> tuple[str, str]:
    m = _REQ.match(requirement)
    assert m, requirement
    return _normalise(m.group(1)), m.group(2).replace(" ", "")


def test_conda_environment_agrees_with_pyproject(root):
    """environment.yml lists exactly pyproject's core and dev dependencies, with the same ranges."""
    pyproject = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    wanted = dict(_split(r) for r in pyproject["project"]["dependencies"])
    wanted.update(_split(r) for r in pyproject["project"]["optional-dependencies"]["dev"])
    env = yaml.safe_load((root / "environment.yml").read_text(encoding="utf-8"))
    conda = dict(
        _split(d)
        for d in env["dependencies"]
        if isinstance(d, str) and _split(d)[0] not in {"python", "pip"}
    )
    assert conda == wanted
    pip_part = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip_part


def _notebooks(root):
    found = sorted((root / "notebooks").glob("*.ipynb"))
    assert found, "no notebooks found"
    return found


@pytest.mark.parametrize("name", ["datakvalitet", "halvarsrapport", "utvarderingsunderlag"])
def test_notebook_is_committed_without_outputs(root, name):
    """Every notebook is stored with no outputs and no execution counts."""
    nb = json.loads((root / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [], f"{name}: a cell has outputs"
            assert cell["execution_count"] is None, f"{name}: a cell has an execution count"


@pytest.mark.parametrize("name", ["datakvalitet", "halvarsrapport", "utvarderingsunderlag"])
def test_notebook_is_thin(root, name):
    """Notebooks define no functions or classes: the logic lives in the library."""
    nb = json.loads((root / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        tree = ast.parse("".join(cell["source"]))
        defs = [
            n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.ClassDef | ast.Lambda)
        ]
        assert not defs, f"{name}: a cell defines {type(defs[0]).__name__}"


def _parameters_cell(root, name: str) -> str:
    nb = json.loads((root / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    return "".join(cells[0]["source"])


@pytest.mark.parametrize("name", ["datakvalitet", "halvarsrapport", "utvarderingsunderlag"])
def test_parameters_cell_holds_the_period_keys_and_names_only_the_demo_period(root, name):
    """Each notebook's parameters cell has the period-file keys, so papermill -f works directly,
    and names only the demo period: nothing of the demo's is left over for another period."""
    source = _parameters_cell(root, name)
    names = {
        t.id
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    assert names == set(PERIOD_KEYS) | {"clean_cache"}
    namespace: dict = {}
    exec(source, namespace)
    demo = yaml.safe_load((root / "params" / "demo" / "2024H1.yaml").read_text(encoding="utf-8"))
    assert namespace["period"] == demo["period"]
    assert all(namespace[key] is None for key in names - {"period"})


def test_a_notebook_on_its_own_shows_the_demo_period(root, monkeypatch):
    """Run as it stands (JupyterLab), a notebook reads the demo period's file, where the
    installation has no period file of its own for 2024H1."""
    from hso_eval import context
    from hso_eval.config import load_params

    monkeypatch.setattr(
        context,
        "PERIOD_FILES",
        (str(root / "finns-inte" / "{period}.yaml"), *context.PERIOD_FILES[1:]),
    )
    namespace: dict = {}
    exec(_parameters_cell(root, "halvarsrapport"), namespace)
    del namespace["__builtins__"]
    data = context.load_period(**namespace)
    assert data.params == load_params(root / "params" / "demo" / "2024H1.yaml")
    assert "## Inledning" in data.clean.narrative


def test_a_real_period_file_goes_before_the_demos(root, tmp_path, monkeypatch):
    """On an installation with its own params/2024H1.yaml, a notebook given only the period
    reads that file, not the demo's."""
    from hso_eval import context
    from hso_eval.config import load_params

    real = tmp_path / "2024H1.yaml"
    demo = (root / "params" / "demo" / "2024H1.yaml").read_text(encoding="utf-8")
    real.write_text(demo.replace("reports/demo/2024H1", str(tmp_path / "ut")), encoding="utf-8")
    monkeypatch.setattr(
        context, "PERIOD_FILES", (str(tmp_path / "{period}.yaml"), *context.PERIOD_FILES[1:])
    )
    data = context.load_period(period="2024H1")
    assert data.params == load_params(real) and data.params.output_dir == tmp_path / "ut"


def test_another_periods_file_keeps_nothing_of_the_demo(root, tmp_path, monkeypatch):
    """A period file's values as papermill's `-f` injects them, for a file without a narrative
    or a key file (as README's period files are): no narrative, and the key from
    HSO_PSEUDONYM_KEY, not the demo's. A period with neither files nor a period file gets a
    Swedish message saying what to do."""
    from hso_eval.context import load_period
    from hso_eval.errors import InputFileError

    namespace: dict = {}
    exec(_parameters_cell(root, "halvarsrapport"), namespace)
    del namespace["__builtins__"]
    period_file = yaml.safe_load(
        (root / "params" / "demo" / "2024H2.yaml").read_text(encoding="utf-8")
    )
    del period_file["narrative"], period_file["pseudonym_key_file"]
    period_file["output_dir"] = str(tmp_path / "2024H2")
    with pytest.raises(ParameterError) as error:
        load_period(**{**namespace, **period_file})
    assert str(error.value) == (
        "Ingen pseudonymnyckel: ange 'pseudonym_key_file' i notebookens parametercell eller sätt "
        f"miljövariabeln {KEY_ENV}. För demodata är det 'pseudonym_key_file: "
        "data/demo/demo-nyckel.txt'."
    )
    monkeypatch.setenv(KEY_ENV, "k" * 32)
    data = load_period(**{**namespace, **period_file})
    assert data.params.narrative is None and data.clean.narrative == ""
    assert data.params.pseudonym_key_file is None
    assert data.params.load_key() == b"k" * 32
    with pytest.raises(ParameterError) as error:
        load_period(**{**namespace, "period": "2026H1"})
    assert str(error.value) == (
        "notebookens parametrar: perioden 2026H1 har ingen parameterfil (params/2026H1.yaml) och "
        "inga indatafiler. Skriv periodens parameterfil (README, 'En riktig period'), eller ange "
        "'activities' och 'participants' i notebookens parametercell."
    )
    with pytest.raises(InputFileError) as missing:
        load_period(**{**namespace, **period_file, "participants": str(tmp_path / "saknas.csv")})
    assert "Kontrollera sökvägen 'participants' i notebookens parametercell." in str(missing.value)


def test_a_notebook_given_one_input_file_says_to_give_both(root):
    """An evaluator changes only 'participants' in the parameters cell (to the demo's .xlsx):
    the message says why the period file's 'activities' is not taken, and what to do."""
    from hso_eval.context import load_period

    with pytest.raises(ParameterError) as error:
        load_period(period="2024H1", participants="data/demo/deltagare.xlsx")
    assert str(error.value) == (
        "notebookens parametrar: 'participants' är angiven, men inte 'activities'. När en "
        "indatafil anges i parametercellen läses ingen periodfil: ange båda filerna, och nyckeln "
        f"('pseudonym_key_file' eller miljövariabeln {KEY_ENV}). Eller ange bara 'period' och "
        "ändra filerna i periodens parameterfil."
    )


def test_a_mistake_typed_in_the_parameters_cell_is_not_blamed_on_the_period_file(root):
    """A value the cell changes over the period file's: the message names the cell and what
    it changes, not the period file alone (which is right), and suggests this period's path."""
    from hso_eval.context import load_period
    from hso_eval.errors import InputFileError

    changed = "notebookens parametrar (som ändrar 'activities_sheet' i params/demo/2024H2.yaml)"
    with pytest.raises(InputFileError) as sheet:
        load_period(period="2024H2", activities_sheet="Aktivitet")
    assert f"Rätta bladnamnet i {changed} eller byt namn på bladet." in str(sheet.value)
    with pytest.raises(ParameterError) as narrative:
        load_period(period="2024H2", narrative="data/demo/berattelse/2024H1.md")
    assert str(narrative.value).startswith(
        "notebookens parametrar (som ändrar 'narrative' i params/demo/2024H2.yaml): perioden "
        "är 2024H2, men 'narrative' (data/demo/berattelse/2024H1.md) hör till 2024H1. Rätta "
        "sökvägarna så att de gäller 2024H2 (t.ex. 'narrative: data/demo/berattelse/2024H2.md')"
    )


def test_a_notebook_given_only_a_period_reads_that_periods_file(root):
    """`period = "2024H2"` typed in the parameters cell is enough: params/demo/2024H2.yaml gives
    the rest, its narrative included, and nothing of 2024H1's is kept."""
    from hso_eval.config import load_params
    from hso_eval.context import load_period

    namespace: dict = {}
    exec(_parameters_cell(root, "datakvalitet"), namespace)
    del namespace["__builtins__"]
    data = load_period(**{**namespace, "period": "2024H2"})
    assert data.params == load_params(root / "params" / "demo" / "2024H2.yaml")
