"""Generate HSO's synthetic demo data: activity register, participant lists, narratives, README.

Everything is fictional except the public facts of the first half-year report (what was held,
where and when). People are generated from name lists with a fixed seed, and every e-mail
address is in a reserved `.example` domain. The output is deterministic: running the script
twice gives byte-identical files (the xlsx workbooks carry fixed timestamps).

Usage:
    .venv/bin/python scripts/make_demo.py            # writes data/demo/
    .venv/bin/python scripts/make_demo.py --out DIR  # writes somewhere else (tests use this)
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import re
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font

SEED = 20240101
SHARE_WOMEN = 0.55
FIXED_TIMESTAMP = datetime(2025, 1, 10, 8, 0, 0)
REPO = Path(__file__).resolve().parents[1]
DEFAULT_OUT = REPO / "data" / "demo"

ACTIVITY_HEADERS = [
    "aktivitets_id",
    "datum",
    "slutdatum",
    "arbetspaket",
    "aktivitetstyp",
    "titel",
    "beskrivning",
    "plats",
    "kommun",
    "status",
    "arrangörsroll",
    "antal_deltagare",
    "antal_kvinnor",
    "antal_män",
    "samverkansparter",
    "länk",
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
#: The xlsx copy of the participant list uses a few accepted header variants.
PARTICIPANT_HEADERS_XLSX = [
    "aktivitets_id",
    "namn",
    "E-post",
    "organisation",
    "orgtyp",
    "kommun",
    "Kön",
    "roll",
]

#: Names that must never be generated (project office and work-package leads, see project.yaml),
#: plus the name reserved for the one row with an invalid e-mail address.
RESERVED_NAMES = {
    "Annelie Axelsson",
    "Maria Rönnerberg",
    "Gabriela Chemshirova",
    "Mikael Kristiansson",
    "Frida Bergman",
    "Lars Berg",
}


def _words(text: str) -> list[str]:
    return text.split()


WOMEN = _words(
    "Anna Eva Karin Kristina Lena Sara Emma Malin Johanna Linda Helena Elin Ida Sofia Camilla "
    "Jenny Ulrika Åsa Ingrid Therese Hanna Cecilia Lisa Marie Annika Jessica Petra Susanne "
    "Louise Ylva Sanna Elisabet"
)
MEN = _words(
    "Erik Anders Johan Per Karl Mats Magnus Peter Jonas Fredrik Daniel Stefan Henrik Niklas "
    "Björn Mattias Olof Tomas Göran Jan Håkan Örjan Pär Ulf Joakim Viktor"
)
SURNAMES = _words(
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Svensson Gustafsson "
    "Pettersson Jonsson Lindberg Lindqvist Sjöberg Lundgren Holm Berglund Nordin Ström "
    "Sundström Åberg Öberg Hedlund Bäckström Nyström Engström Lindström Forsberg Sandberg "
    "Höglund Norberg Westin Edlund Näslund Hägglund Lundin Bergström Wikström Sjödin Östlund "
    "Ågren Dahlberg Strand Vikström Sjölander Hellström Jonasson Marklund Olofsson"
)

# --------------------------------------------------------------------------------------------
# Organisations and people
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Org:
    name: str
    org_type: str  # canonical vocabulary value
    variant: str  # an accepted variant of the type, used on some rows
    municipality: str
    domain: str
    size: int
    group: str


# fmt: off
ORGS = [
    Org("Härnösands kommun", "kommun", "Kommun", "Härnösand", "harnosand.example", 9, "kommun"),
    Org("Kramfors kommun", "kommun", "Kommun", "Kramfors", "kramfors.example", 9, "kommun"),
    Org("Sollefteå kommun", "kommun", "Kommun", "Sollefteå", "solleftea.example", 9, "kommun"),
    Org("Sundsvalls kommun", "kommun", "Kommun", "Sundsvall", "sundsvall.example", 9, "kommun"),
    Org("Timrå kommun", "kommun", "Kommun", "Timrå", "timra.example", 9, "kommun"),
    Org("Ånge kommun", "kommun", "Kommun", "Ånge", "ange.example", 9, "kommun"),
    Org(
        "Örnsköldsviks kommun",
        "kommun",
        "Kommun",
        "Örnsköldsvik",
        "ornskoldsvik.example",
        9,
        "kommun",
    ),
    Org("Region Västernorrland", "region", "Region", "Härnösand", "rvn.example", 10, "rvn"),
    Org(
        "Länsstyrelsen Västernorrland",
        "länsstyrelse",
        "Länsstyrelse",
        "Härnösand",
        "lansstyrelsen-y.example",
        6,
        "lst",
    ),
    Org("Mittuniversitetet", "akademi", "Universitet", "Sundsvall", "miun.example", 4, "miun"),
    Org("Sweco", "näringsliv", "Företag", "Sundsvall", "sweco.example", 3, "sweco"),
    Org("Höga Kusten Bygg AB", "näringsliv", "Företag", "Kramfors", "hkbygg.example", 2, "ftg"),
    Org("Ådalens Trävaror AB", "näringsliv", "Bolag", "Sollefteå", "adalenstra.example", 1, "ftg"),
    Org("Norrvind Energi AB", "näringsliv", "Företag", "Ånge", "norrvind.example", 2, "ftg"),
    Org("Mittlogistik AB", "näringsliv", "Företag", "Sundsvall", "mittlogistik.example", 2, "ftg"),
    Org("Botnia Fastigheter AB", "näringsliv", "Bolag", "Örnsköldsvik", "botnia.example", 2, "ftg"),
    Org("Härnösand Digital AB", "näringsliv", "Företag", "Härnösand", "hdigital.example", 2, "ftg"),
    Org("Almi Mitt", "näringsliv", "Företag", "Sundsvall", "almi.example", 1, "ftg"),
    Org("BizMaker", "näringsliv", "Företag", "Härnösand", "bizmaker.example", 1, "ftg"),
    Org(
        "Handelskammaren Mittsverige",
        "intresseorganisation",
        "bransch",
        "Sundsvall",
        "handelskammaren.example",
        2,
        "intresse",
    ),
    Org(
        "Svenskt Näringsliv",
        "intresseorganisation",
        "bransch",
        "Sundsvall",
        "svensktnaringsliv.example",
        2,
        "intresse",
    ),
    Org("Företagarna", "intresseorganisation", "bransch", "Sundsvall", "fr.example", 1, "intresse"),
    Org("LO Mitt", "intresseorganisation", "fack", "Sundsvall", "lo.example", 1, "intresse"),
    Org("LRF Mitt", "intresseorganisation", "bransch", "Sollefteå", "lrf.example", 1, "intresse"),
    Org("Byggföretagen", "intresseorganisation", "bransch", "", "byggforetagen.example", 1,
        "intresse"),
    Org(
        "Coompanion Västernorrland",
        "civilsamhälle",
        "förening",
        "Härnösand",
        "coompanion.example",
        1,
        "civil",
    ),
    Org(
        "Hushållningssällskapet",
        "civilsamhälle",
        "ideell",
        "Kramfors",
        "hushallningssallskapet.example",
        1,
        "civil",
    ),
    Org("Leader Höga Kusten", "civilsamhälle", "förening", "Kramfors", "leader.example", 1,
        "civil"),
    Org(
        "RF-SISU Västernorrland",
        "civilsamhälle",
        "förening",
        "Sundsvall",
        "rfsisu.example",
        1,
        "civil",
    ),
    Org(
        "Tillväxtverket",
        "statlig myndighet",
        "Myndighet",
        "Östersund",
        "tillvaxtverket.example",
        1,
        "myndighet",
    ),
    Org(
        "Arbetsförmedlingen",
        "statlig myndighet",
        "Myndighet",
        "Sundsvall",
        "arbetsformedlingen.example",
        1,
        "myndighet",
    ),
    Org(
        "Skogsstyrelsen",
        "statlig myndighet",
        "myndighet",
        "Härnösand",
        "skogsstyrelsen.example",
        1,
        "myndighet",
    ),
    Org("Region Västerbotten", "region", "Region", "Umeå", "regionvasterbotten.example", 2, "norr"),
    Org("Region Norrbotten", "region", "Region", "Luleå", "norrbotten.example", 2, "norr"),
    Org("Region Jämtland Härjedalen", "region", "Region", "Östersund", "rjh.example", 2, "norr"),
    Org("N6", "övrigt", "övrigt", "Umeå", "n6.example", 1, "norr"),
]
# fmt: on
ORG_BY_NAME = {o.name: o for o in ORGS}


@dataclass
class Person:
    first: str
    last: str
    woman: bool
    org: Org
    email: str  # "" when the person never gives one
    tags: set[str] = field(default_factory=set)

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


def _ascii(text: str) -> str:
    table = str.maketrans("åäöéÅÄÖÉ", "aaoeaaoe")
    return text.lower().translate(table).replace(" ", "")


#: Tags by position inside each organisation (who does what), used to pick plausible attendees.
ROLE_TAGS = {
    "kommun": ["styrgrupp", "kommunikatör", "näringsliv", "planerare", "processledare"],
    "rvn": ["styrgrupp", "kommunikatör", "påverkan", "påverkan", "planerare", "processledare"],
    "lst": ["styrgrupp", "påverkan", "planerare", "kommunikatör"],
    "miun": ["kraft", "kraft"],
}

#: Fixed people (deliberate cases in the data): the name with Å, Ä and Ö that one row types with
#: surrounding spaces, and the person who only ever appears with a generic company address.
FIXED_PEOPLE = [
    ("Märta", "Åkerström", True, "Örnsköldsviks kommun"),
    ("Olof", "Wikström", False, "Ådalens Trävaror AB"),
]


def build_people(rng: random.Random) -> list[Person]:
    """The pool of synthetic people, organisation by organisation."""
    used: set[str] = set(RESERVED_NAMES) | {f"{f[0]} {f[1]}" for f in FIXED_PEOPLE}
    emails: set[str] = set()
    people: list[Person] = []

    def add(first: str, last: str, woman: bool, org: Org, email: str | None) -> Person:
        if email is None:
            email = f"{_ascii(first)}.{_ascii(last)}@{org.domain}"
        assert email == "" or email not in emails, email
        if email:
            emails.add(email)
        person = Person(first, last, woman, org, email)
        people.append(person)
        return person

    # About 55 % women, shuffled over the generated people.
    n_generated = sum(o.size for o in ORGS) - len(FIXED_PEOPLE)
    n_women = round(SHARE_WOMEN * n_generated)
    genders = [True] * n_women + [False] * (n_generated - n_women)
    rng.shuffle(genders)
    for org in ORGS:
        fixed = [f for f in FIXED_PEOPLE if f[3] == org.name]
        members: list[Person] = []
        for i in range(org.size - len(fixed)):
            woman = genders.pop()
            while True:
                first = rng.choice(WOMEN if woman else MEN)
                last = rng.choice(SURNAMES)
                if f"{first} {last}" not in used:
                    used.add(f"{first} {last}")
                    break
            # Politicians on the Almedalen panels are listed by name only.
            no_email = org.group == "norr" and org.size == 2 and i == 0
            members.append(add(first, last, woman, org, "" if no_email else None))
        for first, last, woman, _ in fixed:
            email = "kontakt@adalenstra.example" if org.group == "ftg" else None
            members.append(add(first, last, woman, org, email))
        for person, tag in zip(members, ROLE_TAGS.get(org.group, []), strict=False):
            person.tags.add(tag)
    return people


# --------------------------------------------------------------------------------------------
# Activities
# --------------------------------------------------------------------------------------------


@dataclass
class Activity:
    key: str
    datum: date | str
    ap: str
    typ: str
    titel: str
    beskrivning: str = ""
    plats: str = ""
    kommun: str = ""
    status: str = "genomförd"
    roll: str = ""
    antal: int | str | None = None  # None: the list's length when there is a list
    slutdatum: date | None = None
    parter: str = ""
    lank: str = ""
    attend: list[tuple[str, int]] | None = None  # (selector, how many) for the attendance list
    gender_counts: bool = False
    id: str = ""

    def start(self) -> date | None:
        """The start date as meant; None for the deliberately impossible date."""
        if isinstance(self.datum, date):
            return self.datum
        return TEXT_DATES[self.datum]


TEXT_DATES = {
    "12 juni 2024": date(2024, 6, 12),
    "3/9/2024": date(2024, 9, 3),
    "2024-10-10": date(2024, 10, 10),
    "31/02/2024": None,
}


D = date
ALMEDALEN_PARTIES = (
    "N6; Handelskammaren Mittsverige; Region Västerbotten; Region Norrbotten; "
    "Region Jämtland Härjedalen"
)


def build_activities() -> list[Activity]:
    """The register in entry order (2024 then 2025), without ids."""
    pg = "Påverkansgrupp"
    a = Activity
    # fmt: off
    spring = [
        a("kickoff", D(2024, 1, 24), "AP4", "möte", "Uppstartsmöte för HSO",
          "Gemensam uppstart för projektgruppen: mål, arbetspaket och tidplan.",
          "Kramfors Folkets hus", "Kramfors", roll="egen", antal=56, gender_counts=True,
          attend=[("kommun", 38), ("rvn", 8), ("lst", 4), ("miun", 2), ("ftg", 2)]),
        a("sg_workshop", D(2024, 2, 14), "AP4", "workshop", "Fördjupningsmöte med styrgruppen",
          "Workshop om mål, roller, mötesrutiner och krav på underlag. Resultatet blev "
          "bilagan Vägledande dokument.", "Härnösand", "Härnösand", attend=[("styrgrupp", 8)]),
        a("policy", D(2024, 2, 26), "Projektledning", "material",
          "Kommunikationspolicy och mallar",
          "Mallar för presentationer, annonser och mejlsignatur samt regler för "
          "kommunikation, delade med alla projektparter.", "Härnösand", "Härnösand"),
        a("almi", "31/02/2024", "AP2", "möte", "Avstämning med Almi Mitt om företagsstöd",
          "Samtal om företagens behov av stöd i omställningen.", "Sundsvall", "Sundsvall"),
        a("pg_strat_1", D(2024, 2, 20), "AP3", "möte",
          f"{pg} Strategin för norra Sverige, arbetsmöte",
          "Löpande arbetsmöte i påverkansgruppen.", "Teams", attend=[("pg_strat", 7)]),
        a("pg_forsvar_1", D(2024, 3, 5), "AP 3", "möte", f"{pg} Totalförsvaret, arbetsmöte",
          "Löpande arbetsmöte i påverkansgruppen.", "Härnösand", "Härnösand",
          attend=[("pg_forsvar", 7)]),
        a("partner_harnosand", D(2024, 3, 12), "AP4", "partnerbesök", "Partnerbesök Härnösand",
          "Möte med kommunens representanter om HSO och kommunens behov.", "Härnösand",
          "Härnösand", attend=[("partner:Härnösand", 6)]),
        a("almedalen_plan", D(2024, 3, 13), "AP3", "möte", "Planering inför Almedalen 2024",
          "Arbetsgruppen planerar seminarier och mingel tillsammans med norra Sverige.", "Teams",
          attend=[("pg_strat", 4), ("intresse", 1), ("norr", 1)]),
        a("pg_el_1", D(2024, 3, 19), "ap3", "möte", f"{pg} Hållbar elförsörjning, arbetsmöte",
          "Löpande arbetsmöte i påverkansgruppen.", "Sundsvall", "Sundsvall",
          attend=[("pg_el", 7)]),
        a("invkarta", D(2024, 3, 26), "AP3 - Påverkansarbete", "material",
          "Investeringskarta för Västernorrland",
          "Illustration av de stora investeringarna i länet, framtagen av Regionen och spridd "
          "i projektets påverkansarbete.", "Härnösand", "Västernorrland",
          parter="Region Västernorrland"),
        a("partner_kramfors", D(2024, 4, 9), "AP4", "Partnerbesök", "Partnerbesök Kramfors",
          "Möte med kommunens representanter om HSO och kommunens behov.", "Kramfors",
          "Kramfors", attend=[("partner:Kramfors", 5)]),
        a("sg_1", D(2024, 4, 11), "AP4", "styrgruppsmöte", "Styrgruppsmöte",
          "Ordinarie styrgruppsmöte.", "Härnösand", "Härnösand", attend=[("styrgrupp", 9)]),
        a("pg_strat_2", D(2024, 4, 16), "Påverkansarbete", "möte",
          f"{pg} Strategin för norra Sverige, arbetsmöte", "Löpande arbetsmöte i påverkansgruppen.",
          "Teams", attend=[("pg_strat", 6)]),
        a("business_arena", D(2024, 4, 17), "AP 1", "konferens", "Business Arena Norr",
          "Omvärldsbevakning och relationer med kollegor i norra Sverige, tillsammans med "
          "Sundsvallsregionen.", "Skellefteå", "Skellefteå", roll="deltagande", antal="många",
          slutdatum=D(2024, 4, 18), parter="Sundsvallsregionen"),
        a("naringsliv_harnosand", D(2024, 4, 23), "AP2", "möte",
          "Möte med näringslivsrepresentanter i Härnösand",
          "Samtal om företagens behov i samhällsomställningen.", "Härnösand", "Härnösand",
          attend=[("ftg", 5), ("partner:Härnösand", 2), ("intresse", 1)],
          parter="Näringslivet i Härnösand"),
        a("webb", D(2024, 4, 29), "AP4", "webb", "Landningssida Västernorrland växer",
          "Webbsida med grundläggande information om HSO under Härnösands kommuns webbplats.",
          "Härnösand", "Härnösand", lank="https://www.harnosand.example/vasternorrland-vaxer"),
        a("pg_forsvar_2", D(2024, 5, 7), "AP3", "möte", f"{pg} Totalförsvaret, arbetsmöte",
          "Löpande arbetsmöte i påverkansgruppen.", "Teams", attend=[("pg_forsvar", 6)]),
        a("partner_solleftea", D(2024, 5, 14), "AP4", "besök", "Partnerbesök Sollefteå",
          "Möte med kommunens representanter om HSO och kommunens behov.", "Sollefteå",
          "Sollefteå", attend=[("partner:Sollefteå", 6)]),
        a("kommunikatorer", D(2024, 5, 16), "AP2", "nätverk", "Kommunikatörsnätverket startar",
          "Första träffen i nätverket för gemensam kommunikation.", "Teams",
          attend=[("kommunikatör", 9)]),
        a("upphandling_utv", D(2024, 5, 20), "AP4", "upphandling",
          "Upphandling av utvärderingskonsult",
          "Upphandling enligt Tillväxtverkets krav. Uppdraget tilldelades Sweco.", "Härnösand",
          "Härnösand", slutdatum=D(2024, 6, 28)),
        a("pg_el_2", D(2024, 5, 21), "AP3", "möte", f"{pg} Hållbar elförsörjning, arbetsmöte",
          "Löpande arbetsmöte i påverkansgruppen.", "Teams", attend=[("pg_el", 6)]),
        a("svenskt_naringsliv", D(2024, 5, 29), "AP2", "möte", "Möte med Svenskt Näringsliv",
          "Samtal om samverkan kring företagens roll i omställningen.", "Sundsvall", "Sundsvall",
          attend=[("org:Svenskt Näringsliv", 2), ("rvn", 1), ("partner:Sundsvall", 1)],
          parter="Svenskt Näringsliv"),
        a("rapport_1", D(2024, 5, 31), "AP4", "rapportering",
          "Första rapporteringen till Tillväxtverket och Regionen",
          "Lägesrapport och ekonomisk redovisning.", "Härnösand", "Härnösand"),
        a("partner_sundsvall", D(2024, 6, 4), "AP4", "partnerbesök", "Partnerbesök Sundsvall",
          "Möte med kommunens representanter om HSO och kommunens behov.", "Sundsvall",
          "Sundsvall", attend=[("partner:Sundsvall", 7)]),
        a("di", "12 juni 2024", "AP3", "publicering", "DI-bilagan Västernorrland växer",
          "Bilaga i Dagens Industri om Västernorrlands roll i den gröna omställningen.",
          "Stockholm", "Stockholm", lank="https://www.di.example/bilagor/vasternorrland-vaxer"),
        a("almedalen_bostad", D(2024, 6, 25), "AP3", "seminarium",
          "Almedalen: Bostadsbyggande i norra Sverige",
          "Seminarium om hur bostäderna ska byggas när norra Sverige växer. Fullsatt.", "Visby",
          "Gotland", roll="samarrangemang", antal=120, parter=ALMEDALEN_PARTIES,
          attend=[("talare:bostad", 5), ("moderator:bostad", 1), ("almedalen_publik", 16)]),
        a("almedalen_risk", D(2024, 6, 25), "AP3", "panelsamtal",
          "Almedalen: Riskdelning med staten i den gröna omställningen",
          "Panelsamtal om hur riskerna i omställningen ska fördelas mellan staten och "
          "regionerna. Fullsatt.", "Visby", "Gotland", roll="samarrangemang", antal="110",
          parter=ALMEDALEN_PARTIES,
          attend=[("talare:risk", 5), ("moderator:risk", 1), ("almedalen_publik", 15)]),
        a("almedalen_mingel", D(2024, 6, 25), "AP3", "mingel",
          "Almedalen: Mingel för norra Sverige",
          "Gemensamt mingel efter seminarierna. Alla fyra landshövdingar talade.", "Visby",
          "Gotland", roll="samarrangemang", antal="ca 250", parter=ALMEDALEN_PARTIES),
    ]
    autumn = [
        a("partner_ange", D(2024, 8, 12), "AP4", "partnerbesök", "Partnerbesök Ånge",
          "Möte med kommunens representanter om HSO och kommunens behov.", "Ånge", "Ånge",
          attend=[("partner:Ånge", 6)]),
        a("partner_ovik", D(2024, 8, 15), "AP4", "partnerbesök", "Partnerbesök Örnsköldsvik",
          "Möte med kommunens representanter om HSO och kommunens behov.", "Örnsköldsvik",
          "Övik", attend=[("partner:Örnsköldsvik", 7)]),
        a("almedalen_utv", D(2024, 8, 21), "AP3", "möte", "Utvärdering av Almedalen 2024",
          "Genomgång av årets deltagande och första tankar om 2025.", "Teams",
          attend=[("pg_strat", 5), ("intresse", 1), ("norr", 2)]),
        a("rapport_2", D(2024, 8, 30), "AP4", "rapportering", "Halvårsrapport 1 inlämnad",
          "Halvårsrapporten för januari till juni lämnad till Tillväxtverket och Regionen.",
          "Härnösand", "Härnösand"),
        a("sweco_start", "3/9/2024", "AP4", "möte", "Uppstartsmöte med utvärderaren Sweco",
          "Genomgång av utvärderingsuppdraget, tidplan och underlag.", "Härnösand", "Härnösand",
          attend=[("org:Sweco", 3), ("rvn", 2), ("lst", 1), ("kommun", 2)]),
        a("arbetsgrupp", D(2024, 9, 12), "AP4", "möte",
          "Uppstart för projektets arbetsgrupp (heldagsmöte)",
          "Heldag för hela arbetsgruppen nu när processledarna är på plats.", "Härnösand",
          "Härnösand", gender_counts=True,
          attend=[("name:Märta Åkerström", 1), ("processledare", 8), ("kommun", 22),
                  ("rvn", 5), ("lst", 3)]),
        a("pg_strat_3", D(2024, 9, 17), "AP3", "möte",
          f"{pg} Strategin för norra Sverige, arbetsmöte",
          "Löpande arbetsmöte i påverkansgruppen.", "Teams", attend=[("pg_strat", 7)]),
        a("partner_timra", D(2024, 9, 20), "AP4", "partnerbesök", "Partnerbesök Timrå",
          "Möte med kommunens representanter om HSO och kommunens behov.", "Timrå", "Timrå",
          attend=[("partner:Timrå", 6)]),
        a("sg_2", D(2024, 10, 1), "AP4", "styrgrupp", "Styrgruppsmöte",
          "Ordinarie styrgruppsmöte. Beslut om delprojektledare i arbetspaketen.", "Härnösand",
          "Härnösand", attend=[("styrgrupp", 9)]),
        a("bunsow", "2024-10-10", "AP2", "konferens", "Bünsow Business Growth Forum",
          "Omvärldsbevakning och kontakter med näringslivet.", "Sundsvall", "Sundsvall",
          roll="deltagande"),
        a("samhallsbyggardag", D(2024, 10, 15), "AP1", "konferens",
          "Samhällsbyggardagen: föredrag om samhällsomställningen",
          "HSO talade om samhällsomställningen i Västernorrland.", "Sundsvall", "Sundsvall",
          roll="deltagande", parter="Svenskt Näringsliv; Byggföretagen"),
        a("kommunikatorer_2", D(2024, 10, 17), "AP2", "nätverksträff",
          "Kommunikatörsnätverket, höstträff",
          "Gemensamma budskap och planering av kommunikationen inför 2025.", "Sundsvall",
          "Sundsvall", attend=[("kommunikatör", 9), ("org:Mittuniversitetet", 1)]),
        a("upphandling_komm", D(2024, 10, 22), "AP3", "upphandling",
          "Upphandling av kommunikationskonsult för påverkansarbetet",
          "Stöd i påverkansarbetet under 2025.", "Härnösand", "Härnösand",
          slutdatum=D(2024, 11, 29)),
        a("kraft", D(2024, 10, 24), "AP4", "workshop",
          "Första processledningsmötet enligt Mittuniversitetets Kraft-modell",
          "Lunch till lunch. Processledarna och projektkontoret arbetar med Kraft-modellen.",
          "Sundsvall", "Sundsvall", slutdatum=D(2024, 10, 25), gender_counts=True,
          attend=[("talare:kraft", 2), ("processledare", 9), ("kommun", 10), ("rvn", 3)]),
        a("pg_forsvar_3", D(2024, 11, 5), "AP3", "möte", f"{pg} Totalförsvaret, arbetsmöte",
          "Löpande arbetsmöte i påverkansgruppen.", "Härnösand", "Härnösand",
          attend=[("pg_forsvar", 7)]),
        a("infotraff_plan", D(2024, 11, 12), "AP2", "möte",
          "Planering av infoträff med länets näringslivskontor",
          "Struktur för en gemensam infoträff, tillsammans med Regionen.", "Teams",
          attend=[("näringsliv", 7), ("rvn", 2)]),
        a("op_natverk", D(2024, 11, 14), "Arbetspaket 1", "nätverksträff", "ÖP-nätverket startar",
          "Första träffen i nätverket för kommunernas översiktsplanerare.", "Härnösand",
          "Härnösand", attend=[("planerare", 9), ("kommun", 4)]),
        a("pg_el_3", D(2024, 11, 19), "AP3", "möte", f"{pg} Hållbar elförsörjning, arbetsmöte",
          "Löpande arbetsmöte i påverkansgruppen.", "Teams", attend=[("pg_el", 6)]),
        a("frukost_sundsvall", D(2024, 11, 20), "AP2", "seminarium",
          "Företagsfrukost i Sundsvall: HSO presenteras",
          "Projektledaren berättade om HSO för lokala företag.", "Sundsvall", "Sundsvall",
          antal=31, attend=[("ftg", 12), ("intresse", 4), ("partner:Sundsvall", 3),
                            ("Lars Berg", 1)]),
        a("frukost_solleftea", D(2024, 11, 27), "AP2", "seminarium", "Företagsfrukost i Sollefteå",
          "Inställd på grund av för få anmälda. Ny tid under våren.", "Sollefteå", "Sollefteå",
          status="inställd"),
        a("referensgrupp", D(2024, 12, 5), "AP4", "referensgruppsmöte",
          "Första referensgruppsmötet",
          "Stora samverkansrådet som referensgrupp: HSO:s läge och planer för 2025.",
          "Sundsvall", "Sundsvall", gender_counts=True,
          attend=[("referens", 17), ("rvn", 2), ("lst", 1), ("kommun", 3)]),
    ]
    planned = [
        a("referensgrupp_2", D(2025, 2, 6), "AP4", "referensgruppsmöte", "Referensgruppsmöte",
          "Andra mötet med referensgruppen.", "Härnösand", "Härnösand", status="planerad"),
        a("almedalen_2025", D(2025, 2, 18), "AP3", "möte", "Planering av Almedalen 2025",
          "Start för planeringen av nästa års deltagande.", "Teams", status="planerad"),
        a("ap1_workshop", D(2025, 3, 11), "AP1", "workshop",
          "Workshop om stödstrukturer för fysisk planering",
          "Kommunernas behov av stöd i den fysiska planeringen.", "Härnösand", "Härnösand",
          status="planerad"),
    ]
    # fmt: on
    for n, act in enumerate(spring + autumn, start=1):
        act.id = f"HSO-2024-{n:03d}"
    for i, act in enumerate(planned, start=1):
        act.id = f"HSO-2025-{i:03d}"
    return spring + autumn + planned


# --------------------------------------------------------------------------------------------
# Attendance lists
# --------------------------------------------------------------------------------------------

PG_MEMBERS = {"pg_strat": 8, "pg_forsvar": 8, "pg_el": 8}
REFERENCE_GROUPS = {"ftg", "intresse", "civil", "myndighet", "miun"}


def selectors(people: list[Person], rng: random.Random) -> dict[str, list[Person]]:
    """Named groups of people that attendance specs draw from."""
    sel: dict[str, list[Person]] = {}
    for p in people:
        sel.setdefault(p.org.group, []).append(p)
        sel.setdefault(f"org:{p.org.name}", []).append(p)
        if p.org.group == "kommun":
            sel.setdefault(f"partner:{p.org.municipality}", []).append(p)
        for tag in p.tags:
            sel.setdefault(tag, []).append(p)
    # Standing working groups: fixed members drawn once.
    base = sel["påverkan"] + sel["näringsliv"] + sel["styrgrupp"]
    for name, size in PG_MEMBERS.items():
        sel[name] = rng.sample(base, size)
    sel["referens"] = [p for p in people if p.org.group in REFERENCE_GROUPS and p.email]
    norr = sel["norr"]
    sel["talare:bostad"] = [norr[0], norr[2], sel["org:Sweco"][0], sel["rvn"][0], norr[5]]
    sel["moderator:bostad"] = [sel["org:Handelskammaren Mittsverige"][0]]
    sel["talare:risk"] = [
        norr[1],
        norr[3],
        norr[4],
        sel["lst"][0],
        sel["org:Svenskt Näringsliv"][0],
    ]
    sel["moderator:risk"] = [sel["org:Handelskammaren Mittsverige"][1]]
    sel["talare:kraft"] = sel["kraft"]
    sel["almedalen_publik"] = sel["rvn"] + sel["lst"] + sel["intresse"] + sel["kommun"][::3]
    return sel


def people_by_name(sel: dict[str, list[Person]]) -> list[Person]:
    """Everyone in the pool (the union of the organisation groups)."""
    return [p for key, group in sel.items() if key.startswith("org:") for p in group]


def attendance(
    act: Activity, sel: dict[str, list[Person]], rng: random.Random, lars: Person
) -> list[tuple[Person, str]]:
    """The people on one activity's list, with their roles, without repeats."""
    chosen: list[tuple[Person, str]] = []
    seen: set[str] = set()
    for selector, k in act.attend or []:
        if selector == "Lars Berg":
            chosen.append((lars, "deltagare"))
            continue
        if selector.startswith("name:"):
            person = next(p for p in people_by_name(sel) if p.name == selector[5:])
            seen.add(person.name)
            chosen.append((person, "deltagare"))
            continue
        role = selector.split(":")[0] if selector.startswith(("talare:", "moderator:")) else ""
        candidates = [p for p in sel[selector] if p.name not in seen]
        picked = candidates[:k] if role else rng.sample(candidates, min(k, len(candidates)))
        for p in picked:
            seen.add(p.name)
            chosen.append((p, role or "deltagare"))
    rng.shuffle(chosen)
    # Speakers and moderators first, as on a programme.
    chosen.sort(key=lambda pr: {"moderator": 0, "talare": 1}.get(pr[1], 2))
    return chosen


