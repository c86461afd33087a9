"""Hostile input, timed beside ordinary input in the same process: messages and page files built to
make patterns backtrack or loops go quadratic, each with the ratio to its ordinary counterpart.

Usage::

    python -m benchmarks.hostile

Prints one JSON line per input: seconds, and the ratio to the reference (a resident's question for
messages, the bundled page for files). Each of these once took seconds to minutes (issue 15).
"""

from __future__ import annotations

import contextlib
import json
import tempfile
import time
from pathlib import Path

from retrieval.answering import answer
from retrieval.errors import BadInput
from retrieval.ingesting import read_file
from retrieval.library import Library
from retrieval.understanding import understand

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "data" / "000_e4a181130212ea15.txt"

MESSAGES = {
    "greetings run together, failing at the end (114 chars)": "谢谢你好" * 28 + "吗x",
    "10 kB of one character": "平" * 10_000,
    "10 kB of punctuation": "，。" * 5_000,
}
FILES = {
    "a body line with 2,000 spaces": "标题\n\n本报讯 正文" + " " * 2000 + "结束。\n",
    "a page header with 1,000 spaces": "第1" + " " * 1000 + "\n\n标题\n\n本报讯 正文。\n",
    "30 names between double full-width spaces": "标题\n\n"
    + "\u3000\u3000".join(f"记者{chr(0x4E00 + i)}某" for i in range(30)) + "x\n\n本报讯 正文。\n",
    "100,000 one-character lines": "标题\n\n" + "字\n" * 100_000,
    "a body, then 100,000 one-character lines": "标题\n\n本报讯 正文。\n\n" + "字\n\n" * 100_000,
    "40,000 unpunctuated lines": "\n".join(f"第{i}行没有标点的一句话" for i in range(40_000)),
    "JSON nested 5,000 deep (jsonl)": "[" * 5000 + "]" * 5000,
    "a 5,000-digit number (jsonl)": '{"headline": "x", "text": "y", "n": ' + "9" * 5000 + "}",
}


def seconds(call) -> float:
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        (Path(folder) / "data").mkdir()
        (Path(folder) / "data" / SEED.name).write_bytes(SEED.read_bytes())
        _, searcher = Library(Path(folder) / "data", Path(folder) / "news.db").open()
        reference = seconds(lambda: answer(searcher, understand("平湖经开区和谁签了战略合作协议?")))
        print(json.dumps({"reference": "a resident's question", "seconds": round(reference, 5)}, ensure_ascii=False))
        for label, message in MESSAGES.items():
            took = seconds(lambda message=message: answer(searcher, understand(message)))
            print(json.dumps({"message": label, "seconds": round(took, 5), "ratio": round(took / reference, 1)},
                             ensure_ascii=False))
    seed = SEED.read_bytes()
    reference = seconds(lambda: read_file(SEED.name, seed))
    print(json.dumps({"reference": "reading the bundled page (14 kB)", "seconds": round(reference, 5)},
                     ensure_ascii=False))
    for label, text in FILES.items():
        name = "x.jsonl" if "jsonl" in label else "x.txt"
        data = text.encode()

        def read(name: str = name, data: bytes = data) -> None:
            with contextlib.suppress(BadInput):  # a file with no article is refused: that is a result too
                read_file(name, data)

        took = seconds(read)
        print(json.dumps({"file": label, "bytes": len(data), "seconds": round(took, 5),
                          "ratio": round(took / reference, 1)}, ensure_ascii=False))


if __name__ == "__main__":
    main()
