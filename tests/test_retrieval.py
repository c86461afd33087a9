"""Questions on the seed page: the right article first, honest no-answers, and BM25 scores equal to rank_bm25's."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval.answering import answer, classify
from retrieval.errors import EmptyCorpus, StoreError
from retrieval.evaluating import evaluate, load_qa
from retrieval.indexing import BM25Index
from retrieval.ingesting import ingest
from retrieval.searching import Searcher, load_corpus, load_searcher, split_sentences
from retrieval.tokenizing import expand_aliases, tokenize

from .conftest import ROOT

RESIDENT_QUESTIONS = [
    ("平湖经开区和谁签了战略合作协议?", "地企携手聚力 资本产业深融"),
    ("明天天气怎么样", "天气预报"),
    ("今天最高气温多少度", "天气预报"),
    ("今天天气怎么样", "天气预报"),
    ("新仓镇的廉政第一课讲了什么", "时空廉书寄初心 结对帮带续薪火"),
    ("市委常委会扩大会议是谁主持的", "市委常委会召开扩大会议"),
    ("中缅丝路学院共建项目获得了什么荣誉", "“职教出海” 彰显平湖担当"),
    ("国联慧选五号基金规模是多少", "地企携手聚力 资本产业深融"),
    ("产业人才学院有多少联盟成员", "我市打造青年人才“引育留”新生态"),
    ("市人社局局长叫什么名字", "我市打造青年人才“引育留”新生态"),
    ("新仓镇干部家访四必访机制", "时空廉书寄初心 结对帮带续薪火"),
    ("平湖哪一年启动中越丝路学院共建项目", "“职教出海” 彰显平湖担当"),
    ("青年思享圆桌会在哪里举办", "我市打造青年人才“引育留”新生态"),
    ("顾亚萍是谁", "时空廉书寄初心 结对帮带续薪火"),
    ("平湖怎么留住青年人才", "我市打造青年人才“引育留”新生态"),
]
OFF_TOPIC = ["杭州亚运会什么时候开幕", "A股今天涨了吗", "iPhone 17多少钱", "上海迪士尼门票多少钱",
             "世界杯决赛比分是多少", "比特币价格", "北京冬奥会金牌榜"]


@pytest.mark.parametrize(("question", "headline"), RESIDENT_QUESTIONS)
def test_resident_question_gets_its_article_first(searcher, question, headline):
    result = answer(searcher, question)
    assert result.status == "answered"
    assert result.passages[0].paragraph.headline == headline


@pytest.mark.parametrize("question", OFF_TOPIC)
def test_off_topic_question_gets_no_answer(searcher, question):
    result = answer(searcher, question)
    assert (result.status, result.passages) == ("none", ())


@pytest.mark.parametrize(("text", "kind"), [("你好", "greeting"), ("您好！", "greeting"), ("谢谢", "greeting"),
                                            ("hello", "greeting"), ("帮助", "help"), ("/help", "help"),
                                            ("你能做什么？", "help")])
def test_greetings_and_help_are_not_searches(searcher, monkeypatch, text, kind):
    monkeypatch.setattr(Searcher, "search", lambda *a, **k: pytest.fail("searched a greeting"))
    assert classify(text) == kind
    assert answer(searcher, text).status == kind


@pytest.mark.parametrize("text", ["？？？", "   ", "!!!", "的了吗"])
def test_nothing_searchable_is_empty_not_an_error(searcher, text):
    assert answer(searcher, text).status == "empty"


def test_adverts_are_never_answers(searcher):
    for question in ("嘉兴市交通学校招生热线", "驾培电话多少", "吾悦广场南交通学校地址"):
        assert all(hit.paragraph.kind != "advert" for hit in searcher.search(question, k=50))


def test_answer_holds_at_most_three_passages_from_different_articles(searcher):
    result = answer(searcher, "平湖产业人才和职业教育")
    assert result.status == "answered"
    ids = [hit.paragraph.article_id for hit in result.passages + result.more]
    assert 1 <= len(result.passages) <= 3 and len(ids) == len(set(ids))


def test_hit_carries_best_sentence_and_matched_terms(searcher):
    hit, = searcher.search("平湖经开区和谁签了战略合作协议?", k=1)
    assert hit.sentence.startswith("本报讯 日前,平湖经济技术开发区与嘉兴长三角创新投资集团有限公司签订了《战略合作协议》")
    assert {"平湖", "战略", "合作", "协议", "经济技术开发区"} <= set(hit.terms)
    assert hit.coverage == 1.0


def test_weather_questions_answer_from_the_weather_item(searcher):
    for question in ("明天天气怎么样", "今天最高气温多少度", "明天早晨最低气温"):
        top = answer(searcher, question).passages[0]
        assert top.paragraph.kind == "weather", question
    assert answer(searcher, "今天最高气温多少度").passages[0].sentence == "今天白天最高气温17℃到18℃,明天早晨最低气温5℃。"


def test_tokenizer_is_normalised_drops_question_words_and_keeps_local_names():
    assert tokenize("ＡＢＣ　iPhone") == ["abc", "iphone"]
    tokens = tokenize("新仓镇的廉政第一课讲了什么")
    assert "新仓镇" in tokens and "什么" not in tokens
    assert tokens[:3] == ["新仓镇", "廉政第一课", "讲"]
    assert {"新", "仓", "新仓", "仓镇"} <= set(tokens)  # characters and bigrams of the Chinese run
    assert "经济技术开发区" in expand_aliases("经开区在哪") and "人力社保局" in expand_aliases("人社局电话")


def test_sentences_keep_their_punctuation_and_quotes():
    assert split_sentences("他说：“好。”然后走了！没了") == ["他说：“好。”", "然后走了！", "没了"]


def test_index_scores_equal_rank_bm25_on_the_seed(seed_db, searcher):
    _, documents = load_corpus(seed_db)
    reference = BM25Okapi(documents, k1=searcher.index.k1, b=searcher.index.b)
    for question in [q for q, _ in RESIDENT_QUESTIONS] + OFF_TOPIC:
        query = tokenize(expand_aliases(question))
        assert np.allclose(searcher.index.scores(query), reference.get_scores(query), atol=1e-6, rtol=0)


def test_index_scores_equal_rank_bm25_on_a_real_corpus_of_thousands_of_paragraphs(cmrc_path, tmp_path):
    from benchmarks.cmrc_task import build_task, write_jsonl

    articles, questions = build_task(cmrc_path)
    write_jsonl(articles, tmp_path / "cmrc.jsonl")
    ingest([tmp_path / "cmrc.jsonl"], tmp_path / "cmrc.db")
    paragraphs, documents = load_corpus(tmp_path / "cmrc.db")
    assert len(paragraphs) >= 1000
    searcher = Searcher(paragraphs, documents)
    reference = BM25Okapi(documents, k1=searcher.index.k1, b=searcher.index.b)
    for question in questions[:200]:
        query = tokenize(question["question"])
        assert np.abs(searcher.index.scores(query) - reference.get_scores(query)).max() < 1e-6


def test_index_handles_terms_in_most_documents_like_rank_bm25():
    # A one-page corpus puts terms in half or more of the documents: rank_bm25 floors their idf.
    documents = [["平湖", "新闻"], ["平湖", "天气"], ["平湖", "新闻"], ["嘉兴"]]
    index, reference = BM25Index(documents), BM25Okapi(documents)
    for query in (["平湖"], ["新闻"], ["平湖", "平湖", "嘉兴"], ["无此词"]):
        assert np.allclose(index.scores(query), reference.get_scores(query), atol=1e-9)


def test_searcher_validates_its_inputs():
    with pytest.raises(EmptyCorpus):
        Searcher([], [])
    with pytest.raises(ValueError, match="k must be"):
        Searcher.search(object.__new__(Searcher), "问题", k=0)


def test_seed_qa_file_evaluates_perfectly_on_no_answers(searcher):
    metrics = evaluate(searcher, load_qa(ROOT / "tests" / "data" / "seed_qa.jsonl"))
    assert metrics["no_answer_accuracy"] == 1.0
    assert metrics["R@3"] == 1.0 and metrics["R@1"] >= 0.9


def test_reloading_an_unchanged_corpus_segments_nothing(data_dir, db_path, monkeypatch):
    import jieba

    ingest([data_dir], db_path)
    monkeypatch.setattr(jieba.Tokenizer, "cut", lambda *a, **k: pytest.fail("segmented again"))
    searcher = load_searcher(db_path)  # builds the index from cached tokens (no index kept yet)
    assert len(searcher) == 32 and not list(db_path.parent.rglob("*.partial"))
    assert ingest([data_dir], db_path).segmented == 0


def test_index_is_kept_beside_the_database_and_rebuilt_only_when_the_corpus_changes(data_dir, db_path, monkeypatch):
    from retrieval import indexing

    ingest([data_dir], db_path)
    first = load_searcher(db_path)
    kept = sorted(db_path.parent.glob("news.db.index/*/manifest.json"))
    assert len(kept) == 1

    def no_build(*args, **kwargs):
        raise AssertionError("rebuilt an index that was kept")

    with monkeypatch.context() as patch:
        patch.setattr(indexing.BM25Index, "__init__", no_build)
        again = load_searcher(db_path)
    query = tokenize("平湖经开区和谁签了战略合作协议")
    assert np.array_equal(again.index.scores(query), first.index.scores(query))
    assert again.search("顾亚萍是谁", 1)[0].paragraph == first.search("顾亚萍是谁", 1)[0].paragraph

    (data_dir / "2025-12-19.txt").write_text("新标题\n\n本报讯 新内容。\n", encoding="utf-8")
    ingest([data_dir], db_path)
    changed = load_searcher(db_path)
    assert len(changed) == 33
    now_kept = sorted(db_path.parent.glob("news.db.index/*/manifest.json"))
    assert len(now_kept) == 1 and now_kept != kept  # the old corpus's index is gone
    assert len(list(db_path.parent.glob("news.db.index/segments/*"))) == 1  # and so are its segments


def test_a_damaged_index_file_is_rebuilt(data_dir, db_path):
    ingest([data_dir], db_path)
    load_searcher(db_path)
    kept, = db_path.parent.glob("news.db.index/*/manifest.json")
    kept.write_bytes(b"not an index")
    searcher = load_searcher(db_path)
    assert searcher.search("顾亚萍是谁", 1)[0].paragraph.headline == "时空廉书寄初心 结对帮带续薪火"
    assert kept.read_bytes() != b"not an index"


def test_an_extended_index_scores_like_one_built_from_all_documents_and_like_rank_bm25(seed_db):
    _, documents = load_corpus(seed_db)
    base, added = documents[:20], documents[20:] + [["全新", "词语", "平湖"], ["平湖", "平湖"]]
    extended = BM25Index(base, k1=0.9, b=0.3).extended(added)
    whole = BM25Index(base + added, k1=0.9, b=0.3)
    reference = BM25Okapi(base + added, k1=0.9, b=0.3)
    assert extended.size == whole.size == len(base) + len(added)
    for question in [q for q, _ in RESIDENT_QUESTIONS] + ["全新词语", "平湖平湖"]:
        query = tokenize(question) + ["全新", "平湖"]
        assert np.allclose(extended.scores(query), whole.scores(query), atol=1e-9)
        assert np.allclose(extended.scores(query), reference.get_scores(query), atol=1e-6)


def test_a_searcher_whose_database_is_gone_says_so_instead_of_finding_nothing(data_dir, db_path):
    ingest([data_dir], db_path)
    searcher = load_searcher(db_path)
    for path in db_path.parent.glob("news.db*"):
        if path.is_file():
            path.unlink()
    with pytest.raises(StoreError, match="is gone"):
        searcher.search("顾亚萍是谁", 1)
    assert not db_path.exists()


def test_top_k_over_many_segments_equals_a_full_ranking_of_rank_bm25_scores(monkeypatch):
    from retrieval import indexing

    monkeypatch.setattr(indexing, "SEGMENT_SIZE", 700)  # several segments, and extensions merging them
    monkeypatch.setattr(indexing, "BLOCK", 16)
    rng = np.random.default_rng(7)
    words = [f"词{i}" for i in range(60)]
    frequencies = np.arange(60, 0, -1) / np.arange(60, 0, -1).sum()
    documents = [list(rng.choice(words, size=int(rng.integers(0, 25)), p=frequencies)) for _ in range(3000)]
    index = BM25Index(documents[:2000], k1=0.9, b=0.3).extended(documents[2000:2400]).extended(documents[2400:])
    reference = BM25Okapi(documents, k1=0.9, b=0.3)
    answerable = rng.random(3000) > 0.1
    assert len(index.segments) > 2
    for query in (["词0"], ["词1", "词1", "词30"], ["词59", "词58"], ["词0", "词5", "词7", "词44"]):
        scores = reference.get_scores(query)
        expected = [int(d) for d in np.lexsort((np.arange(3000), -scores)) if answerable[d] and scores[d]][:10]
        top = index.top(query, 10, exclude=np.flatnonzero(~answerable))
        assert [doc for doc, _ in top] == expected
        assert np.allclose([score for _, score in top], scores[expected], atol=1e-9)


def test_an_index_of_documents_without_tokens_scores_zero_and_finds_nothing():
    index = BM25Index([[], []]).extended([[]])
    assert index.size == 3 and index.scores(["平湖"]).tolist() == [0.0, 0.0, 0.0]
    assert index.top(["平湖"], 2) == [] and index.term_idf("平湖") > 0
