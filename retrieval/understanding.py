"""A message understood once, at the entry: whether it is a search, its words and their alias forms,
and the tokens the index is searched with. Nothing after this cuts the question into words again.

>>> question = understand("经开区在哪?")
>>> question.words
(('经开区', '经济技术开发区'),)
>>> question.tokens[:4]
('经开区', '经', '开', '区')
>>> understand("你好").intent
<Status.GREETING: 'greeting'>
"""

from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from . import tokenizing
from .models import Question, Status

_ALIASES = resources.files(__package__).joinpath("aliases.txt")

# Messages that are not searches, matched as whole phrases (greetings may run together: 谢谢你好).
# No pattern: "(谢谢|谢谢你|好|…)+" can split a message in two ways at every step, and backtracks
# exponentially on a message that fails at the end (谢谢你好 × 20 + 吗x took minutes).
GREETINGS = frozenset("""
你好 您好 你们好 大家好 嗨 哈喽 哈啰 hello hi hey 早上好 上午好 中午好 下午好 晚上好 早安 午安 晚安
在吗 在不在 谢谢 谢谢你 多谢 感谢 辛苦了 再见 拜拜 bye thanks thankyou ok 好的 好 嗯 哦 收到
""".split())
HELP = frozenset("""
help 帮助 使用说明 说明 怎么用 如何使用 怎么使用 你能做什么 你会什么 你是谁 能做什么
""".split())
_LONGEST_GREETING = max(map(len, GREETINGS))
# A greeting or a request for help is short; longer messages are questions, and are not looked at
# character by character.
MAX_GREETING = 40
# What of a message is understood: a question is a sentence or two. The rest of a long message is
# ignored, so no message costs more than this much work.
MAX_QUESTION = 300
_NOISE = re.compile(r"[\s\W_]+")


def understand(text: str) -> Question:
    """The one reading of a message that every later step uses (its first ``MAX_QUESTION`` characters)."""
    intent = classify(text)
    if intent is not None:
        return Question(text, intent)
    read = text[:MAX_QUESTION]
    cut = tokenizing.cut(read)
    words = tuple(dict.fromkeys(w for w in cut if tokenizing.informative(w)))
    forms = tuple(_with_aliases(word) for word in words)
    tokens = tokenizing.tokens_of(cut)
    for extra in _alias_extras(tokenizing.normalize(read)):
        tokens += _alias_tokens(extra)
    return Question(text, words=forms, tokens=tuple(tokens))


def classify(text: str) -> Status | None:
    """GREETING or HELP for messages that are not searches, else None.

    >>> classify("谢谢你好！"), classify("/help"), classify("谢谢你好吗")
    (<Status.GREETING: 'greeting'>, <Status.HELP: 'help'>, None)
    """
    bare = _NOISE.sub("", tokenizing.normalize(text[:MAX_GREETING * 4]))
    if not bare or len(bare) > MAX_GREETING:
        return None
    if bare in HELP:
        return Status.HELP
    if _greetings_only(bare):
        return Status.GREETING
    return None


def _greetings_only(text: str) -> bool:
    """Whether ``text`` is greeting phrases run together: the word-break problem, in linear time."""
    ends = [True] + [False] * len(text)  # ends[i]: text[:i] is greetings only
    for start in range(len(text)):
        if ends[start]:
            for end in range(start + 1, min(len(text), start + _LONGEST_GREETING) + 1):
                ends[end] = ends[end] or text[start:end] in GREETINGS
    return ends[-1]


@lru_cache(maxsize=1)
def alias_groups() -> tuple[tuple[str, ...], ...]:
    """The alias table, normalised like tokens: each group is the forms of one name."""
    return tuple(tuple(tokenizing.normalize(name) for name in line.split())
                 for line in _ALIASES.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.lstrip().startswith("#"))


def _alias_extras(normalized: str) -> list[str]:
    """The other forms of every abbreviation or full name the question contains."""
    return [other for group in alias_groups() if any(name in normalized for name in group)
            for other in group if other not in normalized]


@lru_cache(maxsize=256)
def _alias_tokens(form: str) -> list[str]:
    """The index tokens of one alias form (a fixed string of the table, not the question)."""
    return tokenizing.tokenize(form)


def _with_aliases(word: str) -> tuple[str, ...]:
    """A word with the other forms of any abbreviation in it."""
    forms = [word] + [other for group in alias_groups() for member in group if member in word
                      for other in group if other != member]
    return tuple(dict.fromkeys(forms))
