"""The Swedish clock: report times, log lines and folder names as the readers' clocks show them.

Light on purpose (no pandas): the command line's log lines use it before anything is read.
"""

from __future__ import annotations

import datetime as dt
import logging

#: The time zone the reports' readers live in: a run's time is shown as their clock shows it.
SWEDISH_TIME_ZONE = "Europe/Stockholm"


def _swedish_zone() -> dt.tzinfo | None:
    """Europe/Stockholm, or None where the time-zone database is missing (no system zoneinfo
    and no `tzdata` package)."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        return ZoneInfo(SWEDISH_TIME_ZONE)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None


def _to_moment(moment: object) -> dt.datetime:
    """An aware datetime from a datetime or an ISO string; a naive one is this machine's time."""
    if isinstance(moment, str):
        moment = dt.datetime.fromisoformat(moment)
    if not isinstance(moment, dt.datetime):
        raise TypeError(f"{moment!r} är ingen tidpunkt")
    return moment if moment.tzinfo is not None else moment.astimezone()


def swedish_time(moment: object) -> tuple[dt.datetime, bool]:
    """(`moment` on the Swedish clock, True), or (in UTC, False) without the tz database."""
    aware = _to_moment(moment)
    zone = _swedish_zone()
    if zone is None:
        return aware.astimezone(dt.UTC), False
    return aware.astimezone(zone), True


def swedish_moment_text(moment: object) -> str:
    """`moment` (a datetime or an ISO string) as Swedes write it: "2026-11-27 kl. 16.53" on the
    Swedish clock ("… 15.53 UTC" without the tz database); a text that is no moment as it is."""
    try:
        local, swedish = swedish_time(moment)
    except (TypeError, ValueError):
        return str(moment)
    return local.strftime("%Y-%m-%d kl. %H.%M") + ("" if swedish else " UTC")


def swedish_now() -> dt.datetime:
    """Now on the Swedish clock (in UTC without the tz database)."""
    return swedish_time(dt.datetime.now(dt.UTC))[0]


class SwedishClockFormatter(logging.Formatter):
    """A log formatter whose %(asctime)s is the Swedish clock's, whatever the machine's zone
    (a server often runs on UTC, while the report says "kl. 14.33"); "UTC" is added where the
    tz database is missing, so a log line never gives a time without saying which clock."""

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:
        local, swedish = swedish_time(dt.datetime.fromtimestamp(record.created, dt.UTC))
        if datefmt:
            text = local.strftime(datefmt)
        else:
            text = f"{local:%Y-%m-%d %H:%M:%S},{int(record.msecs):03d}"
        return text if swedish else f"{text} UTC"
