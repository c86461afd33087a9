"""From ranked hits to an answer: up to three passages from different articles, or an honest none.

>>> from retrieval.models import Paragraph
>>> from retrieval.searching import Searcher
>>> from retrieval.tokenizing import tokenize
>>> weather = Paragraph(id=1, article_id="w", position=0, text="今天多云到晴。", headline="天气预报")
>>> news = Paragraph(id=2, article_id="n", position=0, text="本报讯 会议召开。", headline="市委召开会议")
>>> more = Paragraph(id=3, article_id="m", position=0, text="本报讯 公园建成。", headline="新建口袋公园")
>>> searcher = Searcher([weather, news, more], [tokenize(p.text + p.headline) for p in (weather, news, more)])
>>> answer(searcher, "你好").status, answer(searcher, "今天天气").status, answer(searcher, "A股行情").status
('greeting', 'answered', 'none')
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from . import tokenizing
from .models import Answer, Hit
from .searching import Searcher

_GREETING = re.compile(
    r"^(?:你好|您好|你们好|大家好|嗨|哈喽|哈啰|hello|hi|hey|早上好|上午好|中午好|下午好|晚上好|早安|午安|晚安|"
    r"在吗|在不在|谢谢|谢谢你|多谢|感谢|辛苦了|再见|拜拜|bye|thanks|thank you|ok|好的|好|嗯|哦|收到)+$",
    re.I)
_HELP = re.compile(r"^/?(?:help|帮助|使用说明|说明|怎么用|如何使用|怎么使用|你能做什么|你会什么|你是谁|能做什么)$", re.I)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)

PASSAGES = 3
POOL = 20


def classify(question: str) -> str | None:
    """``"greeting"`` or ``"help"`` for messages that are not searches, else None."""
    bare = _NOISE.sub("", tokenizing.normalize(question))
    if _HELP.match(bare):
        return "help"
    if _GREETING.match(bare):
        return "greeting"
    return None


def answer(searcher: Searcher, question: str, passages: int = PASSAGES, pool: int = POOL) -> Answer:
    """The answer to one question; further passages beyond the first ``passages`` go to ``more``."""
    kind = classify(question)
    if kind:
        return Answer(question, kind)
    if not tokenizing.words(question):
        return Answer(question, "empty")
    hits = tuple(searcher.search(question, k=pool))
    if not hits or not searcher.answers(hits[0]):
        return Answer(question, "none", hits=hits)
    chosen = distinct_passages(hit for hit in hits if searcher.answers(hit))
    return Answer(question, "answered", tuple(chosen[:passages]), tuple(chosen[passages:]), hits)


def distinct_passages(hits: Iterable[Hit]) -> list[Hit]:
    """One hit per article, and never the same passage text twice (a page ingested twice)."""
    articles: set[str] = set()
    texts: set[str] = set()
    chosen = []
    for hit in hits:
        text = tokenizing.normalize(hit.paragraph.text).strip()
        if hit.paragraph.article_id in articles or text in texts:
            continue
        articles.add(hit.paragraph.article_id)
        texts.add(text)
        chosen.append(hit)
    return chosen
