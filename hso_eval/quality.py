"""The data-quality report's content: accounting, quarantine, warnings and ignored columns.

Functions named `*_table` return DataFrames with Swedish headers (for evaluators in JupyterLab);
functions named `*_html` return a finished, escaped HTML section for the exported report.
No value shown here is personal data: cleaning masks `namn` and `e-post` before anything leaves it.
"""

from __future__ import annotations

import html
from pathlib import Path

import pandas as pd

from hso_eval.tables import CleanResult, FileAccount

ROLE_LABELS = {"activities": "Aktivitetsregister", "participants": "Deltagarlistor"}

#: Reason codes -> short Swedish labels (the `message` column carries the full sentence).
REASON_LABELS: dict[str, str] = {
    "missing_required": "Obligatoriskt fält saknas",
    "unparseable_date": "Datum går inte att tolka",
    "date_out_of_range": "Datum utanför projektets tid",
    "unknown_work_package": "Okänt arbetspaket",
    "unknown_activity_type": "Okänd aktivitetstyp",
    "id_conflict": "Samma id på olika rader",
    "unknown_activity": "Okänt aktivitets-id",
    "no_identity": "Varken namn eller e-post",
    "name_organisation_swapped": "Namn och organisation har bytt plats",
    "extra_fields": "Fler fält än rubrikraden",
    "end_before_start": "Slutdatum före startdatum",
    "unparseable_date_optional": "Datum (valfritt) går inte att tolka",
    "unknown_municipality": "Okänd kommun",
    "status_missing": "Status saknas",
    "planned_in_past": "Planerad men daterad före perioden",
    "unknown_status": "Okänd status",
    "unknown_organiser_role": "Okänd arrangörsroll",
    "unparseable_count": "Antal går inte att tolka",
    "gender_counts_exceed_total": "Kvinnor + män fler än deltagarna",
    "invalid_link": "Ogiltig länk",
    "invalid_email": "Ogiltig e-postadress",
    "unknown_organisation_type": "Okänd organisationstyp",
    "unknown_gender": "Okänt kön",
    "unknown_role": "Okänd roll",
    "personal_data_in_field": "Personuppgift i fel fält",
    "value_without_header": "Värde i kolumn utan rubrik",
    "merged_differs": "Dubblett som skiljer sig från raden den slogs ihop med",
    "same_name_as_emailed": "Utan e-post, samma namn och organisation som en rad med e-post",
    "merged_duplicate": "Dubblett, sammanslagen",
    "excel_error": "Felvärde från Excel (#REF! m.fl.)",
    "unclosed_quote": "Citattecken som inte stängs (rader ihopslagna)",
    "repeated_header": "Rubrikrad längre ned (läses som data)",
}


def reason_label(code: str) -> str:
    return REASON_LABELS.get(code, code)


def accounting_table(clean: CleanResult) -> pd.DataFrame:
    """One row per input file (and the sheet read): read = clean + quarantined + merged, and
    whether it balances."""
    acc = clean.accounting()
    out = pd.DataFrame(
        {
            "Indata": acc["role"].map(ROLE_LABELS).fillna(acc["role"]),
            "Fil": acc["file"],
            "Blad": acc["sheet"],
            "Lästa rader": acc["read"],
            "Rena": acc["clean"],
            "I karantän": acc["quarantined"],
            "Sammanslagna": acc["merged"],
            "Tomma rader": acc["blank"],
        }
    )
    balanced = acc["read"] == acc["clean"] + acc["quarantined"] + acc["merged"]
    out["Stämmer"] = balanced.map({True: "ja", False: "NEJ"})
    return out


def _file_labels(clean: CleanResult) -> dict[str, str]:
    """Per role, the file as the tables name it: its name, and the sheet when the register and
    the lists are sheets of one workbook (their rows would look alike)."""
    paths = {str(a.path) for a in clean.accounts}
    return {
        a.role: Path(a.path).name + (f" (blad '{a.sheet}')" if len(paths) == 1 else "")
        for a in clean.accounts
    }


