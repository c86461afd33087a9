"""The searcher: a question in, scored hits out, validated at construction."""

from __future__ import annotations

import pytest

from retrieval.errors import EmptyCorpus
from retrieval.indexing import BM25Index
from retrieval.models import Paragraph
from retrieval.paragraphs import MemoryParagraphs
from retrieval.searching import Searcher
from retrieval.tokenizing import tokenize
from retrieval.understanding import understand


def test_search_ranks_the_seed_answer_first_with_its_score(searcher):
    hits = searcher.search(understand("平湖经开区和谁签了战略合作协议?"), k=3)
    assert hits[0].paragraph.headline == "地企携手聚力 资本产业深融"
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


def test_search_never_returns_adverts(searcher):
    assert all(hit.paragraph.kind != "advert" for hit in searcher.search("嘉兴市交通学校招生热线", k=50))


def test_search_of_a_question_without_tokens_finds_nothing(searcher):
    assert searcher.search("？？？", k=5) == []


def test_searcher_validates_its_inputs():
    paragraph = Paragraph(id=1, article_id="a", position=0, text="平湖新闻。", headline="标题")
    with pytest.raises(EmptyCorpus):
        Searcher.of([], [])
    with pytest.raises(ValueError, match="1 paragraphs but an index of 2 documents"):
        Searcher(BM25Index([["平湖"], ["嘉兴"]]), MemoryParagraphs([paragraph]))
    with pytest.raises(ValueError, match="k must be"):
        Searcher.of([paragraph], [tokenize(paragraph.text)]).search("平湖", k=0)


def test_facts_list_kinds_articles_and_the_newest_headlines(searcher):
    facts = searcher.facts
    assert facts.kinds == {"news", "commentary", "advert", "weather"} and facts.articles == 7
    assert facts.latest[:2] == (("市委常委会召开扩大会议", None), ("地企携手聚力 资本产业深融", None))
