"""Errors that used to escape the error tree (issue 12): each is now a typed, named refusal."""

from __future__ import annotations

import pathlib
import re

import numpy as np
import pytest

import mentormatch as mm
from mentormatch.errors import (
    InvalidInputError,
    InvalidProblemError,
    MentorMatchError,
    UnknownOptionError,
)
from mentormatch.problem import MatchProblem
from mentormatch.scoring import AttributeScorer, TopicScorer, WeightedScorer


@pytest.mark.parametrize("scores", [
    [[1.0, 2.0], [1.0]],            # ragged
    [["a", "b"]],                   # not numbers
    [["1", "2"]],                   # numeric strings: not coerced
    [[1 + 2j, 1.0]],                # complex: the imaginary part was dropped with a warning
    [[{"x": 1}, 1.0]],              # objects
])
def test_scores_that_are_not_a_real_matrix_are_refused(scores: object) -> None:
    with pytest.raises(InvalidProblemError, match="scores must"):
        MatchProblem(scores)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", ["mentee_prefs", "mentor_prefs"])
def test_preference_matrices_are_checked_the_same_way(name: str) -> None:
    with pytest.raises(InvalidProblemError, match=name):
        MatchProblem([[1.0]], **{name: [["1"]]})  # type: ignore[arg-type]


def test_scores_too_large_to_sum_are_refused() -> None:
    # 1e308 made the objective inf, still reported exact.
    with pytest.raises(InvalidProblemError, match=r"within \+-1e\+15"):
        MatchProblem([[1e308, 1e308], [1e308, 1e308]], capacity=2)
    MatchProblem([[1e15, -1e15]])  # the limit itself is accepted


@pytest.mark.parametrize("solver", mm.solvers.available())
def test_an_unknown_solver_option_names_the_valid_ones(solver: str) -> None:
    with pytest.raises(UnknownOptionError, match=f"solver '{solver}' takes no option 'foo'"):
        mm.match(mm.example_cohort(), solver=solver, foo=1)


def test_unknown_option_is_still_a_type_error_and_lists_options() -> None:
    with pytest.raises(TypeError, match="its options: objective, backend"):
        mm.solve(MatchProblem([[1.0]]), solver="flow", foo=1)
    with pytest.raises(UnknownOptionError):
        mm.match(mm.example_cohort(), candidates=3, foo=1)


@pytest.mark.parametrize("k", [1.5, "2", True, None, 0, np.uint64(2**63)])
def test_shortlist_k_must_be_a_whole_number(k: object) -> None:
    with pytest.raises(InvalidInputError, match="k must be a whole number >= 1"):
        mm.shortlist(mm.example_cohort(), k=k)  # type: ignore[arg-type]


