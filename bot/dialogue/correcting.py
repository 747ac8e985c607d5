"""Applying a correction at any point of a form: the field it names changes, the bot says what it
changed, and the question that was open is asked again (or the summary shown again)."""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue import checks, form, names
from bot.dialogue.corrections import Correction
from bot.dialogue.fields import Field, Said
from bot.dialogue.flows import applicable, field_of
from bot.dialogue.model import Conversation, Draft, Outcome, Reply
from bot.dialogue.states import State
from bot.dialogue.steps import Steps

SHORT_VALUE = 20
"""A correction naming no field may mean the answer just given only when it is this short."""


def correct(d: Steps, conv: Conversation, said: Said, c: Correction) -> Outcome | None:
    """The outcome of a correction, or None when the message is not one after all (it names a
    field this form does not have, or nothing a field could hold): then it is read as an answer."""
    draft = conv.draft
    assert draft is not None
    value_said = Said(c.value_text, d.understand(c.value_text) if d.understand else said.understanding)
    target = _target(draft, c, value_said)
    if not c.says_wrong and target == draft.pending:
        return None
    if target is None:
        if c.value_text or c.field is not None:
            return None
        if conv.state is State.FILLING:
            return Outcome(conv, (Reply(d.t(conv, "correction.which")), *d.prompt(conv)))
        conv = replace(conv, state=State.CHOOSING_EDIT)
        return Outcome(conv, (Reply(d.t(conv, "correction.which")), *d.prompt(conv)))
    fd = field_of(draft.flow, target)
    assert fd is not None
    label = form.field_label(d.texts, draft.flow, fd.name, conv.language)
    value = _value(d, fd, value_said)
    if value is None:
        return _ask_again(d, conv, draft, fd, label)
    had = fd.name in draft.fields
    draft = replace(draft.with_field(fd.name, value), skipped=tuple(s for s in draft.skipped if s != fd.name))
    shown = form.show_value(d.texts, draft.flow, fd.name, value, conv.language)
    done = Reply(d.t(conv, "correction.done" if had else "correction.added", label=label, value=shown))
    if conv.state is State.FILLING and draft.pending != fd.name:
        conv = replace(conv, draft=draft)
        return Outcome(conv, (done, *d.prompt(conv)))
    editing = conv.state is not State.FILLING or draft.editing
    out = d.advance(conv, replace(draft, editing=editing))
    return replace(out, replies=(done, *out.replies))


def _target(draft: Draft, c: Correction, value: Said) -> str | None:
    asked = [fd.name for fd in applicable(draft.flow, draft.fields, draft.channels) if fd.ask]
    field = c.field
    if field == "respondent":
        company = names.organisation(value.text)
        if company is None and "name" in asked and draft.pending == "name":
            field = "name"
        elif "respondent" not in asked and "organisation" in asked:
            field = "organisation"
    if field is None:
        field = _from_value(value, asked)
    if field is None and c.says_wrong and c.leading and 0 < len(c.value_text) <= SHORT_VALUE:
        field = _just_answered(draft, asked)
    return field if field in asked else None


def _from_value(value: Said, asked: list[str]) -> str | None:
    """The field a corrected value can only belong to: a phone, a patent number, a place, a firm."""
    u = value.understanding
    if u is not None and u.entities.phones and checks.looks_like_phone(value.text):
        return "phone"
    if u is not None and u.entities.patent_numbers:
        return "patents" if "patents" in asked else "claim"
    if (
        u is not None
        and (u.place.county_code or u.place.out_of_area)
        and len(value.text) <= SHORT_VALUE
    ):
        return "county"
    if names.organisation(value.text):
        return "respondent" if "respondent" in asked else "organisation"
    return None


def _just_answered(draft: Draft, asked: list[str]) -> str | None:
    """The field answered last, as far as the form can tell: the one filled just before the
    question now open (or the last filled, at the summary)."""
    before = asked[: asked.index(draft.pending)] if draft.pending in asked else asked
    filled = [name for name in before if name in draft.fields and name != "evidence"]
    return filled[-1] if filled else None


def _value(d: Steps, fd: Field, said: Said) -> object | None:
    if fd.files:
        return None
    value = fd.answer(said)
    if value is None and fd.choices:
        value = form.typed_choice(d.texts, fd, said.text)
    if value is None or fd.validate(value) is not None:
        return None
    if fd.short and (checks.is_question(said.text) or checks.is_story(said.text)):
        return None
    return value


def _ask_again(d: Steps, conv: Conversation, draft: Draft, fd: Field, label: str) -> Outcome:
    """The field named, its new value unreadable: the field is asked, then the form goes on."""
    fields = {k: v for k, v in draft.fields.items() if k != fd.name}
    editing = conv.state is not State.FILLING or draft.editing
    draft = replace(draft, fields=fields, pending=fd.name, editing=editing)
    conv = replace(conv, state=State.FILLING, draft=draft)
    return Outcome(conv, (Reply(d.t(conv, "correction.again", label=label)), *d.prompt(conv)))
