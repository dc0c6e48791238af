"""The evaluation package for Sweco: a Frictionless Data Package, a workbook and a codebook.

`build_package(data, out_dir)` writes one directory:

- ``datapackage.json``: a tabular data package (v1 spec) with a Table Schema for every CSV file;
- ``aktiviteter.csv``, ``deltagande.csv``, ``organisationer.csv``, ``indikatorer.csv``,
  ``samverkan.csv``, ``datakvalitet.csv``: UTF-8, comma-separated, one header row;
- ``utvarderingsunderlag.xlsx``: the same tables as sheets, plus "Läs mig" and "Kodbok";
- ``README.md``: the codebook.

The schemas are defined once, in `table_definitions`, and rendered into datapackage.json, the
workbook's "Kodbok" sheet and README.md, so the three cannot disagree.

Personal data never gets here: participations carry the keyed pseudonym from `clean`, and the key
itself is never read by this module. Text that a spreadsheet would run as a formula is neutralised:
prefixed with ``'`` in CSV (OWASP), stored as a text cell in the workbook.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

import hso_eval
from hso_eval.config import INDICATOR_IDS, Project
from hso_eval.context import PeriodData
from hso_eval.errors import RunError
from hso_eval.paths import display, resolve
from hso_eval.periods import Period
from hso_eval.tables import CleanResult

#: Environment variable the runner sets to its staging directory for the period.
STAGING_ENV = "HSO_EVAL_STAGING"
#: Where a notebook run by hand writes its package (never published; see `package_dir`).
DRAFT_DIR = "reports/_utkast"
PACKAGE_DIRNAME = "utvarderingsunderlag"
WORKBOOK_NAME = "utvarderingsunderlag.xlsx"
DESCRIPTOR_NAME = "datapackage.json"
CODEBOOK_NAME = "README.md"

#: The indicator table's columns, exactly as `indicators.compute_indicators` returns them.
INDICATOR_COLUMNS: tuple[str, ...] = (
    "indicator",
    "scope",
    "dimension",
    "category",
    "value",
    "target",
    "approximate",
)

PSEUDONYM_TEXT = (
    "Personer förekommer bara som en personnyckel (person_key). Den är en nycklad pseudonym: "
    "HMAC-SHA256 av personens normaliserade e-postadress (eller, när den saknas, namn och "
    "organisation) med en hemlig nyckel som projektkontoret förvarar. Samma person får samma "
    "nyckel i alla perioder så länge nyckeln är oförändrad, så att en person kan följas över tid "
    "utan namn. Utan nyckeln går det inte att räkna tillbaka från personnyckeln till en person. "
    "Nyckeln finns inte i paketet. Namn och e-postadresser finns inte i paketet. Organisationer "
    "är inte personuppgifter och behåller sina namn."
)
FORMULA_TEXT = (
    "Text som börjar med =, +, -, @, tabb eller vagnretur skulle annars kunna köras som en formel "
    "i ett kalkylprogram. I CSV-filerna har sådan text fått ett inledande ' (enligt OWASP); i "
    "arbetsboken är den lagrad som text och aldrig som formel. Negativa tal är fortfarande tal."
)
SUPPRESSION_TEXT = (
    "Paketet innehåller pseudonymiserade mikrodata enligt personuppgiftsbiträdesavtalet och är "
    "inte undertryckt: små antal visas som de är, till skillnad från den publicerade "
    "halvårsrapporten."
)


# ---------------------------------------------------------------------------------------------
# The schemas: one definition, rendered into datapackage.json, README.md and the workbook
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    """One column of one table: its Table Schema type, constraints and Swedish documentation."""

    name: str
    type: str  # Table Schema type: string, integer, number, boolean, date
    title: str
    description: str
    required: bool = False
    unique: bool = False
    enum: tuple[str, ...] | None = None
    minimum: int | None = None
    pattern: str | None = None

    def constraints(self) -> dict[str, Any]:
        """The Table Schema `constraints` object (empty when the field has none)."""
        out: dict[str, Any] = {}
        if self.required:
            out["required"] = True
        if self.unique:
            out["unique"] = True
        if self.enum is not None:
            out["enum"] = list(self.enum)
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.pattern is not None:
            out["pattern"] = self.pattern
        return out

    def descriptor(self) -> dict[str, Any]:
        """The field as a Table Schema field descriptor."""
        out: dict[str, Any] = {
            "name": self.name,
            "type": self.type,
            "title": self.title,
            "description": self.description,
        }
        if self.type == "date":
            out["format"] = "default"  # ISO 8601, ÅÅÅÅ-MM-DD
        if self.type == "boolean":
            out["trueValues"] = ["true"]
            out["falseValues"] = ["false"]
        constraints = self.constraints()
        if constraints:
            out["constraints"] = constraints
        return out

    def constraint_text(self) -> str:
        """The constraints in Swedish, for the codebook."""
        parts = []
        if self.required:
            parts.append("obligatoriskt")
        if self.unique:
            parts.append("unikt")
        if self.enum is not None:
            parts.append("ett av: " + ", ".join(self.enum))
        if self.minimum is not None:
            parts.append(f"minst {self.minimum}")
        if self.pattern is not None:
            parts.append(f"mönster {self.pattern}")
        return "; ".join(parts)


@dataclass(frozen=True)
class ForeignKey:
    """`fields` of this table refer to `reference_fields` of table `resource`."""

    fields: tuple[str, ...]
    resource: str
    reference_fields: tuple[str, ...]

    def descriptor(self) -> dict[str, Any]:
        return {
            "fields": list(self.fields),
            "reference": {"resource": self.resource, "fields": list(self.reference_fields)},
        }


@dataclass(frozen=True)
class Table:
    """One table of the package: a CSV file, a sheet in the workbook and a resource."""

    name: str  # resource name and file stem, e.g. "aktiviteter"
    sheet: str  # Swedish sheet name, e.g. "Aktiviteter"
    title: str
    description: str
    fields: tuple[Field, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...] = ()

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    @property
    def columns(self) -> list[str]:
        return [f.name for f in self.fields]

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(name)

    def schema_descriptor(self) -> dict[str, Any]:
        """The resource's Table Schema."""
        out: dict[str, Any] = {
            "fields": [f.descriptor() for f in self.fields],
            "missingValues": [""],
            "primaryKey": list(self.primary_key),
        }
        if self.foreign_keys:
            out["foreignKeys"] = [fk.descriptor() for fk in self.foreign_keys]
        return out


