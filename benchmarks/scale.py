"""Speed and memory at the scale of years of a daily, beside rank-bm25 and bm25s on the same tokens.

For each size (paragraphs) it generates a synthetic corpus (benchmarks/synthetic.py) and prints:
ingest time and paragraphs/s beside jieba's raw segmentation speed on the same text; index build;
cold start (process start to first answer) and peak RSS of a serving process; question latency
p50/p95/p99 and questions/s over the question set, for this project, for rank-bm25's
``get_scores`` (naive) and for bm25s, with ratios; the time from adding one day's pages to the new
index serving; and answered messages/s through the real Application.

Usage::

    python -m benchmarks.scale [--sizes 10000 100000 1000000] [--questions 500] [--naive-questions 50]

Needs ``pip install -e ".[bench]"`` for bm25s. 1M paragraphs takes tens of minutes.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks.synthetic import PER_DAY, Generator

# The serving process: load the index, answer every question, report latencies and peak RSS.
SERVE = r"""
import json, sys, time
started = time.perf_counter()
from retrieval.searching import load_searcher
searcher = load_searcher(sys.argv[1])
questions = [json.loads(line)["question"] for line in open(sys.argv[2], encoding="utf-8")]
searcher.search(questions[0], k=10)
first = time.perf_counter() - started
times = []
for question in questions:
    t = time.perf_counter()
    searcher.search(question, k=10)
    times.append(time.perf_counter() - t)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec.
peak = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM"))
print(json.dumps({"first_answer_s": first, "times": times, "peak_rss_mb": peak / 1024}))
"""


def percentiles(seconds: list[float]) -> dict[str, float]:
    ms = np.array(seconds) * 1000
    return {"p50_ms": round(float(np.percentile(ms, 50)), 2), "p95_ms": round(float(np.percentile(ms, 95)), 2),
            "p99_ms": round(float(np.percentile(ms, 99)), 2), "qps": round(len(ms) / (ms.sum() / 1000), 1)}


def jieba_speed(texts: list[str]) -> float:
    """Characters per second of plain jieba.lcut (one process) on these texts."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    started = time.perf_counter()
    for text in texts:
        tokenizer.lcut(text)
    return sum(map(len, texts)) / (time.perf_counter() - started)


