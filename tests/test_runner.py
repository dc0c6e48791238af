"""What `run-all` treats as a change: the runner's fingerprint of a period."""

from __future__ import annotations

import shutil

from hso_eval.config import build_params
from hso_eval.runner import fingerprint, key_fingerprint


def _params(tmp_path, key: bytes, narrative: str = "## Inledning\n\nText.\n"):
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


def test_key_fingerprint_does_not_reveal_the_key():
    """The key's fingerprint is short, stable, and does not contain the key."""
    key = b"hemlig-nyckel-" + b"x" * 20
    assert key_fingerprint(key) == key_fingerprint(key)
    assert len(key_fingerprint(key)) == 12
    assert key.decode() not in key_fingerprint(key)
