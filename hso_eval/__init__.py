"""hso_eval: utvärdering och rapportering för Hållbar samhällsomställning (HSO)."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("hso_eval")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0.0.0+okänd"

__all__ = ["__version__"]
