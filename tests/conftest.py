"""Shared fixtures. Paths come from the repository root, never from the working directory."""

from __future__ import annotations

import re
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


#: The tests' own pseudonym key, for inputs that are not the demo data.
TEST_KEY = ROOT / "tests" / "data" / "test-nyckel.txt"


def private_key_file(folder: Path) -> Path:
    """A copy of `TEST_KEY` in `folder`, kept as docs/drift.md asks (600: git keeps files 644,
    and a run warns of a key file others may read)."""
    path = folder / TEST_KEY.name
    path.write_bytes(TEST_KEY.read_bytes())
    path.chmod(0o600)
    return path


@pytest.fixture(autouse=True)
def _no_key_from_the_shell(monkeypatch):
    """A key in the developer's (or the server's) environment never reaches a test: a test
    that wants one sets it."""
    from hso_eval.config import KEY_ENV

    monkeypatch.delenv(KEY_ENV, raising=False)


def install_demo_as_real_periods(root: Path, *, keep_key: bool = True) -> None:
    """In the project copy `root`, the demo's period files as a real installation has its
    periods: in params/, publishing under reports/ (the demo's own files stay in params/demo/,
    which `run-all` does not read). Without `keep_key`, the key comes from HSO_PSEUDONYM_KEY."""
    for demo in sorted((root / "params" / "demo").glob("*.yaml")):
        text = demo.read_text(encoding="utf-8").replace("reports/demo/", "reports/")
        if not keep_key:
            text = re.sub(r"(?m)^pseudonym_key_file:.*\n", "", text)
        (root / "params" / demo.name).write_text(text, encoding="utf-8")


def write_params(tmp: Path, period: str, **changes) -> Path:
    """A copy of a demo period file that publishes under `tmp`, with `changes` applied."""
    import yaml

    data = yaml.safe_load((ROOT / "params" / "demo" / f"{period}.yaml").read_text(encoding="utf-8"))
    data["output_dir"] = str(tmp / "reports" / period)
    if {"activities", "participants"} & set(changes):
        # The demo key is refused for anything but the demo data (config.load_key).
        data["pseudonym_key_file"] = str(private_key_file(tmp))
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


def gender_chart(fig) -> tuple[dict[str, list[tuple[str, float]]], dict[str, list[str]]]:
    """What a reader sees in the gender chart, per work package (its code): the segments left
    to right as (gender or "dolt", width), and the numbers and signs on its row, left to right."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.colors import to_hex

    from hso_eval.figures import GENDER_COLOURS

    ax = fig.axes[0]
    rows = {round(t.get_position()[1]): t.get_text().split()[0] for t in ax.get_yticklabels()}
    by_colour = {to_hex(c): g for g, c in GENDER_COLOURS.items()}
    segments: dict[str, list[tuple[float, str, float]]] = {code: [] for code in rows.values()}
    for patch in ax.patches:
        if patch.get_width() <= 0:
            continue
        code = rows[round(patch.get_y() + patch.get_height() / 2)]
        kind = "dolt" if patch.get_hatch() else by_colour[to_hex(patch.get_facecolor())]
        segments[code].append((patch.get_x(), kind, patch.get_width()))
    texts: dict[str, list[tuple[float, str]]] = {code: [] for code in rows.values()}
    renderer = FigureCanvasAgg(fig).get_renderer()
    for text in ax.texts:
        if not text.get_text() or text.xycoords == "axes fraction":  # the subtitle
            continue
        box = text.get_window_extent(renderer)
        x, y = ax.transData.inverted().transform(((box.x0 + box.x1) / 2, (box.y0 + box.y1) / 2))
        texts[rows[round(y)]].append((x, text.get_text()))
    drawn = {code: [(kind, width) for _, kind, width in sorted(s)] for code, s in segments.items()}
    return drawn, {code: [text for _, text in sorted(t)] for code, t in texts.items()}