def _vocabulary(name: str) -> tuple[str, ...]:
    """The canonical values of a vocabulary in `hso_eval.vocab` (imported when first needed)."""
    from hso_eval import vocab

    return tuple(getattr(vocab, name).values)


#: Row accounting and issue codes, explained in Swedish for datakvalitet.csv.
QUALITY_CODES: dict[str, str] = {
    "read": "Lästa datarader (tomma rader oräknade)",
    "clean": "Rader som blev rena och används",
    "quarantined": "Rader i karantän (används inte)",
    "merged": "Exakta dubbletter, sammanslagna med en behållen rad",
    "blank": "Tomma rader, överhoppade (räknas inte som datarader)",
    "missing_required": "Ett obligatoriskt fält saknas",
    "unparseable_date": "Datum går inte att tolka",
    "date_out_of_range": "Datum ligger utanför projektets tid",
    "unknown_work_package": "Okänt arbetspaket",
    "unknown_activity_type": "Okänd aktivitetstyp",
    "id_conflict": "Samma aktivitets-id på rader med olika innehåll",
    "unknown_activity": "Aktivitets-id finns inte i aktivitetsregistret",
    "no_identity": "Varken namn eller e-post",
    "end_before_start": "Slutdatum före startdatum (slutdatum tömt)",
    "unparseable_date_optional": "Valfritt datum går inte att tolka (tömt)",
    "unknown_municipality": "Okänd kommun (tömd)",
    "status_missing": "Status saknades och härleddes från datum",
    "planned_in_past": "Planerad men daterad före perioden",
    "unknown_status": "Okänd status",
    "unknown_organiser_role": "Okänd arrangörsroll",
    "unparseable_count": "Antal går inte att tolka (tömt)",
    "gender_counts_exceed_total": "Kvinnor och män är fler än antal deltagare",
    "invalid_link": "Ogiltig länk (tömd)",
    "invalid_email": "Ogiltig e-postadress (tömd)",
    "unknown_organisation_type": "Okänd organisationstyp (satt till övrigt)",
    "unknown_gender": "Okänt kön",
    "unknown_role": "Okänd roll",
}
QUALITY_KINDS: tuple[str, ...] = ("radräkning", "karantän", "varning")


