"""Save or compare every output of read + clean + indicators, value by value (dtypes too).

For optimisation rounds (issue 6), where behaviour must stay identical. Before changing anything:
    .venv/bin/python benchmarks/compare_outputs.py save demo      # and 10k, 100k, 1M
after each change:
    .venv/bin/python benchmarks/compare_outputs.py compare demo   # exits 1 on a difference
Keeps the clean tables, quarantine, warnings, accounts and indicators of a scale in
benchmarks/work/outputs/ (git-ignored). The generated scales come from `make bench` or
benchmarks/generate.py.
"""

from __future__ import annotations

import dataclasses
import pickle
import resource
import sys
import time
from pathlib import Path
from typing import Any

import pandas as pd

BENCH = Path(__file__).resolve().parent
OUTPUTS = BENCH / "work" / "outputs"


def outputs(scale: str) -> dict[str, Any]:
    """Everything read + clean + indicators produce for `scale` (benchmarks/run.py's inputs)."""
    sys.path.insert(0, str(BENCH))
    from run import _scale_params

    from hso_eval.clean import clean_tables
    from hso_eval.config import build_params
    from hso_eval.indicators import compute_indicators
    from hso_eval.read import ACTIVITY_SPEC, PARTICIPANT_SPEC, read_table

    params = build_params(_scale_params(scale))
    key = params.load_key()
    t0 = time.perf_counter()
    raw_a = read_table(params.activities, ACTIVITY_SPEC, params.activities_sheet)
    raw_p = read_table(params.participants, PARTICIPANT_SPEC, params.participants_sheet)
    t1 = time.perf_counter()
    a, p = clean_tables(raw_a, raw_p, params.project, params.period, key)
    t2 = time.perf_counter()
    indicators = compute_indicators(a.table, p.table, params.project, params.period)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{scale}: read {t1 - t0:.3f} s, clean {t2 - t1:.3f} s, peak RSS {peak:.0f} MB")
    return {
        "activities": a.table,
        "activities quarantine": a.quarantine,
        "activities warnings": a.warnings,
        "activities account": dataclasses.asdict(a.account),
        "participations": p.table,
        "participants quarantine": p.quarantine,
        "participants warnings": p.warnings,
        "participants account": dataclasses.asdict(p.account),
        "indicators": indicators,
    }


def differences(saved: dict[str, Any], now: dict[str, Any]) -> list[str]:
    found = []
    for name, before in saved.items():
        after = now[name]
        if isinstance(before, pd.DataFrame):
            try:  # exact values, dtypes, index and column order
                pd.testing.assert_frame_equal(before, after, check_exact=True)
            except AssertionError as exc:
                found.append(f"{name}: {str(exc)[:1500]}")
        elif before != after:
            found.append(f"{name}: {before!r} != {after!r}")
    return found


def main() -> int:
    mode, scale = sys.argv[1], sys.argv[2]
    path = OUTPUTS / f"{scale}.pkl"
    now = outputs(scale)
    if mode == "save":
        OUTPUTS.mkdir(parents=True, exist_ok=True)
        path.write_bytes(pickle.dumps(now))
        print(f"saved {path}")
        return 0
    found = differences(pickle.loads(path.read_bytes()), now)
    print("\n".join(found) or f"{scale}: identical")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
