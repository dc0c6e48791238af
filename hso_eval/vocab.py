"""Controlled vocabularies: the words the sheets may use, and what each variant means.

A `Vocabulary` maps every accepted variant to one canonical value (the Swedish word reports
print). Matching ignores case, surrounding and repeated spaces, and diacritics (`mote` = `möte`),
using `parse.fold` as the key. It works in two steps so that diacritics still count where they
are the only difference between two values: an exact match (case and spaces ignored) wins, and
the diacritic-free key is used only when it points to one value alone. (Two municipalities,
Håbo and Habo, differ by a ring only.)

The vocabularies from the input contract are module constants. Work packages come from the
project configuration (`work_package_vocabulary`), municipalities from package data
(`load_municipalities`, `normalise_municipality`).
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import cache
from importlib.resources import files
from types import MappingProxyType

import pandas as pd

from hso_eval.config import Project
from hso_eval.errors import ParameterError
from hso_eval.parse import _clean_text, _map_distinct, _text_series, fold, normalise_text

__all__ = [
    "ACTIVITY_TYPES",
    "GENDERS",
    "MUNICIPALITY_SHORT_FORMS",
    "ORGANISATION_TYPES",
    "ORGANISER_ROLES",
    "ROLES",
    "STATUSES",
    "Vocabulary",
    "load_municipalities",
    "municipalities",
    "normalise_municipality",
    "work_package_vocabulary",
]

_WHITESPACE = re.compile(r"\s+")
_DASHES = re.compile(r"[-‐‑‒–—]")


def _exact_key(text: str) -> str:
    """Case and whitespace ignored, diacritics kept (`Håbo` ≠ `Habo`)."""
    key = unicodedata.normalize("NFC", unicodedata.normalize("NFC", str(text)).casefold())
    return _WHITESPACE.sub(" ", key).strip()


class Vocabulary:
    """A closed list of canonical values, each with the variants people write for it.

    `variants` maps each canonical value to its other accepted forms; the canonical value is
    always accepted too. Two variants that mean different values are a mistake in the list and
    raise `ValueError`.
    """

    def __init__(self, name: str, variants: Mapping[str, Iterable[str]]) -> None:
        self.name = name
        self._values = tuple(variants)
        self._exact: dict[str, str] = {}
        loose: dict[str, set[str]] = {}
        for canonical, forms in variants.items():
            for form in (canonical, *forms):
                exact, folded = self._keys(form)
                if not exact:
                    raise ValueError(
                        f"Ordlistan '{name}': en tom variant för '{canonical}'. "
                        "Ta bort den tomma varianten."
                    )
                other = self._exact.setdefault(exact, canonical)
                if other != canonical:
                    raise ValueError(
                        f"Ordlistan '{name}': '{form}' kan betyda både '{other}' och "
                        f"'{canonical}'. Ge varianten till ett av värdena."
                    )
                loose.setdefault(folded, set()).add(canonical)
        # A diacritic-free key that points to two values is ambiguous: only exact matches count.
        self._loose = {key: next(iter(c)) for key, c in loose.items() if len(c) == 1}

    # -- keys: subclasses refine `_prepare` (applied to both keys) --------------------------
    def _prepare(self, key: str) -> str:
        return key

    def _keys(self, text: str) -> tuple[str, str]:
        return self._prepare(_exact_key(text)), self._prepare(fold(text))

    # -- public -----------------------------------------------------------------------------
    @property
    def values(self) -> tuple[str, ...]:
        """The canonical values, in the order they were given."""
        return self._values

    def lookup(self, text: object) -> str | None:
        """The canonical value for one cell, or None when it is empty or not in the list."""
        (cleaned,) = normalise_text(pd.Series([text], dtype=object)).tolist()
        return None if cleaned is pd.NA else self._lookup_clean(cleaned)

    def _lookup_clean(self, text: str) -> str | None:
        exact, folded = self._keys(text)
        return self._exact.get(exact) or self._loose.get(folded)

    def normalise(self, series: pd.Series, *, categorical: bool = False) -> pd.Series:
        """Each value's canonical form, or NA when empty or unknown (dtype "string").

        Callers find unknown values as: input not empty and output NA. `categorical`: the same
        values as a categorical (see `parse._category_series`); a categorical `series` is
        looked up once per category.
        """

        # normalise_text then the look-up, composed per distinct value: one pass over the rows.
        def canonical(value: object) -> tuple[str | None]:
            text = _clean_text(value)
            return (None if text is None else self._lookup_clean(text),)

        mapped = _map_distinct(series, canonical, (None,))
        return _text_series(mapped, 0, series.index, categorical)

    def __contains__(self, text: object) -> bool:
        return self.lookup(text) is not None

    def __repr__(self) -> str:
        return f"Vocabulary({self.name!r}, values={self._values!r})"


# ---------------------------------------------------------------------------------------------
# The contract's vocabularies (docs: input-contract.md, "Vocabularies")
# ---------------------------------------------------------------------------------------------
ACTIVITY_TYPES = Vocabulary(
    "aktivitetstyp",
    {
        "möte": ["möten", "mötet"],
        "workshop": ["workshops", "workshopen", "verkstad"],
        "seminarium": [
            "seminarier",
            "seminariet",
            "seminarie",
            "panelsamtal",
            "panel",
            "webbinarium",
            "webbinarier",
            "webinar",
            "webbinar",
        ],
        "konferens": ["konferenser", "konferensen", "mässa", "mässor", "arena"],
        "nätverksträff": ["nätverksträffar", "mingel", "nätverk", "nätverksmöte"],
        "partnerbesök": ["besök", "partnerbesöket"],
        "styrgruppsmöte": ["styrgrupp", "styrgruppsmöten", "styrgruppen"],
        "referensgruppsmöte": ["referensgrupp", "referensgruppsmöten", "referensgruppen"],
        "studiebesök": ["studieresa"],
        "utbildning": ["utbildningar", "kurs"],
        "kommunikation": ["publicering", "material", "annons", "webb", "nyhetsbrev"],
        "upphandling": ["upphandlingar"],
        "rapportering": ["rapport", "lägesrapport"],
        "övrigt": ["övriga", "annat"],
    },
)

ORGANISATION_TYPES = Vocabulary(
    "organisationstyp",
    {
        "kommun": ["kommuner", "kommunen"],
        "region": ["regioner", "regionen"],
        "länsstyrelse": ["länsstyrelsen", "länsstyrelser"],
        "statlig myndighet": ["myndighet", "myndigheter", "statliga myndigheter"],
        "näringsliv": ["företag", "bolag", "privat", "näringslivet"],
        "akademi": ["universitet", "högskola", "akademin", "lärosäte"],
        "civilsamhälle": ["ideell", "förening", "ideell förening", "civilsamhället"],
        "intresseorganisation": [
            "bransch",
            "branschorganisation",
            "fack",
            "fackförbund",
            "intresseorganisationer",
        ],
        "övrigt": ["övriga", "annat", "annan"],
    },
)

GENDERS = Vocabulary(
    "kön",
    {
        "kvinna": ["k", "kv", "f", "w", "female", "woman", "kvinnor", "kvinnlig"],
        "man": ["m", "male", "män", "manlig"],
        "annat": ["icke-binär", "icke binär", "ickebinär", "annan", "other"],
        "ej angivet": ["-", "vill ej uppge", "vill inte uppge", "ej angett", "okänt"],
    },
)
#: The genders as a report names groups of people (a chart's legend, a table's rows).
GENDER_LABELS: Mapping[str, str] = MappingProxyType(
    {"kvinna": "Kvinnor", "man": "Män", "annat": "Annat", "ej angivet": "Ej angivet"}
)

ROLES = Vocabulary(
    "roll",
    {
        "deltagare": ["åhörare", "publik", "besökare", "deltagarna"],
        "talare": ["föreläsare", "panelist", "paneldeltagare", "presentatör", "inledare"],
        "moderator": ["moderatorer", "samtalsledare", "mötesledare"],
        "arrangör": ["arrangörer", "värd", "organisatör"],
    },
)

STATUSES = Vocabulary(
    "status",
    {
        "genomförd": ["genomfört", "genomförda", "klar", "klart", "utförd", "utfört"],
        "planerad": ["planerat", "planerade", "kommande"],
        "inställd": ["inställt", "inställda", "avbokad", "avbokat", "avbokade", "ställdes in"],
    },
)

ORGANISER_ROLES = Vocabulary(
    "arrangörsroll",
    {
        "egen": ["eget", "egna", "egen regi", "i egen regi"],
        "samarrangemang": ["samarr", "samarr.", "medarrangör", "samarrangör", "medarrangörer"],
        "deltagande": ["deltog", "deltagit", "deltar", "medverkan", "medverkade"],
    },
)


# ---------------------------------------------------------------------------------------------
# Work packages: from the project configuration, never from code
# ---------------------------------------------------------------------------------------------
_WP_SEPARATORS = re.compile(r"[\s\-‐‑‒–—:;,./()\[\]]+")
_WP_PREFIX = re.compile(r"^(?:arbetspaket|ap)\s*0*([0-9]+)(?![0-9])")


class _WorkPackageVocabulary(Vocabulary):
    """Punctuation between code and name ignored; `Arbetspaket 3`, `AP 3`, `ap03` → `ap3`."""

    def _prepare(self, key: str) -> str:
        key = _WP_SEPARATORS.sub(" ", key).strip()
        return _WP_PREFIX.sub(r"ap\1", key)


def work_package_vocabulary(project: Project) -> Vocabulary:
    """The work packages of `project`, canonical value = code (`"AP1"` …).

    Accepts `AP1`, `AP 1`, `ap1`, `1`, `Arbetspaket 1`, code and name with any separator
    (`AP3 - Påverkansarbete`, `AP 3: Påverkansarbete`), the name alone, and each alias from
    the configuration.
    """
    variants: dict[str, list[str]] = {}
    for wp in project.work_packages:
        names = [wp.name, *wp.aliases]
        forms = [str(wp.number), f"Arbetspaket {wp.number}", *names]
        forms += [f"{prefix} {name}" for prefix in (wp.code, str(wp.number)) for name in names]
        variants[wp.code] = forms
    try:
        return _WorkPackageVocabulary("arbetspaket", variants)
    except ValueError as exc:
        where = project.source.name if project.source else "projektkonfigurationen"
        raise ParameterError(f"{where}, work_packages: {exc}") from exc


# ---------------------------------------------------------------------------------------------
# Municipalities: package data (hso_eval/data/kommuner.csv, see data/README.md)
# ---------------------------------------------------------------------------------------------
#: Short forms people write, mapped to SCB's name. Keep it small and obvious.
MUNICIPALITY_SHORT_FORMS: Mapping[str, str] = MappingProxyType(
    {
        "Övik": "Örnsköldsvik",
        "Sthlm": "Stockholm",
        "Gbg": "Göteborg",
        "Hudik": "Hudiksvall",
        "Falu": "Falun",  # "Falu kommun"
    }
)
_MUNICIPALITY_COLUMNS = {
    "kommun_kod": "code",
    "kommun": "name",
    "lan_kod": "county_code",
    "lan": "county",
}
_OFFICIAL_SUFFIX = re.compile(r"^(?P<stem>.+?) (?:kommun|stad)\.?$")
_REGION_PREFIX = re.compile(r"^region (?P<stem>.+)$")


@cache
def _municipality_table() -> pd.DataFrame:
    source = files("hso_eval") / "data" / "kommuner.csv"
    with source.open("r", encoding="utf-8") as handle:
        table = pd.read_csv(handle, dtype=str, keep_default_na=False)
    return table.rename(columns=_MUNICIPALITY_COLUMNS)[list(_MUNICIPALITY_COLUMNS.values())].astype(
        "string"
    )


def load_municipalities() -> pd.DataFrame:
    """Sweden's municipalities: columns code (SCB, 4 digits), name, county_code, county."""
    return _municipality_table().copy()


