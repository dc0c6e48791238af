"""Tests for hso_eval.evaluation: the evaluation package for Sweco."""

from __future__ import annotations

import csv
import hashlib
import hmac
import json
import re
import shutil
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from hso_eval import evaluation
from hso_eval.config import build_params
from hso_eval.context import PeriodData
from hso_eval.tables import (
    ACTIVITY_COLUMNS,
    ISSUE_COLUMNS,
    MASK,
    PARTICIPATION_COLUMNS,
    CleanResult,
    FileAccount,
    conform,
)

ROOT = Path(__file__).resolve().parents[1]
KEY = b"testnyckel-for-utvarderingsunderlag-0123456789"
CREATED = datetime(2024, 7, 15, 8, 30, tzinfo=UTC)
HYPERLINK = '=HYPERLINK("http://x","klick")'

#: The fixture's people: name and e-mail. None of this may reach the package.
PEOPLE: dict[str, tuple[str, str]] = {
    "anna": ("Anna Andersson", "anna.andersson@example.example"),
    "bertil": ("Bertil Bergqvist", "bertil.bergqvist@example.example"),
    "cecilia": ("Cecilia Cederlund", "cecilia.cederlund@example.example"),
    "david": ("David Dahlgren", "david.dahlgren@example.example"),
    "eva": ("Eva Ekström", "eva.ekstrom@example.example"),
}


def person_key(who: str) -> str:
    """The keyed pseudonym as clean computes it (HMAC-SHA256 of the e-mail, 20 hex characters)."""
    return hmac.new(KEY, PEOPLE[who][1].encode(), hashlib.sha256).hexdigest()[:20]


def make_activities() -> pd.DataFrame:
    """Five activities: three held in 2024H1, one cancelled in H1, one planned in H2."""
    rows = [
        # id, start, end, wp, type, title, description, place, municipality, code, status,
        # organiser_role, attendance, approx, women, men, parties, link
        ("A1", "2024-02-01", None, "AP1", "workshop", HYPERLINK, "-minus först", "@plats",
         "Härnösand", "2280", "genomförd", "egen", 12, False, 5, 7,
         "Härnösands kommun; Region Västernorrland", "https://hso.example.org/a1"),
        ("A2", "2024-03-15", None, "AP2", "partnerbesök", "Partnerbesök Kramfors", None, None,
         "Kramfors", "2282", "genomförd", "egen", None, False, None, None, None, None),
        ("A3", "2024-05-20", "2024-05-21", "AP3", "seminarium", "+Seminarium om planering",
         "Två dagar", "Sundsvall", "Sundsvall", "2281", "genomförd", "samarrangemang", 250, True,
         None, None, None, None),
        ("A5", "2024-06-01", None, "AP1", "konferens", "Inställd konferens", None, None, None,
         None, "inställd", "deltagande", None, False, None, None, None, None),
        ("A4", "2024-09-10", None, "AP4", "möte", "Planerat möte", None, None, "Timrå", "2262",
         "planerad", "egen", None, False, None, None, None, None),
    ]  # fmt: skip
    frame = pd.DataFrame(rows, columns=list(ACTIVITY_COLUMNS)[:-1])
    frame["start_date"] = pd.to_datetime(frame["start_date"])
    frame["end_date"] = pd.to_datetime(frame["end_date"])
    frame["source_row"] = range(2, 2 + len(frame))
    return conform(frame, ACTIVITY_COLUMNS)


def make_participations() -> pd.DataFrame:
    """Participations; "härnösands kommun" is a case variant of "Härnösands kommun"."""
    rows = [
        ("A1", "anna", "Härnösands kommun", "kommun", "Härnösand", "kvinna", "talare"),
        ("A1", "bertil", "Region Västernorrland", "region", None, "man", "deltagare"),
        ("A1", "cecilia", "Mittuniversitetet", "akademi", "Sundsvall", "kvinna", "moderator"),
        ("A1", "david", "Härnösands kommun", "kommun", "Härnösand", "man", "deltagare"),
        ("A2", "anna", "härnösands kommun", "kommun", "Härnösand", "kvinna", "deltagare"),
        ("A2", "eva", "Kramfors kommun", "kommun", "Kramfors", "kvinna", "deltagare"),
        ("A2", "bertil", "Region Västernorrland", "region", None, "man", "deltagare"),
        ("A3", "cecilia", "Mittuniversitetet", "akademi", "Sundsvall", "kvinna", "talare"),
        ("A3", "eva", "Kramfors kommun", "kommun", "Kramfors", "kvinna", "deltagare"),
        ("A3", "david", None, None, None, "ej angivet", "deltagare"),
        ("A4", "anna", "Härnösands kommun", "kommun", "Härnösand", "kvinna", "deltagare"),
        ("A4", "bertil", "Region Västernorrland", "region", None, "man", "deltagare"),
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            *("activity_id", "who", "organisation", "organisation_type", "municipality"),
            *("gender", "role"),
        ],
    )
    frame["person_key"] = frame["who"].map(person_key)
    codes = {"Härnösand": "2280", "Kramfors": "2282", "Sundsvall": "2281"}
    frame["municipality_code"] = frame["municipality"].map(codes)
    frame["source_row"] = range(2, 2 + len(frame))
    return conform(frame, PARTICIPATION_COLUMNS)


