"""Faults an administrator will meet: kill -9, two runs at once, an unwritable or full disk.

The promise under test: the previous publication survives every fault byte for byte (or, once the
atomic swap has happened, the new publication is there complete), and the next normal run cleans
up and succeeds.

A notebook that raises (status 1, the failed copy kept under reports/_misslyckade/) is covered by
tests/test_end_to_end.py::test_failed_run_leaves_the_previous_publication_intact.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import run_cli, write_params

pytestmark = pytest.mark.e2e

# Runs `hso-eval` with a fault hook installed, then hands over to the real command line.
# argv: point, a file path the hook may use, then the hso-eval arguments.
HOOKED_RUN = r"""
import os, signal, sys, time
from pathlib import Path

import hso_eval.clean
import hso_eval.publish
import hso_eval.runner

point, aux = sys.argv[1], Path(sys.argv[2])


def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


if point == "cleaning":  # kill -9 while the inputs are being cleaned
    hso_eval.clean.clean_inputs = die
elif point == "before_swap":  # run.json is written in the staging directory, nothing swapped yet
    hso_eval.runner.publish_directory = die
elif point == "after_swap":  # the directories have been exchanged, the old one not yet removed
    exchange = hso_eval.publish._rename_exchange

    def exchange_then_die(a, b):
        exchange(a, b)
        die()

    hso_eval.publish._rename_exchange = exchange_then_die
elif point == "hold":  # hold the lock until the file `aux` appears
    clean_inputs = hso_eval.clean.clean_inputs

    def wait_then_clean(*args, **kwargs):
        while not aux.exists():
            time.sleep(0.05)
        return clean_inputs(*args, **kwargs)

    hso_eval.clean.clean_inputs = wait_then_clean
else:
    raise SystemExit(f"unknown point {point}")

from hso_eval.cli import main

sys.exit(main(sys.argv[3:]))
"""

#: Generous upper bound for waiting on a run; never an assertion about speed.
PATIENCE = 600


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def is_complete_publication(folder: Path) -> bool:
    """run.json says ok and lists exactly the files that are there."""
    try:
        record = json.loads((folder / "run.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return record.get("status") == "ok" and sorted(tree(folder)) == sorted(record["outputs"])


def leftovers(reports: Path) -> list[str]:
    """Hidden work directories a run leaves beside the published ones."""
    return sorted(
        p.name for p in reports.iterdir() if p.name.startswith((".staging-", ".retired-", ".work-"))
    )


def descendants(pid: int) -> list[int]:
    """Child processes of `pid`, recursively (the kernels of a run)."""
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            out += [child, *descendants(child)]
    return out


def kill_run(proc: subprocess.Popen) -> None:
    """SIGKILL the run; its orphaned kernels are killed too, so that nothing lingers."""
    kernels = descendants(proc.pid)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=PATIENCE)
    for pid in kernels:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def wait_for(proc: subprocess.Popen, found) -> Path:
    """Poll until `found()` returns a path; fail if the run ends first."""
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        hit = found()
        if hit is not None:
            return hit
        assert proc.poll() is None, "the run ended before the point where it should be killed"
        time.sleep(0.02)
    raise AssertionError("the run never reached the point where it should be killed")


def hooked(point: str, aux: Path, *args: str, log: Path) -> subprocess.Popen:
    with open(log, "wb") as out:
        return subprocess.Popen(
            [sys.executable, "-c", HOOKED_RUN, point, str(aux), *args],
            stdout=out,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture
def published(tmp_path, demo_runs):
    """A period file for 2024H1 under tmp_path whose output directory already holds a report."""
    params = write_params(tmp_path, "2024H1")
    target = tmp_path / "reports" / "2024H1"
    shutil.copytree(demo_runs["2024H1"], target)
    return params, target, tree(target)


# ---------------------------------------------------------------------------------------------
# kill -9
def _during_a_notebook(params: Path, target: Path, log: Path) -> subprocess.Popen:
    """Start a plain `hso-eval run`; SIGKILL it once the report notebook has run a cell."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "hso_eval.cli", "run", str(params)],
            stdout=out,
            stderr=subprocess.STDOUT,
        )

    def running_report():
        for nb in target.parent.glob(".staging-2024H1-*/notebooks/halvarsrapport.ipynb"):
            try:
                if '"status": "completed"' in nb.read_text(encoding="utf-8"):
                    return nb
            except (OSError, UnicodeDecodeError):
                pass
        return None

    wait_for(proc, running_report)
    kill_run(proc)
    return proc


