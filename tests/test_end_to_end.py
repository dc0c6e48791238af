"""`hso-eval run` on the demo data, end to end: what a reviewer and the administrator would see."""

from __future__ import annotations

import json
import os
import re
import shutil
import zipfile
from hashlib import sha256
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.e2e


from conftest import run_cli, write_params  # noqa: E402


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def visible_text(page: str) -> str:
    """The page's text as a reader sees it (tags dropped, entities kept as written)."""
    body = page.split("<body", 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))


# ---------------------------------------------------------------------------------------------
def test_run_json_accounts_for_every_row(demo_runs):
    """run.json says ok and, per input file, read = clean + quarantined + merged."""
    record = json.loads(read(demo_runs["2024H1"] / "run.json"))
    assert record["status"] == "ok"
    assert record["period"] == "2024H1"
    assert {i["role"] for i in record["inputs"]} == {"activities", "participants"}
    for inp in record["inputs"]:
        rows = inp["rows"]
        assert rows["read"] == rows["clean"] + rows["quarantined"] + rows["merged"]
        assert rows["read"] > 0
        assert inp["sha256"] == sha256((ROOT / inp["path"]).read_bytes()).hexdigest()
    assert record["versions"]["hso_eval"]
    assert record["parameters"]["pseudonym_key_file"] == "data/demo/demo-nyckel.txt"


def test_the_published_report_counts_no_participant_list_rows(demo_runs):
    """A participant list's rows are its participations: the half-year report, which hides a
    small participation total (".."), must not print them (the footer's rows read, the
    appendix's clean rows). The register's rows and the project office's datakvalitet.html
    still give them."""
    record = json.loads(read(demo_runs["2024H1"] / "run.json"))
    lists = next(i for i in record["inputs"] if i["role"] == "participants")["rows"]
    register = next(i for i in record["inputs"] if i["role"] == "activities")["rows"]
    report = visible_text(read(demo_runs["2024H1"] / "halvarsrapport.html"))
    assert "Lästa rader" not in report
    assert f"{register['read']} rader lästes ur aktivitetsregistret" in report
    assert "Deltagarlistornas rader redovisas inte här" in report
    for count in {lists["read"], lists["clean"], lists["clean"] + register["clean"]}:
        assert not re.search(rf"(?<![\d ]){count}(?![\d ,])", report), count
    quality = visible_text(read(demo_runs["2024H1"] / "datakvalitet.html"))
    assert "Lästa rader" in quality and f" {lists['read']} " in quality


def test_data_quality_report_shows_accounting_quarantine_and_warnings(demo_runs):
    """datakvalitet.html names the demo's deliberate mistakes by file, row and reason."""
    page = read(demo_runs["2024H1"] / "datakvalitet.html")
    text = visible_text(page)
    assert "Radredovisning per fil" in text
    assert "aktiviteter.xlsx" in text and "deltagare.csv" in text
    assert "Blad" in text and re.search(r"<td[^>]*>Aktiviteter</td>", page)  # sheet read
    assert "31/02/2024" in text  # the impossible date, quarantined
    assert "Varken namn eller e-post" in text
    assert "Okänd kommun" in text
    # What to do: fix the sheet, try with check (which publishes nothing), then run again.
    assert "3 rader kunde inte användas" in text and "pröva med hso-eval check" in text


@pytest.mark.parametrize("name", ["datakvalitet.html", "halvarsrapport.html"])
def test_html_contains_no_code_and_fetches_nothing(demo_runs, name):
    """The exported pages show no code cells and load nothing from the network."""
    page = read(demo_runs["2024H1"] / name)
    markup = re.sub(r"<style.*?</style>", "", page, flags=re.S)
    assert "load_period(" not in markup and "import " not in visible_text(page)
    assert "jp-InputArea" not in markup and "jp-InputPrompt" not in markup
    assert "display(HTML(" not in markup and "clean_cache" not in markup
    assert not re.search(r"""<(script|link|img)[^>]+(src|href)=["']https?://""", page)
    assert "cdn.jsdelivr" not in page and "mathjax" not in page.lower()