def table_definitions(project: Project, period: Period) -> tuple[Table, ...]:
    """Every table of the package, in the order they are written. The one source of truth."""
    from hso_eval import indicators

    indicator_labels = indicators.INDICATOR_LABELS
    dimension_labels = indicators.DIMENSION_LABELS
    dimensions = tuple(indicators.DIMENSIONS)
    scopes = tuple(indicators.SCOPES)
    wp_codes = tuple(wp.code for wp in project.work_packages)
    wp_text = ", ".join(f"{wp.code} = {wp.name}" for wp in project.work_packages)
    end = period.end.isoformat()
    org_fk = ("organisationer", ("organisation",))
    activity_id = Field(
        "activity_id",
        "string",
        "Aktivitets-id",
        "Aktivitetens id i aktivitetsregistret (kolumnen aktivitets_id).",
        required=True,
    )
    return (
        Table(
            name="aktiviteter",
            sheet="Aktiviteter",
            title="Aktiviteter",
            description=(
                f"Alla rena aktiviteter i aktivitetsregistret med startdatum till och med {end}, "
                "oavsett status (genomförda, planerade och inställda). En rad per aktivitet."
            ),
            fields=(
                Field(
                    activity_id.name,
                    "string",
                    activity_id.title,
                    "Aktivitetens id i aktivitetsregistret (kolumnen aktivitets_id). Unikt.",
                    required=True,
                    unique=True,
                ),
                Field(
                    "start_date",
                    "date",
                    "Startdatum",
                    "Dagen då aktiviteten hölls eller började (ÅÅÅÅ-MM-DD).",
                    required=True,
                ),
                Field(
                    "end_date",
                    "date",
                    "Slutdatum",
                    "Sista dagen för en aktivitet över flera dagar; tomt när det saknas eller "
                    "var ogiltigt i registret.",
                ),
                Field(
                    "work_package",
                    "string",
                    "Arbetspaket",
                    f"Arbetspaketets kod enligt projektkonfigurationen: {wp_text}.",
                    required=True,
                    enum=wp_codes,
                ),
                Field(
                    "activity_type",
                    "string",
                    "Aktivitetstyp",
                    "Typ av aktivitet enligt projektets vokabulär (varianter i registret är "
                    "normaliserade).",
                    required=True,
                    enum=_vocabulary("ACTIVITY_TYPES"),
                ),
                Field("title", "string", "Titel", "Aktivitetens rubrik som den står i registret."),
                Field(
                    "description",
                    "string",
                    "Beskrivning",
                    "Fritext ur registret, som den skrevs.",
                ),
                Field("place", "string", "Plats", "Plats eller ort enligt registret."),
                Field(
                    "municipality",
                    "string",
                    "Kommun",
                    "Kommunen där aktiviteten hölls, med officiellt namn (t.ex. Örnsköldsvik); "
                    "tomt när den saknas eller är okänd.",
                ),
                Field(
                    "municipality_code",
                    "string",
                    "Kommunkod",
                    "SCB:s fyrsiffriga kommunkod för kommunen.",
                    pattern=r"[0-9]{4}",
                ),
                Field(
                    "status",
                    "string",
                    "Status",
                    "Aktivitetens status. När status saknades i registret härleddes den: "
                    "genomförd om den är daterad senast periodens slut, annars planerad.",
                    required=True,
                    enum=_vocabulary("STATUSES"),
                ),
                Field(
                    "organiser_role",
                    "string",
                    "Arrangörsroll",
                    "egen = HSO arrangerade, samarrangemang = HSO arrangerade tillsammans med "
                    "andra, deltagande = HSO deltog i någon annans arrangemang.",
                    enum=_vocabulary("ORGANISER_ROLES"),
                ),
                Field(
                    "attendance",
                    "integer",
                    "Antal deltagare",
                    "Antal deltagare enligt registret (antal_deltagare); tomt när det saknas.",
                    minimum=0,
                ),
                Field(
                    "attendance_approximate",
                    "boolean",
                    "Ungefärligt antal",
                    "true när antalet deltagare angavs ungefärligt, t.ex. 'ca 250'.",
                ),
                Field(
                    "women",
                    "integer",
                    "Antal kvinnor",
                    "Antal kvinnor enligt registret; tomt när det saknas.",
                    minimum=0,
                ),
                Field(
                    "men",
                    "integer",
                    "Antal män",
                    "Antal män enligt registret; tomt när det saknas.",
                    minimum=0,
                ),
                Field(
                    "parties",
                    "string",
                    "Samverkansparter",
                    "Samverkansparter enligt registret, åtskilda med '; '.",
                ),
                Field(
                    "link",
                    "string",
                    "Länk",
                    "Webbadress (http eller https) till mer information om aktiviteten.",
                    pattern=r"https?://.+",
                ),
            ),
            primary_key=("activity_id",),
        ),
        Table(
            name="deltagande",
            sheet="Deltagande",
            title="Deltagande",
            description=(
                "En rad per person och aktivitet, för aktiviteterna i aktiviteter.csv. "
                "Personer är pseudonymiserade med en nycklad personnyckel; namn och e-post finns "
                "inte med."
            ),
            fields=(
                Field(
                    "person_key",
                    "string",
                    "Personnyckel",
                    "Personens pseudonym: HMAC-SHA256 med projektets hemliga nyckel, 20 "
                    "hexadecimala tecken. Samma person har samma nyckel i alla perioder så länge "
                    "nyckeln är oförändrad; utan nyckeln går den inte att föra tillbaka till en "
                    "person.",
                    required=True,
                    pattern=r"[0-9a-f]{20}",
                ),
                Field(
                    activity_id.name,
                    "string",
                    activity_id.title,
                    "Aktiviteten som personen deltog i; finns i aktiviteter.csv.",
                    required=True,
                ),
                Field(
                    "organisation",
                    "string",
                    "Organisation",
                    "Organisationen som personen kom från, som den skrevs i deltagarlistan "
                    "(mellanslag normaliserade; namn som bara skiljer sig i versaler och gemener "
                    "har fått den vanligaste stavningen); finns i organisationer.csv.",
                ),
                Field(
                    "organisation_type",
                    "string",
                    "Organisationstyp",
                    "Organisationens typ enligt projektets vokabulär; okända typer är satta till "
                    "övrigt, tomt när uppgift saknas.",
                    enum=_vocabulary("ORGANISATION_TYPES"),
                ),
                Field(
                    "municipality",
                    "string",
                    "Kommun",
                    "Kommunen som angavs för deltagaren, med officiellt namn; tomt när den "
                    "saknas eller är okänd.",
                ),
                Field(
                    "gender",
                    "string",
                    "Kön",
                    "Kön enligt deltagarlistan; ej angivet när uppgift saknas.",
                    enum=_vocabulary("GENDERS"),
                ),
                Field(
                    "role",
                    "string",
                    "Roll",
                    "Personens roll vid aktiviteten; deltagare när uppgift saknas.",
                    enum=_vocabulary("ROLES"),
                ),
            ),
            primary_key=("activity_id", "person_key"),
            foreign_keys=(
                ForeignKey(("activity_id",), "aktiviteter", ("activity_id",)),
                ForeignKey(("organisation",), *org_fk),
            ),
        ),
        Table(
            name="organisationer",
            sheet="Organisationer",
            title="Organisationer",
            description=(
                "En rad per organisation som förekommer i deltagande.csv. Organisationer är "
                "inte personuppgifter och står med sina namn."
            ),
            fields=(
                Field(
                    "organisation",
                    "string",
                    "Organisation",
                    "Organisationens namn som det skrevs i deltagarlistorna (mellanslag "
                    "normaliserade; varianter som bara skiljer sig i versaler och gemener är "
                    "sammanförda under den vanligaste stavningen). Unikt.",
                    required=True,
                    unique=True,
                ),
                Field(
                    "organisation_type",
                    "string",
                    "Organisationstyp",
                    "Den vanligaste organisationstypen bland organisationens deltaganden (vid "
                    "lika antal den första i bokstavsordning).",
                    enum=_vocabulary("ORGANISATION_TYPES"),
                ),
                Field(
                    "municipality",
                    "string",
                    "Kommun",
                    "Den vanligaste kommunen bland organisationens deltaganden (vid lika antal "
                    "den första i bokstavsordning).",
                ),
                Field(
                    "partner",
                    "boolean",
                    "Projektpart",
                    "true när namnet är en projektpart i projektkonfigurationen (namn, kortnamn "
                    "eller alias, oavsett versaler och gemener).",
                    required=True,
                ),
                Field(
                    "activities",
                    "integer",
                    "Antal aktiviteter",
                    "Antal aktiviteter i aktiviteter.csv som någon från organisationen deltog i.",
                    required=True,
                    minimum=1,
                ),
                Field(
                    "participations",
                    "integer",
                    "Antal deltaganden",
                    "Antal rader i deltagande.csv från organisationen (person och aktivitet).",
                    required=True,
                    minimum=1,
                ),
                Field(
                    "first_seen",
                    "date",
                    "Först sedd",
                    "Startdatum för organisationens första aktivitet.",
                    required=True,
                ),
                Field(
                    "last_seen",
                    "date",
                    "Senast sedd",
                    "Startdatum för organisationens senaste aktivitet.",
                    required=True,
                ),
            ),
            primary_key=("organisation",),
        ),
        Table(
            name="indikatorer",
            sheet="Indikatorer",
            title="Indikatorer",
            description=(
                "Projektets indikatorer för perioden och kumulativt från projektets start, "
                "totalt och nedbrutet, mot målvärden. Samma tabell som halvårsrapporten bygger "
                "på, men utan undertryckning av små antal."
            ),
            fields=(
                Field(
                    "indicator",
                    "string",
                    "Indikator",
                    "Indikatorns id: "
                    + "; ".join(f"{i} = {indicator_labels.get(i, i)}" for i in INDICATOR_IDS)
                    + ". Definitionerna finns i halvårsrapportens bilaga och i hso_eval.",
                    required=True,
                    enum=INDICATOR_IDS,
                ),
                Field(
                    "scope",
                    "string",
                    "Omfattning",
                    "period = perioden, cumulative = från projektets start till periodens slut.",
                    required=True,
                    enum=scopes,
                ),
                Field(
                    "dimension",
                    "string",
                    "Dimension",
                    "Vad värdet är nedbrutet på: "
                    + "; ".join(f"{d} = {dimension_labels.get(d, d)}" for d in dimensions)
                    + ".",
                    required=True,
                    enum=dimensions,
                ),
                Field(
                    "category",
                    "string",
                    "Kategori",
                    "Kategorin inom dimensionen: ett värde ur vokabulären (t.ex. kvinna, "
                    "kommun), en arbetspaketskod eller en projektparts kortnamn. Tomt för "
                    "totalen; 'uppgift saknas' när uppgiften saknades i underlaget.",
                ),
                Field(
                    "value",
                    "number",
                    "Värde",
                    "Indikatorns värde: ett antal, eller en andel mellan 0 och 1.",
                ),
                Field(
                    "target",
                    "number",
                    "Målvärde",
                    "Målvärdet ur projektkonfigurationen; tomt när inget mål finns."
                    + (
                        " Målvärdena är exempel, ännu inte ur beviljandebeslutet."
                        if project.targets_are_examples
                        else ""
                    ),
                ),
                Field(
                    "approximate",
                    "boolean",
                    "Ungefärligt",
                    "true när värdet bygger på ungefärliga antal (t.ex. 'ca 250').",
                ),
            ),
            primary_key=("indicator", "scope", "dimension", "category"),
        ),
        Table(
            name="samverkan",
            sheet="Samverkan",
            title="Samverkan mellan organisationer",
            description=(
                "Samverkansnätverket: varje par av organisationer som haft deltagare vid samma "
                "aktivitet, med antal gemensamma aktiviteter. En rad per par."
            ),
            fields=(
                Field(
                    "org_a",
                    "string",
                    "Organisation A",
                    "Den första organisationen i paret (i bokstavsordning).",
                    required=True,
                ),
                Field(
                    "org_b",
                    "string",
                    "Organisation B",
                    "Den andra organisationen i paret (i bokstavsordning).",
                    required=True,
                ),
                Field(
                    "activities_together",
                    "integer",
                    "Gemensamma aktiviteter",
                    "Antal aktiviteter där båda organisationerna hade deltagare.",
                    required=True,
                    minimum=1,
                ),
                Field(
                    "first",
                    "date",
                    "Första gången",
                    "Startdatum för parets första gemensamma aktivitet.",
                    required=True,
                ),
                Field(
                    "last",
                    "date",
                    "Senaste gången",
                    "Startdatum för parets senaste gemensamma aktivitet.",
                    required=True,
                ),
            ),
            primary_key=("org_a", "org_b"),
            foreign_keys=(
                ForeignKey(("org_a",), *org_fk),
                ForeignKey(("org_b",), *org_fk),
            ),
        ),
        Table(
            name="datakvalitet",
            sheet="Datakvalitet",
            title="Datakvalitet",
            description=(
                "Radräkningen per indatafil (lästa = rena + karantän + dubbletter) och antalet "
                "problem i karantänen och bland varningarna, per fil och orsak. Innehåller "
                "inga värden ur filerna och inga personuppgifter."
            ),
            fields=(
                Field(
                    "file",
                    "string",
                    "Fil",
                    "Indatafilens namn.",
                    required=True,
                ),
                Field(
                    "role",
                    "string",
                    "Filens roll",
                    "activities = aktivitetsregistret, participants = deltagarlistorna.",
                    required=True,
                    enum=("activities", "participants"),
                ),
                Field(
                    "kind",
                    "string",
                    "Slag",
                    "radräkning = radernas utfall, karantän = rader som inte används, varning "
                    "= rader som används men där ett fält tömts eller ifrågasätts.",
                    required=True,
                    enum=QUALITY_KINDS,
                ),
                Field(
                    "code",
                    "string",
                    "Kod",
                    "Radräkningens mått (read, clean, quarantined, merged, blank) eller "
                    "orsakskoden för problemet.",
                    required=True,
                ),
                Field(
                    "description",
                    "string",
                    "Förklaring",
                    "Kodens betydelse på svenska.",
                ),
                Field(
                    "count",
                    "integer",
                    "Antal",
                    "Antal rader (radräkning) eller antal problem (karantän, varning).",
                    required=True,
                    minimum=0,
                ),
                Field(
                    "rows",
                    "integer",
                    "Antal rader",
                    "Antal olika rader med problemet; tomt för radräkningen.",
                    minimum=0,
                ),
            ),
            primary_key=("file", "role", "kind", "code"),
        ),
    )


