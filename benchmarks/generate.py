"""Synthetic benchmark inputs: an activity register and participant lists at a chosen scale.

The people are drawn from the demo generator's name lists and organisations
(`scripts/make_demo.py`: WOMEN, MEN, SURNAMES, ORGS, `_ascii`, the header lists), so the values
look like the demo's; only the volume differs. Everything is vectorised with numpy so that a
million participant rows take seconds, and deterministic (fixed seed per scale): the same scale
always gives byte-identical files, and `ensure_scale` reuses files already generated.

Both files are CSV (';', UTF-8). An activity register of 5 000 or 50 000 rows would not be kept
as .xlsx in practice (and writing one with openpyxl takes minutes), so the benchmark reads it as
CSV too; the demo scale keeps the demo's own .xlsx register.

Realistic messiness, so that cleaning does real work (rates per row, approximately):
- activities: dates in ISO, day-first, Swedish month names, with a time, as Excel serials; 1 %
  impossible or unparseable, 1 % outside the project, 1 % empty; work packages and activity types
  in variant spellings, 0.5 % unknown; 0.5 % exact duplicate rows, 0.2 % id conflicts, 0.2 %
  missing ids; municipality names in official forms, codes, lower case without diacritics,
  short forms, 0.5 % unknown; status and organiser-role variants, some empty or unknown; counts
  such as "ca 250", "40 st" and a few words; some invalid links and end dates before the start.
- participants: e-mails with capitals, surrounding spaces, "Name <address>" and a few invalid
  ones; 10 % of people give no e-mail (identified by name + organisation, name spelled in other
  case or with extra spaces on some rows); gender as kvinna/man/K/M/empty/unknown; organisation
  types in variant spellings; 0.5 % unknown activity ids, 0.1 % missing ids, 0.1 % rows without
  any identity, 1 % exact repeats of a row (the same person again on the same activity).

Usage:
    .venv/bin/python benchmarks/generate.py 100000      # participations; activities = n / 20
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
WORK = BENCH / "work"
#: Bump when the generated data changes, so cached inputs are regenerated.
GENERATOR_VERSION = 1


def _load_make_demo():  # type: ignore[no-untyped-def]
    """scripts/make_demo.py as a module (scripts/ is not a package)."""
    name = "hso_make_demo"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / "make_demo.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


demo = _load_make_demo()


@dataclass(frozen=True)
class Scale:
    name: str
    participations: int
    activities: int

    @property
    def directory(self) -> Path:
        return WORK / "data" / self.name

    @property
    def activities_path(self) -> Path:
        return self.directory / "aktiviteter.csv"

    @property
    def participants_path(self) -> Path:
        return self.directory / "deltagare.csv"


def scale_for(participations: int, activities: int | None = None) -> Scale:
    activities = activities if activities is not None else max(participations // 20, 10)
    if participations % 1_000_000 == 0:
        name = f"{participations // 1_000_000}M"
    elif participations % 1000 == 0:
        name = f"{participations // 1000}k"
    else:
        name = str(participations)
    return Scale(name, participations, activities)


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------
def _pick(rng: np.random.Generator, choices: list[str], n: int, p: list[float] | None = None):
    """n values drawn from `choices` (optionally weighted), as an object array."""
    arr = np.array(choices, dtype=object)
    if p is not None:
        w = np.asarray(p, dtype=float)
        p = list(w / w.sum())
    return arr[rng.choice(len(arr), size=n, p=p)]


def _where(rng: np.random.Generator, n: int, rate: float) -> np.ndarray:
    return rng.random(n) < rate


SWEDISH_MONTH_NAMES = [
    "januari", "februari", "mars", "april", "maj", "juni",
    "juli", "augusti", "september", "oktober", "november", "december",
]  # fmt: skip

PROJECT_START = np.datetime64("2024-01-01")
PROJECT_DAYS = int((np.datetime64("2026-12-31") - PROJECT_START).astype(int))
EXCEL_EPOCH = np.datetime64("1899-12-30")


def _format_dates(rng: np.random.Generator, days: np.ndarray) -> np.ndarray:
    """Dates typed in the ways people type them (all valid)."""
    n = len(days)
    dates = PROJECT_START + days.astype("timedelta64[D]")
    ymd = pd.DatetimeIndex(dates)
    iso = np.asarray(ymd.strftime("%Y-%m-%d"), dtype=object)
    y, m, d = ymd.year.to_numpy(), ymd.month.to_numpy(), ymd.day.to_numpy()
    style = rng.choice(5, size=n, p=[0.72, 0.1, 0.1, 0.05, 0.03])
    out = iso.copy()
    slash = style == 1
    out[slash] = [f"{a}/{b}/{c}" for a, b, c in zip(d[slash], m[slash], y[slash], strict=True)]
    named = style == 2
    out[named] = [
        f"{a} {SWEDISH_MONTH_NAMES[b - 1]} {c}"
        for a, b, c in zip(d[named], m[named], y[named], strict=True)
    ]
    timed = style == 3
    out[timed] = iso[timed] + " 10:00"
    serial = style == 4
    out[serial] = (dates[serial] - EXCEL_EPOCH).astype(int).astype(str).astype(object)
    return out


# ---------------------------------------------------------------------------------------------
# Activities
# ---------------------------------------------------------------------------------------------
WP_FORMS = {
    "AP1": ["AP1", "AP 1", "ap1", "Arbetspaket 1", "1", "AP1 - Stödstrukturer", "Stödstrukturer"],
    "AP2": ["AP2", "AP 2", "ap2", "Arbetspaket 2", "2", "AP2: Samverkansstrukturer", "Samverkan"],
    "AP3": ["AP3", "AP 3", "ap03", "Arbetspaket 3", "3", "AP3 - Påverkansarbete"],
    "AP4": ["AP4", "AP 4", "ap4", "Arbetspaket 4", "4", "Projektledning", "Samordning"],
}
TYPE_FORMS = [
    "möte", "Möte", "mote", "möten", "workshop", "Workshop", "seminarium", "webbinarium",
    "konferens", "nätverksträff", "mingel", "partnerbesök", "Partnerbesök", "styrgruppsmöte",
    "studiebesök", "utbildning", "kurs", "kommunikation", "nyhetsbrev", "övrigt",
]  # fmt: skip
STATUS_FORMS = ["genomförd", "Genomförd", "klar", "genomfört", "planerad", "inställd", ""]
STATUS_P = [0.6, 0.1, 0.05, 0.05, 0.1, 0.04, 0.06]
ORGANISER_FORMS = ["egen", "", "samarrangemang", "samarr.", "deltagande", "Egen regi"]
PARTY_LISTS = [
    "Kramfors kommun; Region Västernorrland",
    "Sundsvalls kommun, Mittuniversitetet",
    "Länsstyrelsen Västernorrland",
    "Timrå kommun; Timrå kommun; Almi Mitt",
    "Övik; Sweco",
]
DESCRIPTIONS = [
    "Löpande arbetsmöte i påverkansgruppen.",
    "Möte med kommunens representanter om HSO och kommunens behov.",
    "Workshop om mål, roller, mötesrutiner och krav på underlag.",
    "Seminarium om omställningens behov av bostäder och infrastruktur.",
    "Samtal om företagens behov av stöd i omställningen.",
    "",
]


def _municipality_forms() -> tuple[list[str], dict[str, list[str]]]:
    """Municipalities of the demo organisations, and the variant spellings of each."""
    names = sorted({o.municipality for o in demo.ORGS if o.municipality})
    variants: dict[str, list[str]] = {}
    for name in names:
        plain = demo._ascii(name)  # "harnosand"
        genitive = name if name.endswith("s") else name + "s"
        variants[name] = [name, name, name.upper(), plain, f"{genitive} kommun", f" {name} "]
    variants["Örnsköldsvik"].append("Övik")
    variants["Sundsvall"].append("2281")
    return names, variants


def make_activities(scale: Scale, rng: np.random.Generator) -> pd.DataFrame:
    n = scale.activities
    ids = np.array([f"BEN-{i:06d}" for i in range(n)], dtype=object)
    # Dates: 1/6 of the activities in 2024H1 (the benchmarked period), the rest spread over the
    # project; some impossible, some out of range, some empty.
    days = rng.integers(0, PROJECT_DAYS + 1, size=n)
    datum = _format_dates(rng, days)
    bad = _where(rng, n, 0.01)
    datum[bad] = _pick(rng, ["31/02/2024", "snart", "2024-13-01", "v. 12"], int(bad.sum()))
    far = _where(rng, n, 0.01) & ~bad
    datum[far] = _pick(rng, ["2031-05-01", "1999-02-02", "2045-01-01"], int(far.sum()))
    datum[_where(rng, n, 0.01)] = ""

    end = np.full(n, "", dtype=object)
    has_end = _where(rng, n, 0.1)
    end_days = np.minimum(days + rng.integers(-3, 4, size=n), PROJECT_DAYS)
    end[has_end] = _format_dates(rng, np.maximum(end_days[has_end], 0))
    end[_where(rng, n, 0.005)] = "snart"

    wp_codes = _pick(rng, list(WP_FORMS), n, [0.25, 0.2, 0.25, 0.3])
    picks = rng.integers(0, 100, size=n)
    wp = np.array(
        [WP_FORMS[c][k % len(WP_FORMS[c])] for c, k in zip(wp_codes, picks, strict=True)],
        dtype=object,
    )
    wp[_where(rng, n, 0.005)] = "AP9"
    wp[_where(rng, n, 0.002)] = ""

    types = _pick(rng, TYPE_FORMS, n)
    types[_where(rng, n, 0.005)] = "fika"

    names, variants = _municipality_forms()
    places = _pick(rng, names, n)
    municipality = np.array(
        [variants[p][k % len(variants[p])] for p, k in
         zip(places, rng.integers(0, 100, size=n), strict=True)], dtype=object)  # fmt: skip
    municipality[_where(rng, n, 0.1)] = ""
    municipality[_where(rng, n, 0.005)] = "Atlantis"
    plats = places.copy()
    plats[_where(rng, n, 0.2)] = "Teams"

    titles = np.array([f"{t.capitalize()} i {p} nr {i}" for i, (t, p) in
                       enumerate(zip(types, places, strict=True))], dtype=object)  # fmt: skip
    titles[_where(rng, n, 0.002)] = ""

    status = _pick(rng, STATUS_FORMS, n, STATUS_P)
    status[_where(rng, n, 0.005)] = "kanske"
    organiser = _pick(rng, ORGANISER_FORMS, n)
    organiser[_where(rng, n, 0.005)] = "värd"

    attendance = rng.integers(3, 300, size=n).astype(str).astype(object)
    approx = _where(rng, n, 0.1)
    attendance[approx] = "ca " + attendance[approx]
    pieces = _where(rng, n, 0.05)
    attendance[pieces] = attendance[pieces] + " st"
    attendance[_where(rng, n, 0.2)] = ""
    attendance[_where(rng, n, 0.005)] = "många"
    women = np.full(n, "", dtype=object)
    men = np.full(n, "", dtype=object)
    gendered = _where(rng, n, 0.2)
    w = rng.integers(0, 60, size=n)
    women[gendered] = w[gendered].astype(str)
    men[gendered] = (
        (w[gendered] + rng.integers(-5, 30, size=int(gendered.sum()))).clip(0).astype(str)
    )

    parties = np.full(n, "", dtype=object)
    has_parties = _where(rng, n, 0.15)
    parties[has_parties] = _pick(rng, PARTY_LISTS, int(has_parties.sum()))
    links = np.full(n, "", dtype=object)
    has_link = _where(rng, n, 0.1)
    links[has_link] = np.array(
        [f"https://hso.example/aktivitet/{i}" for i in np.flatnonzero(has_link)], dtype=object
    )
    links[_where(rng, n, 0.005)] = "www.hso.example"

    frame = pd.DataFrame(
        dict(
            zip(
                demo.ACTIVITY_HEADERS,
                [ids, datum, end, wp, types, titles, _pick(rng, DESCRIPTIONS, n), plats,
                 municipality, status, organiser, attendance, women, men, parties, links],
                strict=True,
            )
        )
    )  # fmt: skip
    missing_id = _where(rng, n, 0.002)
    frame.loc[missing_id, "aktivitets_id"] = ""
    # Id conflicts: a second row with an existing id and another title.
    conflicts = frame.sample(frac=0.002, random_state=int(rng.integers(1 << 31))).copy()
    conflicts["titel"] = conflicts["titel"] + " (kopia)"
    # Exact duplicates: a row copied twice by mistake.
    duplicates = frame.sample(frac=0.005, random_state=int(rng.integers(1 << 31)))
    frame = pd.concat([frame, conflicts, duplicates])
    order = rng.permutation(len(frame))  # entry order is not id order
    return frame.iloc[order].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# People and participant rows
# ---------------------------------------------------------------------------------------------
def make_people(n_people: int, rng: np.random.Generator) -> pd.DataFrame:
    """A pool of people, each in one demo organisation, with unique e-mail addresses."""
    orgs = demo.ORGS
    weights = np.array([o.size for o in orgs], dtype=float)
    org_idx = rng.choice(len(orgs), size=n_people, p=weights / weights.sum())
    woman = rng.random(n_people) < demo.SHARE_WOMEN
    first = np.where(
        woman, _pick(rng, demo.WOMEN, n_people), _pick(rng, demo.MEN, n_people)
    ).astype(object)
    last = _pick(rng, demo.SURNAMES, n_people)
    double = _where(rng, n_people, 0.3)  # "Anna Lind Holm": more distinct names, as in life
    last[double] = _pick(rng, demo.SURNAMES, int(double.sum())) + " " + last[double]
    ascii_first = {f: demo._ascii(f) for f in {*demo.WOMEN, *demo.MEN}}
    ascii_last = {s: demo._ascii(s) for s in set(last)}
    email = np.array(
        [f"{ascii_first[f]}.{ascii_last[s]}{i}@{orgs[o].domain}" for i, (f, s, o) in
         enumerate(zip(first, last, org_idx, strict=True))], dtype=object)  # fmt: skip
    email[_where(rng, n_people, 0.1)] = ""
    return pd.DataFrame(
        {
            "name": first + " " + last,
            "email": email,
            "woman": woman,
            "org": org_idx,
        }
    )


def make_participants(
    scale: Scale, activity_ids: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    n = scale.participations
    n_people = max(n // 20, 200)
    people = make_people(n_people, rng)
    orgs = demo.ORGS
    # Each row: an activity and a person (some people come often, most a few times).
    act = _pick(rng, list(activity_ids), n)
    person = rng.integers(0, n_people, size=n)
    regulars = _where(rng, n, 0.2)  # a fifth of the rows are the 2 % who come to everything
    person[regulars] = rng.integers(0, max(n_people // 50, 1), size=int(regulars.sum()))
    p = people.iloc[person]

    names = p["name"].to_numpy(dtype=object).copy()
    lower = _where(rng, n, 0.02)
    names[lower] = np.array([s.lower() for s in names[lower]], dtype=object)
    spaced = _where(rng, n, 0.01)
    names[spaced] = "  " + names[spaced] + " "

    emails = p["email"].to_numpy(dtype=object).copy()
    has = emails != ""
    caps = _where(rng, n, 0.03) & has
    emails[caps] = np.array([e.capitalize() for e in emails[caps]], dtype=object)
    pad = _where(rng, n, 0.01) & has
    emails[pad] = " " + emails[pad] + " "
    angle = _where(rng, n, 0.01) & has
    emails[angle] = names[angle] + " <" + emails[angle] + ">"
    broken = _where(rng, n, 0.005) & has
    emails[broken] = np.array([e.split("@")[0] + "@" for e in emails[broken]], dtype=object)

    org_idx = p["org"].to_numpy()
    org_name = np.array([o.name for o in orgs], dtype=object)[org_idx]
    canonical_type = np.array([o.org_type for o in orgs], dtype=object)[org_idx]
    variant_type = np.array([o.variant for o in orgs], dtype=object)[org_idx]
    org_type = np.where(_where(rng, n, 0.3), variant_type, canonical_type).astype(object)
    org_type[_where(rng, n, 0.003)] = "kommunal"
    org_type[_where(rng, n, 0.02)] = ""

    _, variants = _municipality_forms()
    home = np.array([o.municipality for o in orgs], dtype=object)[org_idx]
    pick = rng.integers(0, 100, size=n)
    municipality = np.array(
        [variants[h][k % len(variants[h])] if h else "" for h, k in zip(home, pick, strict=True)],
        dtype=object,
    )
    municipality[_where(rng, n, 0.08)] = ""
    municipality[_where(rng, n, 0.003)] = "Atlantis"

    woman = p["woman"].to_numpy()
    style = rng.random(n)
    gender = np.where(
        style < 0.5,
        np.where(woman, "kvinna", "man"),
        np.where(style < 0.9, np.where(woman, "K", "M"), ""),
    ).astype(object)
    gender[_where(rng, n, 0.003)] = "okänd"
    role = _pick(
        rng,
        ["deltagare", "", "talare", "moderator", "föreläsare", "Deltagare"],
        n,
        [0.75, 0.1, 0.06, 0.02, 0.02, 0.05],
    )
    role[_where(rng, n, 0.003)] = "gäst"

    frame = pd.DataFrame(
        dict(
            zip(
                demo.PARTICIPANT_HEADERS,
                [act, names, emails, org_name, org_type, municipality, gender, role],
                strict=True,
            )
        )
    )
    unknown = _where(rng, n, 0.005)
    frame.loc[unknown, "aktivitets_id"] = "BEN-X" + pd.Series(
        rng.integers(0, 10_000, size=int(unknown.sum())).astype(str)
    ).to_numpy(dtype=object)
    frame.loc[_where(rng, n, 0.001), "aktivitets_id"] = ""
    anonymous = _where(rng, n, 0.001)
    frame.loc[anonymous, ["namn", "e-post"]] = ""
    # The same row typed twice: the same person again on the same activity.
    repeats = frame.sample(frac=0.01, random_state=int(rng.integers(1 << 31)))
    frame = pd.concat([frame, repeats])
    frame = frame.iloc[rng.permutation(len(frame))].reset_index(drop=True)
    # Keep the row count exactly at the scale (repeats replace some rows).
    return frame.iloc[:n]


# ---------------------------------------------------------------------------------------------
# Writing, with a cache
# ---------------------------------------------------------------------------------------------
def _stamp(scale: Scale) -> str:
    source = Path(__file__).read_bytes() + (REPO / "scripts" / "make_demo.py").read_bytes()
    return json.dumps(
        {
            "version": GENERATOR_VERSION,
            "participations": scale.participations,
            "activities": scale.activities,
            "source": hashlib.sha256(source).hexdigest()[:16],
        }
    )


def ensure_scale(scale: Scale, *, force: bool = False) -> Scale:
    """Generate the scale's two CSV files unless an identical generation is already there."""
    stamp_file = scale.directory / "stamp.json"
    stamp = _stamp(scale)
    if (
        not force
        and stamp_file.is_file()
        and stamp_file.read_text() == stamp
        and scale.activities_path.is_file()
        and scale.participants_path.is_file()
    ):
        return scale
    scale.directory.mkdir(parents=True, exist_ok=True)
    seed = demo.SEED + scale.participations
    rng = np.random.default_rng(seed)
    activities = make_activities(scale, rng)
    ids = activities["aktivitets_id"].to_numpy(dtype=object)
    participants = make_participants(scale, ids[ids != ""], rng)
    for frame, path in (
        (activities, scale.activities_path),
        (participants, scale.participants_path),
    ):
        frame.to_csv(path, sep=";", index=False, encoding="utf-8", lineterminator="\n")
    stamp_file.write_text(stamp)
    return scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("participations", type=int)
    parser.add_argument("--activities", type=int, default=None)
    parser.add_argument("--force", action="store_true")
    args = parser.parse_args()
    scale = ensure_scale(scale_for(args.participations, args.activities), force=args.force)
    print(scale.directory)


if __name__ == "__main__":
    main()
