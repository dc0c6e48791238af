"""What a reader can work out from the counts a page publishes, and what to hide so they cannot.

A page publishes counts of people and relations between them that a reader can subtract: cells
add up to totals. A count from 1 to ``min_cell - 1`` is hidden ("<5"); more is hidden so that
no hidden small count can be worked out (".."). A reader knows the rule, so a "<5" is 1 to
``min_cell - 1`` and a ".." is 0 or at least ``min_cell``. Three checks, each stronger:

1. `complementary_suppression`: relation by relation, no total minus shown cells leaves one
   hidden number, or hidden numbers adding up to less than ``min_cell``;
2. `determined`: the relations as linear equations in the hidden numbers give none of them
   exactly;
3. `pinned`: the equations *and* what each sign says (whole numbers, "<5" is 1 to 4, ".." is 0
   or at least 5) leave more than one value for each hidden small count. This is an integer
   program, solved with HiGHS (`highspy`).

`protect` runs the first and then the third (which covers the second: a count the equations
give is pinned; the second runs alone only for a ``min_cell`` under 3), and hides more until
they pass. `indicators.publish` gives it every number and relation of one page and of the
reports before it.

A relation is ``(cells, total)``: positions in the page's values, and the position of their
total, or None for a total published elsewhere that is never hidden. A bound is ``(smaller,
larger)``: the numbers at `smaller` add up to at most those at `larger` (people in a period are
at most those since the start). Bounds enter only the whole-number check.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

Relation = tuple[np.ndarray, int | None]
Bound = tuple[np.ndarray, np.ndarray]


def complementary_suppression(
    values: np.ndarray | Iterable[float],
    hidden: np.ndarray | Iterable[bool],
    relations: Iterable[Relation],
    min_cell: int = 5,
    fixed: np.ndarray | None = None,
) -> np.ndarray:
    """The numbers to hide so that no published total gives a hidden count away.

    `values` are published counts of people, cells and totals alike; `hidden` marks the ones
    hidden to begin with (the small counts, and any a related table hides). Each relation is
    (positions of cells, position of their total in `values`, or None for a total published
    elsewhere and never hidden): the cells add up to the total. Until nothing changes, wherever
    a relation has exactly one hidden number, or hidden cells that add up to less than
    `min_cell` under a shown total, its smallest other non-zero cell is hidden too (the first of
    equal ones), or its total when no cell is left. So no shown total minus shown cells gives
    one hidden count, nor a small sum of hidden ones. `fixed` numbers (an earlier report's)
    are never chosen: what they show or hide is decided. Returns the new mask (a copy).
    """
    values = np.asarray(values, dtype=float)
    hidden = np.array(hidden, dtype=bool)
    choosable = np.ones(len(values), dtype=bool) if fixed is None else ~np.asarray(fixed)
    relations = [(np.asarray(cells, dtype=np.int64), total) for cells, total in relations]
    changed = True
    while changed:
        changed = False
        for cells, total in relations:
            inside = cells[hidden[cells]]
            total_hidden = total is not None and bool(hidden[total])
            unknown = len(inside) + total_hidden
            small_sum = not total_hidden and values[inside].sum() < min_cell
            if unknown == 0 or (unknown >= 2 and not small_sum):
                continue
            free = cells[~hidden[cells] & (values[cells] > 0) & choosable[cells]]
            if len(free):
                hidden[free[np.argmin(values[free])]] = True
            elif total is not None and not total_hidden and values[total] > 0 and choosable[total]:
                hidden[total] = True
            else:
                continue
            changed = True
    return hidden


def protect(
    value: np.ndarray,
    small: np.ndarray,
    relations: list[Relation],
    min_cell: int,
    fixed: np.ndarray | None = None,
    *,
    hidden: np.ndarray | None = None,
    bounds: Iterable[Bound] = (),
) -> np.ndarray:
    """Which numbers to hide: the `small` ones, and more until no small one can be worked out.

    `complementary_suppression` first; then, while the relations pin a small count to one
    value (`pinned`; `determined` for a `min_cell` under 3), a shown number near it is hidden
    too (`_uncovering`) and the rule runs again. A count that stays pinned with every number
    that may be hidden hidden is given up: hiding cannot help it. `fixed` numbers are never
    chosen (see `complementary_suppression`); `hidden` ones are hidden from the start as well
    (an earlier report's ".."). `bounds` are what else a reader knows (see the module's
    docstring). Returns the mask of hidden numbers.
    """
    value = np.asarray(value, dtype=float)
    small = np.asarray(small, dtype=bool)
    fixed = np.zeros(len(value), dtype=bool) if fixed is None else np.asarray(fixed, dtype=bool)
    page = _Page(value, relations, min_cell, bounds)
    hidden = small.copy() if hidden is None else small | np.asarray(hidden, dtype=bool)
    # Hiding more only widens what a reader must consider, so a count shown safe stays safe.
    # A count that no hiding can free is given up at once.
    settled: set[int] = set()
    targets = set(np.flatnonzero(small).tolist())
    while True:
        hidden = complementary_suppression(value, hidden, relations, min_cell, fixed)
        target = None
        if not page.integer:  # then the linear equations are all there is to check
            exposed = determined(hidden, relations) & small
            target = next((int(t) for t in np.flatnonzero(exposed) if int(t) not in settled), None)
        for candidate in np.flatnonzero(small & hidden) if page.integer else ():
            if int(candidate) in settled:
                continue
            other = page.other_values(int(candidate), hidden)
            if other is None:
                target = int(candidate)
                break
            # The reader's other solution frees every small count it gives another value too.
            settled.update(other & targets)
            settled.add(int(candidate))
        if target is None:
            return hidden
        if page.exposed(target, hidden | ~fixed, careful=True):
            # Pinned even with everything that may be hidden hidden (its signs alone give it
            # away, or an earlier report's fixed numbers do): hiding more would not help. Given
            # up only on the solver's word twice over (`_IntegerProgram._solve`): a wrong
            # "pinned" here would publish the count unprotected.
            settled.add(target)
            continue
        choice = _uncovering(target, page, hidden, fixed)
        if choice is None:
            settled.add(target)  # everything connected to it is hidden already
        else:
            hidden[choice] = True


def determined(hidden: np.ndarray, relations: Iterable[Relation]) -> np.ndarray:
    """Which hidden numbers the relations give exactly, from the shown ones.

    Each relation is an equation: its cells add up to its total (or to a published constant).
    In the hidden numbers, the equations span a row space; a hidden number is determined
    exactly when its unit vector lies in it (its squared coordinates in an orthonormal basis
    of the space add up to 1).
    """
    unknown = np.flatnonzero(hidden)
    out = np.zeros(len(hidden), dtype=bool)
    if not len(unknown):
        return out
    column = np.full(len(hidden), -1)
    column[unknown] = np.arange(len(unknown))
    rows = []
    for cells, total in relations:
        row = np.zeros(len(unknown))
        np.add.at(row, column[cells[hidden[cells]]], 1.0)
        if total is not None and hidden[total]:
            row[column[total]] -= 1.0
        if row.any():
            rows.append(row)
    if not rows:
        return out
    _, singular, basis = np.linalg.svd(np.array(rows), full_matrices=False)
    basis = basis[singular > 1e-9 * singular.max()]
    out[unknown] = np.isclose((basis**2).sum(axis=0), 1.0, atol=1e-6)
    return out


def pinned(
    target: int,
    value: np.ndarray,
    hidden: np.ndarray,
    relations: list[Relation],
    min_cell: int,
    bounds: Iterable[Bound] = (),
) -> bool:
    """Whether a reader can narrow hidden number `target` down to its true value.

    The reader knows the shown numbers, that the relations and bounds hold, that counts are
    whole numbers,
    and what each hidden number's sign says: "<min_cell" (its true value is 1 to min_cell - 1)
    or ".." (0, or at least min_cell). `target` is pinned when no whole-number solution of all
    that gives it another value. Two integer programs answer it: one with `target` below its
    value, one above it. A solution the solver offers is checked exactly before it counts, so
    a rounding error can only make a count look pinned, never safe. Looking pinned hides more,
    except where `protect` would give the count up: there the solver is asked twice, in two
    formulations (`_IntegerProgram._solve`).
    """
    page = _Page(np.asarray(value, dtype=float), relations, min_cell, bounds)
    return page.integer and page.other_values(target, np.asarray(hidden, dtype=bool)) is None


class _Page:
    """The numbers, relations and bounds of one page, with which of them each number is in.

    Rows (a relation or a bound) are numbered relations first, then bounds."""

    def __init__(
        self,
        value: np.ndarray,
        relations: list[Relation],
        min_cell: int,
        bounds: Iterable[Bound] = (),
    ) -> None:
        self.value = value
        self.min_cell = min_cell
        # The whole-number check needs room between 1 and min_cell - 1 ("<2" says 1 by itself),
        # and where it runs it covers the linear one: a count the equations give is pinned.
        self.integer = min_cell >= 3
        self.relations = [(np.asarray(c, dtype=np.int64), t) for c, t in relations]
        bounds = [(np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)) for a, b in bounds]
        self.members = [
            np.unique(np.append(cells, [] if total is None else [total]).astype(np.int64)).tolist()
            for cells, total in self.relations
        ] + [np.unique(np.concatenate([a, b])).tolist() for a, b in bounds]
        self.member_of: dict[int, list[int]] = {}
        for r, group in enumerate(self.members):
            for m in group:
                self.member_of.setdefault(m, []).append(r)
        # The rows as equations, one entry per (row, number, coefficient): the cells add up to
        # the total, so sum(+1 · cell) + (-1 · total) = 0; a total published elsewhere is the
        # constant on the right, the cells' sum. A bound: sum(+1 · smaller) + (-1 · larger) <= 0.
        rows = [
            (c, [] if t is None else [t], value[c].sum() if t is None else 0.0)
            for c, t in self.relations
        ] + [(a, b, 0.0) for a, b in bounds]
        self.entry_relation = np.repeat(
            np.arange(len(rows), dtype=np.int64),
            np.array([len(plus) + len(minus) for plus, minus, _ in rows], dtype=np.int64),
        )
        self.entry_number = np.concatenate(
            [np.empty(0, np.int64)] + [np.append(plus, minus) for plus, minus, _ in rows]
        ).astype(np.int64)
        self.entry_coefficient = np.concatenate(
            [np.empty(0)]
            + [np.append(np.ones(len(plus)), -np.ones(len(minus))) for plus, minus, _ in rows]
        )
        self.constant = np.array([constant for _, _, constant in rows], dtype=float)
        self.upper_only = np.arange(len(rows)) >= len(self.relations)  # the bounds

    def component(self, target: int, hidden: np.ndarray) -> list[int]:
        """The relations connected to `target` through hidden numbers: all that can bear on it."""
        reached, todo, used = {target}, [target], set()
        while todo:
            for r in self.member_of.get(todo.pop(), ()):
                if r in used:
                    continue
                used.add(r)
                for m in self.members[r]:
                    if m not in reached and hidden[m]:
                        reached.add(m)
                        todo.append(m)
        return sorted(used)

    def exposed(self, target: int, hidden: np.ndarray, *, careful: bool = False) -> bool:
        """`target` can be worked out: pinned in whole numbers, or (where that check does not
        run) determined by the linear equations. `careful`: see `_IntegerProgram._solve`."""
        if self.integer:
            return self.other_values(target, hidden, careful=careful) is None
        equations = len(self.relations)
        used = [self.relations[r] for r in self.component(target, hidden) if r < equations]
        return bool(determined(hidden, used)[target])

    def other_values(
        self, target: int, hidden: np.ndarray, *, careful: bool = False
    ) -> set[int] | None:
        """None when `target` is pinned; else the hidden numbers that a whole-number solution
        giving `target` another value gives other values too (`target` among them)."""
        used = self.component(target, hidden)
        if not used:
            return {target}  # in no relation: its sign leaves it 1 to min_cell - 1
        program = _IntegerProgram(self, hidden, np.array(used, dtype=np.int64))
        solution = program.other(target, careful=careful)
        if solution is None:
            return None
        return set(program.unknown[solution != program.truth].tolist())


class _IntegerProgram:
    """The reader's integer program for the hidden numbers of some relations (`pinned`)."""

    def __init__(self, page: _Page, hidden: np.ndarray, used: np.ndarray) -> None:
        value, min_cell = page.value, page.min_cell
        entry = np.isin(page.entry_relation, used)
        relation = np.searchsorted(used, page.entry_relation[entry])
        number = page.entry_number[entry]
        coefficient = page.entry_coefficient[entry]
        touched = np.unique(number)
        self.unknown = touched[hidden[touched]]
        self.column = {int(u): i for i, u in enumerate(self.unknown)}
        self.truth = np.rint(value[self.unknown]).astype(np.int64)
        self.min_cell = min_cell
        self.small = (self.truth >= 1) & (self.truth < min_cell)
        # No value above every number of these relations together is worth considering.
        self.ceiling = int(np.rint(np.abs(value[touched]).sum())) + min_cell
        # Hidden numbers on the left, shown ones moved to the right.
        inside = hidden[number]
        column = np.searchsorted(self.unknown, number[inside])
        rows = np.zeros((len(used), len(self.unknown)), dtype=np.int64)
        np.add.at(rows, (relation[inside], column), coefficient[inside].astype(np.int64))
        rhs = page.constant[used].copy()
        np.add.at(rhs, relation[~inside], -coefficient[~inside] * value[number[~inside]])
        keep = rows.any(axis=1)
        self.matrix = rows[keep]
        self.rhs = np.rint(rhs[keep]).astype(np.int64)
        self.upper_only = page.upper_only[used][keep]  # a bound: at most the right-hand side

    def domain(self, i: int) -> tuple[int, int, bool]:
        """(lowest, highest, may also be 0) for unknown `i`, as its sign says."""
        if self.small[i]:
            return 1, self.min_cell - 1, False
        return self.min_cell, self.ceiling, True

    def other(self, target: int, *, careful: bool = False) -> np.ndarray | None:
        """A whole-number solution (one value per unknown) that gives `target` another value
        than its own, or None when there is none."""
        i = self.column[target]
        truth = int(self.truth[i])
        low, high, zero = self.domain(i)
        branches = []  # (lowest, highest, may also be 0) for the target
        if truth > 0:  # below the truth
            if zero and truth - 1 < low:
                branches.append((0, 0, False))
            elif truth - 1 >= low:
                branches.append((low, truth - 1, zero))
        if max(truth + 1, low) <= high:  # above it
            branches.append((max(truth + 1, low), high, False))
        for branch in branches:
            solution = self._solve(i, branch)
            if solution is None and careful:
                solution = self._solve(i, branch, switches=True)
            if solution is not None:
                return solution
        return None

    def _solve(
        self, i: int, branch: tuple[int, int, bool], *, switches: bool = False
    ) -> np.ndarray | None:
        """A solution with unknown `i` in `branch`, checked exactly (`_exact`), or None.

        A number that may also be 0 is a semi-integer variable; with `switches`, an integer with
        a 0/1 switch instead (x >= low·z, x <= high·z), which HiGHS solves by another route. It
        has called a program with a solution infeasible (1.15.1, three reports with records),
        and "no solution" says "pinned": where that would give a count up (`protect`), the
        other formulation is asked too.
        """
        import highspy  # only a page with hidden counts needs the solver

        n = len(self.unknown)
        domains = [self.domain(j) for j in range(n)]
        domains[i] = branch
        solver = highspy.Highs()
        solver.setOptionValue("output_flag", False)
        solver.setOptionValue("mip_feasibility_tolerance", 1e-9)
        # HiGHS's presolve has called such a program infeasible although it is not (1.15.1,
        # on a thinned demo page): that would only hide more, but these programs are small.
        solver.setOptionValue("presolve", "off")
        # A search that runs out of time counts as "no other value": the count is hidden more.
        solver.setOptionValue("time_limit", 10.0)
        lower = np.array([lo for lo, _, _ in domains], dtype=float)
        upper = np.array([hi for _, hi, _ in domains], dtype=float)
        zeros = [j for j, (_, _, zero) in enumerate(domains) if zero]
        if switches:
            lower[zeros] = 0.0
        solver.addVars(n, lower, upper)
        semi = highspy.HighsVarType.kInteger if switches else highspy.HighsVarType.kSemiInteger
        kinds = [semi if zero else highspy.HighsVarType.kInteger for _, _, zero in domains]
        solver.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.array(kinds))
        if switches and zeros:
            solver.addVars(len(zeros), np.zeros(len(zeros)), np.ones(len(zeros)))
            solver.changeColsIntegrality(
                len(zeros),
                np.arange(n, n + len(zeros), dtype=np.int32),
                np.array([highspy.HighsVarType.kInteger] * len(zeros)),
            )
            for k, j in enumerate(zeros):
                at = np.array([j, n + k], dtype=np.int32)
                low, high, _ = domains[j]
                solver.addRow(0.0, highspy.kHighsInf, 2, at, np.array([1.0, -float(low)]))
                solver.addRow(-highspy.kHighsInf, 0.0, 2, at, np.array([1.0, -float(high)]))
        rows, columns = np.nonzero(self.matrix)
        starts = np.searchsorted(rows, np.arange(len(self.matrix))).astype(np.int32)
        bound = self.rhs.astype(float)
        solver.addRows(
            len(self.matrix),
            np.where(self.upper_only, -highspy.kHighsInf, bound),
            bound,
            len(rows),
            starts,
            columns.astype(np.int32),
            self.matrix[rows, columns].astype(float),
        )
        solver.run()
        if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return self._exact(np.asarray(solver.getSolution().col_value)[:n], domains)

    def _exact(
        self, solution: np.ndarray, domains: list[tuple[int, int, bool]]
    ) -> np.ndarray | None:
        """The solver's solution rounded, if that satisfies everything exactly, else None."""
        whole = np.rint(solution)
        if len(solution) != len(domains) or not np.allclose(solution, whole, atol=1e-6, rtol=0):
            return None
        x = whole.astype(np.int64)
        for j, (low, high, zero) in enumerate(domains):
            if not (low <= x[j] <= high or (zero and x[j] == 0)):
                return None
        left = self.matrix @ x
        holds = np.where(self.upper_only, left <= self.rhs, left == self.rhs)
        return x if bool(holds.all()) else None


