"""A typed reply while a form field is asked: an answer, a correction, an aside, a skip, "I don't
know", or something to re-ask. What is asked decides what counts as its answer: a question or a
story is not a name, and a correction is never stored as the answer to the question open."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.dialogue import checks, corrections, form
from bot.dialogue.answers import SIDE_INTENTS, looks_like_question
from bot.dialogue.buttons import press, skip
from bot.dialogue.correcting import correct
from bot.dialogue.fields import Field, Said
from bot.dialogue.flows import field_of
from bot.dialogue.model import Conversation, Draft, Outcome, Reply
from bot.dialogue.steps import Steps

_SKIP = re.compile(
    r"^(?:跳过|(?:暂时|目前|还)?(?:没有|没|无|暂无)(?:了|证据|文件|照片|专利号|号码)?|不用了?|算了|不需要|"
    r"skip|none|no|nope|n/?a|done|完成|好了|发完了?)[。.!！]?$",
    re.IGNORECASE,
)
_CANCEL_SHORT = 12
_NOT_CHECKED = ("description", "claim")
"""Fields whose answer is the person's own account: a question or a story in it is the answer."""


def fill(d: Steps, conv: Conversation, said: Said) -> Outcome:
    draft = conv.draft
    assert draft is not None and draft.pending is not None
    fd = field_of(draft.flow, draft.pending)
    if fd is None:
        return d.advance(conv, draft)
    typed = d.typed_button(conv, said.text)
    if typed:
        return press(d, conv, typed)
    u, text = said.understanding, said.text.strip()
    correction = corrections.read(text)
    if correction is not None:
        corrected = correct(d, conv, said, correction)
        if corrected is not None:
            return corrected
    anonymous = _turns_anonymous(draft, fd, said)
    if anonymous is not None:
        return d.advance(conv, anonymous)
    if fd.unknown and checks.is_unknown(text) and fd.extract(said) is None:
        return _unknown(d, conv, form.absorb(draft, said, skip=fd.name), fd, text)
    if checks.means_cancel(u) and len(text) <= _CANCEL_SHORT:
        return d.confirm_cancel(conv)
    if u is not None and d.answers.aside(u, said.text, fd.name in ("patents", "claim")):
        answer = d.answers.for_intent(u, conv.language)
        if answer is not None:
            return Outcome(conv, (*answer.replies, *d.prompt(conv)), answer.effects)
    if _SKIP.match(text):
        if fd.files:
            return press(d, conv, "done:evidence")
        if form.skippable(fd):
            return skip(d, conv, fd.name) or d.advance(conv, draft)
    if fd.files:
        return Outcome(conv, (Reply(d.t(conv, "file.please")), *d.prompt(conv)))
    if checks.is_thanks(text) or ((fd.short or fd.choices) and checks.is_agreement(text)):
        return Outcome(conv, (Reply(d.t(conv, "polite.ack")), *d.prompt(conv)))
    recognised = fd.extract(said) is not None
    if not recognised and fd.name not in _NOT_CHECKED and checks.is_question(text):
        return _question(d, conv, fd, said)
    value = fd.answer(said)
    if value is None and fd.choices:
        value = form.typed_choice(d.texts, fd, text)
    absorbed = form.absorb(draft, said, skip=fd.name)
    answered_another = absorbed.fields.keys() != draft.fields.keys()
    draft = absorbed
    if fd.short and not recognised and checks.is_story(text):
        return _story(d, conv, draft, fd, text)
    if value is None:
        if fd.choices and not answered_another:  # 电话139…, typed at a choice, is kept as the phone
            draft = form.note(draft, form.field_label(d.texts, draft.flow, fd.name, conv.language), text)
        conv = replace(conv, draft=draft)
        return Outcome(conv, (Reply(_not_understood(d, conv, fd)), *d.prompt(conv)))
    if fd.name == "patents":
        value, draft = _confirm_doubted(value, draft)
    error = fd.validate(value)
    if error is not None:
        conv = replace(conv, draft=draft)
        return Outcome(conv, (Reply(d.t(conv, error)), *d.prompt(conv)))
    return d.advance(conv, draft.with_field(fd.name, value))


