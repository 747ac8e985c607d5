"""The card's lines about linked leads (bot/casework/linked.py): findings naming the earlier leads."""

from __future__ import annotations

from datetime import datetime

from bot.casework.cards import priority_text
from bot.casework.linked import SHOWN, link_lines
from bot.dialogue.texts import load_texts
from bot.leads.links import CardLinks, Group, Linked
from bot.leads.models import LeadRow

TEXTS = load_texts()
AT = datetime(2026, 11, 20)


def linked(n: int, respondent: str | None = "宏达机械", status: str = "new", **more) -> Linked:
    values = dict(patents=(), same_respondent=True) | more
    return Linked(f"JZ-AAAA-{n:04d}", status, respondent, AT, **values)


def test_a_linked_lead_is_named_with_its_status_and_what_it_shares():
    lines = link_lines(TEXTS, CardLinks(linked=(linked(1, status="accepted", patents=("201810234567.3",)),)))
    assert lines == [
        "与 <code>JZ-AAAA-0001</code>（已受理） 涉及同一专利 201810234567.3、同一被投诉方 宏达机械"
    ]


def test_a_citizen_written_name_is_escaped_and_cut():
    lines = link_lines(TEXTS, CardLinks(linked=(linked(1, respondent="<b>宏达</b>" + "机" * 40),)))
    assert "&lt;b&gt;宏达&lt;/b&gt;" in lines[0] and "<b>" not in lines[0]
    assert lines[0].endswith("…")


def test_more_links_than_shown_are_counted():
    lines = link_lines(TEXTS, CardLinks(linked=tuple(linked(n) for n in range(8))))
    assert len(lines) == SHOWN + 1
    assert lines[-1] == f"……等 8 条关联线索（以上为最近 {SHOWN} 条）"


def test_a_group_names_its_leads_and_their_respondents():
    members = (linked(1, "昌盛农机"), linked(2, "永兴五金", status="filed"))
    group = Group("201810234567.3", 3, 12, members)
    (line,) = link_lines(TEXTS, CardLinks(groups=(group,)))
    assert line == (
        "疑似群体侵权：专利 201810234567.3 在 12 天内涉及 3 个不同被投诉方，见本线索及 "
        "<code>JZ-AAAA-0001</code>（待受理，昌盛农机）、<code>JZ-AAAA-0002</code>（已立案，永兴五金）"
    )


def test_the_same_complainants_earlier_leads_are_a_duplicate_line_not_a_link():
    dupes = tuple(linked(n) for n in range(7))
    (line,) = link_lines(TEXTS, CardLinks(duplicates=dupes))
    assert line.startswith("同一投诉人此前就同一被投诉方提交过 <code>JZ-AAAA-0000</code>（待受理）")
    assert line.endswith(" 等 7 条") and "涉及" not in line


def test_no_links_no_lines():
    assert link_lines(TEXTS, CardLinks()) == []


def test_reasons_stored_before_links_read_as_links_not_as_a_verdict():
    lead = LeadRow(
        priority_reasons=["repeat_respondent", "repeat_patent:201810234567.3", "group:201810234567.3"]
    )
    text = priority_text(TEXTS, lead)
    assert "重复侵权" not in text
    reasons = "被投诉方见于以往线索；专利 201810234567.3 见于以往线索；疑似群体侵权（专利 201810234567.3）"
    assert text == f"优先（{reasons}）"
