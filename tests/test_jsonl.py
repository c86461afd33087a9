"""JSON Lines corpora: paragraphs kept exactly as given, bad lines reported one by one."""

from __future__ import annotations

import json

from retrieval.jsonl import parse_jsonl


def test_jsonl_keeps_paragraphs_exactly_and_reports_bad_lines():
    lines = [
        json.dumps({"id": "a1", "headline": "标题一", "paragraphs": ["第一段没有句号", "  第二段  "],
                    "date": "2025-01-02"}),
        "{not json",
        json.dumps({"paragraphs": ["无标题"]}),
        json.dumps({"headline": "标题二", "text": "甲段。\n\n乙段。", "kind": "commentary", "url": "http://x"}),
        json.dumps({"id": "a1", "headline": "重复", "text": "x"}),
        json.dumps(["not", "an", "object"]),
    ]
    articles, bad = parse_jsonl("\n".join(lines), "corpus-20250101.jsonl")
    assert [(a.id, a.headline, a.paragraphs, a.date, a.kind) for a in articles] == [
        ("a1", "标题一", ("第一段没有句号", "  第二段  "), "2025-01-02", "news"),
        ("corpus-20250101.jsonl#4", "标题二", ("甲段。", "乙段。"), "2025-01-01", "commentary"),
    ]
    assert [(b.line, b.reason.split(" (")[0]) for b in bad] == [
        (2, "not JSON"), (3, "no headline"), (5, "duplicate id 'a1'"), (6, "not a JSON object")]
