"""The newsbot commands on the seed page, as a person and a script would use them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main

from .conftest import ROOT, SEED_HEADLINES, headlines

HIT_KEYS = ["headline", "subheadline", "text", "sentence", "score", "article_id", "paragraph_id", "kind",
            "date", "page", "source", "byline"]


@pytest.fixture
def run(data_dir: Path, db_path: Path):
    env = {"NEWSBOT_DATA_DIR": str(data_dir), "NEWSBOT_DB_PATH": str(db_path)}

    def invoke(*args: str, input: str | None = None):
        result = CliRunner().invoke(main, list(args), env=env, input=input)
        assert result.exit_code == 0, result.output
        return result
    return invoke


def test_ask_json_lists_hits_best_first_with_stable_keys(run):
    out = run("ask", "--json", "--k", "3", "平湖经开区和谁签了战略合作协议?").stdout
    record = json.loads(out.strip().splitlines()[-1])
    assert record["question"] == "平湖经开区和谁签了战略合作协议?"
    assert len(record["hits"]) == 3 and list(record["hits"][0]) == HIT_KEYS
    top = record["hits"][0]
    assert (top["headline"], top["kind"], top["page"], top["source"]) == (
        "地企携手聚力 资本产业深融", "news", "6", "000_e4a181130212ea15.txt")
    assert top["text"].startswith("本报讯 日前,平湖经济技术开发区与嘉兴长三角创新投资集团有限公司签订了"
                                  "《战略合作协议》")
    scores = [hit["score"] for hit in record["hits"]]
    assert scores == sorted(scores, reverse=True)


def test_ask_reads_stdin_one_line_per_question_in_order(run):
    out = run("ask", "--json", input="明天天气怎么样\nA股今天涨了吗\n你好\n顾亚萍是谁\n").stdout
    records = [json.loads(line) for line in out.strip().splitlines()]
    assert [r["question"] for r in records] == ["明天天气怎么样", "A股今天涨了吗", "你好", "顾亚萍是谁"]
    assert [bool(r["hits"]) for r in records] == [True, False, False, True]
    assert records[0]["hits"][0]["headline"] == "天气预报"
    assert records[3]["hits"][0]["headline"] == "时空廉书寄初心 结对帮带续薪火"


def test_ask_for_people_prints_headline_place_and_passage(run):
    out = run("ask", "新仓镇的廉政第一课讲了什么").stdout
    lines = out.splitlines()
    assert lines[:2] == ["时空廉书寄初心 结对帮带续薪火", "第6版 评论"]
    assert "廉政第一课" in lines[2]


def test_ask_says_no_answer_and_offers_latest_headlines(run):
    out = run("ask", "杭州亚运会什么时候开幕").stdout
    assert out.startswith("抱歉，现有报道里没有找到能回答这个问题的内容。")
    assert "• 市委常委会召开扩大会议" in out


def test_chat_uses_the_bots_wording(run):
    out = run("chat", input="你好\n明天天气怎么样\n/latest\n/quit\n").stdout
    assert "您好！我是平湖新闻问答" in out
    assert "天气预报\n第6版 评论\n今天多云到晴。" in out
    assert "最新报道：\n• 市委常委会召开扩大会议" in out


def test_eval_prints_the_metrics_as_json(run):
    out = run("eval", str(ROOT / "tests" / "data" / "seed_qa.jsonl")).stdout
    metrics = json.loads(out.strip().splitlines()[-1])
    assert set(metrics) == {"R@1", "R@3", "R@5", "MRR@10", "answer@1", "headline@1", "refused", "answerable",
                            "no_answer_accuracy", "questions"}
    assert metrics["questions"] == 44 and metrics["answerable"] == 27
    assert metrics["R@3"] == 1.0 and metrics["no_answer_accuracy"] == 1.0
    assert (metrics["answer@1"], metrics["headline@1"], metrics["refused"]) == (1.0, 1.0, 0)


def test_eval_rejects_a_qa_line_without_question(run, tmp_path):
    qa = tmp_path / "qa.jsonl"
    qa.write_text('{"article": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(qa)], env={"NEWSBOT_DATA_DIR": str(ROOT / "data"),
                                                              "NEWSBOT_DB_PATH": str(tmp_path / "n.db")})
    assert result.exit_code != 0 and "needs a \"question\"" in result.output


def test_cli_ingest_reports_bad_files_by_name_and_decodes_the_gb18030_copy(data_dir, db_path, seed_text):
    (data_dir / "seed-gb18030.txt").write_bytes(seed_text.encode("gb18030"))
    (data_dir / "empty.txt").write_bytes(b"")
    (data_dir / "binary.txt").write_bytes(bytes(range(256)))
    result = CliRunner().invoke(main, ["ingest", str(data_dir), "--db", str(db_path)])
    assert result.exit_code == 0, result.output
    assert "files: 2 new, 0 changed, 0 unchanged, 0 removed, 2 failed" in result.output
    assert "failed: empty.txt: empty file" in result.output
    assert "failed: binary.txt: binary file (NUL bytes)" in result.output
    assert "articles: 14, paragraphs: 64" in result.output
    assert headlines(db_path, "seed-gb18030.txt") == SEED_HEADLINES
    assert list(db_path.parent.glob("news.db.index/*/manifest.json"))  # the index is built and kept too

    listing = CliRunner().invoke(main, ["articles", "--db", str(db_path)])
    assert listing.exit_code == 0
    assert "news      \t6\t-\t市委常委会召开扩大会议\t4" in listing.output.splitlines()


def test_cli_ingest_fails_when_the_database_cannot_be_opened(data_dir, tmp_path):
    (tmp_path / "a-folder.db").mkdir()
    result = CliRunner().invoke(main, ["ingest", str(data_dir), "--db", str(tmp_path / "a-folder.db")])
    assert result.exit_code != 0
    assert "cannot open database" in result.output


def test_cli_ingest_of_nothing_but_bad_files_reports_them_and_says_there_is_nothing_to_search(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    result = CliRunner().invoke(main, ["ingest", str(tmp_path), "--db", str(tmp_path / "n.db")])
    assert result.exit_code == 0 and "failed: empty.txt: empty file" in result.output
    assert "nothing to search" in result.output


def test_ask_answers_a_message_built_to_make_a_pattern_backtrack(data_dir, db_path):
    """As a resident would send it; the child's timeout only guards the run against a hang."""
    import subprocess
    import sys

    newsbot = Path(sys.executable).with_name("newsbot")
    env = {"NEWSBOT_DATA_DIR": str(data_dir), "NEWSBOT_DB_PATH": str(db_path), "PATH": "/usr/bin:/bin"}
    result = subprocess.run([str(newsbot), "ask", "--json", "谢谢你好" * 28 + "吗x"], env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.splitlines()[-1])["question"].endswith("吗x")


