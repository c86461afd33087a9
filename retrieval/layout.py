"""What one line of a page is: a page header, a byline, reader chrome, a date-and-source line, a jump
mark, a forecast, or text (title-like or body). Single lines only; how lines make articles is
``pages``'.

Every recogniser reads a line whose white space is folded into single spaces (``fold``), so a
pattern's " ?" stands for any run of it; no pattern nests quantifiers or lets two of them take the
same characters, so each runs in time linear in the line (tests/test_patterns.py).

>>> byline("■记者 胡佳英 黄雨欣 通讯员 曹金凤 摄影 王 强")
'记者 胡佳英 黄雨欣 通讯员 曹金凤 摄影 王强'
>>> byline("钟秀勤/文"), byline("N周刊记者 胡遐睿 通讯员 王鑫"), byline("稳产保供重要农产品")
('钟秀勤/文', 'N周刊记者 胡遐睿 通讯员 王鑫', None)
>>> page_header("南湖晚报 第14版:平湖周刊·镇(街道)"), page_header("第6评论"), page_header("第1行没有标点")
(('14', '平湖周刊·镇(街道)'), ('6', '评论'), None)
"""

from __future__ import annotations

import re
from datetime import date

# A sentence (and so a paragraph) can only end on these; closing quotes and brackets may follow
# them ("……说。”").
TERMINAL = "。！？!?…；;"
CLOSERS = "”’」』）)》〉】\"'"
# Longest line still taken for a title; body lines are longer or end a sentence.
TITLE_CHARS = 40

# Common Chinese surnames: a bare line of two or three characters is a name only if it starts
# with one (so 春天 or 轮船码头 are not taken for authors).
SURNAMES = frozenset(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴"
    "莫孔向汤常温康施牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪"
    "梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪"
    "简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师仇栾隋商刁沙荣巫寇桑"
    "郎甄丛仲虞敖巩佘池查麻苑迟邝官封谈匡鞠惠荆乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼满闻位厉伊"
    "仝区郜阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿狄计索宣晋相初门容敬扈晁芮都普阙浦戈伏鹿薄邸"
    "雍辜羊乌母裘亓修邰赫杭况宿印逯隆茹诸战慕危银亢嵇湛宾戎勾茅利於居揭干但尉冶斯元束檀衣信展阴昝智"
    "幸奉植衡富尧闭由言居")
COMPOUND_SURNAMES = frozenset("欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 令狐 长孙 宇文 司徒 夏侯 轩辕 端木 "
                              "独孤 南宫 西门 百里 呼延 申屠 太史 闻人 万俟 澹台 公冶 濮阳 淳于 单于 赫连 钟离".split())
ROLES = frozenset("记者 通讯员 实习生 摄影 摄像 编辑 作者 撰稿 采写 整理 口述 制图 绘图 供图 视频 主持 文 图 摄 "
                  "文字 策划 统筹 美编 见习记者 特约记者 首席记者 本报记者 摄影记者 特约通讯员 本报通讯员".split())
# A role a paper or a column puts its name before: N周刊记者, 南湖晚报记者, 本报见习记者.
_OWNED_ROLE = re.compile(r"^[\w·]{1,8}?(?:记者|通讯员|摄影|实习生)$")
_PAPER = re.compile(r"^[\w·]{1,10}(?:报|刊|网|台|社|在线|新闻)$")
_MARKER = "■□●◆▲◇○★☆-－—"
_SEPARATORS = re.compile(r"[ 、,，;；]")
_CJK_NAME = re.compile(r"^[\u3400-\u9fff]{2,4}$")
_FOREIGN_NAME = re.compile(r"^[\u3400-\u9fff]{1,6}[·•][\u3400-\u9fff]{1,8}$")
_SINGLE = re.compile(r"^[\u3400-\u9fff]$")
_COLON_ROLE = re.compile(r"^([\u3400-\u9fff]{1,5})[:：](.*)$")