def measure(size: int, folder: Path, questions: int, naive_questions: int) -> dict:
    from retrieval.ingesting import ingest
    from retrieval.searching import Searcher, load_corpus
    from retrieval.tokenizing import expand_aliases, tokenize

    generator = Generator(seed=size)
    articles = generator.write(folder / "pages", size)
    qa = generator.questions(articles, questions)
    (folder / "questions.jsonl").write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in qa), "utf-8")
    texts = [p for a in articles for p in a["paragraphs"]]
    chars = sum(map(len, texts))
    sample = texts[:: max(len(texts) // 20_000, 1)]
    raw_speed = jieba_speed(sample)
    result: dict = {"paragraphs": size, "characters": chars}

    db = folder / "news.db"
    started = time.perf_counter()
    ingest([folder / "pages"], db)
    seconds = time.perf_counter() - started
    result["ingest"] = {"seconds": round(seconds, 1), "paragraphs_per_s": round(size / seconds),
                        "chars_per_s": round(chars / seconds), "jieba_chars_per_s": round(raw_speed),
                        "ratio_to_jieba": round(chars / seconds / raw_speed, 2)}

    started = time.perf_counter()
    paragraphs, documents = load_corpus(db)
    loaded = time.perf_counter()
    searcher = Searcher(paragraphs, documents)
    built = time.perf_counter()
    result["index"] = {"load_tokens_s": round(loaded - started, 1), "build_s": round(built - loaded, 1),
                       "postings": int(searcher.index.doc_ids.size), "vocabulary": len(searcher.index.vocabulary)}

    # Two serving processes: the first builds the index and keeps it beside the database, the
    # second starts from the kept index (every later start of an unchanged corpus).
    for label in ("building_index", "index_kept"):
        started = time.perf_counter()
        served = json.loads(subprocess.run([sys.executable, "-c", SERVE, str(db), str(folder / "questions.jsonl")],
                                           check=True, capture_output=True, text=True).stdout)
        wall = time.perf_counter() - started - sum(served["times"]) + served["times"][0]
        result[f"cold_start_s_{label}"] = round(wall, 1)
        result[f"serving_peak_rss_mb_{label}"] = round(served["peak_rss_mb"])
    project = percentiles(served["times"])
    result["latency"] = {"project": project}

    queries = [tokenize(expand_aliases(q["question"])) for q in qa]
    times = []
    for query in queries:  # the index alone on the same tokens as bm25s: no segmentation, no hit text
        t = time.perf_counter()
        searcher.index.top(query, 10, mask=searcher.answerable)
        times.append(time.perf_counter() - t)
    result["latency"]["project_index_only"] = percentiles(times)
    result["latency"]["bm25s"] = bm25s_latency(documents, queries, searcher)
    result["latency"]["naive_rank_bm25"] = naive_latency(documents, queries[:naive_questions], searcher)
    index_only = result["latency"]["project_index_only"]
    for name in ("bm25s", "naive_rank_bm25"):
        other = result["latency"][name]
        if other:  # both on the same tokens, index work only
            result["latency"][f"p50_speedup_vs_{name}"] = round(other["p50_ms"] / index_only["p50_ms"], 2)
    del documents, paragraphs, searcher

    result["add_one_day"] = add_one_day(generator, folder, db, articles)
    return result


def bm25s_latency(documents: list[list[str]], queries: list[list[str]], searcher) -> dict | None:  # noqa: ANN001
    try:
        import bm25s
    except ImportError:
        return None
    retriever = bm25s.BM25(k1=searcher.index.k1, b=searcher.index.b)
    started = time.perf_counter()
    retriever.index(documents, show_progress=False)
    build = time.perf_counter() - started
    times = []
    for query in queries:
        known = [t for t in query if t in retriever.vocab_dict] or [next(iter(retriever.vocab_dict))]
        t = time.perf_counter()
        retriever.retrieve([known], k=10, show_progress=False)
        times.append(time.perf_counter() - t)
    return percentiles(times) | {"build_s": round(build, 1)}


def naive_latency(documents: list[list[str]], queries: list[list[str]], searcher) -> dict | None:  # noqa: ANN001
    if not queries:
        return None
    from rank_bm25 import BM25Okapi

    started = time.perf_counter()
    naive = BM25Okapi(documents, k1=searcher.index.k1, b=searcher.index.b)
    build = time.perf_counter() - started
    times = []
    for query in queries:
        t = time.perf_counter()
        np.argsort(-naive.get_scores(query))[:10]
        times.append(time.perf_counter() - t)
    return percentiles(times) | {"build_s": round(build, 1), "questions": len(queries)}


def add_one_day(generator: Generator, folder: Path, db: Path, articles: list[dict]) -> dict:
    """A day's pages (one file, ~400 paragraphs) added to a serving corpus: seconds until the
    index in service answers from them (ingest, then the served index extended, as /reload does)."""
    from retrieval.ingesting import ingest
    from retrieval.searching import extend_searcher, load_searcher

    serving = load_searcher(db)  # what the bot is serving when the admin reloads
    day = [dict(a, id=f"new-{a['id']}", source="next-day.jsonl", date="2099-01-01")
           for _, a in generator.articles(PER_DAY)]
    (folder / "pages" / "next-day.jsonl").write_text(
        "".join(json.dumps(a, ensure_ascii=False) + "\n" for a in day), "utf-8")
    started = time.perf_counter()
    report = ingest([folder / "pages"], db)
    ingested = time.perf_counter()
    searcher = extend_searcher(serving, db, [f.source_path for f in report.files if f.status == "new"])
    hit = searcher.search(day[0]["paragraphs"][0][:30], k=1)
    served = time.perf_counter()
    return {"seconds_until_serving": round(served - started, 1), "ingest_s": round(ingested - started, 1),
            "extend_index_s": round(served - ingested, 1), "segmented": report.segmented,
            "new_article_found": bool(hit) and hit[0].paragraph.article_id.startswith("new-")}


def bot_throughput(folder: Path, messages: int = 2000) -> dict:
    """Answered messages/s through the real Application (recording request, concurrent updates)."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder

    from bot.app import build_application
    from bot.settings import Settings
    from tests.botkit import RecordingRequest, message_update

    async def run() -> float:
        request = RecordingRequest()
        settings = Settings(newsbot_data_dir=folder / "pages", newsbot_db_path=folder / "news.db",
                            newsbot_rate_limit=10**6, _env_file=None)
        app = build_application(settings, builder=ApplicationBuilder().token("1:bench").request(request)
                                .get_updates_request(RecordingRequest()))
        await app.initialize()
        await app.post_init(app)
        questions = [json.loads(line)["question"] for line in open(folder / "questions.jsonl", encoding="utf-8")]
        updates = [Update.de_json(message_update(questions[i % len(questions)], user_id=10_000 + i), app.bot)
                   for i in range(messages)]
        started = time.perf_counter()
        await asyncio.gather(*(app.process_update(u) for u in updates))
        elapsed = time.perf_counter() - started
        await app.post_shutdown(app)
        await app.shutdown()
        assert len(request.sent()) == messages
        return elapsed

    elapsed = asyncio.run(run())
    return {"messages": messages, "seconds": round(elapsed, 2), "messages_per_s": round(messages / elapsed)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--questions", type=int, default=500)
    parser.add_argument("--naive-questions", type=int, default=50)
    parser.add_argument("--keep", type=Path, help="keep the corpora here instead of a temporary folder")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        for size in args.sizes:
            folder = root / f"{size}"
            result = measure(size, folder, args.questions, args.naive_questions)
            if size == min(args.sizes):
                result["bot"] = bot_throughput(folder)
            print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
