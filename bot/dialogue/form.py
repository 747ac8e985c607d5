"""Filling a draft: what each message adds, what to ask next, and the summary before submitting."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.dialogue.fields import Field, Said
from bot.dialogue.flows import applicable, field_of
from bot.dialogue.model import Button, Draft, Reply
from bot.dialogue.states import FlowKind
from bot.dialogue.texts import Texts
from knowledge.patent_numbers import find_patent_numbers, marked_form

BUTTONS_PER_ROW = 3
NOTES = "notes"
"""Draft key of what the person wrote that answers no field (a story, "I don't know", a typed
reply to a button question): nothing is lost, it goes into the lead's description."""
DOUBTED = "doubted_patents"
"""Draft key of patent numbers refused for their check digit: sent again, they are kept."""


def absorb(draft: Draft, said: Said, skip: str | None = None) -> Draft:
    """Every empty field the message can fill, and the message's sector and channel tags."""
    u = said.understanding
    if u is not None:
        draft = replace(
            draft,
            sectors=tuple(dict.fromkeys((*draft.sectors, *u.entities.sectors))),
            channels=tuple(dict.fromkeys((*draft.channels, *u.entities.channels))),
        )
    for fd in applicable(draft.flow, draft.fields, draft.channels):
        if fd.name == skip or fd.name in draft.fields:
            continue
        value = fd.extract(said)
        if value is None:
            continue
        if fd.validate(value) is None:
            draft = draft.with_field(fd.name, value)
        elif fd.name == "patents":
            draft = draft.with_field(DOUBTED, value)
    return draft


def note(draft: Draft, label: str, text: str) -> Draft:
    """Keep words that answer no field, once each."""
    line = f"{label}：{text.strip()}" if label else text.strip()
    notes = list(draft.fields.get(NOTES) or [])
    if not text.strip() or line in notes:
        return draft
    return draft.with_field(NOTES, [*notes, line])


def with_notes(fields: dict[str, Any]) -> dict[str, Any]:
    """The fields to submit: the notes appended to the description."""
    fields = dict(fields)
    notes = fields.pop(NOTES, None) or []
    if notes:
        fields["description"] = "\n".join([*filter(None, [fields.get("description")]), *notes])
    return fields


def missing(draft: Draft, required_only: bool = False) -> Field | None:
    for fd in applicable(draft.flow, draft.fields, draft.channels):
        if not fd.ask or fd.name in draft.fields or fd.name in draft.skipped:
            continue
        if fd.required or not required_only:
            return fd
    return None


def next_field(draft: Draft) -> Field | None:
    """The next question: a required field still missing first when editing, else in table order."""
    return missing(draft, required_only=True) if draft.editing else missing(draft)


def skippable(fd: Field) -> bool:
    return not fd.required or fd.skip_value is not None


def typed_choice(texts: Texts, fd: Field, text: str) -> Any:
    """The choice whose label the person typed, or a part of it (专利权人 → patentee)."""
    typed = text.strip().strip("。.!！").lower()
    if not typed:
        return None
    for value in fd.choices:
        for label in texts.every(f"choice.{fd.name}.{value}"):
            label = label.lower()
            if typed == label or (len(typed) >= 2 and (typed in label or label in typed)):
                return value
    return None


def field_label(texts: Texts, flow: FlowKind, name: str, language: str) -> str:
    """A field's name as the person sees it; a flow may name it its own way (被举报方)."""
    key = f"field.{flow.value}.{name}"
    return texts.get(key if texts.has(key) else f"field.{name}", language)


def choice_label(texts: Texts, fd: Field, value: str, language: str) -> str:
    return texts.get(f"choice.{fd.name}.{value}", language)


def question(texts: Texts, draft: Draft, fd: Field, language: str) -> Reply:
    buttons = [Button(choice_label(texts, fd, v, language), f"set:{fd.name}:{v}") for v in fd.choices]
    if fd.files:
        buttons.append(Button(texts.get("button.done", language), "done:evidence"))
    if skippable(fd):
        buttons.append(
            Button(
                texts.get(f"skip.{fd.name}", language)
                if texts.has(f"skip.{fd.name}")
                else texts.get("button.skip", language),
                f"skip:{fd.name}",
            )
        )
    key = f"ask.{draft.flow.value}.{fd.name}"
    text = texts.get(key if texts.has(key) else f"ask.{fd.name}", language)
    return Reply(text, rows(buttons))


def rows(buttons: list[Button]) -> tuple[tuple[Button, ...], ...]:
    per_row = BUTTONS_PER_ROW if len(buttons) > 4 else 2
    return tuple(tuple(buttons[n : n + per_row]) for n in range(0, len(buttons), per_row))


def show_value(texts: Texts, flow: FlowKind, name: str, value: Any, language: str) -> str:
    fd = field_of(flow, name)
    if fd is None:
        return str(value)
    if fd.files and value:
        return texts.get("summary.files", language, count=len(value))
    if isinstance(value, list):
        if not value:
            return texts.get("summary.none", language)
        return "、".join(marked_form(str(p.get("raw", "")), p["normalized"]) for p in value)
    if fd.choices and value in fd.choices:
        return choice_label(texts, fd, value, language)
    return str(value)


def staff_value(texts: Texts, flow: FlowKind, name: str, value: Any, language: str = "zh") -> str:
    """A field as staff see it on the card: as the summary shows it, and every patent number
    whose check digit is wrong marked so (a mark with a wrong number is itself a lead)."""
    shown = show_value(texts, flow, name, value, language)
    if isinstance(value, list):
        wrong = [
            marked_form(str(p.get("raw", "")), p["normalized"]) for p in value if p.get("valid") is False
        ]
    elif isinstance(value, str) and name in ("claim", "description"):
        wrong = [p.marked for p in find_patent_numbers(value) if p.valid is False]
    else:
        wrong = []
    if wrong:
        shown += texts.get("staff.check_digit_wrong", language, numbers="、".join(wrong))
    return shown


def summary(texts: Texts, draft: Draft, language: str) -> Reply:
    lines = [texts.get("summary.title", language, flow=texts.get(f"flow.{draft.flow.value}", language))]
    for fd in applicable(draft.flow, draft.fields, draft.channels):
        if fd.name in draft.fields:
            label = field_label(texts, draft.flow, fd.name, language)
            value = show_value(texts, draft.flow, fd.name, draft.fields[fd.name], language)
            lines.append(texts.get("summary.line", language, label=label, value=value))
    for line in draft.fields.get(NOTES) or []:
        lines.append(
            texts.get("summary.line", language, label=texts.get("field.notes", language), value=line)
        )
    lines.append("")
    lines.append(texts.get("summary.check", language))
    buttons = (
        (
            Button(texts.get("button.submit", language), "submit"),
            Button(texts.get("button.edit", language), "edit"),
            Button(texts.get("button.cancel", language), "cancel"),
        ),
    )
    return Reply("\n".join(lines), buttons)


def edit_menu(texts: Texts, draft: Draft, language: str) -> Reply:
    buttons = [
        Button(field_label(texts, draft.flow, fd.name, language), f"edit:{fd.name}")
        for fd in applicable(draft.flow, draft.fields, draft.channels)
        if fd.ask
    ]
    buttons.append(Button(texts.get("button.back", language), "back"))
    return Reply(texts.get("edit.which", language), rows(buttons))