_PAGE_HEADER = re.compile(r"^(?:(\S{2,12}) )?第 ?([A-Z]?\d{1,3}) ?(版)? ?([:：])? ?(.{0,30})$")
_PAGE_ONLY = re.compile(r"^[A-Za-z]?(\d{2,5}) ?版 ?[:：] ?(.{0,30})$")  # "00006版:要闻", "z0005版:嘉兴生活"
_PINYIN = re.compile(r"^[A-Z][A-Z ]{3,}(?= |$)")
_CREDIT = re.compile(r"(?:栏目统筹|责任编辑|责编|美术编辑|美编|版式|校对|组版|值班编委|审读|编辑|审核) ?[:：] ?\S+")
# "（下转第3版）", "(上接第1版)", "下转C2版", "上接C1版": where a story jumps.
_JUMP = re.compile(r" ?[(（]? ?(下转|上接|接|转)第? ?[A-Z]?\d{1,3} ?版? ?[)）]?")
_JUMP_LINE = re.compile(r"^[(（]? ?(?:下转|上接|接上|转下)第? ?[A-Z]?\d{1,3} ?版? ?[)）]?$")
_DATE = re.compile(r"(?<!\d)(\d{4}) ?[-/年.] ?(\d{1,2}) ?[-/月.] ?(\d{1,2})(?!\d)")
_DATELINE = re.compile(r"^(?:本报讯|本报\S{0,8}讯|\S{0,12}?\d{1,2}月\d{1,2}日讯|据\S{1,12}(?:报道|消息)|新华社)")
# "本报讯(记者 张三 通讯员 李四)昨天…": a byline inside the dateline.
_INLINE_BYLINE = re.compile(r"^(本报讯|本报\S{0,8}讯|\S{0,12}?讯) ?[(（]([^()（）]{2,60})[)）] ?")
_PHOTO_CREDIT = re.compile(r" ?[(（]? ?(?:■ ?)?((?:记者|摄影|通讯员|摄影记者)? ?[\u3400-\u9fff·]{2,6}) ?摄 ?[)）]?$")
_DASH_CREDIT = re.compile(r" ?[-－—] ?((?:摄影记者|记者|通讯员|摄影)[\u3400-\u9fff]{2,4})$")
_WEATHER = re.compile(r"^(?:今天|今日|今晚|今夜|明天|明日|后天)(?:白天|夜里|夜间|上午|下午|晚上|早晨)?"
                      r"[^，,。]{0,4}?(?:晴|多云|阴|雨|雪|雾|霾)")
_CONTACT = re.compile(r"(?:地址|热线|电话|咨询|联系人|网址|微信|招生|报名) ?[:：]|\d{3,4}-?\d{7,8}|\d{7,11}")
# The e-paper's footer residue ("2020-11-13 5 5 嘉兴日报平湖版 content_58316.html … /enpproperty-->").
_FOOTER = re.compile(r"/enpproperty-->|content_\d+\.html")
# Reader and website chrome, on short lines only (a body paragraph may say 未经授权 or 位置:):
# image lines, print and font links, previous/next, breadcrumbs, share links, copyright.
_CHROME = re.compile(
    r"^!\[|\.(?:jpe?g|png|gif)$|\[打印\]|^打印$|【?字[体号] ?[:：]|\[大 中 小\]|^上一篇|^下一篇|上一篇 ?下一篇|"
    r"^返回|当前报纸名称|^日期 ?[:：].{0,12}版面|^您(?:现在|当前|所在)的位置|^当前位置|^本页位置|浏览次数|"
    r"阅读 ?\d+ ?次|本文字数|参与互动|^【编辑|^新闻报料|新闻热线|手机看新闻|我要投稿|^【点击|点击查看|扫一扫|"
    r"^分享到|^关注我们|^设为首页|^收藏本站|ICP[证备]|版权所有|未经授权禁止|^△|^▲|^\$\{|^标签 ?[:：]|"
    r"style=|\">|</?[a-z]+[ >]|^(?:404 )?Not Found$|^免责声明|^举报(?:电话|邮箱)")
# Where the reader is on a website: what stood above it was the site's, not the article's.
_POSITION = re.compile(r"^(?:您(?:现在|当前|所在)的)?位置 ?[:：]|^当前位置|^本页位置")
_CONTENT = re.compile(r"[\w\u3400-\u9fff]")
CHROME_CHARS = 60
# A website's date-and-source line, or a note of where the text came from.
_SOURCE_LINE = re.compile(
    r"(?:发布时间|发布日期|发稿时间) ?[:：]|^(?:• ?)?(?:信息来源|来源|稿源|出处) ?[:：]|^时间 ?[:：] ?\d{4}|"
    r"^\d{4} ?年 ?\d{1,2} ?月 ?\d{1,2} ?日 ?(?:星期.)?(?: ?\d{1,2}:\d{2}(?::\d{2})?)?(?: (?:来源|\[|作者|编辑|【)|$)|"
    r"^\d{4} ?年 ?\d{1,2} ?月 ?\d{1,2} ?日 \d{1,2}:\d{2}|^\d{4}[-/]\d{1,2}[-/]\d{1,2} \d{1,2}:\d{2}|"
    r"^[(（]?原标题|^\S{2,10}网 \d{4} ?年")
_BARS = re.compile(r" ?[|｜] ?")
_SOURCE_STOP = ("编辑", "责编", "审核", "来源", "新闻")
_SECTION_HEAD = re.compile(r"^(?:[一二三四五六七八九十]{1,3}[、.．]|[(（][一二三四五六七八九十\d]{1,3}[)）]|"
                           r"\d{1,2}[、.．] ?\D|[■●◆▲◇○] ?|第[一二三四五六七八九十]{1,3}[章节部分篇]|"
                           r"[\u3400-\u9fff]{1,6}[:：])")


