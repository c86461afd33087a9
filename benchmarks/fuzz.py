"""Fuzz the question path at volume: N hypothesis-generated messages, and how many got a bad reply.

Usage::

    python -m benchmarks.fuzz [--examples 10000] [--db FILE]

Prints the inputs tried, the failures (exceptions or replies Telegram would reject) and a few
examples of each failure, as JSON. The seed page is ingested into a temporary database unless
--db names one.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from collections import Counter
from pathlib import Path

from hypothesis import HealthCheck, given, settings

from retrieval.ingesting import ingest
from retrieval.searching import load_searcher
from tests.conftest import ROOT
from tests.fuzzing import questions, reply_problems


def run(examples: int, db: Path | None) -> dict:
    with tempfile.TemporaryDirectory() as folder:  # hits read their paragraphs from the store: keep it
        if db is None:
            db = Path(folder) / "news.db"
            ingest([ROOT / "data"], db)
        searcher = load_searcher(db)
        tried: list[int] = [0]
        failures: Counter[str] = Counter()
        samples: dict[str, str] = {}

        @settings(max_examples=examples, deadline=None, database=None, derandomize=False,
                  suppress_health_check=list(HealthCheck))
        @given(text=questions())
        def fuzz(text: str) -> None:
            tried[0] += 1
            for problem in reply_problems(searcher, text):
                failures[problem] += 1
                samples.setdefault(problem, text[:200])

        started = time.perf_counter()
        fuzz()
    return {"inputs_tried": tried[0], "failures": sum(failures.values()), "by_problem": dict(failures),
            "samples": samples, "seconds": round(time.perf_counter() - started, 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=10_000)
    parser.add_argument("--db", type=Path)
    args = parser.parse_args()
    print(json.dumps(run(args.examples, args.db), ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
