"""The notebooks run top to bottom in JupyterLab unchanged: demo defaults, started in notebooks/."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e


@pytest.fixture
def repo_reports_untouched():
    """Run by hand, the evaluation notebook writes its draft into the repository's reports/;
    whatever the test adds there is removed again, so `make test` leaves no files behind."""
    reports = ROOT / "reports"
    before = set(reports.rglob("*")) if reports.exists() else None
    yield
    if before is None:
        shutil.rmtree(reports, ignore_errors=True)
        return
    for path in sorted(set(reports.rglob("*")) - before, reverse=True):  # deepest first
        if path.is_dir():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


@pytest.mark.parametrize("name", ["datakvalitet", "halvarsrapport", "utvarderingsunderlag"])
@pytest.mark.usefixtures("repo_reports_untouched")
def test_notebook_runs_unchanged_from_its_own_folder(tmp_path, monkeypatch, name):
    """Executed as JupyterLab does (cwd notebooks/, no parameters injected), the notebook runs
    without error on the demo data and shows Swedish HTML output."""
    import papermill

    monkeypatch.delenv("HSO_EVAL_ROOT", raising=False)
    monkeypatch.delenv("HSO_EVAL_STAGING", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    out = tmp_path / f"{name}.ipynb"
    papermill.execute_notebook(
        str(ROOT / "notebooks" / f"{name}.ipynb"),
        str(out),
        cwd=str(ROOT / "notebooks"),
        kernel_name="python3",
        progress_bar=False,
        extra_arguments=["--IPKernelApp.log_level=ERROR"],
    )
    nb = json.loads(out.read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert not [o for o in outputs if o["output_type"] == "error"]
    html = "".join("".join(o.get("data", {}).get("text/html", "")) for o in outputs)
    expected = {
        "datakvalitet": "Radredovisning per fil",
        "halvarsrapport": "Halvårsrapport nr 1",
        "utvarderingsunderlag": "utkast",
    }[name]
    text = html + "".join("".join(o.get("text", "")) for o in outputs)
    text += "".join(
        "".join(o.get("data", {}).get("text/plain", "")) for o in outputs if "data" in o
    )
    assert expected.casefold() in text.casefold(), text[:500]
    assert os.environ.get("HSO_EVAL_ROOT") is None


@pytest.mark.usefixtures("repo_reports_untouched")
def test_a_wrong_parameter_shows_its_swedish_message_not_a_traceback(tmp_path, monkeypatch):
    """An evaluator who types a period that has no parameter file sees one Swedish line saying
    what to do, not a traceback through the library; the run still fails as an error."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    monkeypatch.delenv("HSO_EVAL_ROOT", raising=False)
    monkeypatch.setenv("MPLBACKEND", "Agg")
    out = tmp_path / "datakvalitet.ipynb"
    with pytest.raises(PapermillExecutionError):
        papermill.execute_notebook(
            str(ROOT / "notebooks" / "datakvalitet.ipynb"),
            str(out),
            parameters={"period": "2026H1"},
            cwd=str(ROOT / "notebooks"),
            kernel_name="python3",
            progress_bar=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
    nb = json.loads(out.read_text(encoding="utf-8"))
    errors = [o for c in nb["cells"] for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert len(errors) == 1
    shown = "\n".join(errors[0]["traceback"])
    assert shown == (
        "\x1b[1;31mFel:\x1b[0m notebookens parametrar: perioden 2026H1 har ingen parameterfil "
        "(params/2026H1.yaml) och inga indatafiler. Skriv periodens parameterfil (README, 'En "
        "riktig period'), eller ange 'activities' och 'participants' i notebookens parametercell."
    )
