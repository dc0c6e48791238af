"""`hso-eval run-all`, as cron runs it: what runs, what is skipped, what the logs say.

Every test works on one copy of the project root (params/, notebooks/, data/demo/) and leaves
every period up to date, so the tests do not depend on each other's order.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from conftest import ROOT, install_demo_as_real_periods, run_cli

pytestmark = pytest.mark.e2e

PERIODS = ("2024H1", "2024H2")
STEP_DONE = re.compile(r"^(?P<step>.+) klart \((?P<seconds>\d+,\d) s\)$")


class Project:
    """A copy of the project root that `hso-eval` runs in, as on the administrator's server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.env = dict(os.environ, HSO_EVAL_ROOT=str(root))
        self.env.pop("HSO_PSEUDONYM_KEY", None)

    def run_all(self, *args: str, env: dict | None = None):
        return run_cli("run-all", *args, cwd=self.root, env=env or self.env)

    def published(self, period: str) -> Path:
        return self.root / "reports" / period

    def snapshot(self, period: str) -> dict[str, tuple[bytes, int]]:
        """Every published file of `period` with its content and modification time."""
        folder = self.published(period)
        return {
            p.relative_to(folder).as_posix(): (p.read_bytes(), p.stat().st_mtime_ns)
            for p in folder.rglob("*")
            if p.is_file()
        }

    def record(self, period: str) -> dict:
        return json.loads((self.published(period) / "run.json").read_text(encoding="utf-8"))


def summary(stdout: str) -> dict[str, str]:
    """The run-all summary: period -> the rest of its line."""
    out = {}
    for line in stdout.splitlines():
        m = re.match(r"^(\S+): (körd|hoppades över|misslyckades)\b(.*)$", line)
        if m:
            out[m.group(1)] = m.group(2) + m.group(3)
    return out


def messages(lines: list[str], prefix: str) -> list[str]:
    """Log messages without their time stamps (`prefix` matches the time stamp)."""
    return [re.sub(prefix, "", line) for line in lines if re.match(prefix, line)]


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Project:
    """A fresh project copy (with its own code) after one `hso-eval run-all`, output kept."""
    root = tmp_path_factory.mktemp("server") / "hso_eval"
    for part in ("params", "notebooks", "data/demo"):
        shutil.copytree(ROOT / part, root / part)
    install_demo_as_real_periods(root)
    # The code too, as on a server checkout: `python -m` in the root imports this copy, so the
    # fingerprints cannot change under the tests when someone edits the working tree meanwhile.
    shutil.copytree(
        ROOT / "hso_eval", root / "hso_eval", ignore=shutil.ignore_patterns("__pycache__")
    )
    proj = Project(root)
    proj.first = proj.run_all()
    # what the first run published, for the log tests (later tests republish)
    proj.first_logs = {
        period: (
            (proj.published(period) / "run.log").read_text(encoding="utf-8"),
            proj.record(period),
        )
        for period in PERIODS
        if (proj.published(period) / "run.json").exists()
    }
    return proj


# ---------------------------------------------------------------------------------------------
def test_first_run_all_runs_every_period_with_one_summary_line_each(project):
    """The first run-all runs both demo periods and ends with one 'körd' line per period."""
    result = project.first
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    # The demo's quarantined rows are counted, so that a cron log shows sheets to fix.
    assert [re.sub(r"\(\d+,\d s\)", "(…)", line) for line in lines[-2:]] == [
        "2024H1: körd (…), 3 rader i karantän (se datakvalitet.html)",
        "2024H2: körd (…), 3 rader i karantän (se datakvalitet.html)",
    ]
    for period in PERIODS:
        assert project.record(period)["status"] == "ok"
    index = (project.root / "reports" / "index.html").read_text(encoding="utf-8")
    assert 'href="2024H1/halvarsrapport.html"' in index
    assert 'href="2024H2/halvarsrapport.html"' in index