def fold(line: str) -> str:
    """A line with its white space (full-width spaces included) folded into single spaces."""
    return " ".join(line.split())


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends a sentence, so the next line starts a new paragraph."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in TERMINAL


def title_like(line: str) -> bool:
    """Short, and not a finished sentence: what a headline, a kicker or a section head looks like."""
    return len(line) <= TITLE_CHARS and not ends_sentence(line) and not _DATELINE.match(line)


def head_like(line: str) -> bool:
    """What may stand above a body: a title, or a headline that asks or exclaims (…如何看待对方?)."""
    return title_like(line) or (len(line) <= 30 and line.rstrip(CLOSERS).endswith(("！", "!", "？", "?"))
                                and not _DATELINE.match(line))


def page_header(line: str) -> tuple[str, str] | None:
    """(page, section) of a page header line: "第6评论", "第C01版:今日平湖报", "南湖晚报 第14版:平湖周刊·镇(街道)"."""
    match = _PAGE_HEADER.match(line)
    if match:
        paper, page, edition, colon, section = match.groups()
        section = section.strip()
        if paper and not _PAPER.match(paper):
            return None
        if ends_sentence(section) or (not edition and not colon and (len(section) > 4 or not section)):
            return None
        return page, section
    match = _PAGE_ONLY.match(line)
    if match and not ends_sentence(match.group(2)):
        return match.group(1), match.group(2).strip()
    return None


def furniture(line: str) -> bool:
    """Reader chrome, editorial credits and pinyin section names: never part of an article."""
    if _FOOTER.search(line) or (len(line) <= CHROME_CHARS and _CHROME.search(line)):
        return True
    if not _CONTENT.search(line):  # rules and bars (|, ----) are chrome; "。”" after a column break is not
        return not all(char in TERMINAL + CLOSERS + "，、" for char in line)
    rest = _CREDIT.sub("", line).strip()
    if not rest:
        return True
    pinyin = _PINYIN.match(rest)
    return bool(pinyin) and pinyin.end() == len(rest)


def menu(line: str) -> bool:
    """A website's menu, breadcrumbs or "you are here" line: what stood above it was the site's."""
    if line.count("|") + line.count("｜") >= 3 or line.count(">") + line.count("＞") >= 2 or _POSITION.match(line):
        return True
    words = line.split(" ")
    return len(words) >= 6 and sum(map(len, words)) <= 4 * len(words)  # 梧桐 凤鸣 龙翔 濮院 乌镇 屠甸 …


def source_line(line: str) -> tuple[str | None, str] | None:
    """(date, byline) of a website's date-and-source line ("发布时间:2024-05-20 来源:…",
    "2019年5月6日 10:32 来源: 嘉兴日报 记者 张三"), or None if the line is not one."""
    if len(line) > 120 or not _SOURCE_LINE.search(line):
        return None
    found = []
    for segment in _BARS.split(line):
        for key in ("作者", "撰稿", "记者", "通讯员"):
            at = segment.find(key)
            if at < 0:
                continue
            rest = segment[at:].removeprefix("作者").removeprefix("撰稿")
            for stop in _SOURCE_STOP:
                rest = rest.split(stop, 1)[0]
            credit = byline(fold(rest.replace(":", " ").replace("：", " ")))
            if credit:
                found.append(credit)
            break
    return date_in(line), " ".join(found)


def date_in(text: str, pattern: re.Pattern[str] = _DATE) -> str | None:
    """The first valid ISO date written in ``text`` (2025-12-18, 20251218, 2025年12月18日, 2020/4/26),
    as ``pattern``'s year, month and day groups find dates."""
    for match in pattern.finditer(text):
        year, month, day = (int(group) for group in match.groups())
        if 1900 <= year <= 2100:
            try:
                return date(year, month, day).isoformat()
            except ValueError:  # 2025-02-31 is no day
                continue
    return None


def jump(line: str) -> str | None:
    """"down" or "up" for a line that is only a jump mark (下转C2版, (上接第1版)), else None."""
    if not _JUMP_LINE.match(line):
        return None
    return "up" if "上接" in line or "接上" in line else "down"


def strip_jumps(line: str) -> str:
    """The line without jump marks inside it ("……内容。（下转第3版）")."""
    return _JUMP.sub("", line).strip() if "转" in line or "接" in line else line


def weather(line: str) -> bool:
    return bool(_WEATHER.match(line))


def contact(line: str) -> bool:
    return bool(_CONTACT.search(line))


