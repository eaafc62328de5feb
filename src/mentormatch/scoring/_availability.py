"""Meeting in work hours: the overlap criterion, the must-share rule, suggested slots.

Every person's availability becomes a row of 15-minute cells on one UTC week
(clipped to the program's work hours in their own time zone, see
:class:`mentormatch.models.Schedule`), then the cells where a meeting of the
program's length can start. People with the same cells (and, for mentees, the
same time zone, in which reasons are written) share a code, so the
criterion is a :class:`CodedCriterion`: the dense matrix, blocks of rows and
listed pairs read one lookup table, and the hard rule is a boolean table on
the same codes (:class:`SlotRule`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from mentormatch.models import DAY_NAMES, Cohort, Mentee, Mentor, Schedule
from mentormatch.scoring._base import ScoreTable, join_words
from mentormatch.scoring._builtin import Kernels, table_of
from mentormatch.scoring._coded import CodedCriterion, codes
from mentormatch.scoring._topic_fit import TopicMatrices

__all__ = ["AvailabilityScorer", "SlotRule", "schedule_of", "slot_rule", "suggested_slots"]

BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

_CELL = 15
_WEEK = 7 * 24 * 60 // _CELL


def schedule_of(cohort: Cohort) -> Schedule:
    """Return the cohort's schedule, or the default one (Monday to Friday, 09:00-17:00, UTC)."""
    return cohort.schedule if cohort.schedule is not None else Schedule()


