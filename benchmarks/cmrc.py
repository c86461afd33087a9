"""The CMRC2018 sentence-retrieval benchmark: this project's retrieval beside the naive reference.

Builds the task of shared/bench/README.md from a SQuAD-style file (never committed:
get ``cmrc2018_trial.json`` from the public ymcui/cmrc2018 repository), ingests it
as JSON Lines articles into a temporary database through the project's own ingest,
and prints R@1/3/5 and MRR@10 for the project and for rank-bm25 BM25Okapi on
``jieba.cut`` of the passage text, measured in the same run.

Usage::

    python -m benchmarks.cmrc PATH/cmrc2018_trial.json [--k1 1.2] [--b 0.75] [--distractors OTHER.json ...]
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from benchmarks.cmrc_task import build_task, naive_reference, write_jsonl
from retrieval.evaluating import metrics, rank_of
from retrieval.library import Library
from retrieval.searching import K1, B


def run(path: Path, k1: float = K1, b: float = B, distractors: tuple[Path, ...] = (),
        reference: bool = True) -> dict:
    """Metrics of the project and of the naive reference on one CMRC file."""
    articles, questions = build_task(path)
    for number, extra in enumerate(distractors):
        more, _ = build_task(extra)
        articles += [dict(article, id=f"d{number}-{article['id']}") for article in more]
    with tempfile.TemporaryDirectory() as folder:
        write_jsonl(articles, Path(folder) / "cmrc.jsonl")
        library = Library(folder, Path(folder) / "cmrc.db", k1=k1, b=b)
        started = time.perf_counter()
        report, searcher = library.refresh()
        loaded = time.perf_counter()
        ranks = []  # inside: hits read their paragraphs from the store
        for question in questions:
            hits = searcher.search(question["question"], k=10)
            ranks.append(rank_of([hit.paragraph for hit in hits],
                                 {"article": question["article"], "contains": question["contains"]}))
        searched = time.perf_counter()
    result = {
        "paragraphs": report.paragraphs, "questions": len(questions), "k1": k1, "b": b,
        "project": metrics(ranks),
        "seconds": {"ingest_and_index": round(loaded - started, 2),
                    "per_question_ms": round(1000 * (searched - loaded) / max(len(questions), 1), 2)},
    }
    if reference:
        naive = naive_reference(articles, questions)
        result["naive_reference"] = naive
        result["ratio_mrr"] = round(result["project"]["MRR@10"] / naive["MRR@10"], 3)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--k1", type=float, default=K1)
    parser.add_argument("--b", type=float, default=B)
    parser.add_argument("--distractors", type=Path, nargs="*", default=())
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    print(json.dumps(run(args.path, args.k1, args.b, tuple(args.distractors), not args.no_reference),
                     ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