def _turns_anonymous(draft: Draft, fd: Field, said: Said) -> Draft | None:
    """那还是匿名吧, typed where the name or phone is asked: the report becomes anonymous (where the
    flow allows it) and what was given of the contact is dropped, rather than stored as a name."""
    contact = field_of(draft.flow, "contact")
    if fd.name not in ("name", "phone") or contact is None or contact.extract(said) != "anonymous":
        return None
    fields = {k: v for k, v in draft.fields.items() if k not in ("name", "phone")}
    return replace(draft, fields={**fields, "contact": "anonymous"})


def _question(d: Steps, conv: Conversation, fd: Field, said: Said) -> Outcome:
    """A question typed where an answer was expected: a legal one is looked up in the FAQ; one
    about the question itself, or one the FAQ is not for, gets the question said more precisely.
    The question is asked again after it."""
    text, u = said.text.strip(), said.understanding
    legal = u is not None and u.intent in SIDE_INTENTS
    if checks.is_about_the_question(text) or not (legal or looks_like_question(text)):
        return Outcome(conv, (Reply(hint(d, conv, fd)), *d.prompt(conv)))
    answer = d.answers.search(text, conv.language)
    return Outcome(conv, (*answer.replies, *d.prompt(conv)))


def _story(d: Steps, conv: Conversation, draft: Draft, fd: Field, text: str) -> Outcome:
    """A whole story typed for a name: kept for the staff, and the question asked more precisely."""
    draft = form.note(draft, "", text)
    conv = replace(conv, draft=draft)
    kept = Reply(f"{d.t(conv, 'story.kept')}\n{hint(d, conv, fd)}")
    return Outcome(conv, (kept, *d.prompt(conv)))


def _unknown(d: Steps, conv: Conversation, draft: Draft, fd: Field, text: str) -> Outcome:
    """ "I don't know" where the field allows it: the field stays open (skip value or unknown
    choice), the words are kept, and the form goes on."""
    label = form.field_label(d.texts, draft.flow, fd.name, conv.language)
    draft = form.note(draft, label, text)
    if fd.skip_value is not None:
        draft = draft.with_field(fd.name, fd.skip_value)
    elif "unknown" in fd.choices:
        draft = draft.with_field(fd.name, "unknown")
    else:
        draft = replace(draft, skipped=(*draft.skipped, fd.name))
    out = d.advance(conv, draft)
    return replace(out, replies=(Reply(d.t(conv, "unknown.kept", label=label)), *out.replies))


def _confirm_doubted(value: Any, draft: Draft) -> tuple[Any, Draft]:
    """A number refused for its check digit and sent again as it was is the person's answer: it is
    kept with `confirmed`, and the card shows staff its check digit is wrong."""
    doubted = {p["normalized"] for p in draft.fields.get(form.DOUBTED) or []}
    wrong = [p for p in value if p.get("valid") is False]
    if wrong and all(p["normalized"] in doubted for p in wrong):
        return [{**p, "confirmed": True} if p.get("valid") is False else p for p in value], draft
    if wrong:
        draft = draft.with_field(form.DOUBTED, wrong)
    return value, draft


def hint(d: Steps, conv: Conversation, fd: Field) -> str:
    """What the question wants, said more precisely than the question itself."""
    return d.t(conv, f"hint.{fd.name}") if d.texts.has(f"hint.{fd.name}") else d.t(conv, "hint.field")


def _not_understood(d: Steps, conv: Conversation, fd: Field) -> str:
    if fd.name in ("patents", "county"):
        return d.t(conv, f"error.{fd.name}")
    return d.t(conv, "typed.kept") if fd.choices else hint(d, conv, fd)
