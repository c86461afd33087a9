"""What a passage holds that a question asks for: an answer of the asked kind, and days that agree.

A question asking 多少钱 is answered by a sentence holding a sum (7亿元), one asking 几点开门 by a
time of day; a sentence about the right topic without one does not answer it. Each kind's evidence
is a pattern over normalised text with bounded repetition only, so it runs in linear time on any
paragraph.

>>> holds("money", "项目计划总投资为7亿元。"), holds("clock", "基地占地1200平方米。")
(True, False)
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from .models import DateRange, Paragraph

# A numeral: digits or Chinese number characters.
_N = "[0-9〇零一二三四五六七八九十两百千万亿几数]"
_COUNTERS = "个人名家项位条所辆头只件场次批户座台架份期届吨篇栋幢套处路岁块"
_TITLES = ("书记|主任|主席|委员|[局市镇县区省部院处科所司行厅校社站队组]长|经理|董事长|总裁|老师|教师|医生|记者|"
           "代表|同志|先生|女士|专家|教授|主持")
_ORGANIZATIONS = ("公司|集团|局|委员会|委|办公室|办|中心|银行|医院|学校|学院|大学|中学|小学|协会|商会|单位|企业|"
                  "厂|研究院|研究所|站|段|部|队|联盟|基金|政府")
_PLACES = ("路|街|镇|街道|村|区|社区|小区|园|号|楼|幢|广场|馆|侧|附近|港|湖|山|桥|公园|中心|基地|大道|弄|门|市|县|省|"
           "新村|花苑|苑|城")

_COUNT = _N + r"(?:多|余)?[万千百]{0,2}[" + _COUNTERS + "]"
_MONEY = _N + r"(?:多|余)?[万亿千百]{0,2}(?:美元|元|块)"

EVIDENCE: dict[str, re.Pattern[str]] = {
    "money": re.compile(_MONEY),
    "speed": re.compile(r"时速|每小时|公里/小时|千米/小时|km/h|秒速"),
    "area": re.compile(_N + r"(?:多|余)?[万千]?(?:亩|平方米|平方公里|平方千米|公顷|平米|m2|km2)"),
    "length": re.compile(_N + r"(?:多|余)?[万千]?(?:公里|千米|米|km)"),
    "percent": re.compile(r"[0-9]%|百分之|个百分点|" + _N + r"(?:多|余)?[成倍]"),
    "clock": re.compile(r"[0-9]{1,2}[:点时]|[上下中]午[0-9一二三四五六七八九十]|[早晚]上[0-9一二三四五六七八九十]|"
                        r"凌晨|全天|24小时"),
    "duration": re.compile(r"(?<![0-9])[0-9]{1,3}(?:\.[0-9])?个?(?:天|周|个月|年|小时|分钟|星期)|"
                           r"[一二三四五六七八九十两半几数]{1,3}个?(?:天|周|个月|年|小时|分钟|星期)|为期|历时"),
    "date": re.compile(r"[0-9]{4}年|[0-9]{1,2}月|[0-9]{1,2}[日号]|[一二三四五六七八九十]{1,3}月|[上下]半年|年[底初末]|"
                       r"月[底初末]|[上中下]旬|季度|今年|明年|去年|春节|国庆|元旦|五一|即日|(?:星期|周)[一二三四五六日天]|"
                       r"昨天|前天|今天|昨日|今日|日前|近日"),
    "count": re.compile(_COUNT),
    "organization": re.compile(_ORGANIZATIONS),
    "place": re.compile(_PLACES),
    "person": re.compile(_TITLES + "|" + _ORGANIZATIONS),  # 和谁签 is answered by a company as often as a name
    "number": re.compile(r"[0-9]|百分之|" + _COUNT + "|" + _MONEY),
}


# Where a kind's evidence above is weak (any 镇 or 局 names a place or an office), what says so
# outright: 位于…路南侧, 来到…; 副主席方晓烈.
STRONG: dict[str, re.Pattern[str]] = {
    "place": re.compile(r"位于|坐落|地址|地处|[东西南北]侧|路[0-9]|[0-9]号|来到|前往|走进|走访|参观|途经|"
                        r"花苑|新村|家园|公寓"),
    "person": re.compile(r"(?:书记|主任|主席|[局市镇县区部校院所站队社会]长|经理|董事长|记者|通讯员)"
                         r"[\u4e00-\u9fff]{2}|[\u4e00-\u9fff]{2}(?:同志|先生|女士)"),
}


def holds(kind: str, text: str) -> bool:
    """Whether normalised ``text`` holds an answer of ``kind`` (any text answers a question of no kind)."""
    pattern = EVIDENCE.get(kind)
    return pattern is None or pattern.search(text) is not None


def strength(kind: str, text: str) -> int:
    """How plainly normalised ``text`` holds an answer of ``kind``: 2 outright, 1 weakly, 0 not."""
    strong = STRONG.get(kind)
    if strong is not None and strong.search(text):
        return 2
    if not holds(kind, text):
        return 0
    return 1 if strong is not None else 2


def date_agrees(dates: DateRange | None, paragraph: Paragraph, text: str) -> bool | None:
    """Whether a passage fits the days a question names: its paper is of those days (or soon after,
    when a report looks back on them), or its text names the year. None when either has no date."""
    if dates is None or not paragraph.date:
        return None
    start, end = date.fromisoformat(dates.start), date.fromisoformat(dates.end)
    grace = timedelta(days=min(max((end - start).days, 7), 366))  # a year's figures appear the next year
    try:
        printed = date.fromisoformat(paragraph.date[:10])
    except ValueError:
        return None
    if start <= printed <= end + grace:
        return True
    return f"{start.year}年" in text and start.year == end.year
