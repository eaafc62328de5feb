"""mentormatch benchmark suite: ``python -m benchmarks --help``.

Modules: ``results`` (results files with their provenance, README tables generated
from them), ``studies`` (every study by name), ``timing`` (untraced medians after a
warm-up; traced peak memory in a run of its own), ``instances`` (the one place sweep
instances are built), ``peers`` (other libraries on the same instances), ``runner``
(the sweep's tasks on any ``concurrent.futures`` executor, quality measures). Each
``bench_*.py`` is one study and defines ``STUDY``.
"""
