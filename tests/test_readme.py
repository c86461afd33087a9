"""The README's two commands stay true: CI runs its test command, and its quick start answers."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from .conftest import ROOT, SEED

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```sh\n(.*?)\n```", README, re.S)


def test_ci_runs_the_readme_test_command():
    test_command = BLOCKS[1]
    assert "pytest" in test_command
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_quick_start_answers_from_the_bundled_page_on_a_fresh_checkout(tmp_path: Path):
    install_and_ask = BLOCKS[0]
    ask = shlex.split(install_and_ask.split("&&")[-1])
    assert ask[:2] == ["newsbot", "ask"]
    (tmp_path / "data").mkdir()
    shutil.copy(SEED, tmp_path / "data" / SEED.name)
    newsbot = Path(sys.executable).with_name("newsbot")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "TELEGRAM_"))}
    result = subprocess.run([str(newsbot), *ask[1:]], cwd=tmp_path, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    shown = re.search(r"answers:\n\n```\n(.*?)\n```", README, re.S).group(1).splitlines()
    assert result.stdout.splitlines()[:2] == shown[:2]
    assert result.stdout.splitlines()[2].startswith(shown[2].rstrip("…"))
    assert "ingesting data first" in result.stderr
    assert (tmp_path / "data" / "news.db").exists()
