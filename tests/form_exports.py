"""One mentorship form, as each form tool exports it: writers, and the schema each needs.

The writers follow the tools' documented export formats (see
``tests/fixtures/forms/README.md``): they turn a list of :class:`Answer` into the
file(s) the tool would give the director, so that a generated cohort can be
written in each tool's shape and read back.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path

import mentormatch as mm

FORMS = Path(__file__).parent / "fixtures" / "forms"

TOPICS = ["Clinical work", "Research, scholarship and grants",
          "Teaching and curriculum development", "Quality improvement", "Work-life balance",
          "Leadership", "Wellness"]
TYPES = ["One-to-one", "Group", "Peer", "Task-focused (e.g., a QI project)"]
TYPE_VALUES = {"One-to-one": "one_to_one", "Group": "group", "Peer": "peer",
               "Task-focused (e.g., a QI project)": "task_focused"}
ROLES = {"mentee": "Be mentored (new faculty)", "mentor": "Mentor a new colleague",
         "both": "Both"}
CAPACITIES = ["1", "2", "3", "4", "5 or more"]

VOCAB = mm.TopicVocabulary(topics=TOPICS)
VALUES = {"role": {"Be mentored (new faculty)": "mentee", "Mentor a new colleague": "mentor"},
          "demand": {"Yes": 2, "No": 1}, "capacity": {"5 or more": 5},
          "types": {"Task-focused (e.g., a QI project)": "task_focused"}}
Q_ROLE = "Which best describes you?"
Q_TOPICS = "Which areas would you like mentorship in, or could you offer it in?"
Q_TYPES = "Which kinds of mentorship would suit you?"
Q_DEMAND = "Would you like more than one mentor?"
Q_CAP = "How many new colleagues could you mentor?"
Q_SUP = "Who is your supervisor or head of service?"
Q_MATRIX = "How interested are you in mentoring on each topic?"
QUESTIONS = {"role": Q_ROLE, "topics": Q_TOPICS, "types": Q_TYPES, "demand": Q_DEMAND,
             "capacity": Q_CAP, "supervisors": Q_SUP}


def schemas(dictionary: Path = FORMS / "redcap_dictionary.csv") -> dict[str, mm.SurveySchema]:
    """The schema each tool's export needs (the questions and value maps are the form's)."""
    return {
        "google_forms": mm.SurveySchema(
            preset="google_forms", name="Full name", **QUESTIONS, duplicates="keep_last",
            values=VALUES, vocabulary=VOCAB),
        "microsoft_forms": mm.SurveySchema(
            preset="microsoft_forms", **QUESTIONS, duplicates="keep_last", values=VALUES,
            vocabulary=VOCAB),
        "qualtrics": mm.SurveySchema(
            preset="qualtrics", role="Q1", topics=["Q2", "Q3"], types="Q4", demand="Q5",
            capacity="Q6", supervisors="Q7", values=VALUES, vocabulary=VOCAB),
        "qualtrics_numeric": mm.SurveySchema(
            preset="qualtrics", data_dictionary=str(FORMS / "qualtrics_survey.qsf"), role="Q1",
            topics=["Q2", "Q3"], types="Q4", demand="Q5", capacity="Q6", supervisors="Q7",
            values=VALUES, vocabulary=VOCAB),
        "surveymonkey": mm.SurveySchema(
            preset="surveymonkey", **QUESTIONS, duplicates="keep_last", values=VALUES,
            vocabulary=VOCAB),
        "redcap_raw": mm.SurveySchema(
            preset="redcap", data_dictionary=str(dictionary), id="email",
            name="{first_name} {last_name}", role="role", topics="topics",
            other_topics="topics_other", types="types", demand="more_than_one",
            capacity="capacity", supervisors="supervisor", values=VALUES, vocabulary=VOCAB),
        "redcap_labels": mm.SurveySchema(
            preset="redcap", id="Email", name="{First name} {Last name}",
            other_topics="Other area", **QUESTIONS, values=VALUES, vocabulary=VOCAB),
    }


@dataclass(frozen=True)
class Answer:
    """One person's answers to the form, as typed."""

    first: str
    last: str
    email: str
    role: str  # mentee | mentor | both
    topics: tuple[int, ...]  # indices into TOPICS
    types: tuple[int, ...]  # indices into TYPES
    demand: str  # "Yes" / "No" / "" (mentors)
    capacity: str  # one of CAPACITIES / "" (mentees)
    supervisor: str  # free text
    other: str = ""


