"""Every benchmark study, by name: what ``python -m benchmarks run`` runs.

A study plugs in with one module and one line here: the module
``benchmarks/bench_<name>.py`` defines ``STUDY = Study(name, run, tables, sources,
command)`` (``benchmarks.results.Study``), and ``STUDIES`` below lists it. Its README
tables go between ``<!-- table:MARKER -->`` / ``<!-- /table:MARKER -->`` markers, one
pair per marker its ``tables`` returns.
"""

from __future__ import annotations

from . import (
    bench_coverage,
    bench_fast,
    bench_flow,
    bench_hungarian,
    bench_ilp,
    bench_pilot,
    bench_program,
    bench_quality,
    bench_stable,
    bench_sweep,
    bench_targets,
)
from .results import Study

STUDIES: dict[str, Study] = {s.name: s for s in (
    bench_sweep.STUDY, bench_flow.STUDY, bench_stable.STUDY, bench_hungarian.STUDY,
    bench_targets.STUDY, bench_quality.STUDY, bench_ilp.STUDY, bench_program.STUDY,
    bench_coverage.STUDY, bench_fast.STUDY, bench_pilot.STUDY,
)}