def test_the_report_links_only_within_itself_or_to_the_web(demo_runs):
    """halvarsrapport.html goes out alone: a link to a file beside it (datakvalitet.html,
    which is not published) would be broken for every reader; each '#' link has its target."""
    page = read(demo_runs["2024H1"] / "halvarsrapport.html")
    links = re.findall(r"""<a\b[^>]*\bhref=["']([^"']*)["']""", page)
    assert any(link.startswith("#") for link in links)
    ids = set(re.findall(r"""\bid=["']([^"']+)["']""", page))
    for link in links:
        if link.startswith("#"):
            assert link[1:] in ids, link
        else:
            assert link.startswith("https://"), link


def test_half_year_report_reproduces_the_seed_facts(demo_runs):
    """Report nr 1 gives the period, 4 av 7 partners visited and the Almedalen seminars."""
    text = visible_text(read(demo_runs["2024H1"] / "halvarsrapport.html"))
    assert "Halvårsrapport nr 1" in text
    assert "2024-01-01 – 2024-06-30" in text
    assert "4 av 7" in text
    assert "Almedalen" in text
    # Facts of the hand-written report that only its prose carries (the demo narrative).
    for fact in (
        "SAM-projektet",
        "Svenskt Näringsliv",
        "den 12 juni",
        "SKR:s rapport",
        "EU:s sammanhållningspolitik",
        "gemensamma kontor i Stockholm",
        "projektets tre år",
        "alla fyra landshövdingar",
        '"Kommunikation period 1"',
        "företagsfrukostar",
        "ÖP-nätverk",
    ):
        assert fact in text.replace("&quot;", '"'), fact
    for heading in (
        "Inledning",
        "Strukturer, rutiner och rapportering",
        "Kommunikation och information",
        "Organisation",
        "Genomförda aktiviteter",
        "Planerade aktiviteter",
        "Bilaga: indikatorer",
        "Bilaga: datakvalitet",
    ):
        assert heading in text, heading


def test_half_year_report_lists_the_planned_autumn_activities_with_dates(demo_runs):
    """Every planned autumn activity of the seed report appears with its date."""
    text = visible_text(read(demo_runs["2024H1"] / "halvarsrapport.html"))
    for date in (
        "2024-08-12",  # Ånge
        "2024-08-15",  # Örnsköldsvik
        "2024-09-20",  # Timrå
        "2024-09-03",  # Sweco kick-off
        "2024-09-12",  # working-group day
        "2024-10-10",  # Bünsow
        "2024-10-15",  # Samhällsbyggardagen
        "2024-10-24",  # process leadership
    ):
        assert date in text, date
    assert re.search(r"2024-12-\d\d", text)  # the reference-group meeting in December


def test_second_report_is_number_two_and_cumulates(demo_runs):
    """2024H2 is report nr 2 and its cumulative values equal H1 plus H2 for additive indicators."""
    text = visible_text(read(demo_runs["2024H2"] / "halvarsrapport.html"))
    assert "Halvårsrapport nr 2" in text
    assert "3 av 7" in text and "7 av 7 sedan start" in text  # Ånge, Övik, Timrå in the autumn
    h1 = pd.read_csv(demo_runs["2024H1"] / "utvarderingsunderlag" / "indikatorer.csv")
    h2 = pd.read_csv(demo_runs["2024H2"] / "utvarderingsunderlag" / "indikatorer.csv")

    def total(frame, indicator, scope):
        row = frame[
            (frame.indicator == indicator) & (frame.scope == scope) & (frame.dimension == "total")
        ]
        assert len(row) == 1, (indicator, scope)
        return float(row.value.iloc[0])

    for indicator in ("activities_held", "participations", "attendance_total"):
        assert total(h2, indicator, "cumulative") == total(h1, indicator, "period") + total(
            h2, indicator, "period"
        ), indicator