def test_shortlist_k_accepts_numpy_integers() -> None:
    assert mm.shortlist(mm.example_cohort(), k=np.int64(1)).k == 1  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs, match", [
    ({"release": "a:b"}, "release must be a list"),
    ({"release": ["a:b"]}, r"release\[0\] must be one of"),
    ({"release": [("a", "b", "c")]}, r"release\[0\]"),
    ({"leaving_mentors": "mentor-24"}, "leaving_mentors must be a list"),
    ({"leaving_mentors": [24]}, r"leaving_mentors\[0\]"),
    ({"new_mentees": ["new-08"]}, r"new_mentees\[0\] must be one of Mentee objects"),
])
def test_rematch_change_lists_are_checked(kwargs: dict[str, object], match: str) -> None:
    first = mm.match(mm.example_cohort())
    with pytest.raises(InvalidInputError, match=match):
        mm.rematch(first, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize("parts", [
    [(TopicScorer(), "abc")],
    [(TopicScorer(), None)],
    [(TopicScorer(), True)],
    [(TopicScorer(), float("nan"))],
    [(TopicScorer(),)],
    {"topic": 1.0},
    "topic",
])
def test_weighted_scorer_weights_must_be_numbers(parts: object) -> None:
    with pytest.raises(InvalidInputError, match="weight|WeightedScorer|pair"):
        WeightedScorer(parts)  # type: ignore[arg-type]


@pytest.mark.parametrize("attribute", ["gender", "background"])
def test_attribute_scorer_refuses_sensitive_attributes(attribute: str) -> None:
    with pytest.raises(InvalidInputError, match="only through ConcordanceScorer"):
        AttributeScorer(attribute)


def test_attribute_scorer_refuses_unknown_attributes_with_a_typed_error() -> None:
    with pytest.raises(InvalidInputError, match="not 'xx'"):
        AttributeScorer("xx")


@pytest.mark.parametrize("min_score", [float("nan"), float("inf"), "0.5", True, 10**400])
@pytest.mark.parametrize("entry", ["match", "shortlist", "candidates"])
def test_min_score_must_be_finite(min_score: object, entry: str) -> None:
    c = mm.example_cohort()
    call = {"match": lambda: mm.match(c, min_score=min_score),  # type: ignore[arg-type]
            "shortlist": lambda: mm.shortlist(c, min_score=min_score),  # type: ignore[arg-type]
            "candidates": lambda: mm.match(c, candidates=3, min_score=min_score)}[entry]  # type: ignore[arg-type]
    with pytest.raises(InvalidInputError, match="min_score must be a finite number"):
        call()


def test_no_value_error_is_raised_outside_the_tree() -> None:
    """Every deliberate raise in the package is a MentorMatchError (a source scan)."""
    root = pathlib.Path(mm.__file__).parent
    bare = re.compile(r"raise (ValueError|TypeError|KeyError|RuntimeError)\(")
    found = [f"{p.relative_to(root)}:{n}" for p in sorted(root.rglob("*.py"))
             for n, line in enumerate(p.read_text().splitlines(), 1) if bare.search(line)]
    assert found == []
    assert issubclass(UnknownOptionError, MentorMatchError)


def test_ilp_states_the_tolerance_its_exactness_means() -> None:
    """Scores 1e-12 apart may be traded by HiGHS; info says how far from optimal is 'exact'."""
    rng = np.random.default_rng(0)
    for _ in range(30):
        n, m = (int(x) for x in rng.integers(2, 6, size=2))
        p = MatchProblem(0.5 + rng.integers(0, 5, (n, m)) * 1e-12, capacity=rng.integers(1, 3, m))
        a, f = mm.solve(p, "ilp"), mm.solve(p, "flow")
        assert a.info["exact"] and a.info["tolerance"]["pairs"] == 0.0
        tol = a.info["tolerance"]["total_score"]
        assert tol == pytest.approx(1e-6 * p.scores.max())
        assert a.n_pairs == f.n_pairs and f.objective - a.objective <= tol


@pytest.mark.parametrize("count", [1e19, 10**19, np.uint64(2**63), 10**30, True])
def test_problem_counts_beyond_the_limit_or_boolean_are_refused(count: object) -> None:
    # Found by the fuzz suite: float 1e19 overflowed the int64 cast (a RuntimeWarning and
    # a negative capacity); 10**19 was reported as a negative number.
    with pytest.raises(InvalidProblemError, match="capacity"):
        MatchProblem([[1.0]], capacity=count)  # type: ignore[arg-type]


def test_candidates_path_with_no_mentors_leaves_everyone_unmatched() -> None:
    # Found by the fuzz suite: an IndexError in the block scorer.
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e", division="A")], mentors=[])
    result = mm.match(cohort, candidates=1)
    assert [u.mentee for u in result.unmatched] == ["e"]


def test_report_of_ids_the_font_cannot_draw_raises_no_warning(tmp_path: pathlib.Path) -> None:
    # Found by the fuzz suite: matplotlib's missing-glyph UserWarning for "\x1b" or an emoji.
    cohort = mm.Cohort(mentees=[mm.Mentee(id="e1")], mentors=[mm.Mentor(id="r-\x1b\U0001f600")])
    out = mm.write_report(mm.match(cohort), tmp_path / "r.html")  # warnings are errors here
    assert out.exists()


def test_topic_weights_too_large_to_sum_are_refused() -> None:
    # Found by the fuzz suite: weights of 1e308 overflowed the topic sums (RuntimeWarning).
    with pytest.raises(InvalidInputError, match="<= 1e\\+06"):
        mm.Mentor(id="r", topics={"research": 1e308, "leadership": 1e308})



@pytest.mark.parametrize(("function", "args", "kwargs", "says"), [
    ("match", [{"mentees": [], "mentors": []}], {}, "match takes a Cohort, got dict"),
    ("match", ["cohort.json"], {}, "match takes a Cohort, got str"),
    ("shortlist", [None], {}, "shortlist takes a Cohort, got NoneType"),
    ("rematch", ["cohort"], {}, "rematch takes a MatchResult, got Cohort"),
    ("rematch", ["result"], {"cohort": {}}, "rematch takes a Cohort, got dict for cohort="),
])
def test_orchestration_refuses_what_is_not_a_cohort_or_result(
        function: str, args: list[object], kwargs: dict[str, object], says: str) -> None:
    # these failed with AttributeError: 'dict' object has no attribute 'quotas'
    # ("cohort" and "result" stand for the pilot's, built here rather than at collection)
    if function == "rematch":
        cohort = mm.example_cohort()
        args = [cohort if a == "cohort" else mm.match(cohort) for a in args]
    with pytest.raises(InvalidInputError, match=says):
        getattr(mm, function)(*args, **kwargs)


@pytest.mark.parametrize(("function", "args", "kwargs", "says"), [
    ("diagnose", [{}], {}, "diagnose takes a Cohort, got dict for cohort"),
    ("topic_demand", [[]], {}, "topic_demand takes a Cohort, got list for cohort"),
    ("topic_coverage_table", [{}], {}, "takes a MatchResult, got dict for result"),
    ("topic_coverage_table", ["result", {}], {}, "takes a Cohort, got dict for cohort"),
    ("write_mail_merge", [{}, "out.csv"], {}, "write_mail_merge takes a MatchResult, got dict"),
    ("write_mail_merge", ["result", "out.csv"], {"cohort": {}}, "got dict for cohort="),
    ("write_json", ["cohort", "out.json"], {}, "write_json takes a MatchResult, got Cohort"),
    ("write_report", [{}, "out.html"], {}, "write_report takes a MatchResult, got dict"),
    ("write_agreements", [{}, "pages"], {}, "write_agreements takes a MatchResult, got dict"),
    ("write_agreements", ["result", "pages"], {"cohort": {}}, "got dict for cohort="),
    ("render_agreement", [{}, "e", "r"], {}, "render_agreement takes a MatchResult, got dict"),
    ("plot_result", [{}], {}, "plot_result takes a MatchResult, got dict for result"),
    ("plot_topic_demand", [{}], {}, "takes a Cohort or TopicDemand, got dict for data"),
    ("form_circles", [{}], {}, "form_circles takes a Cohort, got dict for cohort"),
    ("form_mentor_circles", [{}], {}, "form_mentor_circles takes a Cohort, got dict"),
    ("match_buddies", [{}], {}, "match_buddies takes a Cohort, got dict for cohort"),
    ("match_tasks", [None], {}, "match_tasks takes a Cohort, got NoneType for cohort"),
    ("with_supervisors", [{}, []], {}, "with_supervisors takes a Cohort, got dict for cohort"),
    ("check", [{}, None], {}, "check takes an Assignment or MatchResult, got dict for assignment"),
    ("check", ["result", None], {"cohort": {}}, "check takes a Cohort, got dict for cohort="),
    ("blocking_pairs", [[], None], {}, "takes an Assignment or MatchResult, got list"),
    ("blocking_pairs", ["result", None], {"cohort": 3}, "takes a Cohort, got int for cohort="),
])
def test_entry_points_refuse_what_is_not_a_cohort_or_result(
        tmp_path: pathlib.Path, function: str, args: list[object], kwargs: dict[str, object],
        says: str) -> None:
    # each failed with AttributeError on the dict's first attribute read; nothing is written
    cohort = mm.example_cohort()
    stand_in = {"cohort": cohort, "result": mm.match(cohort) if "result" in args else None}
    args = [stand_in[a] if isinstance(a, str) and a in stand_in else a for a in args]
    args = [tmp_path / a if isinstance(a, str) and "." in a or a == "pages" else a
            for a in args]
    with pytest.raises(InvalidInputError, match=says):
        getattr(mm, function)(*args, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_expect_lives_on_the_ground_floor() -> None:
    # every floor can import it; the message names the function, the type and the argument
    with pytest.raises(InvalidInputError, match="diagnose_problem takes a MatchProblem, got "
                                                "dict for problem; build one with"):
        mm.diagnosis.diagnose_problem(mm.example_cohort(), {})  # type: ignore[arg-type]