def _labelled(frame: pd.DataFrame, clean: CleanResult) -> pd.DataFrame:
    """`frame` (issues or merges) with `file` as `_file_labels` names it."""
    labels = frame["role"].astype("string").map(_file_labels(clean))
    return frame.assign(file=labels.fillna(frame["file"].astype("string")))


def quarantine_table(clean: CleanResult) -> pd.DataFrame:
    """Every quarantined problem, one row per problem, sorted by file and row."""
    return _issues_table(_labelled(clean.quarantine, clean))


def warnings_table(clean: CleanResult) -> pd.DataFrame:
    """Every warning, one row per problem, sorted by file and row."""
    return _issues_table(_labelled(clean.warnings, clean))


def _issues_table(issues: pd.DataFrame) -> pd.DataFrame:
    issues = issues.sort_values(["file", "row", "column"], kind="stable")
    return pd.DataFrame(
        {
            "Fil": issues["file"],
            "Rad": issues["row"],
            "Kolumn": issues["column"],
            "Värde": issues["value"],
            "Orsak": issues["reason"].map(reason_label),
            "Meddelande": issues["message"],
        }
    ).reset_index(drop=True)


def merges_table(clean: CleanResult) -> pd.DataFrame:
    """Every merged duplicate: its file and row, the activity, and the row it merged into."""
    merges = _labelled(clean.merges, clean).sort_values(["file", "row"], kind="stable")
    return pd.DataFrame(
        {
            "Fil": merges["file"],
            "Rad": merges["row"],
            "Aktivitets-id": merges["value"],
            "Meddelande": merges["message"],
        }
    ).reset_index(drop=True)


def warning_summary(clean: CleanResult, max_rows: int = 12) -> pd.DataFrame:
    """Warnings grouped by file and reason, with the rows where they occur."""
    w = clean.warnings
    if w.empty:
        return pd.DataFrame(columns=["Fil", "Orsak", "Antal", "Rader"])
    w = _labelled(w, clean)
    grouped = w.sort_values("row").groupby(["file", "reason"], sort=True)["row"]

    def _rows(rows: pd.Series) -> str:
        values = [str(r) for r in rows.unique()[:max_rows]]
        more = " …" if rows.nunique() > max_rows else ""
        return ", ".join(values) + more

    out = grouped.agg(["size", _rows]).reset_index()
    out.columns = ["Fil", "Orsak", "Antal", "Rader"]
    out["Orsak"] = out["Orsak"].map(reason_label)
    return out.sort_values(["Fil", "Antal"], ascending=[True, False]).reset_index(drop=True)


def _nearest_column(account: FileAccount, header: str) -> str | None:
    from hso_eval.read import ACTIVITY_SPEC, PARTICIPANT_SPEC

    spec = ACTIVITY_SPEC if account.role == "activities" else PARTICIPANT_SPEC
    return spec.nearest(header, account.columns)


def unknown_columns_table(clean: CleanResult) -> pd.DataFrame:
    """The ignored columns, each with the column it most likely was meant to be ("" if none)."""
    rows = [
        {
            "Fil": a.path,
            "Ignorerad kolumn": col,
            "Menade du": _nearest_column(a, col) or "",
        }
        for a in clean.accounts
        for col in a.unknown_columns
    ]
    return pd.DataFrame(rows, columns=["Fil", "Ignorerad kolumn", "Menade du"])


def unknown_column_notes(clean: CleanResult) -> list[tuple[str, bool]]:
    """A Swedish line per ignored column, for `check` and the run's log, and whether it looks
    like a misspelt known column (a warning: its data is lost until the header is fixed)."""
    notes = []
    for a in clean.accounts:
        for col in a.unknown_columns:
            near = _nearest_column(a, col)
            if near:
                notes.append(
                    (
                        f"{a.where()}: kolumnen '{col}' känns inte igen och läses inte. Menade "
                        f"du '{near}'? Byt rubriken i bladet.",
                        True,
                    )
                )
            else:
                notes.append(
                    (f"{a.where()}: kolumnen '{col}' känns inte igen och läses inte.", False)
                )
    return notes