def _demo_people() -> tuple[set[str], set[str]]:
    frame = pd.read_csv(
        ROOT / "data" / "demo" / "deltagare.csv", sep=";", encoding="cp1252", dtype=str
    )
    names = {n.strip() for n in frame["namn"].dropna() if n.strip()}
    emails = {e.strip().lower() for e in frame["e-post"].dropna() if "@" in e}
    return names, emails


def _all_output_text(folder: Path) -> str:
    chunks = []
    for path in folder.rglob("*"):
        if not path.is_file():
            continue
        if path.suffix == ".xlsx":
            with zipfile.ZipFile(path) as z:
                chunks += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
        else:
            chunks.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(chunks)


def test_no_output_holds_a_name_an_email_or_the_key(demo_runs):
    """No demo participant's name or e-mail, nor the key, appears in any output file."""
    names, emails = _demo_people()
    assert len(names) > 50 and len(emails) > 50
    key = (ROOT / "data" / "demo" / "demo-nyckel.txt").read_text().strip()
    records = next(iter(demo_runs.values())).parent / "publicerat"  # what the reports printed
    for folder in [*demo_runs.values(), records]:
        blob = _all_output_text(folder)
        blob_lower = blob.lower()
        assert key not in blob
        leaked_emails = [e for e in emails if e in blob_lower]
        assert not leaked_emails, leaked_emails[:3]
        leaked_names = [n for n in names if n in blob]
        assert not leaked_names, leaked_names[:3]


def test_publication_holds_no_empty_file(demo_runs):
    """Every published file has content (an empty kernels.log, say, is left out)."""
    for folder in demo_runs.values():
        empty = [
            p.relative_to(folder) for p in folder.rglob("*") if p.is_file() and not p.stat().st_size
        ]
        assert not empty, empty


def test_no_output_shows_the_machines_folders(demo_runs):
    """Published files name paths relative to the repository: no absolute folder of this
    machine (the repository's, or the run's staging folder) is in any of them."""
    for folder in demo_runs.values():
        blob = _all_output_text(folder)
        assert str(ROOT) not in blob
        assert ".staging-" not in blob and ".work-" not in blob
        executed = json.loads(read(folder / "notebooks" / "halvarsrapport.ipynb"))
        papermill = executed["metadata"]["papermill"]
        assert papermill["input_path"] == "notebooks/halvarsrapport.ipynb"
        assert "clean_cache" not in papermill["parameters"]


def test_sheet_text_is_shown_as_text_not_run(tmp_path):
    """A register title '<script>alert(1)</script>' shows as text in the report, never as a tag."""
    from openpyxl import load_workbook

    wb = load_workbook(ROOT / "data" / "demo" / "aktiviteter.xlsx")
    ws = wb.worksheets[0]
    header_row = next(
        r for r in range(1, 11) if any(str(c.value).strip() == "titel" for c in ws[r] if c.value)
    )
    col = next(c.column for c in ws[header_row] if str(c.value).strip() == "titel")
    date_col = next(c.column for c in ws[header_row] if str(c.value).strip() == "datum")
    row = next(
        r
        for r in range(header_row + 1, ws.max_row + 1)
        if "Almedalen" in str(ws.cell(r, col).value or "")
    )
    ws.cell(row, col).value = "<script>alert(1)</script> Almedalen"
    assert ws.cell(row, date_col).value is not None
    sheet = tmp_path / "aktiviteter.xlsx"
    wb.save(sheet)
    result = run_cli("run", str(write_params(tmp_path, "2024H1", activities=str(sheet))))
    assert result.returncode == 0, result.stderr
    # The one summary line counts the demo's quarantined rows: there are sheets to fix.
    assert re.fullmatch(
        r"2024H1: klar på \d+,\d s – \S+, 3 rader i karantän \(se datakvalitet\.html\)",
        result.stdout.strip().splitlines()[-1],
    )
    page = read(tmp_path / "reports" / "2024H1" / "halvarsrapport.html")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


