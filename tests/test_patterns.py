"""No regular expression that sees user or file text takes more than linear time.

Every pattern is a module-level constant (checked below), so this finds them all: each is timed on
adversarial strings of growing length (runs of spaces, names between double spaces, repeated
greetings, digits, …) in a child process, and fails when time grows faster than linearly (a
ratio between sizes, not an absolute time) or when the child hangs.
"""

from __future__ import annotations

import ast
import itertools
import json
import subprocess
import sys

import pytest

from .conftest import ROOT

PACKAGES = ("retrieval", "bot")
# Repeated to make the adversaries: what page dumps and messages hold in runs.
UNITS = [" ", "\u3000", " \u3000", "  ", "\t", "第1 ", "张三\u3000\u3000", "张三  ", "记者 张三 ", "记者 ", "1",
         "12-", "平", "。", "，", "、", "A ", "AB", "\n", "\n ", "(", "（ ", "■", "■ ", "谢谢你好", "谢谢你", "今天",
         ":", "：", "—", "·", "a", "下转", "第", "摄", " 摄", "版", "/", "文/", "本报", "讯", "”", "…",
         "一", "万", "1万", "多少", "几号", "12月", "9", "年"]
PREFIXES = ["", "第1", "■", "记者 ", "今天", "栏目统筹:"]
SUFFIXES = ["x!", ":。", " 吗x"]  # what makes a match fail at the very end, after all the work
SIZES = (64, 256, 1024, 4096)
# Four times the text may take this many times as long (linear: 4; quadratic: 16).
MAX_RATIO = 8.0
NOISE_FLOOR = 200e-6  # seconds: ratios between times smaller than this are clock noise

CHILD = r"""
import importlib, json, pkgutil, re, sys, time

packages, units, prefixes, suffixes, sizes = json.loads(sys.argv[1])
patterns = {}
for package in packages:
    for info in pkgutil.iter_modules(importlib.import_module(package).__path__):
        module = importlib.import_module(f"{package}.{info.name}")
        for name, value in vars(module).items():
            # Patterns held in a module-level table (a dict of kinds, a tuple of pairs) count too.
            found = [(name, value)]
            while found:
                label, item = found.pop()
                if isinstance(item, dict):
                    found += [(f"{label}[{key!r}]", inner) for key, inner in item.items()]
                elif isinstance(item, tuple | list) and label.count("[") < 3:
                    found += [(f"{label}[{i}]", inner) for i, inner in enumerate(item)]
                elif isinstance(item, re.Pattern) and item not in patterns.values():
                    patterns[f"{module.__name__}.{label}"] = item

def timed(call):
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        call()
        best = min(best, time.perf_counter() - started)
    return best

print(json.dumps({"patterns": sorted(patterns)}), flush=True)
for name, pattern in sorted(patterns.items()):
    for unit in units:
        for prefix in prefixes:
            for suffix in suffixes:
                times = []
                for size in sizes:
                    text = prefix + unit * (size // len(unit)) + suffix
                    print(json.dumps({"start": [name, prefix, unit, suffix, size]}), flush=True)
                    times.append(timed(lambda: (pattern.search(text), list(pattern.finditer(text)))))
                    if times[-1] > 0.2:
                        break
                print(json.dumps({"pattern": name, "text": [prefix, unit, suffix], "times": times}), flush=True)
"""


def test_every_pattern_is_a_module_level_constant():
    """A pattern written inline in a function would escape the timing below."""
    calls = ("compile", "match", "search", "fullmatch", "sub", "subn", "split", "findall", "finditer")
    for package in PACKAGES:
        for path in sorted((ROOT / package).glob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)):
                for node in ast.walk(function):
                    if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                            and isinstance(node.func.value, ast.Name) and node.func.value.id == "re"
                            and node.func.attr in calls and node.args and isinstance(node.args[0], ast.Constant)):
                        pytest.fail(f"{path.name}:{node.lineno}: a pattern inside {function.name}(); "
                                    "make it a module-level constant")


@pytest.mark.slow
def test_no_pattern_takes_more_than_linear_time_on_adversarial_text():
    arguments = json.dumps([PACKAGES, UNITS, PREFIXES, SUFFIXES, SIZES])
    try:
        result = subprocess.run([sys.executable, "-c", CHILD, arguments], capture_output=True, text=True,
                                timeout=240, cwd=ROOT)
        output = result.stdout
    except subprocess.TimeoutExpired as timeout:
        output = timeout.stdout.decode() if isinstance(timeout.stdout, bytes) else (timeout.stdout or "")
        last = [line for line in output.splitlines() if line.startswith('{"start"')][-1]
        pytest.fail(f"a pattern hung: {last}")
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in output.splitlines()]
    assert len(lines[0]["patterns"]) >= 15  # the discovery found the parser's patterns
    slow = []
    for line in lines[1:]:
        if "times" not in line:
            continue
        times = line["times"]
        ratios = [later / earlier for earlier, later in itertools.pairwise(times) if earlier > NOISE_FLOOR]
        if len(times) < len(SIZES) or any(ratio > MAX_RATIO for ratio in ratios):
            prefix, unit, suffix = line["text"]
            slow.append(f"{line['pattern']} on {prefix!r} + {unit!r}×n + {suffix!r}: "
                        + ", ".join(f"{t * 1000:.2f} ms" for t in times))
    assert slow == [], "superlinear patterns:\n" + "\n".join(slow)