def _uncovering(target: int, page: _Page, hidden: np.ndarray, fixed: np.ndarray) -> int | None:
    """A shown number to hide so that `target` can no longer be worked out, or the best try.

    Searched outwards from `target`: the shown numbers of its relations, then of the relations
    of the numbers reached so far, and so on; within each ring non-zero numbers first,
    smallest first, then zeros (a hidden 0 is a ".." that gives nothing away, and is sometimes
    the only number left to hide). The first whose hiding frees `target` is taken, else the
    first of the nearest ring (and the caller tries again). Each try looks only at the
    relations connected to `target` through hidden numbers.
    """
    value = page.value
    reached, frontier, first, tried = {target}, {target}, None, 0
    while frontier:
        ring: set[int] = set()
        for entry in frontier:
            for r in page.member_of.get(entry, ()):
                ring.update(int(m) for m in page.members[r])
        ring -= reached
        reached |= ring
        candidates = np.array(
            sorted(n for n in ring if not hidden[n] and not fixed[n]), dtype=np.int64
        )
        frontier = ring
        if not len(candidates):
            continue
        candidates = candidates[np.lexsort((value[candidates], value[candidates] <= 0))]
        first = int(candidates[0]) if first is None else first
        for candidate in candidates:
            if tried == 24:
                return first
            tried += 1
            trial = hidden.copy()
            trial[candidate] = True
            if not page.exposed(target, trial):
                return int(candidate)
    return first