def _csv(rows: list[list[str]], *, quote_all: bool = False, eol: str = "\r\n") -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=eol,
               quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(rows)
    return buffer.getvalue()


def _topics(a: Answer, joiner: str) -> str:
    return joiner.join([TOPICS[k] for k in a.topics] + ([a.other] if a.other else []))


def google_forms(answers: list[Answer], folder: Path) -> Path:
    """Google Forms' responses CSV: quoted, Timestamp and Email address first, ', ' joins."""
    rows = [["Timestamp", "Email address", "Full name", Q_ROLE, Q_TOPICS, Q_TYPES, Q_DEMAND,
             Q_CAP, Q_SUP]]
    for n, a in enumerate(answers):
        rows.append([f"2024/08/26 {9 + n // 60}:{n % 60:02d}:00 AM GMT-3", a.email,
                     f"{a.first} {a.last}", ROLES[a.role], _topics(a, ", "),
                     ", ".join(TYPES[k] for k in a.types), a.demand, a.capacity, a.supervisor])
    path = folder / "google_forms.csv"
    path.write_text(_csv(rows, quote_all=True), encoding="utf-8")
    return path


def microsoft_forms(answers: list[Answer], folder: Path) -> Path:
    """Microsoft Forms' workbook: ID, times, Email, Name; answers each followed by ';'."""
    import datetime as dt

    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["ID", "Start time", "Completion time", "Email", "Name", "Last modified time",
                  Q_ROLE, Q_TOPICS, Q_TYPES, Q_DEMAND, Q_CAP, Q_SUP])
    start = dt.datetime(2024, 8, 26, 9, 0, 0)
    for n, a in enumerate(answers, start=1):
        sheet.append([n, start, start + dt.timedelta(minutes=n), a.email, f"{a.first} {a.last}",
                      None, ROLES[a.role], "".join(f"{t};" for t in _topics(a, "\n").split("\n")),
                      "".join(f"{TYPES[k]};" for k in a.types), a.demand or None,
                      a.capacity or None, a.supervisor or None])
    path = folder / "microsoft_forms.xlsx"
    book.save(path)
    return path


def qualtrics(answers: list[Answer], folder: Path, *, numeric: bool = False) -> Path:
    """Qualtrics' CSV: BOM, codes / question text / ImportId rows, ',' joins, a matrix.

    ``numeric``: exported with "Use numeric values" (choice numbers, the matrix's
    recode values 0 / 2 and Yes/No recoded 1 / 0, as ``qualtrics_survey.qsf`` says).
    """
    meta = ["StartDate", "EndDate", "Status", "Progress", "Finished", "ResponseId",
            "RecipientLastName", "RecipientFirstName", "RecipientEmail", "DistributionChannel"]
    text = ["Start Date", "End Date", "Response Type", "Progress", "Finished", "Response ID",
            "Recipient Last Name", "Recipient First Name", "Recipient Email",
            "Distribution Channel"]
    codes = [*meta, "Q1", "Q2", "Q2_8_TEXT", *(f"Q3_{k}" for k in range(1, 8)), "Q4", "Q5",
             "Q6", "Q7"]
    text += [Q_ROLE, f"{Q_TOPICS} - Selected Choice", f"{Q_TOPICS} - Other - Text",
             *(f"{Q_MATRIX} - {t}" for t in TOPICS), f"{Q_TYPES} - Selected Choice", Q_DEMAND,
             Q_CAP, Q_SUP]
    import_ids = [json.dumps({"ImportId": c if c in meta else "QID" + c[1:]},
                             separators=(",", ":")) for c in codes]
    rows = [codes, text, import_ids]
    choice = (lambda labels, k: str(k + 1)) if numeric else (lambda labels, k: labels[k])
    level = {True: "2", False: "0"} if numeric else {True: "Very interested",
                                                       False: "Not interested"}
    for n, a in enumerate(answers):
        asks = a.role in ("mentee", "both")
        offers = a.role in ("mentor", "both")
        chosen = [choice(TOPICS, k) for k in a.topics] + (
            [choice([*TOPICS, "Other"], len(TOPICS))] if a.other else [])
        matrix = [level[k in a.topics] if offers else "" for k in range(len(TOPICS))]
        role = str(list(ROLES).index(a.role) + 1) if numeric else ROLES[a.role]
        demand = {"Yes": "1", "No": "0", "": ""}[a.demand] if numeric else a.demand
        capacity = (str(CAPACITIES.index(a.capacity) + 1) if numeric and a.capacity
                    else a.capacity)
        rows.append(["2024-08-26 09:00:00", "2024-08-26 09:05:00",
                     "0" if numeric else "IP Address", "100", "1" if numeric else "True",
                     f"R_{n:015d}", a.last, a.first, a.email, "email", role,
                     ",".join(chosen) if asks else "", a.other if asks else "", *matrix,
                     ",".join(choice(TYPES, k) for k in a.types), demand, capacity,
                     a.supervisor])
    path = folder / "qualtrics.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv(rows).encode("utf-8"))
    return path


