"""Answers that need no form: FAQ, patent status requests, progress of one's own case, a person."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.dialogue.model import Button, Effect, LookupPatents, OpenRelay, Reply, ShowStatus
from bot.dialogue.texts import Texts
from intents.labels import Intent
from intents.understanding import Understanding
from knowledge.faq import FaqEntry, FaqIndex

_QUESTION = re.compile(
    r"[?？]|吗|么|什么|怎么|怎样|如何|多少|多久|几年|哪里|哪个|能否|是否|可不可以|能不能|有没有|请问|"
    r"\b(?:how|what|when|where|why|which|can|could|is|are|do|does|should)\b",
    re.IGNORECASE,
)
SIDE_INTENTS = frozenset({Intent.LEGAL_FAQ, Intent.PATENT_STATUS, Intent.CASE_STATUS})


@dataclass(frozen=True)
class Answer:
    replies: tuple[Reply, ...] = ()
    effects: tuple[Effect, ...] = ()


def looks_like_question(text: str) -> bool:
    return bool(_QUESTION.search(text))


class Answers:
    def __init__(self, faq: FaqIndex, texts: Texts) -> None:
        self.faq = faq
        self.texts = texts

    def entry(self, entry: FaqEntry, language: str) -> Reply:
        basis = self.texts.get("faq.basis", language) + entry.citations(language)
        text = f"{entry.answer_in(language)}\n\n{basis}"
        return Reply(text)

    def search(self, text: str, language: str) -> Answer:
        result = self.faq.search(text)
        if result.best is not None:
            return Answer((self.entry(result.best, language),))
        if not result.hits:
            return Answer((Reply(self.texts.get("faq.none", language)),))
        buttons = tuple((Button(h.entry.question_in(language), f"faq:{h.entry.id}"),) for h in result.hits)
        return Answer((Reply(self.texts.get("faq.did_you_mean", language), buttons),))

    def for_intent(self, u: Understanding, language: str) -> Answer | None:
        """The answer to a question-like message, or None when it is not one we answer here."""
        if u.intent is Intent.PATENT_STATUS:
            numbers = tuple(p.normalized for p in u.entities.patent_numbers)
            if numbers:
                return Answer(effects=(LookupPatents(numbers, language),))
            return Answer((Reply(self.texts.get("patent.ask_number", language)),))
        if u.intent is Intent.CASE_STATUS:
            tracking = u.entities.tracking_numbers[0] if u.entities.tracking_numbers else None
            return Answer(effects=(ShowStatus(language, tracking),))
        if u.intent is Intent.LEGAL_FAQ:
            return self.search(u.text, language)
        if u.intent is Intent.HUMAN_AGENT:
            return Answer(effects=(OpenRelay(language),))
        return None

    def aside(self, u: Understanding | None, text: str, answering_patents: bool) -> bool:
        """Whether a message typed in the middle of a form is a question to answer, not an answer."""
        if u is None or u.weak:
            return False
        if u.intent is Intent.HUMAN_AGENT:
            return True
        if u.intent is Intent.PATENT_STATUS and u.entities.patent_numbers and not answering_patents:
            return True
        if u.intent not in SIDE_INTENTS or not looks_like_question(text):
            return False
        return not (answering_patents and u.entities.patent_numbers and u.intent is Intent.PATENT_STATUS)
