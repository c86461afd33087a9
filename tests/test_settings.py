"""Settings from the environment and .env; bad ones fail at start naming the variable."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.settings import SettingsError, load_settings

CLEAN = {"TELEGRAM_BOT_TOKEN": "", "TELEGRAM_API_BASE_URL": "", "NEWSBOT_ADMIN_IDS": ""}


def test_settings_read_environment_and_env_file(tmp_path: Path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / ".env").write_text("TELEGRAM_BOT_TOKEN=1:abc\nNEWSBOT_ADMIN_IDS=7, 8\nNEWSBOT_RATE_LIMIT=3\n")
    monkeypatch.setenv("NEWSBOT_DATA_DIR", "pages")
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    settings = load_settings()
    assert (settings.token, settings.newsbot_admin_ids, settings.newsbot_rate_limit) == ("1:abc", {7, 8}, 3)
    assert settings.newsbot_data_dir == Path("pages") and settings.is_admin(7) and not settings.is_admin(None)
    assert "1:abc" not in repr(settings)


def test_non_integer_admin_id_names_the_setting(monkeypatch):
    monkeypatch.setenv("NEWSBOT_ADMIN_IDS", "12,alice")
    with pytest.raises(SettingsError, match=r"NEWSBOT_ADMIN_IDS: .*'alice' is not an integer user id"):
        load_settings(_env_file=None)


def test_run_without_token_points_to_env_and_chat(tmp_path: Path):
    result = CliRunner().invoke(main, ["run"], env=CLEAN | {"NEWSBOT_DATA_DIR": str(tmp_path)})
    assert result.exit_code != 0
    assert "TELEGRAM_BOT_TOKEN is not set" in result.output and ".env" in result.output
    assert "newsbot chat" in result.output


def test_run_with_missing_data_dir_names_the_setting(tmp_path: Path):
    env = CLEAN | {"TELEGRAM_BOT_TOKEN": "1:abc", "NEWSBOT_DATA_DIR": str(tmp_path / "nowhere")}
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code != 0 and "NEWSBOT_DATA_DIR" in result.output


def test_run_with_bad_admin_ids_fails_naming_the_setting(tmp_path: Path):
    env = CLEAN | {"TELEGRAM_BOT_TOKEN": "1:abc", "NEWSBOT_ADMIN_IDS": "x"}
    result = CliRunner().invoke(main, ["run"], env=env)
    assert result.exit_code != 0 and "NEWSBOT_ADMIN_IDS" in result.output


def test_env_example_lists_every_setting():
    from bot.settings import Settings

    example = (Path(__file__).resolve().parent.parent / ".env.example").read_text(encoding="utf-8")
    for name in Settings.model_fields:
        assert f"\n{name.upper()}=" in example, name