def summary(clean: CleanResult) -> dict[str, int]:
    """Counts for the half-year report's appendix."""
    return {
        "read": int(sum(a.read for a in clean.accounts)),
        "clean": int(sum(a.clean for a in clean.accounts)),
        "quarantined": int(sum(a.quarantined for a in clean.accounts)),
        "merged": int(sum(a.merged for a in clean.accounts)),
        "blank": int(sum(a.blank for a in clean.accounts)),
        "warnings": len(clean.warnings),
        "unknown_columns": int(sum(len(a.unknown_columns) for a in clean.accounts)),
    }


# ---------------------------------------------------------------------------------------------
# HTML sections
# ---------------------------------------------------------------------------------------------
def _section(anchor: str, heading: str, intro: str, body: str) -> str:
    return (
        # A working paper, read on screen: its sections do not each start a printed page.
        f'<section class="hso-section"><h2 id="{anchor}" class="hso-no-break">'
        f"{html.escape(heading)}</h2>"
        f"<p>{html.escape(intro)}</p>{body}</section>"
    )


def _table(frame: pd.DataFrame, empty: str) -> str:
    from hso_eval.present import html_table

    if frame.empty:
        return f"<p><em>{html.escape(empty)}</em></p>"
    return html_table(frame)


def title_html(period_code: str, period_label: str, project_name: str) -> str:
    return (
        '<header class="hso-title">'
        f"<p>{html.escape(project_name)}</p>"
        f"<h1>Datakvalitet {html.escape(period_code)}</h1>"
        f"<p>Perioden {html.escape(period_label)}. Rapporten visar hur varje rad i bladen har "
        "hanterats: ren, i karantän eller sammanslagen som dubblett. Inga namn eller "
        "e-postadresser visas.</p></header>"
    )


def accounting_html(clean: CleanResult) -> str:
    return _section(
        "radredovisning",
        "Radredovisning per fil",
        "Varje läst rad hamnar på exakt ett ställe: bland de rena raderna, i karantän eller "
        "sammanslagen med en tidigare rad. I aktivitetsregistret slås en rad ihop med en "
        "identisk rad; i deltagarlistorna slås samma person på samma aktivitet ihop, även när "
        "t.ex. e-postadressen skrivits med andra versaler (skiljer sig andra fält ges en "
        "varning). Tomma rader räknas för sig och är inga data.",
        _table(accounting_table(clean), "Inga indatafiler."),
    )


def quarantine_html(clean: CleanResult) -> str:
    n_rows = int(sum(a.quarantined for a in clean.accounts))
    return _section(
        "karantan",
        "Rader i karantän",
        f"{n_rows} {'rad' if n_rows == 1 else 'rader'} kunde inte användas och är inte med i "
        "rapporten. Rätta dem i bladet (rad och kolumn anges som i Excel), pröva med "
        "hso-eval check (som inte publicerar något) och kör sedan igen.",
        _table(quarantine_table(clean), "Inga rader i karantän."),
    )


def merges_html(clean: CleanResult) -> str:
    n_rows = int(sum(a.merged for a in clean.accounts))
    return _section(
        "sammanslagna",
        "Sammanslagna dubbletter",
        f"{n_rows} rader var dubbletter av en tidigare rad och räknas inte en gång till. De "
        "behöver inte rättas för rapportens skull, men ta gärna bort dem ur bladet.",
        _table(merges_table(clean), "Inga dubbletter."),
    )


def warnings_html(clean: CleanResult) -> str:
    return _section(
        "varningar",
        "Varningar",
        f"{len(clean.warnings)} varningar: raderna är med i rapporten, men ett fält tömdes eller "
        "tolkades. Sammanställning per orsak, därefter hela listan.",
        _table(warning_summary(clean), "Inga varningar.")
        + (
            "<h3>Alla varningar</h3>" + _table(warnings_table(clean), "")
            if len(clean.warnings)
            else ""
        ),
    )


def unknown_columns_html(clean: CleanResult) -> str:
    return _section(
        "okanda-kolumner",
        "Kolumner som inte används",
        "Kolumner som bladen har men som hso_eval inte känner igen. De läses inte; byt namn på "
        "kolumnen om den borde användas (se docs/inmatning.md).",
        _table(unknown_columns_table(clean), "Alla kolumner känns igen."),
    )
