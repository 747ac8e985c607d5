"""A typed reply while a form field is asked: an answer, an aside, a skip, or something to re-ask."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from bot.dialogue import form
from bot.dialogue.buttons import press, skip
from bot.dialogue.fields import Field, Said
from bot.dialogue.flows import field_of
from bot.dialogue.model import Conversation, Outcome, Reply
from bot.dialogue.steps import Steps
from intents.labels import Intent

_SKIP = re.compile(
    r"^(?:跳过|(?:暂时|目前|还)?(?:没有|没|无|暂无)(?:了|证据|文件|照片|专利号|号码)?|不用了?|算了|不需要|"
    r"skip|none|no|nope|n/?a|done|完成|好了|发完了?)[。.!！]?$",
    re.IGNORECASE,
)
_CANCEL_SHORT = 12


def fill(d: Steps, conv: Conversation, said: Said) -> Outcome:
    draft = conv.draft
    assert draft is not None and draft.pending is not None
    fd = field_of(draft.flow, draft.pending)
    if fd is None:
        return d.advance(conv, draft)
    typed = d.typed_button(conv, said.text)
    if typed:
        return press(d, conv, typed)
    u = said.understanding
    if u is not None and u.intent is Intent.CANCEL and not u.weak and len(said.text) <= _CANCEL_SHORT:
        return d.confirm_cancel(conv)
    if u is not None and d.answers.aside(u, said.text, fd.name == "patents"):
        answer = d.answers.for_intent(u, conv.language)
        if answer is not None:
            return Outcome(conv, (*answer.replies, *d.prompt(conv)), answer.effects)
    if _SKIP.match(said.text.strip()):
        if fd.files:
            return press(d, conv, "done:evidence")
        if form.skippable(fd):
            return skip(d, conv, fd.name) or d.advance(conv, draft)
    if fd.files:
        return Outcome(conv, (Reply(d.t(conv, "file.please")), *d.prompt(conv)))
    value = fd.answer(said)
    if value is None and fd.choices:
        value = _typed_choice(d, fd, said.text)
    draft = form.absorb(draft, said, skip=fd.name)
    conv = replace(conv, draft=draft)
    if value is None:
        return Outcome(conv, (Reply(d.t(conv, _not_understood(fd))), *d.prompt(conv)))
    error = fd.validate(value)
    if error is not None:
        return Outcome(conv, (Reply(d.t(conv, error)), *d.prompt(conv)))
    return d.advance(conv, draft.with_field(fd.name, value))


def _typed_choice(d: Steps, fd: Field, text: str) -> Any:
    typed = text.strip().strip("。.!！").lower()
    if not typed:
        return None
    for value in fd.choices:
        for label in d.texts.every(f"choice.{fd.name}.{value}"):
            label = label.lower()
            if typed == label or (len(typed) >= 2 and (typed in label or label in typed)):
                return value
    return None


def _not_understood(fd: Field) -> str:
    return f"error.{fd.name}" if fd.name in ("patents", "county") else "error.choose"