def test_ingest_and_articles_show_what_the_parser_was_unsure_of(data_dir, db_path):
    (data_dir / "photo.txt").write_text("昨天，市图书馆展出了画展。\n■摄影 王强\n", encoding="utf-8")
    env = {"NEWSBOT_DATA_DIR": str(data_dir), "NEWSBOT_DB_PATH": str(db_path)}
    ingested = CliRunner().invoke(main, ["ingest"], env=env)
    assert ingested.exit_code == 0, ingested.output
    assert "  check: photo.txt: (no headline): no headline" in ingested.output.splitlines()
    assert "  check: photo.txt: (no headline): only one short paragraph" in ingested.output.splitlines()
    listed = CliRunner().invoke(main, ["articles", "--warnings"], env=env)
    assert listed.output.splitlines() == ["news      \t-\t-\t\t1\tphoto.txt\tno headline; only one short paragraph"]


def test_ask_json_says_whether_the_passages_answer(run):
    questions = "平湖经开区和谁签了战略合作协议?\n战略合作协议签了多少年?\nA股今天涨了吗\n你好\n"
    out = run("ask", "--json", input=questions).stdout
    records = [json.loads(line) for line in out.strip().splitlines()]
    assert [r["status"] for r in records] == ["answered", "related", "none", "greeting"]
    assert [bool(r["hits"]) for r in records] == [True, True, False, False]
    assert records[1]["passages"][0]["headline"] == "地企携手聚力 资本产业深融"


def test_feedback_export_writes_the_votes_for_eval(run, db_path, tmp_path):
    from bot.feedback import Feedback
    from retrieval.models import Answer, Status

    feedback = Feedback(db_path)
    feedback.vote(7, Answer("顾亚萍是谁", Status.ANSWERED), up=False)
    feedback.close()
    out = run("feedback", "--export", str(tmp_path / "votes.jsonl")).stdout
    assert out.strip() == f"1 questions written to {tmp_path / 'votes.jsonl'}"
    assert json.loads((tmp_path / "votes.jsonl").read_text("utf-8"))["question"] == "顾亚萍是谁"


def test_ask_json_lists_the_days_paper_for_news_questions(run):
    record = json.loads(run("ask", "--json", "最近有什么新闻").stdout.strip().splitlines()[-1])
    assert record["status"] == "news" and record["edition"]["day"] is None  # the seed page has no date
    assert [h["headline"] for h in record["edition"]["headlines"]] == SEED_HEADLINES[:5]  # news and commentary
