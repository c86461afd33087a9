"""Sentence-level passage-retrieval task built from a CMRC 2018 (SQuAD-style) file.

Each context becomes one article (headline = its ``title``) whose paragraphs are its
sentences; each question whose first answer lies inside one sentence becomes a query
whose gold paragraph is that sentence. See /work/shared/bench/README.md for the spec.

Usage::

    python -m benchmarks.cmrc_task PATH/cmrc2018_trial.json [--out-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import time
from collections.abc import Iterable
from pathlib import Path

from retrieval.evaluating import metrics

TERMINATORS = "。！？!?"
# Closing quotes/brackets right after a terminator end that sentence, not open the next.
# The ASCII '"' is left out: in this data it usually opens the next sentence ('。"A"的像').
CLOSERS = "”’」』）)"
_SENTENCE_END = re.compile(f"[{re.escape(TERMINATORS)}][{re.escape(CLOSERS)}]*")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split ``text`` after each terminator (plus any closers that follow it).

    Returns ``(start offset, sentence)`` pairs with ``text[start:start+len(s)] == s``.
    Sentences are raw slices (not stripped) so offsets stay exact and answers that
    begin with whitespace still match; whitespace-only pieces are dropped.
    """
    pieces: list[tuple[int, str]] = []
    start = 0
    for match in _SENTENCE_END.finditer(text):
        pieces.append((start, text[start:match.end()]))
        start = match.end()
    pieces.append((start, text[start:]))
    return [(offset, piece) for offset, piece in pieces if piece.strip()]


def build_task(squad_path: str | Path) -> tuple[list[dict], list[dict]]:
    """Build ``(articles, questions)`` from a SQuAD-style CMRC file.

    The title lives on each ``data`` entry; every entry's contexts become separate
    articles with ids ``cmrc-{context_index}`` (a running index over all contexts).
    """
    with open(squad_path, encoding="utf-8") as f:
        data = json.load(f)["data"]
    articles: list[dict] = []
    questions: list[dict] = []
    for entry in data:
        for paragraph in entry["paragraphs"]:
            article_id = f"cmrc-{len(articles)}"
            sentences = split_sentences(paragraph["context"])
            articles.append({
                "id": article_id,
                "headline": entry.get("title", ""),
                "paragraphs": [s for _, s in sentences],
                "source": "cmrc2018",
            })
            for qa in paragraph["qas"]:
                answer = qa["answers"][0]
                gold = _sentence_with_answer(sentences, answer["answer_start"], answer["text"])
                if gold is not None:
                    questions.append({
                        "question": qa["question"],
                        "article": article_id,
                        "paragraph_index": gold,
                        "contains": sentences[gold][1],
                    })
    return articles, questions


def _sentence_with_answer(sentences: list[tuple[int, str]], start: int, text: str) -> int | None:
    """Index of the sentence holding offset ``start`` if it also contains ``text``."""
    for index, (offset, sentence) in enumerate(sentences):
        if offset <= start < offset + len(sentence):
            return index if text in sentence else None
    return None


def write_jsonl(rows: Iterable[dict], path: str | Path) -> None:
    """Write ``rows`` as UTF-8 JSON Lines (Chinese kept readable, not \\u-escaped)."""
    with open(path, "w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(row, ensure_ascii=False) + "\n")


def naive_reference(articles: list[dict], questions: list[dict], k: int = 10) -> dict:
    """Score the README's naive baseline: BM25Okapi over jieba tokens of sentence text.

    Every sentence of every article is one document (headline ignored); ties keep
    corpus order via a stable argsort. Returns R@1/3/5, MRR@k and the pool sizes.
    """
    import jieba
    import numpy as np
    from rank_bm25 import BM25Okapi

    jieba.setLogLevel(60)  # silence the dictionary-loading banner on stderr
    keys = [(a["id"], i) for a in articles for i in range(len(a["paragraphs"]))]
    corpus = [jieba.lcut(p) for a in articles for p in a["paragraphs"]]
    bm25 = BM25Okapi(corpus)

    ranks: list[int | None] = []
    for q in questions:
        scores = bm25.get_scores(jieba.lcut(q["question"]))
        top = np.argsort(-scores, kind="stable")[:max(k, 5)]
        ranked = [keys[i] for i in top]
        gold = (q["article"], q["paragraph_index"])
        ranks.append(ranked.index(gold) + 1 if gold in ranked else None)
    return metrics(ranks, k) | {"questions": len(questions), "paragraphs": len(corpus)}


def main() -> None:
    """CLI: build the task, write the JSONL files, print counts and baseline metrics."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path, help="CMRC 2018 SQuAD-style JSON file")
    parser.add_argument("--out-dir", type=Path, default=Path("."),
                        help="where to write articles.jsonl and questions.jsonl")
    args = parser.parse_args()

    started = time.perf_counter()
    articles, questions = build_task(args.path)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    write_jsonl(articles, args.out_dir / "articles.jsonl")
    write_jsonl(questions, args.out_dir / "questions.jsonl")
    built = time.perf_counter()
    metrics = naive_reference(articles, questions)
    scored = time.perf_counter()

    print(json.dumps({
        "articles": len(articles),
        "paragraphs": sum(len(a["paragraphs"]) for a in articles),
        "questions": len(questions),
        "naive_reference": metrics,
        "seconds": {"build": round(built - started, 2), "reference": round(scored - built, 2)},
    }, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
