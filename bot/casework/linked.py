"""The card's lines naming the earlier leads a lead is linked to (bot/leads/links.py): findings
staff can check, each with the earlier lead's tracking number and status, never a verdict."""

from __future__ import annotations

from html import escape

from bot.dialogue.texts import Texts
from bot.leads.links import CardLinks, Linked

SHOWN = 5
"""Linked leads named per kind; the rest are counted (a card stays within Telegram's 4096)."""
NAME_LIMIT = 30
"""Characters of an earlier lead's respondent shown."""


def _name(text: str | None) -> str:
    text = text or ""
    return escape(text if len(text) <= NAME_LIMIT else text[:NAME_LIMIT] + "…")


def _lead(texts: Texts, link: Linked, detail: str = "") -> str:
    status = texts.get(f"status.{link.status}")
    return f"<code>{link.tracking}</code>（{escape(status)}{detail}）"


def _leads(texts: Texts, links: tuple[Linked, ...], named: bool = False) -> str:
    """ "JZ-…（待受理）、JZ-…（已结案） 等 7 条", each with its respondent when `named`."""
    shown = "、".join(_lead(texts, k, f"，{_name(k.respondent)}" if named else "") for k in links[:SHOWN])
    return shown + (escape(texts.get("card.link.etc", count=len(links))) if len(links) > SHOWN else "")


def link_lines(texts: Texts, links: CardLinks) -> list[str]:
    """HTML lines (our templates hold no markup; every value is escaped): groups first, then each
    linked lead, then the complainant's own earlier leads against the same respondent."""
    t, lines = texts.get, []
    for g in links.groups:
        leads = _leads(texts, g.members, named=True)
        lines.append(t("card.group", days=g.days, count=g.respondents, number=escape(g.number), leads=leads))
    for link in links.linked[:SHOWN]:
        what = []
        if link.patents:
            what.append(t("card.link.patent", numbers=escape("、".join(link.patents))))
        if link.same_respondent:
            what.append(t("card.link.respondent", name=_name(link.respondent)))
        lines.append(t("card.link", lead=_lead(texts, link), what="、".join(what)))
    if len(links.linked) > SHOWN:
        lines.append(t("card.link.more", count=len(links.linked), shown=SHOWN))
    if links.duplicates:
        lines.append(t("card.duplicate", leads=_leads(texts, links.duplicates)))
    return lines
