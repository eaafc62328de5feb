"""Must-have answers of one survey row: which rules a person states, each answer accounted for.

A mentee states rules ("Same site", "Mentor must offer research") in a
multi-select ``must_haves`` column, in a ``must_offer`` column of topics, or in
yes/no questions (``must_have_questions``); a mentor states whom they accept
in ``mentee_tracks`` and ``mentee_stages``. Every answer becomes a rule, is
mapped by ``values[field]`` (to a rule, a topic, a track or a stage, or to
``None``: no rule), or is a problem of the row: nothing is dropped unsaid.
"""

from __future__ import annotations

from collections.abc import Callable

from mentormatch.errors import MentorMatchError
from mentormatch.models import MustHave, parse_must_have
from mentormatch.survey._people import is_no_one
from mentormatch.survey._report import Level
from mentormatch.survey._schema import SurveySchema, as_items, key
from mentormatch.topics import TopicVocabulary

__all__ = ["RULE_FIELDS", "STAGE_WORDS", "read_rules"]

#: Multi-select columns holding must-haves, and the role whose rules they are.
RULE_FIELDS = {"must_haves": "mentee", "must_offer": "mentee", "mentee_tracks": "mentor",
               "mentee_stages": "mentor"}
#: Career-stage answers (first word of the answer).
STAGE_WORDS = {"early": "early", "mid": "mid", "middle": "mid", "late": "late",
               "senior": "late"}
_NO_RULE = frozenset({"no preference", "no preferences", "any", "anyone", "all",
                      "no must haves", "nothing"})

Mapped = Callable[[str, str, str], tuple[bool, object]]  # (field, column, answer) -> hit, value
Problem = Callable[[str, str], None]  # (column, message)
Note = Callable[[Level, str, str], None]  # (level, column, message)


def read_rules(answers: dict[str, list[tuple[str, str]]], questions: list[tuple[str, str, str]],
               schema: SurveySchema, vocab: TopicVocabulary | None, *, mapped: Mapped,
               problem: Problem, note: Note) -> list[tuple[str, str, MustHave]]:
    """Return (role, column, rule without its owner) for every must-have a row states.

    ``answers`` holds each rule field's (column, answer) pieces; ``questions``
    holds (column, rule phrase, cell) of the yes/no questions answered.

    Examples
    --------
    >>> said: list[str] = []
    >>> rules = read_rules(
    ...     {"must_haves": [("Must-haves", "Same site"), ("Must-haves", "No preference")],
    ...      "mentee_tracks": [("Accepts", "PhD")]},
    ...     [("Mentor at my site?", "same site", "No")], SurveySchema(), None,
    ...     mapped=lambda f, c, a: (False, None), problem=lambda c, m: said.append(m),
    ...     note=lambda lvl, c, m: said.append(m))
    >>> [(role, column, rule.rule) for role, column, rule in rules]
    [('mentee', 'Must-haves', 'same site'), ('mentor', 'Accepts', 'mentee track must be phd')]
    >>> said
    ["'No preference' states no must-have"]
    """
    out: list[tuple[str, str, MustHave]] = []
    for field, pieces in answers.items():
        role, values, columns = RULE_FIELDS[field], [], []
        for column, answer in pieces:
            hit, value = mapped(field, column, answer)
            if hit and value is None or not hit and (is_no_one(answer)
                                                     or key(answer) in _NO_RULE):
                if not hit:
                    note("info", column, f"{answer!r} states no must-have")
                continue
            # a map may name several topics or tracks for one answer: each is stated
            texts = [str(v) for v in as_items(value)] if hit else [answer]
            for text in texts:
                try:
                    found = _read_one(field, text, vocab, column)
                except MentorMatchError as exc:
                    hint = (f" (map answers to rules with values={{{field!r}: {{{answer!r}: "
                            "'same site'}})" if field == "must_haves" else "")
                    problem(column, f"{exc}{hint}")
                    continue
                if isinstance(found, MustHave):
                    out.append((role, column, found))
                elif found is None:
                    problem(column, f"unknown career stage {answer!r}; expected early, mid "
                                    "or late (or map answers with values={'mentee_stages': "
                                    "...})")
                else:
                    values.append(found)
                    columns.append(column)
        if values:
            kind = "mentee_track" if field == "mentee_tracks" else "mentee_stage"
            out.append((role, " + ".join(dict.fromkeys(columns)),
                        MustHave(kind=kind, values=values)))
    for column, phrase, cell in questions:
        flag = schema.is_true(cell)
        if flag is None:
            problem(column, f"expected yes or no, got {cell!r}")
        elif flag:
            out.append(("mentee", column, parse_must_have(phrase)))
    return out


def _read_one(field: str, text: str, vocab: TopicVocabulary | None,
              column: str) -> MustHave | str | None:
    """Read one answer of a rule field: a rule, a track or stage (None: not a stage)."""
    if field == "must_haves":
        return parse_must_have(text)
    if field == "must_offer":
        topic = vocab.canonical(text, where=column) if vocab else text
        return MustHave(kind="mentor_offers", topic=topic)
    if field == "mentee_stages":
        words = key(text).split()
        return STAGE_WORDS.get(words[0]) if words else None
    return text
