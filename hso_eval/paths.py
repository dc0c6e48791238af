"""The repository root, resolved once. Every relative path in hso_eval is taken from it."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

_MARKER = Path("params") / "project.yaml"


@cache
def repo_root() -> Path:
    """Return the project root.

    Order: the environment variable ``HSO_EVAL_ROOT``; the nearest directory at or above the
    current one that holds ``params/project.yaml``; the directory above the installed package
    (an editable install, as ``make`` sets up). Nothing else depends on the working directory.
    """
    env = os.environ.get("HSO_EVAL_ROOT")
    if env:
        return Path(env).expanduser().resolve()
    here = Path.cwd().resolve()
    for candidate in (here, *here.parents):
        if (candidate / _MARKER).is_file():
            return candidate
    return Path(__file__).resolve().parent.parent


def resolve(path: str | os.PathLike[str], root: Path | None = None) -> Path:
    """Resolve `path` against the repository root; an absolute path is returned as it is."""
    p = Path(path).expanduser()
    if p.is_absolute():
        return p
    return ((root or repo_root()) / p).resolve()


def display(path: Path, root: Path | None = None) -> str:
    """A path as people should see it: relative to the root when inside it."""
    base = root or repo_root()
    try:
        return str(Path(path).resolve().relative_to(base))
    except ValueError:
        return str(path)