# ---------------------------------------------------------------------------------------------
# Errors a person can act on (no kernel starts for these)
def test_missing_input_file_exits_2_naming_the_file(tmp_path):
    """A missing sheet stops with status 2, one Swedish line naming the file, no traceback."""
    params = write_params(tmp_path, "2024H1", activities=str(tmp_path / "finns-inte.xlsx"))
    result = run_cli("run", str(params))
    assert result.returncode == 2
    assert "finns-inte.xlsx" in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "reports" / "2024H1").exists()


def test_unknown_parameter_exits_2_with_the_nearest_key(tmp_path):
    """A misspelt key in the period file stops with status 2 and the nearest known key."""
    path = write_params(tmp_path, "2024H1")
    path.write_text(read(path).replace("period:", "perod:"), encoding="utf-8")
    result = run_cli("run", str(path))
    assert result.returncode == 2
    assert "perod" in result.stderr and "'period'" in result.stderr
    assert "Traceback" not in result.stderr


def _root_with_failing_notebook(tmp: Path) -> Path:
    """A copy of the project whose report notebook raises in its last cell."""
    root = tmp / "root"
    for part in ("params", "notebooks", "data/demo"):
        shutil.copytree(ROOT / part, root / part)
    nb_path = root / "notebooks" / "halvarsrapport.ipynb"
    nb = json.loads(nb_path.read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "id": "avsiktligt-fel",
            "metadata": {},
            "outputs": [],
            "source": ["raise RuntimeError('avsiktligt fel i testet')"],
        }
    )
    nb_path.write_text(json.dumps(nb), encoding="utf-8")
    return root


def test_failed_run_leaves_the_previous_publication_intact(tmp_path, demo_runs):
    """A notebook that raises gives status 1, publishes nothing and keeps the failed notebook."""
    root = _root_with_failing_notebook(tmp_path)
    target = root / "reports" / "demo" / "2024H1"
    shutil.copytree(demo_runs["2024H1"], target)
    before = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    env = dict(os.environ, HSO_EVAL_ROOT=str(root))
    result = run_cli("run", "params/demo/2024H1.yaml", cwd=tmp_path, env=env)
    assert result.returncode == 1, result.stderr
    assert "halvarsrapport.ipynb" in result.stderr and "avsiktligt fel" in result.stderr
    assert "Traceback" not in result.stderr
    after = {p: p.read_bytes() for p in target.rglob("*") if p.is_file()}
    assert after == before
    failed = list((root / "reports" / "demo" / "_misslyckade").glob("2024H1-*"))
    assert len(failed) == 1
    kept = failed[0] / "notebooks" / "halvarsrapport.ipynb"
    assert "avsiktligt fel" in kept.read_text(encoding="utf-8")
    assert json.loads(read(failed[0] / "run.json"))["status"] == "failed"


