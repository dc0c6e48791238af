"""What `run-all` treats as a change: the runner's fingerprint of a period."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from hso_eval.config import build_params
from hso_eval.runner import fingerprint, key_fingerprint


def _params(tmp_path, key: bytes, narrative: str = "## Inledning\n\nText.\n", **extra):
    demo = tmp_path / "demo"
    if not demo.exists():
        from conftest import ROOT

        shutil.copytree(ROOT / "data" / "demo", demo)
    (demo / "nyckel.txt").write_bytes(key)
    (demo / "berattelse.md").write_text(narrative, encoding="utf-8")
    return build_params(
        {
            "period": "2024H1",
            "activities": str(demo / "aktiviteter.xlsx"),
            "participants": str(demo / "deltagare.csv"),
            "narrative": str(demo / "berattelse.md"),
            "pseudonym_key_file": str(demo / "nyckel.txt"),
            **extra,
        }
    )


def test_unchanged_period_keeps_its_fingerprint(tmp_path):
    """Nothing changed: the same fingerprint, so run-all skips the period."""
    params = _params(tmp_path, b"a" * 32)
    assert fingerprint(params) == fingerprint(_params(tmp_path, b"a" * 32))


def test_new_key_changes_the_fingerprint(tmp_path):
    """A rotated pseudonym key makes run-all rebuild the period (every person_key changes)."""
    before = fingerprint(_params(tmp_path, b"a" * 32))
    assert fingerprint(_params(tmp_path, b"b" * 32)) != before


def test_edited_narrative_changes_the_fingerprint(tmp_path):
    """An edited narrative makes run-all rebuild the period."""
    before = fingerprint(_params(tmp_path, b"a" * 32))
    assert fingerprint(_params(tmp_path, b"a" * 32, "## Inledning\n\nNy text.\n")) != before


def test_an_earlier_reports_record_changes_the_fingerprint_and_its_own_does_not(tmp_path):
    """The page is decided against what the earlier reports printed (`hso_eval.history`):
    run-all rebuilds 2024H1 when 2023H2's record changes, not when its own run records what
    it printed (which it would print again)."""
    from hso_eval import history

    out = str(tmp_path / "reports" / "2024H1")
    before = fingerprint(_params(tmp_path, b"a" * 32, output_dir=out))
    records = tmp_path / "reports" / history.FOLDER
    history.write(records, "2024H1", {("närvaro", "HSO-2024-001"): 12})
    assert fingerprint(_params(tmp_path, b"a" * 32, output_dir=out)) == before
    history.write(records, "2023H2", {("närvaro", "HSO-2023-001"): 7})
    assert fingerprint(_params(tmp_path, b"a" * 32, output_dir=out)) != before


def test_a_notebook_saved_with_outputs_is_no_change_and_an_edited_cell_is(tmp_path, monkeypatch):
    """An evaluator runs a notebook in JupyterLab and it is saved with its outputs: run-all
    does not re-run and re-publish every period for that. An edited cell is a change."""
    import json

    from conftest import ROOT

    from hso_eval import runner

    root = tmp_path / "repo"
    shutil.copytree(ROOT / "notebooks", root / "notebooks")
    monkeypatch.setattr(runner, "repo_root", lambda: root)
    before = fingerprint(_params(tmp_path, b"a" * 32))
    path = root / "notebooks" / "halvarsrapport.ipynb"
    notebook = json.loads(path.read_text(encoding="utf-8"))
    code = [c for c in notebook["cells"] if c["cell_type"] == "code"]
    for count, cell in enumerate(code, start=1):
        cell["outputs"] = [{"output_type": "stream", "name": "stdout", "text": ["12\n"]}]
        cell["execution_count"] = count
    notebook["metadata"]["language_info"] = {"name": "python", "version": "3.11.7"}
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    assert fingerprint(_params(tmp_path, b"a" * 32)) == before
    code[-1]["source"] = [*code[-1]["source"], "\nprint('ny rad')"]
    path.write_text(json.dumps(notebook, indent=1), encoding="utf-8")
    assert fingerprint(_params(tmp_path, b"a" * 32)) != before


def test_a_key_other_than_the_published_reports_is_warned_of(tmp_path, caplog):
    """The key in the environment file was written anew by mistake: the run says that every
    person_key changes, with both fingerprints (never the key), and what to do; the same key,
    or nothing published yet, says nothing."""
    import json

    from hso_eval import runner

    out = tmp_path / "reports" / "2024H1"
    params = _params(tmp_path, b"b" * 32, output_dir=str(out))
    new = key_fingerprint(b"b" * 32)
    with caplog.at_level("WARNING", logger="hso_eval"):
        runner._warn_key_changed(params, new)  # nothing published
        out.mkdir(parents=True)
        record = {"period": "2024H1", "pseudonym_key": {"fingerprint": key_fingerprint(b"b" * 32)}}
        (out / "run.json").write_text(json.dumps(record), encoding="utf-8")
        runner._warn_key_changed(params, new)  # the same key
        assert caplog.text == ""
        record["pseudonym_key"]["fingerprint"] = old = key_fingerprint(b"a" * 32)
        (out / "run.json").write_text(json.dumps(record), encoding="utf-8")
        runner._warn_key_changed(params, new)
    assert "2024H1: pseudonymnyckeln är en annan än när perioden senast publicerades " in (
        caplog.text
    )
    assert f"(fingeravtryck {old}, nu {new})" in caplog.text
    assert "Alla person_key i utvärderingsunderlaget blir nya" in caplog.text
    assert "bbbb" not in caplog.text


def test_an_earlier_period_without_a_record_is_warned_of_with_what_to_do(tmp_path, caplog):
    """The first real period after a report written by hand: the run says that 2024H1 has no
    record and how to make one (a period file for it, run once), and names the records' folder."""
    from hso_eval import history, runner

    out = tmp_path / "reports" / "2024H2"
    params = _params(tmp_path, b"a" * 32, period="2024H2", output_dir=str(out))
    with caplog.at_level("WARNING", logger="hso_eval"):
        runner._warn_unrecorded(params, history.load(history.folder_for(out)))
    assert "2024H2: det finns ingen post om vad halvårsrapporten för 2024H1 visade" in caplog.text
    assert (
        "skriv en periodfil för 2024H1 (params/2024H1.yaml, med samma blad som då) och kör den "
        "med hso-eval run, så sparas posten."
    ) in caplog.text
    history.write(history.folder_for(out), "2024H1", {("närvaro", "HSO-2024-001"): 12})
    caplog.clear()
    with caplog.at_level("WARNING", logger="hso_eval"):
        runner._warn_unrecorded(params, history.load(history.folder_for(out)))
    assert caplog.text == ""


