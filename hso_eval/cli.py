"""`hso-eval`, the command line.

Exit statuses: 0 ok, 1 run failure, 2 bad parameters or input, 3 busy.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from hso_eval import __version__
from hso_eval.clock import SwedishClockFormatter
from hso_eval.errors import HsoEvalError, Terminated
from hso_eval.imports import skip_slow_optional_imports

EXIT_OK, EXIT_FAILED, EXIT_INPUT, EXIT_BUSY = 0, 1, 2, 3
#: The shell's statuses for a run stopped by Ctrl+C (SIGINT) and by SIGTERM.
EXIT_INTERRUPTED, EXIT_TERMINATED = 128 + signal.SIGINT, 128 + signal.SIGTERM


#: argparse's own texts (Python 3.11–3.13) in Swedish; a text not listed stays as it is.
ARGPARSE_SV = {
    "usage: ": "användning: ",
    "positional arguments": "argument",
    "options": "flaggor",
    "show this help message and exit": "visa den här hjälpen och avsluta",
    "show program's version number and exit": "visa versionen och avsluta",
    "%(prog)s: error: %(message)s\n": "%(prog)s: fel: %(message)s\n",
    "the following arguments are required: %s": "de här argumenten saknas: %s",
    "unrecognized arguments: %s": "okända argument: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "okänt val: %(value)r (välj bland %(choices)s)"
    ),
    "argument %(argument_name)s: %(message)s": "argumentet %(argument_name)s: %(message)s",
    "expected one argument": "ett värde saknas",
    "invalid %(type)s value: %(value)r": "ogiltigt värde (%(type)s): %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "tvetydig flagga: %(option)s kan vara %(matches)s"
    ),
    "ignored explicit argument %r": "värdet %r används inte",
    "not allowed with argument %s": "går inte ihop med argumentet %s",
}


_ARGPARSE_LOCK = threading.Lock()


@contextlib.contextmanager
def _swedish_argparse() -> Iterator[None]:
    """argparse speaks Swedish while the command line is read (help, usage, errors).

    argparse looks its texts up through `gettext` each time it writes one, and Python ships no
    Swedish catalogue for them, so they are swapped for `ARGPARSE_SV` here, for the duration.
    The swap is module state: a lock keeps two at once (threads calling `main`) from leaving
    argparse in Swedish for good.
    """
    with _ARGPARSE_LOCK:
        english = argparse._  # type: ignore[attr-defined]
        argparse._ = lambda text: ARGPARSE_SV.get(text, english(text))  # type: ignore[attr-defined]
        try:
            yield
        finally:
            argparse._ = english  # type: ignore[attr-defined]


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="hso-eval",
        description="Bygger HSO:s halvårsrapport, datakvalitetsrapport och utvärderingsunderlag.",
        epilog="Slutstatus: 0 klart, 1 körningen misslyckades, 2 fel i parametrar eller indata, "
        "3 en annan körning pågår, 130 avbruten med Ctrl+C, 143 avbruten med SIGTERM.",
    )
    # help given here: Python 3.11's argparse has the English default outside `gettext`
    p.add_argument(
        "--version",
        action="version",
        version=f"hso_eval {__version__}",
        help="visa versionen och avsluta",
    )
    # --debug and --quiet work before or after the command (`hso-eval run-all --quiet`, as cron
    # lines are written); after it they default to "not given" so they never undo the first.
    common = argparse.ArgumentParser(add_help=False)
    for parser, default in ((p, False), (common, argparse.SUPPRESS)):
        parser.add_argument(
            "--debug",
            action="store_true",
            default=default,
            help="visa hela felspåret (traceback) vid fel",
        )
        parser.add_argument(
            "--quiet",
            "-q",
            action="store_true",
            default=default,
            help="skriv bara sammanfattning och fel",
        )
    sub = p.add_subparsers(dest="command", metavar="KOMMANDO")
    sub.required = True

    def add(name: str, **kwargs: object) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[common], **kwargs)

    run = add("run", help="kör en period, t.ex. params/2025H1.yaml")
    run.add_argument("params", type=Path, help="periodens parameterfil (YAML)")

    run_all = add("run-all", help="kör alla perioder vars indata har ändrats")
    run_all.add_argument(
        "--params-dir", type=Path, default=Path("params"), help="mappen med periodfilerna"
    )
    run_all.add_argument("--force", action="store_true", help="kör alla perioder, även oförändrade")

    check = add("check", help="validera parametrar och indata utan att publicera")
    check.add_argument("params", type=Path, help="periodens parameterfil (YAML)")
    check.add_argument(
        "--alla",
        action="store_true",
        help=f"lista alla problem (annars de {CHECK_LIST_LIMIT} första av varje slag)",
    )

    mall = add("mall", help="skriv en tom inmatningsmall (xlsx) med rullgardinslistor")
    mall.add_argument("out", type=Path, help="t.ex. data/raw/mall.xlsx")
    mall.add_argument(
        "--project",
        type=Path,
        default=Path("params/project.yaml"),
        help="projektets konfiguration (arbetspaket och ordlistor till rullgardinerna)",
    )
    mall.add_argument("--force", action="store_true", help="skriv över en befintlig fil")
    return p


def _setup_logging(quiet: bool) -> None:
    # Progress goes to stdout; stderr carries only the one-line reason when something fails.
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(SwedishClockFormatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger = logging.getLogger("hso_eval")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO)
    handler.setLevel(logging.WARNING if quiet else logging.INFO)
    logger.propagate = False


#: How many problems of each kind `check` lists without --alla.
CHECK_LIST_LIMIT = 20


def _cmd_run(args: argparse.Namespace) -> int:
    from hso_eval.config import load_params
    from hso_eval.paths import display
    from hso_eval.runner import run_period

    params = load_params(args.params)
    record = run_period(params, progress=sys.stderr.isatty() and not args.quiet)
    seconds = f"{record.seconds:.1f}".replace(".", ",")
    print(
        f"{record.period}: klar på {seconds} s – {display(params.output_dir)}"
        f"{record.quarantine_note()}"
    )
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from hso_eval.clean import clean_inputs
    from hso_eval.config import KEY_ENV, load_params

    params = load_params(args.params)
    key_file = params.pseudonym_key_file
    if (key_file is None and not os.environ.get(KEY_ENV)) or (
        key_file is not None and not _readable(key_file)
    ):
        # Whoever keeps the sheets may not hold the key (nor the key file the period file
        # names): `check` shows no pseudonym, and any key finds the same rows, duplicates and
        # problems.
        import secrets

        key = secrets.token_bytes(32)
        print(
            "Ingen pseudonymnyckel här: kontrollen använder en tillfällig nyckel, som ger "
            "samma rader, dubbletter och problem. hso-eval run behöver nyckeln."
        )
    else:
        key = params.load_key()
        exposed = params.key_file_exposed(key)
        if exposed:
            print(exposed)
    for notice in params.notices():
        print(notice)
    clean = clean_inputs(params, key)
    for a in clean.accounts:
        print(a.summary())
    from hso_eval.quality import unknown_column_notes

    for note, _ in unknown_column_notes(clean):
        print(note)
    from hso_eval.paths import display
    from hso_eval.report import narrative_problems

    shown = display(params.narrative) if params.narrative else ""
    for problem in [*clean.narrative_notices, *narrative_problems(clean.narrative, shown)]:
        print(problem)
    if not args.quiet:
        limit = None if args.alla else CHECK_LIST_LIMIT
        for title, issues in (
            ("Problem som lägger rader i karantän", clean.quarantine),
            ("Varningar", clean.warnings),
            ("Sammanslagna dubbletter", clean.merges),
        ):
            _print_issues(title, issues["message"].tolist(), limit)
    # The last line, which a reader of a long list sees first: what a run would leave out too.
    held = sum(a.quarantined for a in clean.accounts)
    warnings = len(clean.warnings)
    print(
        f"{held} {'rad' if held == 1 else 'rader'} i karantän, "
        f"{warnings} {'varning' if warnings == 1 else 'varningar'}; inget publicerat."
    )
    return EXIT_OK


def _readable(path: Path) -> bool:
    """True when this account can open `path` to read it (a file, not a folder)."""
    try:
        with path.open("rb"):
            return True
    except OSError:
        return False


def _print_issues(title: str, messages: list[str], limit: int | None) -> None:
    """`title` and its messages (each names file, row, column and value, personal data masked),
    the first `limit` of them when there are more."""
    if not messages:
        return
    print(f"{title} ({len(messages)}):")
    for message in messages[:limit]:
        print(f"  {message}")
    if limit is not None and len(messages) > limit:
        print(f"  … och {len(messages) - limit} till (--alla listar alla).")


def _cmd_run_all(args: argparse.Namespace) -> int:
    from hso_eval.scheduler import run_all

    return run_all(args.params_dir, force=args.force, quiet=args.quiet)


def _cmd_mall(args: argparse.Namespace) -> int:
    from hso_eval.config import load_project
    from hso_eval.template import write_template

    out = write_template(args.out, load_project(args.project), overwrite=args.force)
    print(f"Mallen är sparad: {out}")
    return EXIT_OK


COMMANDS = {"run": _cmd_run, "run-all": _cmd_run_all, "check": _cmd_check, "mall": _cmd_mall}


def _raise_terminated(signum: int, frame: object) -> None:
    raise Terminated()


@contextlib.contextmanager
def _sigterm_interrupts() -> Iterator[None]:
    """SIGTERM (systemd stopping the service, `kill`) stops a run the way Ctrl+C does: the
    staging folder is removed, the failed copy kept, the lock released, one line said.
    Without this, SIGTERM ended the process on the spot and left all of that undone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stdout_closed() -> bool:
    """True when stdout is a pipe whose reader has gone (POLLERR on its writing end)."""
    import select

    try:
        poll = select.poll()
        poll.register(sys.stdout.fileno(), select.POLLOUT)
        return any(event & select.POLLERR for _, event in poll.poll(0))
    except (AttributeError, OSError, ValueError):  # no poll (Windows), or no real stdout
        return False


