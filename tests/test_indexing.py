"""The BM25 index: scores equal rank_bm25's, on the seed, on thousands of real paragraphs, across segments."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from retrieval import indexing
from retrieval.indexing import BM25Index, Rows, build, extend, lookup
from retrieval.library import Library
from retrieval.tokenizing import tokenize
from retrieval.understanding import understand
from testkit.questions import OFF_TOPIC, RESIDENT_QUESTIONS
from testkit.reference import reference_scores, reference_top


def test_index_scores_equal_rank_bm25_on_the_seed(seed_library, searcher):
    _, documents = seed_library.in_memory()
    reference = BM25Okapi(documents, k1=searcher.index.k1, b=searcher.index.b)
    for question in [q for q, _ in RESIDENT_QUESTIONS] + OFF_TOPIC:
        query = understand(question).tokens
        assert np.allclose(searcher.index.scores(query), reference.get_scores(query), atol=1e-6, rtol=0)


@pytest.mark.slow
def test_index_scores_equal_rank_bm25_on_a_real_corpus_of_thousands_of_paragraphs(cmrc_path, tmp_path):
    from benchmarks.cmrc_task import build_task, write_jsonl

    articles, questions = build_task(cmrc_path)
    write_jsonl(articles, tmp_path / "cmrc.jsonl")
    library = Library(tmp_path, tmp_path / "cmrc.db")
    library.refresh(paths=[tmp_path / "cmrc.jsonl"])
    paragraphs, documents = library.in_memory()
    assert len(paragraphs) >= 1000
    index = BM25Index(documents, k1=0.9, b=0.3)
    reference = BM25Okapi(documents, k1=0.9, b=0.3)
    for question in questions[:200]:
        query = tokenize(question["question"])
        assert np.abs(index.scores(query) - reference.get_scores(query)).max() < 1e-6


def test_index_handles_terms_in_most_documents_like_rank_bm25():
    # A one-page corpus puts terms in half or more of the documents: rank_bm25 floors their idf.
    documents = [["平湖", "新闻"], ["平湖", "天气"], ["平湖", "新闻"], ["嘉兴"]]
    index, reference = BM25Index(documents), BM25Okapi(documents)
    for query in (["平湖"], ["新闻"], ["平湖", "平湖", "嘉兴"], ["无此词"]):
        assert np.allclose(index.scores(query), reference.get_scores(query), atol=1e-9)


def test_top_k_keeps_documents_holding_a_term_whose_weight_is_zero_or_below():
    # A bot's first upload: rank_bm25's idf is at or below zero for most terms, and a document
    # holding only such terms is still a candidate (its score does not tell it from the rest).
    documents = [["平湖", "新闻"], ["平湖", "天气", "天气"]]
    index, reference = BM25Index(documents), BM25Okapi(documents)
    for query in (["平湖"], ["新闻"], ["平湖", "新闻"], ["天气", "新闻"], ["平湖", "平湖", "天气"]):
        weights = index._weights(query)[2]
        scores = reference.get_scores(query)
        holding = [d for d, document in enumerate(documents) if set(query) & set(document)]
        expected = sorted(holding, key=lambda d: (-scores[d], d))
        top = index.top(query, 5)
        assert (weights <= 0).any() and [doc for doc, _ in top] == expected
        assert np.allclose([score for _, score in top], scores[expected], atol=1e-9)
        assert [doc for doc, _ in index.top(query, 5, exclude=np.array([expected[0]]))] == expected[1:]


def test_an_extended_index_scores_like_one_built_from_all_documents_and_like_rank_bm25(seed_library):
    _, documents = seed_library.in_memory()
    base, added = documents[:20], [*documents[20:], ["全新", "词语", "平湖"], ["平湖", "平湖"]]
    extended = BM25Index(base, k1=0.9, b=0.3).extended(added)
    whole = BM25Index(base + added, k1=0.9, b=0.3)
    reference = BM25Okapi(base + added, k1=0.9, b=0.3)
    assert extended.size == whole.size == len(base) + len(added)
    for question in [q for q, _ in RESIDENT_QUESTIONS] + ["全新词语", "平湖平湖"]:
        query = [*tokenize(question), "全新", "平湖"]
        assert np.allclose(extended.scores(query), whole.scores(query), atol=1e-9)
        assert np.allclose(extended.scores(query), reference.get_scores(query), atol=1e-6)


def test_top_k_over_many_segments_equals_a_full_ranking_of_rank_bm25_scores(monkeypatch):
    monkeypatch.setattr(indexing, "SEGMENT_SIZE", 700)  # several segments, and extensions merging them
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


def test_a_document_too_long_for_two_byte_counts_scores_like_rank_bm25():
    documents = [["平湖"] * 70_000 + ["新闻"], ["平湖", "新闻"], ["天气"]]  # tf and length past 65,535
    index, reference = BM25Index(documents), BM25Okapi(documents)
    assert index.lengths.dtype == np.uint32 and index.segments[0].tf.dtype == np.uint32
    for query in (["平湖"], ["新闻", "天气"]):
        assert np.allclose(index.scores(query), reference.get_scores(query), atol=1e-9, rtol=0)
    top, expected = index.top(["天气", "新闻"], 3), reference_top(index, ["天气", "新闻"], 3)
    assert [doc for doc, _ in top] == [doc for doc, _ in expected] == [2, 0, 1]  # negative idf: longer is better
    assert np.allclose([s for _, s in top], [s for _, s in expected], atol=1e-9)


def test_what_an_index_keeps_of_question_tokens_stays_bounded_and_equal_to_a_fresh_lookup(monkeypatch):
    documents = [["平湖", "新闻"], ["嘉兴", "新闻"], ["天气"], ["平湖", "天气", "天气"]]
    tokens = ["平湖", "新闻", "嘉兴", "天气", "无此词", "平湖"]
    expected = BM25Index(documents).terms(tokens)
    monkeypatch.setattr(indexing, "TERMS_KEPT", 4)
    index = BM25Index(documents)
    for _ in range(3):  # filled, cleared when full, filled again: the same answers every time
        assert index.terms(tokens[:3]) == expected[:3] and len(index._terms) == 3
        assert index.terms(tokens[::-1]) == expected[::-1] and len(index._terms) <= 4
    reference = BM25Okapi(documents)
    assert [term.df for term in expected] == [2, 2, 1, 2, 0, 2]
    assert np.allclose([term.idf for term in expected[:4]], [reference.idf[t] for t in tokens[:4]], atol=1e-12)


def test_an_index_of_documents_without_tokens_scores_zero_and_finds_nothing():
    index = BM25Index([[], []]).extended([[]])
    assert index.size == 3 and index.scores(["平湖"]).tolist() == [0.0, 0.0, 0.0]
    assert index.top(["平湖"], 2) == [] and index.terms(["平湖"])[0].idf > 0


def test_build_and_extend_pair_each_document_with_its_stored_row():
    key = "ab" * 20
    rows = [(11, key, "news", "平湖 新闻", "标题"), (12, key, "advert", "招生 热线", "广告")]
    index, built = build(rows, k1=0.9, b=0.3)
    assert built.ids.tolist() == [11, 12] and built.answerable.tolist() == [True, False]
    assert built.checks.tolist() == [int(key[:16], 16)] * 2
    more, grown = extend(index, built, [(15, key, "news", "嘉兴", "")])
    assert (more.size, grown.ids.tolist(), built.ids.tolist()) == (3, [11, 12, 15], [11, 12])
    assert index.size == 2  # the index extended is left as it was
    # Titles count HEAD_WEIGHT times: document 0 is 平湖 新闻 标题 标题.
    assert more.segments[0].lengths.tolist() == [2 + indexing.HEAD_WEIGHT, 2 + indexing.HEAD_WEIGHT, 1]


def test_a_row_without_tokens_cannot_be_indexed():
    with pytest.raises(ValueError, match="not tokenized"):
        build([(1, "ab" * 20, "news", None, "标题")], k1=0.9, b=0.3)


def test_rows_of_different_lengths_are_refused():
    with pytest.raises(ValueError, match="differ in length"):
        Rows(np.array([1]), np.array([], dtype=np.uint64), np.array([True]))


def test_lookup_finds_keys_in_a_sorted_array_and_nothing_in_an_empty_one():
    found, rows = lookup(np.array([3, 7, 9], dtype=np.uint64), np.array([7, 8, 9, 1], dtype=np.uint64))
    assert found.tolist() == [True, False, True, False] and rows[found].tolist() == [1, 2]
    assert lookup(np.array([], dtype=np.uint64), np.array([5], dtype=np.uint64))[0].tolist() == [False]


def random_corpus(n: int, seed: int) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    words = [f"词{i}" for i in range(400)]
    frequencies = 1 / np.arange(1, 401)
    frequencies /= frequencies.sum()
    documents = [list(rng.choice(words, size=int(rng.integers(0, 40)), p=frequencies)) for _ in range(n)]
    for document in documents[::97]:
        document += ["词7"] * 30  # a tf far past the usual 1-3
    return documents


@pytest.mark.parametrize("split_from", [1 << 40, 1], ids=["one thread", "halves on two threads"])
def test_the_compiled_kernel_ranks_like_the_plain_numpy_reference_over_many_segments(monkeypatch, split_from):
    monkeypatch.setattr(indexing, "SEGMENT_SIZE", 3000)
    monkeypatch.setattr(indexing, "SPLIT_FROM", split_from)
    documents = random_corpus(20_000, 11)
    index = BM25Index(documents[:12_000], k1=0.9, b=0.3).extended(documents[12_000:15_000]).extended(documents[15_000:])
    assert len(index.segments) >= 4
    exclude = np.arange(0, 20_000, 13)
    rng = np.random.default_rng(3)
    for _ in range(60):
        query = [f"词{i}" for i in rng.integers(0, 400, size=int(rng.integers(1, 8)))]
        assert np.allclose(index.scores(query), reference_scores(index, query), atol=1e-9, rtol=0)
        for k in (1, 10, 50):
            top, expected = index.top(query, k, exclude=exclude), reference_top(index, query, k, exclude)
            assert [doc for doc, _ in top] == [doc for doc, _ in expected]
            assert np.allclose([s for _, s in top], [s for _, s in expected], atol=1e-9)


def test_questions_scored_at_once_on_several_threads_get_the_answers_they_get_alone(monkeypatch):
    monkeypatch.setattr(indexing, "SEGMENT_SIZE", 1000)
    monkeypatch.setattr(indexing, "SPLIT_FROM", 1)  # and each question's halves on two threads
    index = BM25Index(random_corpus(5_000, 5), k1=0.9, b=0.3)
    queries = [[f"词{i}", f"词{(i * 7) % 400}"] for i in range(200)]
    alone = [index.top(query, 10) for query in queries]
    with ThreadPoolExecutor(max_workers=4) as pool:
        together = list(pool.map(lambda query: index.top(query, 10), queries * 3))
    assert together == alone * 3


def test_built_segments_are_read_only_like_kept_ones(seed_library):
    """The kernel then runs one compiled variant for built and memory-mapped segments alike."""
    _, documents = seed_library.in_memory()
    built = BM25Index(documents, k1=0.9, b=0.3).extended([["新", "词"]])
    assert not any(getattr(segment, name).flags.writeable for segment in built.segments
                   for name in indexing.Segment.ARRAYS)


def test_a_question_is_split_over_the_cores_only_while_no_other_is_being_scored(monkeypatch):
    monkeypatch.setattr(indexing, "SPLIT_FROM", 1)
    index = BM25Index(random_corpus(2_000, 9), k1=0.9, b=0.3)
    submitted = []
    helper = indexing._helper()
    monkeypatch.setattr(indexing, "_helper", lambda: SimpleNamespace(submit=lambda job: submitted.append(1)
                                                                      or helper.submit(job)))
    alone = index.top(["词1", "词2"], 10)
    with indexing._SCORING:  # another question in flight
        beside = index.top(["词1", "词2"], 10)
    assert submitted == [1] and alone == beside
    assert [doc for doc, _ in alone] == [doc for doc, _ in reference_top(index, ["词1", "词2"], 10)]

