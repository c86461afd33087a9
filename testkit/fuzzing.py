"""What residents might type, as hypothesis strategies, and the check every reply must pass."""

from __future__ import annotations

from hypothesis import strategies as st

from bot import formatting
from retrieval.answering import answer
from retrieval.searching import Searcher
from retrieval.understanding import understand

from .botkit import telegram_html_problems

FRAGMENTS = ["<b>", "</b>", "<i>x</i>", "<a href='javascript:1'>", "&amp;", "&", "<", ">", "**粗体**", "_斜_",
             "`code`", "[链接](http://x)", "~~删~~", "||剧透||", "<script>alert(1)</script>", "\\", "'", '"',
             "平湖", "经开区", "天气", "什么", "吗", "的", "？", "!!", "😀", "🇨🇳", "👍🏽", "\u200b", "\u202e",
             "\x00", "\x07", "\t", "\n", "\r\n", "A股", "iPhone", "12345", "３４５", "ＡＢＣ", "臺灣", "經濟", "發展"]
STOPWORDS_ONLY = st.lists(st.sampled_from(["什么", "哪些", "吗", "的", "了", "是", "怎么", "呢", "吧"]), max_size=20)
PUNCTUATION = st.text(alphabet="，。！？、；：“”‘’（）【】《》…—·,.!?;:'\"()[]{}<>/@#$%^&*-+=~`|\\", max_size=200)


@st.composite
def long_messages(draw: st.DrawFn) -> str:
    """About 10 kB: a random snippet repeated."""
    snippet = draw(st.text(min_size=1, max_size=50))
    return (snippet * (10_000 // len(snippet) + 1))[:10_000]


def questions() -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(max_size=300),  # any Unicode, controls and emoji included
        st.lists(st.sampled_from(FRAGMENTS), max_size=30).map("".join),
        STOPWORDS_ONLY.map("".join),
        PUNCTUATION,
        st.text(alphabet=st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF), max_size=80),  # incl. traditional
        st.from_regex(r"[A-Za-z ]{0,80}", fullmatch=True),
        st.integers().map(str),
        long_messages(),
    )


def reply_problems(searcher: Searcher, text: str) -> list[str]:
    """Why the reply to ``text`` would be wrong: an exception, or text Telegram would reject."""
    try:
        result = answer(searcher, understand(text))
        reply = formatting.render(result, html=True, latest=searcher.facts.latest[:3])
        more = formatting.render_hits(result.more[:3], html=True) if result.more else ""
    except Exception as error:  # noqa: BLE001 - the fuzzer reports every failure, whatever its type
        return [f"{type(error).__name__}: {error}"]
    problems = telegram_html_problems(reply) + (telegram_html_problems(more) if more else [])
    if not reply.strip():
        problems.append("empty reply")
    return problems