def _local_minutes(schedule: Schedule, zone: str) -> IntArray:
    """Minute of the local week at which each UTC cell starts, in ``zone``."""
    shift = np.array(schedule.offsets(zone), dtype=np.int64)
    utc = np.arange(_WEEK, dtype=np.int64) * _CELL
    out: IntArray = (utc + shift[utc // 1440]) % (7 * 1440)
    return out


@dataclass(frozen=True, eq=False)
class _Codes:
    """Distinct meeting-start rows of each side, and who has which."""

    e_code: IntArray
    r_code: IntArray
    e_starts: BoolArray  # (n_e_codes, WEEK)
    r_starts: BoolArray
    e_stated: BoolArray  # per code: gave any availability
    r_stated: BoolArray
    e_zone: list[str]  # per code: the mentees' time zone


def _side(schedule: Schedule, people: tuple[object, ...], zones: list[str]
          ) -> tuple[IntArray, BoolArray, BoolArray, IntArray]:
    rows = [(getattr(p, "availability", ()), getattr(p, "site", None)) for p in people]
    starts = schedule.meeting_starts(schedule.grids(rows))
    stated = np.array([bool(slots) for slots, _ in rows], dtype=np.uint8).reshape(-1, 1)
    zone_no = {z: k for k, z in enumerate(dict.fromkeys(zones))}
    zone = np.array([zone_no[z] for z in zones], dtype=np.uint8).reshape(-1, 1)
    keys = np.concatenate([stated, zone, np.packbits(starts, axis=1)], axis=1)
    uniq, code = codes(keys)
    uniq_starts = np.unpackbits(uniq[:, 2:], axis=1)[:, :_WEEK].astype(bool)
    first = np.zeros(uniq.shape[0], dtype=np.int64)
    first[code[::-1]] = np.arange(code.size)[::-1]
    return code, uniq_starts, uniq[:, 0].astype(bool), first


def _codes(cohort: Cohort) -> _Codes:
    schedule = schedule_of(cohort)
    e_zones = [schedule.zone_of(p.site) for p in cohort.mentees]
    e_code, e_starts, e_stated, first = _side(schedule, cohort.mentees, e_zones)
    r_code, r_starts, r_stated, _ = _side(schedule, cohort.mentors, ["" for _ in cohort.mentors])
    return _Codes(e_code, r_code, e_starts, r_starts, e_stated, r_stated,
                  [e_zones[k] for k in first.tolist()])


@dataclass(frozen=True, eq=False)
class SlotRule:
    """The must-share rule as a boolean table on availability codes.

    ``allowed[e_code[i], r_code[j]]`` says whether mentee ``i`` and mentor
    ``j`` may be matched: they share a meeting slot within work hours, or one
    of them gave no availability (exempt; ``exempt_mentees`` counts them).
    """

    e_code: IntArray
    r_code: IntArray
    allowed: BoolArray
    exempt_mentees: int
    exempt_mentors: int

    def dense(self) -> BoolArray:
        """Return the rule's mask over every pair, shape ``(n_mentees, n_mentors)``."""
        out: BoolArray = np.take(self.allowed[self.e_code], self.r_code, axis=1)
        return out

    def block(self, rows: IntArray, cols: IntArray) -> BoolArray:
        """Return the mask of some rows and columns (positions in the cohort)."""
        out: BoolArray = np.take(self.allowed[self.e_code[rows]], self.r_code[cols], axis=1)
        return out

    def pairs(self, e: IntArray, r: IntArray) -> BoolArray:
        """Return whether each listed pair ``(e[q], r[q])`` is allowed."""
        out: BoolArray = self.allowed[self.e_code[e], self.r_code[r]]
        return out


def slot_rule(cohort: Cohort) -> SlotRule | None:
    """Return the must-share rule of ``cohort``, or ``None`` when its schedule does not require it.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor, Schedule
    >>> c = Cohort(mentees=[Mentee(id="e", availability="Tue morning")],
    ...            mentors=[Mentor(id="r", availability="Tue 10:00-11:00"),
    ...                     Mentor(id="s", availability="Thu morning"), Mentor(id="t")],
    ...            schedule=Schedule(require_common_slot=True))
    >>> slot_rule(c).dense().tolist()
    [[True, False, True]]
    """
    if cohort.schedule is None or not cohort.schedule.require_common_slot:
        return None
    c = _codes(cohort)
    common = (c.e_starts.astype(np.float32) @ c.r_starts.T.astype(np.float32)) > 0
    allowed = common | ~c.e_stated[:, None] | ~c.r_stated[None, :]
    return SlotRule(c.e_code, c.r_code, allowed,
                    int((~c.e_stated[c.e_code]).sum()), int((~c.r_stated[c.r_code]).sum()))


def _common_days(c: _Codes, schedule: Schedule) -> IntArray:
    """Days (in the mentee's time) with a common meeting start, per pair of codes."""
    out = np.zeros((c.e_starts.shape[0], c.r_starts.shape[0]), dtype=np.int64)
    e_starts, r_starts = c.e_starts.astype(np.float32), c.r_starts.astype(np.float32)
    for zone in dict.fromkeys(c.e_zone):
        rows = np.array([k for k, z in enumerate(c.e_zone) if z == zone], dtype=np.int64)
        day = _local_minutes(schedule, zone) // 1440
        for d in range(7):
            cells = np.flatnonzero(day == d)
            out[rows] += (e_starts[np.ix_(rows, cells)] @ r_starts[:, cells].T) > 0
    return out


def _part(minute: int) -> str:
    return "morning" if minute < 12 * 60 else "afternoon" if minute < 17 * 60 else "evening"


def _free_words(starts: BoolArray, local: IntArray) -> str:
    """``"Tuesday and Thursday mornings"`` from common meeting starts."""
    by_part: dict[str, list[int]] = {}
    for minute in sorted(local[starts].tolist()):
        part, day = _part(minute % 1440), minute // 1440
        if day not in by_part.setdefault(part, []):
            by_part[part].append(day)
    phrases = []
    for part, days in sorted(by_part.items(), key=lambda kv: min(kv[1])):
        names = [DAY_NAMES[d] for d in sorted(days)]
        phrases.append(f"{join_words(names)} {part}{'s' if len(names) > 1 else ''}")
    return join_words(phrases)


def _availability_criterion(cohort: Cohort, name: str) -> CodedCriterion:
    schedule = schedule_of(cohort)
    c = _codes(cohort)
    days = _common_days(c, schedule)
    stated = c.e_stated[:, None] & c.r_stated[None, :]
    lut = np.where(stated, np.minimum(days, 2) / 2.0, 0.5)
    local = {z: _local_minutes(schedule, z) for z in dict.fromkeys(c.e_zone)}
    minutes = schedule.meeting_minutes

    def reason(u: int, v: int) -> str | None:
        if not (c.e_stated[u] and c.r_stated[v]):
            return None
        common = c.e_starts[u] & c.r_starts[v]
        if not common.any():
            return f"no common {minutes}-minute slot within work hours"
        return f"both free {_free_words(common, local[c.e_zone[u]])}"

    return CodedCriterion(name, c.e_code, c.r_code, lut, c.e_code, c.r_code, reason)


class AvailabilityScorer:
    """Meeting in work hours: on how many days mentee and mentor share a meeting slot.

    0 when both gave availability and share no slot within work hours, 0.5
    on one day, 1 on two days or more; 0.5 when either gave none. Slots are
    read in each person's site time zone (:class:`mentormatch.Schedule`). Not
    part of :func:`default_scorer`: compose it, e.g.
    ``WeightedScorer([(default_scorer(), 0.9), (AvailabilityScorer(), 0.1)])``.

    Examples
    --------
    >>> from mentormatch import Cohort, Mentee, Mentor
    >>> c = Cohort(mentees=[Mentee(id="e", availability="Tue morning; Thu morning")],
    ...            mentors=[Mentor(id="r", availability=["Tue 9-11", "Thu 10-12"])])
    >>> table = AvailabilityScorer().score(c)
    >>> float(table.mentee_scores[0, 0]), table.reasons(0, 0)
    (1.0, ('both free Tuesday and Thursday mornings',))
    """

    name = "availability"

    def score(self, cohort: Cohort) -> ScoreTable:
        """Score every pair by common meeting slots within work hours."""
        return table_of(self.kernels(cohort))

    def kernels(self, cohort: Cohort, topics: TopicMatrices | None = None) -> Kernels:
        """Return the criterion's kernel (``topics`` is not read)."""
        return ((_availability_criterion(cohort, self.name), 1.0),)


def _runs(mask: BoolArray) -> list[tuple[int, int]]:
    """Maximal runs of True as ``(first, end)`` cell indices."""
    edges = np.diff(np.concatenate([[0], mask.astype(np.int8), [0]]))
    return list(zip(np.flatnonzero(edges == 1).tolist(), np.flatnonzero(edges == -1).tolist(),
                    strict=True))


def _clock(minute: int) -> str:
    return f"{DAY_NAMES[minute // 1440 % 7][:3]} {minute % 1440 // 60:02d}:{minute % 60:02d}"


def suggested_slots(schedule: Schedule | None, mentee: Mentee, mentor: Mentor, *,
                    limit: int = 3) -> tuple[str, ...]:
    """First-meeting slots a pair shares within work hours, in the mentee's local time.

    One slot of the program's meeting length per common window, the first
    of each day, earliest in the week first (then further windows); the
    mentor's time is added when their time zone differs. Empty when either
    gave no availability or they share no slot.

    Parameters
    ----------
    schedule : Schedule or None
        The cohort's schedule (``cohort.schedule``); ``None`` for the default one.
    mentee, mentor : Mentee, Mentor
    limit : int, default=3

    Examples
    --------
    >>> from mentormatch import Mentee, Mentor
    >>> e = Mentee(id="e", availability="Tue morning; Thu afternoon")
    >>> r = Mentor(id="r", availability="Tue 10:00-12:00; Thu 13:00-17:00")
    >>> suggested_slots(None, e, r)
    ('Tue 10:00-11:00', 'Thu 13:00-14:00')
    """
    if not mentee.availability or not mentor.availability:
        return ()
    schedule = schedule if schedule is not None else Schedule()
    grids = schedule.grids([(mentee.availability, mentee.site),
                            (mentor.availability, mentor.site)])
    common = grids[0] & grids[1]
    e_zone, r_zone = schedule.zone_of(mentee.site), schedule.zone_of(mentor.site)
    e_local, r_local = _local_minutes(schedule, e_zone), _local_minutes(schedule, r_zone)
    length = schedule.meeting_minutes // _CELL
    found = sorted((int(e_local[first]), first) for first, end in _runs(common)
                   if end - first >= length)
    first_of_day = {f[0] // 1440: f for f in reversed(found)}
    picked = sorted(first_of_day.values())
    picked += [f for f in found if f not in picked]
    out = []
    for minute, cell in sorted(picked[:limit]):
        end = minute + schedule.meeting_minutes
        text = f"{_clock(minute)}-{end % 1440 // 60:02d}:{end % 60:02d}"
        if r_zone != e_zone:
            text += f" {e_zone} ({r_zone}: {_clock(int(r_local[cell]))})"
        out.append(text)
    return tuple(out)
