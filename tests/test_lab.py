"""`make lab`: JupyterLab saves the notebooks without outputs, as git keeps them."""

from __future__ import annotations

import asyncio
import json
import shlex
import shutil
import subprocess
from pathlib import Path

from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
from traitlets.config.loader import KVArgParseConfigLoader

ROOT = Path(__file__).resolve().parents[1]


def _lab_options() -> list[str]:
    """The `--Class.trait=value` options of the command `make lab` runs."""
    shown = subprocess.run(
        ["make", "-s", "-n", "lab"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.replace("\\\n", " ")  # the recipe's continued lines, as the shell reads them
    [command] = [line for line in shown.splitlines() if "jupyter lab" in line]
    return [word for word in shlex.split(command) if word.startswith("--") and "." in word]


def test_a_notebook_saved_in_make_lab_keeps_no_outputs(tmp_path):
    """An evaluator runs halvarsrapport.ipynb in JupyterLab and it is saved (JupyterLab saves on
    its own every few minutes): the file keeps its code and text, but no output, execution count
    or timing, so no table of real data lands in a file that git tracks."""
    config = KVArgParseConfigLoader(argv=_lab_options()).load_config()
    manager = AsyncLargeFileManager(config=config, root_dir=str(tmp_path))
    shutil.copy(ROOT / "notebooks" / "halvarsrapport.ipynb", tmp_path)

    async def run_and_save() -> None:
        model = await manager.get("halvarsrapport.ipynb", content=True)
        for count, cell in enumerate(c for c in model["content"].cells if c.cell_type == "code"):
            cell.outputs = [{"output_type": "stream", "name": "stdout", "text": "Härnösand 61"}]
            cell.execution_count = count + 1
            cell.metadata["execution"] = {"iopub.status.idle": "2026-11-28T01:00:00Z"}
        await manager.save(model, "halvarsrapport.ipynb")

    asyncio.run(run_and_save())
    saved = json.loads((tmp_path / "halvarsrapport.ipynb").read_text(encoding="utf-8"))
    committed = json.loads((ROOT / "notebooks" / "halvarsrapport.ipynb").read_text("utf-8"))
    assert "Härnösand 61" not in json.dumps(saved)
    assert [c["source"] for c in saved["cells"]] == [c["source"] for c in committed["cells"]]
    for cell in saved["cells"]:
        assert "execution" not in cell["metadata"]
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None


def test_other_files_are_saved_as_they_are(tmp_path):
    """A text file (an evaluator's notes) is saved as written."""
    config = KVArgParseConfigLoader(argv=_lab_options()).load_config()
    manager = AsyncLargeFileManager(config=config, root_dir=str(tmp_path))
    model = {"type": "file", "format": "text", "content": "Härnösand 61\n"}
    asyncio.run(manager.save(model, "anteckningar.md"))
    assert (tmp_path / "anteckningar.md").read_text(encoding="utf-8") == "Härnösand 61\n"