def participant_rows(
    activities: list[Activity], people: list[Person], rng: random.Random
) -> tuple[list[list[str]], dict[str, list[Person]]]:
    """All participant rows (as typed, deliberate mistakes included) and the lists per activity."""
    sel = selectors(people, rng)
    lars = Person("Lars", "Berg", False, ORG_BY_NAME["Mittlogistik AB"], "lars.berg@")
    rows: list[list[str]] = []
    lists: dict[str, list[Person]] = {}
    by_key = {a.key: a for a in activities}
    for act in activities:
        if not act.attend:
            continue
        chosen = attendance(act, sel, rng, lars)
        lists[act.key] = [p for p, _ in chosen]
        gender_style = rng.choice(["word", "letter", "word"])
        for person, role in chosen:
            rows.append(typed_row(act, person, role, gender_style, rng))
        if act.antal is None:
            act.antal = len(chosen)
    insert_mistakes(rows, by_key, lists)
    return rows, lists


def typed_row(
    act: Activity, p: Person, role: str, gender_style: str, rng: random.Random
) -> list[str]:
    """One row as a person would type it from an attendance list."""
    if rng.random() < 0.04 and role == "deltagare":
        gender = ""
    elif gender_style == "word":
        gender = "kvinna" if p.woman else "man"
    else:
        gender = "K" if p.woman else "M"
    org_type = p.org.variant if rng.random() < 0.3 else p.org.org_type
    kommun = p.org.municipality
    if kommun == "Örnsköldsvik" and rng.random() < 0.4:
        kommun = "Övik"
    if rng.random() < 0.08:
        kommun = ""
    if role == "deltagare" and rng.random() < 0.1:
        role = ""
    return [act.id, p.name, p.email, p.org.name, org_type, kommun, gender, role]


