"""Weekly availability as time slots, and the program's work hours and time zones.

A person's availability is a tuple of :class:`TimeSlot` (``"Tue 09:00-12:00"``,
``"Tue morning"``, or a form's ``"Tuesday [Morning]"``), read in the local time
of the person's site. A :class:`Schedule` gives the program's work-hours window
(the pilot's participants met in work hours, on protected time), the time zone
of each site, the length of a meeting, and whether a pair must share a slot.

Times sit on a 15-minute grid; a named part of the day is a fixed window
(:data:`DAY_PARTS`), never guessed.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import zoneinfo
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Annotated, Any

import numpy as np
from numpy.typing import NDArray
from pydantic import Field, PlainSerializer, PlainValidator, WithJsonSchema, field_validator

from mentormatch.errors import InvalidSlotError, shorten
from mentormatch.models._base import ValidatedModel

__all__ = [
    "DAY_NAMES",
    "DAY_PARTS",
    "GRID_MINUTES",
    "Schedule",
    "Slot",
    "TimeSlot",
    "WEEK_CELLS",
    "check_zone",
    "parse_day",
    "parse_slot",
    "parse_slots",
    "parse_window",
]

#: Days of the week, Monday first (``TimeSlot.day`` is the position here).
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
#: Named parts of a day and the window each stands for (minutes after midnight).
DAY_PARTS: dict[str, tuple[int, int]] = {
    "morning": (9 * 60, 12 * 60),
    "afternoon": (13 * 60, 17 * 60),
    "evening": (17 * 60, 20 * 60),
}
#: Slots start and end on this grid (minutes).
GRID_MINUTES = 15
#: Cells of one week on that grid.
WEEK_CELLS = 7 * 24 * 60 // GRID_MINUTES
BoolArray = NDArray[np.bool_]

_DAYS = {name.lower(): k for k, name in enumerate(DAY_NAMES)}
_DAYS.update({name.lower()[:3]: k for k, name in enumerate(DAY_NAMES)})
_DAYS.update({"tues": 1, "wed": 2, "weds": 2, "thur": 3, "thurs": 3})
_TIME = r"(\d{1,2})(?::(\d{2}))?"
_RANGE = re.compile(rf"^{_TIME}\s*(?:-|–|—|to)\s*{_TIME}$")
_SLOT = re.compile(r"^([a-z]+)\.?\s*[\[(]?\s*(.*?)\s*[\])]?$")


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True, order=True)
class TimeSlot:
    """One weekly window of availability, in the person's local time.

    Attributes
    ----------
    day : int
        0 for Monday to 6 for Sunday.
    start, end : int
        Minutes after midnight, ``start < end <= 1440``, on the 15-minute grid.

    Examples
    --------
    >>> s = parse_slot("tuesday 9-12")
    >>> s, str(s)
    (TimeSlot(day=1, start=540, end=720), 'Tue 09:00-12:00')
    """

    day: int
    start: int
    end: int

    def __str__(self) -> str:
        return f"{DAY_NAMES[self.day][:3]} {_clock(self.start)}-{_clock(self.end)}"


def _minutes(hours: str, mins: str | None, text: str) -> int:
    value = int(hours) * 60 + int(mins or 0)
    if int(hours) > 24 or int(mins or 0) > 59 or value > 24 * 60:
        raise InvalidSlotError(f"{shorten(text)}: {hours}:{mins or '00'} is not a time of day")
    if value % GRID_MINUTES:
        raise InvalidSlotError(f"{shorten(text)}: times must fall on the {GRID_MINUTES}-minute "
                               f"grid (xx:00, xx:15, xx:30, xx:45)")
    return value


def parse_window(text: str) -> tuple[int, int]:
    """Read ``"09:00-17:00"`` (or ``"9-17"``, or a part of the day) as minutes after midnight.

    Examples
    --------
    >>> parse_window("8:30-16:30"), parse_window("Morning")
    ((510, 990), (540, 720))
    """
    key = text.strip().lower()
    if key in DAY_PARTS:
        return DAY_PARTS[key]
    found = _RANGE.match(key)
    if not found:
        parts = ", ".join(DAY_PARTS)
        raise InvalidSlotError(f"cannot read {shorten(text)} as a time window; write it as "
                               f"'09:00-12:00' or as one of: {parts}")
    start = _minutes(found[1], found[2], text)
    end = _minutes(found[3], found[4], text)
    if start >= end:
        raise InvalidSlotError(f"{shorten(text)}: the window ends before it starts "
                               "(a slot cannot run past midnight)")
    return start, end


def parse_day(text: str) -> int:
    """Return the day number (Monday 0) of a day's name or its abbreviation.

    Examples
    --------
    >>> parse_day("Thurs"), parse_day("friday")
    (3, 4)
    """
    key = text.strip().lower().rstrip(".")
    if key not in _DAYS:
        raise InvalidSlotError(f"unknown day {shorten(text)}; expected one of: "
                               + ", ".join(DAY_NAMES))
    return _DAYS[key]


def parse_slot(value: Any) -> TimeSlot:
    """Read one time slot: ``"Tue 09:00-12:00"``, ``"tuesday 9-12"``, ``"Tue morning"``.

    The form-grid spelling ``"Tuesday [Morning]"`` is read too. A part of the
    day stands for the window :data:`DAY_PARTS` gives it.

    Raises
    ------
    InvalidSlotError
        Quoting the value, when it is not a slot.

    Examples
    --------
    >>> str(parse_slot("Thursday [Afternoon]"))
    'Thu 13:00-17:00'
    >>> parse_slot("Tue 9-25")
    Traceback (most recent call last):
    ...
    mentormatch.errors.InvalidSlotError: 'Tue 9-25': 25:00 is not a time of day
    """
    if isinstance(value, TimeSlot):
        return value
    if not isinstance(value, str):
        raise InvalidSlotError(f"a time slot is text such as 'Tue 09:00-12:00', got "
                               f"{shorten(value)}")
    found = _SLOT.match(value.strip().lower())
    if not found or not found[2]:
        raise InvalidSlotError(f"cannot read {shorten(value)} as a time slot; write it as "
                               "'Tue 09:00-12:00' or 'Tue morning'")
    try:
        day = parse_day(found[1])
    except InvalidSlotError as exc:
        raise InvalidSlotError(f"{shorten(value)}: {exc}") from None
    try:
        start, end = parse_window(found[2])
    except InvalidSlotError as exc:
        text = str(exc)
        inner = shorten(found[2])
        raise InvalidSlotError(text.replace(inner, shorten(value), 1) if text.startswith(inner)
                               else f"{shorten(value)}: {text}") from None
    return TimeSlot(day, start, end)


def parse_slots(value: Any) -> tuple[TimeSlot, ...]:
    """Read a person's slots: a list, or one text with slots separated by ``;``, ``,`` or lines.

    Duplicates are dropped; the order is the week's.

    Examples
    --------
    >>> [str(s) for s in parse_slots("Thu 14:00-15:00; Tue morning")]
    ['Tue 09:00-12:00', 'Thu 14:00-15:00']
    """
    if isinstance(value, str):
        value = [part for part in re.split(r"[;,\n]", value) if part.strip()]
    if not isinstance(value, list | tuple | set | frozenset):
        raise InvalidSlotError(f"availability is a list of slots such as 'Tue 09:00-12:00', "
                               f"got {shorten(value)}")
    return tuple(sorted({parse_slot(item) for item in value}))


#: A person's availability field: slots read by :func:`parse_slots`, written as text.
Slot = Annotated[TimeSlot, PlainValidator(parse_slot), PlainSerializer(str, return_type=str),
                 WithJsonSchema({"type": "string", "examples": ["Tue 09:00-12:00"]})]


def _window(value: Any) -> tuple[int, int]:
    if isinstance(value, tuple | list) and len(value) == 2 and all(
            isinstance(v, int) and not isinstance(v, bool) for v in value):
        return _check_window(int(value[0]), int(value[1]))
    if not isinstance(value, str):
        raise InvalidSlotError(f"work_hours is text such as '09:00-17:00', got {shorten(value)}")
    return parse_window(value)


def _check_window(start: int, end: int) -> tuple[int, int]:
    if not 0 <= start < end <= 24 * 60 or start % GRID_MINUTES or end % GRID_MINUTES:
        raise InvalidSlotError(f"work_hours ({start}, {end}) must be minutes after midnight on "
                               f"the {GRID_MINUTES}-minute grid, start before end")
    return start, end


def _days(value: Any) -> tuple[int, ...]:
    if isinstance(value, str):
        value = re.split(r"[;,\s]+", value.strip())
    if not isinstance(value, list | tuple | set | frozenset):
        raise InvalidSlotError(f"work_days is a list of days, got {shorten(value)}")
    out = set()
    for item in value:
        if isinstance(item, int) and not isinstance(item, bool) and 0 <= item <= 6:
            out.add(item)
        elif isinstance(item, str):
            out.add(parse_day(item))
        else:
            raise InvalidSlotError(f"unknown day {shorten(item)} in work_days")
    if not out:
        raise InvalidSlotError("work_days must name at least one day")
    return tuple(sorted(out))


@functools.lru_cache(maxsize=512)
def _offsets(zone: str, monday: dt.date) -> tuple[int, ...]:
    tz = zoneinfo.ZoneInfo(zone)
    out = []
    for d in range(7):
        noon = dt.datetime.combine(monday + dt.timedelta(days=d), dt.time(12), tzinfo=tz)
        offset = noon.utcoffset() or dt.timedelta(0)
        out.append(int(offset.total_seconds() // 60))
    return tuple(out)


def check_zone(name: str) -> str:
    """Return ``name`` if it is an IANA time zone (``"America/Halifax"``), else refuse it.

    Examples
    --------
    >>> check_zone("America/Halifax")
    'America/Halifax'
    """
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidSlotError(f"unknown time zone {shorten(name)}; use an IANA name such as "
                               "'America/Halifax' or 'UTC'") from None
    return name


WorkHours = Annotated[tuple[int, int], PlainValidator(_window),
                      PlainSerializer(lambda w: f"{_clock(w[0])}-{_clock(w[1])}", return_type=str),
                      WithJsonSchema({"type": "string", "examples": ["09:00-17:00"]})]
WorkDays = Annotated[tuple[int, ...], PlainValidator(_days),
                     PlainSerializer(lambda ds: [DAY_NAMES[d] for d in ds], return_type=list[str]),
                     WithJsonSchema({"type": "array", "items": {"type": "string"}})]


class Schedule(ValidatedModel):
    """When the program's pairs meet: work hours, work days, site time zones, meeting length.

    Parameters
    ----------
    work_hours : str, default="09:00-17:00"
        The work-hours window, in each person's local time.
    work_days : list of str, default=Monday to Friday
    time_zone : str, default="UTC"
        IANA zone of anyone whose site has no entry in ``site_time_zones``.
    site_time_zones : dict of str to str, default={}
        IANA zone of each site (``{"Halifax": "America/Halifax"}``).
    meeting_minutes : int, default=60
        How long a common slot must be to count (a multiple of 15).
    require_common_slot : bool, default=False
        The hard rule: a pair must share at least one such slot within work
        hours, or it is never matched (people who gave no availability are
        exempt, and the result's notes say how many they are).
    week_of : datetime.date, default=2027-01-04
        A day of the week whose time-zone offsets are used (daylight saving
        starts on different dates in different zones).

    Examples
    --------
    >>> s = Schedule(work_hours="8:30-16:30", site_time_zones={"Sydney": "America/Halifax"})
    >>> s.model_dump()["work_hours"], s.zone_of("Sydney"), s.zone_of(None)
    ('08:30-16:30', 'America/Halifax', 'UTC')
    """

    work_hours: WorkHours = (9 * 60, 17 * 60)
    work_days: WorkDays = (0, 1, 2, 3, 4)
    time_zone: str = "UTC"
    site_time_zones: dict[str, str] = Field(default_factory=dict)
    meeting_minutes: Annotated[int, Field(gt=0, le=24 * 60, multiple_of=GRID_MINUTES)] = 60
    require_common_slot: bool = False
    week_of: dt.date = dt.date(2027, 1, 4)

    @field_validator("time_zone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        return check_zone(value)

    @field_validator("site_time_zones")
    @classmethod
    def _known_zones(cls, value: Mapping[str, str]) -> dict[str, str]:
        return {site: check_zone(zone) for site, zone in value.items()}

    def zone_of(self, site: str | None) -> str:
        """Return the IANA time zone of a site (the program's ``time_zone`` if not listed)."""
        return self.site_time_zones.get(site, self.time_zone) if site else self.time_zone

    def offsets(self, zone: str) -> tuple[int, ...]:
        """Minutes a zone is ahead of UTC at noon on each day of the week of ``week_of``."""
        return _offsets(zone, self.week_of - dt.timedelta(days=self.week_of.weekday()))

    def grids(self, people: Sequence[tuple[tuple[TimeSlot, ...], str | None]]) -> BoolArray:
        """Each person's free time within work hours on one UTC week, in 15-minute cells.

        ``people`` are ``(availability, site)`` pairs; row ``k`` of the result
        (shape ``(len(people), WEEK_CELLS)``) marks person ``k``'s cells, cell
        0 starting on Monday 00:00 UTC of the week of ``week_of``.

        Examples
        --------
        >>> s = Schedule(work_hours="09:00-17:00")
        >>> int(s.grids([((parse_slot("Mon 08:00-10:00"),), None)]).sum())  # 09:00-10:00
        4
        """
        out = np.zeros((len(people), WEEK_CELLS), dtype=bool)
        seen: dict[tuple[tuple[TimeSlot, ...], str], BoolArray] = {}
        offsets: dict[str, tuple[int, ...]] = {}
        ws, we = self.work_hours
        for k, (slots, site) in enumerate(people):
            zone = self.zone_of(site)
            row = seen.get((slots, zone))
            if row is None:
                shift = offsets.setdefault(zone, self.offsets(zone))
                row = np.zeros(WEEK_CELLS, dtype=bool)
                for slot in slots:
                    lo, hi = max(slot.start, ws), min(slot.end, we)
                    if slot.day not in self.work_days or lo >= hi:
                        continue
                    first = (slot.day * 1440 + lo - shift[slot.day]) // GRID_MINUTES
                    cells = np.arange(first, first + (hi - lo) // GRID_MINUTES) % WEEK_CELLS
                    row[cells] = True
                seen[(slots, zone)] = row
            out[k] = row
        return out

    def meeting_starts(self, grids: BoolArray) -> BoolArray:
        """Cells where a meeting of ``meeting_minutes`` can start, each row on its own."""
        out = grids.copy()
        for step in range(1, self.meeting_minutes // GRID_MINUTES):
            out &= np.roll(grids, -step, axis=-1)
        return out

    def shares_slot(self, a: tuple[TimeSlot, ...], a_site: str | None,
                    b: tuple[TimeSlot, ...], b_site: str | None) -> bool:
        """Whether two people share a meeting slot within work hours (yes if either gave none).

        Examples
        --------
        >>> s = Schedule(site_time_zones={"Halifax": "America/Halifax", "London": "Europe/London"})
        >>> tue = parse_slots("Tue 09:00-12:00")
        >>> s.shares_slot(tue, "Halifax", tue, "Halifax"), s.shares_slot(tue, "Halifax", tue,
        ...                                                                 "London")
        (True, False)
        """
        if not a or not b:
            return True
        starts = self.meeting_starts(self.grids([(a, a_site), (b, b_site)]))
        return bool((starts[0] & starts[1]).any())
