"""Indicators: clean tables -> one tidy indicator table. The one source of truth for definitions.

Every figure, table and export reads the table `compute_indicators` returns. It has the columns of
`INDICATOR_COLUMNS`, one row per (indicator, scope, dimension, category):

- **scope** `period`: activities whose start date lies in the period (start..end, both included).
  **scope** `cumulative`: activities whose start date lies from the project start to the period end.
- **dimension** `total` (category ``""``) or a breakdown: `work_package`, `activity_type`, `gender`,
  `organisation_type`, `municipality`, `role`, `partner`. Categories are the Swedish vocabulary
  values (``kvinna``, ``kommun`` …). A missing value is the category ``"uppgift saknas"``.
  Work package, gender, role and partner breakdowns list every category (0 when none occur);
  the other breakdowns list the categories that occur in scope.
- **target** is set on `total` rows only, from the project configuration (NaN when there is none).
- **approximate** is True when the value rests on an approximate count (``ca 250``).

Definitions
-----------
Only activities with status ``genomförd`` are *held*. Participations are the clean participant rows
of activities held in scope.

- ``activities_held``: held activities in scope. By work package, activity type, municipality.
- ``activities_planned``: activities dated in the *next* half-year (period end < start ≤ the next
  period's end) whose status is not ``inställd``. This deliberately refines design.md ("status
  planerad, dated after the period end") so that an old period can be rebuilt from today's
  register: an activity held since was still planned at that period's end. Scope ``period`` only
  (a cumulative count of "planned" is meaningless). By work package.
- ``participations``: participant rows of held activities in scope. By the activity's work package
  and type, and the participant's gender, organisation type, municipality and role.
- ``unique_participants``: distinct pseudonymous persons (``person_key``) among those rows.
  By work package (a person in AP1 and AP3 counts once in each, so these rows need not add up to
  the total), by gender and by organisation type. For the last two each person gets *one* value,
  so those rows add up to the total: the person's most frequent known value among the rows in
  scope (``ej angivet`` and a missing organisation type are not known values). No known value,
  or a tie between two, gives ``ej angivet`` (gender) or ``uppgift saknas`` (organisation type):
  conflicting answers are treated as unknown rather than settled arbitrarily.
- ``attendance_total``: for each held activity, the number of its participant rows if it has any,
  else its ``antal_deltagare`` (a missing count counts 0). Approximate when any contributing
  activity used an approximate count. By work package and activity type.
- ``organisations_engaged``: distinct organisations among the participations, compared
  case-insensitively (``casefold``); rows without an organisation are left out. By organisation
  type and municipality, each organisation getting its most frequent known value (as for persons).
- ``partners_visited``: of the configuration's visit partners (the seven municipalities), those
  with a held ``partnerbesök`` in scope that took place in the partner's municipality, or whose
  ``samverkansparter`` name the partner (its name, short name or an alias, case-insensitive, as a
  whole item). ``total`` is k; dimension ``partner`` has one row per visit partner (category its
  short name, value 1 or 0). The total's target is the configured one, else n.
- ``share_women``: women / (women + men) among the participations, 0..1. Rows with gender
  ``annat`` or ``ej angivet`` are left out of the denominator (the share compares women with men;
  an unknown gender is not a man); NaN when the denominator is 0. By work package.
- ``share_women_speakers``: the same among participations with role ``talare`` or ``moderator``.

Publishing
----------
`suppress_small_cells` hides small counts of people for the HTML report ("<5", and ".." for a
complementary cell). A share needs its denominator for that, which the table does not carry (its
columns are fixed): `share_denominators` computes them with the same code, and
`compute_published_indicators` does compute, denominators and suppression in one pass. The
evaluation package uses the unsuppressed table.
"""

from __future__ import annotations

import hashlib
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from hso_eval.config import INDICATOR_IDS, Project
from hso_eval.disclosure import Bound, complementary_suppression, protect
from hso_eval.history import EMPTY, History, Key, Page
from hso_eval.periods import Period
from hso_eval.present import format_percent
from hso_eval.vocab import GENDERS, ROLES

#: The tidy indicator table's columns and dtypes (see the module docstring).
INDICATOR_COLUMNS: dict[str, str] = {
    "indicator": "string",  # one of config.INDICATOR_IDS
    "scope": "string",  # period | cumulative
    "dimension": "string",  # total | work_package | activity_type | gender | … (DIMENSIONS)
    "category": "string",  # "" for total, else a Swedish vocabulary value, AP code or partner
    "value": "float64",
    "target": "float64",  # NaN when none, and on every row but the total
    "approximate": "bool",
}

#: `share_denominators`' columns: the denominator behind each share row.
DENOMINATOR_COLUMNS: dict[str, str] = {
    "indicator": "string",
    "scope": "string",
    "dimension": "string",
    "category": "string",
    "denominator": "float64",
}

SCOPES: tuple[str, ...] = ("period", "cumulative")
DIMENSIONS: tuple[str, ...] = (
    "total",
    "work_package",
    "activity_type",
    "gender",
    "organisation_type",
    "municipality",
    "role",
    "partner",
)

INDICATOR_LABELS: dict[str, str] = {
    "activities_held": "Genomförda aktiviteter",
    "activities_planned": "Planerade aktiviteter nästa halvår",
    "participations": "Deltagartillfällen",
    "unique_participants": "Unika deltagare",
    "attendance_total": "Antal deltagare totalt",
    "organisations_engaged": "Engagerade organisationer",
    "partners_visited": "Besökta projektparter",
    "share_women": "Andel kvinnor",
    "share_women_speakers": "Andel kvinnor bland talare och moderatorer",
}

DIMENSION_LABELS: dict[str, str] = {
    "total": "Totalt",
    "work_package": "Arbetspaket",
    "activity_type": "Aktivitetstyp",
    "gender": "Kön",
    "organisation_type": "Organisationstyp",
    "municipality": "Kommun",
    "role": "Roll",
    "partner": "Projektpart",
}

SCOPE_LABELS: dict[str, str] = {"period": "Perioden", "cumulative": "Sedan projektstart"}

#: Counts of people: the cells `suppress_small_cells` hides between 1 and min_cell - 1.
PEOPLE_INDICATORS: frozenset[str] = frozenset(
    {"participations", "unique_participants", "attendance_total"}
)
#: Shares (0..1): hidden when their denominator is below min_cell.
SHARE_INDICATORS: frozenset[str] = frozenset({"share_women", "share_women_speakers"})

#: The category of a missing value.
MISSING = "uppgift saknas"
#: What a hidden cell shows when "<5" would be untrue (complementary cells, shares); SCB's "..".
HIDDEN = ".."
#: What a cell without a value (a share with no denominator) shows.
NO_VALUE = "–"
#: Between thousands, before "%" and after "ca": a no-break space, so a number never breaks
#: across lines (as `present.format_number` and `present.format_percent` write them).
NBSP = "\u00a0"

# The vocabulary values these definitions rest on (the input contract's). Gender and role are
# closed lists: their breakdowns list every value, in the vocabulary's order.
_HELD = "genomförd"
_CANCELLED = "inställd"
_PARTNER_VISIT = "partnerbesök"
_WOMAN, _MAN, _GENDER_UNKNOWN = "kvinna", "man", "ej angivet"
_GENDERS: tuple[str, ...] = GENDERS.values
_ROLES: tuple[str, ...] = ROLES.values  # the first, deltagare, is the default
_SPEAKER_ROLES = ("talare", "moderator")

_ACTIVITY_NEEDS = (
    "activity_id",
    "start_date",
    "work_package",
    "activity_type",
    "municipality",
    "status",
    "attendance",
    "attendance_approximate",
    "parties",
)
_PARTICIPATION_NEEDS = (
    "activity_id",
    "person_key",
    "organisation",
    "organisation_type",
    "municipality",
    "gender",
    "role",
)


# ---------------------------------------------------------------------------------------------
# Public API
# ---------------------------------------------------------------------------------------------
def compute_indicators(
    activities: pd.DataFrame,
    participations: pd.DataFrame,
    project: Project,
    period: Period,
) -> pd.DataFrame:
    """The tidy indicator table for `period`: every indicator, period and cumulative, by dimension.

    Columns and dtypes are `INDICATOR_COLUMNS`. Rows are sorted by indicator (in the order of
    `config.INDICATOR_IDS`), scope (period, cumulative), dimension (`DIMENSIONS`), then category in
    its natural order: configuration order for work packages and partners, vocabulary order for
    gender and role, Swedish alphabetical order otherwise, ``uppgift saknas`` last. Empty inputs
    give zeros (and NaN shares), not errors. The inputs are not modified.
    """
    return _compute(activities, participations, project, period).loc[:, list(INDICATOR_COLUMNS)]