def qualtrics_numeric(answers: list[Answer], folder: Path) -> Path:
    """Qualtrics' CSV exported with "Use numeric values" (read with qualtrics_survey.qsf)."""
    return qualtrics(answers, folder, numeric=True)


def surveymonkey(answers: list[Answer], folder: Path) -> Path:
    """SurveyMonkey's "All individual responses" CSV: two header rows, a column per option."""
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]
    questions = [*meta, Q_ROLE, Q_TOPICS, *[""] * len(TOPICS), Q_TYPES,
                 *[""] * (len(TYPES) - 1), Q_DEMAND, Q_CAP, Q_SUP]
    options = [*[""] * len(meta), "Response", *TOPICS, "Other (please specify)", *TYPES,
               "Response", "Response", "Open-Ended Response"]
    rows = [questions, options]
    for n, a in enumerate(answers, start=1):
        rows.append([str(114800000000 + n), "431905286", "08/26/2024 09:00:00 AM",
                     "08/26/2024 09:05:00 AM", "142.68.0.10", a.email, a.first, a.last, "",
                     ROLES[a.role], *(t if k in a.topics else "" for k, t in enumerate(TOPICS)),
                     a.other, *(t if k in a.types else "" for k, t in enumerate(TYPES)),
                     a.demand, a.capacity, a.supervisor])
    path = folder / "surveymonkey.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    return path


def redcap_raw(answers: list[Answer], folder: Path) -> Path:
    """REDCap's raw CSV: variable names, checkboxes as ___code 0/1, coded radios."""
    head = ["record_id", "redcap_survey_identifier", "first_name", "last_name", "email", "role",
            *(f"topics___{k}" for k in range(1, 9)), "topics_other",
            *(f"types___{k}" for k in range(1, 5)), "more_than_one", "capacity", "supervisor",
            "mentorship_survey_complete"]
    rows = [head]
    for n, a in enumerate(answers, start=1):
        boxes = ["1" if k in a.topics else "0" for k in range(len(TOPICS))]
        rows.append([str(n), "", a.first, a.last, a.email, str(list(ROLES).index(a.role) + 1),
                     *boxes, "1" if a.other else "0", a.other,
                     *("1" if k in a.types else "0" for k in range(len(TYPES))),
                     {"Yes": "1", "No": "0", "": ""}[a.demand],
                     str(CAPACITIES.index(a.capacity) + 1) if a.capacity else "", a.supervisor,
                     "2"])
    path = folder / "redcap_raw.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv(rows, eol="\n").encode("utf-8"))
    return path


def redcap_labels(answers: list[Answer], folder: Path) -> Path:
    """REDCap's labels CSV: field labels, checkboxes as 'Label (choice=X)' Checked/Unchecked."""
    head = ["Record ID", "Survey Identifier", "First name", "Last name", "Email", Q_ROLE,
            *(f"{Q_TOPICS} (choice={t})" for t in [*TOPICS, "Other"]), "Other area",
            *(f"{Q_TYPES} (choice={t})" for t in TYPES), Q_DEMAND, Q_CAP, Q_SUP, "Complete?"]
    rows = [head]

    def box(on: bool) -> str:
        return "Checked" if on else "Unchecked"

    for n, a in enumerate(answers, start=1):
        rows.append([str(n), "", a.first, a.last, a.email, ROLES[a.role],
                     *(box(k in a.topics) for k in range(len(TOPICS))), box(bool(a.other)),
                     a.other, *(box(k in a.types) for k in range(len(TYPES))), a.demand,
                     a.capacity, a.supervisor, "Complete"])
    path = folder / "redcap_labels.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv(rows, eol="\n").encode("utf-8"))
    return path


WRITERS = {"google_forms": google_forms, "microsoft_forms": microsoft_forms,
           "qualtrics": qualtrics, "qualtrics_numeric": qualtrics_numeric,
           "surveymonkey": surveymonkey, "redcap_raw": redcap_raw,
           "redcap_labels": redcap_labels}


# --------------------------------------------------------------------------- ranking questions

