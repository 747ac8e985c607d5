"""What each button does. Button data is untrusted: anything not offered in this state is stale."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from bot.dialogue import form
from bot.dialogue.flows import applicable, field_of
from bot.dialogue.model import Conversation, Draft, Outcome, Reply, ShowStatus
from bot.dialogue.states import FlowKind, State
from bot.dialogue.steps import Steps

Handler = Callable[[Steps, Conversation, str], "Outcome | None"]


def press(d: Steps, conv: Conversation, data: str) -> Outcome:
    kind, _, arg = data.partition(":")
    handler = _HANDLERS.get(kind)
    out = handler(d, conv, arg) if handler else None
    if out is not None:
        return out
    again = d.prompt(conv) or (d.menu(conv, "menu.pick"),)
    return Outcome(conv, (Reply(d.t(conv, "button.stale")), *again))


def _flow(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    if arg not in FlowKind.__members__.values():
        return None
    if conv.draft is not None:
        return Outcome(conv, (Reply(d.t(conv, "form.already_open")), *d.prompt(conv)))
    flow = FlowKind(arg)
    held = next((c for c in conv.candidates if c.flow is flow), None)
    return d.start(conv, flow, None, held)


def _status(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    return Outcome(conv, d.prompt(conv), (ShowStatus(conv.language),))


def _faq(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    entry = d.answers.faq.get(arg)
    if entry is None:
        return None
    return Outcome(conv, (d.answers.entry(entry, conv.language), *d.prompt(conv)))


def _pending(conv: Conversation, name: str) -> Draft | None:
    draft = conv.draft
    if conv.state is State.FILLING and draft is not None and draft.pending == name:
        return draft
    return None


def _set(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    name, _, value = arg.partition(":")
    draft = _pending(conv, name)
    fd = field_of(draft.flow, name) if draft else None
    if draft is None or fd is None or value not in fd.choices:
        return None
    return d.advance(conv, draft.with_field(name, value))


def skip(d: Steps, conv: Conversation, name: str) -> Outcome | None:
    draft = _pending(conv, name)
    fd = field_of(draft.flow, name) if draft else None
    if draft is None or fd is None or not form.skippable(fd):
        return None
    if fd.skip_value is not None:
        draft = draft.with_field(name, fd.skip_value)
    else:
        draft = replace(draft, skipped=(*draft.skipped, name))
    return d.advance(conv, draft)


def _done(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    draft = _pending(conv, arg)
    if draft is None or arg != "evidence":
        return None
    return d.advance(conv, draft) if draft.fields.get("evidence") else skip(d, conv, arg)


def _submit(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    draft = conv.draft
    if conv.state is not State.CONFIRMING or draft is None:
        return None
    if form.missing(draft, required_only=True) is not None:
        return d.advance(conv, draft)
    return d.submit(conv, draft)


def _edit(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    draft = conv.draft
    if draft is None:
        return None
    if not arg and conv.state is State.CONFIRMING:
        conv = replace(conv, state=State.CHOOSING_EDIT)
        return Outcome(conv, d.prompt(conv))
    names = [fd.name for fd in applicable(draft.flow, draft.fields, draft.channels) if fd.ask]
    if conv.state not in (State.CHOOSING_EDIT, State.CONFIRMING) or arg not in names:
        return None
    fields = {k: v for k, v in draft.fields.items() if k != arg}
    draft = replace(
        draft, fields=fields, skipped=tuple(s for s in draft.skipped if s != arg), pending=arg, editing=True
    )
    conv = replace(conv, state=State.FILLING, draft=draft)
    return Outcome(conv, d.prompt(conv))


def _back(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    if conv.state is not State.CHOOSING_EDIT or conv.draft is None:
        return None
    return d.advance(conv, replace(conv.draft, editing=True))


def _cancel(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    if conv.draft is None:
        return None
    if not arg and conv.state in (State.CONFIRMING, State.FILLING, State.CHOOSING_EDIT):
        return d.confirm_cancel(conv)
    if conv.state is not State.CONFIRMING_CANCEL or arg not in ("yes", "no"):
        return None
    if arg == "no":
        return d.resume(conv)
    conv = replace(conv, state=State.IDLE, draft=None)
    return Outcome(conv, (d.menu(conv, "cancel.done"),))


def _resume(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    if conv.state is not State.OFFERING_RESUME or conv.draft is None:
        return None
    return d.resume(conv)


def _restart(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    if conv.state is not State.OFFERING_RESUME or conv.draft is None:
        return None
    return d.start(replace(conv, draft=None), conv.draft.flow, None)


def _language(d: Steps, conv: Conversation, arg: str) -> Outcome | None:
    if arg not in ("zh", "en"):
        return None
    conv = replace(conv, language=arg)
    return Outcome(conv, (Reply(d.t(conv, "language.set")), *d.prompt(conv)))


_HANDLERS: dict[str, Handler] = {
    "flow": _flow,
    "status": _status,
    "faq": _faq,
    "set": _set,
    "skip": skip,
    "done": _done,
    "submit": _submit,
    "edit": _edit,
    "back": _back,
    "cancel": _cancel,
    "resume": _resume,
    "restart": _restart,
    "lang": _language,
}
