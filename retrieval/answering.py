"""The answer policy: from ranked hits to passages that answer, passages on the topic that do not,
or an honest none.

1. Each ranked hit is judged (``Reading.judge``): its coverage is the idf-weighted share of the
   question's words (in any alias form; one-character words only as whole words) that it and its
   titles hold. It is on the topic at ``COVERAGE`` or more when it also holds the question's anchor,
   the rarest word that is not a place (or holds ``STRONG_COVERAGE`` of the question).
2. Of each article on the topic, the paragraph shown is its best one, read from the whole article:
   the one whose best sentence holds an answer of the asked kind (a sum for 多少钱, a time of day for
   几点) and the word asked about, then the one covering most.
3. Articles keep their rank, except that those of the days the question names come first and
   near-ties go to the newer paper.
4. The first passage answers when it holds an answer of the asked kind and its paper does not
   contradict a date the question names outright; otherwise the passages are only RELATED.
5. A second passage of the first article follows when it holds question words the first lacks.

>>> from retrieval.models import Paragraph
>>> from retrieval.searching import Searcher
>>> from retrieval.tokenizing import tokenize
>>> weather = Paragraph(id=1, article_id="w", position=0, text="今天多云到晴。", headline="天气预报")
>>> news = Paragraph(id=2, article_id="n", position=0, text="本报讯 会议召开。", headline="市委召开会议")
>>> more = Paragraph(id=3, article_id="m", position=0, text="本报讯 公园建成。", headline="新建口袋公园")
>>> searcher = Searcher.of([weather, news, more], [tokenize(p.text + p.headline) for p in (weather, news, more)])
>>> [answer(searcher, q).status.value for q in ("你好", "今天天气", "A股行情", "会议开了几个小时")]
['greeting', 'answered', 'none', 'related']
>>> answer(searcher, "今天天气").passages[0].sentence
'今天多云到晴。'
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from . import editions, evidence, tokenizing
from .models import Answer, Hit, Paragraph, Question, Status
from .searching import Searcher
from .understanding import EVENT_KINDS, understand

# The least share of a question's informative words (idf-weighted) a passage must hold to answer it;
# measured with benchmarks/no_answer.py (README: "No answer").
COVERAGE = 0.3
# A passage holding this share of the question is on its topic even without the anchor word (谁带队
# is answered by 率党政代表团: the rarest word is the paper's synonym away).
STRONG_COVERAGE = 0.6
PASSAGES = 3  # shown in the first reply
POOL = 12  # hits judged per question: the passages and those behind 更多结果
# What a sentence naming the word asked about (and holding an answer) adds to its paragraph's
# coverage when the best paragraph of an article is chosen.
FOCUS_BONUS = 0.15
# Articles whose scores are within this share of each other tie, and the newer paper goes first.
TIE = 0.05
# The share of the question's weight a second passage of the first article must add.
SECOND_PASSAGE = 0.15
WHOLE_ARTICLES = 5  # top articles read whole for the paragraph that answers (see Reading.articles)
MIN_WEIGHT = 0.01  # floor of a word's weight (see word_weights)

# A sentence: one character, then up to the next run of closing punctuation (with the quotes after
# it) or the end. Greedy over disjoint classes, so it neither backtracks nor steps a lazy ``.+?`` one
# character at a time (five times slower, and a question cuts a dozen paragraphs it has not seen).
_SENTENCE = re.compile(r".[^。！？!?；;]*(?:[。！？!?；;]+[”’」』）)]*|$)", re.S)


def split_sentences(text: str) -> list[str]:
    """Sentences of a paragraph, each with its closing punctuation and quotes."""
    # ``$`` also matches before a final newline, which the greedy class would take into the sentence.
    return [s for s in _SENTENCE.findall(text[:-1] if text.endswith("\n") else text) if s.strip()]


def answer(searcher: Searcher, question: Question | str, passages: int = PASSAGES, pool: int = POOL,
           coverage: float = COVERAGE) -> Answer:
    """The answer to one message; passages beyond the first ``passages`` go to ``more``.

    A message given as text is understood here, with dates counted from ``searcher.today()``.
    """
    if not 0 <= coverage <= 1:
        raise ValueError(f"coverage must be in [0, 1], got {coverage}")
    if isinstance(question, str):
        question = understand(question, searcher.today())
    if question.intent is Status.NEWS:
        return Answer(question.text, Status.NEWS, today=question.today,
                      edition=editions.edition(searcher.paragraphs, question.dates))
    if question.intent is not None:
        return Answer(question.text, question.intent)
    if not question.words:
        return Answer(question.text, Status.EMPTY)
    reading = Reading.of(searcher, question)
    # Only a hit on the topic can be shown: the others (half of them, as often as not) are assessed
    # but not read for a sentence.
    hits = tuple(reading.judge(hit) if _on_topic(hit, coverage) else hit
                 for hit in map(reading.assess, searcher.search(question, k=pool)))
    on_topic = [hit for hit in hits if _on_topic(hit, coverage)]
    if not on_topic:
        return Answer(question.text, Status.NONE, hits=hits, today=question.today)
    articles = reading.articles(searcher, on_topic)
    best = reading.in_order([reading.best_paragraph(judged) for judged in articles.values()], on_topic)
    dates = question.dates
    if dates is not None and dates.insist and any(hit.dated for hit in best):
        best = [hit for hit in best if hit.dated is not False]
    chosen = distinct_passages(best)
    if chosen[0].paragraph.kind == "weather":  # a weather question gets the newest forecast first
        forecasts = [hit for hit in chosen if hit.paragraph.kind == "weather"]
        newest = max(forecasts, key=lambda hit: hit.paragraph.date or "")
        chosen.remove(newest)
        chosen.insert(0, newest)
    second = reading.second_passage(articles[chosen[0].paragraph.article_id], chosen[0])
    if second is not None:
        chosen.insert(1, second)
    status = Status.ANSWERED if reading.answers(chosen[0]) else Status.RELATED
    return Answer(question.text, status, tuple(chosen[:passages]), tuple(chosen[passages:]), hits,
                  today=question.today, byline=question.byline)


@dataclass(frozen=True)
class Reading:
    """A question read against one corpus: each word's weight, and the anchor a passage must hold."""

    question: Question
    weights: tuple[float, ...]
    anchor: int | None  # index into question.words
    # What each text read holds of the question (``_present``): a paragraph's text is read as a
    # sentence, as a paragraph of its article, and again for a second passage.
    _held: dict[str, list[float]] = field(default_factory=dict, compare=False, repr=False)

    @classmethod
    def of(cls, searcher: Searcher, question: Question) -> Reading:
        forms = list(dict.fromkeys(form for forms in question.words for form in forms))
        dfs, idfs = searcher.frequencies(forms)
        df, idf = dict(zip(forms, dfs, strict=True)), dict(zip(forms, idfs, strict=True))
        weights = tuple(word_weights(question, idf))
        held = [any(df[form] for form in forms) for forms in question.words]
        return cls(question, weights, anchor_of(question, weights, held))

    @property
    def total(self) -> float:
        return sum(self.weights)

    @cached_property
    def terms(self) -> tuple[str, ...]:
        """The question's words of two characters or more, in every form: what a passage can show."""
        return tuple(dict.fromkeys(form for forms in self.question.words for form in forms if len(form) > 1))

    def assess(self, hit: Hit) -> Hit:
        """The hit with its coverage and whether it holds the anchor: what tells whether it is on the
        question's topic (``judge`` reads the rest)."""
        coverage, anchored = self._standing(_titled(hit.paragraph))
        return Hit(hit.paragraph, hit.score, coverage=coverage, anchored=anchored)

    def judge(self, hit: Hit) -> Hit:
        """The hit assessed, with its best sentence, the question terms it holds and whether it holds
        an answer of the asked kind and the question's days.

        Plain substring checks on normalised text, weighted by idf: no tokenizing beyond the question's.
        """
        paragraph = hit.paragraph
        body = _plain_of(paragraph)
        titled = _titled(paragraph)
        coverage, anchored = self._standing(titled)
        terms = tuple(form for form in self.terms if form in body)
        sentence, plain, typed = self._best_sentence(paragraph)
        return Hit(paragraph, hit.score, sentence=sentence.strip(), sentence_plain=plain.strip(), terms=terms,
                   coverage=coverage, anchored=anchored, typed=typed,
                   dated=evidence.date_agrees(self.question.dates, paragraph, titled))

    def articles(self, searcher: Searcher, hits: Sequence[Hit]) -> dict[str, list[Hit]]:
        """Every paragraph that holds a question word of each article of ``hits``, judged, in rank
        order of the articles (the ranked hits themselves when the store no longer has the article)."""
        order = list(dict.fromkeys(hit.paragraph.article_id for hit in hits))
        # Only a paragraph holding a question term can be shown: the source returns those alone, but
        # for the hits, judged already. Past the first WHOLE_ARTICLES articles (which hold the
        # passages shown first), the ranked hits do.
        whole = (searcher.paragraphs.articles(order[:WHOLE_ARTICLES], self.terms, {hit.paragraph.id for hit in hits})
                 if self.terms else {})
        found, read_whole = {}, set(order[:WHOLE_ARTICLES]) if self.terms else set()
        for article in order:
            ranked = [hit for hit in hits if hit.paragraph.article_id == article]
            judged = [hit for hit in map(self.judge, (Hit(p, 0.0) for p in whole.get(article, ()))) if hit.terms]
            held = [hit for hit in ranked if hit.terms] if article in read_whole else []
            found[article] = sorted(held + judged, key=lambda hit: hit.paragraph.position) or ranked
        return found

    def best_paragraph(self, judged: Sequence[Hit]) -> Hit:
        """Which paragraph of an article to show: among those whose own text (titles are every
        paragraph's) covers at least half what the best covers, the one whose sentence holds the
        answer most plainly, then the one covering most (more when its sentence names the word
        asked about); on a tie, the earlier."""
        kind = self.question.answer_type
        own = {id(hit): self._covered(_plain_of(hit.paragraph)) for hit in judged}
        floor = max(own.values()) / 2

        def key(hit: Hit) -> tuple[int, float, int, float]:
            plain = hit.sentence_plain
            plainly = evidence.strength(kind, plain) if kind and hit.typed and own[id(hit)] >= floor else 0
            focused = FOCUS_BONUS * self.total * (hit.typed and self._names_focus(plain))
            return (plainly, round(own[id(hit)] + focused, 6), -hit.paragraph.position, hit.score)

        return max(judged, key=key)

    @staticmethod
    def in_order(best: Sequence[Hit], hits: Sequence[Hit]) -> list[Hit]:
        """Articles' passages in the order to read them: those of the question's days first, then by
        rank, where ranks within ``TIE`` of each other go to more coverage, then to the newer paper."""
        scores: dict[str, float] = {}
        for hit in hits:  # best first: an article's score is its best paragraph's
            scores.setdefault(hit.paragraph.article_id, hit.score)
        top = max(scores.values()) or 1.0

        def key(hit: Hit) -> tuple[bool, int, float, str]:
            near = round(scores[hit.paragraph.article_id] / top / TIE)
            return (hit.dated is not True, -near, -round(hit.coverage, 3), _newest_first(hit.paragraph.date))

        return sorted(best, key=key)

    def second_passage(self, judged: Sequence[Hit], first: Hit) -> Hit | None:
        """Another paragraph of the first passage's article that holds question words it lacks."""
        missing = [i for i, share in enumerate(self._present(_titled(first.paragraph)))
                   if share < 0.5 and self.question.words[i][0] not in self.question.places]
        best, gained = None, SECOND_PASSAGE * self.total
        for hit in judged:
            if hit.paragraph.position == first.paragraph.position or not missing:
                continue
            present = self._present(_plain_of(hit.paragraph))
            gain = sum(self.weights[i] * present[i] for i in missing)
            if gain > gained:
                best, gained = hit, gain
        return best

    def answers(self, hit: Hit) -> bool:
        """Whether the first passage answers: what was asked is in it, and its paper is not of
        other days than the question names outright or insists on."""
        question = self.question
        if question.byline:
            return bool(hit.paragraph.byline)
        dates = question.dates
        contradicted = dates is not None and (dates.explicit or dates.insist) and hit.dated is False
        return hit.typed and not contradicted

    def _present(self, text: str) -> list[float]:
        """How much of each question word ``text`` holds (1: wholly, in some form)."""
        present = self._held.get(text)
        if present is None:
            present = self._held[text] = [word.held_in(text) for word in self._words]
        return present

    @cached_property
    def _words(self) -> tuple[_Word, ...]:
        return tuple(map(_Word.of, self.question.words))

    def _standing(self, titled: str) -> tuple[float, bool]:
        """The coverage of a paragraph with its titles (``titled``), and whether it holds the anchor."""
        present = self._present(titled)
        return self._share(present), self.anchor is None or present[self.anchor] >= 0.5

    def _covered(self, text: str) -> float:
        return sum(w * p for w, p in zip(self.weights, self._present(text), strict=True))

    def _share(self, present: Sequence[float]) -> float:
        """The weighted share of the question ``present`` covers; the answer's category word (房企
        in 哪家房企) counts only where it is named."""
        covered = sum(w * p for w, p in zip(self.weights, present, strict=True))
        total = self.total - sum(w for forms, w, p in zip(self.question.words, self.weights, present, strict=True)
                                 if forms == self.question.category and p < 0.5)
        return covered / total if total > 0 else 0.0

    def _best_sentence(self, paragraph: Paragraph) -> tuple[str, str, bool]:
        """The sentence to show, its normalised form, and whether it holds an answer of the asked
        kind: among those that hold some question word, one that holds an answer and names the word
        asked about, else the one holding an answer most plainly, else the one covering most."""
        kind = self.question.answer_type
        text = paragraph.text
        best, best_plain, best_key, best_typed = text, _plain_of(paragraph), (False, 0, -1.0), not kind
        for sentence, plain in _sentences(text, paragraph.plain):
            covered = self._covered(plain)
            focused = self._names_focus(plain)
            plainly = evidence.strength(kind, plain) if kind else 0
            if kind in EVENT_KINDS and self.question.focus and not focused:
                plainly = 0  # 年底开工 does not say when it opens to traffic
            key = (plainly > 0 and covered > 0 and focused, plainly if covered > 0 else 0, covered)
            if key > best_key:
                best, best_plain, best_key, best_typed = sentence, plain, key, plainly > 0 or not kind
        return best, best_plain, best_typed

    def _names_focus(self, text: str) -> bool:
        # A one-character event (签, 建) is named inside its compounds: 签订, 始建.
        characters, words = self._focus
        return any(form in text for form in characters) or any(word.held_in(text) >= 0.5 for word in words)

    @cached_property
    def _focus(self) -> tuple[tuple[str, ...], tuple[_Word, ...]]:
        focus = self.question.focus
        return (tuple(form for form in focus if len(form) == 1),
                tuple(_Word.of((form,)) for form in focus if len(form) > 1))


