"""Write the bad-input corpus in tests/data/: one small file per contract rule.

Run `python tests/data/make_fixtures.py` after changing a fixture here; the produced files are
committed too, so tests never depend on this script having run. Each file is named for the
behaviour it triggers; test_contract_corpus.py holds each file's exact expected outcome.
All people in these files are invented.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook

HERE = Path(__file__).resolve().parent

A_HEAD = ["aktivitets_id", "datum", "arbetspaket", "aktivitetstyp", "titel"]
P_HEAD = [
    "aktivitets_id",
    "namn",
    "e-post",
    "organisation",
    "organisationstyp",
    "kommun",
    "kön",
    "roll",
]


def csv_text(header: list[str], rows: list[list[str]], sep: str = ";") -> str:
    """Header and rows joined with `sep`; cells containing `sep`, quotes or newlines are quoted."""

    def cell(value: str) -> str:
        if any(ch in value for ch in (sep, '"', "\n")):
            return '"' + value.replace('"', '""') + '"'
        return value

    return "".join(sep.join(cell(v) for v in line) + "\n" for line in [header, *rows])


def write_csv(
    name: str,
    header: list[str],
    rows: list[list[str]],
    *,
    sep: str = ";",
    encoding: str = "utf-8",
    prefix: str = "",
) -> None:
    """Write one CSV fixture with the given delimiter and encoding (bytes exactly as named)."""
    (HERE / name).write_bytes((prefix + csv_text(header, rows, sep)).encode(encoding))


def write_xlsx(name: str, sheets: dict[str, list[list[object]]]) -> None:
    """Write an .xlsx fixture: sheet name -> rows (None for an empty cell)."""
    book = Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(HERE / name)


def activity(
    aid: str,
    datum: str = "2024-03-15",
    ap: str = "AP1",
    typ: str = "möte",
    titel: str = "Startmöte",
) -> list[str]:
    return [aid, datum, ap, typ, titel]


def make() -> None:
    """Write every fixture."""
    # ---- file level ---------------------------------------------------------------------
    write_csv(
        "aktiviteter_saknar_kolumn.csv",
        ["aktivitets_id", "arbetspaket", "aktivitetstyp", "titel"],
        [["A1", "AP1", "möte", "Startmöte"]],
    )
    write_csv(
        "aktiviteter_ingen_rubrikrad.csv",
        ["A1", "2024-03-15", "AP1", "möte", "Startmöte"],
        [["A2", "2024-03-16", "AP2", "möte", "Möte"]],
    )
    (HERE / "aktiviteter_text_som_xlsx.xlsx").write_text(
        csv_text(A_HEAD, [activity("A1")]), encoding="utf-8"
    )
    (HERE / "deltagare_binar.csv").write_bytes(bytes(range(256)) * 4)
    # UTF-8, with one line pasted in from a Windows-1252 file (line 3).
    (HERE / "aktiviteter_blandad_kodning.csv").write_bytes(
        csv_text(A_HEAD, [activity("A1", titel="Möte i Örnsköldsvik")]).encode("utf-8")
        + csv_text(A_HEAD, [activity("A2", titel="Årsmöte")]).split("\n", 1)[1].encode("cp1252")
    )
    (HERE / "aktiviteter_fel_filtyp.txt").write_text(
        csv_text(A_HEAD, [activity("A1")]), encoding="utf-8"
    )
    write_csv(
        "aktiviteter_dubbel_kolumn.csv", [*A_HEAD, "startdatum"], [[*activity("A1"), "2024-03-16"]]
    )
    write_csv(
        "deltagare_saknar_namn_och_epost.csv",
        ["aktivitets_id", "organisation"],
        [["A1", "Timrå kommun"]],
    )
    write_csv("aktiviteter_bara_rubriker.csv", A_HEAD, [])
    write_xlsx(
        "aktiviteter_blad.xlsx",
        {
            "Instruktioner": [["Fyll i registret på bladet Register."]],
            "Register": [A_HEAD, activity("A1")],
        },
    )

    # ---- formats, encodings, delimiters, header rows ---------------------------------------
    people = [
        [
            "A1",
            "Åsa Öberg",
            "asa.oberg@harnosand.example",
            "Härnösands kommun",
            "kommun",
            "Härnösand",
            "kvinna",
            "talare",
        ],
        ["A1", "Örjan Ärlig", "", "Ånge kommun", "kommun", "Ånge", "man", ""],
    ]
    write_csv("deltagare_cp1252_semikolon.csv", P_HEAD, people, encoding="cp1252")
    write_csv("deltagare_utf8_bom_tabb.csv", P_HEAD, people, sep="\t", encoding="utf-8-sig")
    write_csv(
        "aktiviteter_utf8_komma.csv",
        [*A_HEAD, "samverkansparter"],
        [[*activity("A1", titel="Möte, med komma"), "Region Västernorrland, Timrå kommun"]],
        sep=",",
    )
    write_csv(
        "aktiviteter_titelrader.csv",
        A_HEAD,
        [activity("A1"), activity("A2", datum="31/02/2024")],
        prefix="Aktivitetsregister HSO;;;;\nUppdaterad 2024-06-30;;;;\n\n",
    )
    write_xlsx(
        "aktiviteter_titelrader.xlsx",
        {
            "Aktiviteter": [
                ["Aktivitetsregister HSO"],
                ["Uppdaterad 2024-06-30"],
                [],
                [" Aktivitets-ID ", "Datum", "AP", "Typ", "Rubrik"],
                ["A1", dt.datetime(2024, 3, 15), "AP1", "möte", "Startmöte"],
                [],
                ["A2", "31/02/2024", "AP2", "workshop", "Workshop"],
            ]
        },
    )
    write_csv(
        "aktiviteter_alias.csv",
        [
            "ID",
            "Startdatum",
            "TOM",
            "Ap",
            "Typ",
            "Rubrik",
            "Ort",
            "Arrangör",
            "Antal",
            "Kvinnor",
            "Man",
            "Parter",
            "Lank",
        ],
        [
            [
                "A1",
                "2024-03-15",
                "2024-03-16",
                "AP1",
                "möte",
                "Startmöte",
                "Härnösand",
                "egen",
                "20",
                "12",
                "8",
                "RVN",
                "https://hso.se",
            ]
        ],
    )
    write_xlsx(
        "aktiviteter_tomma_rader.xlsx",
        {"Blad1": [A_HEAD, activity("A1"), [], [None, None, None], activity("A2"), [], []]},
    )
    write_xlsx(
        "aktiviteter_excel_typer.xlsx",
        {
            "Blad1": [
                [*A_HEAD, "antal_deltagare"],
                [17, dt.datetime(2024, 6, 12), "AP1", "möte", "Excel-datum och id som tal", "250"],
                ["18", "45455", "AP1", "möte", "Serienummer som text", 40],
                [19, 45455, 2, "möte", "Serienummer som tal, AP som tal", 12.0],
            ]
        },
    )
    # Cells that show an Excel error value: openpyxl stores a string that is one (#REF!, #N/A,
    # …) as an error cell (t="e"), as Excel stores a failed formula's result. Row 3 holds only
    # error cells: it is a data row, not a blank one.
    write_xlsx(
        "aktiviteter_felvarden.xlsx",
        {
            "Aktiviteter": [
                [*A_HEAD, "slutdatum", "antal_deltagare", "kommun"],
                [*activity("A1"), "#N/A", "#DIV/0!", "#NAME?"],
                ["#REF!"] * 5,
                [*activity("A3", datum="#VALUE!"), None, None, None],
            ]
        },
    )
    write_xlsx(
        "deltagare_felvarden.xlsx",
        {
            "Deltagare": [
                P_HEAD,
                ["A1", "Åsa Öberg", "", "Härnösands kommun", "#N/A", "", "#N/A", ""],
                ["#REF!"] * 8,
            ]
        },
    )
    write_csv(
        "deltagare_okanda_kolumner.csv",
        ["aktivitets_id", "namn", "Anteckning", "Telefon"],
        [["A1", "Åsa Öberg", "kom sent", "070-000"]],
    )

    # ---- activity rules -----------------------------------------------------------------
    write_csv("aktiviteter_id_saknas.csv", A_HEAD, [activity("")])
    write_csv(
        "aktiviteter_id_konflikt.csv",
        A_HEAD,
        [activity("A1"), activity("A1", titel="Annat möte"), activity("A2")],
    )
    write_csv(
        "aktiviteter_exakt_dubblett.csv", A_HEAD, [activity("A1"), activity("A1"), activity("A2")]
    )
    write_csv("aktiviteter_datum_saknas.csv", A_HEAD, [activity("A1", datum="")])
    write_csv("aktiviteter_datum_ogiltigt.csv", A_HEAD, [activity("A1", datum="31/02/2024")])
    write_csv(
        "aktiviteter_datum_utanfor_projekt.csv",
        A_HEAD,
        [
            activity("A1", datum="2022-12-31"),
            activity("A2", datum="2023-01-01"),
            activity("A3", datum="2027-12-31"),
            activity("A4", datum="2028-01-01"),
        ],
    )
    write_csv(
        "aktiviteter_datumformat.csv",
        A_HEAD,
        [
            activity(f"A{i}", datum=d)
            for i, d in enumerate(
                [
                    "2024-06-12",
                    "2024-06-12 14:30",
                    "12/6/2024",
                    "12.6.2024",
                    "12 juni 2024",
                    "12 JUN 2024",
                    "45455",
                ],
                start=1,
            )
        ]
        + [activity("A8", datum="6/12/2024 PM")],
    )
    write_csv(
        "aktiviteter_arbetspaket_varianter.csv",
        A_HEAD,
        [
            activity(f"A{i}", ap=ap)
            for i, ap in enumerate(
                ["AP 1", "ap1", "1", "Arbetspaket 1", "AP3 - Påverkansarbete", "Påverkansarbete"],
                start=1,
            )
        ],
    )
    write_csv("aktiviteter_arbetspaket_okant.csv", A_HEAD, [activity("A1", ap="AP9")])
    write_csv("aktiviteter_typ_okand.csv", A_HEAD, [activity("A1", typ="fika")])
    write_csv(
        "aktiviteter_typ_varianter.csv",
        A_HEAD,
        [
            activity("A1", typ="Webbinarium"),
            activity("A2", typ=" besök "),
            activity("A3", typ="MÄSSA"),
            activity("A4", typ="styrgrupp"),
        ],
    )
    write_csv("aktiviteter_titel_saknas.csv", A_HEAD, [activity("A1", titel="  ")])
    write_csv(
        "aktiviteter_slutdatum_fore_start.csv",
        [*A_HEAD, "slutdatum"],
        [[*activity("A1"), "2024-03-14"], [*activity("A2"), "2024-03-16"]],
    )
    write_csv(
        "aktiviteter_slutdatum_ogiltigt.csv", [*A_HEAD, "slutdatum"], [[*activity("A1"), "snart"]]
    )
    write_csv(
        "aktiviteter_kommun.csv",
        [*A_HEAD, "kommun"],
        [
            [*activity("A1"), "Sundsvalls kommun"],
            [*activity("A2"), "Harnosand"],
            [*activity("A3"), "Övik"],
            [*activity("A4"), "Gotham"],
        ],
    )
    write_csv(
        "aktiviteter_status_saknas.csv",
        [*A_HEAD, "status"],
        [[*activity("A1", datum="2024-06-30"), ""], [*activity("A2", datum="2024-07-01"), ""]],
    )
    write_csv(
        "aktiviteter_planerad_i_det_forflutna.csv",
        [*A_HEAD, "status"],
        [
            [*activity("A1", datum="2023-12-31"), "planerad"],
            [*activity("A2", datum="2024-01-01"), "planerad"],
        ],
    )
    write_csv("aktiviteter_status_okand.csv", [*A_HEAD, "status"], [[*activity("A1"), "kanske"]])
    write_csv(
        "aktiviteter_arrangorsroll.csv",
        [*A_HEAD, "arrangörsroll"],
        [[*activity("A1"), ""], [*activity("A2"), "Samarrangemang"], [*activity("A3"), "värd"]],
    )
    write_csv(
        "aktiviteter_antal_ungefar.csv",
        [*A_HEAD, "antal_deltagare"],
        [
            [*activity(f"A{i}"), v]
            for i, v in enumerate(["ca 250", "~250", "250 st", "250+", "250"], start=1)
        ],
    )
    write_csv(
        "aktiviteter_antal_ogiltigt.csv",
        [*A_HEAD, "antal_deltagare", "antal_kvinnor"],
        [[*activity("A1"), "många", "-3"]],
    )
    write_csv(
        "aktiviteter_kon_summa_over_antal.csv",
        [*A_HEAD, "antal_deltagare", "antal_kvinnor", "antal_män"],
        [[*activity("A1"), "20", "15", "10"], [*activity("A2"), "20", "12", "8"]],
    )
    # An unquoted ';' in a title (row 2: one field more than the header) and a value under the
    # empty header cell F (row 3).
    (HERE / "aktiviteter_falt_utan_rubrik.csv").write_text(
        "aktivitets_id;datum;arbetspaket;aktivitetstyp;titel;;status\n"
        "A1;2024-03-15;AP1;möte;Möte; del två;;genomförd\n"
        "A2;2024-03-16;AP1;möte;Möte;ring Eva;genomförd\n"
        "A3;2024-03-17;AP1;möte;Möte;;genomförd\n",
        encoding="utf-8",
    )
    write_csv(
        "aktiviteter_lank_ogiltig.csv",
        [*A_HEAD, "länk"],
        [
            [*activity("A1"), "www.hso.se"],
            [*activity("A2"), "javascript:alert(1)"],
            [*activity("A3"), "https://hso.se/a"],
        ],
    )
    write_csv(
        "aktiviteter_beskrivning_formel.csv",
        [*A_HEAD, "beskrivning"],
        [
            [*activity("A1"), '=HYPERLINK("http://x";"klicka")'],
            [*activity("A2"), "<b>fet</b> & <script>"],
        ],
    )

    # ---- participant rules (checked against aktiviteter_register.csv) ----------------------
    write_csv(
        "aktiviteter_register.csv",
        A_HEAD,
        [activity("A1"), activity("A2", titel="Workshop"), activity("A3", datum="31/02/2024")],
    )
    write_csv(
        "deltagare_okand_aktivitet.csv",
        P_HEAD,
        [["A9", "Åsa Öberg", "", "", "", "", "", ""], ["A3", "Åsa Öberg", "", "", "", "", "", ""]],
    )
    write_csv("deltagare_id_saknas.csv", P_HEAD, [["", "Åsa Öberg", "", "", "", "", "", ""]])
    write_csv(
        "deltagare_ingen_identitet.csv",
        P_HEAD,
        [
            ["A1", "", "", "Timrå kommun", "kommun", "", "", ""],
            ["A1", "", "inte-en-adress", "", "", "", "", ""],
        ],
    )
    write_csv(
        "deltagare_samma_person_tva_ganger.csv",
        P_HEAD,
        [
            ["A1", "Åsa Öberg", "Asa.Oberg@Harnosand.example ", "", "", "", "", ""],
            ["A1", "Å. Öberg", "asa.oberg@harnosand.example", "", "", "", "", ""],
            ["A2", "Åsa Öberg", "asa.oberg@harnosand.example", "", "", "", "", ""],
        ],
    )
    write_csv(
        "deltagare_samma_namn_och_org.csv",
        P_HEAD,
        [
            ["A1", "Per Persson", "", "Timrå kommun", "", "", "", ""],
            ["A1", " per  persson ", "", "Timrå  kommun", "", "", "", ""],
            ["A1", "Per Persson", "", "Kramfors kommun", "", "", "", ""],
        ],
    )
    write_csv(
        "deltagare_epost_ogiltig.csv",
        P_HEAD,
        [["A1", "Åsa Öberg", "asa.oberg(at)harnosand.se", "", "", "", "", ""]],
    )
    write_csv(
        "deltagare_orgtyp.csv",
        P_HEAD,
        [
            ["A1", "Ada", "", "", "Företag", "", "", ""],
            ["A1", "Bo", "", "", "rymdstation", "", "", ""],
            ["A1", "Cy", "", "", "", "", "", ""],
        ],
    )
    write_csv(
        "deltagare_kon.csv",
        P_HEAD,
        [
            ["A1", "Ada", "", "", "", "", "K", ""],
            ["A1", "Bo", "", "", "", "", "", ""],
            ["A1", "Cy", "", "", "", "", "vet ej", ""],
        ],
    )
    write_csv(
        "deltagare_roll.csv",
        P_HEAD,
        [
            ["A1", "Ada", "", "", "", "", "", "Moderator"],
            ["A1", "Bo", "", "", "", "", "", ""],
            ["A1", "Cy", "", "", "", "", "", "trollkarl"],
        ],
    )
    write_csv(
        "deltagare_kommun.csv",
        P_HEAD,
        [
            ["A1", "Ada", "", "", "", "Örnsköldsviks kommun", "", ""],
            ["A1", "Bo", "", "", "", "Atlantis", "", ""],
        ],
    )


if __name__ == "__main__":
    make()
