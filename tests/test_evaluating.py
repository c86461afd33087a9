"""Retrieval metrics over QA files: the seed questions, and the arithmetic of R@k and MRR."""

from __future__ import annotations

import json

import pytest

from retrieval.evaluating import evaluate, load_qa, metrics, rank_of
from retrieval.models import Paragraph

from .conftest import ROOT


def test_seed_qa_file_evaluates_perfectly_on_no_answers(searcher):
    result = evaluate(searcher, load_qa(ROOT / "tests" / "data" / "seed_qa.jsonl"))
    assert result["no_answer_accuracy"] == 1.0
    assert result["R@3"] == 1.0 and result["R@1"] >= 0.9


def test_metrics_of_known_ranks():
    assert metrics([1, 2, None, 4]) == {"R@1": 0.25, "R@3": 0.5, "R@5": 0.75, "MRR@10": 0.4375, "answerable": 4}


def test_rank_needs_the_right_article_and_the_text():
    paragraphs = [Paragraph(id=i, article_id=f"a{i}", position=0, text=t, headline=h)
                  for i, (t, h) in enumerate([("今天多云。", "天气预报"), ("会议召开。", "市委会议")])]
    assert rank_of(paragraphs, {"article": "会议", "contains": "召开"}) == 2
    assert rank_of(paragraphs, {"article": ["a0", "x"], "contains": "晴"}) is None


def test_a_qa_line_without_a_question_is_an_error_naming_the_line(tmp_path):
    qa = tmp_path / "qa.jsonl"
    qa.write_text(json.dumps({"question": "好"}) + "\n" + json.dumps({"article": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"qa.jsonl:2: a QA line needs"):
        load_qa(qa)