#: The name the architecture page uses.
municipalities = load_municipalities


def _municipality_keys(text: str) -> tuple[str, str]:
    """(exact, diacritic-free) keys; a hyphen counts as a space (`Upplands Bro`)."""
    spaced = _DASHES.sub(" ", text)
    return _exact_key(spaced), fold(spaced)


@cache
def _municipality_index() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """(exact key → code, unambiguous loose key → code, code → name)."""
    table = _municipality_table()
    names = dict(zip(table["code"], table["name"], strict=True))
    by_name = {name: code for code, name in names.items()}
    exact: dict[str, str] = {}
    loose: dict[str, set[str]] = {}
    entries = [*by_name.items(), *((s, by_name[n]) for s, n in MUNICIPALITY_SHORT_FORMS.items())]
    for text, code in entries:
        key, folded = _municipality_keys(text)
        exact[key] = code
        loose.setdefault(folded, set()).add(code)
    unique_loose = {key: next(iter(c)) for key, c in loose.items() if len(c) == 1}
    return exact, unique_loose, names


def _municipality_code(text: str) -> str | None:
    """The SCB code for one (already trimmed) cell, or None."""
    exact, loose, names = _municipality_index()
    if text.isascii() and text.isdigit():
        code = text.zfill(4)  # 180 is how Excel shows the number 0180
        return code if code in names else None
    key, folded = _municipality_keys(text)
    candidates = [(key, folded)]
    for pattern in (_OFFICIAL_SUFFIX, _REGION_PREFIX):
        key_match, folded_match = pattern.match(key), pattern.match(folded)
        if key_match and folded_match:
            stem, folded_stem = key_match["stem"], folded_match["stem"]
            candidates.append((stem, folded_stem))
            if pattern is _OFFICIAL_SUFFIX and stem.endswith("s"):
                # genitive s, only before "kommun"/"stad": "Sundsvalls kommun" → Sundsvall
                candidates.append((stem[:-1], folded_stem[:-1]))
    for candidate_key, candidate_folded in candidates:
        code = exact.get(candidate_key) or loose.get(candidate_folded)
        if code:
            return code
    return None