def insert_mistakes(
    rows: list[list[str]], acts: dict[str, Activity], lists: dict[str, list[Person]]
) -> None:
    """Put the deliberate participant mistakes at fixed places (see README)."""

    def index_of(key: str, pos: int) -> int:
        ids = [i for i, r in enumerate(rows) if r[0] == acts[key].id]
        return ids[pos]

    # 1. Neither name nor e-mail (no_identity) on the kick-off list.
    i = index_of("kickoff", 10)
    rows.insert(i, [acts["kickoff"].id, "", "", "Kramfors kommun", "kommun", "Kramfors", "", ""])
    # 2. An activity id that does not exist (unknown_activity).
    i = index_of("sg_workshop", -1) + 1
    src = rows[i - 1]
    rows.insert(i, ["HSO-2024-093", *src[1:]])
    # 3. The same person twice on one activity, the second time with capitals in the address.
    i = index_of("sg_1", 3)
    dup = list(rows[i])
    local, domain = dup[2].split("@")
    dup[2] = ".".join(part.capitalize() for part in local.split(".")) + "@" + domain.capitalize()
    rows.insert(index_of("sg_1", -1) + 1, dup)
    # 4. Organisation type outside the vocabulary.
    i = index_of("partner_solleftea", 2)
    rows[i][4] = "kommunal"
    # 5. The name with Å, Ä and Ö typed with spaces around it.
    for r in rows:
        if r[1] == "Märta Åkerström" and r[0] == acts["arbetsgrupp"].id:
            r[1] = "  Märta Åkerström "
            break
    else:
        raise AssertionError("Märta Åkerström is not on the working-group list")
    # (The invalid e-mail 'lars.berg@' comes from the Lars Berg person on the breakfast list.)


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def register_rows(activities: list[Activity], lists: dict[str, list[Person]]) -> list[list]:
    """The register's data rows as cells, with the blank row and the duplicate row."""
    rows: list[list] = []
    for act in activities:
        women = men = None
        if act.gender_counts and act.key in lists:
            listed = lists[act.key]
            women = sum(p.woman for p in listed)
            men = len(listed) - women
        antal = act.antal
        row = [
            act.id,
            act.datum,
            act.slutdatum,
            act.ap,
            act.typ,
            act.titel,
            act.beskrivning,
            act.plats,
            act.kommun,
            act.status,
            act.roll,
            antal,
            women,
            men,
            act.parter,
            act.lank,
        ]
        rows.append([None if v == "" else v for v in row])
        if act.key == "pg_forsvar_1":
            rows.append(list(rows[-1]))  # copied twice by mistake: exact duplicate
        if act.key == "almedalen_mingel":
            rows.append([None] * len(ACTIVITY_HEADERS))  # blank row between spring and autumn
    return rows


