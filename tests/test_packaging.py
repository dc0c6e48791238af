"""The project installs the same way for pip and conda users, and notebooks stay clean and thin."""

import ast
import json
import re
import tomllib

import pytest
import yaml

from hso_eval.config import PERIOD_KEYS

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


@pytest.mark.parametrize("name", ["datakvalitet", "halvarsrapport", "utvarderingsunderlag"])
def test_parameters_cell_holds_the_period_keys_with_demo_defaults(root, name):
    """Each notebook's parameters cell has the period-file keys, so papermill -f works directly."""
    nb = json.loads((root / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1
    names = {
        t.id
        for node in ast.parse("".join(cells[0]["source"])).body
        if isinstance(node, ast.Assign)
        for t in node.targets
        if isinstance(t, ast.Name)
    }
    assert names == set(PERIOD_KEYS) | {"clean_cache"}
    demo = yaml.safe_load((root / "params" / "2024H1.yaml").read_text(encoding="utf-8"))
    namespace: dict = {}
    exec("".join(cells[0]["source"]), namespace)
    for key, value in demo.items():
        assert namespace[key] == value, f"{name}: default for {key!r} differs from the demo"
