"""Shared fixtures. Paths come from the repository root, never from the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import settings

ROOT = Path(__file__).resolve().parents[1]

# No deadlines: a property is about what the code returns, not how fast a shared machine is.
settings.register_profile("hso", deadline=None)
settings.load_profile("hso")


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def project():
    from hso_eval.config import load_project

    return load_project(ROOT / "params" / "project.yaml")


def run_cli(*args: str, cwd: Path | None = None, env: dict | None = None):
    """Run `hso-eval` as the administrator would, in a fresh process."""
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, "-m", "hso_eval.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd or ROOT,
        env=env,
        timeout=900,
    )


def write_params(tmp: Path, period: str, **changes) -> Path:
    """A copy of a demo period file that publishes under `tmp`, with `changes` applied."""
    import yaml

    data = yaml.safe_load((ROOT / "params" / f"{period}.yaml").read_text(encoding="utf-8"))
    data["output_dir"] = str(tmp / "reports" / period)
    data.update(changes)
    path = tmp / f"{period}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def demo_runs(tmp_path_factory):
    """Run the demo periods 2024H1 and 2024H2 once per test session (real kernels)."""
    tmp = tmp_path_factory.mktemp("demo")
    out = {}
    for period in ("2024H1", "2024H2"):
        result = run_cli("run", str(write_params(tmp, period)))
        assert result.returncode == 0, result.stderr
        out[period] = tmp / "reports" / period
    return out
