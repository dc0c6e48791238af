"""deploy/: the cron line and the systemd units are valid and work as written on a fresh clone."""

from __future__ import annotations

import configparser
import os
import re
import secrets
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, install_demo_as_real_periods

DEPLOY = ROOT / "deploy"
SERVER_ROOT = "/srv/hso_eval"
ENV_FILE = "/etc/hso-eval/hso-eval.env"

# ---------------------------------------------------------------------------------------------
# A small crontab validator (the five-field format of `crontab -e`)
FIELDS = (  # name, lowest, highest, names allowed in place of numbers
    ("minut", 0, 59, ()),
    ("timme", 0, 23, ()),
    ("dag", 1, 31, ()),
    (
        "månad",
        1,
        12,
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"],
    ),
    ("veckodag", 0, 7, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]),
)


def _value(text: str, low: int, high: int, names: tuple[str, ...] | list[str]) -> int:
    if text.lower() in names:
        return names.index(text.lower()) + (1 if low == 1 else 0)
    if not text.isdigit():
        raise ValueError(f"inte ett tal: {text!r}")
    value = int(text)
    if not low <= value <= high:
        raise ValueError(f"{value} utanför {low}–{high}")
    return value


def check_time_field(field: str, low: int, high: int, names) -> None:
    """Raise ValueError unless `field` is a valid cron time field."""
    for item in field.split(","):
        base, _, step = item.partition("/")
        if step and (not step.isdigit() or int(step) == 0):
            raise ValueError(f"ogiltigt steg: {item!r}")
        if base == "*":
            continue
        first, dash, last = base.partition("-")
        a = _value(first, low, high, names)
        if dash and a > _value(last, low, high, names):
            raise ValueError(f"baklänges intervall: {item!r}")


def parse_cron(text: str) -> list[tuple[list[str], str]]:
    """The job lines of a crontab: (five time fields, command). Raises ValueError if invalid."""
    jobs = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if re.match(r"^[A-Za-z_][A-Za-z0-9_]*\s*=", line):
            continue  # an environment setting such as MAILTO=
        parts = line.split(None, 5)
        if len(parts) < 6:
            raise ValueError(f"för få fält: {line!r}")
        *times, command = parts
        for value, (_name, low, high, names) in zip(times, FIELDS, strict=True):
            check_time_field(value, low, high, names)
        if re.search(r"(?<!\\)%", command):
            raise ValueError("ett oskyddat % blir radbyte i cron")
        jobs.append((times, command))
    return jobs


@pytest.mark.parametrize(
    "line",
    [
        "61 2 * * * true",
        "30 24 * * * true",
        "30 2 0 * * true",
        "30 2 * 13 * true",
        "30 2 * * 8 true",
        "30 2 * * true",
        "30 2 * * * date +%F",
        "*/0 2 * * * true",
        "30 5-2 * * * true",
    ],
)
def test_cron_validator_rejects_bad_lines(line):
    """The validator used below refuses out-of-range fields, missing fields and a bare %."""
    with pytest.raises(ValueError):
        parse_cron(line)


def test_cron_validator_accepts_the_usual_forms():
    """Lists, ranges, steps and names are accepted."""
    jobs = parse_cron("MAILTO=drift@example.org\n0,30 1-5/2 */2 jan-jun mon-fri echo ok\n")
    assert jobs == [(["0,30", "1-5/2", "*/2", "jan-jun", "mon-fri"], "echo ok")]


def test_cron_file_is_one_nightly_run_all_line():
    """deploy/hso-eval.cron holds one valid job: nightly 02.30, run-all --quiet into a log."""
    jobs = parse_cron((DEPLOY / "hso-eval.cron").read_text(encoding="utf-8"))
    assert len(jobs) == 1
    times, command = jobs[0]
    assert times == ["30", "2", "*", "*", "*"]
    assert command.startswith(f"cd {SERVER_ROOT} && ")
    assert ".venv/bin/hso-eval run-all --quiet; } >> reports/cron.log 2>&1" in command
    assert "HSO_PSEUDONYM_KEY=" not in command  # the key comes from the root-owned file


def test_cron_says_in_its_log_when_the_account_may_not_read_the_environment_file(tmp_path):
    """The environment file left to root (systemd's instructions chown it; a switch to cron may
    not): the job stops with status 2 and says so in reports/cron.log, the log the docs point
    to, not only in cron's mail. (As root, who reads any file, without that capability.)"""
    server = tmp_path / "hso_eval"
    server.mkdir()
    env_file = tmp_path / "hso-eval.env"
    env_file.write_text(f"HSO_PSEUDONYM_KEY={secrets.token_hex(32)}\n", encoding="utf-8")
    env_file.chmod(0)
    [(_, command)] = parse_cron((DEPLOY / "hso-eval.cron").read_text(encoding="utf-8"))
    command = command.replace(SERVER_ROOT, str(server)).replace(ENV_FILE, str(env_file))
    shell = ["/bin/sh", "-c", command]
    if os.geteuid() == 0:
        caps = "-dac_override,-dac_read_search"
        shell = ["setpriv", f"--inh-caps={caps}", f"--bounding-set={caps}", *shell]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "SHELL": "/bin/sh"}
    result = subprocess.run(shell, cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stdout == result.stderr == ""
    log = (server / "reports" / "cron.log").read_text(encoding="utf-8")
    assert f"hso-eval: {env_file} kan inte läsas av kontot" in log
    assert "ingen period körd" in log


def _fresh_clone(dest: Path) -> Path:
    """The tracked files of the working tree, as `git clone` would give them, plus the venv."""
    files = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.split(b"\0")
    for name in filter(None, (f.decode() for f in files)):
        if (ROOT / name).is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, dest / name)
    (dest / ".venv").symlink_to(ROOT / ".venv")  # what `make setup` creates
    return dest