def test_key_fingerprint_does_not_reveal_the_key():
    """The key's fingerprint is short, stable, and does not contain the key."""
    key = b"hemlig-nyckel-" + b"x" * 20
    assert key_fingerprint(key) == key_fingerprint(key)
    assert len(key_fingerprint(key)) == 12
    assert key.decode() not in key_fingerprint(key)


def _failed_staging(parent, name: str, error: str):
    """A staging folder as a failed run leaves it, and that run's record."""
    from hso_eval.runner import RunRecord

    staging = parent / name
    (staging / "notebooks").mkdir(parents=True)
    (staging / "notebooks" / "halvarsrapport.ipynb").write_text(error, encoding="utf-8")
    (staging / "run.log").write_text(error, encoding="utf-8")
    return staging, RunRecord(period="2024H1", status="failed", error=error)


def test_two_failures_in_the_same_second_keep_two_folders(tmp_path, monkeypatch):
    """Two runs failing within one second: two folders under _misslyckade/, each its own run."""
    import json

    from hso_eval import runner

    monkeypatch.setattr(runner, "_stamp", lambda: "20250115T020000")
    target = tmp_path / "reports" / "2024H1"
    for number, error in enumerate(("första felet", "andra felet", "tredje felet"), start=1):
        staging, record = _failed_staging(tmp_path / "reports", f".staging-{number}", error)
        runner._keep_failed(staging, target, record)
        assert not staging.exists()

    failed = tmp_path / "reports" / "_misslyckade"
    names = sorted(p.name for p in failed.iterdir())
    assert names == [
        "2024H1-20250115T020000",
        "2024H1-20250115T020000-2",
        "2024H1-20250115T020000-3",
    ]
    for name, error in zip(names, ("första felet", "andra felet", "tredje felet"), strict=True):
        folder = failed / name
        assert sorted(p.name for p in folder.iterdir()) == ["notebooks", "run.json", "run.log"]
        run = json.loads((folder / "run.json").read_text(encoding="utf-8"))
        assert (run["status"], run["error"]) == ("failed", error)
        assert run["failed_copy"].endswith(name)
        assert (folder / "notebooks" / "halvarsrapport.ipynb").read_text(encoding="utf-8") == error