Q_RANK_MENTORS = "Rank the mentors you would most like to work with"
Q_RANK_MENTEES = "Rank the new colleagues you would most like to mentor"
RANK_LABELS = ["1st choice", "2nd choice", "3rd choice", "4th choice", "5th choice",
               "6th choice", "7th choice", "8th choice"]


@dataclass(frozen=True)
class Ranker:
    """One person of a form with a ranking question: ``ranks`` index the other side's people."""

    first: str
    last: str
    email: str
    role: str  # mentee | mentor
    topic: int  # index into TOPICS
    ranks: tuple[int, ...]  # the other side's people, best first

    @property
    def label(self) -> str:
        """How the form lists this person as an option to rank."""
        return f"Dr. {self.first} {self.last}" if self.role == "mentor" else (
            f"{self.first} {self.last}")


def rank_schemas() -> dict[str, mm.SurveySchema]:
    """The schema each tool's export of a ranking question needs."""
    stated = {"capacity": 1, "demand": 1}
    common = {"defaults": stated, "vocabulary": VOCAB}
    return {
        "qualtrics": mm.SurveySchema(preset="qualtrics", role="Q1", topics="Q2",
                                     choices=["Q3", "Q4"], **common),
        "surveymonkey": mm.SurveySchema(preset="surveymonkey", role=Q_ROLE, topics=Q_TOPICS,
                                        choices=[Q_RANK_MENTORS, Q_RANK_MENTEES],
                                        **common),
        "google_forms": mm.SurveySchema(preset="google_forms", name="Full name", role=Q_ROLE,
                                        topics=Q_TOPICS,
                                        choices=[Q_RANK_MENTORS, Q_RANK_MENTEES],
                                        **common),
    }


def _sides(people: list[Ranker]) -> tuple[list[Ranker], list[Ranker]]:
    return ([p for p in people if p.role == "mentee"], [p for p in people if p.role == "mentor"])


def _rank_cells(person: Ranker, role: str, options: list[Ranker],
                label: list[str] | None = None) -> list[str]:
    """One cell per option: the rank ``person`` gave it (blank when unranked or not asked)."""
    if person.role != role:
        return [""] * len(options)
    rank = {k: n for n, k in enumerate(person.ranks)}
    return [("" if k not in rank else label[rank[k]] if label else str(rank[k] + 1))
            for k in range(len(options))]


def qualtrics_ranking(people: list[Ranker], folder: Path) -> Path:
    """Qualtrics' CSV of two Rank Order questions: ``Q3_1`` ... per option, the rank as value."""
    mentees, mentors = _sides(people)
    meta = ["StartDate", "EndDate", "Status", "Progress", "Finished", "ResponseId",
            "RecipientLastName", "RecipientFirstName", "RecipientEmail"]
    text = ["Start Date", "End Date", "Response Type", "Progress", "Finished", "Response ID",
            "Recipient Last Name", "Recipient First Name", "Recipient Email"]
    codes = [*meta, "Q1", "Q2", *(f"Q3_{k}" for k in range(1, len(mentors) + 1)),
             *(f"Q4_{k}" for k in range(1, len(mentees) + 1))]
    text += [Q_ROLE, Q_TOPICS, *(f"{Q_RANK_MENTORS} - {p.label}" for p in mentors),
             *(f"{Q_RANK_MENTEES} - {p.label}" for p in mentees)]
    import_ids = [json.dumps({"ImportId": c if c in meta else "QID" + c[1:]},
                             separators=(",", ":")) for c in codes]
    rows = [codes, text, import_ids]
    for n, p in enumerate(people):
        rows.append(["2024-08-26 09:00:00", "2024-08-26 09:05:00", "IP Address", "100", "True",
                     f"R_{n:015d}", p.last, p.first, p.email, p.role.title(), TOPICS[p.topic],
                     *_rank_cells(p, "mentee", mentors), *_rank_cells(p, "mentor", mentees)])
    path = folder / "qualtrics_ranking.csv"
    path.write_bytes(b"\xef\xbb\xbf" + _csv(rows).encode("utf-8"))
    return path


