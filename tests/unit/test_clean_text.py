"""Whatever arrives, what is kept can be stored in UTF-8 and in PostgreSQL."""

from hypothesis import given
from hypothesis import strategies as st

from bot.dialogue.model import Inbound, clean_text


@given(st.text(alphabet=st.characters(min_codepoint=0, max_codepoint=0x10FFFF)))
def test_cleaned_text_always_encodes_and_holds_no_nul_or_control_character(text):
    cleaned = clean_text(text)
    cleaned.encode("utf-8")
    assert "\x00" not in cleaned and all(c in "\t\n\r" or ord(c) >= 0x20 for c in cleaned if ord(c) < 0x80)
    assert clean_text(cleaned) == cleaned


def test_chinese_emoji_tabs_and_line_breaks_are_kept():
    assert clean_text("专利😀\t第1行\n第2行") == "专利😀\t第1行\n第2行"


def test_every_inbound_is_cleaned_whichever_channel_made_it():
    from datetime import datetime

    assert Inbound.say("宏达\ud800机械\x00", datetime(2026, 1, 1)).text == "宏达机械"
    assert Inbound.command("status", datetime(2026, 1, 1), "JZ\x00-1").args == "JZ-1"
