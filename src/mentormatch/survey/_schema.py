"""How a survey export's columns map onto mentees and mentors: :class:`SurveySchema`."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, model_validator

from mentormatch.errors import InvalidInputError, MentorMatchError
from mentormatch.models import (
    MODALITY_ALIASES,
    TYPE_ALIASES,
    Quota,
    ValidatedModel,
    parse_must_have,
)
from mentormatch.survey._presets import PRESETS, TOOL_SIGNATURES, Preset
from mentormatch.topics import TopicVocabulary, normalize_topic

__all__ = [
    "BOOL_FIELDS", "CHOICE_FIELDS", "COLUMN_FIELDS", "COUNT_FIELDS", "LIST_FIELDS",
    "MENTEE_ONLY", "MENTOR_ONLY", "RULE_COLUMNS", "Role", "SurveySchema", "TEXT_FIELDS",
    "TOPIC_FIELDS", "as_items", "key", "looks_like",
]

Role = Literal["mentee", "mentor", "both"]

TEXT_FIELDS = ("name", "email", "division", "site", "track", "gender", "background")
BOOL_FIELDS = ("newcomer", "trained_abroad", "relocated", "tasks_use_capacity")
COUNT_FIELDS = ("capacity", "demand", "buddy_capacity", "task_capacity", "min_load")
CHOICE_FIELDS = ("types", "modalities")
LIST_FIELDS = ("leads_divisions", "concordance")
TOPIC_FIELDS = ("topics", "tasks")
#: Multi-select columns of must-haves (a mentee's rules; whom a mentor accepts).
RULE_COLUMNS = ("must_haves", "must_offer", "mentee_tracks", "mentee_stages")
MENTEE_ONLY = ("demand", "tasks")
MENTOR_ONLY = ("capacity", "leads_divisions", "buddy_capacity", "task_capacity",
               "tasks_use_capacity", "min_load")
#: Every field read from a column, in the order of the template's columns.
COLUMN_FIELDS = ("id", "role", *TEXT_FIELDS, "career_stage", *BOOL_FIELDS[:1], "supervisors",
                 "leads_divisions", *CHOICE_FIELDS, "capacity", "demand", *BOOL_FIELDS[1:],
                 *COUNT_FIELDS[2:], "topics", "other_topics", "tasks", "concordance",
                 "choices", *RULE_COLUMNS)
_VALUE_FIELDS = ("role", *TEXT_FIELDS, "career_stage", *BOOL_FIELDS, "finished", *COUNT_FIELDS,
                 *CHOICE_FIELDS, *TOPIC_FIELDS, *LIST_FIELDS, *RULE_COLUMNS)
_DEFAULT_FIELDS = ("role", "division", "site", "career_stage", *BOOL_FIELDS, *COUNT_FIELDS,
                   *CHOICE_FIELDS)
_OPTION_FIELDS = (*TOPIC_FIELDS, *CHOICE_FIELDS, *RULE_COLUMNS)
_STAGES = ("early", "mid", "late")


def key(text: str) -> str:
    """Return the comparison form of a header or answer ('' when nothing is left)."""
    try:
        return normalize_topic(text)
    except MentorMatchError:
        return ""


def looks_like(header: list[str]) -> tuple[str, str] | None:
    """Return ``(preset, tool name)`` of the tool whose exports have this header, or None.

    Headers are compared by :func:`key`, as every header is.

    Examples
    --------
    >>> looks_like(["ID", "Start time", "Completion time", "Email", "Name"])
    ('microsoft_forms', 'Microsoft Forms')
    >>> looks_like(["ID", "Role"]) is None
    True
    """
    names = {key(h) for h in header}
    return next(((preset, tool) for preset, (tool, sign) in TOOL_SIGNATURES.items()
                 if names.issuperset(sign)), None)


def as_items(value: Any) -> list[Any]:
    """Return a list or tuple's items as a list, anything else as a list of itself.

    A mapped answer or a schema value may be one value or several.
    """
    return list(value) if isinstance(value, list | tuple) else [value]


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


def _tuples(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _names(v) for k, v in value.items()}
    return value


Names = Annotated[tuple[str, ...], BeforeValidator(_names)]
OptNames = Annotated[tuple[str, ...] | None, BeforeValidator(_names)]
Words = Annotated[tuple[str, ...], BeforeValidator(_names)]
WordLists = Annotated[dict[str, tuple[str, ...]], BeforeValidator(_tuples)]

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
    present wins), except ``topics``, whose columns present are all read and
    combined, and ``choices``, whose columns present are all read in order.
    Headers match ignoring case, spaces and dashes; a header row of codes
    (``code_row``, Qualtrics' Q-codes) or a data dictionary (REDCap) gives
    each column a second name. A field written ``"{First name} {Last
    name}"`` joins several columns. ``None`` means the survey has no such column.

    Topics (and mentorship types, modalities) are read from multi-select columns
    whose cells list options joined by one of ``separators``, and/or from one
    column per option: ``Topics [Clinical work]`` (Google Forms), ``Topics -
    Clinical work`` (Qualtrics), ``Topics (choice=Clinical work)`` (REDCap
    labels), ``topics___1`` (REDCap raw, with its data dictionary), or
    SurveyMonkey's two header rows (``subheader=True``). A multi-select cell is
    cut against the options the form offered (``options``, the vocabulary, the
    value maps' answers, the data dictionary), longest option first, so that an
    option containing the separator stays whole. An option cell holds a
    yes-word (``Yes``, ``1``, ``x``, ``Checked``), the option text, or an
    interest level (``Not interested`` = 0 ... ``Very interested`` = 1).

    Parameters
    ----------
    id, role, name, email, division, site, career_stage, newcomer, supervisors, \
leads_divisions, types, modalities, capacity, demand, trained_abroad, relocated, \
buddy_capacity, task_capacity, tasks_use_capacity, min_load, topics, other_topics, \
tasks, gender, background, concordance, choices, availability : str or tuple of str or None
        Header names of each field. ``id`` and ``topics`` are required; ``role``
        may be ``None`` when mentees and mentors come in two files. ``choices``
        are ranked choices of people on the other side (a mentee's mentors, a
        mentor's mentees): one column per rank (``"1st choice of mentor"``,
        ``"2nd choice of mentor"``, ...), one cell listing names in order, or
        a ranking question with one column per person holding the rank given
        (``Rank your mentors [Dr. Ana Diaz]`` = ``2`` or ``"2nd choice"``;
        Qualtrics' Rank Order by its code, ``"Q8"``; SurveyMonkey's Ranking
        under ``subheader``); names are resolved like supervisors (ids,
        e-mails, names with titles, accents, "Last, First") and each
        resolution is reported. A rank that is not a number, above the number
        of options or given twice is an error of the row.
        ``availability`` is a column of weekly slots (``"Tue 09:00-12:00; Thu
        morning"``) and/or a form's checkbox grid, one column per day
        (``Availability [Tuesday]``) whose cells list parts of the day
        (``Morning, Afternoon``); an answer that is not a slot is reported and
        left out.
    preset : {"google_forms", "microsoft_forms", "qualtrics", "redcap", "surveymonkey"}, optional
        Settings of one form tool (header rows, separators, id column, rows to
        skip); any key given explicitly wins over the preset's.
    values : dict of str to dict of str to value
        Per field, answers (text, code, or ``*`` pattern) and the value each
        stands for: ``{"demand": {"Yes": 2, "No": 1}, "role": {"Be mentored*":
        "mentee"}, "capacity": {"5 or more": 5}}``. Every mapping applied is reported.
    defaults : dict of str to value
        Values for blank answers or a missing column, stated by the director:
        ``{"capacity": 2}``. A default the schema does not state is a warning
        when it changes who is matched (capacity, demand).
    options : dict of str to tuple of str
        The options the form offered, per multi-select field (``topics``, ``tasks``,
        ``types``, ``modalities``).
    duplicates : {"error", "keep_last", "keep_first"}, default="error"
        Two rows of one person (same id and role; ids compared
        case-insensitively): an error, or keep the last (a resubmission) or the
        first; every merge is reported. The kept row's spelling of the id is
        the cohort's: rules naming the person must use it.
    finished, progress : str or tuple of str or None
        Columns saying whether a response was completed: ``finished`` holds
        a yes/no word, ``0``/``1``, ``Complete``/``Incomplete`` (Qualtrics'
        ``Finished``; REDCap's ``Complete?``, or ``<form>_complete`` = 0, 1, 2
        in a raw export: name that column), ``progress`` a percentage
        (Qualtrics' ``Progress``), read when ``finished`` is absent or blank.
    unfinished : {"exclude", "keep", "error"}, default="exclude"
        What to do with a response that is not finished: leave it out, read it
        as it is, or refuse the file. Each is listed in the read report; a row
        left out under the default the schema does not state is a warning.
    skip_rows : dict of str to tuple of str
        Rows to leave out, by column and answer (Qualtrics previews and tests);
        each is reported.
    must_differ : tuple of str, default=()
        Columns whose answers a mentee and a mentor must not share ("Lab",
        "Advisor"): every such pair is forbidden (answers compared ignoring
        case, accents and titles; blank and "N/A" share nothing). The field
        name ``"supervisors"`` compares the resolved supervisors instead.
    role_values : dict of str to {"mentee", "mentor", "both"}
        Built-in role words; ``values["role"]`` is tried first.
    separators : tuple of str, default=(";", ",")
        What multi-select answers are joined with.
    topic_answers : {"checkbox", "likert"}, default="checkbox"
    likert_points : int, default=5
    likert_labels : dict of str to float
        Interest labels and their weights in [0, 1]; 0 drops the topic.
    true_values, false_values : tuple of str
        Yes/no words for option cells and yes/no columns.
    header_row : int, default=1
        Spreadsheet row of the header (Qualtrics: 2). ``data_row`` is the first
        answer row (default: the row after the header(s); Qualtrics: 4).
        ``code_row`` is a row of column codes (Qualtrics: 1).
    subheader : bool, default=False
        The row under the header names the options (SurveyMonkey).
    delimiter, encoding : str, optional
        CSV delimiter (default: sniffed among ``,`` ``;`` tab) and text encoding
        (default: UTF-8, with or without BOM, or UTF-16 with BOM; ``"cp1252"``
        for a CSV saved by Excel on Western-European Windows).
    sheet : str, optional
        Worksheet of an XLSX file (default: the first).
    data_dictionary : str, optional
        Path of a REDCap data dictionary (CSV), or of a Qualtrics survey file
        (``.qsf``, "Export Survey" in Qualtrics): decodes raw REDCap exports and
        Qualtrics exports made with "Use numeric values".
    unknown_supervisors : {"error", "ignore"}, default="error"
        A supervisor answer naming nobody in the survey: an error, or kept as
        written (reported).
    unknown_choices : {"error", "ignore"}, default="error"
        A ranked choice naming nobody (or several people) on the other side:
        an error, or left out with a warning (later choices move up a rank).
    vocabulary : TopicVocabulary, optional
        Canonical topics and aliases; answers outside it are reported.
    track, must_haves, must_offer, mentee_tracks, mentee_stages : str or tuple of str or None
        Must-have columns (:class:`~mentormatch.MustHave`). ``track`` is a
        person's category ("PhD", "Postdoc"). A mentee's ``must_haves`` is a
        multi-select of rules in words ("Same site", "Different division",
        "Mentor must offer research"; map other wordings with
        ``values={"must_haves": {"My mentor must be at my site": "same site"}}``),
        ``must_offer`` a multi-select of topics the mentor must offer. A
        mentor's ``mentee_tracks`` ("PhD mentees only": ``PhD``) and
        ``mentee_stages`` (``Early career``) list the mentees they accept.
        "No preference", "N/A" (or an answer mapped to ``None``) states no
        rule; any other answer that is not a rule is a problem of its row.
    must_have_questions : dict of str to str
        Yes/no questions, each header and the rule a "yes" states for the
        mentee: ``{"My mentor must be at the same site": "same site"}``.
    program_must_haves : tuple of str, default=()
        Rules for every pair, in words (as ``Cohort(must_haves=...)``).
    quotas : tuple of Quota, default=()
        Group make-up rules for the cohort read (the objects of ``--quotas
        FILE``); quotas are program-wide, so a survey has no column for them.

    Examples
    --------
    >>> schema = SurveySchema(id="Email", role=None, topics="Areas")
    >>> schema.id, schema.topics, schema.capacity
    (('Email',), ('Areas',), ('Capacity', 'How many mentees can you take?'))
    >>> SurveySchema.from_json(schema.model_dump_json()) == schema
    True
    >>> SurveySchema(preset="qualtrics").header_row
    2
    >>> SurveySchema(topic="Areas")
    Traceback (most recent call last):
    ...
    mentormatch.errors.InvalidInputError: SurveySchema: unknown schema key 'topic'; did you ...
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
    trained_abroad: OptNames = ("Trained abroad",)
    relocated: OptNames = ("Relocated",)
    buddy_capacity: OptNames = ("Buddy capacity",)
    task_capacity: OptNames = ("Task capacity",)
    tasks_use_capacity: OptNames = ("Tasks use capacity",)
    min_load: OptNames = ("Minimum load", "Min load")
    topics: Names = ("Topics",)
    other_topics: OptNames = ("Other topics",)
    tasks: OptNames = ("Tasks",)
    gender: OptNames = None
    background: OptNames = None
    concordance: OptNames = None
    choices: OptNames = ("Ranked choices", "1st choice", "2nd choice", "3rd choice",
                         "4th choice", "5th choice")
    availability: OptNames = ("Availability", "When are you free?")
    track: OptNames = ("Track",)
    must_haves: OptNames = ("Must-haves",)
    must_offer: OptNames = ("Mentor must offer",)
    mentee_tracks: OptNames = ("Mentee tracks accepted",)
    mentee_stages: OptNames = ("Mentee career stages accepted",)
    must_have_questions: dict[str, str] = Field(default_factory=dict)
    program_must_haves: Words = ()
    quotas: tuple[Quota, ...] = ()

    preset: Preset | None = None
    values: dict[str, dict[str, Any]] = Field(default_factory=dict)
    defaults: dict[str, Any] = Field(default_factory=dict)
    options: WordLists = Field(default_factory=dict)
    duplicates: Literal["error", "keep_last", "keep_first"] = "error"
    finished: OptNames = ("Finished", "Complete?")
    progress: OptNames = ("Progress",)
    unfinished: Literal["exclude", "keep", "error"] = "exclude"
    skip_rows: WordLists = Field(default_factory=dict)
    must_differ: Words = ()
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
    code_row: Annotated[int, Field(ge=1)] | None = None
    subheader: bool = False
    delimiter: Annotated[str, Field(min_length=1, max_length=1)] | None = None
    encoding: str | None = None
    sheet: str | None = None
    data_dictionary: str | None = None
    unknown_supervisors: Literal["error", "ignore"] = "error"
    unknown_choices: Literal["error", "ignore"] = "error"
    vocabulary: TopicVocabulary | None = None

    @model_validator(mode="before")
    @classmethod
    def _known_keys_and_preset(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        for name in data:
            _check_name(name, list(cls.model_fields), "schema key")
        preset = data.get("preset")
        if preset is not None and preset not in PRESETS:
            close = difflib.get_close_matches(str(preset), list(PRESETS), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}? (" if close else ""
            raise InvalidInputError(f"unknown preset {preset!r}; {hint}known presets: "
                                    f"{', '.join(PRESETS)}{')' if close else ''}")
        return {**PRESETS[preset], **data} if preset is not None else data

    @model_validator(mode="after")
    def _check_maps(self) -> SurveySchema:
        for name, mapping in self.values.items():
            _check_name(name, _VALUE_FIELDS, "field in values")
            if not isinstance(mapping, dict):
                raise InvalidInputError(f"values[{name!r}] must map answers to values, got "
                                        f"{mapping!r}")
            for answer, value in mapping.items():
                check_value(name, value, f"values[{name!r}][{answer!r}]")
        for name, value in self.defaults.items():
            _check_name(name, _DEFAULT_FIELDS, "field in defaults")
            check_value(name, value, f"defaults[{name!r}]")
        for name in self.options:
            _check_name(name, _OPTION_FIELDS, "field in options")
        for name in self.skip_rows:
            if not key(name):
                raise InvalidInputError(f"skip_rows: {name!r} is not a column name")
        for name in COLUMN_FIELDS:
            for header in getattr(self, name) or ():
                _check_template(name, header)
        for where, phrase in (*((f"must_have_questions[{h!r}]", p)
                                for h, p in self.must_have_questions.items()),
                              *(("program_must_haves", p) for p in self.program_must_haves)):
            try:
                parse_must_have(phrase)
            except InvalidInputError as exc:
                raise InvalidInputError(f"{where}: {exc}") from None
        return self

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


def _check_name(name: str, known: list[str] | tuple[str, ...], what: str) -> None:
    if name in known:
        return
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    hint = f"; did you mean {close[0]!r}?" if close else f"; known: {', '.join(known)}"
    raise InvalidInputError(f"unknown {what} {name!r}{hint}")


def _check_template(name: str, header: str) -> None:
    if header.count("{") != header.count("}"):
        raise InvalidInputError(f"{name}: unbalanced braces in {header!r}; write "
                                "'{First name} {Last name}' to join columns")


def check_value(name: str, value: Any, where: str) -> None:
    """Raise :class:`InvalidInputError` unless ``value`` is valid for field ``name``."""
    ok: bool
    if value is None:
        ok = name not in ("role",)
    elif name == "role":
        ok = value in ("mentee", "mentor", "both")
    elif name in COUNT_FIELDS:
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 0
    elif name in (*BOOL_FIELDS, "finished"):
        ok = isinstance(value, bool)
    elif name == "career_stage":
        ok = value in _STAGES
    elif name == "mentee_stages":
        ok = all(v in _STAGES for v in as_items(value))
    elif name == "must_haves":
        try:
            for rule in as_items(value):
                parse_must_have(rule)
        except InvalidInputError as exc:
            raise InvalidInputError(f"{where}: {exc}") from None
        ok = True
    elif name in CHOICE_FIELDS:
        table = TYPE_ALIASES if name == "types" else MODALITY_ALIASES
        ok = all(isinstance(v, str) and (key(v) in table or v in table.values())
                 for v in as_items(value))
    else:
        ok = all(isinstance(v, str) and key(v) for v in as_items(value))
    if not ok:
        expected = {"role": "'mentee', 'mentor' or 'both'", "career_stage": "early, mid or late",
                    "mentee_stages": "early, mid or late (or a list of them)"}
        kind = ("a whole number >= 0" if name in COUNT_FIELDS else "true or false"
                if name in (*BOOL_FIELDS, "finished")
                else expected.get(name, "text (or a list of texts)"))
        raise InvalidInputError(f"{where}: {value!r} is not a valid {name}; expected {kind}")
