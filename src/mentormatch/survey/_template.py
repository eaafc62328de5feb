"""The survey template and the shipped example export."""

from __future__ import annotations

from collections.abc import Sequence
from importlib.resources import files
from pathlib import Path

from mentormatch.io import atomic_write_text, csv_text
from mentormatch.survey._schema import TEXT_FIELDS, SurveySchema
from mentormatch.topics import PILOT_TOPICS

__all__ = ["example_survey_path", "survey_template"]


def _columns(schema: SurveySchema, topics: Sequence[str]) -> list[str]:
    out: list[str] = []
    # Optional columns (track and the must-haves, availability, choices) are left to the director.
    text = [n for n in TEXT_FIELDS if n != "track"]
    for name in ("id", "role", *text, "career_stage", "newcomer", "supervisors",
                 "leads_divisions", "types", "modalities", "capacity", "demand",
                 "trained_abroad", "relocated", "buddy_capacity", "task_capacity",
                 "tasks_use_capacity", "min_load"):
        names = getattr(schema, name)
        if names:
            out.append(names[0])
    out.extend(f"{schema.topics[0]} [{t[:1].upper()}{t[1:]}]" for t in topics)
    for name in ("other_topics", "tasks"):
        names = getattr(schema, name)
        if names:
            out.append(names[0])
    return out


def survey_template(path: str | Path | None = None, *, schema: SurveySchema | None = None,
                    topics: Sequence[str] | None = None) -> str:
    """Return (and optionally write) an empty survey CSV whose header the schema reads.

    Parameters
    ----------
    path : str or Path, optional
        Where to write the template (atomically).
    schema : SurveySchema, default=SurveySchema.default()
    topics : sequence of str, optional
        One ``Topics [...]`` column per topic; default: the schema's vocabulary, else
        the pilot study's topics.

    Examples
    --------
    >>> header = survey_template().splitlines()[0]
    >>> header.split(",")[:3], "Topics [Clinical work]" in header
    (['ID', 'Role', 'Name'], True)
    """
    schema = schema if schema is not None else SurveySchema.default()
    if topics is None:
        topics = schema.vocabulary.topics if schema.vocabulary is not None else PILOT_TOPICS
    text = csv_text(_columns(schema, topics), [])
    if path is not None:
        atomic_write_text(path, text)
    return text


def example_survey_path() -> Path:
    """Return the path of the shipped example export: 7 new faculty, 33 volunteer mentors.

    The people of :func:`mentormatch.example_cohort`, as a survey tool exports them
    (one column per topic holding interest levels; the director's forbidden pair
    is not survey data and is absent). Read it with the pilot vocabulary.

    Examples
    --------
    >>> example_survey_path().name
    'pilot_survey.csv'
    """
    return Path(str(files("mentormatch").joinpath("data/pilot_survey.csv")))
