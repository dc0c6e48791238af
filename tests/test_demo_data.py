"""The demo data: generated deterministically, committed as generated, and true to the seed facts.

These tests read the files with pandas and openpyxl directly, not with hso_eval's reader.
"""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "make_demo.py"
DEMO = ROOT / "data" / "demo"
GENERATED = [
    "aktiviteter.xlsx",
    "deltagare.csv",
    "deltagare.xlsx",
    "berattelse/2024H1.md",
    "berattelse/2024H2.md",
    "README.md",
]
PARTICIPANT_HEADERS = [
    "aktivitets_id",
    "namn",
    "e-post",
    "organisation",
    "organisationstyp",
    "kommun",
    "kön",
    "roll",
]
SECTIONS = [
    "Inledning",
    "Strukturer, rutiner och rapportering",
    "Kommunikation och information",
    "Organisation",
    "Genomförda aktiviteter",
    "Planerade aktiviteter",
]
MONTHS = {"juni": 6, "jun": 6}


def generate(out: Path) -> Path:
    subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    return out


@pytest.fixture(scope="module")
def fresh(tmp_path_factory) -> Path:
    """One fresh generation for the module."""
    return generate(tmp_path_factory.mktemp("demo_fresh"))


def cell_values(path: Path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(c.value for c in row) for row in ws.iter_rows()] for ws in wb}


def as_date(value) -> date | None:
    """A register date (Excel cell or one of the demo's accepted text forms) as a date."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if m := re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", text):
        return date(int(m[1]), int(m[2]), int(m[3]))
    if m := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text):
        try:
            return date(int(m[3]), int(m[2]), int(m[1]))
        except ValueError:
            return None
    if m := re.fullmatch(r"(\d{1,2}) (\w+) (\d{4})", text):
        return date(int(m[3]), MONTHS[m[2].lower()], int(m[1]))
    return None


@pytest.fixture(scope="module")
def register() -> list[dict]:
    """The committed activity register's non-blank data rows, as dicts keyed by header."""
    ws = load_workbook(DEMO / "aktiviteter.xlsx")["Aktiviteter"]
    rows = list(ws.iter_rows(values_only=True))
    header = [str(v) for v in rows[2]]
    return [dict(zip(header, r, strict=True)) for r in rows[3:] if any(v is not None for v in r)]


@pytest.fixture(scope="module")
def participants() -> pd.DataFrame:
    """The committed participant CSV, every value as text."""
    return pd.read_csv(
        DEMO / "deltagare.csv", sep=";", encoding="cp1252", dtype=str, keep_default_na=False
    )


@pytest.fixture(scope="module")
def project() -> dict:
    """The project configuration as plain YAML."""
    return yaml.safe_load((ROOT / "params" / "project.yaml").read_text(encoding="utf-8"))


def partner_municipality(text, project: dict) -> str | None:
    """The partner municipality a register's `kommun` value names, if any."""
    value = str(text or "").strip().casefold()
    for partner in project["partners"]:
        if partner["type"] != "kommun":
            continue
        forms = [partner["municipality"], partner["name"], *partner.get("aliases", [])]
        if value in {f.casefold() for f in forms}:
            return partner["municipality"]
    return None


# ---------------------------------------------------------------------------------------------
def test_generator_is_deterministic(fresh, tmp_path):
    """Two runs give byte-identical CSV, Markdown and xlsx files, and identical cell values."""
    again = generate(tmp_path / "again")
    for name in GENERATED:
        assert (fresh / name).read_bytes() == (again / name).read_bytes(), name
    for name in ("aktiviteter.xlsx", "deltagare.xlsx"):
        assert cell_values(fresh / name) == cell_values(again / name), name


def test_committed_outputs_equal_a_fresh_generation(fresh):
    """The files in data/demo are exactly what the committed generator writes."""
    for name in ("deltagare.csv", "berattelse/2024H1.md", "berattelse/2024H2.md", "README.md"):
        assert (DEMO / name).read_bytes() == (fresh / name).read_bytes(), name
    for name in ("aktiviteter.xlsx", "deltagare.xlsx"):
        assert cell_values(DEMO / name) == cell_values(fresh / name), name


def test_the_demo_key_and_inputs_are_the_ones_config_knows():
    """config refuses the public demo key for anything but these files, known by content: the
    list must be the generated files' (regenerating the demo data means updating it)."""
    import hashlib

    from hso_eval.config import DEMO_INPUT_SHA256, DEMO_KEY_SHA256, _hmac_key

    inputs = {
        hashlib.sha256((DEMO / name).read_bytes()).hexdigest(): (DEMO / name).stat().st_size
        for name in ("aktiviteter.xlsx", "deltagare.csv", "deltagare.xlsx")
    }
    assert inputs == DEMO_INPUT_SHA256
    key = (DEMO / "demo-nyckel.txt").read_bytes().strip()
    assert hashlib.sha256(_hmac_key(key)).hexdigest() == DEMO_KEY_SHA256


