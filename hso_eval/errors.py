"""The exceptions hso_eval raises. Every message is Swedish and says what to do.

- `HsoEvalError` is the base. The CLI turns any of them into one line on stderr.
- `ParameterError` (exit 2): a parameter or configuration file is wrong.
- `InputFileError` (exit 2): an input file cannot be used at all (file-level error).
- `RunError` (exit 1): the run itself failed (a notebook raised, publishing failed).
- `BusyError` (exit 3): another run holds the lock.
- `Terminated`: the process got SIGTERM (systemd stopping the service, `kill`); handled like
  Ctrl+C (a `KeyboardInterrupt`), so a run cleans up and keeps its failed copy.
"""

from __future__ import annotations


class HsoEvalError(Exception):
    """Base class: a problem a person can act on. `str(err)` is the Swedish message."""

    exit_code = 1


class ParameterError(HsoEvalError):
    """A parameter file, the project configuration or a key is wrong."""

    exit_code = 2


class InputFileError(HsoEvalError):
    """An input file is missing, unreadable, or lacks a required column or a header row."""

    exit_code = 2

    def __init__(self, message: str, *, path: object = None, reason: str = "file_error") -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason


class RunError(HsoEvalError):
    """A run failed after its inputs were accepted (a notebook raised, publishing failed)."""

    exit_code = 1


class BusyError(HsoEvalError):
    """Another run holds the lock for the same output directory."""

    exit_code = 3


class Terminated(KeyboardInterrupt):
    """The process was asked to stop (SIGTERM). The CLI turns the signal into this exception."""


def interruption_message(exc: KeyboardInterrupt) -> str:
    """Why a run stopped early, in Swedish, for run.json and the summary lines."""
    how = "SIGTERM" if isinstance(exc, Terminated) else "Ctrl+C"
    return f"avbruten ({how}) innan körningen var klar"
