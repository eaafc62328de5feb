"""Settings of the common form tools' exports, as :class:`SurveySchema` presets.

Each preset records what the tool's documented export looks like; the
director still names the questions (their wording is the form's, not the
tool's).

``google_forms``
    "Download responses (.csv)": UTF-8, every cell quoted, a ``Timestamp``
    column, ``Email address`` when e-mails are collected, checkbox answers
    joined with ``", "`` (options containing a comma stay whole when the
    options are known), grids as ``Question [Row]`` (a grid of people by rank
    holds each person's rank label, ``"2nd choice"``). Resubmissions are kept
    as new rows (``duplicates="keep_last"`` keeps the latest).
``microsoft_forms``
    The responses workbook (.xlsx): ``ID`` (the response number, not a
    person), ``Start time``, ``Completion time``, ``Email``, ``Name``, then one
    column per question; multiple answers joined with ``";"`` and ended by one.
``qualtrics``
    CSV/TSV with three header rows: column codes (``Q3``, ``Q5_1``), question
    text (``Topics - Selected Choice``, ``Interest - Clinical work``) and
    import ids; answers from row 4; multiple answers joined with ``","``;
    preview, test and spam responses are skipped (``Status``); unfinished
    responses (``Finished``, ``Progress``) follow the schema's ``unfinished``.
    An export made with "Use numeric values" is decoded with the survey's
    ``.qsf`` file given as ``data_dictionary``. A Rank Order question is one
    column per option (``Q8_1``, ``Question - Option``) holding its rank.
``surveymonkey``
    "All individual responses" (.csv or .xlsx): ``Respondent ID``,
    ``Collector ID``, ``Start Date``, ``End Date``, ``IP Address``, ``Email
    Address``, ``First Name``, ``Last Name`` (filled for e-mail invitations),
    ``Custom Data 1``, then the questions over two header rows: the question
    once above its columns, and under it ``Response`` (one answer),
    ``Open-Ended Response`` (text) or, for a checkbox question, one column per
    option holding the option's text when ticked (``Other (please specify)``
    holds the typed text); a matrix has one column per row, holding the
    column's label; a Ranking question one column per option, holding its rank.
``redcap``
    Raw export (``record_id``, variable names, checkboxes as ``topics___1`` =
    0/1, coded radios; decoded with ``data_dictionary``) or labels export
    (field labels, checkboxes as ``Topics (choice=Clinical work)`` =
    Checked/Unchecked).
"""

from __future__ import annotations

from typing import Any, Literal

__all__ = ["PRESETS", "TOOL_SIGNATURES", "Preset"]

Preset = Literal["google_forms", "microsoft_forms", "qualtrics", "redcap", "surveymonkey"]

_QUALTRICS_SKIPPED = ("Survey Preview", "Survey Test", "Spam", "Preview Spam", "1", "2", "8",
                      "9")

PRESETS: dict[str, dict[str, Any]] = {
    "google_forms": {
        "id": ("Email address", "Email Address", "Email"),
        "separators": (", ",),
    },
    "microsoft_forms": {
        "id": ("Email", "E-mail"),
        "name": ("Name",),
        "separators": (";",),
    },
    "qualtrics": {
        "id": ("RecipientEmail", "Email"),
        "email": ("RecipientEmail", "Email"),
        "name": ("{RecipientFirstName} {RecipientLastName}",),
        "header_row": 2,
        "code_row": 1,
        "data_row": 4,
        "separators": (",",),
        "skip_rows": {"Status": _QUALTRICS_SKIPPED},
    },
    "redcap": {
        "id": ("record_id", "Record ID"),
        "separators": (", ",),
    },
    "surveymonkey": {
        "id": ("Email Address", "Email address"),
        "email": ("Email Address", "Email address"),
        "name": ("{First Name} {Last Name}",),
        "subheader": True,
    },
}


#: Each tool's name, and header names only it writes together (in the comparison form of
#: :func:`mentormatch.survey._schema.key`): to name the preset a director forgot.
TOOL_SIGNATURES: dict[str, tuple[str, tuple[str, ...]]] = {
    "qualtrics": ("Qualtrics", ("startdate", "responseid", "finished")),
    "surveymonkey": ("SurveyMonkey", ("respondent id", "collector id")),
    "microsoft_forms": ("Microsoft Forms", ("id", "start time", "completion time")),
    "redcap": ("REDCap", ("record id", "redcap survey identifier")),
}
