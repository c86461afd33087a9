"""Read JSON Lines corpora: one article a line, paragraphs kept exactly as given.

>>> articles, bad = parse_jsonl('{"headline": "标题", "text": "一段。"}\\nnot json', "x-2025-12-18.jsonl")
>>> [(a.headline, a.paragraphs, a.date) for a in articles], [str(b) for b in bad]
([('标题', ('一段。',), '2025-12-18')], ['x-2025-12-18.jsonl:2: not JSON (Expecting value)'])
"""

from __future__ import annotations

import json
import re

from .errors import BadLine
from .models import KINDS, Article
from .pages import date_from_name

_LINE_BREAK = re.compile(r"\r\n|\r|\n")  # files saved on old Macs end lines with CR alone


def parse_jsonl(text: str, source: str) -> tuple[list[Article], list[BadLine]]:
    """Articles from JSON Lines, one per line; paragraphs are kept exactly as given."""
    articles: list[Article] = []
    bad: list[BadLine] = []
    seen: set[str] = set()
    file_date = date_from_name(source)
    for number, line in enumerate(_LINE_BREAK.split(text), start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as error:
            bad.append(BadLine(source, number, f"not JSON ({error.msg})"))
            continue
        except RecursionError:
            bad.append(BadLine(source, number, "not JSON (nested too deeply)"))
            continue
        except ValueError as error:  # an integer of thousands of digits
            bad.append(BadLine(source, number, f"not JSON ({error})"))
            continue
        if not isinstance(row, dict):
            bad.append(BadLine(source, number, "not a JSON object"))
            continue
        headline = row.get("headline")
        if not isinstance(headline, str) or not headline.strip():
            bad.append(BadLine(source, number, "no headline"))
            continue
        paragraphs = row.get("paragraphs")
        if paragraphs is None:
            body = row.get("text")
            paragraphs = [p for p in body.split("\n") if p.strip()] if isinstance(body, str) else None
        if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
            bad.append(BadLine(source, number, "no paragraphs (a list of strings) or text"))
            continue
        article_id = str(row.get("id") or f"{source}#{number}")
        if article_id in seen:
            bad.append(BadLine(source, number, f"duplicate id {article_id!r}"))
            continue
        seen.add(article_id)
        kind = row.get("kind") if row.get("kind") in KINDS else "news"
        articles.append(Article(
            id=article_id, source=str(row.get("source") or source), position=len(articles), kind=kind,
            headline=headline, paragraphs=tuple(paragraphs), subheadline=str(row.get("subheadline") or ""),
            byline=str(row.get("byline") or ""), date=str(row["date"]) if row.get("date") else file_date,
            url=str(row.get("url") or ""),
        ))
    return articles, bad