# ---------------------------------------------------------------------------------------------
# The tables: clean data in, one typed frame per table out (no mutation)
# ---------------------------------------------------------------------------------------------
def select_activities(activities: pd.DataFrame, period: Period) -> pd.DataFrame:
    """Clean activities that start on or before the period's end, ordered by date and id."""
    end = pd.Timestamp(period.end)
    kept = activities.loc[activities["start_date"].le(end)]
    return kept.sort_values(["start_date", "activity_id"], kind="stable").reset_index(drop=True)


def select_participations(participations: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Participations in the given activities, ordered by activity and person."""
    kept = participations.loc[participations["activity_id"].isin(activities["activity_id"])]
    return kept.sort_values(["activity_id", "person_key"], kind="stable").reset_index(drop=True)


def unify_organisation_names(participations: pd.DataFrame) -> pd.DataFrame:
    """Spell each organisation one way, as the indicators count them (case-insensitively).

    Names that differ only in case get their most frequent spelling (ties: alphabetically first).
    """
    names = participations["organisation"]
    counts = names.dropna().value_counts().rename("n").rename_axis("organisation").reset_index()
    counts["key"] = counts["organisation"].str.casefold()
    chosen = (
        counts.sort_values(["n", "organisation"], ascending=[False, True], kind="stable")
        .drop_duplicates("key")
        .set_index("key")["organisation"]
    )
    spelling = counts.set_index("organisation")["key"].map(chosen)
    return participations.assign(organisation=names.map(spelling).astype("string"))


def _most_common(frame: pd.DataFrame, key: str, column: str) -> pd.Series:
    """Per `key`, the most frequent non-missing value of `column` (ties: alphabetically first)."""
    counts = (
        frame.dropna(subset=[column])
        .groupby([key, column], observed=True)
        .size()
        .rename("n")
        .reset_index()
        .sort_values(["n", column], ascending=[False, True], kind="stable")
        .drop_duplicates(key)
    )
    return counts.set_index(key)[column]


def _partner_names(project: Project) -> set[str]:
    """Every name, short name and alias of the configured partners, case-folded."""
    names = set()
    for partner in project.partners:
        for name in (partner.name, partner.short, *partner.aliases):
            names.add(" ".join(name.split()).casefold())
    return names


def summarise_organisations(
    participations: pd.DataFrame, activities: pd.DataFrame, project: Project
) -> pd.DataFrame:
    """One row per organisation in `participations`: type, municipality, partner flag, activity
    and participation counts, and the first and last activity date."""
    rows = participations.dropna(subset=["organisation"]).merge(
        activities[["activity_id", "start_date"]], on="activity_id", how="inner"
    )
    grouped = rows.groupby("organisation", observed=True)
    table = pd.DataFrame(
        {
            "activities": grouped["activity_id"].nunique(),
            "participations": grouped.size(),
            "first_seen": grouped["start_date"].min(),
            "last_seen": grouped["start_date"].max(),
        }
    )
    table["organisation_type"] = _most_common(rows, "organisation", "organisation_type")
    table["municipality"] = _most_common(rows, "organisation", "municipality")
    table = table.rename_axis("organisation").reset_index()
    normalised = table["organisation"].str.split().str.join(" ").str.casefold()
    table["partner"] = normalised.isin(_partner_names(project)).astype(bool)
    columns = [
        "organisation",
        "organisation_type",
        "municipality",
        "partner",
        "activities",
        "participations",
        "first_seen",
        "last_seen",
    ]
    return table[columns].sort_values("organisation", kind="stable").reset_index(drop=True)


def count_collaborations(participations: pd.DataFrame, activities: pd.DataFrame) -> pd.DataFrame:
    """Pairs of organisations with participants at the same activities (vectorised self-merge).

    Returns ``org_a, org_b, activities_together, first, last`` with ``org_a < org_b``.
    """
    pairs = (
        participations.dropna(subset=["organisation"])
        .loc[:, ["activity_id", "organisation"]]
        .drop_duplicates()
    )
    together = pairs.merge(pairs, on="activity_id", suffixes=("_a", "_b"))
    together = together.loc[together["organisation_a"] < together["organisation_b"]]
    together = together.merge(activities[["activity_id", "start_date"]], on="activity_id")
    table = (
        together.groupby(["organisation_a", "organisation_b"], observed=True)
        .agg(
            activities_together=("activity_id", "nunique"),
            first=("start_date", "min"),
            last=("start_date", "max"),
        )
        .reset_index()
        .rename(columns={"organisation_a": "org_a", "organisation_b": "org_b"})
    )
    return table.sort_values(["org_a", "org_b"], kind="stable").reset_index(drop=True)


def summarise_quality(clean: CleanResult) -> pd.DataFrame:
    """Row accounting per input file, plus quarantine and warnings counted by file and reason.

    Only counts and codes: no value from any file, so no personal data.
    """
    accounting = clean.accounting()
    counted = accounting.melt(
        id_vars=["role", "file"],
        value_vars=["read", "clean", "quarantined", "merged", "blank"],
        var_name="code",
        value_name="count",
    )
    counted["file"] = counted["file"].map(lambda p: Path(str(p)).name)
    counted["kind"] = "radräkning"
    counted["rows"] = pd.NA
    parts = [counted]
    for frame, kind in ((clean.quarantine, "karantän"), (clean.warnings, "varning")):
        if not len(frame):
            continue
        named = frame.assign(file=frame["file"].astype("string").map(lambda p: Path(p).name))
        by_reason = (
            named.groupby(["file", "role", "reason"], observed=True)
            .agg(count=("row", "size"), rows=("row", "nunique"))
            .reset_index()
            .rename(columns={"reason": "code"})
            .assign(kind=kind)
        )
        parts.append(by_reason)
    table = pd.concat(parts, ignore_index=True)
    table["description"] = table["code"].map(QUALITY_CODES).fillna("")
    kind_order = {kind: i for i, kind in enumerate(QUALITY_KINDS)}
    table = table.assign(_kind=table["kind"].map(kind_order)).sort_values(
        ["role", "file", "_kind", "code"], kind="stable"
    )
    columns = ["file", "role", "kind", "code", "description", "count", "rows"]
    return table[columns].astype({"count": "Int64", "rows": "Int64"}).reset_index(drop=True)


def select_indicators(indicators: pd.DataFrame) -> pd.DataFrame:
    """The tidy indicator table with exactly `INDICATOR_COLUMNS`, unsuppressed."""
    return indicators.loc[:, list(INDICATOR_COLUMNS)].reset_index(drop=True)


def assemble_tables(data: PeriodData) -> dict[str, pd.DataFrame]:
    """Every table of the package as a typed frame, keyed by table name."""
    activities = select_activities(data.activities, data.period)
    participations = unify_organisation_names(
        select_participations(data.participations, activities)
    )
    return {
        "aktiviteter": activities,
        "deltagande": participations,
        "organisationer": summarise_organisations(participations, activities, data.project),
        "indikatorer": select_indicators(data.indicators),
        "samverkan": count_collaborations(participations, activities),
        "datakvalitet": summarise_quality(data.clean),
    }


# ---------------------------------------------------------------------------------------------
# Writing: CSV, workbook, codebook, descriptor
# ---------------------------------------------------------------------------------------------
def _text_columns(frame: pd.DataFrame, table: Table) -> pd.DataFrame:
    """`frame` restricted to the table's columns, with dates as ISO text and booleans as
    true/false, ready for CSV."""
    out = frame.loc[:, table.columns].copy()
    for f in table.fields:
        column = out[f.name]
        if f.type == "date":
            out[f.name] = pd.to_datetime(column).dt.strftime("%Y-%m-%d").astype("string")
        elif f.type == "boolean":
            out[f.name] = (
                column.astype("boolean")
                .map({True: "true", False: "false"}, na_action="ignore")
                .astype("string")
            )
        elif f.type == "integer":
            out[f.name] = column.astype("Int64")
        elif f.type == "string":
            out[f.name] = column.astype("string")
    return out


def _number_text(value: float) -> str:
    """A number as CSV text: whole numbers without decimals ("3"), others exactly ("0.4")."""
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


def write_csv(frame: pd.DataFrame, table: Table, path: Path) -> Path:
    """Write one table as UTF-8 CSV with formula-like text neutralised (OWASP).

    Only text fields are neutralised; numbers stay numbers, so -5 is written as -5.
    """
    from hso_eval.privacy import neutralise_formulas

    out = _text_columns(frame, table)
    text = [f.name for f in table.fields if f.type == "string"]
    out[text] = neutralise_formulas(out[text])
    for f in table.fields:
        if f.type == "number":
            numbers = pd.to_numeric(out[f.name]).astype("float64")
            out[f.name] = numbers.map(_number_text, na_action="ignore").astype("string")
    out.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
    return path


def _file_facts(path: Path) -> dict[str, Any]:
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return {"bytes": path.stat().st_size, "hash": f"sha256:{digest}"}


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.casefold()).strip("-") or "hso"


def package_descriptor(
    data: PeriodData, tables: Iterable[Table], out_dir: Path, created: datetime
) -> dict[str, Any]:
    """The datapackage.json descriptor: project, period, provenance and every resource."""
    project, period = data.project, data.period
    resources = []
    for table in tables:
        resources.append(
            {
                "name": table.name,
                "path": table.file,
                "profile": "tabular-data-resource",
                "title": table.title,
                "description": table.description,
                "format": "csv",
                "mediatype": "text/csv",
                "encoding": "utf-8",
                "dialect": {"delimiter": ",", "header": True, "quoteChar": '"'},
                **_file_facts(out_dir / table.file),
                "schema": table.schema_descriptor(),
            }
        )
    return {
        "profile": "tabular-data-package",
        "name": f"{_slug(project.short_name)}-utvarderingsunderlag-{period.code.lower()}",
        "title": f"{project.name} ({project.short_name}): utvärderingsunderlag {period.code}",
        "description": (
            f"Underlag för den externa utvärderingen av {project.name} ({project.short_name}) "
            f"för perioden {period.label}, halvårsrapport nr {data.params.report_number}. "
            f"{PSEUDONYM_TEXT} {SUPPRESSION_TEXT}"
        ),
        "created": created.isoformat(),
        "version": period.code,
        "keywords": [project.short_name, project.name, "utvärdering", period.code],
        "licenses": [
            {
                "name": "other-closed",
                "title": (
                    f"Ej öppna data. Får användas av den externa utvärderaren enligt "
                    f"personuppgiftsbiträdesavtal med {project.owner or project.name}."
                ),
            }
        ],
        "contributors": [
            {"title": project.owner or project.name, "role": "publisher"},
            {"title": f"{project.short_name}:s projektkontor", "role": "author"},
            {"title": f"hso_eval {hso_eval.__version__}", "role": "wrangler"},
        ],
        "sources": [
            {"title": f"{project.short_name}:s aktivitetsregister och deltagarlistor"},
        ],
        "project": {
            "name": project.name,
            "short_name": project.short_name,
            "owner": project.owner,
            "start": project.start.isoformat(),
            "end": project.end.isoformat(),
        },
        "period": {
            "code": period.code,
            "start": period.start.isoformat(),
            "end": period.end.isoformat(),
            "report_number": data.params.report_number,
        },
        "hso_eval_version": hso_eval.__version__,
        "resources": resources,
    }


def _md_cell(text: str) -> str:
    return str(text).replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def render_codebook(
    data: PeriodData, tables: Iterable[Table], counts: Mapping[str, int], created: datetime
) -> str:
    """README.md: the codebook, rendered from the same `Table` definitions as the descriptor."""
    project, period = data.project, data.period
    lines = [
        f"# Utvärderingsunderlag {period.code}: {project.name} ({project.short_name})",
        "",
        f"- Period: {period.code} ({period.label}), halvårsrapport nr {data.params.report_number}",
        f"- Projekt: {project.name}, {project.start.isoformat()} – {project.end.isoformat()}, "
        f"projektägare {project.owner}",
        f"- Skapat: {created.isoformat()} med hso_eval {hso_eval.__version__}",
        "",
        "Tabellerna finns som CSV-filer (UTF-8, kommatecken, en rubrikrad) och som blad i "
        f"`{WORKBOOK_NAME}`. `{DESCRIPTOR_NAME}` beskriver dem som ett Frictionless Data Package "
        "(typer, villkor, primär- och främmande nycklar) och kan valideras med "
        f"`frictionless validate {DESCRIPTOR_NAME}`.",
        "",
        "## Pseudonymer",
        "",
        PSEUDONYM_TEXT,
        "",
        "## Formler och kalkylprogram",
        "",
        FORMULA_TEXT,
        "",
        "## Undertryckning",
        "",
        SUPPRESSION_TEXT,
        "",
        "## Tabeller",
        "",
        "| Fil | Blad | Rader | Innehåll |",
        "|---|---|---|---|",
    ]
    tables = list(tables)
    for table in tables:
        lines.append(
            f"| `{table.file}` | {table.sheet} | {counts.get(table.name, 0)} | "
            f"{_md_cell(table.description)} |"
        )
    for table in tables:
        lines += [
            "",
            f"## {table.file}: {table.title}",
            "",
            table.description,
            "",
            f"Primärnyckel: {', '.join(f'`{c}`' for c in table.primary_key)}.",
        ]
        for fk in table.foreign_keys:
            lines.append(
                f"Främmande nyckel: {', '.join(f'`{c}`' for c in fk.fields)} → "
                f"`{fk.resource}.csv` ({', '.join(f'`{c}`' for c in fk.reference_fields)})."
            )
        lines += ["", "| Fält | Typ | Titel | Beskrivning | Villkor |", "|---|---|---|---|---|"]
        for f in table.fields:
            lines.append(
                f"| `{f.name}` | {f.type} | {_md_cell(f.title)} | {_md_cell(f.description)} | "
                f"{_md_cell(f.constraint_text())} |"
            )
    return "\n".join(lines) + "\n"


def _excel_value(value: Any, field_type: str) -> Any:
    """A cell value for openpyxl: None for missing, a date for dates, plain Python scalars."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and value != value:  # NaN
        return None
    if field_type == "date":
        return pd.Timestamp(value).date()
    if field_type == "boolean":
        return bool(value)
    if field_type == "integer":
        return int(value)
    if field_type == "number":
        return float(value)
    return str(value)


def _set_text(cell: Any, text: str) -> None:
    """Store `text` in `cell` as a text cell, never as a formula."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    cell.value = ILLEGAL_CHARACTERS_RE.sub("", text)[:32767]
    cell.data_type = "s"
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        cell.quotePrefix = True  # Excel keeps it as text when the cell is edited too


def _write_sheet(ws: Any, frame: pd.DataFrame, table: Table) -> None:
    """One data sheet: bold frozen header, real dates and numbers, text never a formula."""
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    widths = []
    for c, f in enumerate(table.fields, start=1):
        cell = ws.cell(row=1, column=c)
        _set_text(cell, f.name)
        cell.font = bold
        widths.append(len(f.name))
    for c, f in enumerate(table.fields, start=1):
        values = frame[f.name].tolist()
        for r, raw in enumerate(values, start=2):
            value = _excel_value(raw, f.type)
            if value is None:
                continue
            cell = ws.cell(row=r, column=c)
            if isinstance(value, str):
                _set_text(cell, value)
                widths[c - 1] = max(widths[c - 1], min(len(value), 60))
            else:
                cell.value = value
                if f.type == "date":
                    cell.number_format = "yyyy-mm-dd"
                    widths[c - 1] = max(widths[c - 1], 10)
                else:
                    widths[c - 1] = max(widths[c - 1], len(str(value)))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(max(width + 2, 8), 62)
    ws.freeze_panes = "A2"
    if len(frame):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(table.fields))}{len(frame) + 1}"


def _write_rows(ws: Any, rows: Iterable[Iterable[str]], *, bold_rows: set[int]) -> None:
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, row in enumerate(rows, start=1):
        for c, text in enumerate(row, start=1):
            if text == "":
                continue
            cell = ws.cell(row=r, column=c)
            _set_text(cell, text)
            cell.alignment = wrap
            if r in bold_rows:
                cell.font = bold


def _readme_rows(
    data: PeriodData, tables: list[Table], counts: Mapping[str, int], created: datetime
) -> tuple[list[list[str]], set[int]]:
    project, period = data.project, data.period
    rows: list[list[str]] = [
        [f"Utvärderingsunderlag {period.code}: {project.name} ({project.short_name})"],
        [],
        [
            "Period",
            f"{period.code}: {period.label} (halvårsrapport nr {data.params.report_number})",
        ],
        ["Projekt", f"{project.name}, projektägare {project.owner}"],
        ["Skapat", f"{created.isoformat()} med hso_eval {hso_eval.__version__}"],
        [],
        ["Blad", "Innehåll"],
    ]
    bold = {1, len(rows)}
    for table in tables:
        rows.append(
            [
                table.sheet,
                f"{table.description} Fil: {table.file}, {counts.get(table.name, 0)} rader.",
            ]
        )
    rows.append(["Kodbok", "Alla fält i alla tabeller: typ, titel, beskrivning och villkor."])
    rows += [[], ["Pseudonymer", PSEUDONYM_TEXT], ["Formler", FORMULA_TEXT]]
    rows += [["Undertryckning", SUPPRESSION_TEXT]]
    rows += [
        [
            "Mer",
            f"{CODEBOOK_NAME} är kodboken och {DESCRIPTOR_NAME} beskriver CSV-filerna som ett "
            "Frictionless Data Package som kan valideras maskinellt.",
        ]
    ]
    return [list(r) for r in rows], bold


def write_workbook(
    data: PeriodData,
    tables: list[Table],
    frames: Mapping[str, pd.DataFrame],
    path: Path,
    created: datetime,
) -> Path:
    """utvarderingsunderlag.xlsx: "Läs mig", one sheet per table, and "Kodbok"."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    counts = {name: len(frame) for name, frame in frames.items()}
    wb = Workbook()
    readme = wb.active
    readme.title = "Läs mig"
    rows, bold = _readme_rows(data, tables, counts, created)
    _write_rows(readme, rows, bold_rows=bold)
    readme["A1"].font = Font(bold=True, size=14)
    readme["A1"].alignment = Alignment(wrap_text=False)
    readme.column_dimensions["A"].width = 18
    readme.column_dimensions["B"].width = 110
    for table in tables:
        _write_sheet(wb.create_sheet(table.sheet), frames[table.name], table)

    codebook = wb.create_sheet("Kodbok")
    header = ["Tabell", "Fält", "Typ", "Titel", "Beskrivning", "Villkor"]
    entries = [
        [t.file, f.name, f.type, f.title, f.description, f.constraint_text()]
        for t in tables
        for f in t.fields
    ]
    _write_rows(codebook, [header, *entries], bold_rows={1})
    for letter, width in zip("ABCDEF", (18, 24, 10, 24, 80, 40), strict=True):
        codebook.column_dimensions[letter].width = width
    codebook.freeze_panes = "A2"

    stamp = created.astimezone(UTC).replace(tzinfo=None)
    wb.properties.title = f"Utvärderingsunderlag {data.period.code}"
    wb.properties.creator = f"hso_eval {hso_eval.__version__}"
    wb.properties.created = stamp
    wb.properties.modified = stamp
    wb.save(path)
    return path


def build_package(data: PeriodData, out_dir: Path, *, created: datetime | None = None) -> Path:
    """Write the evaluation package for `data`'s period into `out_dir` and return `out_dir`.

    `created` is when the package was made (default: now, UTC); a naive datetime is taken as UTC.
    """
    if created is None:
        created = datetime.now(UTC).replace(microsecond=0)
    elif created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    tables = list(table_definitions(data.project, data.period))
    frames = assemble_tables(data)
    for table in tables:
        write_csv(frames[table.name], table, out_dir / table.file)
    descriptor = package_descriptor(data, tables, out_dir, created)
    (out_dir / DESCRIPTOR_NAME).write_text(
        json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    counts = {name: len(frame) for name, frame in frames.items()}
    (out_dir / CODEBOOK_NAME).write_text(
        render_codebook(data, tables, counts, created), encoding="utf-8"
    )
    write_workbook(data, tables, frames, out_dir / WORKBOOK_NAME, created)
    return out_dir


# ---------------------------------------------------------------------------------------------
# Where to write, and checking what was written
# ---------------------------------------------------------------------------------------------
def package_dir(data: PeriodData) -> Path:
    """Where a notebook writes the package.

    Under the runner (environment variable ``HSO_EVAL_STAGING``) into its staging directory, which
    is published atomically after the whole run succeeds. Run by hand, into the draft directory
    ``reports/_utkast/<period>/utvarderingsunderlag``: never into `output_dir`, which only the
    runner publishes.
    """
    staging = os.environ.get(STAGING_ENV)
    if staging:
        return Path(staging) / PACKAGE_DIRNAME
    return resolve(DRAFT_DIR) / data.period.code / PACKAGE_DIRNAME


def describe_destination(path: Path) -> str:
    """A Swedish sentence that says where the package goes and whether it will be published."""
    if os.environ.get(STAGING_ENV):
        return (
            f"Paketet skrivs till körningens mellanlager ({display(path)}) och publiceras "
            "tillsammans med rapporten när hela körningen har lyckats."
        )
    return (
        f"Utkast: paketet skrivs till {display(path)} och publiceras inte. Kör "
        "'hso-eval run params/<period>.yaml' för att publicera det med periodens rapporter."
    )


def summarise_package(path: Path) -> pd.DataFrame:
    """One row per table in a written package: file, sheet title, row count and description."""
    path = Path(path)
    descriptor = json.loads((path / DESCRIPTOR_NAME).read_text(encoding="utf-8"))
    rows = []
    for resource in descriptor["resources"]:
        frame = pd.read_csv(path / resource["path"], dtype="string", keep_default_na=False)
        rows.append(
            {
                "Fil": resource["path"],
                "Tabell": resource["title"],
                "Rader": len(frame),
                "Kolumner": len(frame.columns),
                "Innehåll": resource["description"],
            }
        )
    return pd.DataFrame(rows)


def validate_package(path: Path) -> list[str]:
    """Validate a written package with frictionless: schemas, keys and foreign keys.

    `path` is the package directory or its datapackage.json. Returns the error messages, each as
    ``"<resource>: [<error type>] <message>"``; an empty list means valid.
    """
    from frictionless import validate

    path = Path(path)
    descriptor = path if path.is_file() else path / DESCRIPTOR_NAME
    report = validate(str(descriptor))
    messages = [f"paket: [{e.type}] {e.message}" for e in report.errors]
    for task in report.tasks:
        messages += [f"{task.name}: [{e.type}] {e.message}" for e in task.errors]
    return messages


def check_package(path: Path) -> str:
    """Validate the package and say so in Swedish; raise `RunError` when it is not valid.

    When frictionless (a development dependency) is not installed, the check is skipped and the
    sentence says so.
    """
    try:
        errors = validate_package(path)
    except ImportError:
        return (
            "Valideringen hoppades över: frictionless är inte installerat "
            "(installera med pip install -e '.[dev]')."
        )
    if errors:
        shown = "\n".join(f"- {e}" for e in errors[:20])
        more = f"\n… och {len(errors) - 20} fel till." if len(errors) > 20 else ""
        raise RunError(
            f"Utvärderingsunderlaget i {display(Path(path))} följer inte sina egna scheman "
            f"({len(errors)} fel):\n{shown}{more}\nRätta felet i hso_eval innan paketet publiceras."
        )
    return (
        "Frictionless godkände paketet: alla tabeller följer sina scheman, primärnycklarna är "
        "unika och alla främmande nycklar pekar på befintliga rader."
    )