def _on_topic(hit: Hit, coverage: float) -> bool:
    """Whether an assessed hit is on the question's topic (the module's docstring, 1.)."""
    return hit.coverage >= coverage and (hit.anchored or hit.coverage >= STRONG_COVERAGE)


def word_weights(question: Question, idf: Mapping[str, float]) -> list[float]:
    """The weight of each question word: the idf (in this corpus) of its rarest form.

    BM25's idf turns negative on a corpus of one or two articles (a bot's first upload), where every
    word is in most paragraphs; a small floor keeps the words' shares meaningful there.
    """
    return [max(MIN_WEIGHT, *(idf[form] for form in forms)) for forms in question.words]


def anchor_of(question: Question, weights: Sequence[float], held: Sequence[bool]) -> int | None:
    """The word a passage must hold to be on the topic: the rarest word the corpus holds that is not
    a place, a bare number or the answer's category, preferring words of two characters or more. None when the question
    names only places.

    A word no paragraph holds (护照, or a verb the paper words otherwise: 获得) anchors only when the
    question has no other: then nothing is on its topic (iPhone 17 is not about 17℃).
    """
    topical = [i for i, forms in enumerate(question.words) if forms[0] not in question.places
               and forms != question.category and not forms[0].replace(".", "").isdigit()]
    topical = [i for i in topical if len(question.words[i][0]) > 1] or topical
    if not topical:
        return None
    return max([i for i in topical if held[i]] or topical, key=lambda i: weights[i])


