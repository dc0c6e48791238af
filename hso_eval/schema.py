"""Table Schema types: a field, a foreign key and a table, each documented in Swedish.

A `Table` is one table of the evaluation package: a CSV file, a sheet in the workbook and a
resource in datapackage.json. Its fields render as a Table Schema (`Table.schema_descriptor`) and
as Swedish text for the codebook (`Field.constraint_text`), so the two cannot disagree. The
package's tables themselves are defined in `hso_eval.codebook`.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any


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

    def described_as(self, description: str, **changes: Any) -> Field:
        """The same column in another table: same name, type, title and vocabulary, its own
        description (and any constraint in `changes`)."""
        return replace(self, description=description, **changes)

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
