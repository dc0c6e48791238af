"""Half-years: ``"2024H1"`` <-> dates, and the report number counted from the project start."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from hso_eval.errors import ParameterError

_PATTERN = re.compile(r"^\s*(\d{4})\s*[Hh]\s*([0-9]+)\s*$")


@dataclass(frozen=True, order=True)
class Period:
    """One half-year, e.g. ``Period(2024, 1)`` is 2024-01-01 – 2024-06-30."""

    year: int
    half: int

    @classmethod
    def parse(cls, text: object) -> Period:
        """Parse ``"2024H1"`` (any case, spaces allowed).

        Rejects ``"2025H3"`` with a Swedish message.
        """
        m = _PATTERN.match(str(text))
        if not m:
            raise ParameterError(
                f"'{text}' är ingen period: skriv år och halvår, t.ex. 2024H1 eller 2024H2."
            )
        year, half = int(m.group(1)), int(m.group(2))
        if half not in (1, 2):
            raise ParameterError(
                f"'{text}' är ingen period: ett år har bara två halvår, H1 och H2 "
                f"(t.ex. {year}H1 eller {year}H2)."
            )
        if not 1900 <= year <= 2200:
            raise ParameterError(
                f"'{text}' är ingen rimlig period: året {year} är utanför 1900–2200."
            )
        return cls(year, half)

    @classmethod
    def containing(cls, day: date) -> Period:
        """The half-year that contains `day`."""
        return cls(day.year, 1 if day.month <= 6 else 2)

    @property
    def code(self) -> str:
        return f"{self.year}H{self.half}"

    @property
    def start(self) -> date:
        return date(self.year, 1 if self.half == 1 else 7, 1)

    @property
    def end(self) -> date:
        return date(self.year, 6, 30) if self.half == 1 else date(self.year, 12, 31)

    @property
    def label(self) -> str:
        """The period as the seed report writes it: ``2024-01-01 – 2024-06-30``."""
        return f"{self.start.isoformat()} – {self.end.isoformat()}"

    def next(self) -> Period:
        return Period(self.year, 2) if self.half == 1 else Period(self.year + 1, 1)

    def previous(self) -> Period:
        return Period(self.year, 1) if self.half == 2 else Period(self.year - 1, 2)

    def report_number(self, project_start: date) -> int:
        """Halvårsrapport nr N: 1 for the half-year that holds the project start."""
        first = Period.containing(project_start)
        return (self.year - first.year) * 2 + (self.half - first.half) + 1

    def __str__(self) -> str:
        return self.code
