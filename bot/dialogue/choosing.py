"""A typed reply while the flow buttons are shown: a flow named (in words or by a part of its
label) is chosen; a question is answered; anything else is kept in every offered draft and the
choice asked again, so that nothing the person wrote is lost."""

from __future__ import annotations

from dataclasses import replace

from bot.dialogue import form
from bot.dialogue.fields import Said
from bot.dialogue.flows import FLOW_OF_INTENT
from bot.dialogue.model import Conversation, Outcome, Reply
from bot.dialogue.states import FlowKind, State
from bot.dialogue.steps import Steps
from intents.labels import Intent


def typed_while_choosing(d: Steps, conv: Conversation, said: Said) -> Outcome:
    u = said.understanding
    assert u is not None
    named = flow_named(d, conv, said.text)
    if named is None and u.intent in FLOW_OF_INTENT and not u.weak:
        named = FLOW_OF_INTENT[u.intent]
    if named is not None:
        held = next((c for c in conv.candidates if c.flow is named), None)
        return d.start(replace(conv, state=State.IDLE), named, said, held)
    if d.answers.aside(u, said.text, answering_patents=False):
        answer = d.answers.for_intent(u, conv.language)
        if answer is not None:
            return Outcome(conv, (*answer.replies, *d.prompt(conv)), answer.effects)
    if u.intent is Intent.CANCEL and not u.weak:
        conv = replace(conv, state=State.IDLE, candidates=())
        return Outcome(conv, (d.menu(conv, "cancel.done"),))
    text = said.text.strip()
    kept = tuple(form.note(form.absorb(c, said), "", text) for c in conv.candidates)
    conv = replace(conv, candidates=kept)
    return Outcome(conv, (Reply(d.t(conv, "flow.kept")), *d.prompt(conv)))


def flow_named(d: Steps, conv: Conversation, text: str) -> FlowKind | None:
    """The one offered flow whose label the text is a part of, or holds (投诉 → 专利侵权投诉)."""
    typed = text.strip().strip("。.!！").lower()
    if len(typed) < 2:
        return None
    offered = [c.flow for c in conv.candidates] or list(FlowKind)
    hits = {
        flow
        for flow in offered
        for label in d.texts.every(f"flow.{flow.value}")
        if typed in label.lower() or label.lower() in typed
    }
    return hits.pop() if len(hits) == 1 else None
