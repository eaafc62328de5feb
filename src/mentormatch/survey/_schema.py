"""How a survey export's columns map onto mentees and mentors: :class:`SurveySchema`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from mentormatch.errors import InvalidInputError, MentorMatchError
from mentormatch.models import ValidatedModel
from mentormatch.topics import TopicVocabulary, normalize_topic

__all__ = ["Role", "SurveySchema", "key"]

Role = Literal["mentee", "mentor", "both"]


def key(text: str) -> str:
    """Return the comparison form of a header or answer ('' when nothing is left)."""
    try:
        return normalize_topic(text)
    except MentorMatchError:
        return ""


def _names(value: Any) -> Any:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(value)
    return value


def _keyed(value: Any) -> Any:
    if isinstance(value, dict):
        return {key(str(k)): v for k, v in value.items() if key(str(k))}
    return value


Names = Annotated[tuple[str, ...], BeforeValidator(_names)]
OptNames = Annotated[tuple[str, ...] | None, BeforeValidator(_names)]
Words = Annotated[tuple[str, ...], BeforeValidator(_names)]

_ROLE_VALUES: dict[str, Role] = {
    "mentee": "mentee", "mentees": "mentee", "new faculty": "mentee", "receive": "mentee",
    "receive mentorship": "mentee", "protege": "mentee", "looking for a mentor": "mentee",
    "mentor": "mentor", "mentors": "mentor", "give": "mentor", "give mentorship": "mentor",
    "offer mentorship": "mentor", "provide mentorship": "mentor", "volunteer": "mentor",
    "volunteer mentor": "mentor",
    "both": "both", "mentor and mentee": "both", "mentee and mentor": "both",
}
_LIKERT: dict[str, float] = {
    "not interested": 0.0, "not at all interested": 0.0, "no interest": 0.0,
    "slightly interested": 0.25, "a little interested": 0.25,
    "somewhat interested": 0.5, "moderately interested": 0.5, "neutral": 0.5,
    "interested": 0.75, "quite interested": 0.75,
    "very interested": 1.0, "extremely interested": 1.0,
}
_TRUE = ("yes", "y", "1", "x", "true", "checked", "selected", "✓", "✔")
_FALSE = ("no", "n", "0", "false", "unchecked", "not selected", "-")


class SurveySchema(ValidatedModel):
    """Which columns of a survey export hold which fields, and how answers are written.

    Every column field takes one header name or several alternatives (the first
    present wins); headers match ignoring case, spaces and dashes. ``None``
    means the survey has no such column.

    Topics (and mentorship types, modalities) are read from a multi-select
    column named ``topics`` whose cells list options separated by one of
    ``separators``, and/or from one column per option: ``Topics [Clinical work]``
    (Google Forms), ``Topics - Clinical work`` (Qualtrics), ``Topics: Clinical
    work`` (Opinio), or SurveyMonkey's two header rows (``subheader=True``). An
    option cell holds a yes-word (``Yes``, ``1``, ``x``, ``TRUE``), the option text,
    or an interest level (``Not interested`` = 0 ... ``Very interested`` = 1)
    which becomes the topic's weight; with ``topic_answers="likert"`` numbers
    ``1..likert_points`` are read as interest levels instead of yes/no. An
    option column named "Other" feeds ``other_topics``.

    Parameters
    ----------
    id, role, name, email, division, site, career_stage, newcomer, supervisors, \
