"""A message understood once, at the entry: whether it is a search, its words and their alias forms,
the tokens the index is searched with, what kind of answer it wants (a sum, a speed, a date, a
place …), the word it asks about, the days it names, and whether it asks who wrote an article.
Nothing after this cuts the question into words again.

>>> question = understand("经开区在哪?")
>>> question.words, question.answer_type
((('经开区', '经济技术开发区'),), 'place')
>>> understand("艾华项目投产后一年产值有多少?").focus
('产值',)
>>> understand("2024年平湖GDP是多少").dates
DateRange(start='2024-01-01', end='2024-12-31', explicit=True, insist=False)
>>> understand("你好").intent
<Status.GREETING: 'greeting'>
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from functools import lru_cache
from importlib import resources
from zoneinfo import ZoneInfo

from . import tokenizing
from .models import DateRange, Question, Status

PINGHU = ZoneInfo("Asia/Shanghai")  # the residents' day: what 今天 means
_ALIASES = resources.files(__package__).joinpath("aliases.txt")
_USERDICT = resources.files(__package__).joinpath("userdict.txt")

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
# Asking what is in the paper (a day's headlines), not about a topic: 最近有什么新闻, 今天的报纸,
# 12月18日有什么新闻, 头条. Whole messages only (after _NOISE is removed); every part is bounded.
_WHEN = (r"(?:今天|今日|昨天|昨日|前天|最近|近期|近来|这几天|这两天|本周|这周|上周|本月|这个月|"
         r"(?:[0-9]{4}年)?[0-9]{1,2}月[0-9]{1,2}[日号])")
_NEWS = re.compile(
    _WHEN + r"?的?(?:平湖|我市|本地|当地|嘉兴)?(?:有(?:什么|啥|哪些)|有没有)?(?:新闻|新鲜事|消息|要闻|大事|报道|头条)"
    r"(?:吗|呢|啊)?|" + _WHEN + r"?的?(?:报纸|版面|头版|头条|要闻)(?:上)?(?:有什么|说了什么|写了什么)?(?:吗|呢)?|"
    r"最新(?:新闻|消息|报道)|有(?:什么|啥)(?:新闻|新鲜事)(?:吗|呢)?")

# Kinds of answer about an event: the sentence that answers names it (什么时候通车 → 通车).
EVENT_KINDS = ("date", "clock")
# What kind of answer a question wants, from the phrase that asks (first match wins). Each kind's
# evidence in a sentence is retrieval.evidence's.
ANSWER_TYPES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("byline", re.compile(r"谁写的|作者是谁|记者是谁|哪位记者|谁报道的|谁采写的")),
    ("money", re.compile(r"多少钱|投资多少(?!钱)|投资了多少(?!钱)|投入多少(?!钱)|花了多少(?!钱)|多少资金|多少元|"
                         r"几元|几块钱|票价|收费多少")),
    ("speed", re.compile(r"多快|时速|速度多少|速度是多少")),
    ("area", re.compile(r"多大|面积|占地多少|多少亩|多少平方")),
    ("length", re.compile(r"多远|多长(?!时间)|全长|多少公里|多少米|距离多少")),
    ("percent", re.compile(r"百分之几|几成|增长多少|增幅|减少多少|下降多少|提高多少|比例|占比|多少倍")),
    ("clock", re.compile(r"几点|什么时间(?:开门|关门|开放)|营业时间|开放时间")),
    ("duration", re.compile(r"几天|多久|多长时间|几个小时|多少小时|几个月|多少天|多少年|几年(?!前|后)|为期")),
    ("date", re.compile(r"什么时候|何时|哪天|哪一天|几号(?:到|至)几号|几号|几月份|几月|哪年|哪一年|什么时间|"
                        r"啥时候|日期")),
    ("count", re.compile(r"多少[个人名家项位条所辆头只件场次批户座台架份期届岁块]|"
                         r"几[个人名家项位条所辆头只件场次批户座台架份期届路岁块]|多少吨|几吨|人数|数量")),
    ("organization", re.compile(r"哪个单位|哪家(?:单位|公司|企业|房企|银行|医院|机构)|什么单位|哪个部门|"
                                r"什么公司|哪家")),
    ("place", re.compile(r"在哪|哪里|哪儿|什么地方|哪些地方|哪些地点|去了哪|去过哪|何地|位于|地址|"
                         r"哪个(?:小区|村|镇|街道|学校|地方|社区|路)|哪所|建在")),
    ("person", re.compile(r"谁|哪位|什么人|叫什么名字|是什么名字")),
    ("number", re.compile(r"多少|几")),
    ("thing", re.compile(r"什么|啥")),  # 打造了什么: any answer, about the word before it
)
# What a number is in, by the word it measures: 产值有多少 asks for a sum.
_MEASURED = {"money": ("产值", "投资", "总投资", "收入", "利润", "利税", "销售额", "营业额", "价格", "费用", "资金",
                       "补贴", "奖金", "税收", "票价", "造价", "成本", "预算"),
             "area": ("面积", "占地"), "length": ("长度", "全长", "里程", "距离"), "speed": ("速度", "时速"),
             "percent": ("增速", "增幅", "比重", "占比", "比例", "增长率"), "count": ("人数", "人口", "数量"),
             "number": ("规模", "产量", "年产")}
# The word before these asks the question: 产值有多少 asks about 产值.
_FOCUS_LINKS = ("有", "是", "为", "达", "约", "共", "一共", "总共", "大概", "大约", "达到", "能有", "要", "的", "了")
# Words after a when-question's asking phrase that are not the event asked about (什么时候开始施工).
_LIGHT = frozenset("开始 正式 才 能 将 会 要 可以 可 进行 再 又 就 已经 最终 终于 全面 首次".split())
# Places (towns, the county, the region): a question names them for its setting, not its topic.
_REGION = frozenset("""
平湖 平湖市 嘉兴 嘉兴市 浙江 浙江省 上海 上海市 杭州 中国 全国 全省 全市 我市 本市 市 省 县 镇 区 村 街道 长三角
""".split())
# What makes a phrase ask; the rest of it may be content (投资多少 asks about 投资).
_INTERROGATIVES = ("多少", "多大", "多快", "多远", "多长", "多久", "什么", "哪", "谁", "几", "何", "啥")
_BYLINE_ASKING = ("写", "报道", "采写", "作者", "记者")  # who wrote it asks about no content word
_LEVELS = "市县省区镇"  # a body's level before its name: 市政协, 县人大
_MONTHS_AGO = {"这个月": 0, "本月": 0, "这月": 0, "上个月": 1, "上月": 1}
_YEARS_AGO = {"今年": 0, "去年": 1, "前年": 2}
_DAYS_AGO = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "明天": -1, "明日": -1}
_DAY = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]")
_QUARTER = re.compile(r"(\d{4})年(?:第)?([一二三四1234])季度末?")
_MONTH = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(?!\d)")
_YEAR = re.compile(r"(\d{4})年")
_RELATIVE = re.compile(r"今天|今日|昨天|昨日|前天|明天|明日|这个月|本月|这月|上个月|上月|今年|去年|前年|"
                       r"本周|这周|这个星期|上周|上个星期")
_ASPECT = "了过着"
_WHICH = re.compile(r"哪家|哪个|哪些|哪所|哪位|哪种|哪类|哪条|哪座|什么")
_ONLY = re.compile(r"只看|只要|仅看")
_INSIST = re.compile(_ONLY.pattern + r"|的(?:新闻|报道|报纸|消息|文章)")
_QUARTERS = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}


def understand(text: str, today: date | None = None) -> Question:
    """The one reading of a message that every later step uses (its first ``MAX_QUESTION`` characters).

    ``today`` is the day relative dates (今天, 去年) count from (``Searcher.today``: the newest
    paper's day when today's is not in yet); the calendar day in Pinghu when not given.
    """
    intent = classify(text)
    if intent is Status.NEWS:
        today = today or datetime.now(PINGHU).date()
        dates, _ = _dates(tokenizing.normalize(text[:MAX_QUESTION]), today)
        return Question(text, intent, dates=dates, today=today.isoformat())
    if intent is not None:
        return Question(text, intent)
    read = tokenizing.normalize(text[:MAX_QUESTION])
    answer_type, asking = _answer_type(read)
    named, rest = _aliased(read)  # 市发展和改革局 stays one word, however jieba would cut it
    if asking is not None:  # 多少钱, 几天, 在哪: what is asked, not what it is about (面积, 位于 are both)
        rest = asking.sub(_blank_question_words, rest, count=1)
    today = today or datetime.now(PINGHU).date()
    dates, dated = _dates(rest, today)
    rest = _ONLY.sub(lambda match: " " * len(match.group(0)), rest)  # 只看 says how to search, not what
    cut = tokenizing.cut(rest)
    found, at = dict(named), 0  # each word at its place in the question: blanks keep places as they were
    for word in cut:  # jieba's words cover the text exactly: each word's place in it is known
        # A date is what the question is about in time, not a word a passage must hold; of a word
        # jieba ran into it (今天天气), the rest stays.
        outside = word[:max(0, dated[0] - at)] + word[max(0, dated[1] - at):]
        outside = _bare(outside)
        if tokenizing.informative(outside):
            found[at] = (outside,)
        at += len(word)
    placed = {at: group if len(group) > 1 else _with_aliases(group[0]) for at, group in sorted(found.items())}
    forms = tuple(dict.fromkeys(placed.values()))
    tokens = tokenizing.tokens_of(cut)
    for extra in dict.fromkeys(other for group in forms for other in group):
        if extra not in cut:
            tokens += _alias_tokens(extra)
    focus = _focus(read, asking, placed, answer_type)
    if answer_type in ("number", "area"):  # 产值有多少: a sum; 多大规模: a number
        answer_type = _measured(answer_type, focus, _next_word(asking, read, placed))
    category = _next_word(_WHICH, read, placed)  # 哪家房企: a 房企 the answer need not call one
    if not focus and answer_type not in EVENT_KINDS:
        focus = category  # 写了什么承诺: the sentence that names a 承诺 holds it
    return Question(text, words=forms, tokens=tuple(tokens), places=_places(forms), category=category,
                    answer_type=answer_type if answer_type != "byline" else "", focus=focus, dates=dates,
                    byline=answer_type == "byline", today=today.isoformat())


def classify(text: str) -> Status | None:
    """GREETING, HELP or NEWS (a day's headlines) for messages that are not searches, else None.

    >>> classify("谢谢你好！"), classify("/help"), classify("谢谢你好吗")
    (<Status.GREETING: 'greeting'>, <Status.HELP: 'help'>, None)
    """
    bare = _NOISE.sub("", tokenizing.normalize(text[:MAX_GREETING * 4]))
    if not bare or len(bare) > MAX_GREETING:
        return None
    if bare in HELP:
        return Status.HELP
    if _NEWS.fullmatch(bare):
        return Status.NEWS
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


def _aliased(text: str) -> tuple[dict[int, tuple[str, ...]], str]:
    """The alias forms the raw question names, by where they stand (each as one word with all its
    forms; the longest first, so 市发展和改革局 is not read as 发改局), and the question with them
    blanked out for jieba."""
    named: dict[int, tuple[str, ...]] = {}
    for member in _members():
        at = text.find(member)
        if at >= 0:
            group = alias_groups()[_alias_places()[member][0][0]]
            named[at] = (member, *(other for other in group if other != member))
            text = text.replace(member, " " * len(member))
    return named, text


@lru_cache(maxsize=1)
def _members() -> tuple[str, ...]:
    """The alias table's names of three characters or more, longest first."""
    return tuple(sorted({member for group in alias_groups() for member in group if len(member) >= 3},
                        key=len, reverse=True))


def _bare(word: str) -> str:
    """A word without the particles jieba's guesses glue to it: 签了 → 签 (the paper prints 签订),
    要开 → 开 (a word no dictionary holds, starting with a function word)."""
    if len(word) > 1 and word[-1] in _ASPECT:
        word = word[:-1]
    if len(word) > 1 and not tokenizing.in_dictionary(word) and not tokenizing.informative(word[0]):
        word = word[1:]
    return word


def _blank_question_words(match: re.Match[str]) -> str:
    """The asking phrase blanked out but for the content it names (面积, 位于, the 投资 of 投资多少;
    谁写的 names none); blanks keep places."""
    phrase = match.group(0)
    if any(word in phrase for word in _BYLINE_ASKING):
        return " " * len(phrase)
    which = _WHICH.match(phrase)
    if which is not None and tokenizing.informative(phrase[which.end():]):  # 哪家公司: the answer is a 公司
        return " " * which.end() + phrase[which.end():]
    asks = min((at for at in (phrase.find(word) for word in _INTERROGATIVES) if at >= 0), default=len(phrase))
    head = phrase[:asks]
    return head + " " * (len(phrase) - asks) if head and tokenizing.informative(head) else " " * len(phrase)


@lru_cache(maxsize=256)
def _alias_tokens(form: str) -> list[str]:
    """The index tokens of one alias form (a fixed string of the table, not the question)."""
    return tokenizing.tokenize(form)


@lru_cache(maxsize=1 << 12)  # questions repeat their words
def _with_aliases(word: str) -> tuple[str, ...]:
    """A word with the other forms of any abbreviation in it (a two-character one only as the whole
    word: 会议 is 全会, 扩大会议 is not), in the alias table's order."""
    bare = word[1:] if len(word) == 3 and word[0] in _LEVELS else word  # 市政协 is 政协
    # The table's forms that are the word, or three characters or more of it: looked up among the
    # word's own pieces, not by a pass over the whole table (2.3 against 5 µs a new word).
    pieces = {word, bare} | {word[start:end] for start in range(len(word)) for end in range(start + 3, len(word) + 1)}
    groups = alias_groups()
    places = sorted(place for piece in pieces for place in _alias_places().get(piece, ()))
    forms = [word] + [other for group, member in places for other in groups[group] if other != groups[group][member]]
    return tuple(dict.fromkeys(forms))


@lru_cache(maxsize=1)
def _alias_places() -> dict[str, list[tuple[int, int]]]:
    """Where each form stands in the alias table: its group, and its place in the group."""
    places: dict[str, list[tuple[int, int]]] = {}
    for at, group in enumerate(alias_groups()):
        for place, member in enumerate(group):
            places.setdefault(member, []).append((at, place))
    return places


@lru_cache(maxsize=1)
def _place_names() -> frozenset[str]:
    """Pinghu's towns and districts (the user dictionary's ns words) and the region's names."""
    names = {line.split()[0] for line in _USERDICT.read_text(encoding="utf-8").splitlines()
             if line.strip() and line.split()[-1] == "ns"}
    return frozenset(names | _REGION)


def _places(words: tuple[tuple[str, ...], ...]) -> frozenset[str]:
    return frozenset(forms[0] for forms in words if forms[0] in _place_names())


def _answer_type(text: str) -> tuple[str, re.Pattern[str] | None]:
    """The kind of answer asked for, and the pattern of the phrase that asks."""
    for kind, pattern in ANSWER_TYPES:
        if pattern.search(text):
            return kind, pattern
    return "", None


def _focus(text: str, asking: re.Pattern[str] | None, placed: dict[int, tuple[str, ...]], kind: str
           ) -> tuple[str, ...]:
    """The forms of the word the question asks about. For a when-question, the event after the
    asking phrase past light words (什么时候正式通车 → 通车), if any; else the word right before it,
    past a linking 有, 是, 一共 … (产值有多少 → 产值). Never a place."""
    match = asking.search(text) if asking is not None else None
    if match is None:
        return ()
    topical = {at: forms for at, forms in placed.items() if forms[0] not in _place_names()}
    if kind in EVENT_KINDS:
        after = [forms for at, forms in topical.items() if at >= match.end() and forms[0] not in _LIGHT]
        if after:
            return after[0]
    before = text[:match.start()].rstrip()
    for link in sorted(_FOCUS_LINKS, key=len, reverse=True):
        if before.endswith(link) and len(before) > len(link):
            before = before[: -len(link)]
            break
    for at, forms in topical.items():
        if at + len(forms[0]) == len(before):
            return forms
    return ()


def _next_word(asking: re.Pattern[str] | None, text: str, placed: dict[int, tuple[str, ...]]) -> tuple[str, ...]:
    """The forms of the word right after the asking phrase (规模 in 有多大规模), if any and not a place."""
    match = asking.search(text) if asking is not None else None
    return next((forms for at, forms in placed.items()
                 if match is not None and at == match.end() and forms[0] not in _place_names()), ())


def _measured(kind: str, *words: tuple[str, ...]) -> str:
    """The kind of number asked for by the word it measures (产值 → money), else ``kind``."""
    for forms in words:
        for measured_kind, measured in _MEASURED.items():
            if any(form.endswith(measured) for form in forms):
                return measured_kind
    return kind


def _dates(text: str, today: date) -> tuple[DateRange | None, tuple[int, int]]:
    """The days a question names, outright (2024年, 12月18日, 2021年一季度, 7月) or counting from
    ``today`` (今天, 上周, 去年), and where it names them ((0, 0) when it does not)."""
    insist = bool(_INSIST.search(text))
    match = _DAY.search(text)
    if match:
        month, day_of_month = int(match.group(2)), int(match.group(3))
        # 12月18日 without a year is the last one: in November, last December's
        later = (month, day_of_month) > (today.month, today.day)
        year = int(match.group(1)) if match.group(1) else today.year - later
        day = _safe_date(year, month, day_of_month)
        if day:
            return DateRange(day.isoformat(), day.isoformat(), True, insist), match.span()
    match = _QUARTER.search(text)
    if match:
        year, quarter = int(match.group(1)), _QUARTERS[match.group(2)]
        start, end = date(year, 3 * quarter - 2, 1), _month_end(year, 3 * quarter)
        return DateRange(start.isoformat(), end.isoformat(), True, insist), match.span()
    match = _MONTH.search(text)
    if match and 1 <= int(match.group(2)) <= 12:
        month = int(match.group(2))
        year = int(match.group(1)) if match.group(1) else today.year - (month > today.month)
        return DateRange(date(year, month, 1).isoformat(), _month_end(year, month).isoformat(), True,
                         insist), match.span()
    match = _YEAR.search(text)
    if match and 1900 <= int(match.group(1)) <= 2100:
        year = int(match.group(1))
        return DateRange(f"{year}-01-01", f"{year}-12-31", True, insist), match.span()
    match = _RELATIVE.search(text)
    return (_relative(match.group(0), today, insist), match.span()) if match else (None, (0, 0))


def _relative(word: str, today: date, insist: bool) -> DateRange:
    if word in _DAYS_AGO:
        day = today - timedelta(days=_DAYS_AGO[word])
        return DateRange(day.isoformat(), day.isoformat(), False, insist)
    if word in _YEARS_AGO:
        year = today.year - _YEARS_AGO[word]
        return DateRange(f"{year}-01-01", f"{year}-12-31", False, insist)
    if word in _MONTHS_AGO:
        first = today.replace(day=1)
        for _ in range(_MONTHS_AGO[word]):
            first = (first - timedelta(days=1)).replace(day=1)
        return DateRange(first.isoformat(), _month_end(first.year, first.month).isoformat(), False, insist)
    monday = today - timedelta(days=today.weekday() + (7 if word in ("上周", "上个星期") else 0))
    return DateRange(monday.isoformat(), (monday + timedelta(days=6)).isoformat(), False, insist)


def _month_end(year: int, month: int) -> date:
    return (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1))


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
