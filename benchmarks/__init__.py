"""mentormatch benchmark suite: ``python -m benchmarks --help``.

Modules: ``instances`` (the one place instances are built), ``peers`` (other
libraries on the same instances), ``runner`` (tasks, sweeps on any
``concurrent.futures`` executor, quality measures), ``__main__`` (command line,
result files, plots, targets). The ``bench_*.py`` scripts are standalone studies of
one solver each.
"""
