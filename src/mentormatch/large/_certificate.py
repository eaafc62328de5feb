"""Dual potentials of a candidate optimum, tightened to price the pairs left out.

The ``flow`` solver's potentials certify its answer on the candidate pairs;
many potentials do. :func:`_tighten` moves them to the ones that clear the
most pairs outside the candidates (a mentee given all it asked for is not
short at any level; mentor prices as low as the candidate pairs allow), which
:mod:`mentormatch.large._pricing` then uses to price every other pair.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from mentormatch.problem import Assignment, CandidateProblem

__all__: list[str] = []

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]


def _duals(info: dict[str, Any], n_e: int, n_r: int) -> dict[str, FloatArray] | None:
    need = ("mentee_level", "mentor_level", "mentee_potential", "mentor_potential", "dual_tol")
    if not all(key in info for key in need):
        return None
    out = {key: np.asarray(info[key], dtype=np.float64) for key in need[:4]}
    if out["mentee_level"].shape != (n_e,) or out["mentor_level"].shape != (n_r,):
        return None
    out["dual_tol"] = np.asarray(float(info["dual_tol"]))
    return out


def _lexmin_at(n: int, idx: IntArray, lvl: FloatArray, val: FloatArray,
               init_lvl: FloatArray, init_val: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Per index, the lexicographic minimum of (lvl, val) over entries and the initial value."""
    out_l, out_v = init_lvl.copy(), init_val.copy()
    if idx.size == 0:
        return out_l, out_v
    order = np.lexsort((val, lvl, idx))
    idx, lvl, val = idx[order], lvl[order], val[order]
    first = np.r_[True, idx[1:] != idx[:-1]]
    i, lv, vv = idx[first], lvl[first], val[first]
    better = (lv < out_l[i]) | ((lv == out_l[i]) & (vv < out_v[i]))
    out_l[i[better]], out_v[i[better]] = lv[better], vv[better]
    return out_l, out_v


def _tighten(problem: CandidateProblem, assignment: Assignment, duals: dict[str, FloatArray],
             extra: tuple[IntArray, IntArray, FloatArray] | None = None
             ) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray] | None:
    """Move the solver's potentials to the ones that certify the most dropped pairs.

    Any feasible potentials certify the candidate optimum; for dropped pairs
    we want mentor potentials as high and mentee potentials as high as the
    residual graph allows. Mentors first: a mentor's potential may rise to the
    least of 0 (when it has room left) and ``s - mentee_potential`` over its
    pairs; then each mentee who got all it asked for rises to the least of
    ``s - mentor_potential`` over its pairs. Each step keeps every residual arc
    feasible (mentees touch only mentors, the source and their own pairs), so
    the result is still a valid certificate.
    """
    n_e, n_r = problem.shape
    e_lvl, e_pot = duals["mentee_level"].copy(), duals["mentee_potential"].copy()
    r_lvl, r_pot = duals["mentor_level"].copy(), duals["mentor_potential"].copy()
    locked = problem.locked
    lock_e = np.bincount(locked[:, 0], minlength=n_e)
    lock_r = np.bincount(locked[:, 1], minlength=n_r)
    e_in = problem.demand - lock_e > 0
    r_in = problem.capacity - lock_r > 0
    e, r = assignment.mentee_idx, assignment.mentor_idx
    if locked.size:
        free = ~np.isin(e * n_r + r, locked[:, 0] * n_r + locked[:, 1])
        e, r = e[free], r[free]
    s = problem.pair_scores(e, r)
    load = np.bincount(r, minlength=n_r)
    count = np.bincount(e, minlength=n_e)
    # Mentors: potential (in the maximising sign) = lexmin of (0, 0) if room, (-e_lvl, s - e_pot).
    spare = r_in & (load < problem.capacity - lock_r)
    big = np.inf
    init_l = np.where(spare, 0.0, big)
    init_v = np.where(spare, 0.0, big)
    new_l, new_v = _lexmin_at(n_r, r, -e_lvl[e], s - e_pot[e], init_l, init_v)
    moved = r_in & np.isfinite(new_l)
    r_lvl[moved], r_pot[moved] = new_l[moved], new_v[moved]
    # Mentees who are full: lexmin over their pairs of (-r_lvl, s - r_pot).
    full = e_in & (count == problem.demand - lock_e)
    new_l, new_v = _lexmin_at(n_e, e, -r_lvl[r], s - r_pot[r], np.full(n_e, big),
                              np.full(n_e, big))
    moved = full & np.isfinite(new_l)
    e_lvl[moved], e_pot[moved] = new_l[moved], new_v[moved]
    best = _lowest_prices(problem, e, r, s, full, r_in, spare, e_lvl, e_pot, r_lvl, r_pot,
                          float(duals["dual_tol"]), extra,
                          floor=duals["mentee_potential"])
    if best is not None:
        e_pot, r_pot = best
    elif extra is not None and extra[0].size:
        return None  # the dropped pairs added make the dual system unsolvable
    return e_lvl, e_pot, r_lvl, r_pot