def test_narrative_warning_names_its_period_and_a_failed_run_keeps_it(tmp_path, monkeypatch):
    """A narrative heading that matches no section is logged with the period first, and a
    failed run's folder under _misslyckade/ holds it in run.log next to run.json."""
    import json
    import logging

    from hso_eval import runner
    from hso_eval.errors import RunError

    output_dir = str(tmp_path / "reports" / "2024H1")
    params = _params(tmp_path, b"a" * 32, "## Inledningen\n\nText.\n", output_dir=output_dir)

    def stop(*args, **kwargs):
        raise RunError("halvarsrapport.ipynb stoppade i cell 3: ValueError: prov")

    monkeypatch.setattr(runner, "_execute_notebooks", stop)
    lines: list[str] = []
    handler = logging.Handler(logging.WARNING)
    handler.emit = lambda record: lines.append(record.getMessage())
    logger = logging.getLogger("hso_eval")
    logger.addHandler(handler)
    old_level = logger.level
    logger.setLevel(logging.INFO)
    try:
        with pytest.raises(RunError, match="stoppade i cell 3"):
            runner.run_period(params)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old_level)

    narrative = [line for line in lines if "Berättelsens rubrik" in line]
    assert narrative and all(line.startswith("2024H1: ") for line in narrative)
    assert any("'## Inledningen'" in line for line in narrative)
    assert not (tmp_path / "reports" / "2024H1").exists()  # nothing published
    [failed] = (tmp_path / "reports" / "_misslyckade").iterdir()
    run = json.loads((failed / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "failed" and "stoppade i cell 3" in run["error"]
    assert "2024H1: Berättelsens rubrik '## Inledningen'" in (failed / "run.log").read_text(
        encoding="utf-8"
    )


def test_about_the_run_says_when_in_swedish_on_the_swedish_clock(tmp_path):
    """ "Om körningen" showed "Körd 2026-11-27 07:20:54+00:00", Python's ISO text in UTC. A
    reader sees when the run was on a Swedish clock, in Swedish: "27 november 2026 kl. 08.20"
    (winter, UTC+1), while run.json keeps the ISO time."""
    from hso_eval.runner import RunRecord, _footer

    params = _params(tmp_path, b"a" * 32)
    record = RunRecord(period="2024H1", started="2026-11-27T07:20:54+00:00")
    record.parameters = params.as_notebook_parameters()
    rows = dict(_footer(params, record))
    assert rows["Körd"] == "27 november 2026 kl. 08.20"
    assert not any("+00:00" in value or "T07" in value for value in rows.values())
    assert '"started": "2026-11-27T07:20:54+00:00"' in record.to_json()


def test_log_lines_and_folder_names_use_the_swedish_clock(monkeypatch):
    """On a server whose clock is UTC, run.log, the console and the _misslyckade folder names
    gave 07:20 for a run the report says ran "kl. 08.20". They all use the Swedish clock now,
    summer time included."""
    import logging

    from hso_eval import clock, runner

    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        winter = datetime(2026, 11, 27, 7, 20, 54, tzinfo=UTC).timestamp()
        summer = datetime(2026, 6, 30, 22, 5, 0, tzinfo=UTC).timestamp()
        line = logging.LogRecord("hso_eval", logging.INFO, __file__, 1, "klar", None, None)
        line.created, line.msecs = winter, 0
        full = clock.SwedishClockFormatter("%(asctime)s %(levelname)s %(message)s")
        assert full.format(line) == "2026-11-27 08:20:54,000 INFO klar"
        line.created = summer
        console = clock.SwedishClockFormatter("%(asctime)s %(message)s", "%H:%M:%S")
        assert console.format(line) == "00:05:00 klar"  # 1 July on the Swedish clock
        stockholm = ZoneInfo("Europe/Stockholm")
        before = datetime.now(stockholm).strftime("%Y%m%dT%H%M")
        stamp = runner._stamp()
        after = datetime.now(stockholm).strftime("%Y%m%dT%H%M")
        assert stamp[:13] in {before, after}, (stamp, before)
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


def _flaky_papermill(monkeypatch, failures: int) -> list[int]:
    """`runner._papermill` whose kernel dies while starting `failures` times (as when another
    process took one of its ports), then writes the notebook as executed. Returns the calls."""
    from hso_eval import runner

    calls: list[int] = []

    def papermill(source, executed, *_args):
        calls.append(1)
        if len(calls) <= failures:
            raise RuntimeError("Kernel died before replying to kernel_info")
        shutil.copyfile(source, executed)

    monkeypatch.setattr(runner, "_papermill", papermill)
    return calls


def test_a_kernel_that_dies_while_starting_is_started_again(tmp_path, monkeypatch, caplog):
    """A kernel that dies before any cell ran ("Address already in use" in kernels.log) is
    started again, and the run goes on; run.log says so."""
    from hso_eval import runner

    calls = _flaky_papermill(monkeypatch, failures=1)
    (tmp_path / "notebooks").mkdir()
    record = runner.RunRecord(period="2024H1")
    with caplog.at_level("INFO", logger="hso_eval"):
        executed = runner._execute_one(runner.NOTEBOOKS[0], {}, tmp_path, record, 0, False)
    assert executed.is_file() and len(calls) == 2
    assert "dog innan den startat" in caplog.text and "försök 2 av 3" in caplog.text


def test_a_kernel_that_never_starts_fails_the_run_with_a_swedish_message(tmp_path, monkeypatch):
    """Three deaths in a row: the run fails with a message that says what happened and where
    to look, not with "oväntat fel"."""
    from hso_eval import runner
    from hso_eval.errors import RunError

    calls = _flaky_papermill(monkeypatch, failures=3)
    (tmp_path / "notebooks").mkdir()
    record = runner.RunRecord(period="2024H1")
    with pytest.raises(RunError) as caught:
        runner._execute_one(runner.NOTEBOOKS[0], {}, tmp_path, record, 0, False)
    assert len(calls) == 3
    assert "dog innan den startat, 3 gånger i rad" in str(caught.value)
    assert "notebooks/kernels.log" in str(caught.value)


def test_a_notebook_error_keeps_the_lines_after_its_first(tmp_path, monkeypatch):
    """An error whose first line ends in ':' ("följer inte sina egna scheman (1 fel):") says
    what is wrong on the next line; the one-line reason keeps it, and a very long error is cut
    with "…"."""
    from papermill.exceptions import PapermillExecutionError

    from hso_eval import runner
    from hso_eval.errors import RunError

    evalue = "paketet följer inte sina egna scheman (1 fel):\n  - 'resources' saknas\n"

    def stop(*_args):
        raise PapermillExecutionError(6, 6, "x", "RunError", evalue, [])

    monkeypatch.setattr(runner, "_papermill", stop)
    (tmp_path / "notebooks").mkdir()
    record = runner.RunRecord(period="2024H1")
    with pytest.raises(RunError) as caught:
        runner._execute_one(runner.NOTEBOOKS[0], {}, tmp_path, record, 0, False)
    assert str(caught.value).endswith(
        "stoppade i cell 6: RunError: paketet följer inte sina egna scheman (1 fel): - "
        "'resources' saknas"
    )
    long = runner._one_line("x" * 5000)
    assert len(long) == runner.ERROR_CHARS and long.endswith("…")


def test_failed_notebook_is_not_logged_as_done_and_run_log_ends_with_the_reason(
    tmp_path, monkeypatch, capsys
):
    """A notebook that stops is logged 'misslyckades', not 'klart', on stdout and in the failed
    run's run.log, and that run.log ends with the reason the run failed."""
    import json

    from papermill.exceptions import PapermillExecutionError

    from hso_eval import runner
    from hso_eval.cli import _setup_logging
    from hso_eval.errors import RunError

    def stop(source, *args, **kwargs):
        raise PapermillExecutionError(7, 7, "x", "ValueError", "prov", [])

    monkeypatch.setattr(runner, "_papermill", stop)
    params = _params(tmp_path, b"a" * 32, output_dir=str(tmp_path / "reports" / "2024H1"))
    _setup_logging(quiet=False)
    with pytest.raises(RunError, match="stoppade i cell 7"):
        runner.run_period(params)
    stdout = capsys.readouterr().out
    assert "Kör halvarsrapport.ipynb misslyckades (" in stdout
    assert "Kör halvarsrapport.ipynb klart" not in stdout
    assert "Misslyckades:" not in stdout  # the CLI prints the reason once, on stderr
    [failed] = (tmp_path / "reports" / "_misslyckade").iterdir()
    log_lines = (failed / "run.log").read_text(encoding="utf-8").splitlines()
    assert not any("ipynb klart" in line for line in log_lines)
    assert log_lines[-1].endswith(
        "Misslyckades: datakvalitet.ipynb stoppade i cell 7: ValueError: prov"
    )
    run = json.loads((failed / "run.json").read_text(encoding="utf-8"))
    assert {s["step"]: s["status"] for s in run["steps"]}["Kör datakvalitet.ipynb"] == (
        "misslyckades"
    )


def _publish_demo_copy(demo_run, reports):
    """Put a published demo report and its record under `reports`, as an older version left
    them beside the real periods; return the record."""
    import json

    period = demo_run.name
    shutil.copytree(demo_run, reports / period)
    record = Path(json.loads((demo_run / "run.json").read_text(encoding="utf-8"))["printed_record"])
    (reports / "publicerat" / period).mkdir(parents=True, exist_ok=True)
    shutil.copy(record, reports / "publicerat" / period / record.name)
    return reports / "publicerat" / period / record.name


def test_a_demo_report_beside_real_ones_is_named_with_what_to_remove(tmp_path, demo_runs, caplog):
    """An older version published the demo's periods in reports/, beside the real ones. A real
    run names the demo's folder and its record, which counts when small numbers are decided; a
    demo run, or a real report beside real ones, says nothing."""
    from hso_eval.runner import _warn_demo_reports, demo_reports

    reports = tmp_path / "reports"
    record = _publish_demo_copy(demo_runs["2024H2"], reports)
    real = (demo_runs["2024H1"] / "run.json").read_text(encoding="utf-8")
    (reports / "2023H2").mkdir()
    (reports / "2023H2" / "run.json").write_text(
        real.replace('"data/demo/', '"data/raw/'), encoding="utf-8"
    )
    params = _params(tmp_path, b"a" * 32, output_dir=str(reports / "2024H1"))

    with caplog.at_level("WARNING", logger="hso_eval"):
        _warn_demo_reports(params, demo_reports(params))

    assert caplog.messages == [
        f"2024H1: {reports / '2024H2'}/ är demons rapport (indata ur data/demo/), publicerad "
        "bland de riktiga av en äldre version. Index-sidan visar den, och dess post "
        f"{record} räknas när den här rapportens små tal bedöms. Ta bort mappen och posten "
        "(docs/drift.md, 'Uppgradering')."
    ]
    caplog.clear()
    demo = build_params(
        {
            "period": "2024H1",
            "activities": "data/demo/aktiviteter.xlsx",
            "participants": "data/demo/deltagare.csv",
            "output_dir": str(reports / "2024H1"),
        }
    )
    with caplog.at_level("WARNING", logger="hso_eval"):
        _warn_demo_reports(demo, demo_reports(demo))
    assert caplog.messages == []


def test_a_real_run_replacing_the_demos_report_removes_the_demos_record(tmp_path, demo_runs):
    """A real period published into the folder where an older version published the demo's
    report: the run says so, is decided without the demo's record, and removes that record
    with the report it belonged to, so no later run counts the demo's numbers."""
    import json

    from conftest import ROOT, run_cli, write_params

    reports = tmp_path / "reports"
    demo_record = _publish_demo_copy(demo_runs["2024H1"], reports)
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(ROOT / "data" / "demo" / "aktiviteter.xlsx", raw / "aktiviteter.xlsx")
    lines = (ROOT / "data" / "demo" / "deltagare.csv").read_bytes().splitlines(keepends=True)
    (raw / "deltagare.csv").write_bytes(b"".join(lines[:1] + lines[41:]))  # not the demo's numbers
    params = write_params(
        tmp_path,
        "2024H1",
        activities=str(raw / "aktiviteter.xlsx"),
        participants=str(raw / "deltagare.csv"),
    )

    result = run_cli("run", str(params))

    assert result.returncode == 0, result.stderr
    assert (
        f"2024H1: {reports / '2024H1'}/ är demons rapport, publicerad bland de riktiga av en "
        f"äldre version. Den här körningen ersätter den och tar bort dess post {demo_record}, "
        "som inte räknas när små tal bedöms."
    ) in result.stdout
    run = json.loads((reports / "2024H1" / "run.json").read_text(encoding="utf-8"))
    assert run["inputs"][0]["path"] == str(raw / "aktiviteter.xlsx")
    assert sorted(p.name for p in (reports / "publicerat" / "2024H1").iterdir()) == [
        Path(run["printed_record"]).name
    ]
    assert Path(run["printed_record"]).name != demo_record.name