def test_second_run_all_skips_unchanged_periods_without_starting_a_kernel(project, tmp_path):
    """A second run-all skips both periods, touches nothing and cannot even load papermill."""
    before = {period: project.snapshot(period) for period in PERIODS}
    index_before = (project.root / "reports" / "index.html").read_bytes()
    # Any attempt to execute a notebook would now fail loudly: papermill cannot be imported.
    blocker = tmp_path / "no-kernels"
    (blocker / "papermill").mkdir(parents=True)
    (blocker / "papermill" / "__init__.py").write_text(
        "raise ImportError('run-all försökte köra en notebook')\n", encoding="utf-8"
    )
    env = dict(project.env, PYTHONPATH=str(blocker))
    # What a run killed with -9 leaves (tidied by the period's next run, which never comes
    # while the period is unchanged): removed all the same, the published folders untouched.
    reports = project.root / "reports"
    killed = [
        reports / ".staging-2024H1-20250115T023000-4711",
        reports / ".work-.staging-2024H1-20250115T023000-4711",
    ]
    for folder in killed:
        folder.mkdir()
        (folder / "run.log").write_text("avbruten\n", encoding="utf-8")

    result = project.run_all(env=env)

    assert result.returncode == 0, result.stderr
    assert summary(result.stdout) == {
        "2024H1": "hoppades över – oförändrad sedan senaste körningen",
        "2024H2": "hoppades över – oförändrad sedan senaste körningen",
    }
    assert "Kör " not in result.stdout
    assert not any(folder.exists() for folder in killed)
    assert {period: project.snapshot(period) for period in PERIODS} == before
    assert (project.root / "reports" / "index.html").read_bytes() == index_before


def test_changed_narrative_reruns_only_that_period(project):
    """Editing 2024H2's narrative reruns 2024H2 only; 2024H1 stays exactly as published."""
    h1_before = project.snapshot("2024H1")
    h2_fingerprint = project.record("2024H2")["fingerprint"]
    narrative = project.root / "data" / "demo" / "berattelse" / "2024H2.md"
    narrative.write_text(
        narrative.read_text(encoding="utf-8") + "\nEn mening till från projektkontoret.\n",
        encoding="utf-8",
    )

    result = project.run_all()

    assert result.returncode == 0, result.stderr
    outcome = summary(result.stdout)
    assert outcome["2024H1"].startswith("hoppades över")
    assert outcome["2024H2"].startswith("körd")
    assert project.snapshot("2024H1") == h1_before
    assert project.record("2024H2")["fingerprint"] != h2_fingerprint
    report = (project.published("2024H2") / "halvarsrapport.html").read_text(encoding="utf-8")
    assert "En mening till från projektkontoret." in report


def test_force_reruns_every_period_and_quiet_prints_only_the_summary(project):
    """`run-all --force --quiet` reruns unchanged periods and prints just one line per period."""
    fingerprints = {period: project.record(period)["fingerprint"] for period in PERIODS}
    runs_before = {period: project.snapshot(period)["run.json"] for period in PERIODS}

    result = project.run_all("--force", "--quiet")

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    for period, line in zip(PERIODS, lines, strict=True):
        assert re.fullmatch(period + r": körd \(\d+,\d s\), 3 rader i karantän \(.*\)", line)
    for period in PERIODS:
        assert project.snapshot(period)["run.json"] != runs_before[period]
        assert project.record(period)["fingerprint"] == fingerprints[period]