def main(argv: Sequence[str] | None = None) -> int:
    skip_slow_optional_imports()
    # A log line to a closed pipe (`hso-eval run … | head`) is dropped, not answered with a
    # "--- Logging error ---" traceback per line; the run itself goes on.
    logging.raiseExceptions = False
    with _swedish_argparse():
        args = _parser().parse_args(argv)
    _setup_logging(args.quiet)
    t0 = time.perf_counter()
    try:
        with _sigterm_interrupts():
            return COMMANDS[args.command](args)
    except HsoEvalError as exc:
        if args.debug:
            raise
        print(f"hso-eval: {exc}", file=sys.stderr)
        return exc.exit_code
    except Terminated:
        print("hso-eval: avbruten (SIGTERM).", file=sys.stderr)
        return EXIT_TERMINATED
    except KeyboardInterrupt:
        print("hso-eval: avbruten (Ctrl+C).", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:  # an unexpected fault: one line, the traceback only with --debug
        if isinstance(exc, BrokenPipeError) and _stdout_closed():
            # The reader of stdout left (`hso-eval check … | head`): nothing more can be shown.
            # Python would report the closed pipe again when it flushes stdout on exit.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return EXIT_OK
        if args.debug:
            raise
        print(
            f"hso-eval: oväntat fel ({type(exc).__name__}: {exc}). Kör igen med --debug och "
            "skicka utskriften till den som underhåller hso_eval.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        logging.getLogger("hso_eval").debug("totalt %.2f s", time.perf_counter() - t0)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