def save_stable_xlsx(wb: Workbook, path: Path) -> None:
    """Save with fixed document properties and zip timestamps, so the bytes are reproducible."""
    wb.properties.creator = "HSO projektkontor (demodata)"
    wb.properties.lastModifiedBy = "HSO projektkontor (demodata)"
    wb.properties.created = FIXED_TIMESTAMP
    wb.properties.modified = FIXED_TIMESTAMP
    buffer = io.BytesIO()
    wb.save(buffer)
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    out = io.BytesIO()
    with (
        zipfile.ZipFile(buffer) as src,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst,
    ):
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "docProps/core.xml":  # openpyxl stamps 'modified' on save
                data = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)",
                    rb"\g<1>" + stamp + rb"\g<2>",
                    data,
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_TIMESTAMP.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            dst.writestr(fixed, data)
    path.write_bytes(out.getvalue())


def write_register(path: Path, rows: list[list]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Aktiviteter"
    ws.append(["HSO – aktivitetsregister"])
    ws.append(["Uppdaterad 2025-01-10"])
    ws.append(ACTIVITY_HEADERS)
    ws["A1"].font = Font(bold=True, size=14)
    for cell in ws[3]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append(row)
    for row in ws.iter_rows(min_row=4):
        for cell in row:
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    widths = [14, 12, 12, 22, 18, 50, 60, 22, 14, 11, 15, 15, 13, 10, 50, 50]
    for col, width in zip("ABCDEFGHIJKLMNOP", widths, strict=True):
        ws.column_dimensions[col].width = width
    ws.freeze_panes = "A4"
    save_stable_xlsx(wb, path)


def write_participants_csv(path: Path, rows: list[list[str]]) -> None:
    """Like Swedish Excel's 'CSV (semikolonavgränsad)': ';', CRLF, Windows-1252."""
    text = io.StringIO()
    writer = csv.writer(text, delimiter=";", lineterminator="\r\n")
    writer.writerow(PARTICIPANT_HEADERS)
    writer.writerows(rows)
    path.write_bytes(text.getvalue().encode("cp1252"))


def write_participants_xlsx(path: Path, rows: list[list[str]]) -> None:
    wb = Workbook()
    ws = wb.active
    ws.title = "Deltagare"
    ws.append(PARTICIPANT_HEADERS_XLSX)
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in rows:
        ws.append([v if v != "" else None for v in row])
    for col, width in zip("ABCDEFGH", [14, 26, 38, 32, 20, 14, 8, 11], strict=True):
        ws.column_dimensions[col].width = width
    save_stable_xlsx(wb, path)


# --------------------------------------------------------------------------------------------
# Narratives and README
# --------------------------------------------------------------------------------------------

NARRATIVE_2024H1 = """\
Berättelse för halvår 1, januari–juni 2024

## Inledning

Projektets första halvår har handlat om att bygga grunden. Alla delar av organisationen är inte
bemannade ännu, men arbetet har ändå kommit en bra bit på väg.

Projektkontoret har satt upp rutiner, mallar, policys och interna arbetssätt, och mötesformerna
mellan parterna har börjat ta form. Den första rapporteringen till Tillväxtverket och Regionen
är gjord, och vi inväntar deras återkoppling. Hösten är planerad så att arbetet kan fördjupas när
processledarna är på plats.

Påverkansarbetet (AP3) har varit igång sedan dag ett. En arbetsgrupp kom snabbt på plats och
förberedde bland annat deltagandet i Almedalen, där projektet stod för egna panelsamtal och ett
stort mingel tillsammans med norra Sverige.

## Strukturer, rutiner och rapportering

Målet har varit att alla projektparter ska arbeta efter samma struktur och känna sig delaktiga.
Året inleddes med ett välbesökt uppstartsmöte i Kramfors för hela projektgruppen.

Tillsammans med styrgruppen hölls en fördjupande workshop om mål, roller, mötesrutiner,
kommande aktiviteter och vilka underlag som krävs. Resultatet samlades i bilagan
"Vägledande dokument", som nu används när aktiviteter och arbetspaket startar.

Rutiner för administration och redovisning har gått ut till varje part. Upphandlingen av den
utvärderingskonsult som Tillväxtverket kräver påbörjades under perioden och har nu avslutats:
uppdraget gick till Sweco.

## Kommunikation och information

Kommunikationen riktar sig både inåt, till parterna och deras organisationer, och utåt, till
andra intressenter och till allmänheten. En kommunikationspolicy med mallar för presentationer,
annonser och mejlsignatur har delats med alla parter, och ett nätverk för parternas
kommunikatörer har startat.

Webbplatsen "Västernorrland växer" har fått en första landningssida under Härnösands kommuns
webbplats. Den 12 juni publicerades DI-bilagan med samma namn tillsammans med Dagens Industri;
den berättar om länets roll i den gröna omställningen. Regionens investeringskarta har spridits i
många sammanhang och används nu även av andra aktörer. En mängd marknadskommunikation har tagits
fram, för annonsering och för deltagandet i Almedalen; bilder och länkar finns i bilaga 1,
"Kommunikation period 1".

Enskilda möten med projektparterna pågår: under perioden har fyra av de sju partnerkommunerna,
ungefär hälften, fått besök.

Projektet har också synts utåt, i alla arbetspaket:

- **AP1:** i Skellefteå deltog vi i den nationella arenan Business Arena Norr tillsammans med
  Sundsvallsregionen, för att omvärldsbevaka, bygga relationer i norra Sverige och stärka
  Västernorrlands position i samhällsomställningen.
- **AP2:** Business Arena Norr stärkte också samverkan med andra parter. Vi samverkar med
  SAM-projektet, som kompletterar HSO i det gemensamma målet om en hållbar samhällsomställning,
  och vi har haft möten med näringslivsrepresentanter i Härnösand och med Svenskt Näringsliv.
- **AP3:** i Almedalen samverkade vi med N6-initiativet, Handelskammaren Mittsverige och
  regionerna i Västerbotten, Norrbotten och Jämtland Härjedalen (se Genomförda aktiviteter).

## Organisation

Projektorganisationen byggs fortfarande upp. Flera parter har ännu inte utsett sina
representanter och några arbetspaket är i startfasen.

Projektkontoret består av huvudprojektledare, kommunikatör och administratör. AP1 leds av
Region Västernorrland (föreslagen delprojektledare), AP2 har ett delat ansvar mellan HSO,
Regionen och Länsstyrelsen, AP3 leds av Region Västernorrland och AP4 av huvudprojektledaren.

Styrgrupp är Regionens RUS-grupp med tillväxtcheferna från kommunerna, Region Västernorrland och
Länsstyrelsen. Referensgrupp är Regionens
[stora samverkansråd](https://www.rvn.se). Ett första
styrgruppsmöte och ett fördjupningsmöte med styrgruppen har hållits.

## Genomförda aktiviteter

Ett urval ur AP3, Påverkansarbete, som har haft full aktivitet sedan start:

Inom AP3 arbetar tre tematiska påverkansgrupper med deltagare från Regionen, kommunerna och
Länsstyrelsen: Strategin för norra Sverige, Totalförsvaret och Hållbar elförsörjning. Grupperna
har haft regelbundna arbetsmöten under våren. Dessutom samordnas grupper för EU:s
sammanhållningspolitik och för kompetensförsörjning tillsammans med de nordligaste regionerna.

- **Investeringskarta:** Regionens karta över de stora investeringarna i Västernorrland har fått
  stor spridning; den finns bland annat med i SKR:s rapport "Den gröna omställningen – hur blir
  etableringarna verklighet?", och flera myndigheter räknar nu Västernorrland till den gröna
  omställningen i norra Sverige.
- **DI-bilaga:** "Västernorrland växer" publicerades med Dagens Industri den 12 juni, med
  artiklar och budskap som tagits fram inom projektet. Den används vidare för att göra länets
  investeringar och samhällsomvandling kända.
- **Norra Sverige:** samarbetet med de övriga regionerna och länen i norr ger påverkansarbetet
  kraft. Det sker genom regionernas gemensamma kontor i Stockholm, genom kommunernas samverkan
  och vid evenemang som Almedalen.
- **Almedalen:** projektet har en strategi för deltagandet i Almedalen under projektets tre år.
  I år samarrangerade projektet två seminarier med N6, Handelskammaren Mittsverige och
  regionerna i Västerbotten, Norrbotten och Jämtland Härjedalen: ett om bostadsbyggande i norra
  Sverige och ett om hur riskerna i den gröna omställningen ska delas med staten. Båda var
  fullsatta och hade talare på hög nivå. Vid minglet efteråt, med ungefär 250 deltagare, lyfte
  alla fyra landshövdingar och de närvarande regionråden vikten av samverkan i norra Sverige.

## Planerade aktiviteter

- Besök hos de partnerkommuner som återstår: Ånge 12 augusti, Örnsköldsvik 15 augusti och
  Timrå 20 september.
- Uppstartsmöte med utvärderaren Sweco den 3 september.
- En heldag den 12 september för hela arbetsgruppen, när processledarna har börjat.
- Det första processledningsmötet med Mittuniversitetets Kraft-modell 24–25 oktober.
- Beslut om delprojektledare i alla arbetspaket.
- Tillsammans med Regionen planera en informationsträff med länets alla näringslivskontor.
- Besök på Bünsow Business Growth Forum 10 oktober och ett föredrag om samhällsomställningen på
  Samhällsbyggardagen 15 oktober, som bland andra Svenskt Näringsliv och Byggföretagen arrangerar.
- HSO presenteras på företagsfrukostar.
- Fler tjänstemannanätverk i regionen, till exempel ett ÖP-nätverk.
- Upphandling av en kommunikationskonsult för påverkansarbetet.
- Utvärdering av Almedalen och början på planeringen för 2025.
- Det första referensgruppsmötet i december.
"""

NARRATIVE_2024H2 = """\
Berättelse för halvår 2, juli–december 2024

## Inledning

Under hösten har projektet gått från uppbyggnad till arbete på bredden. Processledarna är på
plats, alla sju partnerkommuner har nu fått besök och utvärderaren har börjat sitt uppdrag.

Halvåret avslutades med det första mötet med referensgruppen, där projektets läge och planerna
för 2025 diskuterades.

## Strukturer, rutiner och rapportering

Halvårsrapporten för våren lämnades in i slutet av augusti. I början av september hölls
uppstartsmötet med Sweco, som följer projektet med lärande utvärdering fram till slutet.

Styrgruppen har fattat beslut om delprojektledare i AP3 och AP4. För AP1 finns ett förslag, och
AP2 leds tills vidare gemensamt av HSO, Regionen och Länsstyrelsen. Upphandlingen av en
kommunikationskonsult som ska stödja påverkansarbetet är avslutad.

## Kommunikation och information

Projektet har berättat om samhällsomställningen på Samhällsbyggardagen och på en
företagsfrukost i Sundsvall. Vi deltog också i Bünsow Business Growth Forum för att knyta
kontakter med näringslivet. Frukosten i Sollefteå fick ställas in och flyttas till våren.

Kommunikatörsnätverket träffas regelbundet och arbetar med gemensamma budskap inför 2025.

## Organisation

Processledarna i kommunerna har börjat, och arbetsgruppen samlades i september till en heldag
för att lära känna varandra och lägga upp arbetet. Ett nätverk för översiktsplanerare har
startat inom AP1.

## Genomförda aktiviteter

Besöken hos partnerkommunerna fortsatte i Ånge och Örnsköldsvik i augusti och i Timrå i
september. Därmed har alla sju kommuner besökts.

I oktober hölls det första processledningsmötet med Mittuniversitetets Kraft-modell, under två
dagar i Sundsvall. Påverkansgrupperna har fortsatt sina arbetsmöten, och Almedalen 2024 har
utvärderats. Tillsammans med Regionen har vi planerat en infoträff för länets
näringslivskontor. Referensgruppen hade sitt första möte i december.

## Planerade aktiviteter

- Referensgruppens andra möte i februari.
- Planering av Almedalen 2025.
- En workshop inom AP1 om stödstrukturer för fysisk planering.
- Infoträff för länets näringslivskontor och en ny företagsfrukost i Sollefteå.
"""

MISTAKES = [
    (
        "aktiviteter.xlsx",
        "datum = `31/02/2024` på {almi} (en utfyllnadsaktivitet)",
        "karantän, `unparseable_date` (31 februari finns inte)",
    ),
    (
        "aktiviteter.xlsx",
        "{pg_forsvar_1} står två gånger, identiska rader",
        "den andra raden slås ihop (räknas som dubblett)",
    ),
    (
        "aktiviteter.xlsx",
        "kommun = `Västernorrland` (ett län, ingen kommun) på {invkarta}",
        "varning `unknown_municipality`, fältet töms, raden behålls",
    ),
    (
        "aktiviteter.xlsx",
        "antal_deltagare = `många` på {business_arena}",
        "varning `unparseable_count`, fältet töms, raden behålls",
    ),
    (
        "aktiviteter.xlsx",
        "en helt tom rad mellan vår- och höstaktiviteterna",
        "hoppas över och räknas som tom rad (ingen datarad)",
    ),
    ("deltagare", "en rad på {kickoff} utan både namn och e-post", "karantän, `no_identity`"),
    (
        "deltagare",
        "aktivitets_id = `HSO-2024-093`, som inte finns i registret",
        "karantän, `unknown_activity`",
    ),
    (
        "deltagare",
        "samma person två gånger på {sg_1}, andra gången med versaler i e-posten",
        "slås ihop (samma normaliserade e-post på samma aktivitet)",
    ),
    (
        "deltagare",
        "e-post = `lars.berg@` (namnet finns) på {frukost_sundsvall}",
        "varning `invalid_email`, e-posten töms, raden behålls och personen identifieras med "
        "namn och organisation",
    ),
    (
        "deltagare",
        "organisationstyp = `kommunal` på {partner_solleftea}",
        "varning `unknown_organisation_type`, värdet blir `övrigt`",
    ),
    (
        "deltagare",
        "namnet Märta Åkerström skrivet med två mellanslag före och ett efter, på {arbetsgrupp}",
        "inget fel: namnet trimmas och Å, Ä, Ö ska klara Windows-1252; samma person som på "
        "hennes andra rader",
    ),
]


def mistake_rows(register: list[list], rows: list[list[str]]) -> list[int]:
    """The row number (as Excel shows it) of each mistake in MISTAKES, in the same order."""
    reg_first = 4  # two title rows and the header row above the data
    ids = [r[0] for r in register]
    dup_id = next(i for i in ids if i is not None and ids.count(i) == 2)

    def reg(pred) -> int:
        return reg_first + next(n for n, r in enumerate(register) if pred(r))

    def part(pred) -> int:
        return 2 + next(n for n, r in enumerate(rows) if pred(r))

    seen: set[tuple[str, str]] = set()
    dup_person = 0
    for n, r in enumerate(rows):
        key = (r[0], r[2].lower())
        if r[2] and key in seen:
            dup_person = n + 2
        seen.add(key)
    return [
        reg(lambda r: r[1] == "31/02/2024"),
        reg_first + len(ids) - 1 - ids[::-1].index(dup_id),
        reg(lambda r: r[8] == "Västernorrland"),
        reg(lambda r: r[11] == "många"),
        reg(lambda r: all(v is None for v in r)),
        part(lambda r: not r[1] and not r[2]),
        part(lambda r: r[0] == "HSO-2024-093"),
        dup_person,
        part(lambda r: r[2] == "lars.berg@"),
        part(lambda r: r[4] == "kommunal"),
        part(lambda r: r[1] != r[1].strip()),
    ]


def readme(activities: list[Activity], stats: dict[str, int], where: list[int]) -> str:
    ids = {a.key: f"`{a.id}` ({a.titel})" for a in activities}
    lines = [
        "# Demodata för HSO",
        "",
        "Syntetiska data som återger fakta i halvårsrapport 1 (januari–juni 2024) och fortsätter",
        "berättelsen under hösten 2024. Allt om personer är påhittat: namnen kommer ur namnlistor,",
        "alla e-postadresser ligger i reserverade `.example`-domäner och ingen person delar namn",
        "med projektkontoret eller delprojektledarna i `params/project.yaml`.",
        "",
        "Filerna skapas av `scripts/make_demo.py` (fast slumpfrö). Redigera inte filerna för hand:",
        "ändra skriptet och kör det igen.",
        "",
        "```",
        ".venv/bin/python scripts/make_demo.py            # skriver data/demo/",
        ".venv/bin/python scripts/make_demo.py --out DIR  # skriver någon annanstans",
        "```",
        "",
        "Två körningar ger byte-identiska filer (arbetsböckerna har fasta tidsstämplar).",
        "`demo-nyckel.txt` (pseudonymiseringsnyckeln för demon) skapas inte av skriptet.",
        "",
        "## Filer",
        "",
        "| fil | innehåll |",
        "|---|---|",
        '| `aktiviteter.xlsx` | aktivitetsregistret, bladet "Aktiviteter", två titelrader ovanför'
        " rubrikraden, så som det såg ut i januari 2025 |",
        "| `deltagare.csv` | deltagarlistorna: `;`-separerad, Windows-1252, CRLF (som Excels"
        " export) |",
        '| `deltagare.xlsx` | samma rader som CSV-filen, bladet "Deltagare", med rubrikerna'
        " `E-post`, `orgtyp` och `Kön` (godkända varianter) |",
        "| `berattelse/2024H1.md`, `berattelse/2024H2.md` | halvårens berättande text |",
        "",
        "## Innehåll",
        "",
        f"- {stats['activities_2024H1']} aktiviteter under våren 2024 (alla genomförda), varav en"
        " utfyllnadsaktivitet med ogiltigt datum.",
        f"- {stats['activities_2024H2_held']} genomförda och {stats['activities_2024H2_cancelled']}"
        " inställd aktivitet under hösten 2024.",
        f"- {stats['activities_planned']} planerade aktiviteter under 2025.",
        f"- {stats['participant_rows']} deltagarrader (felen nedan inräknade) för"
        f" {stats['people']} olika personer.",
        "- Partnerbesök våren 2024: Härnösand, Kramfors, Sollefteå och Sundsvall (4 av 7);"
        " hösten: Ånge, Örnsköldsvik (skrivet `Övik`) och Timrå.",
        "- Minglet i Almedalen har ingen deltagarlista, bara `ca 250` (ungefärligt antal).",
        "- Seminarierna i Almedalen har talare och moderator på listan; antal_deltagare räknar"
        " hela publiken, listan bara de namngivna.",
        "",
        "Godkända variationer (inga fel): datum som text (`12 juni 2024`, `3/9/2024`,"
        " `2024-10-10`), arbetspaket skrivna olika (`AP 3`, `ap3`, `AP3 - Påverkansarbete`,"
        " `Påverkansarbete`, `Projektledning`, `Arbetspaket 1`), aktivitetstyper som varianter"
        " (`material`, `webb`, `publicering`, `panelsamtal`, `mingel`, `nätverk`, `besök`,"
        " `styrgrupp`), ett antal lagrat som text (`110`), kön som `kvinna`/`K`/`man`/`M`/tomt,"
        " organisationstyper som `Kommun`, `Region`, `Länsstyrelse`, `Företag`, `Bolag` och"
        " `bransch`, kommun som `Övik`.",
        "",
        "## Avsiktliga skrivfel och vad de ska ge",
        "",
        "Radnumren är de som Excel visar (i registret står rubrikraden på rad 3, i",
        "deltagarfilerna på rad 1; CSV-filen och arbetsboken har samma rader).",
        "",
        "| # | fil | rad | fel | förväntat utfall |",
        "|---|---|---|---|---|",
    ]
    for n, ((file, what, outcome), row) in enumerate(zip(MISTAKES, where, strict=True), start=1):
        file_text = "deltagare.csv och .xlsx" if file == "deltagare" else file
        lines.append(f"| {n} | {file_text} | {row} | {what.format(**ids)} | {outcome} |")
    lines += [
        "",
        "Den aktivitet som hamnar i karantän är en utfyllnad: ingen av rapportens fakta och ingen",
        "deltagarrad hänger på den.",
        "",
    ]
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------


def generate(out: Path) -> dict[str, int]:
    """Write all demo files into `out` and return a few counts."""
    rng = random.Random(SEED)
    people = build_people(rng)
    activities = build_activities()
    rows, lists = participant_rows(activities, people, rng)
    register = register_rows(activities, lists)
    ids = {a.id for a in activities}
    assert all(r[0] in ids or r[0] == "HSO-2024-093" for r in rows)
    assert "HSO-2024-093" not in ids

    out.mkdir(parents=True, exist_ok=True)
    (out / "berattelse").mkdir(exist_ok=True)
    write_register(out / "aktiviteter.xlsx", register)
    write_participants_csv(out / "deltagare.csv", rows)
    write_participants_xlsx(out / "deltagare.xlsx", rows)
    (out / "berattelse" / "2024H1.md").write_text(NARRATIVE_2024H1, encoding="utf-8")
    (out / "berattelse" / "2024H2.md").write_text(NARRATIVE_2024H2, encoding="utf-8")

    starts = {a.id: a.start() or date(2024, 2, 1) for a in activities}  # the bad date: February
    h1 = [a for a in activities if starts[a.id] < date(2024, 7, 1)]
    h2 = [a for a in activities if date(2024, 7, 1) <= starts[a.id] < date(2025, 1, 1)]
    valid = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]+$")
    identities = {
        r[2].lower() if valid.match(r[2].lower()) else f"{r[1].strip()}|{r[3]}"
        for r in rows
        if r[1] or r[2]
    }
    stats = {
        "activities_2024H1": len(h1),
        "activities_2024H2_held": sum(a.status == "genomförd" for a in h2),
        "activities_2024H2_cancelled": sum(a.status == "inställd" for a in h2),
        "activities_planned": sum(a.status == "planerad" for a in activities),
        "participant_rows": len(rows),
        "people": len(identities),
        "pool": len(people),
    }
    where = mistake_rows(register, rows)
    (out / "README.md").write_text(readme(activities, stats, where), encoding="utf-8")
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description="Skapa HSO:s demodata (deterministiskt).")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="målmapp (data/demo)")
    args = parser.parse_args()
    stats = generate(args.out)
    print(", ".join(f"{k}={v}" for k, v in stats.items()))


if __name__ == "__main__":
    main()
