"""👍/👎: one vote per user and answer, users kept only as a keyed hash, exported for labelling."""

from __future__ import annotations

import json
import stat

from bot.feedback import Feedback, key_path
from retrieval.evaluating import load_qa
from retrieval.models import Answer, Hit, Paragraph, Status


def shown(question: str, *articles: str) -> Answer:
    hits = tuple(Hit(Paragraph(id=n, article_id=a, position=0, text="…", headline=f"标题{a}"), 1.0)
                 for n, a in enumerate(articles))
    return Answer(question, Status.ANSWERED, hits)


def test_a_users_votes_on_an_answer_count_once_and_a_change_of_mind_replaces_the_vote(tmp_path):
    feedback = Feedback(tmp_path / "news.db")
    answer = shown("顾亚萍是谁", "a1", "a2")
    assert feedback.vote(1001, answer, up=False) and not feedback.vote(1001, answer, up=False)
    assert feedback.vote(1001, answer, up=True)
    assert feedback.vote(1002, answer, up=False)
    votes, disliked = feedback.week()
    assert sorted(v.vote for v in votes) == [-1, 1]
    assert disliked == [("顾亚萍是谁", ("a1", "a2"))]  # articles no longer stored show by id
    feedback.close()


def test_the_hash_key_lives_beside_the_database_readable_by_its_owner_only(tmp_path):
    feedback = Feedback(tmp_path / "news.db")
    feedback.vote(1001, shown("q", "a1"), up=True)
    key = key_path(tmp_path / "news.db")
    assert stat.S_IMODE(key.stat().st_mode) == 0o600 and len(bytes.fromhex(key.read_text())) == 32
    first = feedback.week()[0][0].user_hash
    feedback.close()
    again = Feedback(tmp_path / "news.db")  # the same key after a restart: the same user, the same hash
    again.vote(1001, shown("q2", "a1"), up=True)
    assert {v.user_hash for v in again.week()[0]} == {first} and "1001" not in first
    again.close()


def test_export_writes_liked_answers_labelled_and_disliked_ones_to_label(tmp_path):
    feedback = Feedback(tmp_path / "news.db")
    feedback.vote(1, shown("好问题", "a1", "a2"), up=True)
    feedback.vote(2, shown("坏回答", "b1"), up=False)
    assert feedback.export(tmp_path / "out.jsonl") == 2
    feedback.close()
    lines = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text("utf-8").splitlines()]
    assert [(r["question"], r["article"], r["feedback"], r["shown"]) for r in lines] == [
        ("好问题", ["a1"], "up", ["a1", "a2"]), ("坏回答", [], "down", ["b1"])]
    assert len(load_qa(tmp_path / "out.jsonl")) == 2  # newsbot eval reads it as it is
