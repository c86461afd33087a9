"""Speed and memory at the scale of years of a daily, beside rank-bm25 and bm25s on the same tokens.

For each size (paragraphs) it generates a synthetic corpus (benchmarks/synthetic.py) and prints:
ingest time and paragraphs/s beside jieba's raw cutting speed on the same text; index build;
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
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from benchmarks.synthetic import PER_DAY, Generator
from retrieval import kernel

if TYPE_CHECKING:
    from retrieval.indexing import BM25Index

# The serving process: load the index, answer every question, report latencies and peak RSS.
SERVE = r"""
import json, sys, threading, time
started = time.perf_counter()
from pathlib import Path
from retrieval import kernel, tokenizing
from retrieval.answering import answer
from retrieval.library import Library
from retrieval.understanding import understand
warming = threading.Thread(target=kernel.warm_up)  # as the bot does: compile while the corpus and jieba load
warming.start()
searcher = Library(Path(sys.argv[1]).parent / "pages", sys.argv[1]).load()
tokenizing.warm_up()
warming.join()
questions = [json.loads(line)["question"] for line in open(sys.argv[2], encoding="utf-8")]
answer(searcher, understand(questions[0]))
first_at = time.perf_counter()  # the system's monotonic clock, which the parent reads too
times = []
for question in questions:  # the whole path: understanding, ranking, reading and judging the hits
    t = time.perf_counter()
    answer(searcher, understand(question))
    times.append(time.perf_counter() - t)
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the forking parent across exec.
# RssFile is the memory-mapped index (page cache the kernel may drop), RssAnon the process's own.
status = {line.split(":")[0]: int(line.split()[1]) / 1024 for line in open("/proc/self/status")
          if line.startswith(("VmHWM", "RssAnon", "RssFile"))}
print(json.dumps({"first_answer_at": first_at, "times": times, "peak_rss_mb": status["VmHWM"],
                  "rss_anon_mb_at_end": status["RssAnon"], "rss_file_mb_at_end": status["RssFile"]}))
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


