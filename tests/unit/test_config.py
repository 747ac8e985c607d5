from pathlib import Path

import pytest

from bot.config import COUNTY_CODES, ConfigError, parse_config

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "config.toml").read_text(encoding="utf-8")


def test_the_shipped_config_lists_the_eleven_counties_and_the_city_bureau():
    config = parse_config(TEXT)
    assert sorted(q.code for q in config.counties) == sorted(COUNTY_CODES)
    assert config.city.code == "140700"
    assert all(q.chat_id == 0 and q.staff_ids == () for q in config.counties)


def test_an_unknown_key_stops_the_program_and_names_the_key():
    with pytest.raises(ConfigError, match=r"faq\.answer_treshold: unknown key"):
        parse_config(TEXT.replace("answer_threshold", "answer_treshold"))


def test_a_wrong_type_names_the_key_and_the_value():
    with pytest.raises(ConfigError, match=r"counties\[0\]\.chat_id: expected int"):
        parse_config(TEXT.replace("chat_id = 0", 'chat_id = "-100123"', 2).replace(
            'chat_id = "-100123"', "chat_id = 0", 1))


def test_a_missing_value_names_the_key():
    with pytest.raises(ConfigError, match=r"database\.url: missing"):
        parse_config(TEXT.replace('url = "sqlite+aiosqlite:///var/hotline.db"', ""))


def test_a_bot_token_in_the_file_is_refused_as_an_unknown_key():
    with pytest.raises(ConfigError, match=r"telegram\.token: unknown key"):
        parse_config(TEXT.replace('[telegram]\n', '[telegram]\ntoken = "123:abc"\n'))


def test_a_county_listed_twice_is_refused():
    doubled = TEXT.replace('code = "140781"', 'code = "140702"')
    with pytest.raises(ConfigError, match="counties"):
        parse_config(doubled)


def test_booleans_are_not_accepted_as_numbers():
    with pytest.raises(ConfigError, match=r"faq\.answer_margin: expected float"):
        parse_config(TEXT.replace("answer_margin = 0.04", "answer_margin = true"))


def test_relative_paths_are_relative_to_the_config_file(tmp_path):
    config = parse_config(TEXT, tmp_path)
    assert config.path(config.nlu.cache_dir) == tmp_path / ".cache/jieba"


def test_the_bot_token_comes_only_from_the_environment(monkeypatch):
    config = parse_config(TEXT)
    monkeypatch.delenv("HOTLINE_BOT_TOKEN", raising=False)
    assert config.bot_token() is None
    monkeypatch.setenv("HOTLINE_BOT_TOKEN", "123:abc")
    assert config.bot_token() == "123:abc"
