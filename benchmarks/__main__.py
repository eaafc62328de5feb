"""``python -m benchmarks``: run the studies, then write the README tables from their results.

    python -m benchmarks run                  # every study, full size, then the README
    python -m benchmarks run sweep flow       # some studies
    python -m benchmarks run --toy --out DIR  # tiny sizes into DIR (README untouched)
    python -m benchmarks readme               # rewrite the README tables from results/
    python -m benchmarks readme --check       # exit 1 if a table is out of date
    python -m benchmarks list                 # the studies and their commands
"""

from __future__ import annotations

import argparse
from pathlib import Path

from .results import README, RESULTS, generated_tables, readme_blocks, render_readme, run_study
from .studies import STUDIES


def readme(out: Path = RESULTS, path: Path = README, check: bool = False) -> int:
    """Rewrite (or with ``check`` compare) every README table from its results file."""
    tables: dict[str, str] = {}
    for study in STUDIES.values():
        tables.update(generated_tables(study, out))
    text = path.read_text()
    new = render_readme(text, tables)
    if check:
        stale = sorted(k for k, v in readme_blocks(text).items() if tables.get(k) != v)
        for name in stale:
            print(f"README table {name!r} differs from its results file")
        return 1 if stale else 0
    path.write_text(new)
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    run = sub.add_parser("run", help="run studies and write their results files")
    run.add_argument("studies", nargs="*", default=[], metavar="STUDY",
                     help=f"default: all ({', '.join(STUDIES)})")
    run.add_argument("--toy", action="store_true", help="tiny sizes, seconds (CI smoke)")
    run.add_argument("--out", type=Path, default=RESULTS)
    check = sub.add_parser("readme", help="write the README tables from the results files")
    check.add_argument("--check", action="store_true", help="compare only; exit 1 if stale")
    check.add_argument("--out", type=Path, default=RESULTS)
    sub.add_parser("list", help="the studies and how to run each")
    args = ap.parse_args(argv)

    if args.command == "list":
        for study in STUDIES.values():
            print(f"{study.name:<10} {study.command}")
        return 0
    if args.command == "readme":
        return readme(args.out, check=args.check)
    unknown = sorted(set(args.studies) - set(STUDIES))
    if unknown:
        ap.error(f"unknown studies {unknown}; choose from {', '.join(STUDIES)}")
    for name in args.studies or list(STUDIES):
        print(f"running {name}{' (toy)' if args.toy else ''}", flush=True)
        run_study(STUDIES[name], toy=args.toy, out=args.out)
    if args.out.resolve() == RESULTS.resolve():
        return readme(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
