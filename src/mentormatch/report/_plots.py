"""Figures for the director: topic supply and demand, scores and mentor loads.

matplotlib is an optional dependency (the ``report`` extra). It is imported inside
each function, and only the object-oriented API is used (``Figure``, never
``pyplot``): no global figure state, no window, any backend.
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Any

import numpy as np

from mentormatch.errors import expect
from mentormatch.models import Cohort, MatchResult
from mentormatch.report._demand import TopicDemand, topic_demand

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["plot_result", "plot_topic_demand"]

_OK = "#4c78a8"
_SHORT = "#e45756"
_CAPACITY = "#bab0ac"
#: Above this many mentors, loads are shown as a histogram of utilisation.
_MAX_MENTOR_BARS = 40


def _new_figure(width: float, height: float) -> Figure:
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise ImportError(
            "figures need matplotlib; install it with: pip install 'mentormatch[report]'"
        ) from exc
    return Figure(figsize=(width, height), layout="constrained")


def plot_topic_demand(data: Cohort | TopicDemand, *, top: int | None = None) -> Figure:
    """Draw topic supply and demand as two horizontal bar charts side by side.

    Left: how many mentors offer each topic (the study's Figure 1); right: how
    many mentees ask for it (Figure 2), with the places those mentors offer as
    a grey bar behind. Topics with a shortfall (more mentees asking than places
    offered) are drawn in red in both panels.

    Parameters
    ----------
    data : Cohort or TopicDemand
        A cohort (its :func:`~mentormatch.topic_demand` is computed) or a table.
    top : int, optional
        Show only the ``top`` topics by interest in each panel.

    Returns
    -------
    matplotlib.figure.Figure
        Save it with ``fig.savefig(path)``; in a notebook it displays itself.

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    Examples
    --------
    >>> import mentormatch as mm
    >>> fig = mm.plot_topic_demand(mm.example_cohort())
    >>> [ax.get_title() for ax in fig.axes]
    ['Topics of most interest to mentors', 'Topics of most interest to mentees']
    """
    expect(data, (Cohort, TopicDemand), "plot_topic_demand", "data")
    table = data if isinstance(data, TopicDemand) else topic_demand(data)
    rows = list(table.topics)
    fig = _new_figure(12.0, max(3.0, 0.32 * len(rows) + 1.5))
    left, right = fig.subplots(1, 2)
    for ax, key, title, xlabel in (
        (left, "mentors_offering", "Topics of most interest to mentors", "mentors offering"),
        (right, "mentees_asking", "Topics of most interest to mentees", "mentees asking"),
    ):
        # Most popular on top; ties keep table order (sorted is stable, reverse too).
        ranked = sorted(rows, key=attrgetter(key), reverse=True)[:top]
        ranked.reverse()
        y = np.arange(len(ranked))
        values = [getattr(r, key) for r in ranked]
        colors = [_SHORT if r.shortfall > 0 else _OK for r in ranked]
        if key == "mentees_asking":
            ax.barh(y, [r.capacity_offered for r in ranked], color=_CAPACITY, alpha=0.5,
                    label="places offered")
        ax.barh(y, values, color=colors, height=0.6)
        ax.set_yticks(y, [r.topic for r in ranked])
        ax.set_title(title)
        ax.set_xlabel(xlabel)
        for yy, v in zip(y, values, strict=True):
            ax.annotate(str(v), (v, yy), xytext=(3, 0), textcoords="offset points",
                        va="center", fontsize=8)
    _legend(right, with_capacity=True)
    return fig


def _legend(ax: Any, *, with_capacity: bool) -> None:
    from matplotlib.patches import Patch

    handles = [Patch(color=_OK, label="enough places"),
               Patch(color=_SHORT, label="shortfall")]
    if with_capacity:
        handles.append(Patch(color=_CAPACITY, alpha=0.5, label="places offered"))
    ax.legend(handles=handles, loc="lower right", fontsize=8)


def plot_result(result: MatchResult) -> Figure:
    """Draw a result's score distribution and its mentors' loads against capacity.

    Parameters
    ----------
    result : MatchResult
        Capacities come from ``result.cohort`` when it carries one.

    Returns
    -------
    matplotlib.figure.Figure

    Raises
    ------
    ImportError
        If matplotlib is not installed.

    Examples
    --------
    >>> import mentormatch as mm
    >>> fig = mm.plot_result(mm.match(mm.example_cohort()))
    >>> [ax.get_title() for ax in fig.axes]
    ['Pair scores', 'Mentor loads']
    """
    expect(result, MatchResult, "plot_result", "result")
    fig = _new_figure(12.0, 4.5)
    from matplotlib.ticker import MaxNLocator

    hist, loads_ax = fig.subplots(1, 2)
    scores = np.array([p.score for p in result.pairs], dtype=float)
    hist.hist(scores, bins=min(20, max(5, scores.size)), color=_OK)
    if scores.size:
        hist.axvline(float(scores.mean()), color="black", linestyle="--",
                     label=f"mean {scores.mean():.2f}")
        hist.legend(fontsize=8)
    hist.set_title("Pair scores")
    hist.set_xlabel("score")
    hist.set_ylabel("pairs")
    hist.yaxis.set_major_locator(MaxNLocator(integer=True))

    loads = result.metrics.mentor_loads
    capacity: dict[str, int] = {}
    if result.cohort is not None:
        capacity = {m.id: m.capacity for m in result.cohort.mentors}
    ids = [r for r in loads if loads[r] > 0 or capacity.get(r, 0) > 0]
    loads_ax.set_title("Mentor loads")
    if len(ids) <= _MAX_MENTOR_BARS:
        y = np.arange(len(ids))
        if capacity:
            loads_ax.barh(y, [capacity.get(r, 0) for r in ids], color=_CAPACITY, alpha=0.5,
                          label="capacity")
        loads_ax.barh(y, [loads[r] for r in ids], height=0.6, color=_OK, label="mentees")
        loads_ax.set_yticks(y, ids, fontsize=7)
        loads_ax.invert_yaxis()
        loads_ax.set_xlabel("mentees")
        loads_ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        loads_ax.legend(fontsize=8)
    else:
        load = np.array([loads[r] for r in ids], dtype=float)
        if capacity:
            cap = np.array([capacity.get(r, 0) for r in ids], dtype=float)
            share = np.divide(load, cap, out=np.zeros_like(load), where=cap > 0)
            loads_ax.hist(share, bins=10, range=(0.0, 1.0), color=_OK)
            loads_ax.set_xlabel("load / capacity")
        else:
            loads_ax.hist(load, bins=10, color=_OK)
            loads_ax.set_xlabel("mentees per mentor")
        loads_ax.set_ylabel("mentors")
    return fig