def share_denominators(
    activities: pd.DataFrame,
    participations: pd.DataFrame,
    project: Project,
    period: Period,
) -> pd.DataFrame:
    """The denominator (women + men) behind every share row of `compute_indicators`.

    Columns are `DENOMINATOR_COLUMNS`; the keys match the share rows of the indicator table.
    `suppress_small_cells` uses them to hide shares that rest on fewer than min_cell people.
    """
    register = _Register.build(activities, participations)
    rows: list[_Rows] = []
    for scope, start in _scope_starts(project, period).items():
        facts = _Facts.select(register, start, period.end)
        rows += [r for share in _shares(facts, scope, project).values() for r in share]
    table = _assemble(rows)
    return table.loc[:, list(DENOMINATOR_COLUMNS)].astype(DENOMINATOR_COLUMNS)


def suppress_small_cells(
    table: pd.DataFrame,
    min_cell: int = 5,
    *,
    denominators: pd.DataFrame | None = None,
    hidden: np.ndarray | None = None,
    known: np.ndarray | None = None,
) -> pd.DataFrame:
    """A copy of the indicator table for publishing, with the columns `suppressed` and `display`.

    - A count of people (`PEOPLE_INDICATORS`) from 1 to ``min_cell - 1`` shows as ``"<5"``.
    - Complementary suppression (`complementary_suppression`): in each (indicator, scope,
      dimension) breakdown where one cell is hidden, or hidden cells add up to less than
      min_cell, the smallest other non-zero cell is hidden too (shown as ``".."``), until none
      is; so the published total cannot give a hidden cell away. Total rows are never hidden
      this way.
    - `hidden`: counts of people to hide as well (one bool per row), because a table published
      beside this one needs them hidden (`compute_published_indicators`); `known`: counts a
      reader has already (an earlier version of the page printed them), never hidden to
      complement another.
    - A share whose denominator (from `share_denominators`) is below `min_cell` shows as ``".."``.
      Without `denominators`, every share is hidden: a share whose base is unknown is not
      published.
    - Zero stays ``"0"``; activities, organisations and partners are not people and are not hidden.

    `display` is Swedish: ``"1 234"``, ``"48,0 %"``, ``"48,5 %"``, ``"ca 250"`` for approximate
    values, ``"–"`` where there is no value. `value` keeps the true number for internal use.
    """
    out = table.reset_index(drop=True).copy()
    value = out["value"].to_numpy(dtype=float)
    indicator = out["indicator"].astype(str)
    people = indicator.isin(PEOPLE_INDICATORS).to_numpy()
    small = people & (value >= 1) & (value < min_cell)
    forced = people & (np.zeros(len(out), dtype=bool) if hidden is None else np.asarray(hidden))

    breakdown = people & (out["dimension"] != "total").to_numpy(dtype=bool, na_value=True)
    keys = ["indicator", "scope", "dimension"]
    groups = out.loc[breakdown].groupby(keys, sort=False).indices.values()
    positions = np.flatnonzero(breakdown)
    relations = [(positions[at], None) for at in groups]
    complementary = complementary_suppression(
        value, small | forced, relations, min_cell, None if known is None else np.asarray(known)
    )
    complementary &= ~small

    share = indicator.isin(SHARE_INDICATORS).to_numpy()
    if denominators is None:
        base = np.full(len(out), np.nan)
    else:
        on = ["indicator", "scope", "dimension", "category"]
        known = denominators[[*on, "denominator"]].drop_duplicates(on)
        base = out[on].merge(known, on=on, how="left")
        base = base["denominator"].to_numpy(dtype=float)
    hidden_share = share & ~np.isnan(value) & ~(base >= min_cell)

    approximate = out["approximate"].to_numpy(dtype=bool) & (value > 0)
    display = np.where(share, _format_shares(value), _format_counts(value))
    display = np.where(approximate, f"ca{NBSP}" + display, display)
    display = np.where(small, f"<{min_cell}", display)
    display = np.where(complementary | hidden_share, HIDDEN, display)

    out["suppressed"] = small | complementary | hidden_share
    out["display"] = pd.Series(display, index=out.index, dtype="string")
    return out


def _display_counts(
    value: np.ndarray, hidden: np.ndarray, min_cell: int, approximate: np.ndarray | None = None
) -> np.ndarray:
    """Swedish counts as published: "<5" for a small hidden one, ".." for another hidden one."""
    display = _format_counts(value)
    if approximate is not None:
        display = np.where(approximate & (value > 0), f"ca{NBSP}" + display, display)
    small = (value >= 1) & (value < min_cell)
    display = np.where(small, f"<{min_cell}", display)
    return np.where(hidden & ~small, HIDDEN, display)


def nested_suppression(
    values: np.ndarray, groupings: Sequence[Sequence[Hashable]], min_cell: int = 5
) -> tuple[np.ndarray, list[dict[Hashable, bool]]]:
    """Which cells of one breakdown of people, and which of its group totals, to hide.

    Each grouping gives every cell a group (e.g. an activity's work package, its activity type),
    and each group's total is published too, as is the grand total. Small cells and small group
    totals are hidden, then `complementary_suppression` over "the cells of each group add up to
    its total" and "the group totals add up to the grand total". NaN cells count as 0.
    Returns (hidden per cell, per grouping {group: its total is hidden}).
    """
    values = np.asarray(values, dtype=float)
    entries = [np.nan_to_num(values)]
    relations: list[tuple[np.ndarray, int | None]] = []
    totals: list[tuple[list[Hashable], np.ndarray]] = []
    size = len(values)
    for grouping in groupings:
        labels = np.asarray(grouping, dtype=object)
        names = list(pd.unique(labels))
        at = np.arange(size, size + len(names))
        sums = np.array([entries[0][labels == name].sum() for name in names], dtype=float)
        relations += [
            (np.flatnonzero(labels == name), int(i)) for name, i in zip(names, at, strict=True)
        ]
        relations.append((at, None))  # the grand total is published
        entries.append(sums)
        totals.append((names, at))
        size += len(names)
    value = np.concatenate(entries)
    hidden = complementary_suppression(
        value, (value >= 1) & (value < min_cell), relations, min_cell
    )
    groups = [
        {name: bool(hidden[i]) for name, i in zip(names, at, strict=True)} for names, at in totals
    ]
    return hidden[: len(values)], groups


def suppress_nested_cells(
    table: pd.DataFrame, groupings: Sequence[Sequence[Hashable]], min_cell: int = 5
) -> pd.DataFrame:
    """`suppress_small_cells` for one breakdown of people whose totals are also published per
    group, for each of `groupings` (e.g. attendance per activity, with totals per work package
    and per activity type, and in all): see `nested_suppression`.

    A count from 1 to ``min_cell - 1`` shows as ``"<5"``, a complementary cell as ``".."``.
    Returns a copy with `suppressed` and `display`.
    """
    out = table.reset_index(drop=True).copy()
    value = out["value"].to_numpy(dtype=float)
    hidden, _ = nested_suppression(value, groupings, min_cell)
    approximate = out["approximate"].to_numpy(dtype=bool)
    out["suppressed"] = hidden
    out["display"] = pd.Series(
        _display_counts(value, hidden, min_cell, approximate), index=out.index, dtype="string"
    )
    return out


