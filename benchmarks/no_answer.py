"""Measure the no-answer threshold: coverage of the top hit on answerable and unanswerable questions.

Answerable: the seed QA set's questions on the seed page, and CMRC2018 questions on
the CMRC corpus. Unanswerable: the seed set's off-topic questions, CMRC questions on
the seed page, and the seed questions on the CMRC corpus. For each threshold it
prints the share of answerable questions still answered and of unanswerable ones
refused, and the threshold with the best mean of the two.

Usage::

    python -m benchmarks.no_answer PATH/cmrc2018_trial.json [--seed-qa tests/data/seed_qa.jsonl]
"""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path

from benchmarks.cmrc_task import build_task, write_jsonl
from retrieval.answering import answer
from retrieval.evaluating import load_qa
from retrieval.library import Library
from retrieval.searching import Searcher

ROOT = Path(__file__).resolve().parent.parent


def top_coverage(searcher: Searcher, questions: list[str]) -> list[float]:
    """Coverage of the best hit of each question (0 when nothing matches at all)."""
    result = []
    for question in questions:
        hits = answer(searcher, question).hits
        result.append(hits[0].coverage if hits else 0.0)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cmrc", type=Path)
    parser.add_argument("--seed-qa", type=Path, default=ROOT / "tests/data/seed_qa.jsonl")
    args = parser.parse_args()
    records = load_qa(args.seed_qa)
    seed_yes = [r["question"] for r in records if not r.get("none")]
    seed_no = [r["question"] for r in records if r.get("none")]
    articles, questions = build_task(args.cmrc)
    cmrc_questions = [q["question"] for q in questions]
    with tempfile.TemporaryDirectory() as folder:
        write_jsonl(articles, Path(folder) / "cmrc.jsonl")
        _, cmrc = Library(folder, Path(folder) / "cmrc.db").refresh()
        _, seed = Library(ROOT / "data", Path(folder) / "seed.db").refresh()
        # Inside: hits read their paragraphs from the store.
        answerable = {"seed": top_coverage(seed, seed_yes), "cmrc": top_coverage(cmrc, cmrc_questions)}
        unanswerable = {"seed off-topic": top_coverage(seed, seed_no),
                        "cmrc on seed": top_coverage(seed, cmrc_questions),
                        "seed on cmrc": top_coverage(cmrc, seed_yes)}
    rows, best = [], (0.0, 0.0)
    for step in range(5, 100, 5):
        threshold = step / 100
        answered = {name: sum(c >= threshold for c in cs) / len(cs) for name, cs in answerable.items()}
        refused = {name: sum(c < threshold for c in cs) / len(cs) for name, cs in unanswerable.items()}
        score = (sum(answered.values()) / len(answered) + sum(refused.values()) / len(refused)) / 2
        rows.append({"threshold": threshold, "answered": {k: round(v, 3) for k, v in answered.items()},
                     "refused": {k: round(v, 3) for k, v in refused.items()}, "mean": round(score, 4)})
        best = max(best, (score, threshold))
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    print(json.dumps({"best_threshold": best[1], "mean": round(best[0], 4)}))


if __name__ == "__main__":
    main()