def distinct_passages(hits: Iterable[Hit]) -> list[Hit]:
    """One hit per article, and never the same passage text twice (a page ingested twice)."""
    articles: set[str] = set()
    texts: set[str] = set()
    chosen = []
    for hit in hits:
        text = _plain_of(hit.paragraph).strip()
        if hit.paragraph.article_id in articles or text in texts:
            continue
        articles.add(hit.paragraph.article_id)
        texts.add(text)
        chosen.append(hit)
    return chosen


def _titled(paragraph: Paragraph) -> str:
    """A paragraph's normalised text after its article's titles, for what it holds."""
    return (paragraph.plain_titles or _plain_titles(paragraph.headline, paragraph.subheadline)) + " " + _plain_of(
        paragraph)


# Normalising (NFKC, OpenCC) costs tens of microseconds a sentence, and a question judges every
# paragraph of its top articles: a paragraph's sentences are cut from the normalised text ingest
# cached, and kept for the next question on the same news.
@lru_cache(maxsize=1 << 13)
def _sentences(text: str, plain: str = "") -> tuple[tuple[str, str], ...]:
    """A paragraph's sentences (the whole text if it has none), each with its normalised form: the
    same cut of ``plain`` (the text normalised whole) where every sentence kept its length in it
    (then their characters correspond one to one), else each sentence normalised."""
    sentences = split_sentences(text) or [text]
    if plain and len(plain) == len(text):
        pieces = split_sentences(plain) or [plain]
        if [len(sentence) for sentence in sentences] == [len(piece) for piece in pieces]:
            return tuple(zip(sentences, pieces, strict=True))
    return tuple((sentence, tokenizing.normalize(sentence)) for sentence in sentences)