def test_broken_period_file_fails_alone_and_the_others_still_run(project):
    """A period file naming a missing sheet gives 'misslyckades' and exit 2; the other periods
    run (oldest first: the file sorts before 2024H1.yaml, its period after 2024H2)."""
    broken = project.root / "params" / "2024-trasig.yaml"
    broken.write_text(
        "period: 2025H1\n"
        "project: params/project.yaml\n"
        "activities: data/demo/finns-inte.xlsx\n"
        "participants: data/demo/deltagare.csv\n"
        "pseudonym_key_file: data/demo/demo-nyckel.txt\n"
        "output_dir: reports/2025H1\n",
        encoding="utf-8",
    )
    narrative = project.root / "data" / "demo" / "berattelse" / "2024H1.md"
    narrative.write_text(
        narrative.read_text(encoding="utf-8") + "\nTillägg efter styrgruppsmötet.\n",
        encoding="utf-8",
    )
    try:
        result = project.run_all()
    finally:
        broken.unlink()

    assert result.returncode == 2, result.stderr
    assert list(summary(result.stdout)) == ["2024H1", "2024H2", "2025H1"]
    outcome = summary(result.stdout)
    assert outcome["2025H1"].startswith("misslyckades – ")
    assert "finns-inte.xlsx" in outcome["2025H1"]
    assert outcome["2024H1"].startswith("körd")
    assert outcome["2024H2"].startswith("hoppades över")
    assert "Traceback" not in result.stdout + result.stderr
    assert not (project.root / "reports" / "2025H1").exists()


# ---------------------------------------------------------------------------------------------
# Logs fit for cron
def test_every_step_is_one_line_with_its_duration_on_stdout_and_in_run_log(project):
    """Each step prints one 'klart (n,n s)' line, and run.log beside run.json holds the same."""
    stdout_msgs = messages(project.first.stdout.splitlines(), r"^\d\d:\d\d:\d\d ")
    for period in PERIODS:
        run_log, record = project.first_logs[period]
        log_msgs = messages(run_log.splitlines(), r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ ")
        done = [m for m in log_msgs if STEP_DONE.match(m)]
        assert [STEP_DONE.match(m).group("step") for m in done] == [
            s["step"] for s in record["steps"]
        ]
        assert {"Läser nyckel och rensar indata", "Kör halvarsrapport.ipynb"} <= {
            s["step"] for s in record["steps"]
        }
        # run.log is the same sequence of lines that went to stdout for this period
        n = len(log_msgs)
        assert any(stdout_msgs[i : i + n] == log_msgs for i in range(len(stdout_msgs))), period
        # run.log ends saying the run is done, before the folder is published
        assert re.fullmatch(r"Publicerar \S+ \(klar på \d+,\d s\)", log_msgs[-1])
        # each file's rows, counted as `hso-eval check` counts them (the register: 1 blank row)
        assert any(
            m.endswith("53 lästa = 51 rena + 1 i karantän + 1 sammanslagna (1 tom rad)")
            for m in log_msgs
        ), period


def test_logs_hold_no_names_or_e_mail_addresses(project):
    """Neither the cron output nor any run.log names a demo participant or their e-mail."""
    from test_end_to_end import _demo_people

    names, emails = _demo_people()
    texts = [project.first.stdout, project.first.stderr]
    texts += [project.first_logs[p][0] for p in PERIODS]
    texts += [(project.published(p) / "run.log").read_text(encoding="utf-8") for p in PERIODS]
    blob = "\n".join(texts)
    assert [n for n in names if n in blob] == []
    assert [e for e in emails if e in blob.lower()] == []


def test_periods_run_oldest_first_whatever_their_files_are_called(tmp_path):
    """Each report is decided against the ones before it, so `run-all` takes 2024H1 before
    2024H2 also when the files sort the other way (HT before VT); a file whose period cannot be
    read comes last, where its run says what is wrong."""
    from hso_eval.scheduler import period_files

    for name, period in (("HT2024", "2024H2"), ("VT2024", "2024H1"), ("VT2025", "2025H1")):
        (tmp_path / f"{name}.yaml").write_text(f"period: {period}\n", encoding="utf-8")
    (tmp_path / "AA.yaml").write_text("period: 2024H3\n", encoding="utf-8")
    (tmp_path / "project.yaml").write_text("name: HSO\n", encoding="utf-8")
    names = [p.stem for p in period_files(tmp_path)]
    assert names == ["VT2024", "HT2024", "VT2025", "AA"]
