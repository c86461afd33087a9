"""Subscribers and the days announced to them: each new day once, never the days already in."""

from __future__ import annotations

from bot.following import Following


def test_the_first_look_records_the_days_already_in_and_later_ones_are_new_once(tmp_path):
    following = Following(tmp_path / "news.db")
    assert following.new_days(["2025-12-17", "2025-12-18"]) == []  # in before anyone could follow
    assert following.new_days(["2025-12-17", "2025-12-18", "2025-12-19"]) == ["2025-12-19"]
    following.mark(["2025-12-19"], chats=2)
    assert following.new_days(["2025-12-17", "2025-12-18", "2025-12-19"]) == []
    following.close()
    again = Following(tmp_path / "news.db")  # a restart remembers
    assert again.new_days(["2025-12-19", "2025-12-20"]) == ["2025-12-20"]
    again.close()


def test_a_chat_subscribes_once_and_unsubscribes_once(tmp_path):
    following = Following(tmp_path / "news.db")
    assert following.subscribe(5) and not following.subscribe(5) and following.subscribe(-100)
    assert sorted(following.chats()) == [-100, 5]
    assert following.unsubscribe(5) and not following.unsubscribe(5)
    assert following.chats() == [-100]
    following.close()