@pytest.mark.parametrize("point", ["cleaning", "notebook", "before_swap", "after_swap"])
def test_kill_9_leaves_a_whole_publication_and_the_next_run_succeeds(published, tmp_path, point):
    """After kill -9 the old report (or, once swapped, the whole new one) is there; rerun works."""
    params, target, before = published
    log = tmp_path / f"killed-{point}.log"
    if point == "notebook":
        proc = _during_a_notebook(params, target, log)
    else:
        proc = hooked(point, tmp_path / "unused", "run", str(params), log=log)
        proc.wait(timeout=PATIENCE)
    assert proc.returncode == -signal.SIGKILL, log.read_text(encoding="utf-8")

    if point == "after_swap":
        assert tree(target) != before
        assert is_complete_publication(target)
    else:
        assert tree(target) == before
    # The killed run left a stale lock naming itself; the kernel released the flock.
    lock = target.parent / ".2024H1.lock"
    assert json.loads(lock.read_text(encoding="utf-8"))["pid"] == proc.pid

    result = run_cli("run", str(params))

    assert result.returncode == 0, result.stderr
    assert is_complete_publication(target)
    assert tree(target) != before
    assert leftovers(target.parent) == []
    assert not (target.parent / "_misslyckade").exists()
    assert lock.read_text(encoding="utf-8") == ""  # released by the run that finished


# ---------------------------------------------------------------------------------------------
def test_second_concurrent_run_exits_3_at_once_naming_the_first(published, tmp_path):
    """While one run holds the output directory, a second exits 3 with its pid and start time."""
    params, target, before = published
    go = tmp_path / "go"
    first = hooked("hold", go, "run", str(params), log=tmp_path / "first.log")
    lock = target.parent / ".2024H1.lock"

    def holder_has_the_lock():
        try:
            return lock if json.loads(lock.read_text())["pid"] == first.pid else None
        except (OSError, ValueError, KeyError):
            return None

    try:
        wait_for(first, holder_has_the_lock)
        second = run_cli("run", str(params))
        assert first.poll() is None  # the second gave up while the first was still running
    finally:
        go.touch()
        first.wait(timeout=PATIENCE)

    assert second.returncode == 3
    message = second.stderr.strip()
    assert len(message.splitlines()) == 1
    assert f"process {first.pid}, startad 20" in message
    assert "pågår redan" in message and "reports/2024H1" in message
    assert "Kör " not in second.stdout
    assert first.returncode == 0, (tmp_path / "first.log").read_text(encoding="utf-8")
    assert is_complete_publication(target) and tree(target) != before


# ---------------------------------------------------------------------------------------------
# A directory nobody may write to, not even root
def _immutable(folder: Path) -> None:
    if os.geteuid() != 0:
        folder.chmod(0o555)
        return
    # root ignores file modes; the immutable attribute stops root too
    subprocess.run(["chattr", "+i", str(folder)], check=True, capture_output=True)


def _mutable(folder: Path) -> None:
    if os.geteuid() == 0:
        subprocess.run(["chattr", "-i", str(folder)], check=True, capture_output=True)
    folder.chmod(0o755)


def test_unwritable_reports_directory_fails_with_one_swedish_line(published):
    """A write-protected reports/ gives status 1, one Swedish line naming it, old report kept."""
    params, target, before = published
    reports = target.parent
    _immutable(reports)
    try:
        with pytest.raises(PermissionError):
            (reports / "probe").mkdir()
        result = run_cli("run", str(params))
    finally:
        _mutable(reports)

    assert result.returncode == 1, result.stderr
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert message.startswith(f"hso-eval: Ingen skrivrätt i {reports}")
    assert "Kör " not in result.stdout
    assert tree(target) == before


