"""The one tokenizer: jieba words with Pinghu's names, characters and bigrams, normalised."""

from __future__ import annotations

from retrieval.tokenizing import LATIN_WEIGHT, cut, informative, tokenize, tokens_of, version


def test_tokenizer_is_normalised_drops_question_words_and_keeps_local_names():
    assert tokenize("ＡＢＣ　iPhone") == ["abc"] * LATIN_WEIGHT + ["iphone"] * LATIN_WEIGHT
    tokens = tokenize("新仓镇的廉政第一课讲了什么")
    assert "新仓镇" in tokens and "什么" not in tokens
    assert tokens[:3] == ["新仓镇", "廉政第一课", "讲"]
    assert {"新", "仓", "新仓", "仓镇"} <= set(tokens)  # characters and bigrams of the Chinese run


def test_question_and_function_words_break_runs():
    assert tokens_of(["平湖", "的", "天气"]) == ["平湖", "天气", "平", "湖", "平湖", "天", "气", "天气"]
    assert not informative("什么") and not informative("，") and informative("平湖")


def test_tokenize_is_tokens_of_the_cut():
    text = "市人社局局长朱磊说。"
    assert tokenize(text) == tokens_of(cut(text))


def test_version_names_the_tokenizer_output():
    assert len(version()) == 16 and version() == version()