def dateline(line: str) -> bool:
    """Whether a paragraph opens with a dateline (本报讯, 浙江在线4月21日讯, 据…报道, 新华社)."""
    return bool(_DATELINE.match(line))


def inline_byline(paragraph: str) -> tuple[str, str] | None:
    """(paragraph without it, byline) for "本报讯(记者 张三)昨天…", else None."""
    match = _INLINE_BYLINE.match(paragraph)
    if not match:
        return None
    found = byline(match.group(2))
    if not found:
        return None
    return f"{match.group(1)} {paragraph[match.end():]}", found


def photo_credit(paragraph: str) -> tuple[str, str] | None:
    """(paragraph without it, credit) for a caption ending in "■记者 李强 摄", "(记者 孙明 摄)" or
    "-摄影记者冯玉坤", else None."""
    for pattern in (_PHOTO_CREDIT, _DASH_CREDIT):
        match = pattern.search(paragraph)
        if match and match.start() > 0 and ends_sentence(paragraph[:match.start()]):
            credit = match.group(0).strip(" ()（）■-－—")
            return paragraph[:match.start()].rstrip(), credit
    return None


def section_head(line: str) -> bool:
    """Whether a short line has a section head's form: 一、…, （一）…, ■ …, 文韵:…."""
    return bool(_SECTION_HEAD.match(line))


def bare_name(line: str) -> bool:
    """A line that is only a person's name (an author's, above an essay)."""
    return _name(line)


def byline(line: str) -> str | None:
    """The byline a line is, tidied (markers dropped, "王 强" joined), or None if it is not one.

    A byline is roles and names: "■记者 胡佳英", "通讯员 曹金凤 查放", "文/图 李四", "钟秀勤/文",
    "N周刊记者 胡遐睿", "照片由平湖市新仓镇提供", or, after a marker (■, □, -), names alone: "■言成声".
    """
    marked = line[:1] in _MARKER
    text = line.lstrip(_MARKER).strip()
    if text[:1] in "(（" and text[-1:] in ")）":
        text = text[1:-1].strip()
    if not text or len(text) > 80:
        return None
    parts: list[str] = []
    roles = names = 0
    pending = ""  # a lone character waiting for the other half of a spaced two-character name
    for token in _tokens(text):
        kind = _kind(token)
        if kind == "single" and not pending:
            pending = token
            continue
        if pending:
            if not _SINGLE.match(token):  # the second half of "李 明" (or of "关 文": 文 is a role too)
                return None
            token, kind, pending = pending + token, "name", ""
        if kind is None:
            return None
        roles += kind in ("role", "credit", "role+name")
        names += kind in ("name", "role+name", "credit")
        parts.append(token)
    if pending or not names or not (roles or marked):
        return None
    return " ".join(parts)


def _tokens(text: str) -> list[str]:
    """Byline words: split at spaces and list commas; "X/文" and "文/图" split at the slash."""
    tokens = []
    for token in _SEPARATORS.split(text):
        if not token:
            continue
        if "/" in token or "／" in token:
            left, _, right = token.replace("／", "/").partition("/")
            if not (right in ROLES and (_name(left) or left in ROLES)):
                return ["?"]  # 钟秀勤/文 and 文/图 are bylines; anything else with a slash is not
            token = f"{left}/{right}"
        tokens.append(token)
    return tokens


def _kind(token: str) -> str | None:
    """role, name, role+name, credit, paper or single (one character), or None for anything else."""
    if token in ROLES or _OWNED_ROLE.match(token):
        return "role"
    if "/" in token:  # _tokens let through only "文/图" and "钟秀勤/文"
        return "role" if token.split("/")[0] in ROLES else "role+name"
    if token.startswith(("照片由", "图片由", "图由")) and token.endswith("提供"):
        return "credit"
    colon = _COLON_ROLE.match(token)
    if colon and (colon.group(1) in ROLES or _OWNED_ROLE.match(colon.group(1))):
        rest = colon.group(2)
        return "role" if not rest else "role+name" if _name(rest) else None
    if _name(token):
        return "name"
    for role in sorted(ROLES, key=len, reverse=True):  # 记者王小明: a role glued to a name
        if len(role) > 1 and token.startswith(role) and _name(token[len(role):]):
            return "role+name"
    if _SINGLE.match(token):
        return "single"
    if _PAPER.match(token):
        return "paper"
    return None


def _name(text: str) -> bool:
    """Whether ``text`` is a person's name: two to four characters after a common surname, or a
    name with a middle dot (阿不都·热合曼)."""
    if _FOREIGN_NAME.match(text):
        return True
    if not _CJK_NAME.match(text):
        return False
    if text[:2] in COMPOUND_SURNAMES:
        return len(text) >= 3
    return text[0] in SURNAMES and len(text) <= 3