def test_csv_is_windows_1252_and_semicolon_separated():
    """deltagare.csv is cp1252 (not UTF-8), ;-separated, and Å/Ä/Ö decode correctly."""
    raw = (DEMO / "deltagare.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert text.splitlines()[0].split(";") == PARTICIPANT_HEADERS
    assert "Örnsköldsviks kommun" in text
    assert "Märta Åkerström" in text


def test_participant_xlsx_holds_the_same_rows_as_the_csv(participants):
    """deltagare.xlsx has the CSV's rows, under accepted header variants, on sheet Deltagare."""
    frame = pd.read_excel(
        DEMO / "deltagare.xlsx",
        sheet_name="Deltagare",
        dtype=str,
        keep_default_na=False,
        engine="openpyxl",
    )
    assert [c.casefold() for c in frame.columns] != list(PARTICIPANT_HEADERS)
    frame.columns = PARTICIPANT_HEADERS  # E-post, orgtyp, Kön are accepted variants
    assert frame.equals(participants)


def test_register_layout(register):
    """The register has two title rows, the contract's headers in row 3 and 2024/2025 rows."""
    ws = load_workbook(DEMO / "aktiviteter.xlsx")["Aktiviteter"]
    assert ws["A1"].value == "HSO – aktivitetsregister"
    assert str(ws["A2"].value).startswith("Uppdaterad 2025-01")
    assert [c.value for c in ws[3]][:3] == ["aktivitets_id", "datum", "slutdatum"]
    statuses = {r["status"] for r in register}
    assert statuses == {"genomförd", "planerad", "inställd"}
    assert all(re.fullmatch(r"HSO-202[45]-\d{3}", r["aktivitets_id"]) for r in register)


def test_every_email_is_in_a_reserved_example_domain(participants, register):
    """Every e-mail domain (and every link) ends in .example; only the documented typo has none."""
    emails = [e.strip() for e in participants["e-post"] if e.strip()]
    assert len(emails) > 300
    without_domain = [e for e in emails if not e.split("@", 1)[1:] or not e.split("@", 1)[1]]
    assert without_domain == ["lars.berg@"]
    for email in set(emails) - set(without_domain):
        assert email.lower().endswith(".example"), email
    for link in (r["länk"] for r in register if r["länk"]):
        assert re.match(r"https://[^/]+\.example/", link), link


def test_exactly_four_partners_visited_in_spring_2024(register, project):
    """Spring 2024 partner visits reach exactly Härnösand, Kramfors, Sollefteå and Sundsvall."""
    visited = {
        partner_municipality(r["kommun"], project)
        for r in register
        if str(r["aktivitetstyp"]).strip().casefold() in {"partnerbesök", "besök"}
        and r["status"] == "genomförd"
        and (d := as_date(r["datum"])) is not None
        and date(2024, 1, 1) <= d <= date(2024, 6, 30)
    }
    assert visited == {"Härnösand", "Kramfors", "Sollefteå", "Sundsvall"}


@pytest.mark.parametrize(
    ("start", "words", "municipality"),
    [
        (date(2024, 8, 12), "Partnerbesök", "Ånge"),
        (date(2024, 8, 15), "Partnerbesök", "Örnsköldsvik"),
        (date(2024, 9, 20), "Partnerbesök", "Timrå"),
        (date(2024, 9, 3), "Sweco", None),
        (date(2024, 9, 12), "arbetsgrupp", None),
        (date(2024, 10, 10), "Bünsow", None),
        (date(2024, 10, 15), "Samhällsbyggardag", None),
        (date(2024, 10, 24), "Kraft", None),
    ],
)
def test_autumn_facts_are_held_activities(register, project, start, words, municipality):
    """Each planned autumn activity of the seed report is in the register as held, on its date."""
    hits = [
        r
        for r in register
        if as_date(r["datum"]) == start and words.casefold() in str(r["titel"]).casefold()
    ]
    assert len(hits) == 1, (start, words)
    assert hits[0]["status"] == "genomförd"
    if municipality:
        assert partner_municipality(hits[0]["kommun"], project) == municipality
    if words == "Kraft":
        assert as_date(hits[0]["slutdatum"]) == date(2024, 10, 25)


def test_reference_group_met_in_december_and_2025_is_planned(register):
    """A referensgruppsmöte is held in December 2024, and the 2025 rows are all planned."""
    december = [
        r
        for r in register
        if r["aktivitetstyp"] == "referensgruppsmöte"
        and r["status"] == "genomförd"
        and (as_date(r["datum"]) or date.min).strftime("%Y-%m") == "2024-12"
    ]
    assert len(december) == 1
    later = [r for r in register if (as_date(r["datum"]) or date.min) >= date(2025, 1, 1)]
    assert later and all(r["status"] == "planerad" for r in later)


def test_mingle_has_only_an_approximate_count(register, participants):
    """The Almedalen mingle says `ca 250` and has no participant list."""
    mingle = [r for r in register if "mingel" in str(r["titel"]).casefold()]
    assert len(mingle) == 1
    assert mingle[0]["antal_deltagare"] == "ca 250"
    assert mingle[0]["aktivitets_id"] not in set(participants["aktivitets_id"])


def test_no_staff_or_lead_names_among_participants(participants, project):
    """No participant has the name of someone in the project office or a work-package lead."""
    staff = {p["name"] for p in project["organisation"]["project_office"]}
    staff |= {wp["lead"].split(",")[0] for wp in project["work_packages"]}
    staff = {s.casefold() for s in staff if len(s.split()) == 2}
    assert "annelie axelsson" in staff and "frida bergman" in staff
    names = {n.strip().casefold() for n in participants["namn"]}
    assert not names & staff


def test_participants_are_many_people_attending_several_activities(participants):
    """About 120 distinct people make 400–600 participation rows across both halves of 2024."""
    people = participants.loc[participants["e-post"] != "", "e-post"].str.lower().nunique()
    assert 100 <= people <= 140
    assert 400 <= len(participants) <= 600
    ids = participants["aktivitets_id"]
    assert ids.str.startswith("HSO-2024-0").all()
    assert (ids < "HSO-2024-029").any() and (ids >= "HSO-2024-029").any()
    roles = set(participants["roll"])
    assert {"talare", "moderator", "deltagare"} <= roles


def test_deliberate_mistakes_are_present(register, participants):
    """The documented typing mistakes are in the files (see data/demo/README.md)."""
    assert sum(r["datum"] == "31/02/2024" for r in register) == 1
    assert sum(r["kommun"] == "Västernorrland" for r in register) == 1
    assert sum(r["antal_deltagare"] == "många" for r in register) == 1
    keys = [tuple(r.values()) for r in register]
    assert len(keys) - len(set(keys)) == 1  # one exact duplicate row
    no_identity = participants[(participants["namn"] == "") & (participants["e-post"] == "")]
    assert len(no_identity) == 1
    known = {r["aktivitets_id"] for r in register}
    assert set(participants["aktivitets_id"]) - known == {"HSO-2024-093"}
    with_email = participants[participants["e-post"] != ""]
    same = with_email.assign(e=with_email["e-post"].str.lower())
    assert same.duplicated(["aktivitets_id", "e"]).sum() == 1
    assert (participants["organisationstyp"] == "kommunal").sum() == 1
    assert (participants["namn"] == "  Märta Åkerström ").sum() == 1
    readme = (DEMO / "README.md").read_text(encoding="utf-8")
    for text in ("31/02/2024", "Västernorrland", "många", "HSO-2024-093", "lars.berg@", "kommunal"):
        assert text in readme, text
    # The accepted variants the README names are in the list, written as named.
    named = re.search(r"organisationstyper som (.*?), kommun som", readme, re.S)
    variants = re.findall(r"`([^`]+)`", named.group(1))
    assert len(variants) >= 3
    assert set(variants) <= set(participants["organisationstyp"])


def test_quarantined_activity_has_no_participants(register, participants):
    """The activity with the impossible date is a filler: no participant row points at it."""
    bad = [r["aktivitets_id"] for r in register if r["datum"] == "31/02/2024"]
    assert bad and bad[0] not in set(participants["aktivitets_id"])


@pytest.mark.parametrize("period", ["2024H1", "2024H2"])
def test_narratives_have_the_six_sections(period):
    """Each narrative has exactly the six level-2 headings, in order, and no level-1 heading."""
    text = (DEMO / "berattelse" / f"{period}.md").read_text(encoding="utf-8")
    assert re.findall(r"^## (.+)$", text, flags=re.M) == SECTIONS
    assert not re.search(r"^# ", text, flags=re.M)
    assert "Axelsson" not in text and "Rönnerberg" not in text
