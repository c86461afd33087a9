"""The answer policy: from ranked hits to up to three passages from different articles, or an honest none.

A hit is judged by its coverage, the idf-weighted share of the question's informative words (in
any of their alias forms) that it and its titles hold; it may answer only at ``COVERAGE`` or more.
Its best sentence is the one that covers most.

>>> from retrieval.models import Paragraph
>>> from retrieval.searching import Searcher
>>> from retrieval.tokenizing import tokenize
>>> weather = Paragraph(id=1, article_id="w", position=0, text="今天多云到晴。", headline="天气预报")
>>> news = Paragraph(id=2, article_id="n", position=0, text="本报讯 会议召开。", headline="市委召开会议")
>>> more = Paragraph(id=3, article_id="m", position=0, text="本报讯 公园建成。", headline="新建口袋公园")
>>> searcher = Searcher.of([weather, news, more], [tokenize(p.text + p.headline) for p in (weather, news, more)])
>>> [answer(searcher, q).status.value for q in ("你好", "今天天气", "A股行情")]
['greeting', 'answered', 'none']
>>> answer(searcher, "今天天气").passages[0].sentence
'今天多云到晴。'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from . import tokenizing
from .models import Answer, Hit, Question, Status
from .searching import Searcher
from .understanding import understand

# The least share of a question's informative words (idf-weighted) a passage must hold to answer it;
# measured with benchmarks/no_answer.py (README: "No answer").
COVERAGE = 0.3
PASSAGES = 3  # shown in the first reply
POOL = 20  # hits judged per question: the passages and those behind 更多结果

_SENTENCE = re.compile(r".+?(?:[。！？!?；;]+[”’」』）)]*|$)", re.S)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, each with its closing punctuation and quotes."""
    return [s for s in (m.group(0) for m in _SENTENCE.finditer(text)) if s.strip()]


def answer(searcher: Searcher, question: Question | str, passages: int = PASSAGES, pool: int = POOL,
           coverage: float = COVERAGE) -> Answer:
    """The answer to one message; passages beyond the first ``passages`` go to ``more``."""
    if not 0 <= coverage <= 1:
        raise ValueError(f"coverage must be in [0, 1], got {coverage}")
    if isinstance(question, str):
        question = understand(question)
    if question.intent is not None:
        return Answer(question.text, question.intent)
    if not question.words:
        return Answer(question.text, Status.EMPTY)
    weights = word_weights(searcher, question)
    hits = tuple(judge(hit, question, weights) for hit in searcher.search(question, k=pool))
    if not hits or hits[0].coverage < coverage:
        return Answer(question.text, Status.NONE, hits=hits)
    chosen = distinct_passages(hit for hit in hits if hit.coverage >= coverage)
    return Answer(question.text, Status.ANSWERED, tuple(chosen[:passages]), tuple(chosen[passages:]), hits)


def word_weights(searcher: Searcher, question: Question) -> list[float]:
    """The weight of each question word: the idf of its rarest form in this corpus."""
    return [max(searcher.idf(form) for form in forms) for forms in question.words]


def judge(hit: Hit, question: Question, weights: Sequence[float]) -> Hit:
    """The hit with how much of the question it covers, its best sentence and the question terms it holds.

    Plain substring checks on normalised text, weighted by idf: no tokenizing beyond the question's.
    """
    paragraph = hit.paragraph
    body = tokenizing.normalize(paragraph.text)
    titled = tokenizing.normalize(f"{paragraph.headline} {paragraph.subheadline} ") + body
    total = sum(weights)
    coverage = _covered(titled, question.words, weights) / total if total else 0.0
    terms = tuple(dict.fromkeys(form for forms in question.words for form in forms
                                if len(form) > 1 and form in body))
    best = max(split_sentences(paragraph.text) or [paragraph.text],
               key=lambda sentence: _covered(tokenizing.normalize(sentence), question.words, weights))
    return replace(hit, sentence=best.strip(), terms=terms, coverage=coverage)


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


def _presence(word: str, text: str) -> float:
    """1 if ``word`` is in ``text``; for a compound jieba kept whole ("今天天气"), the share of its bigrams that are."""
    if word in text:
        return 1.0
    if len(word) < 4:
        return 0.0
    bigrams = [word[i:i + 2] for i in range(len(word) - 1)]
    return sum(b in text for b in bigrams) / len(bigrams)


def _covered(text: str, words: Sequence[tuple[str, ...]], weights: Sequence[float]) -> float:
    """The idf-weighted amount of the question's words (in any of their forms) that ``text`` holds."""
    return sum(w * max(_presence(form, text) for form in forms) for forms, w in zip(words, weights, strict=True))
