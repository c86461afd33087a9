"""The ``newsbot`` command: ingest, articles, ask, chat, eval and run."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path

import click

from retrieval.answering import POOL, answer
from retrieval.errors import RetrievalError, StoreError
from retrieval.evaluating import evaluate, load_qa
from retrieval.ingesting import IngestReport
from retrieval.library import Library
from retrieval.models import Hit
from retrieval.pages import WARNINGS
from retrieval.searching import Searcher
from retrieval.store import Store

from . import formatting
from .settings import Settings, SettingsError, load_settings

PROGRESS_FROM = 20  # files; fewer finish before a bar would be worth drawing


def _settings() -> Settings:
    try:
        return load_settings()
    except SettingsError as error:
        raise click.ClickException(str(error)) from error


def report_lines(report: IngestReport) -> list[str]:
    """The ingest summary a person reads: counts, every failure with its reason, totals."""
    counts = ", ".join(f"{report.count(s)} {s}" for s in ("new", "changed", "unchanged", "removed", "failed"))
    lines = [f"files: {counts}"]
    lines += [f"  failed: {f.path}: {f.reason}" for f in report.files if f.status == "failed"]
    lines += [f"  skipped line {bad}" for f in report.files for bad in f.bad_lines]
    lines += [f"  check: {f.path}: {headline or '(no headline)'}: {WARNINGS[code]}"
              for f in report.files for headline, code in f.warnings]
    lines.append(f"articles: {report.articles}, paragraphs: {report.paragraphs}, "
                 f"tokenized: {report.tokenized}, seconds: {report.seconds:.2f}")
    return lines


def progress_bar(show: bool) -> tuple[Callable[[int, int], None], Callable[[], None]]:
    """A progress callback drawing a bar on stderr for many files, and the call that finishes it."""
    bar = None

    def progress(done: int, total: int) -> None:
        nonlocal bar
        if show and total >= PROGRESS_FROM:
            if bar is None:
                bar = click.progressbar(length=total, label="ingesting", file=sys.stderr)
            bar.update(1)

    def finish() -> None:
        if bar is not None:
            bar.render_finish()

    return progress, finish


def open_searcher(db: Path, data_dir: Path) -> Searcher:
    """The searcher over ``db``; a missing or empty database is filled from the data dir first."""
    try:
        report, searcher = Library(data_dir, db).open()
    except RetrievalError as error:
        raise click.ClickException(f"{error} (database {db}, data dir {data_dir})") from error
    if report is not None:
        click.echo(f"{db} is empty: ingesting {data_dir} first.", err=True)
        for line in report_lines(report):
            click.echo(line, err=True)
    return searcher


def hit_json(hit: Hit) -> dict[str, object]:
    p = hit.paragraph
    return {"headline": p.headline, "subheadline": p.subheadline, "text": p.text, "sentence": hit.sentence,
            "score": round(hit.score, 6), "article_id": p.article_id, "paragraph_id": p.id, "kind": p.kind,
            "date": p.date, "page": p.page, "source": p.source, "byline": p.byline}


@click.group()
def main() -> None:
    """平湖新闻问答: answers questions about Pinghu's local news from the daily's pages."""


@main.command(name="ingest")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--db", type=click.Path(path_type=Path), help="SQLite file (default NEWSBOT_DB_PATH).")
def ingest_command(paths: tuple[Path, ...], db: Path | None) -> None:
    """Ingest page files (.txt) and JSON Lines (.jsonl), or folders of them (default NEWSBOT_DATA_DIR)."""
    settings = _settings()
    library = Library(settings.newsbot_data_dir, db or settings.newsbot_db_path)
    progress, finish = progress_bar(show=True)
    try:
        report, searcher = library.refresh(paths=list(paths) or None, progress=progress)
    except RetrievalError as error:
        raise click.ClickException(str(error)) from error
    finally:
        finish()
    for line in report_lines(report):
        click.echo(line)
    if searcher is None:
        click.echo("the store holds no paragraphs yet: nothing to search", err=True)


@main.command()
@click.option("--warnings", "with_warnings", is_flag=True,
              help="Only the items the parser was unsure of, with why (check them before residents see them).")
@click.option("--db", type=click.Path(path_type=Path), help="SQLite file (default NEWSBOT_DB_PATH).")
def articles(with_warnings: bool, db: Path | None) -> None:
    """List the stored articles: kind, page, date, headline, paragraph count."""
    path = db or _settings().newsbot_db_path
    if not path.exists():
        raise click.ClickException(f"no database at {path}: run `newsbot ingest` first")
    try:
        with Store(path) as store:
            rows = store.articles()
    except RetrievalError as error:
        raise click.ClickException(str(error)) from error
    for row in rows:
        codes = (row["warnings"] or "").split()
        if with_warnings and not codes:
            continue
        line = (f"{row['kind']:<10}\t{row['page'] or '-'}\t{row['date'] or '-'}\t{row['headline']}"
                f"\t{row['paragraph_count']}")
        if with_warnings:
            line += f"\t{row['source']}\t" + "; ".join(WARNINGS.get(code, code) for code in codes)
        click.echo(line)


@main.command()
@click.argument("question", required=False)
@click.option("--k", default=5, show_default=True, type=click.IntRange(1, 100), help="Hits per question.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per question.")
@click.option("--db", type=click.Path(path_type=Path), help="SQLite file (default NEWSBOT_DB_PATH).")
def ask(question: str | None, k: int, as_json: bool, db: Path | None) -> None:
    """Answer QUESTION, or one question per line of standard input."""
    settings = _settings()
    searcher = open_searcher(db or settings.newsbot_db_path, settings.newsbot_data_dir)
    questions = [question] if question is not None else (line.rstrip("\n") for line in sys.stdin)
    for text in questions:
        result = answer(searcher, text, pool=max(k, POOL))
        if as_json:
            # "hits" are ranked by score, for scripts; "passages" are what a resident is shown, in order.
            hits = [hit_json(hit) for hit in result.hits[:k]] if result.passages else []
            shown = [hit_json(hit) for hit in (result.passages + result.more)[:k]]
            record: dict[str, object] = {"question": text, "status": result.status.value, "hits": hits,
                                         "passages": shown}
            if result.edition is not None:  # 最近有什么新闻: the day's paper
                record["edition"] = {"day": result.edition.day, "asked": result.edition.asked,
                                     "nearest": list(result.edition.nearest),
                                     "headlines": [{"headline": h.headline, "article_id": h.article_id,
                                                    "page": h.page} for h in result.edition.headlines]}
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(formatting.render(result, html=False, latest=searcher.facts.latest[:3]))
            click.echo()


@main.command()
@click.option("--db", type=click.Path(path_type=Path), help="SQLite file (default NEWSBOT_DB_PATH).")
def chat(db: Path | None) -> None:
    """Talk to the bot in the terminal, with the answers and wording it uses in Telegram."""
    settings = _settings()
    searcher = open_searcher(db or settings.newsbot_db_path, settings.newsbot_data_dir)
    click.echo(formatting.GREETING + "（输入 /latest 看最新报道，/quit 退出）")
    while True:
        try:
            text = input("\n问：")
        except EOFError:
            break
        if text.strip() in ("/quit", "/exit", "退出"):
            break
        if text.strip() == "/latest":
            click.echo(formatting.render_headlines(searcher.facts.latest[:10], html=False))
            continue
        click.echo(formatting.render(answer(searcher, text), html=False,
                                     latest=searcher.facts.latest[:3]))


@main.command(name="eval")
@click.argument("qa", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 100))
@click.option("--db", type=click.Path(path_type=Path), help="SQLite file (default NEWSBOT_DB_PATH).")
def eval_command(qa: Path, k: int, db: Path | None) -> None:
    """Print R@1, R@3, R@5, MRR@k and no-answer accuracy on a QA JSON Lines file."""
    settings = _settings()
    searcher = open_searcher(db or settings.newsbot_db_path, settings.newsbot_data_dir)
    try:
        records = load_qa(qa)
    except (ValueError, json.JSONDecodeError) as error:
        raise click.ClickException(f"{qa}: {error}") from error
    click.echo(json.dumps(evaluate(searcher, records, k=k), ensure_ascii=False))


@main.command()
@click.option("--export", "export", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="JSON Lines file to write, in newsbot eval's format.")
@click.option("--db", type=click.Path(path_type=Path), help="SQLite file (default NEWSBOT_DB_PATH).")
def feedback(export: Path, db: Path | None) -> None:
    """Write residents' 👍/👎 as QA lines: liked answers labelled, disliked ones to label."""
    from .feedback import Feedback

    source = Feedback(db or _settings().newsbot_db_path)
    try:
        count = source.export(export)
    except (OSError, StoreError) as error:
        raise click.ClickException(str(error)) from error
    finally:
        source.close()
    click.echo(f"{count} questions written to {export}")


@main.command()
def run() -> None:
    """Start the Telegram bot (long polling); needs TELEGRAM_BOT_TOKEN."""
    from .app import run as run_bot
    from .settings import require_data_dir

    settings = _settings()
    if not settings.token:
        raise click.ClickException(
            "TELEGRAM_BOT_TOKEN is not set: put it in .env (see .env.example) or the environment. "
            "To try the bot without Telegram, run `newsbot chat`.")
    try:
        require_data_dir(settings)
    except SettingsError as error:
        raise click.ClickException(str(error)) from error
    run_bot(settings)


if __name__ == "__main__":
    main()