def make_issues(kind: str) -> pd.DataFrame:
    """Quarantine or warnings, with personal data in `value` and `message` on purpose."""
    name, email = PEOPLE["anna"]
    if kind == "quarantine":
        rows = [
            ("deltagare.csv", "participants", 14, "aktivitets_id", "A99", "unknown_activity",
             f"deltagare.csv rad 14: {name} på okänd aktivitet A99"),
            ("deltagare.csv", "participants", 15, "", MASK, "no_identity", "Varken namn"),
            ("aktiviteter.xlsx", "activities", 7, "datum", "31/02/2024", "unparseable_date",
             "inget datum"),
        ]  # fmt: skip
    else:
        rows = [
            ("deltagare.csv", "participants", 3, "e-post", email, "invalid_email", email),
            ("deltagare.csv", "participants", 4, "e-post", "x@", "invalid_email", "x@"),
            ("deltagare.csv", "participants", 4, "kön", "q", "unknown_gender", "q"),
        ]
    return conform(pd.DataFrame(rows, columns=list(ISSUE_COLUMNS)), ISSUE_COLUMNS)


def make_clean() -> CleanResult:
    """A small CleanResult that conforms to tables.py."""
    accounts = [
        FileAccount("activities", "data/demo/aktiviteter.xlsx", "0" * 64, read=6, clean=5,
                    quarantined=1, blank=1),
        FileAccount("participants", "data/demo/deltagare.csv", "1" * 64, read=15, clean=12,
                    quarantined=2, merged=1),
    ]  # fmt: skip
    return CleanResult(
        activities=make_activities(),
        participations=make_participations(),
        quarantine=make_issues("quarantine"),
        warnings=make_issues("warnings"),
        accounts=accounts,
    )


def make_period_data(tmp: Path, period: str, clean: CleanResult | None = None) -> PeriodData:
    """PeriodData for `period` on the fixture's clean tables; the key lives in a file."""
    tmp.mkdir(parents=True, exist_ok=True)
    key_file = tmp / "nyckel.txt"
    key_file.write_bytes(KEY)
    for name in ("aktiviteter.xlsx", "deltagare.csv"):
        (tmp / name).write_bytes(b"")
    params = build_params(
        {
            "period": period,
            "project": str(ROOT / "params" / "project.yaml"),
            "activities": str(tmp / "aktiviteter.xlsx"),
            "participants": str(tmp / "deltagare.csv"),
            "pseudonym_key_file": str(key_file),
            "output_dir": str(tmp / "reports" / period),
        }
    )
    return PeriodData(params=params, clean=clean or make_clean())


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> PeriodData:
    return make_period_data(tmp_path_factory.mktemp("in"), "2024H1")


