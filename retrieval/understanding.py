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

_GREETING = re.compile(
    r"^(?:你好|您好|你们好|大家好|嗨|哈喽|哈啰|hello|hi|hey|早上好|上午好|中午好|下午好|晚上好|早安|午安|晚安|"
    r"在吗|在不在|谢谢|谢谢你|多谢|感谢|辛苦了|再见|拜拜|bye|thanks|thank you|ok|好的|好|嗯|哦|收到)+$",
    re.I)
_HELP = re.compile(r"^/?(?:help|帮助|使用说明|说明|怎么用|如何使用|怎么使用|你能做什么|你会什么|你是谁|能做什么)$",
                   re.I)
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def understand(text: str) -> Question:
    """The one reading of a message that every later step uses."""
    intent = classify(text)
    if intent is not None:
        return Question(text, intent)
    cut = tokenizing.cut(text)
    words = tuple(dict.fromkeys(w for w in cut if tokenizing.informative(w)))
    forms = tuple(_with_aliases(word) for word in words)
    tokens = tokenizing.tokens_of(cut)
    for extra in _alias_extras(tokenizing.normalize(text)):
        tokens += _alias_tokens(extra)
    return Question(text, words=forms, tokens=tuple(tokens))


def classify(text: str) -> Status | None:
    """GREETING or HELP for messages that are not searches, else None."""
    bare = _NOISE.sub("", tokenizing.normalize(text))
    if _HELP.match(bare):
        return Status.HELP
    if _GREETING.match(bare):
        return Status.GREETING
    return None


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
