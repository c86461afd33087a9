"""The answers behind 更多结果 and 👍/👎: kept for recent answers, forgotten after a reload."""

from __future__ import annotations

from bot.results import MoreResults
from retrieval.models import Answer, Hit, Paragraph, Status


def hits(*texts: str) -> Answer:
    return Answer("q", Status.ANSWERED, more=tuple(
        Hit(Paragraph(id=i, article_id=str(i), position=0, text=t, headline="标题"), 1.0) for i, t in enumerate(texts)))


def test_more_results_forget_old_answers_and_other_corpora():
    results = MoreResults(capacity=2)
    first = results.put(hits("x"), generation=1)
    results.put(hits("y"), generation=1)
    last = results.put(hits("z"), generation=1)
    assert results.get(first, 1) is None  # evicted
    assert results.get(last, 1) == hits("z") and results.get(last, 2) is None  # a reload since: stale