@pytest.fixture(scope="module")
def package(data: PeriodData, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("pkg") / "utvarderingsunderlag"
    return evaluation.build_package(data, out, created=CREATED)


def read_csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def descriptor(package: Path) -> dict:
    return json.loads((package / "datapackage.json").read_text(encoding="utf-8"))


def package_text(package: Path) -> Iterator[tuple[str, str]]:
    """Every text in the package: each file, and each XML part inside the workbook."""
    for path in sorted(package.iterdir()):
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as archive:
                for part in archive.namelist():
                    yield f"{path.name}:{part}", archive.read(part).decode("utf-8", "replace")
        else:
            yield path.name, path.read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# Validity
# ---------------------------------------------------------------------------------------------
def test_package_holds_every_file(package: Path) -> None:
    """The package has the descriptor, six CSV files, the workbook and the codebook."""
    names = {p.name for p in package.iterdir()}
    assert names == {
        "datapackage.json",
        "README.md",
        "utvarderingsunderlag.xlsx",
        "aktiviteter.csv",
        "deltagande.csv",
        "organisationer.csv",
        "indikatorer.csv",
        "samverkan.csv",
        "datakvalitet.csv",
    }


def test_frictionless_validates_package(package: Path) -> None:
    """Frictionless finds no error: types, constraints, primary and foreign keys all hold."""
    assert evaluation.validate_package(package) == []
    assert "godkände" in evaluation.check_package(package)


def test_broken_foreign_key_fails_validation(package: Path, tmp_path: Path) -> None:
    """A participation on an activity that is not in aktiviteter.csv is a foreign-key error."""
    broken = shutil.copytree(package, tmp_path / "broken")
    path = broken / "deltagande.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(",A1,", ",A77,", 1)
    assert ",A77," in lines[1]
    path.write_text("".join(lines), encoding="utf-8")
    meta = descriptor(broken)  # keep bytes and hash right, so only the key is wrong
    for resource in meta["resources"]:
        if resource["name"] == "deltagande":
            resource["bytes"] = path.stat().st_size
            resource["hash"] = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
    (broken / "datapackage.json").write_text(json.dumps(meta), encoding="utf-8")

    errors = evaluation.validate_package(broken)
    assert errors, "a broken foreign key must not validate"
    assert all("[foreign-key]" in e and e.startswith("deltagande:") for e in errors), errors
    with pytest.raises(evaluation.RunError, match="följer inte sina egna scheman"):
        evaluation.check_package(broken)


def test_descriptor_names_project_period_created_and_version(package: Path) -> None:
    """datapackage.json names the project, the period, when it was made and by which version."""
    import hso_eval

    meta = descriptor(package)
    assert meta["profile"] == "tabular-data-package"
    assert meta["name"] == "hso-utvarderingsunderlag-2024h1"
    assert "Hållbar samhällsomställning" in meta["title"]
    assert meta["period"] == {
        "code": "2024H1",
        "start": "2024-01-01",
        "end": "2024-06-30",
        "report_number": 1,
    }
    assert meta["created"] == "2024-07-15T08:30:00+00:00"
    assert meta["hso_eval_version"] == hso_eval.__version__
    assert meta["licenses"] and meta["contributors"]


def test_every_field_has_swedish_title_and_description(package: Path) -> None:
    """Every field of every resource carries a title and a description."""
    for resource in descriptor(package)["resources"]:
        assert resource["title"] and resource["description"]
        for field in resource["schema"]["fields"]:
            assert field["title"].strip(), (resource["name"], field["name"])
            assert len(field["description"]) > 10, (resource["name"], field["name"])


def test_enums_come_from_vocabularies_and_configuration(package: Path, data: PeriodData) -> None:
    """Enum constraints are the vocabularies' canonical values and the configured work packages."""
    from hso_eval import vocab

    fields = {
        (r["name"], f["name"]): f.get("constraints", {}).get("enum")
        for r in descriptor(package)["resources"]
        for f in r["schema"]["fields"]
    }
    assert fields["aktiviteter", "work_package"] == [w.code for w in data.project.work_packages]
    assert fields["aktiviteter", "activity_type"] == list(vocab.ACTIVITY_TYPES.values)
    assert fields["aktiviteter", "status"] == list(vocab.STATUSES.values)
    assert fields["aktiviteter", "organiser_role"] == list(vocab.ORGANISER_ROLES.values)
    assert fields["deltagande", "gender"] == list(vocab.GENDERS.values)
    assert fields["deltagande", "role"] == list(vocab.ROLES.values)
    assert fields["deltagande", "organisation_type"] == list(vocab.ORGANISATION_TYPES.values)


def test_keys_are_declared(package: Path) -> None:
    """Primary keys and the foreign keys to aktiviteter and organisationer are declared."""
    schemas = {r["name"]: r["schema"] for r in descriptor(package)["resources"]}
    assert schemas["aktiviteter"]["primaryKey"] == ["activity_id"]
    assert schemas["organisationer"]["primaryKey"] == ["organisation"]
    assert schemas["indikatorer"]["primaryKey"] == ["indicator", "scope", "dimension", "category"]
    references = {
        (tuple(fk["fields"]), fk["reference"]["resource"])
        for fk in schemas["deltagande"]["foreignKeys"]
    }
    assert references == {(("activity_id",), "aktiviteter"), (("organisation",), "organisationer")}


# ---------------------------------------------------------------------------------------------
# Privacy and spreadsheet safety
# ---------------------------------------------------------------------------------------------
def test_no_name_email_or_key_anywhere(package: Path) -> None:
    """No fixture name, e-mail or the pseudonym key appears in any file, the workbook included."""
    forbidden = [text for pair in PEOPLE.values() for text in pair]
    forbidden += [KEY.decode(), "Andersson", "example.se", MASK]
    for where, text in package_text(package):
        lowered = text.casefold()
        for secret in forbidden:
            assert secret.casefold() not in lowered, f"{secret!r} in {where}"


def test_workbook_has_no_formula_cells(package: Path) -> None:
    """Reloaded with openpyxl, no cell is a formula, and the HYPERLINK title is plain text."""
    workbook = openpyxl.load_workbook(package / "utvarderingsunderlag.xlsx")
    formulas = [
        f"{ws.title}!{cell.coordinate}"
        for ws in workbook.worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.data_type == "f"
    ]
    assert formulas == []
    sheet = workbook["Aktiviteter"]
    header = [c.value for c in sheet[1]]
    titles = [row[header.index("title")] for row in sheet.iter_rows(min_row=2)]
    hyperlink = next(c for c in titles if c.value == HYPERLINK)
    assert hyperlink.data_type == "s"


def test_csv_neutralises_formula_text(package: Path) -> None:
    """In the CSV, text starting with =, + , - or @ is prefixed with ' (OWASP)."""
    rows = {r["activity_id"]: r for r in read_csv_rows(package / "aktiviteter.csv")}
    assert rows["A1"]["title"] == "'" + HYPERLINK
    assert rows["A1"]["description"] == "'-minus först"
    assert rows["A1"]["place"] == "'@plats"
    assert rows["A3"]["title"] == "'+Seminarium om planering"
    assert rows["A2"]["title"] == "Partnerbesök Kramfors"


def test_full_width_formula_starts_and_overlong_texts_are_safe_in_both_files(
    data: PeriodData, tmp_path: Path
) -> None:
    """A description typed with a full-width ＝ (an East Asian input method) is neutralised
    like =, in the CSV and as a quote-prefixed text cell; a text longer than an Excel cell
    holds is cut with "…" in the workbook only, and "Läs mig" says so."""
    activities = make_activities()
    activities["description"] = activities["description"].astype("string")
    long_text = "lång " * 8000  # 40 000 characters
    activities.loc[activities["activity_id"] == "A2", "description"] = "\uff1dSUMMA(A1)"
    activities.loc[activities["activity_id"] == "A3", "description"] = long_text
    clean = CleanResult(
        activities=conform(activities, ACTIVITY_COLUMNS),
        participations=make_participations(),
        quarantine=data.clean.quarantine,
        warnings=data.clean.warnings,
        accounts=data.clean.accounts,
    )
    out = evaluation.build_package(
        make_period_data(tmp_path / "in", "2024H1", clean=clean), tmp_path / "pkg", created=CREATED
    )
    rows = {r["activity_id"]: r for r in read_csv_rows(out / "aktiviteter.csv")}
    assert rows["A2"]["description"] == "'\uff1dSUMMA(A1)"
    assert rows["A3"]["description"] == long_text
    workbook = openpyxl.load_workbook(out / "utvarderingsunderlag.xlsx")
    sheet = workbook["Aktiviteter"]
    header = [c.value for c in sheet[1]]
    cells = {
        row[header.index("activity_id")].value: row[header.index("description")]
        for row in sheet.iter_rows(min_row=2)
    }
    assert cells["A2"].value == "\uff1dSUMMA(A1)" and cells["A2"].quotePrefix
    assert len(cells["A3"].value) == 32767 and cells["A3"].value.endswith("…")
    read_me = "\n".join(
        str(c.value) for row in workbook["Läs mig"].iter_rows() for c in row if c.value
    )
    assert "En längre text är avkortad i arbetsboken och slutar med …" in read_me


def test_organisations_differing_only_by_a_leading_apostrophe_stay_apart(
    data: PeriodData, tmp_path: Path
) -> None:
    """`+46 X` and `'+46 X` at the same activity: two organisations in every CSV, valid package.

    Neutralising used to turn both into `'+46 X`, which broke the primary keys of
    organisationer.csv and samverkan.csv, so the run published nothing.
    """
    participations = make_participations()
    participations["organisation"] = participations["organisation"].astype("string")
    participations.loc[0, "organisation"] = "+46 X"  # A1, anna
    participations.loc[1, "organisation"] = "'+46 X"  # A1, bertil
    clean = CleanResult(
        activities=make_activities(),
        participations=conform(participations, PARTICIPATION_COLUMNS),
        quarantine=data.clean.quarantine,
        warnings=data.clean.warnings,
        accounts=data.clean.accounts,
    )
    apart = make_period_data(tmp_path / "in", "2024H1", clean=clean)
    out = evaluation.build_package(apart, tmp_path / "pkg", created=CREATED)

    assert evaluation.validate_package(out) == []
    assert "godkände" in evaluation.check_package(out)
    organisations = [r["organisation"] for r in read_csv_rows(out / "organisationer.csv")]
    assert "'+46 X" in organisations and "''+46 X" in organisations
    assert len(organisations) == len(set(organisations))
    pairs = [(r["org_a"], r["org_b"]) for r in read_csv_rows(out / "samverkan.csv")]
    assert ("'+46 X", "''+46 X") in pairs or ("''+46 X", "'+46 X") in pairs
    by_person = {
        r["person_key"]: r["organisation"]
        for r in read_csv_rows(out / "deltagande.csv")
        if r["activity_id"] == "A1"
    }
    assert by_person[person_key("anna")] == "'+46 X"
    assert by_person[person_key("bertil")] == "''+46 X"
    # Reading back: one leading ' removed gives each organisation's own name.
    assert {o[1:] if o.startswith("'") else o for o in organisations} >= {"+46 X", "'+46 X"}
    # The workbook keeps the names as they were typed, as text.
    sheet = openpyxl.load_workbook(out / "utvarderingsunderlag.xlsx")["Organisationer"]
    names = {row[0].value for row in sheet.iter_rows(min_row=2)}
    assert {"+46 X", "'+46 X"} <= names


def test_negative_number_stays_numeric(data: PeriodData, tmp_path: Path) -> None:
    """A negative number is written as a number: unprefixed in CSV, numeric in the workbook."""
    negative = PeriodData(params=data.params, clean=data.clean)
    table = data.indicators.copy()
    table.loc[0, "value"] = -2.5
    negative.__dict__["indicators"] = table  # the cached indicator table
    out = evaluation.build_package(negative, tmp_path / "neg", created=CREATED)
    first = read_csv_rows(out / "indikatorer.csv")[0]
    assert first["value"] == "-2.5"
    sheet = openpyxl.load_workbook(out / "utvarderingsunderlag.xlsx")["Indikatorer"]
    header = [c.value for c in sheet[1]]
    cell = sheet.cell(row=2, column=header.index("value") + 1)
    assert cell.value == -2.5 and cell.data_type == "n"


# ---------------------------------------------------------------------------------------------
# Content
# ---------------------------------------------------------------------------------------------
def test_activities_up_to_period_end_with_status(package: Path) -> None:
    """aktiviteter.csv holds every activity starting by the period's end, whatever its status."""
    rows = read_csv_rows(package / "aktiviteter.csv")
    assert [r["activity_id"] for r in rows] == ["A1", "A2", "A3", "A5"]
    assert {r["activity_id"]: r["status"] for r in rows}["A5"] == "inställd"
    assert list(rows[0]) == [
        "activity_id", "start_date", "end_date", "work_package", "activity_type", "title",
        "description", "place", "municipality", "municipality_code", "status", "organiser_role",
        "attendance", "attendance_approximate", "women", "men", "parties", "link",
    ]  # fmt: skip
    assert rows[2]["end_date"] == "2024-05-21" and rows[2]["attendance_approximate"] == "true"


def test_participations_only_for_listed_activities(package: Path) -> None:
    """deltagande.csv has the fixed columns and only activities up to the period's end."""
    rows = read_csv_rows(package / "deltagande.csv")
    assert list(rows[0]) == [
        "person_key", "activity_id", "organisation", "organisation_type", "municipality",
        "gender", "role",
    ]  # fmt: skip
    assert len(rows) == 10
    assert "A4" not in {r["activity_id"] for r in rows}
    assert {r["person_key"] for r in rows} == {person_key(w) for w in PEOPLE}


def test_organisations_flag_partners_and_merge_case_variants(package: Path) -> None:
    """organisationer.csv: one row per organisation, case variants merged, partners flagged."""
    rows = {r["organisation"]: r for r in read_csv_rows(package / "organisationer.csv")}
    assert set(rows) == {
        "Härnösands kommun",
        "Kramfors kommun",
        "Mittuniversitetet",
        "Region Västernorrland",
    }
    harnosand = rows["Härnösands kommun"]
    assert (harnosand["partner"], harnosand["activities"], harnosand["participations"]) == (
        "true",
        "2",
        "3",
    )
    assert (harnosand["first_seen"], harnosand["last_seen"]) == ("2024-02-01", "2024-03-15")
    assert rows["Region Västernorrland"]["partner"] == "true"
    assert rows["Mittuniversitetet"]["partner"] == "false"
    assert rows["Mittuniversitetet"]["organisation_type"] == "akademi"
    participations = read_csv_rows(package / "deltagande.csv")
    assert "härnösands kommun" not in {r["organisation"] for r in participations}


def test_organisations_add_up_to_the_indicators_when_answers_tie(
    data: PeriodData, tmp_path: Path
) -> None:
    """An organisation whose rows disagree one to one on type and municipality is 'unknown' in
    organisationer.csv, as in organisations_engaged: counting organisationer.csv by type or
    municipality gives the indicator's breakdown (all activities up to A3 are held)."""
    participations = data.clean.participations.copy()
    kramfors = (participations["activity_id"] == "A3") & (
        participations["organisation"] == "Kramfors kommun"
    )
    participations["municipality"] = participations["municipality"].mask(kramfors, "Timrå")
    participations["organisation_type"] = participations["organisation_type"].mask(
        kramfors, "region"
    )
    clean = CleanResult(
        activities=data.clean.activities,
        participations=participations,
        quarantine=data.clean.quarantine,
        warnings=data.clean.warnings,
        accounts=data.clean.accounts,
    )
    tied = make_period_data(tmp_path / "in", "2024H1", clean=clean)
    out = evaluation.build_package(tied, tmp_path / "pkg", created=CREATED)
    organisations = {r["organisation"]: r for r in read_csv_rows(out / "organisationer.csv")}
    kramfors_row = organisations["Kramfors kommun"]
    assert (kramfors_row["organisation_type"], kramfors_row["municipality"]) == ("", "")
    indicators = read_csv_rows(out / "indikatorer.csv")
    for dimension in ("organisation_type", "municipality"):
        published = {
            r["category"]: int(float(r["value"]))
            for r in indicators
            if r["indicator"] == "organisations_engaged"
            and r["scope"] == "cumulative"
            and r["dimension"] == dimension
            and float(r["value"]) > 0
        }
        counted: dict[str, int] = {}
        for row in organisations.values():
            category = row[dimension] or "uppgift saknas"
            counted[category] = counted.get(category, 0) + 1
        assert counted == published, dimension


def test_collaboration_pairs_counted_by_hand(package: Path) -> None:
    """samverkan.csv counts each pair of organisations once per shared activity."""
    rows = read_csv_rows(package / "samverkan.csv")
    found = {
        (r["org_a"], r["org_b"]): (r["activities_together"], r["first"], r["last"]) for r in rows
    }
    assert found == {
        ("Härnösands kommun", "Mittuniversitetet"): ("1", "2024-02-01", "2024-02-01"),
        ("Härnösands kommun", "Region Västernorrland"): ("2", "2024-02-01", "2024-03-15"),
        ("Mittuniversitetet", "Region Västernorrland"): ("1", "2024-02-01", "2024-02-01"),
        ("Härnösands kommun", "Kramfors kommun"): ("1", "2024-03-15", "2024-03-15"),
        ("Kramfors kommun", "Region Västernorrland"): ("1", "2024-03-15", "2024-03-15"),
        ("Kramfors kommun", "Mittuniversitetet"): ("1", "2024-05-20", "2024-05-20"),
    }
    assert all(a < b for a, b in found)


def test_collaborations_scale() -> None:
    """The self-merge handles 2 000 activities with 30 organisations each within the pair count."""
    n_activities, per_activity = 2_000, 30
    activity = [f"X{i}" for i in range(n_activities) for _ in range(per_activity)]
    organisation = [
        f"Org {(i + j) % 200:03d}" for i in range(n_activities) for j in range(per_activity)
    ]
    participations = pd.DataFrame({"activity_id": activity, "organisation": organisation})
    activities = pd.DataFrame(
        {
            "activity_id": [f"X{i}" for i in range(n_activities)],
            "start_date": pd.Timestamp("2024-01-01"),
        }
    )
    table = evaluation.count_collaborations(participations, activities)
    assert int(table["activities_together"].sum()) == n_activities * per_activity * 29 // 2


def test_indicators_csv_equals_compute_indicators(package: Path, data: PeriodData) -> None:
    """indikatorer.csv is compute_indicators' table, both scopes, unsuppressed, same columns;
    a total's category is 'totalt', so that no field of the primary key is empty."""
    from hso_eval.indicators import compute_indicators

    expected = compute_indicators(data.activities, data.participations, data.project, data.period)
    expected.loc[expected["dimension"] == "total", "category"] = "totalt"
    text = ["indicator", "scope", "dimension", "category"]
    found = pd.read_csv(
        package / "indikatorer.csv",
        dtype=dict.fromkeys(text, "string") | {"approximate": "string"},
        keep_default_na=False,
        na_values={"value": [""], "target": [""]},
    )
    assert list(found.columns) == list(evaluation.INDICATOR_COLUMNS)
    assert set(found["scope"]) == {"period", "cumulative"}
    found["approximate"] = found["approximate"].map({"true": True, "false": False})
    expected = expected[list(evaluation.INDICATOR_COLUMNS)]
    pd.testing.assert_frame_equal(
        found.astype({"approximate": bool}),
        expected.astype(dict.fromkeys(text, "string")).reset_index(drop=True),
        check_dtype=False,
    )


def test_quality_counts_without_values(package: Path) -> None:
    """datakvalitet.csv has the row accounting and issues counted by file and reason."""
    rows = read_csv_rows(package / "datakvalitet.csv")
    table = {(r["file"], r["kind"], r["code"]): (r["count"], r["rows"]) for r in rows}
    assert table["deltagare.csv", "radräkning", "read"] == ("15", "")
    assert table["aktiviteter.xlsx", "radräkning", "blank"] == ("1", "")
    assert table["deltagare.csv", "karantän", "unknown_activity"] == ("1", "1")
    assert table["deltagare.csv", "varning", "invalid_email"] == ("2", "2")
    assert table["deltagare.csv", "varning", "unknown_gender"] == ("1", "1")
    assert "value" not in rows[0] and "message" not in rows[0]
    assert all(r["description"] for r in rows)


def test_person_keys_stable_across_periods(data: PeriodData, tmp_path: Path) -> None:
    """The same clean data gives a person the same person_key in H1's and H2's packages."""
    h2 = make_period_data(tmp_path / "in", "2024H2", clean=data.clean)
    first = evaluation.build_package(data, tmp_path / "h1", created=CREATED)
    second = evaluation.build_package(h2, tmp_path / "h2", created=CREATED)
    assert_person_keys_stable(first, second)
    later = {r["activity_id"] for r in read_csv_rows(second / "deltagande.csv")}
    assert "A4" in later


# ---------------------------------------------------------------------------------------------
# Workbook and codebook
# ---------------------------------------------------------------------------------------------
def test_workbook_sheets_header_and_dates(package: Path) -> None:
    """The workbook starts with "Läs mig", has bold frozen headers and real dates."""
    workbook = openpyxl.load_workbook(package / "utvarderingsunderlag.xlsx")
    assert workbook.sheetnames == [
        "Läs mig", "Aktiviteter", "Deltagande", "Organisationer", "Indikatorer", "Samverkan",
        "Datakvalitet", "Kodbok",
    ]  # fmt: skip
    sheet = workbook["Aktiviteter"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet["B2"].is_date and sheet["B2"].value.date().isoformat() == "2024-02-01"
    assert sheet.column_dimensions["F"].width > 20  # the long title
    readme = "\n".join(
        str(c.value) for row in workbook["Läs mig"].iter_rows() for c in row if c.value
    )
    for needed in ("HMAC-SHA256", "2024-01-01 – 2024-06-30", "nyckeln", "Organisationer"):
        assert needed in readme
    # When it was made, as the reports write a moment (on the Swedish clock, not "+00:00").
    made = r"\d{4}-\d\d-\d\d kl\. \d\d\.\d\d(?: UTC)? med hso_eval"
    assert re.search(made, readme) and "+00:00" not in readme
    assert re.search(made, (package / "README.md").read_text(encoding="utf-8"))


def test_workbook_shows_shares_as_per_cent_and_keeps_the_numbers(package: Path) -> None:
    """A share reads "50,0 %" in a Swedish Excel, not 0,5: its value and target cells have a
    per cent format; the number in the cell is the CSV's, and counts keep their own format."""
    sheet = openpyxl.load_workbook(package / "utvarderingsunderlag.xlsx")["Indikatorer"]
    header = [c.value for c in sheet[1]]
    names = ("indicator", "scope", "category", "value", "target")
    at = {name: header.index(name) for name in names}
    rows = {
        tuple(row[at[name]].value for name in names[:3]): row for row in sheet.iter_rows(min_row=2)
    }
    share = rows["share_women", "period", "totalt"]
    csv_rows = read_csv_rows(package / "indikatorer.csv")
    expected = next(
        float(r["value"])
        for r in csv_rows
        if (r["indicator"], r["scope"], r["category"]) == ("share_women", "period", "totalt")
    )
    assert share[at["value"]].value == expected and 0 < expected < 1
    assert share[at["target"]].value == 0.5  # project.yaml's target, a share too
    assert share[at["value"]].number_format == share[at["target"]].number_format == "0.0 %"
    count = rows["participations", "period", "totalt"][at["value"]]
    assert count.value >= 1 and count.number_format == "General"


def test_codebook_defines_share_women_and_activities_planned(package: Path) -> None:
    """The indicator field says whom share_women counts and which activities are planned."""
    fields = {
        f["name"]: f["description"]
        for r in descriptor(package)["resources"]
        if r["name"] == "indikatorer"
        for f in r["schema"]["fields"]
    }
    text = fields["indicator"]
    assert "andelen kvinnor bland deltaganden med kön kvinna eller man" in text
    assert "annat eller ej angivet räknas inte" in text
    assert "startdatum i nästa halvår" in text and "inte är inställda" in text
    readme = (package / "README.md").read_text(encoding="utf-8")
    assert "andelen kvinnor bland deltaganden med kön kvinna eller man" in readme


def test_codebook_defines_every_indicator_itself(package: Path) -> None:
    """The codebook defines every indicator (what it counts and its breakdowns) in the package
    itself: the half-year report's appendix has no definitions and Sweco has no hso_eval, and
    unique participants per gender cannot be recounted from deltagande.csv without the rule
    that gives each person one gender."""
    from hso_eval.config import INDICATOR_IDS

    readme = (package / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `indicator` |"))
    assert "halvårsrapportens bilaga" not in row and "hso_eval" not in row
    ids = "|".join(INDICATOR_IDS)
    definitions = dict(re.findall(rf"\b({ids}) \([^)]+\): (.+?)(?= (?:{ids}) \(| \|)", row))
    assert set(definitions) == set(INDICATOR_IDS)
    assert all(len(text) > 60 for text in definitions.values()), definitions
    assert "bara genomförda aktiviteter" in row
    assert "varje person ett enda värde" in row and "vanligaste kända värdet" in row
    assert "antalet deltaganden när aktiviteten har sådana, annars attendance" in row
    sheet = openpyxl.load_workbook(package / "utvarderingsunderlag.xlsx")["Kodbok"]
    kodbok = {(r[0].value, r[1].value): r[4].value for r in sheet.iter_rows(min_row=2)}
    assert "varje person ett enda värde" in kodbok["indikatorer.csv", "indicator"]


def test_quality_describes_merged_rows_as_they_are_merged(package: Path, data: PeriodData) -> None:
    """datakvalitet.csv and datakvalitet.html do not call merged rows exact duplicates: for
    participants they are the same person on the same activity again."""
    from hso_eval import quality

    section = quality.accounting_html(data.clean)
    assert "i deltagarlistorna slås samma person på samma aktivitet ihop" in section
    rows = read_csv_rows(package / "datakvalitet.csv")
    merged = {r["description"] for r in rows if r["code"] == "merged"}
    assert len(merged) == 1
    [description] = merged
    assert "Exakta" not in description
    assert "samma person på samma aktivitet" in description
    assert "identisk" in description  # the activity register's duplicates are exact


def test_readme_explains_how_to_read_neutralised_text_back(package: Path) -> None:
    """README.md and the workbook's read-me say that a leading ' is added to text that starts
    with ' too, and that removing exactly one gives the original."""
    readme = (package / "README.md").read_text(encoding="utf-8")
    workbook = openpyxl.load_workbook(package / "utvarderingsunderlag.xlsx")
    read_me = "\n".join(
        str(c.value) for row in workbook["Läs mig"].iter_rows() for c in row if c.value
    )
    for text in (readme, read_me):
        assert "Text som redan började med ' har också fått ett till" in text
        assert "ta bort exakt ett inledande '" in text


def test_readme_says_how_the_csv_files_are_written(package: Path) -> None:
    """README.md and "Läs mig" tell a reader what the CSV files hold, as the files are: a
    decimal point, ISO dates, true/false, empty for missing, no BOM; and that Excel users open
    the workbook (a double-clicked CSV in Swedish Excel splits on ';' and reads it as ANSI)."""
    raw = (package / "indikatorer.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    shares = [r["value"] for r in read_csv_rows(package / "indikatorer.csv")]
    assert any("." in v for v in shares) and not any("," in v for v in shares)
    activity = read_csv_rows(package / "aktiviteter.csv")[0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", activity["start_date"])
    assert activity["attendance_approximate"] in {"true", "false"}
    readme = (package / "README.md").read_text(encoding="utf-8")
    workbook = openpyxl.load_workbook(package / "utvarderingsunderlag.xlsx")
    read_me = "\n".join(
        str(c.value) for row in workbook["Läs mig"].iter_rows() for c in row if c.value
    )
    for text in (readme, read_me):
        assert "UTF-8 utan BOM" in text and "punkt som decimaltecken" in text
        assert "datum som ÅÅÅÅ-MM-DD" in text and "true och false" in text
        assert "ett tomt fält betyder att värdet saknas" in text
        assert "I Excel öppnar man arbetsboken" in text


def parse_codebook(text: str) -> dict[str, list[tuple[str, str, str, str]]]:
    """README.md's field tables: file -> [(name, type, title, description)]."""
    tables: dict[str, list[tuple[str, str, str, str]]] = {}
    current = None
    for line in text.splitlines():
        heading = re.match(r"^## (\S+\.csv): ", line)
        if heading:
            current = tables.setdefault(heading.group(1), [])
        row = re.match(r"^\| `([^`]+)` \| (\w+) \| (.*?) \| (.*?) \| .*\|$", line)
        if current is not None and row:
            current.append(row.groups())
    return tables


def test_codebook_and_descriptor_describe_same_fields(package: Path) -> None:
    """README.md documents exactly the fields, types, titles and descriptions in the descriptor."""
    codebook = parse_codebook((package / "README.md").read_text(encoding="utf-8"))
    from_descriptor = {
        r["path"]: [
            (f["name"], f["type"], f["title"], f["description"].replace("|", "\\|"))
            for f in r["schema"]["fields"]
        ]
        for r in descriptor(package)["resources"]
    }
    assert codebook == from_descriptor


def test_csv_columns_follow_schema(package: Path) -> None:
    """Every CSV file's header is its schema's field names, in order."""
    for resource in descriptor(package)["resources"]:
        with (package / resource["path"]).open(encoding="utf-8") as handle:
            header = handle.readline().rstrip("\n").split(",")
        assert header == [f["name"] for f in resource["schema"]["fields"]]


def test_summary_counts_rows(package: Path) -> None:
    """summarise_package lists each file with its row count."""
    summary = evaluation.summarise_package(package)
    counts = dict(zip(summary["Fil"], summary["Rader"], strict=True))
    assert counts["aktiviteter.csv"] == 4
    assert counts["samverkan.csv"] == 6


def test_package_dir_uses_staging_or_draft(
    data: PeriodData, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Under the runner the package goes to staging; by hand to reports/_utkast, not output_dir."""
    monkeypatch.setenv(evaluation.STAGING_ENV, "/tmp/staging-x")
    assert evaluation.package_dir(data) == Path("/tmp/staging-x/utvarderingsunderlag")
    published = data.params.output_dir / "utvarderingsunderlag"
    assert evaluation.describe_destination(data).startswith(f"Paketet publiceras i {published}")
    monkeypatch.delenv(evaluation.STAGING_ENV)
    draft = evaluation.package_dir(data)
    assert draft.parts[-3:] == ("_utkast", "2024H1", "utvarderingsunderlag")
    assert not draft.is_relative_to(data.params.output_dir)
    assert evaluation.describe_destination(data).startswith("Utkast")


def test_a_draft_says_which_command_publishes_it(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run by hand on the demo's 2024H2, the draft names the command that publishes it, with
    the period file the notebook read (the demo's, under params/demo/)."""
    from hso_eval.context import load_period

    monkeypatch.delenv(evaluation.STAGING_ENV, raising=False)
    text = evaluation.describe_destination(load_period(period="2024H2"))
    assert text == (
        "Utkast: paketet skrivs till reports/demo/_utkast/2024H2/utvarderingsunderlag och "
        "publiceras inte. Kör '.venv/bin/hso-eval run params/demo/2024H2.yaml' för att "
        "publicera det med periodens rapporter."
    )


# ---------------------------------------------------------------------------------------------
# End to end on the demo (for the integrator)
# ---------------------------------------------------------------------------------------------
def assert_person_keys_stable(first: Path, second: Path) -> None:
    """Each activity in both packages has the same set of person_keys in both."""

    def keys(package: Path) -> dict[str, set[str]]:
        out: dict[str, set[str]] = {}
        for row in read_csv_rows(package / "deltagande.csv"):
            out.setdefault(row["activity_id"], set()).add(row["person_key"])
        return out

    earlier, later = keys(first), keys(second)
    shared = set(earlier) & set(later)
    assert shared, "the two packages share no activity"
    for activity in shared:
        assert earlier[activity] == later[activity], activity


def build_demo_packages(out: Path) -> dict[str, Path]:
    """Build the demo's 2024H1 and 2024H2 packages from params/<period>.yaml into `out`."""
    from hso_eval.context import load_period

    packages = {}
    for period in ("2024H1", "2024H2"):
        params = evaluation_params(period)
        data = load_period(**params)
        packages[period] = evaluation.build_package(data, out / period, created=CREATED)
    return packages


def evaluation_params(period: str) -> dict[str, object]:
    """The notebook parameters of a demo period, read from params/<period>.yaml."""
    import yaml

    return yaml.safe_load((ROOT / "params" / "demo" / f"{period}.yaml").read_text(encoding="utf-8"))


@pytest.mark.e2e
def test_demo_packages_validate_and_keep_person_keys(tmp_path: Path) -> None:
    """On the demo, 2024H1's and 2024H2's packages validate and share person_keys."""
    packages = build_demo_packages(tmp_path)
    for path in packages.values():
        assert evaluation.validate_package(path) == []
    assert_person_keys_stable(packages["2024H1"], packages["2024H2"])