@pytest.mark.e2e
def test_cron_command_works_as_written_on_a_fresh_clone(tmp_path):
    """The cron command, run by /bin/sh in a fresh clone with cron's bare environment, publishes."""
    clone = _fresh_clone(tmp_path / "hso_eval")
    assert not (clone / "reports").exists()
    # Real periods live in params/ and take the key from the environment file, not from a key
    # file in the repo.
    install_demo_as_real_periods(clone, keep_key=False)
    env_file = tmp_path / "hso-eval.env"
    env_file.write_text(f"HSO_PSEUDONYM_KEY={secrets.token_hex(32)}\n", encoding="utf-8")
    env_file.chmod(0o600)
    [(_, command)] = parse_cron((DEPLOY / "hso-eval.cron").read_text(encoding="utf-8"))
    command = command.replace(SERVER_ROOT, str(clone)).replace(ENV_FILE, str(env_file))
    cron_env = {
        "PATH": "/usr/bin:/bin",
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "SHELL": "/bin/sh",
    }

    result = subprocess.run(
        ["/bin/sh", "-c", command], cwd=tmp_path, env=cron_env, capture_output=True, text=True
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == result.stderr == ""  # everything went to the log
    log = (clone / "reports" / "cron.log").read_text(encoding="utf-8").splitlines()
    assert [re.sub(r" \(\d+,\d s\)", "", line) for line in log] == [
        "2024H1: körd, 3 rader i karantän (se datakvalitet.html)",
        "2024H2: körd, 3 rader i karantän (se datakvalitet.html)",
    ]
    for period in ("2024H1", "2024H2"):
        assert (clone / "reports" / period / "halvarsrapport.html").is_file()


# ---------------------------------------------------------------------------------------------
def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(
        strict=True, interpolation=None, delimiters=("=",), comment_prefixes=("#", ";")
    )
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"), source=name)
    return parser


def test_systemd_units_are_valid_and_start_run_all_from_the_venv(tmp_path):
    """The service is a oneshot running .venv/bin/hso-eval run-all with the key from a file."""
    service, timer = _unit("hso-eval.service"), _unit("hso-eval.timer")
    assert service.sections() == ["Unit", "Service", "Install"]
    assert timer.sections() == ["Unit", "Timer", "Install"]

    svc = service["Service"]
    assert svc["Type"] == "oneshot"
    assert svc["WorkingDirectory"] == SERVER_ROOT
    assert svc["ExecStart"].split()[:2] == [f"{SERVER_ROOT}/.venv/bin/hso-eval", "run-all"]
    assert svc["EnvironmentFile"] == ENV_FILE  # root-only file, never the key itself
    assert svc["KillMode"] == "mixed"  # `systemctl stop` signals hso-eval, which stops the kernels
    assert "HSO_PSEUDONYM_KEY" not in svc.get("Environment", "")
    assert timer["Timer"]["OnCalendar"] == "*-*-* 02:30:00"  # same time as the cron line
    assert timer["Timer"]["Unit"] == "hso-eval.service"
    assert timer["Install"]["WantedBy"] == "timers.target"

    analyze = shutil.which("systemd-analyze")
    if analyze:  # where systemd's own checker exists, it must agree
        server = tmp_path / "srv"
        server.mkdir()
        (server / ".venv").symlink_to(ROOT / ".venv")
        for name in ("hso-eval.service", "hso-eval.timer"):
            text = (DEPLOY / name).read_text(encoding="utf-8").replace(SERVER_ROOT, str(server))
            (tmp_path / name).write_text(text, encoding="utf-8")
        verify = subprocess.run(
            [
                analyze,
                "verify",
                str(tmp_path / "hso-eval.service"),
                str(tmp_path / "hso-eval.timer"),
            ],
            capture_output=True,
            text=True,
        )
        assert verify.returncode == 0, verify.stderr
        assert "hso-eval" not in verify.stdout + verify.stderr
        calendar = subprocess.run(
            [analyze, "calendar", timer["Timer"]["OnCalendar"]], capture_output=True, text=True
        )
        assert calendar.returncode == 0, calendar.stderr
        assert "02:30:00" in calendar.stdout


def test_operations_guide_covers_the_deploy_files_and_every_exit_status():
    """docs/drift.md names the deploy files, explains statuses 0–3 and the key rotation."""
    guide = (ROOT / "docs" / "drift.md").read_text(encoding="utf-8")
    for name in ("deploy/hso-eval.cron", "deploy/hso-eval.service", "deploy/hso-eval.timer"):
        assert name in guide
    for status in "0123":
        assert re.search(rf"^\| {status} \|", guide, re.M), status
    assert "run-all --force" in guide and "fingeravtryck" in guide.lower()
    # The cron line to paste is the deploy file's, as it stands.
    [(times, command)] = parse_cron((DEPLOY / "hso-eval.cron").read_text(encoding="utf-8"))
    assert f"\n{' '.join(times)} {command}\n" in guide