# ---------------------------------------------------------------------------------------------
# The evaluation package (utvärderingsunderlag) as Sweco receives it
def test_frictionless_cli_says_the_package_is_valid(demo_runs):
    """`frictionless validate …/datapackage.json` reports the published package valid."""
    import subprocess
    import sys

    tool = Path(sys.executable).parent / "frictionless"
    package = demo_runs["2024H1"] / "utvarderingsunderlag" / "datapackage.json"
    result = subprocess.run(
        [str(tool), "validate", str(package)], capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert "valid" in result.stdout.lower() and "invalid" not in result.stdout.lower()


def test_same_person_keeps_the_same_key_across_periods(demo_runs):
    """Every activity of 2024H1 has the same person_keys in the H1 and the H2 package
    (H1 reads deltagare.csv and H2 deltagare.xlsx: both readers agree too)."""
    h1 = pd.read_csv(demo_runs["2024H1"] / "utvarderingsunderlag" / "deltagande.csv", dtype=str)
    h2 = pd.read_csv(demo_runs["2024H2"] / "utvarderingsunderlag" / "deltagande.csv", dtype=str)
    assert len(h1) > 100
    keys_h1 = h1.groupby("activity_id")["person_key"].apply(frozenset)
    keys_h2 = h2.groupby("activity_id")["person_key"].apply(frozenset)
    assert (keys_h2.loc[keys_h1.index] == keys_h1).all()
    assert h1["person_key"].str.fullmatch(r"[0-9a-f]{20}").all()


def test_report_shows_the_packages_indicator_values(demo_runs):
    """The half-year report's indicator appendix shows the values in indikatorer.csv."""
    from hso_eval.indicators import INDICATOR_LABELS, suppress_small_cells

    folder = demo_runs["2024H1"]
    table = pd.read_csv(folder / "utvarderingsunderlag" / "indikatorer.csv", keep_default_na=False)
    table["target"] = pd.to_numeric(table["target"].replace("", None))
    totals = table[(table.dimension == "total") & ~table.indicator.str.startswith("share_")]
    shown = suppress_small_cells(totals.reset_index(drop=True), min_cell=5)
    page = read(folder / "halvarsrapport.html")
    appendix = page.split('id="bilaga-indikatorer"', 1)[1].split("</table>", 1)[0]
    rows = {
        re.sub(r"<[^>]+>", "", cells[0]).strip(): [re.sub(r"<[^>]+>", "", c).strip() for c in cells]
        for cells in (re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in appendix.split("<tr"))
        if cells
    }
    checked = 0
    for row in shown.itertuples():
        label = INDICATOR_LABELS[row.indicator]
        column = 1 if row.scope == "period" else 2
        # Partners visited read "4 av 7" on the page: the package's 4 of the seven.
        of = " av 7" if row.indicator == "partners_visited" else ""
        expected = row.display.replace("\xa0", " ") + of
        assert rows[label][column].replace("\xa0", " ") == expected, label
        checked += 1
    assert checked >= 12


def test_each_run_records_the_counts_its_report_printed(demo_runs):
    """Beside the period folders, reports/publicerat/<period>/ holds what each half-year
    report printed (the next report is decided against it): the indicator appendix's counts of
    people as shown, None where the page shows "<5" or "..". H2 was decided against H1's."""
    from hso_eval import history
    from hso_eval.indicators import INDICATOR_LABELS, PEOPLE_INDICATORS

    records = history.load(demo_runs["2024H1"].parent / "publicerat")
    checked = 0
    for period, folder in demo_runs.items():
        (printed,) = records.of(period)
        page = read(folder / "halvarsrapport.html")
        appendix = page.split('id="bilaga-indikatorer"', 1)[1].split("</table>", 1)[0]
        rows = {
            re.sub(r"<[^>]+>", "", cells[0]).strip(): [
                re.sub(r"<[^>]+>", "", c).strip() for c in cells
            ]
            for cells in (
                re.findall(r"<td[^>]*>(.*?)</td>", r, re.S) for r in appendix.split("<tr")
            )
            if cells
        }
        for indicator in PEOPLE_INDICATORS:
            for column, scope in ((1, "period"), (2, "cumulative")):
                shown = rows[INDICATOR_LABELS[indicator]][column]
                value = printed[("indikator", indicator, scope, "total", "")]
                if value is None:
                    assert shown in ("<5", ".."), (period, indicator, scope)
                else:
                    assert re.sub(r"\D", "", shown) == str(value), (period, indicator, scope)
                checked += 1
    assert checked == 4 * len(PEOPLE_INDICATORS)


def test_a_foreign_python3_kernelspec_does_not_hijack_the_run(tmp_path):
    """A user-level kernelspec named python3 that points elsewhere does not break a run."""
    spec = tmp_path / "jupyter" / "kernels" / "python3"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(
        json.dumps(
            {
                "argv": ["/bin/false", "{connection_file}"],
                "display_name": "fel",
                "language": "python",
            }
        ),
        encoding="utf-8",
    )
    env = dict(os.environ, JUPYTER_PATH=str(tmp_path / "jupyter"))
    result = run_cli("run", str(write_params(tmp_path, "2024H1")), env=env)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "reports" / "2024H1" / "halvarsrapport.html").is_file()
