"""The one settings object, read from the environment and a .env file."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class SettingsError(Exception):
    """A setting is missing or invalid; the message names the environment variable."""


class Settings(BaseSettings):
    """Configuration of the bot and the CLI. Field names are the environment variables, lower-cased."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    telegram_bot_token: SecretStr | None = None
    telegram_api_base_url: str | None = None
    newsbot_admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    newsbot_data_dir: Path = Path("data")
    newsbot_db_path: Path = Path("data/news.db")
    newsbot_rate_limit: int = Field(10, ge=1)  # questions per user per minute
    newsbot_max_upload_kb: int = Field(2048, ge=1)
    newsbot_log_level: str = "INFO"

    @field_validator("newsbot_admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [part.strip() for part in value.split(",") if part.strip()]
            for part in parts:
                if not part.lstrip("-").isdigit():
                    raise ValueError(f"{part!r} is not an integer user id")
            return frozenset(int(part) for part in parts)
        return value

    @field_validator("telegram_api_base_url", "telegram_bot_token", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @property
    def token(self) -> str | None:
        return self.telegram_bot_token.get_secret_value() if self.telegram_bot_token else None

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.newsbot_admin_ids


def load_settings(**overrides: object) -> Settings:
    """Settings from the environment and .env; raises SettingsError naming the bad variable."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as error:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in issue['loc']).upper()}: {issue['msg']}" for issue in error.errors())
        raise SettingsError(f"invalid setting {problems}") from error


def require_data_dir(settings: Settings) -> None:
    """The bot serves from the data dir: a missing one is a start-up error naming NEWSBOT_DATA_DIR."""
    if not settings.newsbot_data_dir.is_dir():
        raise SettingsError(f"NEWSBOT_DATA_DIR: {settings.newsbot_data_dir} is not a folder")
