"""JupyterLab as `make lab` starts it: a notebook is saved without its outputs.

The notebooks in notebooks/ are the ones `hso-eval run` executes, and git keeps them without
outputs. JupyterLab saves every few minutes, and a notebook run on real data would then hold
the period's tables in a file that git tracks (and `run-all` would take it for a changed
notebook). `make lab` therefore sets `save_without_outputs` as the server's pre-save hook
(`--ContentsManager.pre_save_hook`): what the evaluator sees stays on the screen until the tab
is closed, and the file on disk keeps only the code and text. The executed copies with their
outputs are those `hso-eval run` publishes in reports/<period>/notebooks/.
"""

from __future__ import annotations

from typing import Any


def save_without_outputs(model: dict[str, Any], **_: Any) -> None:
    """Jupyter server's pre-save hook: empty every code cell's outputs and execution count
    (and the timing JupyterLab may record) in a notebook `model`, in place; leave other files
    as they are."""
    content = model.get("content")
    if model.get("type") != "notebook" or not isinstance(content, dict):
        return
    for cell in content.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"] = []
            cell["execution_count"] = None
        metadata = cell.get("metadata")
        if isinstance(metadata, dict):
            metadata.pop("execution", None)
