"""Executed notebook -> self-contained HTML for reviewers (nbconvert, the `hso` template).

The page shows no code: every input cell is hidden and the parameters cells are removed. It fetches
nothing: the template drops require.js, MathJax, mermaid and widget scripts, and figures are
embedded as data URIs. A table of contents is built from the page's level-2 headings.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path
from typing import Any

import nbformat

REMOVE_TAGS = {"injected-parameters", "parameters", "remove-cell"}
_TEMPLATES = files("hso_eval") / "templates"
_H2 = re.compile(r"<h2\b[^>]*\bid=\"([^\"]+)\"[^>]*>(.*?)</h2>", re.S)
_TAG = re.compile(r"<[^>]+>")


def _strip_for_report(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Drop parameter cells and stderr/warning streams: reviewers see results, not machinery."""
    cells = []
    for cell in nb.cells:
        if REMOVE_TAGS & set(cell.get("metadata", {}).get("tags", [])):
            continue
        if cell.cell_type == "code":
            cell.outputs = [
                o
                for o in cell.get("outputs", [])
                if not (o.get("output_type") == "stream" and o.get("name") == "stderr")
            ]
        cells.append(cell)
    nb.cells = cells
    return nb


def table_of_contents(body: str) -> str:
    """A <nav> listing the level-2 headings (with ids) in `body`, in order."""
    items = []
    seen = set()
    for anchor, inner in _H2.findall(body):
        if anchor in seen or anchor == "om-korningen":
            continue
        seen.add(anchor)
        label = html.unescape(_TAG.sub("", inner)).replace("¶", "").strip()
        items.append(f'<li><a href="#{html.escape(anchor)}">{html.escape(label)}</a></li>')
    if not items:
        return ""
    return (
        '<nav class="hso-toc" aria-label="Innehåll"><h2 id="innehall">Innehåll</h2><ol>'
        + "".join(items)
        + "</ol></nav>"
    )


def notebook_to_html(
    notebook_path: Path,
    *,
    title: str,
    footer: Sequence[tuple[str, str]],
    inputs: Sequence[dict[str, Any]] = (),
    input_rows: bool = True,
    version: str = "",
    toc: bool = True,
) -> str:
    """Export an executed notebook to one self-contained HTML page without code.

    `inputs` (path, sha256, read) are listed at the foot; `input_rows`: with the rows read (not
    in the published report, where a participant list's rows are a count of people).
    """
    from nbconvert import HTMLExporter

    nb = nbformat.read(notebook_path, as_version=4)
    nb = _strip_for_report(nb)
    nb.metadata["title"] = title
    exporter = HTMLExporter(
        template_name="hso",
        extra_template_basedirs=[str(_TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        language_code="sv",
    )
    from hso_eval.present import REPORT_CSS

    css = REPORT_CSS + "\n" + (_TEMPLATES / "hso" / "report.css").read_text(encoding="utf-8")
    resources = {
        "hso": {
            "css": css,
            "footer": list(footer),
            "inputs": list(inputs),
            "input_rows": input_rows,
            "version": version,
        }
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return place_toc(body, table_of_contents(body) if toc else "")


def place_toc(body: str, nav: str) -> str:
    """Put the table of contents after the title page when there is one, else first in <body>."""
    body = body.replace("<!--HSO-TOC-->", "", 1)
    title = body.find('<header class="hso-title"')
    end = body.find("</header>", title) if title >= 0 else -1
    if end >= 0:
        end += len("</header>")
        return body[:end] + nav + body[end:]
    return body.replace("<main>", "<main>" + nav, 1)