@cache
def _folded_municipality_names() -> dict[str, str]:
    """Folded name -> SCB's name, for `nearest_municipality`."""
    return {fold(name): name for name in _municipality_index()[2].values()}


def nearest_municipality(text: str) -> str | None:
    """The municipality a misspelt one-word name most likely meant (`Örnsköldsvk`, `Kramfor`:
    Örnsköldsvik, Kramfors), or None. Only for one word: a value of several words may be a
    person's name, which a message shows masked, and a suggestion close to it would tell it."""
    folded = fold(text.strip())
    if not folded or " " in folded or len(folded) > 40:
        return None
    names = _folded_municipality_names()
    near = difflib.get_close_matches(folded, list(names), n=1, cutoff=0.8)
    return names[near[0]] if near else None


def normalise_municipality(
    series: pd.Series, *, categorical: bool = False
) -> tuple[pd.Series, pd.Series]:
    """Municipality names → (SCB's name, SCB code), both dtype "string"; NA if empty or unknown.

    Accepts the name in any case and without diacritics (`Harnosand`), official forms
    (`Sundsvalls kommun`, `Stockholms stad`, `Kramfors kommun`, `Region Gotland`), hyphen or
    space (`Upplands Bro`), the SCB code (`2280`) and the short forms in
    `MUNICIPALITY_SHORT_FORMS`. A trailing s is removed only before `kommun`/`stad`, so
    Kramfors, Borås and Robertsfors stay themselves. `categorical`: both as categoricals (see
    `parse._category_series`).
    """
    _, _, names = _municipality_index()

    # normalise_text, the code and its name, composed per distinct value: one pass over the rows.
    def name_and_code(value: object) -> tuple[str | None, str | None]:
        text = _clean_text(value)
        code = None if text is None else _municipality_code(text)
        return (None if code is None else names.get(code), code)

    mapped = _map_distinct(series, name_and_code, (None, None))
    return (
        _text_series(mapped, 0, series.index, categorical),
        _text_series(mapped, 1, series.index, categorical),
    )