def _lowest_prices(problem: CandidateProblem, e: IntArray, r: IntArray, s: FloatArray,
                   full: BoolArray, r_in: BoolArray, spare: BoolArray,
                   e_lvl: FloatArray, e_pot: FloatArray,
                   r_lvl: FloatArray, r_pot: FloatArray, tol: float,
                   extra: tuple[IntArray, IntArray, FloatArray] | None = None, *,
                   floor: FloatArray | None = None,
                   max_rounds: int = 400) -> tuple[FloatArray, FloatArray] | None:
    """Return the mentee-optimal potentials: mentor prices lowest, mentee values highest.

    On the level-0 part, the potentials are a system of difference constraints
    (used pair: ``e_i + r_j <= s``; unused candidate: ``e_i + r_j >= s``;
    ``r_j >= 0`` for a mentor with mentees; 0 for one with room), whose
    feasible set is a lattice: Bellman-Ford from the upper bounds reaches its
    top (highest ``e``, lowest ``r``). That clears every dropped pair with a
    mentor who has room whenever any dual would; pairs with full mentors may
    still need another round. Returns None (keep the given potentials) if it
    does not settle within ``max_rounds`` or fails the final check (every
    candidate and ``extra`` constraint, mentors with room priced at most 0,
    mentees never below ``floor``).
    """
    n_e, n_r = problem.shape
    mov_e = full & (e_lvl == 0)
    mov_r = r_in & (r_lvl == 0)
    edges = problem.edges()
    used_key = e * n_r + r
    ce, cr, cs = edges.mentee, edges.mentor, edges.score
    unused = ~np.isin(ce * n_r + cr, used_key)
    if problem.locked.size:
        unused &= ~np.isin(ce * n_r + cr, problem.locked[:, 0] * n_r + problem.locked[:, 1])
    ce, cr, cs = ce[unused], cr[unused], cs[unused]
    if extra is not None:
        ce, cr, cs = (np.concatenate([a, b]) for a, b in zip((ce, cr, cs), extra, strict=True))
    # Only constraints between level-0 ends bind values; others hold by level.
    u_keep = (e_lvl[e] == 0) & (r_lvl[r] == 0) & (mov_e[e] | mov_r[r])
    ue, ur, us = e[u_keep], r[u_keep], s[u_keep]
    c_keep = (e_lvl[ce] == 0) & (r_lvl[cr] == 0) & mov_r[cr]
    ce, cr, cs = ce[c_keep], cr[c_keep], cs[c_keep]
    q = -r_pot.copy()  # q = -r: maximise e and q together
    x = e_pot.copy()
    q[mov_r] = 0.0
    x[mov_e] = np.inf
    for _ in range(max_rounds):
        cand_x = np.full(n_e, np.inf)
        np.minimum.at(cand_x, ue, q[ur] + us)
        down_x = mov_e & (cand_x < x - tol)
        x = np.where(down_x, cand_x, x)
        cand_q = np.full(n_r, np.inf)
        np.minimum.at(cand_q, cr, x[ce] - cs)
        down_q = mov_r & (cand_q < q - tol)
        q = np.where(down_q, cand_q, q)
        if not (down_x.any() or down_q.any()):
            break
    else:
        return None
    tol *= 4
    x = np.where(mov_e & ~np.isfinite(x), e_pot, x)
    # Check every candidate constraint before trusting the result.
    r_new = -q
    ok_u = (e_lvl[e] + r_lvl[r] != 0) | (x[e] + r_new[r] <= s + tol)
    ok_c = x[ce] + r_new[cr] >= cs - tol
    ok_r = ~(spare & mov_r) | (r_new <= tol)
    # Never below the solver's own mentee potentials: that keeps the source arcs
    # (not modelled here) feasible.
    ok_e = ~mov_e | (x >= (e_pot if floor is None else floor) - tol)
    if not (ok_u.all() and ok_c.all() and ok_r.all() and ok_e.all()):
        return None
    return x, r_new