def surveymonkey_ranking(people: list[Ranker], folder: Path) -> Path:
    """SurveyMonkey's CSV of two Ranking questions: the question once, options below, ranks."""
    mentees, mentors = _sides(people)
    meta = ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address",
            "Email Address", "First Name", "Last Name", "Custom Data 1"]
    questions = [*meta, Q_ROLE, Q_TOPICS, Q_RANK_MENTORS, *[""] * (len(mentors) - 1),
                 Q_RANK_MENTEES, *[""] * (len(mentees) - 1)]
    options = [*[""] * len(meta), "Response", "Response", *(p.label for p in mentors),
               *(p.label for p in mentees)]
    rows = [questions, options]
    for n, p in enumerate(people, start=1):
        rows.append([str(114800000000 + n), "431905286", "08/26/2024 09:00:00 AM",
                     "08/26/2024 09:05:00 AM", "142.68.0.10", p.email, p.first, p.last, "",
                     p.role.title(), TOPICS[p.topic], *_rank_cells(p, "mentee", mentors),
                     *_rank_cells(p, "mentor", mentees)])
    path = folder / "surveymonkey_ranking.csv"
    path.write_text(_csv(rows), encoding="utf-8")
    return path


def google_forms_ranking(people: list[Ranker], folder: Path) -> Path:
    """Google Forms' CSV of two multiple-choice grids, people by rank: ``Q [Person]`` = label."""
    mentees, mentors = _sides(people)
    rows = [["Timestamp", "Email address", "Full name", Q_ROLE, Q_TOPICS,
             *(f"{Q_RANK_MENTORS} [{p.label}]" for p in mentors),
             *(f"{Q_RANK_MENTEES} [{p.label}]" for p in mentees)]]
    for n, p in enumerate(people):
        rows.append([f"2024/08/26 {9 + n // 60}:{n % 60:02d}:00 AM GMT-3", p.email,
                     f"{p.first} {p.last}", p.role.title(), TOPICS[p.topic],
                     *_rank_cells(p, "mentee", mentors, RANK_LABELS),
                     *_rank_cells(p, "mentor", mentees, RANK_LABELS)])
    path = folder / "google_forms_ranking.csv"
    path.write_text(_csv(rows, quote_all=True), encoding="utf-8")
    return path


RANK_WRITERS = {"qualtrics": qualtrics_ranking, "surveymonkey": surveymonkey_ranking,
                "google_forms": google_forms_ranking}


# ---------------------------------------------------------------- must-haves

Q_TRACK = "Which track are you on?"
Q_MUSTS = "What must your mentor have?"
Q_MUST_OFFER = "Which areas must your mentor offer?"
Q_ACCEPTS = "Which mentees can you take?"
Q_SAME_SITE = "My mentor must be at the same site"
TRACKS = ["PhD", "Postdoc", "Clinical fellow"]
#: The form's must-have answers and the rule each stands for (None: no rule).
MUST_ANSWERS = {"Someone at my site": "same site", "Someone outside my division":
                "different division", "Not my advisor's lab": "not the same advisor or lab",
                "No preference": None}
MUST_SCHEMA = {"track": Q_TRACK, "must_haves": Q_MUSTS, "must_offer": Q_MUST_OFFER,
               "mentee_tracks": Q_ACCEPTS, "must_have_questions": {Q_SAME_SITE: "same site"},
               "values": {**VALUES, "must_haves": MUST_ANSWERS},
               "options": {"mentee_tracks": TRACKS}}


@dataclass(frozen=True)
class MustAnswer:
    """One person's answers to the must-have questions of the form."""

    answer: Answer
    track: str  # one of TRACKS
    musts: tuple[str, ...]  # keys of MUST_ANSWERS (mentees)
    must_offer: tuple[int, ...]  # indices into TOPICS (mentees)
    same_site: str  # "Yes" / "No" / "" (mentees)
    accepts: tuple[str, ...]  # TRACKS a mentor accepts (mentors)


def google_forms_must_haves(answers: list[MustAnswer], folder: Path) -> Path:
    """Google Forms' responses CSV of the form with its must-have questions."""
    rows = [["Timestamp", "Email address", "Full name", Q_ROLE, Q_TOPICS, Q_TYPES, Q_DEMAND,
             Q_CAP, Q_SUP, Q_TRACK, Q_MUSTS, Q_MUST_OFFER, Q_SAME_SITE, Q_ACCEPTS]]
    for n, m in enumerate(answers):
        a = m.answer
        rows.append([f"2024/08/26 9:{n:02d}:00 AM GMT-3", a.email, f"{a.first} {a.last}",
                     ROLES[a.role], _topics(a, ", "), ", ".join(TYPES[k] for k in a.types),
                     a.demand, a.capacity, a.supervisor, m.track, ", ".join(m.musts),
                     ", ".join(TOPICS[k] for k in m.must_offer), m.same_site,
                     ", ".join(m.accepts)])
    path = folder / "google_forms_must_haves.csv"
    path.write_text(_csv(rows, quote_all=True), encoding="utf-8")
    return path