def crosstab_suppression(
    counts: np.ndarray, min_cell: int = 5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which cells of a two-way table of people, and which row and column totals, to hide.

    Both margins and the grand total are published too. Small cells and small totals are
    hidden, then `complementary_suppression` over the rows, the columns and both margins.
    Returns (hidden cells, same shape as `counts`; hidden row totals; hidden column totals).
    """
    counts = np.asarray(counts, dtype=float)
    n_rows, n_cols = counts.shape
    cells = np.arange(n_rows * n_cols).reshape(n_rows, n_cols)
    row_at = n_rows * n_cols + np.arange(n_rows)
    col_at = n_rows * n_cols + n_rows + np.arange(n_cols)
    value = np.concatenate([counts.ravel(), counts.sum(axis=1), counts.sum(axis=0)])
    relations: list[tuple[np.ndarray, int | None]] = [
        *((cells[r], int(row_at[r])) for r in range(n_rows)),
        *((cells[:, c], int(col_at[c])) for c in range(n_cols)),
        (row_at, None),
        (col_at, None),
    ]
    hidden = complementary_suppression(
        value, (value >= 1) & (value < min_cell), relations, min_cell
    )
    return hidden[: n_rows * n_cols].reshape(n_rows, n_cols), hidden[row_at], hidden[col_at]


@dataclass(frozen=True)
class PublishedCrosstab:
    """Participations in the period's held activities, work package (rows) × gender (columns),
    as the report may publish them: `counts`, and which cells and totals are hidden."""

    counts: pd.DataFrame
    hidden: pd.DataFrame
    row_hidden: pd.Series
    column_hidden: pd.Series
    min_cell: int
    total_hidden: bool = False  # the grand total (the table's participations in the period)

    def display(self) -> pd.DataFrame:
        """The cells as published ("<5", "..", or the number)."""
        shown = _display_counts(
            self.counts.to_numpy(dtype=float).ravel(), self.hidden.to_numpy().ravel(), self.min_cell
        )
        return pd.DataFrame(
            shown.reshape(self.counts.shape), index=self.counts.index, columns=self.counts.columns
        )

    def total_display(self, axis: int) -> pd.Series:
        """The published totals per row (axis 1) or per column (axis 0)."""
        totals = self.counts.sum(axis=axis)
        hidden = self.row_hidden if axis == 1 else self.column_hidden
        shown = _display_counts(totals.to_numpy(dtype=float), hidden.to_numpy(), self.min_cell)
        return pd.Series(shown, index=totals.index)


def _gender_counts(
    activities: pd.DataFrame,
    participations: pd.DataFrame,
    project: Project | None,
    period: Period,
) -> pd.DataFrame:
    """Participations in the period's held activities, work package (rows, those with any, in
    the configuration's order) × gender (columns, in vocabulary order)."""
    facts = _Facts.select(_Register.build(activities, participations), period.start, period.end)
    wp, gender = facts.part["work_package"], facts.part["gender"]
    width = len(gender.labels)
    counts = np.bincount(wp.codes * width + gender.codes, minlength=len(wp.labels) * width)
    table = pd.DataFrame(
        counts.reshape(len(wp.labels), width).astype(float),
        index=pd.Index(wp.labels, dtype=object),
        columns=pd.Index(gender.labels, dtype=object),
    )
    known = _work_packages(project) if project is not None else []
    rows = [r for r in _category_order(table.index, known) if r in table.index]
    table = table.reindex(index=rows, columns=list(_GENDERS), fill_value=0.0)
    return table.loc[table.sum(axis=1) > 0]


def gender_by_work_package(
    activities: pd.DataFrame,
    participations: pd.DataFrame,
    project: Project | None,
    period: Period,
    *,
    min_cell: int | None = None,
    history: History = EMPTY,
) -> PublishedCrosstab:
    """Participations in the period's held activities by work package and gender, suppressed.

    The report draws them (`figures.participations_by_gender`) and publishes both margins too
    (participations per gender and per work package in the indicator table, and the grand
    total). With a project, the cells are hidden as the whole page hides them (`publish`);
    without one, by `crosstab_suppression` alone. `min_cell`: the project's unless given (5
    without a project). `history`: what the reports have printed (`publish`).
    """
    if project is not None:
        page = publish(
            activities, participations, project, period, min_cell=min_cell, history=history
        )
        return page.crosstab
    min_cell = 5 if min_cell is None else min_cell
    table = _gender_counts(activities, participations, project, period)
    hidden, row_hidden, column_hidden = crosstab_suppression(table.to_numpy(), min_cell)
    return PublishedCrosstab(
        counts=table,
        hidden=pd.DataFrame(hidden, index=table.index, columns=table.columns),
        row_hidden=pd.Series(row_hidden, index=table.index),
        column_hidden=pd.Series(column_hidden, index=table.columns),
        min_cell=min_cell,
    )


@dataclass(frozen=True)
class PublishedAttendance:
    """The attendance of each activity held in the period, as the report publishes it."""

    display: pd.Series  # by activity id


def published_attendance(
    activities: pd.DataFrame,
    participations: pd.DataFrame,
    project: Project,
    period: Period,
    history: History = EMPTY,
) -> PublishedAttendance:
    """Per activity held in the period: its attendance as published (`publish`)."""
    return publish(activities, participations, project, period, history=history).attendance


def compute_published_indicators(
    activities: pd.DataFrame,
    participations: pd.DataFrame,
    project: Project,
    period: Period,
    history: History = EMPTY,
) -> pd.DataFrame:
    """The indicator table as the HTML report publishes it: suppressed at the project's min_cell
    together with everything else on the page (`publish`)."""
    return publish(activities, participations, project, period, history=history).indicators


@dataclass(frozen=True)
class Published:
    """Every count of people the half-year report prints, suppressed together."""

    indicators: pd.DataFrame  # the indicator table with `suppressed` and `display`
    crosstab: PublishedCrosstab  # participations per work package × gender (the chart)
    attendance: PublishedAttendance  # per activity held in the period (the activity tables)
    printed: Page  # every count of people on the page, as printed (None: hidden), for `history`


#: Indicators whose cumulative value is the previous report's cumulative value plus this
#: period's, per category: a hidden period count must not be the difference of two shown ones.
_ADDITIVE = ("participations", "attendance_total")


def publish(
    activities: pd.DataFrame,
    participations: pd.DataFrame,
    project: Project,
    period: Period,
    *,
    min_cell: int | None = None,
    history: History = EMPTY,
) -> Published:
    """What the half-year report may print of every count of people, decided in one go.

    One `disclosure.protect` over every number and every relation between them that a reader
    could subtract, so that no hidden small count can be worked out from them, as linear
    equations or in whole numbers with what "<5" and ".." say:
    - each breakdown of the indicator table adds up to its total;
    - the work package × gender cells add up to the participations per work package and per
      gender (the chart and the table);
    - the attendance per activity adds up to the attendance per work package and per activity
      type; where an activity has a participant list, its attendance is its participations, so
      those add up to the participations per work package and in all;
    - for participations and attendance, the cumulative value is the previous report's
      cumulative value plus this period's: a known number where that report showed it, an
      unknown this page must not give away where it hid it. The earlier reports are decided
      the same way, from the project's first period on, with the same data; where `history`
      records what one of them (or an earlier version of this page) printed, the reader is
      taken to know exactly the numbers it printed that today's data still gives, and no
      other (see `hso_eval.history`).
    Shares are hidden when their base is under `min_cell`, when the women or the men they
    count are 1 to min_cell - 1, or when those counts are hidden on the page.
    """
    min_cell = project.min_cell if min_cell is None else min_cell
    key = (_fingerprint(activities), _fingerprint(participations), repr(project), period, min_cell)
    key += (history.digest,)
    if key not in _PUBLISHED:
        if len(_PUBLISHED) >= 8:
            _PUBLISHED.pop(next(iter(_PUBLISHED)))
        _PUBLISHED[key] = _publish_from_start(
            activities, participations, project, period, min_cell, history
        )
    page = _PUBLISHED[key]
    return replace(page, indicators=page.indicators.copy())  # the caller's own table


#: The last pages decided (`publish`), by the content of their inputs: the report asks for the
#: indicator table, the chart and the activity tables of one page separately.
_PUBLISHED: dict[tuple[object, ...], Published] = {}


def _fingerprint(frame: pd.DataFrame) -> tuple[object, ...]:
    """The content of `frame` (a hash of every value), so a changed frame is a new page."""
    hashed = pd.util.hash_pandas_object(frame, index=True).to_numpy()
    return (frame.shape, tuple(frame.columns), hashlib.sha256(hashed.tobytes()).hexdigest())


def _publish_from_start(
    activities: pd.DataFrame,
    participations: pd.DataFrame,
    project: Project,
    period: Period,
    min_cell: int,
    history: History,
) -> Published:
    """`publish`: each report from the project's first period to `period`, in turn, each
    decided with everything the reports before it printed (a reader has them all).

    A period run again after later reports went out (`history` has a later period's record) is
    read with them too: the chain goes on through the later recorded pages, fixed as printed,
    with only this page's numbers left to hide; whatever they must hide of this page is hidden
    from the start, and the page decided again, until nothing more is."""
    first = Period.containing(project.start)
    last = max([period, *(Period.parse(code) for code in history.pages)])
    forced: frozenset[Key] = frozenset()
    while True:
        before: _Printed | None = None
        current = first if first <= period else period
        while True:
            role = _Role(history.of(current.code), current == period, forced)
            page, before = _publish_page(
                activities, participations, project, current, min_cell, before, role
            )
            if current == period:
                break
            current = current.next()
        if last == period:
            return page
        assert before is not None
        asked = before
        while current < last:
            current = current.next()
            role = _Role(history.of(current.code), False, frozenset())
            _, before = _publish_page(
                activities, participations, project, current, min_cell, before, role
            )
        span = slice(len(asked.value) - len(asked.page_keys), len(asked.value))
        pairs = zip(asked.page_keys, asked.hidden[span], before.hidden[span], strict=True)
        more = {k for k, was, now in pairs if k is not None and now and not was}
        if not more:
            return page
        forced |= more


class _Role(NamedTuple):
    """How a page takes part in `_publish_from_start`: the versions of it printed before
    (`history`), whether it is the page asked for, and what of it a later page needs hidden."""

    printed_before: tuple[Page, ...]
    asked_for: bool
    forced: frozenset[Key]


@dataclass(frozen=True)
class _Printed:
    """What the reports so far printed of people, as `disclosure` sees it: every number, which
    were hidden, the relations and bounds between them, and where the last report's cumulative
    values of participations, attendance and unique participants (in all and per work package)
    are ((indicator, dimension, category) -> position)."""

    value: np.ndarray
    hidden: np.ndarray
    relations: list[tuple[np.ndarray, int | None]]
    bounds: list[Bound]
    cumulative: dict[tuple[str, str, str], int]
    # Which numbers a later step may still hide: the page asked for, but what it must show.
    choosable: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    # The last page's numbers: where each stands (`history.Key`), None for an unprinted sum.
    page_keys: tuple[Key | None, ...] = ()


def _publish_page(
    activities: pd.DataFrame,
    participations: pd.DataFrame,
    project: Project,
    period: Period,
    min_cell: int,
    before: _Printed | None,
    role: _Role | None = None,
) -> tuple[Published, _Printed]:
    """`publish` for one page, given everything the reports `before` it printed (None for the
    first report). Their numbers are fixed (those reports are out), and their hidden small
    counts must stay hidden: this page is decided together with them. Returns the page and
    what the reports printed up to and including it.

    `role` (`_Role`): the versions of this page printed before (`history`), and whether this is
    the page asked for. A number one of them printed with today's value is known: shown and
    never hidden. Any other page with a record is what a reader knows of it and nothing more:
    its numbers are fixed as printed, the others hidden, whatever today's data would decide.
    The page asked for hides its `forced` numbers from the start (a later page needs them
    hidden), and stays choosable for the pages after it."""
    printed_before, asked_for, forced = role or _Role((), True, frozenset())
    table = _compute(activities, participations, project, period)
    denominators = table.loc[table["indicator"].isin(SHARE_INDICATORS), list(DENOMINATOR_COLUMNS)]
    published = table.loc[:, list(INDICATOR_COLUMNS)].reset_index(drop=True)
    indicator = published["indicator"].astype(str).to_numpy()
    scope = published["scope"].astype(str).to_numpy()
    dimension = published["dimension"].astype(str).to_numpy()
    category = published["category"].astype("string").fillna("").to_numpy(dtype=object)
    people = np.isin(indicator, list(PEOPLE_INDICATORS))
    values = [np.where(people, np.nan_to_num(published["value"].to_numpy(dtype=float)), 0.0)]
    at = {k: i for i, k in enumerate(zip(indicator, scope, dimension, category, strict=True))}
    size = len(published)
    relations: list[tuple[np.ndarray, int | None]] = []

    def add(new: np.ndarray) -> np.ndarray:
        nonlocal size
        values.append(np.asarray(new, dtype=float))
        positions = np.arange(size, size + len(new))
        size += len(new)
        return positions

    def total_of(key: tuple[str, str, str, str], cells: np.ndarray) -> int:
        """The table row of `key`, or a new number (the cells' sum) where the table has none."""
        found = at.get(key)
        if found is not None:
            return found
        return int(add(np.array([np.concatenate(values)[cells].sum()]))[0])

    # The indicator table's breakdowns, each adding up to its total row. A total is hidden
    # only where nothing else is left to hide (it is the largest number of its relations), and
    # then it is an unknown in every relation it is in.
    # Unique participants per work package do not add up (a person in two counts in both).
    breakdown = people & (dimension != "total")
    breakdown &= ~((indicator == "unique_participants") & (dimension == "work_package"))
    keys = pd.DataFrame({"i": indicator, "s": scope, "d": dimension})[breakdown]
    for (name, scope_, _), rows in keys.groupby(["i", "s", "d"], sort=False).indices.items():
        relations.append((np.flatnonzero(breakdown)[rows], at.get((name, scope_, "total", ""))))
    # Cumulative = the previous report's cumulative + this period's, per category (a category
    # the previous report did not list was 0 there). The first report's cumulative values are
    # its period values. Linked below, once this page's numbers follow the earlier reports'.
    # A category with no period row had none in the period.
    links: list[tuple[int | None, int, tuple[str, str, str]]] = []  # (period, cumulative, key)
    for later, key in enumerate(zip(indicator, scope, dimension, category, strict=True)):
        if key[0] in _ADDITIVE and key[1] == "cumulative":
            links.append((at.get((key[0], "period", key[2], key[3])), later, (key[0], *key[2:])))
    # A first report that begins before the project does has more in its period than since
    # the start: there the cumulative counts are at most the period's, not equal to them.
    bounds: list[Bound] = []
    from_start = before is not None or period.start >= project.start
    if not from_start:
        bounds += [(np.array([later]), np.array([i])) for i, later, _ in links if i is not None]
    unions = _unique_bounds(at, bounds, relations, project, period, before is None)

    # Work package × gender (the chart).
    counts = _gender_counts(activities, participations, project, period)
    cells = add(counts.to_numpy().ravel()).reshape(counts.shape)
    for r, wp in enumerate(counts.index):
        relations.append(
            (cells[r], total_of(("participations", "period", "work_package", wp), cells[r]))
        )
    for c, gender in enumerate(counts.columns):
        relations.append(
            (cells[:, c], total_of(("participations", "period", "gender", gender), cells[:, c]))
        )

    # Attendance per activity (the activity tables).
    chosen = _held_activities(activities, period)
    per = attendance_per_activity(chosen, participations)
    no_count = per["attendance"].isna().to_numpy()  # shown as "–": known to be none
    attendance = add(np.nan_to_num(per["attendance"].to_numpy(dtype=float)))
    # Distinct ids first: `isin` over a million Arrow strings goes through Python objects.
    with_lists = pd.Index(participations["activity_id"].dropna().unique()).astype(str)
    listed = pd.Index(chosen["activity_id"].astype(str)).isin(with_lists)
    packages = _Coded.encode(chosen["work_package"], MISSING)
    package_of = packages.labels[packages.codes].to_numpy(dtype=object)
    for name in ("work_package", "activity_type"):
        coded = _Coded.encode(chosen[name], MISSING)
        labels = coded.labels[coded.codes].to_numpy(dtype=object)
        for label in pd.unique(labels):
            group = attendance[labels == label]
            relations.append((group, total_of(("attendance_total", "period", name, label), group)))
    for wp in pd.unique(package_of[listed]):
        group = attendance[listed & (package_of == wp)]
        relations.append((group, total_of(("participations", "period", "work_package", wp), group)))
    if listed.any():
        relations.append((attendance[listed], at.get(("participations", "period", "total", ""))))

    page_value = np.concatenate(values)
    # Where each printed number stands: the indicator table's counts of people, the chart's
    # cells, each activity's attendance (the other numbers are sums the page does not print).
    keys: list[Key | None] = [None] * len(page_value)
    for (name, scope_, dimension_, category_), i in at.items():
        if people[i]:
            keys[i] = ("indikator", name, scope_, dimension_, str(category_))
    for r, wp in enumerate(counts.index):
        for c, gender in enumerate(counts.columns):
            keys[int(cells[r, c])] = ("kön per arbetspaket", str(wp), str(gender))
    ids = chosen["activity_id"].astype("string").to_numpy()
    for position, activity in zip(attendance, ids, strict=True):
        keys[int(position)] = ("närvaro", str(activity))
    known = _known(keys, page_value, printed_before)
    keyed = np.array([k is not None for k in keys], dtype=bool)
    page_small = (page_value >= 1) & (page_value < min_cell) & ~known
    page_fixed = known.copy()
    page_fixed[attendance[no_count]] = True
    as_printed = bool(printed_before) and not asked_for  # as it went out, nothing more
    if as_printed:
        page_small = (page_small & ~keyed) | (keyed & ~known)
        page_fixed |= keyed
    printed = _after(before, page_value, page_small, relations, bounds, (links, from_start), unions)
    offset = len(printed.value) - len(page_value)
    # A shown unique count would tell of a hidden participation count of its category: a
    # lower bound (modelled only in all and per work package, `_unique_bounds`: per gender or
    # organisation type a person counts under one value), and a 0 says it is 0 (no bound says
    # that). So it is hidden with it, and the page decided again, until nothing more is hidden.
    pairs = [
        (offset + at[("participations", *key[1:])], offset + j)
        for key, j in at.items()
        if key[0] == "unique_participants" and ("participations", *key[1:]) in at
    ]
    start = printed.hidden.copy()
    start[offset:][[k in forced for k in keys]] = True
    earlier = np.zeros(offset, bool) if before is None else before.choosable
    fixed = np.concatenate([~earlier, page_fixed])
    while True:
        hidden = protect(
            printed.value,
            printed.hidden & (printed.value >= 1) & (printed.value < min_cell),
            printed.relations,
            min_cell,
            fixed,
            hidden=start,
            bounds=printed.bounds,
        )
        # (A unique count an earlier version printed is known: hiding it would hide nothing.)
        bounding = [u for p, u in pairs if hidden[p] and not hidden[u] and not fixed[u]]
        if not bounding:
            break
        start = hidden.copy()
        start[bounding] = True
    chosen_now = ~page_fixed if asked_for else np.zeros(len(page_value), dtype=bool)
    printed = replace(
        printed,
        hidden=hidden,
        choosable=np.concatenate([earlier, chosen_now]),
        page_keys=tuple(keys),
    )
    hidden = hidden[len(printed.value) - len(page_value) :]  # this page's numbers

    indicators = suppress_small_cells(
        published,
        min_cell,
        denominators=denominators,
        hidden=hidden[: len(published)],
        known=known[: len(published)],
    )
    indicators = _hide_revealing_shares(
        indicators, denominators, counts, hidden[cells.ravel()].reshape(counts.shape), min_cell
    )
    crosstab_hidden = (
        hidden[cells.ravel()].reshape(counts.shape)
        if counts.size
        else np.zeros(counts.shape, dtype=bool)
    )
    margin = {
        (d, c): bool(indicators["suppressed"].iloc[i])
        for (ind_, s_, d, c), i in at.items()
        if ind_ == "participations" and s_ == "period" and d in ("work_package", "gender")
    }
    # The chart draws no bar for a work package whose total is hidden: its cells are not printed.
    undrawn = np.zeros(len(page_value), dtype=bool)
    for r, wp in enumerate(counts.index):
        undrawn[cells[r]] = margin.get(("work_package", wp), False)
    crosstab = PublishedCrosstab(
        counts=counts,
        hidden=pd.DataFrame(crosstab_hidden, index=counts.index, columns=counts.columns),
        row_hidden=pd.Series(
            [margin.get(("work_package", wp), False) for wp in counts.index], index=counts.index
        ),
        column_hidden=pd.Series(
            [margin.get(("gender", g), False) for g in counts.columns], index=counts.columns
        ),
        min_cell=min_cell,
        total_hidden=bool(
            hidden[at[("participations", "period", "total", "")]]
            if ("participations", "period", "total", "") in at
            else False
        ),
    )
    shown = _display_counts(
        per["attendance"].to_numpy(dtype=float),
        hidden[attendance],
        min_cell,
        per["approximate"].to_numpy(dtype=bool),
    )
    page = Published(
        indicators=indicators,
        crosstab=crosstab,
        attendance=PublishedAttendance(display=pd.Series(shown, index=ids, dtype="string")),
        printed=_as_printed(keys, page_value, hidden | undrawn, indicators["suppressed"]),
    )
    return page, printed


def _as_printed(
    keys: list[Key | None], value: np.ndarray, hidden: np.ndarray, suppressed: pd.Series
) -> Page:
    """Each keyed number of a page as printed (None where hidden): the indicator table's as
    its `suppressed` column says (its first rows are the table's, in order), the rest as
    `hidden` says."""
    hidden = hidden.copy()
    hidden[: len(suppressed)] = suppressed.to_numpy(dtype=bool)
    return {k: None if hidden[i] else int(value[i]) for i, k in enumerate(keys) if k is not None}


def _known(keys: list[Key | None], value: np.ndarray, printed: tuple[Page, ...]) -> np.ndarray:
    """True for each number of a page that one of its `printed` versions showed with the same
    value (the reader knows it); a hidden or stale one, or one it did not have, is not known."""
    known = np.zeros(len(value), dtype=bool)
    for i, k in enumerate(keys):
        if k is not None:
            known[i] = any(page.get(k) == value[i] for page in printed)
    return known


def _unique_bounds(
    at: dict[tuple[str, str, str, str], int],
    bounds: list[Bound],
    relations: list[tuple[np.ndarray, int | None]],
    project: Project,
    period: Period,
    first: bool,
) -> list[tuple[int | None, int, tuple[str, str, str]]]:
    """What a reader knows of the unique participants on a page without adding anything up,
    appended to `bounds` (and `relations`); returns, like the links of `_publish_page`, the
    (period, cumulative, key) positions of the counts that are sets of people: in all and per
    work package. Per gender or organisation type a person counts once, under the value most of
    their rows give, which can differ between the scopes: those only add up to the total.

    - A set of people is at most the participations they made, and a work package's people at
      most all people; together the packages hold everyone (a person can be in several).
    - The period's people are among those since the start (its first report: the two are the
      same people, in every category, when the period begins on the project's first day, and
      those since the start are among the period's when it begins before).
    - Since the start, the people are those of the last report's since the start and this
      period's together (`_after`).
    """
    name = "unique_participants"
    unique = {key: j for key, j in at.items() if key[0] == name}
    sets = {key: j for key, j in unique.items() if key[2] in ("total", "work_package")}
    for (_, scope, dimension, category), j in sets.items():
        made = at.get(("participations", scope, dimension, category))
        if made is not None:
            bounds.append((np.array([j]), np.array([made])))
        everyone = at.get((name, scope, "total", ""))
        if dimension == "work_package" and everyone is not None:
            bounds.append((np.array([j]), np.array([everyone])))
    for scope in ("period", "cumulative"):
        everyone = at.get((name, scope, "total", ""))
        packages = [j for key, j in sets.items() if key[1] == scope and key[2] == "work_package"]
        if everyone is not None and packages:
            bounds.append((np.array([everyone]), np.array(packages)))
    pairs = [
        (at.get((name, "period", *key[2:])), j, key)
        for key, j in unique.items()
        if key[1] == "cumulative"
    ]
    if first and period.start == project.start:
        relations += [(np.array([i]), later) for i, later, _ in pairs if i is not None]
    for i, later, key in pairs:
        if i is None or key not in sets:
            continue
        if first and period.start < project.start:
            bounds.append((np.array([later]), np.array([i])))
        else:
            bounds.append((np.array([i]), np.array([later])))
    return [(i, later, (name, *key[2:])) for i, later, key in pairs if key in sets]


def _after(
    before: _Printed | None,
    value: np.ndarray,
    small: np.ndarray,
    relations: list[tuple[np.ndarray, int | None]],
    bounds: list[Bound],
    links: tuple[list[tuple[int | None, int, tuple[str, str, str]]], bool],
    unions: list[tuple[int | None, int, tuple[str, str, str]]],
) -> _Printed:
    """The earlier reports' numbers followed by this page's (`value`, positions shifted),
    their relations and bounds and this page's, the links cumulative = previous cumulative +
    period (where they hold: not in a first report whose period begins before the project),
    and for the `unions` (sets of people): previous cumulative <= cumulative <= previous
    cumulative + period. Hidden to begin with: what the earlier reports hid, and this page's
    `small` counts."""
    links, hold = links
    base = 0 if before is None else len(before.value)
    joined = [] if before is None else list(before.relations)
    joined += [
        (cells + base, None if total is None else total + base) for cells, total in relations
    ]
    limits = [] if before is None else list(before.bounds)
    limits += [(smaller + base, larger + base) for smaller, larger in bounds]
    previous = {} if before is None else before.cumulative
    for i, later, key in links if hold else ():
        cells = [i + base] if i is not None else []
        if key in previous:
            cells.append(previous[key])
        if cells:
            joined.append((np.array(cells, dtype=np.int64), later + base))
    for i, later, key in unions if before is not None else ():
        # A category the last report did not list had nobody in it then.
        earlier = [previous[key]] if key in previous else []
        period_ = [i + base] if i is not None else []
        if earlier:
            limits.append((np.array(earlier), np.array([later + base])))
        limits.append((np.array([later + base]), np.array(earlier + period_, dtype=np.int64)))
    return _Printed(
        value=value if before is None else np.concatenate([before.value, value]),
        hidden=small if before is None else np.concatenate([before.hidden, small]),
        relations=joined,
        bounds=limits,
        cumulative={key: later + base for _, later, key in links + unions},
    )


def _held_activities(activities: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The activities held in `period` (status genomförd, start inside it), one per id."""
    status = activities["status"].astype("string").str.strip().str.casefold()
    start = pd.to_datetime(activities["start_date"]).to_numpy(dtype="datetime64[s]")
    held = (status == _HELD).fillna(False).to_numpy(dtype=bool)
    held &= _between(start, period.start, period.end)
    return activities.loc[held].drop_duplicates("activity_id")


def _hide_revealing_shares(
    table: pd.DataFrame,
    denominators: pd.DataFrame,
    counts: pd.DataFrame,
    crosstab_hidden: np.ndarray,
    min_cell: int,
) -> pd.DataFrame:
    """`table` with every share hidden ("..") that would give a hidden or small count away.

    A share times its base is the women it counts, and the base minus them the men: so a
    share is hidden when either is 1 to min_cell - 1, or when the page hides the count of
    women or men it rests on (the gender breakdown for a total, the chart's cell for a work
    package in the period).
    """
    out = table.copy()
    on = ["indicator", "scope", "dimension", "category"]
    base = out[on].merge(denominators.drop_duplicates(on), on=on, how="left")["denominator"]
    base = base.to_numpy(dtype=float)
    share = out["indicator"].isin(SHARE_INDICATORS).to_numpy() & out["value"].notna().to_numpy()
    women = np.rint(out["value"].to_numpy(dtype=float) * base)
    men = base - women
    reveal = share & (((women >= 1) & (women < min_cell)) | ((men >= 1) & (men < min_cell)))
    gender_rows = out[
        (out["indicator"] == "participations") & (out["dimension"] == "gender")
    ].set_index(["scope", "category"])["suppressed"]
    hidden_cells = pd.DataFrame(crosstab_hidden, index=counts.index, columns=counts.columns)
    for i in np.flatnonzero(share & (out["indicator"] == "share_women").to_numpy()):
        row = out.iloc[i]
        if row["dimension"] == "total":
            rests_on = [gender_rows.get((row["scope"], g), False) for g in (_WOMAN, _MAN)]
        elif row["dimension"] == "work_package" and row["scope"] == "period":
            wp = row["category"]
            rests_on = (
                [bool(hidden_cells.at[wp, g]) for g in (_WOMAN, _MAN)]
                if wp in hidden_cells.index
                else []
            )
        else:
            rests_on = []
        reveal[i] |= any(rests_on)
    # A cumulative share whose period share is hidden is hidden too: in the first report they
    # are one number, and later the cumulative one still rests on the period's hidden counts.
    which = list(
        zip(
            out["indicator"].astype(str),
            out["dimension"].astype(str),
            out["category"].astype("string").fillna(""),
            strict=True,
        )
    )
    scope = out["scope"].to_numpy()
    hidden_period = {which[i] for i in np.flatnonzero(reveal & (scope == "period"))}
    for i in np.flatnonzero(share & (scope == "cumulative")):
        reveal[i] |= which[i] in hidden_period
    out.loc[reveal, "display"] = HIDDEN
    out.loc[reveal, "suppressed"] = True
    return out


def planned_activities(activities: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The activities that count as `activities_planned` for `period`, sorted by date.

    Same definition as the indicator: start in the next half-year, status not ``inställd``.
    """
    start = activities["start_date"].to_numpy(dtype="datetime64[s]")
    status = activities["status"].astype("string").str.strip().str.casefold()
    cancelled = (status == _CANCELLED).fillna(False).to_numpy(dtype=bool)
    mask = _planned(start, cancelled, period)
    return activities.loc[mask].sort_values(["start_date", "activity_id"], kind="stable")


def attendance_per_activity(activities: pd.DataFrame, participations: pd.DataFrame) -> pd.DataFrame:
    """Per activity (index of `activities`): the attendance that `attendance_total` adds up.

    Columns ``attendance`` (float; NaN when there is neither a list nor a reported number) and
    ``approximate`` (the number is an approximate ``antal_deltagare``). Activity ids are unique.
    """
    register = _Register.build(activities, participations)
    acts = activities.drop_duplicates("activity_id")
    value = register.attendance.astype(float).copy()
    unknown = (value == 0) & acts["attendance"].isna().to_numpy()
    value[unknown] = np.nan
    return pd.DataFrame(
        {"attendance": value, "approximate": register.attendance_approximate.astype(bool)},
        index=acts.index,
    )


def partners_visited_summary(
    table: pd.DataFrame, project: Project, scope: str = "period"
) -> tuple[int, int, list[str]]:
    """(k, n, visited short names in configuration order) for the report's "k av n" box."""
    rows = table[
        (table["indicator"] == "partners_visited")
        & (table["scope"] == scope)
        & (table["dimension"] == "partner")
        & (table["value"] > 0)
    ]
    visited = set(rows["category"].astype(str))
    names = [p.short for p in project.visit_partners if p.short in visited]
    return len(names), len(project.visit_partners), names


def _compute(
    activities: pd.DataFrame, participations: pd.DataFrame, project: Project, period: Period
) -> pd.DataFrame:
    """The indicator table plus a `denominator` column (NaN except on share rows)."""
    register = _Register.build(activities, participations)
    rows = _activities_planned(register, project, period)
    for scope, start in _scope_starts(project, period).items():
        facts = _Facts.select(register, start, period.end)
        rows += [
            *_activities_held(facts, scope, project),
            *_participations(facts, scope, project),
            *_unique_participants(facts, scope, project),
            *_attendance_total(facts, scope, project),
            *_organisations_engaged(facts, scope),
            *_partners_visited(facts, scope, project),
            *(r for share in _shares(facts, scope, project).values() for r in share),
        ]
    return _finish(_assemble(rows), project)


# ---------------------------------------------------------------------------------------------
# The register, encoded once: every text column becomes integer codes plus labels
# ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Coded:
    """A text column as integer codes (one per row) and the label of each code."""

    codes: np.ndarray
    labels: pd.Index

    @classmethod
    def encode(cls, values: pd.Series, fill: str) -> _Coded:
        """Factorise `values`; missing and blank values get the label `fill`.

        Labels are trimmed after factorising, over the distinct values only (fast on 1M rows).
        """
        codes, uniques = pd.factorize(values.astype("string"), use_na_sentinel=True)
        names = [fill if pd.isna(u) or not str(u).strip() else str(u).strip() for u in uniques]
        label_codes, labels = pd.factorize(pd.Index([*names, fill], dtype=object))
        lookup = np.asarray(label_codes, dtype=np.int64)  # code -1 (missing) -> last: fill
        return cls(lookup[codes], pd.Index(labels, dtype=object))

    def code_of(self, label: str) -> int:
        """The code of `label`, or -1 (which no row has) when it does not occur."""
        return int(self.labels.get_loc(label)) if label in self.labels else -1

    def take(self, rows: np.ndarray) -> _Coded:
        """The same column for `rows` (positions or a boolean mask)."""
        return _Coded(self.codes[rows], self.labels)


@dataclass(frozen=True)
class _Register:
    """The clean tables, encoded once for every scope. Row order follows the inputs."""

    start: np.ndarray  # datetime64 per activity
    held: np.ndarray  # bool per activity
    cancelled: np.ndarray
    act: dict[str, _Coded]  # work_package, activity_type, municipality per activity
    parties: pd.Series
    attendance: np.ndarray  # float per activity: list length if any, else antal_deltagare (NA 0)
    attendance_approximate: np.ndarray  # bool: the count above is an approximate antal_deltagare
    part_act: np.ndarray  # per participation: the position of its activity
    person: np.ndarray  # per participation: person code (-1 when missing)
    organisation: np.ndarray  # per participation: casefolded organisation code (-1 when missing)
    part: dict[str, _Coded]  # gender, role, organisation_type, municipality per participation

    @classmethod
    def build(cls, activities: pd.DataFrame, participations: pd.DataFrame) -> _Register:
        """Encode the clean tables (activity ids are unique there; a repeat would count once)."""
        _require_columns(activities, _ACTIVITY_NEEDS, "activities")
        _require_columns(participations, _PARTICIPATION_NEEDS, "participations")
        acts = activities.drop_duplicates("activity_id").reset_index(drop=True)
        status = acts["status"].astype("string").str.strip().str.casefold()
        links, linked_ids = pd.factorize(participations["activity_id"].astype("string"))
        targets = pd.Index(acts["activity_id"].astype("string")).get_indexer(linked_ids)
        position = np.append(targets, -1)[links]  # a missing id (-1) links nowhere
        linked = position >= 0
        parts = participations if linked.all() else participations.loc[linked]
        part_act = position[linked]

        list_length = np.bincount(part_act, minlength=len(acts))
        reported = acts["attendance"].astype("Float64").fillna(0).to_numpy(dtype=float)
        approximate = acts["attendance_approximate"].astype("boolean").fillna(False)
        person, _ = pd.factorize(parts["person_key"].astype("string"), use_na_sentinel=True)
        return cls(
            start=pd.to_datetime(acts["start_date"]).to_numpy(dtype="datetime64[s]"),
            held=(status == _HELD).fillna(False).to_numpy(dtype=bool),
            cancelled=(status == _CANCELLED).fillna(False).to_numpy(dtype=bool),
            act={
                name: _Coded.encode(acts[name], MISSING)
                for name in ("work_package", "activity_type", "municipality")
            },
            parties=acts["parties"].astype("string"),
            attendance=np.where(list_length > 0, list_length, reported),
            attendance_approximate=(list_length == 0) & approximate.to_numpy(dtype=bool),
            part_act=part_act,
            person=np.asarray(person, dtype=np.int64),
            organisation=_encode_organisations(parts["organisation"]),
            part={
                "gender": _Coded.encode(parts["gender"], _GENDER_UNKNOWN),
                "role": _Coded.encode(parts["role"], _ROLES[0]),
                "organisation_type": _Coded.encode(parts["organisation_type"], MISSING),
                "municipality": _Coded.encode(parts["municipality"], MISSING),
            },
        )


def _encode_organisations(names: pd.Series) -> np.ndarray:
    """Per row, a code for the casefolded organisation name (-1 when missing or blank).

    The casefolding runs over the distinct names only, which keeps it fast on a million rows.
    """
    codes, uniques = pd.factorize(names.astype("string"), use_na_sentinel=True)
    folded = pd.Series(uniques, dtype="string").str.strip().str.casefold().replace("", pd.NA)
    folded_codes, _ = pd.factorize(folded, use_na_sentinel=True)
    lookup = np.append(np.asarray(folded_codes, dtype=np.int64), -1)  # code -1 -> last: -1
    return lookup[codes]


@dataclass(frozen=True)
class _Facts:
    """One scope's held activities and their participations."""

    activities: np.ndarray  # positions of held activities in scope
    act: dict[str, _Coded]  # per held activity
    attendance: np.ndarray
    attendance_approximate: np.ndarray
    parties: pd.Series
    person: np.ndarray  # per participation of those activities
    organisation: np.ndarray
    part: dict[str, _Coded]  # the participant's columns, plus the activity's work_package, type

    @classmethod
    def select(cls, register: _Register, first: date, last: date) -> _Facts:
        in_scope = register.held & _between(register.start, first, last)
        rows = in_scope[register.part_act]
        part_act = register.part_act[rows]
        part = {name: coded.take(rows) for name, coded in register.part.items()}
        for name in ("work_package", "activity_type"):
            part[name] = register.act[name].take(part_act)
        positions = np.flatnonzero(in_scope)
        return cls(
            activities=positions,
            act={name: coded.take(positions) for name, coded in register.act.items()},
            attendance=register.attendance[positions],
            attendance_approximate=register.attendance_approximate[positions],
            parties=register.parties.iloc[positions],
            person=register.person[rows],
            organisation=register.organisation[rows],
            part=part,
        )


def _between(days: np.ndarray, first: date, last: date) -> np.ndarray:
    """True where `days` lies in first..last (both included); NaT never does."""
    return (days >= np.datetime64(first, "s")) & (days <= np.datetime64(last, "s"))


def _scope_starts(project: Project, period: Period) -> dict[str, date]:
    """The first day of each scope; both scopes end on the period's last day."""
    return {"period": period.start, "cumulative": project.start}


def _require_columns(frame: pd.DataFrame, needed: Iterable[str], name: str) -> None:
    missing = [c for c in needed if c not in frame.columns]
    if missing:
        raise KeyError(
            f"{name}: columns missing: {missing}. Columns in the frame: {list(frame.columns)}"
        )


# ---------------------------------------------------------------------------------------------
# Tallying: codes -> a Series of values by category, in the category order of the docstring
# ---------------------------------------------------------------------------------------------
_SWEDISH_ORDER = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


def _category_order(labels: Iterable[str], known: Sequence[str] = ()) -> list[str]:
    """`known` first in its order, then the rest in Swedish alphabetical order, MISSING last."""
    rest = sorted(
        {str(x) for x in labels} - set(known),
        key=lambda s: (s == MISSING, s.casefold().translate(_SWEDISH_ORDER), s),
    )
    return [*known, *rest]


def _tally(
    coded: _Coded,
    weights: np.ndarray | None = None,
    known: Sequence[str] | None = None,
) -> pd.Series:
    """Sum `weights` (default: count rows) per category, in the categories' natural order.

    Categories are those that occur, plus every `known` one (with 0) when `known` is given:
    a closed list such as the work packages then always has all its rows.
    """
    size = len(coded.labels)
    rows = np.bincount(coded.codes, minlength=size)
    sums = rows if weights is None else np.bincount(coded.codes, weights, minlength=size)
    present = rows > 0
    observed = dict(zip(coded.labels[present], sums[present].astype(float), strict=True))
    order = _category_order(observed, known or ())
    return pd.Series([observed.get(c, 0.0) for c in order], index=order, dtype=float)


def _distinct(coded: _Coded, ids: np.ndarray, known: Sequence[str] | None = None) -> pd.Series:
    """The number of distinct `ids` (ignoring -1) per category."""
    valid = ids >= 0
    _, values, _ = _pair_counts(ids[valid], coded.codes[valid], len(coded.labels))
    return _tally(_Coded(values, coded.labels), known=known)


def _dominant(coded: _Coded, ids: np.ndarray, unknown: str) -> _Coded:
    """One value per distinct id (ignoring -1): its most frequent known value.

    No known value, or a tie between the most frequent ones, gives `unknown`. Returns one code
    per distinct id, e.g. each person's gender. `ids` are small non-negative codes (factorised).
    """
    valid = ids >= 0
    ids, codes = ids[valid], coded.codes[valid]
    labels = coded.labels if unknown in coded.labels else coded.labels.append(pd.Index([unknown]))
    unknown_code = int(labels.get_loc(unknown))
    size = int(ids.max()) + 1 if len(ids) else 0
    known = codes != unknown_code
    owners, values, counts = _pair_counts(ids[known], codes[known], len(labels))
    top = np.zeros(size, dtype=np.int64)
    np.maximum.at(top, owners, counts)
    is_top = counts == top[owners]
    n_top = np.bincount(owners[is_top], minlength=size)
    winner = np.full(size, unknown_code, dtype=np.int64)
    single = is_top & (n_top[owners] == 1)
    winner[owners[single]] = values[single]
    present = np.bincount(ids, minlength=size) > 0
    return _Coded(winner[present], labels)


def _pair_counts(
    owners: np.ndarray, values: np.ndarray, n_values: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The distinct (owner, value) pairs and how often each occurs, as three arrays."""
    n_values = max(n_values, 1)
    keys = owners.astype(np.int64) * n_values + values
    bound = int(keys.max()) + 1 if len(keys) else 0
    if bound <= max(4 * len(keys), 1 << 20):  # dense enough to count by position
        counts = np.bincount(keys, minlength=bound)
        keys = np.flatnonzero(counts)
        counts = counts[keys]
    else:
        keys, counts = np.unique(keys, return_counts=True)
    return keys // n_values, keys % n_values, counts


#: Some rows of the indicator table, column -> array (one DataFrame is built at the end: fast).
_Rows = dict[str, np.ndarray]


def _rows(
    indicator: str,
    scope: str,
    dimension: str,
    values: pd.Series | float,
    approximate: pd.Series | bool = False,
    denominator: pd.Series | float = np.nan,
) -> _Rows:
    """Indicator rows from a value (the total) or a Series of values by category."""
    if not isinstance(values, pd.Series):
        values = pd.Series([float(values)], index=[""])
    n = len(values)

    def column(extra: pd.Series | float | bool, dtype: type) -> np.ndarray:
        if isinstance(extra, pd.Series):
            return extra.reindex(values.index).to_numpy(dtype=dtype)
        return np.full(n, extra, dtype=dtype)

    return {
        "indicator": np.full(n, indicator, dtype=object),
        "scope": np.full(n, scope, dtype=object),
        "dimension": np.full(n, dimension, dtype=object),
        "category": values.index.to_numpy(dtype=object),
        "value": values.to_numpy(dtype=float),
        "approximate": column(approximate, bool),
        "denominator": column(denominator, float),
    }


def _assemble(rows: list[_Rows]) -> pd.DataFrame:
    """One frame from many `_rows` results, in their order."""
    return pd.DataFrame({name: np.concatenate([r[name] for r in rows]) for name in rows[0]})


# ---------------------------------------------------------------------------------------------
# The indicators, one function each
# ---------------------------------------------------------------------------------------------
def _work_packages(project: Project) -> list[str]:
    return [wp.code for wp in project.work_packages]


def _planned(start: np.ndarray, cancelled: np.ndarray, period: Period) -> np.ndarray:
    """The definition of "planned at the end of `period`": starts in the next half-year, not
    cancelled (an activity held since then was still planned when the period ended)."""
    after_end = start > np.datetime64(period.end, "s")
    by_next_end = start <= np.datetime64(period.next().end, "s")
    return after_end & by_next_end & ~cancelled


def _activities_planned(register: _Register, project: Project, period: Period) -> list[_Rows]:
    positions = np.flatnonzero(_planned(register.start, register.cancelled, period))
    by_wp = _tally(register.act["work_package"].take(positions), known=_work_packages(project))
    return [
        _rows("activities_planned", "period", "total", len(positions)),
        _rows("activities_planned", "period", "work_package", by_wp),
    ]


def _activities_held(facts: _Facts, scope: str, project: Project) -> list[_Rows]:
    name = "activities_held"
    return [
        _rows(name, scope, "total", len(facts.activities)),
        _rows(
            name,
            scope,
            "work_package",
            _tally(facts.act["work_package"], known=_work_packages(project)),
        ),
        _rows(name, scope, "activity_type", _tally(facts.act["activity_type"])),
        _rows(name, scope, "municipality", _tally(facts.act["municipality"])),
    ]


def _participations(facts: _Facts, scope: str, project: Project) -> list[_Rows]:
    name = "participations"
    known: dict[str, Sequence[str] | None] = {
        "work_package": _work_packages(project),
        "activity_type": None,
        "gender": _GENDERS,
        "organisation_type": None,
        "municipality": None,
        "role": _ROLES,
    }
    return [
        _rows(name, scope, "total", len(facts.person)),
        *(
            _rows(name, scope, dimension, _tally(facts.part[dimension], known=categories))
            for dimension, categories in known.items()
        ),
    ]


def _unique_participants(facts: _Facts, scope: str, project: Project) -> list[_Rows]:
    name = "unique_participants"
    persons = facts.person
    gender = _dominant(facts.part["gender"], persons, _GENDER_UNKNOWN)
    organisation_type = _dominant(facts.part["organisation_type"], persons, MISSING)
    by_wp = _distinct(facts.part["work_package"], persons, known=_work_packages(project))
    return [
        _rows(name, scope, "total", len(gender.codes)),
        _rows(name, scope, "work_package", by_wp),
        _rows(name, scope, "gender", _tally(gender, known=_GENDERS)),
        _rows(name, scope, "organisation_type", _tally(organisation_type)),
    ]


def _attendance_total(facts: _Facts, scope: str, project: Project) -> list[_Rows]:
    name = "attendance_total"
    approximate = facts.attendance_approximate
    frames = [
        _rows(name, scope, "total", facts.attendance.sum(), approximate=bool(approximate.any()))
    ]
    for dimension, known in (("work_package", _work_packages(project)), ("activity_type", None)):
        coded = facts.act[dimension]
        totals = _tally(coded, facts.attendance, known=known)
        flags = _tally(coded, approximate.astype(float), known=known) > 0
        frames.append(_rows(name, scope, dimension, totals, approximate=flags))
    return frames


def _organisations_engaged(facts: _Facts, scope: str) -> list[_Rows]:
    name = "organisations_engaged"
    organisations = facts.organisation
    organisation_type = _dominant(facts.part["organisation_type"], organisations, MISSING)
    municipality = _dominant(facts.part["municipality"], organisations, MISSING)
    return [
        _rows(name, scope, "total", len(organisation_type.codes)),
        _rows(name, scope, "organisation_type", _tally(organisation_type)),
        _rows(name, scope, "municipality", _tally(municipality)),
    ]


def _partners_visited(facts: _Facts, scope: str, project: Project) -> list[_Rows]:
    name = "partners_visited"
    types = facts.act["activity_type"]
    visits = types.codes == types.code_of(_PARTNER_VISIT)
    places = facts.act["municipality"]
    visited_places = {str(p).casefold() for p in places.labels[np.unique(places.codes[visits])]}
    items = facts.parties[visits].dropna().str.split(";").explode().str.strip().str.casefold()
    named = set(items.dropna())
    partners = project.visit_partners
    visited = pd.Series(
        [
            float(
                (p.municipality or "").casefold() in visited_places
                or any(n.casefold() in named for n in (p.name, p.short, *p.aliases))
            )
            for p in partners
        ],
        index=[p.short for p in partners],
        dtype=float,
    )
    return [
        _rows(name, scope, "total", visited.sum()),
        _rows(name, scope, "partner", visited),
    ]


def _shares(facts: _Facts, scope: str, project: Project) -> dict[str, list[_Rows]]:
    """share_women and share_women_speakers rows, with their denominators in `denominator`."""
    gender, role = facts.part["gender"], facts.part["role"]
    speakers = np.isin(role.codes, [role.code_of(r) for r in _SPEAKER_ROLES])
    shares = {}
    for name, among in (
        ("share_women", np.ones(len(gender.codes), dtype=bool)),
        ("share_women_speakers", speakers),
    ):
        women = (gender.codes == gender.code_of(_WOMAN)) & among
        base = women | ((gender.codes == gender.code_of(_MAN)) & among)
        wp = facts.part["work_package"].take(base)
        denominator = _tally(wp, known=_work_packages(project))
        numerator = _tally(wp, women[base].astype(float), known=_work_packages(project))
        by_wp = numerator / denominator.where(denominator > 0)
        total = _ratio(women.sum(), base.sum())
        shares[name] = [
            _rows(name, scope, "total", total, denominator=float(base.sum())),
            _rows(name, scope, "work_package", by_wp, denominator=denominator),
        ]
    return shares


def _ratio(numerator: float, denominator: float) -> float:
    return float(numerator) / float(denominator) if denominator else np.nan


# ---------------------------------------------------------------------------------------------
# Targets, order and dtypes
# ---------------------------------------------------------------------------------------------
def _finish(table: pd.DataFrame, project: Project) -> pd.DataFrame:
    """Attach targets to total rows, sort stably, cast to `INDICATOR_COLUMNS` (+ denominator).

    The targets are the configuration's, and for partners_visited since the start, when none is
    configured, the number of partners to visit (n of "k av n").
    """
    targets = pd.DataFrame(
        [(t.indicator, t.scope, t.value) for t in project.targets],
        columns=["indicator", "scope", "target"],
    )
    # Visiting every partner is the project's plan, so "k av n" since the start has n as its
    # target when none is configured. A half-year has no such plan: no target is invented.
    fallback = pd.DataFrame({"indicator": ["partners_visited"], "scope": ["cumulative"]}).assign(
        target=float(len(project.visit_partners))
    )
    targets = pd.concat([targets, fallback]).drop_duplicates(["indicator", "scope"])
    table = table.merge(targets.astype({"target": float}), on=["indicator", "scope"], how="left")
    table["target"] = table["target"].where(table["dimension"] == "total")

    order = {
        "indicator": {k: i for i, k in enumerate(INDICATOR_IDS)},
        "scope": {k: i for i, k in enumerate(SCOPES)},
        "dimension": {k: i for i, k in enumerate(DIMENSIONS)},
    }
    table = table.sort_values(
        list(order), key=lambda column: column.map(order[column.name]), kind="stable"
    )
    schema = {**INDICATOR_COLUMNS, "denominator": "float64"}
    return table.loc[:, list(schema)].astype(schema).reset_index(drop=True)


# ---------------------------------------------------------------------------------------------
# Swedish display
# ---------------------------------------------------------------------------------------------
def _format_counts(values: np.ndarray) -> np.ndarray:
    """``1234.0`` -> ``"1 234"`` (a no-break space between thousands); NaN -> ``"–"``."""
    whole = pd.Series(np.round(values)).astype("Int64").astype("string")
    text = whole.str.replace(r"\B(?=(\d{3})+$)", NBSP, regex=True)
    return text.fillna(NO_VALUE).to_numpy(dtype=object)


def _format_shares(values: np.ndarray) -> np.ndarray:
    """``0.48`` -> ``"48,0 %"``, ``0.4855`` -> ``"48,6 %"``; NaN -> ``"–"``.

    One decimal always, rounded half-up: `present.format_percent`, as the charts write shares.
    """
    return np.array(
        [NO_VALUE if np.isnan(v) else format_percent(float(v)) for v in values], dtype=object
    )
