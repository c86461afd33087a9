"""Metrics over a QA set: the ranking's R@1, R@3, R@5 and MRR@10, the answer's answer@1 and
headline@1, refusals and no-answer accuracy.

A QA record is ``{"question", "article"?, "contains"?, "none"?}``: ``article`` is an
article id, a headline substring, or a list of such alternatives; ``contains`` is
text the right passage holds; ``none: true`` marks a question the corpus cannot answer.

>>> from retrieval.models import Paragraph
>>> p = Paragraph(id=1, article_id="a1", position=0, text="今天多云。", headline="天气预报")
>>> is_correct(p, {"article": ["天气", "x"], "contains": "多云"})
True
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .answering import answer
from .models import Paragraph
from .searching import Searcher

CUTOFFS = (1, 3, 5)


def load_qa(path: str | Path) -> list[dict[str, Any]]:
    """QA records from a JSON Lines file; a line without a question is an error naming the line."""
    records = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        record = json.loads(line)
        if not isinstance(record, dict) or not isinstance(record.get("question"), str):
            raise ValueError(f"{path}:{number}: a QA line needs a \"question\" string")
        records.append(record)
    return records


def is_correct(paragraph: Paragraph, record: dict[str, Any]) -> bool:
    """Whether a paragraph answers the record: the right article (id or headline) and the text it must hold."""
    return right_article(paragraph, record) and shows(paragraph, record.get("contains", ""))


def right_article(paragraph: Paragraph, record: dict[str, Any]) -> bool:
    """Whether a paragraph is of the record's article (by id or a headline substring), if it names one."""
    wanted = record.get("article")
    if wanted is None:
        return True
    options = wanted if isinstance(wanted, list) else [wanted]
    return any(str(o) == paragraph.article_id or str(o) in paragraph.headline for o in options)


def shows(paragraph: Paragraph, text: str) -> bool:
    """Whether a passage as shown holds ``text``: in its paragraph, or in the byline shown with it
    (compared without spaces: the paper spaces two-character names, 记者 李 明)."""
    return text in paragraph.text or text.replace(" ", "") in paragraph.byline.replace(" ", "")


def rank_of(paragraphs: Sequence[Paragraph], record: dict[str, Any]) -> int | None:
    """1-based rank of the first correct paragraph, if any."""
    for rank, paragraph in enumerate(paragraphs, start=1):
        if is_correct(paragraph, record):
            return rank
    return None


def evaluate(searcher: Searcher, records: Iterable[dict[str, Any]], k: int = 10) -> dict[str, float | int]:
    """Metrics of ``searcher`` on QA records: R@k and MRR over the ranked hits of answerable records;
    ``answer@1`` and ``headline@1``, the share of them answered with the ``contains`` text and the
    right headline in the first passage shown; ``refused``, answerable records not answered; and
    ``no_answer_accuracy`` over all records (answered exactly when answerable)."""
    ranks: list[int | None] = []
    first_text = first_headline = refused = none_right = none_total = 0
    for record in records:
        expect_none = bool(record.get("none"))
        result = answer(searcher, record["question"], pool=max(k, *CUTOFFS))
        none_total += 1
        none_right += expect_none == (not result.answered)
        if expect_none:
            continue
        ranks.append(rank_of([hit.paragraph for hit in result.hits[:k]], record))
        first = result.passages[0].paragraph if result.answered else None
        refused += first is None
        first_text += first is not None and shows(first, record.get("contains", ""))
        first_headline += first is not None and right_article(first, record)
    answerable = len(ranks) or 1
    return metrics(ranks, k) | {
        "answer@1": round(first_text / answerable, 4), "headline@1": round(first_headline / answerable, 4),
        "refused": refused, "no_answer_accuracy": round(none_right / none_total, 4) if none_total else 0.0,
        "questions": none_total}


def metrics(ranks: Sequence[int | None], k: int = 10) -> dict[str, float | int]:
    """R@1/3/5 and MRR@k from 1-based ranks (None: not found)."""
    n = len(ranks) or 1
    result: dict[str, float | int] = {
        f"R@{c}": round(sum(1 for r in ranks if r is not None and r <= c) / n, 4) for c in CUTOFFS}
    result[f"MRR@{k}"] = round(sum(1 / r for r in ranks if r is not None and r <= k) / n, 4)
    result["answerable"] = len(ranks)
    return result
