"""Import-time costs that hso_eval declines on purpose.

jupyterlab installs jsonschema[format-nongpl], whose optional dependency `rfc3987_syntax` builds
a parser grammar when it is imported: about 1.4 s every time nbformat (runner) or frictionless
(the evaluation notebook) imports jsonschema. jsonschema imports it inside
`suppress(ImportError)` and uses it only to check the "iri" and "iri-reference" formats, which
neither the notebook schema nor the Data Package profiles that hso_eval validates rely on.
Marking it unavailable skips that cost; every other check is unchanged.
"""

from __future__ import annotations

import sys

SKIPPED = ("rfc3987_syntax",)


def skip_slow_optional_imports() -> None:
    """Make the optional modules in `SKIPPED` unavailable to this process (idempotent)."""
    for name in SKIPPED:
        if name not in sys.modules:
            sys.modules[name] = None  # type: ignore[assignment]  # import now raises ImportError
