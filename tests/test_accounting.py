"""Row accounting under random corruption: read = clean + quarantined + merged, for both files."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from hso_eval.clean import clean_activities, clean_participants
from hso_eval.config import load_project
from hso_eval.periods import Period
from hso_eval.read import ACTIVITY_SPEC, PARTICIPANT_SPEC, read_table

REPO = Path(__file__).resolve().parents[1]
PROJECT = load_project(REPO / "params" / "project.yaml")
PERIOD = Period.parse("2024H1")
KEY = b"accounting-key-0123456789abcdef"

A_HEAD = [
    "aktivitets_id",
    "datum",
    "arbetspaket",
    "aktivitetstyp",
    "titel",
    "kommun",
    "antal_deltagare",
]
P_HEAD = ["aktivitets_id", "namn", "e-post", "organisation", "kön"]

IDS = st.sampled_from(["A1", "A2", "A3", "A4", "17", "", " A1 ", "X9"])
DATES = st.sampled_from(
    [
        "2024-03-15",
        "12/6/2024",
        "12 juni 2024",
        "45455",
        "31/02/2024",
        "",
        "igår",
        "2019-01-01",
        "2030-01-01",
    ]
)
APS = st.sampled_from(["AP1", "ap 2", "Påverkansarbete", "AP9", "", "4"])
TYPES = st.sampled_from(["möte", "Webbinarium", "fika", "", "besök"])
TITLES = st.sampled_from(["Möte", "", "  ", "Åsa; Ö", "+1+1"])
MUNICIPALITIES = st.sampled_from(["", "Sundsvall", "Övik", "Gotham"])
COUNTS = st.sampled_from(["", "25", "ca 250", "många", "-1"])
TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8)

ACTIVITY_ROW = st.tuples(IDS, DATES, APS, TYPES, TITLES, MUNICIPALITIES, COUNTS | TEXT).map(list)
PARTICIPANT_ROW = st.tuples(
    IDS,
    st.sampled_from(["", "Åsa Öberg", "åsa  öberg", "Bo Ek"]) | TEXT,
    st.sampled_from(["", "asa@hso.example", "ASA@hso.example ", "fel(at)hso", "bo@hso.example"]),
    st.sampled_from(["", "Timrå kommun", "timrå kommun"]),
    st.sampled_from(["", "K", "man", "vet ej"]),
).map(list)


def corrupt_sheet(draw, row_strategy, width: int) -> tuple[list[list[str]], int]:
    """Rows with random blank rows and exact duplicates; returns (rows, interior blank count)."""
    rows: list[list[str]] = []
    for _ in range(draw(st.integers(0, 14))):
        kind = draw(st.sampled_from(["row", "row", "row", "blank", "duplicate"]))
        if kind == "blank":
            rows.append([""] * width)
        elif kind == "duplicate" and any(any(c.strip() for c in r) for r in rows):
            candidates = [r for r in rows if any(c.strip() for c in r)]
            rows.append(list(draw(st.sampled_from(candidates))))
        else:
            rows.append(draw(row_strategy))
    nonblank = [i for i, r in enumerate(rows) if any(c.strip() for c in r)]
    interior = [r for r in rows[: nonblank[-1] + 1]] if nonblank else []
    blank = sum(1 for r in interior if not any(c.strip() for c in r))
    return rows, blank


@st.composite
def sheets(draw):
    activities, a_blank = corrupt_sheet(draw, ACTIVITY_ROW, len(A_HEAD))
    participants, p_blank = corrupt_sheet(draw, PARTICIPANT_ROW, len(P_HEAD))
    fmt = draw(st.sampled_from(["csv", "xlsx"]))
    return activities, a_blank, participants, p_blank, fmt


def write(directory: Path, name: str, header: list[str], rows: list[list[str]], fmt: str) -> Path:
    path = directory / f"{name}.{fmt}"
    if fmt == "xlsx":
        book = Workbook()
        sheet = book.active
        sheet.append(["Titelrad"])
        sheet.append(header)
        for values in rows:
            sheet.append([v if v.strip() else None for v in values])
            for c in sheet[sheet.max_row]:
                if c.data_type == "f":  # text typed as '=0 in Excel: a string, not a formula
                    c.data_type = "s"
        book.save(path)
    else:

        def cell(v: str) -> str:
            return '"' + v.replace('"', '""') + '"'

        lines = [";".join(header), *(";".join(cell(v) for v in r) for r in rows)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sheets())
def test_every_row_is_accounted_for(data):
    """For both files, read = clean + quarantined + merged; blank rows are counted apart."""
    activity_rows, a_blank, participant_rows, p_blank, fmt = data
    with tempfile.TemporaryDirectory() as tmp:
        directory = Path(tmp)
        a_raw = read_table(
            write(directory, "aktiviteter", A_HEAD, activity_rows, fmt), ACTIVITY_SPEC
        )
        p_raw = read_table(
            write(directory, "deltagare", P_HEAD, participant_rows, fmt), PARTICIPANT_SPEC
        )

    act = clean_activities(a_raw, PROJECT, PERIOD)
    par = clean_participants(p_raw, act.table, KEY)
    expected_read = {
        "activities": sum(1 for r in activity_rows if any(c.strip() for c in r)),
        "participants": sum(1 for r in participant_rows if any(c.strip() for c in r)),
    }
    for cleaned, blank in ((act, a_blank), (par, p_blank)):
        account = cleaned.account
        assert account.read == expected_read[account.role]
        assert account.read == account.clean + account.quarantined + account.merged
        assert account.blank == blank
        assert len(cleaned.table) == account.clean
        assert cleaned.quarantine["row"].nunique() == account.quarantined
        assert not set(cleaned.quarantine["row"]) & set(cleaned.table["source_row"])
        # Every merged row is listed once, and is neither clean nor quarantined.
        assert cleaned.merges["row"].is_unique and len(cleaned.merges) == account.merged
        merged = set(cleaned.merges["row"])
        assert not merged & (set(cleaned.quarantine["row"]) | set(cleaned.table["source_row"]))
    assert act.table["activity_id"].is_unique
    assert set(par.table["activity_id"]) <= set(act.table["activity_id"])
