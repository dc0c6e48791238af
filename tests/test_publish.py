"""Publishing never shows half a report, and two runs never write at once."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

from hso_eval.errors import BusyError
from hso_eval.publish import (
    RunLock,
    publish_directory,
    remove_leftovers,
    write_index,
)


def _tree(path):
    return {p.relative_to(path).as_posix(): p.read_bytes() for p in path.rglob("*") if p.is_file()}


def test_first_publish_moves_the_staging_directory_into_place(tmp_path):
    """The first publication appears whole under the target name."""
    staging = tmp_path / ".staging-2024H1-1"
    (staging / "notebooks").mkdir(parents=True)
    (staging / "run.json").write_text("{}")
    publish_directory(staging, tmp_path / "2024H1")
    assert _tree(tmp_path / "2024H1") == {"run.json": b"{}"}
    assert not staging.exists()


def test_republish_replaces_everything_at_once(tmp_path):
    """A new publication replaces the old one whole: no old file survives, no new one is missing."""
    target = tmp_path / "2024H1"
    target.mkdir()
    (target / "old.html").write_text("gammal")
    staging = tmp_path / ".staging-2024H1-2"
    staging.mkdir()
    (staging / "new.html").write_text("ny")
    publish_directory(staging, target)
    assert _tree(target) == {"new.html": b"ny"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024H1"]


def test_leftovers_of_a_killed_run_are_removed(tmp_path):
    """Staging directories left by a killed run are cleaned up before the next run."""
    (tmp_path / ".staging-2024H1-20240101T000000-99").mkdir()
    (tmp_path / "2024H1").mkdir()
    removed = remove_leftovers(tmp_path / "2024H1")
    assert len(removed) == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2024H1"]


def test_a_lock_file_of_another_account_is_named_not_its_folder(tmp_path, monkeypatch):
    """A run as root leaves reports/.2024H1.lock to root; the account that runs hso-eval may
    write in reports/ but not open that file: the message names the lock file and who should
    own it, not the folder (which is fine)."""
    from pathlib import Path

    from hso_eval.errors import RunError

    lock = tmp_path / ".2024H1.lock"
    lock.write_text("")
    real_open = os.open

    def as_another_account(path, *args, **kwargs):
        if Path(path) == lock:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", as_another_account)
    with pytest.raises(RunError) as error:
        RunLock(tmp_path / "2024H1").acquire()
    assert str(error.value).startswith(f"Låsfilen {lock} får inte öppnas av det här kontot")
    assert "chown" in str(error.value) and "Ingen skrivrätt" not in str(error.value)


def test_a_leftover_that_cannot_be_removed_is_warned_of(tmp_path, monkeypatch, caplog):
    """A retired folder with files another account owns (a run as root) cannot be removed:
    the run says so, naming it and what to do, instead of leaving it there for good unsaid."""
    from hso_eval import publish

    retired = tmp_path / ".retired-2024H1-31121"
    (retired / "notebooks").mkdir(parents=True)
    (tmp_path / "2024H1").mkdir()
    monkeypatch.setattr(publish.shutil, "rmtree", lambda path, ignore_errors=False: None)
    with caplog.at_level("WARNING", logger="hso_eval"):
        assert remove_leftovers(tmp_path / "2024H1") == []
    assert f"{retired} finns kvar efter en avbruten körning och kunde inte tas bort" in caplog.text
    monkeypatch.undo()  # the account may again
    assert remove_leftovers(tmp_path / "2024H1") == [retired]


def test_second_lock_on_the_same_target_is_refused_with_the_holder(tmp_path):
    """A second run against the same output directory is told who holds it (pid, start time)."""
    target = tmp_path / "2024H1"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(
                f"""
                import sys, time
                from pathlib import Path
                from hso_eval.publish import RunLock
                with RunLock(Path({str(target)!r})):
                    print("held", flush=True)
                    time.sleep(30)
                """
            ),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        # When it started, on the Swedish clock as the log lines give it (not the server's UTC).
        started = r"startad 20\d\d-\d\d-\d\d kl\. \d\d\.\d\d\)"
        with pytest.raises(BusyError, match=f"process {holder.pid}, {started}"):
            RunLock(target).acquire()
    finally:
        holder.kill()
        holder.wait()
    # The holder died without releasing: its lock is taken over.
    with RunLock(target) as lock:
        assert json.loads(lock.path.read_text())["pid"] == os.getpid()


def test_index_lists_published_periods_newest_first(tmp_path):
    """reports/index.html lists every successful period, newest first, and skips failed ones."""
    for code, status in (("2024H1", "ok"), ("2024H2", "ok"), ("2025H1", "failed")):
        (tmp_path / code).mkdir()
        (tmp_path / code / "run.json").write_text(json.dumps({"period": code, "status": status}))
        (tmp_path / code / "halvarsrapport.html").write_text("x")
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert page.index("2024H2") < page.index("2024H1")
    assert "2025H1" not in page
    assert 'href="2024H1/halvarsrapport.html"' in page
    # Whoever opens the index learns which page may be published and which may not.
    assert "Halvårsrapporten är den som publiceras" in page
    assert "arbetsunderlag" in page and "ska inte publiceras" in page


def test_index_says_when_each_run_finished_on_the_swedish_clock(tmp_path):
    """The index's "Körd" agrees with "Om körningen" in the reports: the Swedish clock, not
    the UTC time run.json stores (07.20 UTC is 08.20 in November)."""
    (tmp_path / "2024H1").mkdir()
    record = {"period": "2024H1", "status": "ok", "finished": "2026-11-27T07:20:54+00:00"}
    (tmp_path / "2024H1" / "run.json").write_text(json.dumps(record))
    page = write_index(tmp_path).read_text(encoding="utf-8")
    assert "<td>2026-11-27 08.20</td>" in page and "07:20" not in page
