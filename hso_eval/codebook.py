"""The codebook of the evaluation package: every table, every field and what it means.

`table_definitions(project, period)` is the one source of truth for the package's schemas. The
same definitions are rendered into datapackage.json and README.md (`hso_eval.datapackage`) and
into the workbook's "Kodbok" sheet (`hso_eval.workbook`), so the three cannot disagree.
"""

from __future__ import annotations

from hso_eval.config import INDICATOR_IDS, Project
from hso_eval.periods import Period
from hso_eval.schema import Field, ForeignKey, Table


def _vocabulary(name: str) -> tuple[str, ...]:
    """The canonical values of a vocabulary in `hso_eval.vocab` (imported when first needed)."""
    from hso_eval import vocab

    return tuple(getattr(vocab, name).values)


QUALITY_KINDS: tuple[str, ...] = ("radräkning", "karantän", "varning")

#: What each indicator counts, in Swedish, for the codebook: enough to recount every row of
#: indikatorer.csv from aktiviteter.csv and deltagande.csv (`hso_eval.indicators` computes them).
INDICATOR_DEFINITIONS: dict[str, str] = {
    "activities_held": (
        "aktiviteter med status genomförd och startdatum i omfattningen; bara genomförda "
        "aktiviteter räknas som hållna, och deras deltaganden är de som de andra indikatorerna "
        "räknar. Nedbrutet på arbetspaket, aktivitetstyp och kommun."
    ),
    "activities_planned": (
        "aktiviteter med startdatum i nästa halvår (efter periodens slut, till och med nästa "
        "halvårs slut) som inte är inställda, oavsett om de sedan har genomförts; bara för "
        "perioden. De finns inte i aktiviteter.csv, som slutar vid periodens slut. Nedbrutet på "
        "arbetspaket."
    ),
    "participations": (
        "deltaganden i genomförda aktiviteter i omfattningen. Nedbrutet på aktivitetens "
        "arbetspaket och typ och på deltagarens kön, organisationstyp, kommun och roll."
    ),
    "unique_participants": (
        "olika personnycklar bland samma deltaganden. Per arbetspaket räknas en person i varje "
        "arbetspaket där personen har deltagit, så raderna inte summerar till totalen. Per kön "
        "och per organisationstyp får varje person ett enda värde, så raderna summerar till "
        "totalen: det vanligaste kända värdet bland personens deltaganden i omfattningen (ej "
        "angivet och saknad organisationstyp räknas inte som kända). Inget känt värde, eller "
        "två lika vanliga, ger ej angivet (kön) respektive uppgift saknas (organisationstyp)."
    ),
    "attendance_total": (
        "summan över genomförda aktiviteter i omfattningen av antalet deltaganden när "
        "aktiviteten har sådana, annars attendance i aktiviteter.csv (saknas det räknas 0); "
        "approximate är true när något ungefärligt antal ingår. Nedbrutet på arbetspaket och "
        "aktivitetstyp."
    ),
    "organisations_engaged": (
        "olika organisationer bland deltagandena, utan hänsyn till versaler och gemener; "
        "deltaganden utan organisation räknas inte. Per organisationstyp och kommun får varje "
        "organisation sitt vanligaste kända värde bland deltagandena i omfattningen, som "
        "personerna ovan (inget eller två lika vanliga: uppgift saknas)."
    ),
    "partners_visited": (
        "de projektparter som räknas för besök i projektkonfigurationen (kommunerna) som har "
        "haft ett genomfört partnerbesök i omfattningen, antingen i partens kommun eller med "
        "parten (namn, kortnamn eller alias) som en av samverkansparterna. Dimensionen partner "
        "har en rad per sådan part med värdet 1 (besökt) eller 0."
    ),
    "share_women": (
        "andelen kvinnor bland deltaganden med kön kvinna eller man (deltaganden med kön annat "
        "eller ej angivet räknas inte), mellan 0 och 1; tomt när det inte finns några sådana. "
        "Nedbrutet på arbetspaket."
    ),
    "share_women_speakers": (
        "detsamma som share_women bland deltaganden med rollen talare eller moderator."
    ),
}


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
    # Columns that several tables share; each table describes them in its own words.
    activity_id = Field("activity_id", "string", "Aktivitets-id", "", required=True)
    organisation = Field("organisation", "string", "Organisation", "")
    organisation_type = Field(
        "organisation_type",
        "string",
        "Organisationstyp",
        "",
        enum=_vocabulary("ORGANISATION_TYPES"),
    )
    municipality = Field("municipality", "string", "Kommun", "")
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
                activity_id.described_as(
                    "Aktivitetens id i aktivitetsregistret (kolumnen aktivitets_id). Unikt.",
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
                municipality.described_as(
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
                activity_id.described_as(
                    "Aktiviteten som personen deltog i; finns i aktiviteter.csv."
                ),
                organisation.described_as(
                    "Organisationen som personen kom från, som den skrevs i deltagarlistan "
                    "(mellanslag normaliserade; namn som bara skiljer sig i versaler och gemener "
                    "har fått den vanligaste stavningen); finns i organisationer.csv.",
                ),
                organisation_type.described_as(
                    "Organisationens typ enligt projektets vokabulär; okända typer är satta till "
                    "övrigt, tomt när uppgift saknas.",
                ),
                municipality.described_as(
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
                organisation.described_as(
                    "Organisationens namn som det skrevs i deltagarlistorna (mellanslag "
                    "normaliserade; varianter som bara skiljer sig i versaler och gemener är "
                    "sammanförda under den vanligaste stavningen). Unikt.",
                    required=True,
                    unique=True,
                ),
                organisation_type.described_as(
                    "Den vanligaste organisationstypen bland organisationens deltaganden; tomt när "
                    "uppgift saknas eller när två värden är lika vanliga (samma regel som "
                    "indikatorn organisations_engaged).",
                ),
                municipality.described_as(
                    "Den vanligaste kommunen bland organisationens deltaganden; tomt när "
                    "uppgift saknas eller när två värden är lika vanliga (samma regel som "
                    "indikatorn organisations_engaged).",
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
                    "Indikatorns id. Definitionerna, med deltaganden = rader i deltagande.csv "
                    "och omfattningen enligt scope: "
                    + " ".join(
                        f"{i} ({indicator_labels.get(i, i)}): {INDICATOR_DEFINITIONS[i]}"
                        for i in INDICATOR_IDS
                    ),
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
                    "kommun), en arbetspaketskod eller en projektparts kortnamn; 'totalt' för "
                    "totalen; 'uppgift saknas' när uppgiften saknades i underlaget. "
                    "Arbetspaket, kön, roll och projektpart har en rad för varje kategori "
                    "(värdet 0 när ingen finns), övriga dimensioner bara de kategorier som "
                    "förekommer.",
                    required=True,
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
                    "Målvärdet ur projektkonfigurationen; tomt när inget mål finns. Undantag: "
                    "partners_visited sedan projektstart har, när inget mål är satt, antalet "
                    "projektparter som mål (n i 'k av n'); för perioden finns inget sådant mål."
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
                    "Den första organisationen i paret: den som kommer först när namnen jämförs "
                    "tecken för tecken efter teckenkod (Unicode), så att varje par står en gång. "
                    "Det är inte svensk bokstavsordning: versaler kommer före gemener och Ä "
                    "före Å.",
                    required=True,
                ),
                Field(
                    "org_b",
                    "string",
                    "Organisation B",
                    "Den andra organisationen i paret (efter org_a i teckenkodsordning).",
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
                "Radräkningen per indatafil (lästa = rena + karantän + sammanslagna) och antalet "
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