def test_output_dir_under_a_file_fails_with_one_swedish_line(tmp_path):
    """An output_dir whose parent is a file gives status 1 and one Swedish line naming it."""
    blocker = tmp_path / "rapporter"
    blocker.write_text("en fil, inte en mapp\n", encoding="utf-8")
    params = write_params(tmp_path, "2024H1", output_dir=str(blocker / "2024H1"))

    result = run_cli("run", str(params))

    assert result.returncode == 1, result.stderr
    message = result.stderr.strip()
    assert len(message.splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert str(blocker) in message
    assert "inte en mapp" in message


# ---------------------------------------------------------------------------------------------
# A full disk (simulated in-process: mounting a small file system needs privileges CI lacks)
def test_disk_error_message_says_the_disk_is_full(tmp_path):
    """ENOSPC becomes 'Disken är full' with the directory and what to do."""
    from hso_eval.publish import disk_error_message

    message = disk_error_message(OSError(errno.ENOSPC, "No space left on device"), tmp_path)
    assert message.startswith(f"Disken är full: kunde inte skriva i {tmp_path}.")
    assert "Frigör utrymme" in message


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def _fake_notebooks(params, staging, cache, record, *, progress):
    """Stand-in for the kernels: what a successful notebook phase leaves in staging."""
    (staging / "halvarsrapport.html").write_text("<p>ny</p>", encoding="utf-8")


@pytest.mark.parametrize("phase", ["notebooks", "publishing"])
def test_full_disk_fails_with_the_swedish_message_and_keeps_the_old_report(
    published, monkeypatch, phase
):
    """A full disk while running or publishing raises 'Disken är full'; the old report stays."""
    from hso_eval import runner
    from hso_eval.config import load_params
    from hso_eval.errors import RunError

    params_file, target, before = published
    if phase == "notebooks":
        monkeypatch.setattr(runner, "_execute_notebooks", _enospc)
    else:
        monkeypatch.setattr(runner, "_execute_notebooks", _fake_notebooks)
        monkeypatch.setattr(runner, "publish_directory", _enospc)

    with pytest.raises(RunError) as caught:
        runner.run_period(load_params(params_file))

    assert str(caught.value).startswith(f"Disken är full: kunde inte skriva i {target.parent}.")
    assert caught.value.exit_code == 1
    assert tree(target) == before
    assert leftovers(target.parent) == []
    failed = list((target.parent / "_misslyckade").glob("2024H1-*"))
    assert len(failed) == 1
    record = json.loads((failed[0] / "run.json").read_text(encoding="utf-8"))
    assert record["status"] == "failed" and record["error"].startswith("Disken är full")


# ---------------------------------------------------------------------------------------------
# SIGTERM (systemd stopping the service, `kill <pid>`)
def alive(pid: int) -> bool:
    """Whether process `pid` still runs (a zombie, killed but not yet reaped, does not)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def kernels_running_the_report(proc: subprocess.Popen, reports: Path) -> list[int]:
    """Wait until the half-year report's notebook (the longest) runs in a kernel of `proc`;
    return the kernels' process ids."""
    wait_for(
        proc,
        lambda: (
            next(iter(reports.glob(".staging-*/notebooks/halvarsrapport.ipynb")), None)
            if descendants(proc.pid)
            else None
        ),
    )
    return descendants(proc.pid)


def assert_all_ended(kernels: list[int]) -> None:
    """Every one of `kernels` has ended (killed before the run ended; reaped once it has)."""
    deadline = time.monotonic() + 5
    while any(alive(pid) for pid in kernels) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kernels and not any(alive(pid) for pid in kernels)


def test_sigterm_mid_run_cleans_up_keeps_the_failed_copy_and_says_so(tmp_path):
    """SIGTERM during a notebook: status 143, one Swedish line, the previous publication byte
    for byte, no hidden work folders left, the lock free, and a failed copy saying why.
    The kernels run in sessions of their own, so the signal does not reach them: the run kills
    them rather than waiting for the notebooks to finish, and logs those as stopped."""
    from hso_eval.publish import RunLock

    params = write_params(tmp_path, "2024H1")
    target = tmp_path / "reports" / "2024H1"
    target.mkdir(parents=True)
    (target / "run.json").write_text('{"status": "ok", "period": "2024H1"}\n', encoding="utf-8")
    before = tree(target)
    proc = subprocess.Popen(
        [sys.executable, "-m", "hso_eval.cli", "run", str(params)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    kernels = kernels_running_the_report(proc, tmp_path / "reports")
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=PATIENCE)

    assert proc.returncode == 128 + signal.SIGTERM, err
    assert err.strip() == "hso-eval: avbruten (SIGTERM).", err
    assert tree(target) == before
    assert leftovers(target.parent) == []
    RunLock(target).acquire().release()  # free: a later run is not told to wait
    [failed] = (target.parent / "_misslyckade").glob("2024H1-*")
    run = json.loads((failed / "run.json").read_text(encoding="utf-8"))
    assert run["status"] == "failed" and "SIGTERM" in run["error"]
    steps = {step["step"]: step["status"] for step in run["steps"]}
    assert steps["Kör halvarsrapport.ipynb"] == "avbrutet", steps
    log = (failed / "run.log").read_text(encoding="utf-8")
    assert "Kör halvarsrapport.ipynb avbrutet" in log and "halvarsrapport.ipynb klart" not in log
    assert_all_ended(kernels)


def test_ctrl_c_pressed_twice_still_stops_the_kernels_and_keeps_every_step(tmp_path):
    """Ctrl+C twice at a terminal (the second while the run stops): status 130, one Swedish
    line, no kernel left running, and the failed copy records the notebooks as stopped."""
    params = write_params(tmp_path, "2024H1")
    proc = subprocess.Popen(
        [sys.executable, "-m", "hso_eval.cli", "run", str(params)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )
    staged = tmp_path / "reports"
    kernels = kernels_running_the_report(proc, staged)
    os.killpg(proc.pid, signal.SIGINT)  # what a terminal sends its foreground job
    time.sleep(0.1)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=PATIENCE)

    assert proc.returncode == 128 + signal.SIGINT, err
    assert err.strip() == "hso-eval: avbruten (Ctrl+C).", err
    assert leftovers(staged) == []
    [failed] = (staged / "_misslyckade").glob("2024H1-*")
    run = json.loads((failed / "run.json").read_text(encoding="utf-8"))
    steps = {step["step"]: step["status"] for step in run["steps"]}
    assert steps["Kör halvarsrapport.ipynb"] == "avbrutet", steps
    assert_all_ended(kernels)