leads_divisions, types, modalities, capacity, demand, topics, other_topics, \
gender, background, concordance : str or tuple of str or None
        Header names of each field. ``id`` and ``topics`` are required; ``role`` may
        be ``None`` when mentees and mentors come in two files.
    role_values : dict of str to {"mentee", "mentor", "both"}
        Answers of the role column (normalised) and the role each means.
    separators : tuple of str, default=(";", ",")
        Multi-select separators; the first one present in a cell splits it.
    topic_answers : {"checkbox", "likert"}, default="checkbox"
    likert_points : int, default=5
    likert_labels : dict of str to float
        Interest labels and their weights in [0, 1]; 0 drops the topic.
    true_values, false_values : tuple of str
        Yes/no words for option cells and the newcomer column.
    header_row : int, default=1
        Spreadsheet row of the header (Qualtrics: 2). ``data_row`` is the first
        answer row (default: the row after the header(s); Qualtrics: 4).
    subheader : bool, default=False
        The row under the header names the options (SurveyMonkey).
    delimiter, encoding : str, optional
        CSV delimiter (default: sniffed among ``,`` ``;`` tab) and text encoding
        (default: UTF-8, with or without BOM, or UTF-16 with BOM).
    sheet : str, optional
        Worksheet of an XLSX file (default: the first).
    unknown_supervisors : {"error", "ignore"}, default="error"
        What to do with a supervisor who is nobody in the survey (by id, e-mail or name).
    vocabulary : TopicVocabulary, optional
        Canonical topics and aliases; unknown topics are then reported.

    Examples
    --------
    >>> schema = SurveySchema(id="Email", role=None, topics="Areas")
    >>> schema.id, schema.topics, schema.capacity
    (('Email',), ('Areas',), ('Capacity', 'How many mentees can you take?'))
    >>> SurveySchema.from_json(schema.model_dump_json()) == schema
    True
    """

    id: Names = ("ID",)
    role: OptNames = ("Role",)
    name: OptNames = ("Name", "Full name")
    email: OptNames = ("Email", "E-mail", "Email address")
    division: OptNames = ("Division",)
    site: OptNames = ("Site",)
    career_stage: OptNames = ("Career stage",)
    newcomer: OptNames = ("Newcomer",)
    supervisors: OptNames = ("Supervisor IDs", "Supervisors")
    leads_divisions: OptNames = ("Leads divisions",)
    types: OptNames = ("Mentorship types",)
    modalities: OptNames = ("Meeting modalities",)
    capacity: OptNames = ("Capacity", "How many mentees can you take?")
    demand: OptNames = ("Mentors wanted", "How many mentors would you like?")
    topics: Names = ("Topics",)
    other_topics: OptNames = ("Other topics",)
    gender: OptNames = None
    background: OptNames = None
    concordance: OptNames = None

    role_values: Annotated[dict[str, Role], BeforeValidator(_keyed)] = Field(
        default_factory=lambda: dict(_ROLE_VALUES))
    separators: Words = (";", ",")
    topic_answers: Literal["checkbox", "likert"] = "checkbox"
    likert_points: Annotated[int, Field(ge=2)] = 5
    likert_labels: Annotated[dict[str, Annotated[float, Field(ge=0, le=1)]],
                             BeforeValidator(_keyed)] = Field(
        default_factory=lambda: dict(_LIKERT))
    true_values: Words = _TRUE
    false_values: Words = _FALSE
    header_row: Annotated[int, Field(ge=1)] = 1
    data_row: Annotated[int, Field(ge=2)] | None = None
    subheader: bool = False
    delimiter: Annotated[str, Field(min_length=1, max_length=1)] | None = None
    encoding: str | None = None
    sheet: str | None = None
    unknown_supervisors: Literal["error", "ignore"] = "error"
    vocabulary: TopicVocabulary | None = None

    @classmethod
    def default(cls) -> SurveySchema:
        """Return the schema of the shipped template and example export.

        Examples
        --------
        >>> SurveySchema.default().topics
        ('Topics',)
        """
        return cls()

    @classmethod
    def from_json(cls, source: str | Path) -> SurveySchema:
        """Load a schema from a JSON file path or JSON text (as ``--schema schema.json``).

        Raises
        ------
        InvalidInputError
            If the file cannot be read or the JSON does not describe a valid schema.

        Examples
        --------
        >>> SurveySchema.from_json('{"id": "Email", "separators": [";"]}').separators
        (';',)
        """
        text = str(source)
        if isinstance(source, Path) or not text.lstrip().startswith("{"):
            try:
                text = Path(source).read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                raise InvalidInputError(
                    f"cannot read schema file {str(source)!r}: {exc}") from None
        try:
            return cls.model_validate_json(text)
        except InvalidInputError as exc:
            where = text if len(text) < 40 else text[:37] + "..."
            raise InvalidInputError(f"schema {where!r}: {exc}") from None

    def is_true(self, cell: str) -> bool | None:
        """Return True/False for a yes/no word, None for anything else."""
        k = key(cell) or cell.strip()
        if k in {key(w) or w.strip() for w in self.true_values}:
            return True
        if k in {key(w) or w.strip() for w in self.false_values}:
            return False
        return None