def prepare(size: int, folder: Path, questions: int) -> dict:
    """Generate and ingest the corpus of ``size`` paragraphs in ``folder``, once: the ingest figures
    are kept in ``prepared.json``, so a later run on a kept folder measures the rest without
    spending the 1M ingest again."""
    from retrieval.library import Library

    record = folder / "prepared.json"
    if record.exists() and (folder / "news.db").exists():
        return json.loads(record.read_text("utf-8")) | {"reused": True}
    shutil.rmtree(folder, ignore_errors=True)  # a half-prepared folder: its ingest would not be a first one
    generator = Generator(seed=size)
    articles = generator.write(folder / "pages", size)
    qa = generator.questions(articles, questions)
    (folder / "questions.jsonl").write_text("\n".join(json.dumps(q, ensure_ascii=False) for q in qa), "utf-8")
    texts = [p for a in articles for p in a["paragraphs"]]
    chars = sum(map(len, texts))
    raw_speed = jieba_speed(texts[:: max(len(texts) // 20_000, 1)])
    del articles, texts
    started = time.perf_counter()
    report, _ = Library(folder / "pages", folder / "news.db").refresh()
    seconds = report.seconds  # the ingest alone; the index built after it is measured by the first start
    prepared = {"characters": chars,
                "ingest": {"seconds": round(seconds, 1),
                           "refresh_with_index_s": round(time.perf_counter() - started, 1),
                           "paragraphs_per_s": round(size / seconds),
                           "chars_per_s": round(chars / seconds), "jieba_chars_per_s": round(raw_speed),
                           "ratio_to_jieba": round(chars / seconds / raw_speed, 2)}}
    record.write_text(json.dumps(prepared), "utf-8")
    return prepared


def measure(size: int, folder: Path, questions: int, naive_questions: int) -> dict:
    from retrieval.library import Library
    from retrieval.understanding import understand

    result: dict = {"paragraphs": size} | prepare(size, folder, questions)
    qa = [json.loads(line) for line in (folder / "questions.jsonl").read_text("utf-8").splitlines()]
    db = folder / "news.db"
    shutil.rmtree(folder / "news.db.index", ignore_errors=True)  # left by an earlier run on a kept folder

    # Three serving processes: the first builds the index and keeps it beside the database (a start
    # after a file changed); the second is a fresh install's first start after `newsbot ingest` kept
    # the index: the scoring kernel is compiled (numba's cache is dropped first); the third starts
    # from the kept index and the cached kernel (every later start of an unchanged corpus).
    for label in ("building_index", "index_kept_kernel_compiled", "index_kept"):
        if label != "index_kept":
            drop_jit_cache()
        started = time.perf_counter()
        served = json.loads(subprocess.run([sys.executable, "-c", SERVE, str(db), str(folder / "questions.jsonl")],
                                           check=True, capture_output=True, text=True).stdout)
        # From starting the process to its first answer: not its exit (freeing a million paragraphs'
        # index and numba's compiler took up to half a second more).
        result[f"cold_start_s_{label}"] = round(served["first_answer_at"] - started, 1)
        result[f"serving_peak_rss_mb_{label}"] = round(served["peak_rss_mb"])
        result[f"serving_rss_anon_file_mb_at_end_{label}"] = [round(served["rss_anon_mb_at_end"]),
                                                              round(served["rss_file_mb_at_end"])]
    result["latency"] = {"project": percentiles(served["times"])}

    searcher = Library(folder / "pages", db).load()
    index = searcher.index
    kernel.warm_up()  # as the bot does while it loads: compiling is the cold start's, not a question's
    queries = [list(understand(q["question"]).tokens) for q in qa]
    times = []
    for query in queries:  # the index alone on the same tokens as bm25s: no tokenizing, no hit text
        t = time.perf_counter()
        index.top(query, 10, exclude=searcher.excluded)
        times.append(time.perf_counter() - t)
    result["latency"]["project_index_only"] = percentiles(times)

    # The build itself is the first serving process's cold start (reading the tokens included).
    result["index"] = {"postings": index.postings, "vocabulary": len(index.vocabulary_keys),
                       "segments": len(index.segments)}
    started = time.perf_counter()
    documents = index_documents(db)
    result["index"]["references_load_tokens_s"] = round(time.perf_counter() - started, 1)
    result["latency"]["bm25s"] = bm25s_latency(documents, queries, index)
    result["latency"]["naive_rank_bm25"] = naive_latency(documents, queries[:naive_questions], index)
    index_only = result["latency"]["project_index_only"]
    for name in ("bm25s", "naive_rank_bm25"):
        other = result["latency"][name]
        if other:  # both on the same tokens, index work only
            result["latency"][f"p50_speedup_vs_{name}"] = round(other["p50_ms"] / index_only["p50_ms"], 2)
    del documents, searcher, index

    result["add_one_day"] = add_one_day(folder, db)
    return result


def drop_jit_cache() -> None:
    """Remove numba's cache of the scoring kernel, as on a machine where it never ran."""
    for path in (Path(kernel.__file__).parent / "__pycache__").glob("kernel.*.nb[ic]"):
        path.unlink()


def index_documents(db: Path) -> list[list[str]]:
    """Every paragraph's index tokens, in the order of the index the library builds.

    Each distinct token is one shared string: at a million paragraphs, a string per occurrence
    would need more memory than the machine has.
    """
    from retrieval.indexing import document
    from retrieval.store import Store
    from retrieval.tokenizing import version

    shared: dict[str, str] = {}
    with Store(db) as store:
        return [[shared.setdefault(token, token) for token in document(tokens, head)]
                for *_, tokens, head in store.index_rows(version())]


def bm25s_latency(documents: list[list[str]], queries: list[list[str]], index: BM25Index) -> dict | None:
    try:
        import bm25s
    except ImportError:
        return None
    retriever = bm25s.BM25(k1=index.k1, b=index.b)
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


def naive_latency(documents: list[list[str]], queries: list[list[str]], index: BM25Index) -> dict | None:
    if not queries:
        return None
    from rank_bm25 import BM25Okapi

    started = time.perf_counter()
    naive = BM25Okapi(documents, k1=index.k1, b=index.b)
    build = time.perf_counter() - started
    times = []
    for query in queries:
        t = time.perf_counter()
        np.argsort(-naive.get_scores(query))[:10]
        times.append(time.perf_counter() - t)
    return percentiles(times) | {"build_s": round(build, 1), "questions": len(queries)}


def add_one_day(folder: Path, db: Path) -> dict:
    """A day's pages (one file, ~400 paragraphs) added to a serving corpus: seconds until the
    index in service answers from them (ingest, then the served index extended, as /reload does).
    The day is removed again afterwards, so a kept folder stays as it was generated."""
    from retrieval.library import Library

    library = Library(folder / "pages", db)
    serving = library.load()  # what the bot is serving when the admin reloads
    day = [dict(a, id=f"new-{a['id']}", source="next-day.jsonl", date="2099-01-01")
           for _, a in Generator(seed=-1 % 2**32).articles(PER_DAY)]
    page = folder / "pages" / "next-day.jsonl"
    page.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in day), "utf-8")
    try:
        started = time.perf_counter()
        report, searcher = library.refresh(serving)
        hit = searcher.search(day[0]["paragraphs"][0][:30], k=1)
        served = time.perf_counter()
    finally:
        page.unlink()
        library.refresh()
    return {"seconds_until_serving": round(served - started, 1), "ingest_s": round(report.seconds, 1),
            "extend_index_s": round(served - started - report.seconds, 1), "tokenized": report.tokenized,
            "segments": len(searcher.index.segments),
            "new_article_found": bool(hit) and hit[0].paragraph.article_id.startswith("new-")}


def bot_throughput(folder: Path, messages: int = 2000) -> dict:
    """Answered messages/s through the real Application (recording request, concurrent updates)."""
    from telegram import Update
    from telegram.ext import ApplicationBuilder

    from bot.app import build_application
    from bot.settings import Settings
    from testkit.botkit import RecordingRequest, message_update

    async def run() -> float:
        request = RecordingRequest()
        settings = Settings(newsbot_data_dir=folder / "pages", newsbot_db_path=folder / "news.db",
                            newsbot_rate_limit=10**6, _env_file=None)
        app = build_application(settings, builder=ApplicationBuilder().token("1:bench").request(request)
                                .get_updates_request(RecordingRequest()))
        await app.initialize()
        await app.post_init(app)
        lines = (folder / "questions.jsonl").read_text(encoding="utf-8").splitlines()
        questions = [json.loads(line)["question"] for line in lines]
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
    parser.add_argument("--keep", type=Path, help="keep the corpora here instead of a temporary folder "
                        "(a later run reuses them and their ingest figures)")
    parser.add_argument("--prepare-only", action="store_true", help="generate and ingest, measure nothing else")
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as scratch:
        root = args.keep or Path(scratch)
        for size in args.sizes:
            folder = root / f"{size}"
            if args.prepare_only:
                print(json.dumps({"paragraphs": size} | prepare(size, folder, args.questions)), flush=True)
                continue
            result = measure(size, folder, args.questions, args.naive_questions)
            result["bot"] = bot_throughput(folder)
            print(json.dumps(result, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