def _plain(text: str) -> str:
    """Normalised ``text``, from its normalised sentences (the same substrings, minus blank pieces)."""
    return "".join(plain for _, plain in _sentences(text))


def _plain_of(paragraph: Paragraph) -> str:
    """A paragraph's normalised text: as ingest cached it, else normalised here."""
    return paragraph.plain or _plain(paragraph.text)


_plain_titles = lru_cache(maxsize=1 << 12)(tokenizing.normalize_titles)  # for paragraphs without them


def _newest_first(day: str | None) -> str:
    """A sort key putting later ISO dates first (and undated last)."""
    return "".join(chr(0x7F - ord(c)) for c in day) if day else "\x7f"


@dataclass(frozen=True)
class _Word:
    """A question word's forms, sorted for ``held_in`` once per question rather than per text read
    (a question reads some forty texts). A form is held wholly where it is in the text, a
    one-character form only standing alone (办 is not in 举办); a compound jieba kept whole
    (今天天气) or guessed (装平层) in the share of its bigrams that are."""

    whole: tuple[str, ...]  # of two characters or more
    single: tuple[str, ...]  # of one character
    bigrams: tuple[tuple[str, ...], ...]  # of the compounds

    @classmethod
    def of(cls, forms: Sequence[str]) -> _Word:
        compounds = [form for form in forms if len(form) > 3 or (len(form) == 3 and not tokenizing.in_dictionary(form))]
        return cls(tuple(form for form in forms if len(form) > 1), tuple(form for form in forms if len(form) == 1),
                   tuple(tuple(form[i:i + 2] for i in range(len(form) - 1)) for form in compounds))

    def held_in(self, text: str) -> float:
        """The most of the word that ``text`` holds in any of its forms (1: wholly)."""
        for form in self.whole:
            if form in text:  # the common case, and nothing holds more
                return 1.0
        for form in self.single:
            if tokenizing.stands_alone(form, text):
                return 1.0
        most = 0.0
        for bigrams in self.bigrams:
            most = max(most, sum(bigram in text for bigram in bigrams) / len(bigrams))
        return most
