"""The conversation's transitions: `Dialogue.step(conversation, inbound, understanding)`.

Pure: the same input gives the same output, with no clock (the time comes in the inbound) and no
storage (the service saves the conversation and carries out the effects).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import timedelta
from typing import Any

from bot.dialogue import checks, corrections, form
from bot.dialogue.answers import Answers
from bot.dialogue.buttons import press
from bot.dialogue.choosing import typed_while_choosing
from bot.dialogue.correcting import correct
from bot.dialogue.fields import Said
from bot.dialogue.filling import fill
from bot.dialogue.flows import FLOW_OF_INTENT, applicable, field_of
from bot.dialogue.model import (
    AddEvidence,
    AmendLead,
    Button,
    Conversation,
    Draft,
    Inbound,
    InboundKind,
    OpenRelay,
    Outcome,
    Reply,
    ShowStatus,
    SubmitLead,
)
from bot.dialogue.states import FlowKind, State
from bot.dialogue.texts import Texts
from intents.entities import find_tracking_numbers
from intents.labels import Intent
from intents.understanding import Understanding
from knowledge.faq import FaqIndex

AMEND_WITHIN = timedelta(days=3)
"""How long after a submit a typed correction or a file is taken as meant for that lead."""
_SURE_OF_A_PERSON = 0.8
"""Below this, a weak wish for a person (我想反映个问题) gets the menu rather than a relay."""


class Dialogue:
    def __init__(
        self,
        faq: FaqIndex,
        texts: Texts,
        resume_after: timedelta,
        understand: Callable[[str], Understanding] | None = None,
        venue_county: Callable[[Mapping[str, Any]], str | None] | None = None,
    ) -> None:
        """venue_county: the county of a trade fair on today that the form's fields name, which
        is then the place and not asked (bot/leads/fairs.py)."""
        self.venue_county = venue_county
        self.texts = texts
        self.answers = Answers(faq, texts)
        self.resume_after = resume_after
        self.understand = understand

    def t(self, conv: Conversation, key: str, **values: object) -> str:
        return self.texts.get(key, conv.language, **values)

    def step(self, conv: Conversation, inbound: Inbound, u: Understanding | None = None) -> Outcome:
        conv = self._language(conv, inbound, u)
        stale = (
            conv.draft is not None
            and conv.updated_at is not None
            and inbound.now - conv.updated_at > self.resume_after
            and conv.state not in (State.OFFERING_RESUME, State.CONFIRMING_CANCEL)
        )
        if stale and not (inbound.kind is InboundKind.COMMAND and inbound.text == "cancel"):
            text = inbound.text
            answer = inbound.kind is InboundKind.TEXT and not (
                checks.is_greeting(text) or checks.asks_where_we_were(text)
            )
            out = self._offer_resume(replace(conv, held=inbound.text if answer else ""))
        elif inbound.kind is InboundKind.COMMAND:
            out = self._command(conv, inbound.text, inbound.args)
        elif inbound.kind is InboundKind.FILE:
            out = self._file(conv, inbound)
        elif inbound.kind is InboundKind.BUTTON:
            out = press(self, conv, inbound.text)
        else:
            out = self._amend(conv, inbound) or self._text(conv, Said(inbound.text, u))
        conv = replace(out.conversation, updated_at=inbound.now)
        if any(isinstance(e, SubmitLead) for e in out.effects):
            conv = replace(conv, submitted_at=inbound.now)
        return replace(out, conversation=conv)

    def _amend(self, conv: Conversation, inbound: Inbound) -> Outcome | None:
        """A correction soon after a submit, with no form open, is for the lead just submitted;
        it is not a new report (搞错了，厂子在寿阳不在昔阳 an hour later)."""
        if conv.draft is not None or conv.state is not State.IDLE or conv.submitted_at is None:
            return None
        if inbound.now - conv.submitted_at > AMEND_WITHIN:
            return None
        found = corrections.read(inbound.text)
        if found is None or not found.says_wrong:
            return None
        effect = AmendLead(inbound.text, found.field, found.value_text, conv.language)
        return Outcome(conv, (), (effect,))

    def _language(self, conv: Conversation, inbound: Inbound, u: Understanding | None) -> Conversation:
        """Chosen by each message outside a form. Inside one it stays (a company name or a link in
        Latin letters is an answer, not a change of language) unless the user asks (/english)."""
        if inbound.kind is not InboundKind.TEXT or u is None or conv.draft is not None:
            return conv
        return replace(conv, language=u.entities.language)

    # ---- commands, files, text -------------------------------------------------------------

    def _command(self, conv: Conversation, name: str, args: str = "") -> Outcome:
        if name == "start":
            return self._offer_resume(conv) if conv.draft else self.welcome(conv)
        if name == "help":
            return Outcome(conv, (self.menu(conv, "help"),))
        if name == "privacy":
            return Outcome(conv, (Reply(self.t(conv, "privacy")), *self.prompt(conv)))
        if name == "cancel":
            return (
                self.confirm_cancel(conv)
                if conv.draft
                else Outcome(replace(conv, state=State.IDLE), (Reply(self.t(conv, "cancel.nothing")),))
            )
        if name == "status":
            tracking = find_tracking_numbers(args.lower())
            return Outcome(
                conv, self.prompt(conv), (ShowStatus(conv.language, tracking[0] if tracking else None),)
            )
        if name in ("english", "en", "chinese", "zh", "中文"):
            conv = replace(conv, language="en" if name in ("english", "en") else "zh")
            return Outcome(conv, (Reply(self.t(conv, "language.set")), *self.prompt(conv)))
        if name in ("human", "agent", "rengong"):
            return Outcome(conv, self.prompt(conv), (OpenRelay(conv.language),))
        if name in ("report", "complain", "new", "menu"):
            return (
                Outcome(conv, (self.menu(conv, "menu.pick"),))
                if conv.draft is None
                else Outcome(conv, (Reply(self.t(conv, "form.already_open")), *self.prompt(conv)))
            )
        return Outcome(conv, (self.menu(conv, "command.unknown"),))

    def _file(self, conv: Conversation, inbound: Inbound) -> Outcome:
        draft, ev = conv.draft, inbound.evidence
        recent = conv.submitted_at is not None and inbound.now - conv.submitted_at <= AMEND_WITHIN
        if draft is None and ev is not None and recent and conv.state is State.IDLE:
            return Outcome(conv, (), (AddEvidence(ev, conv.language),))
        if draft is None or ev is None or conv.state not in (State.FILLING, State.CONFIRMING):
            return Outcome(conv, (Reply(self.t(conv, "file.no_form")), *self.prompt(conv)))
        files = [*draft.fields.get("evidence", []), ev.to_dict()]
        draft = draft.with_field("evidence", files)
        conv = replace(conv, draft=draft)
        received = Reply(self.t(conv, "file.received", count=len(files)))
        if draft.pending == "evidence":
            return Outcome(conv, (received,))
        if conv.state is State.CONFIRMING:
            conv = replace(conv, draft=replace(draft, pending=None))
        return Outcome(conv, (received, *self.prompt(conv)))

    def _text(self, conv: Conversation, said: Said) -> Outcome:
        u = said.understanding
        if conv.state is State.FILLING and conv.draft is not None:
            return fill(self, conv, said)
        typed = self.typed_button(conv, said.text)
        if typed:
            return press(self, conv, typed)
        if conv.state in (State.CONFIRMING, State.CHOOSING_EDIT) and conv.draft is not None:
            reviewed = self._reviewing(conv, said)
            if reviewed is not None:
                return reviewed
        if checks.is_thanks(said.text) and conv.state is not State.CONFIRMING:
            key = "polite.ack" if conv.state is not State.IDLE else checks.polite_key(said.text)
            polite = Reply(self.t(conv, key))
            return Outcome(conv, (polite, *self.prompt(conv)))
        if conv.state is State.IDLE or u is None:
            return self._idle(conv, said)
        if conv.state is State.CHOOSING_FLOW:
            return typed_while_choosing(self, conv, said)
        if conv.state is State.CONFIRMING_CANCEL and conv.draft is not None:
            return self._typed_while_confirming_cancel(conv, said)
        if checks.means_cancel(u) and conv.draft is not None:
            return self.confirm_cancel(conv)
        answer = self.answers.for_intent(u, conv.language) if not u.weak else None
        if answer is not None:
            return Outcome(conv, (*answer.replies, *self.prompt(conv)), answer.effects)
        return Outcome(conv, (Reply(self.t(conv, "buttons.please")), *self.prompt(conv)))

    def _typed_while_confirming_cancel(self, conv: Conversation, said: Said) -> Outcome:
        """确定取消吗 answered in words: yes or another wish to stop drops the draft; anything else
        was meant for the form (俺刚才说了啊 玉米脱粒机), so the form resumes and takes it."""
        if checks.confirms_cancel(said.text) or checks.means_cancel(said.understanding):
            return press(self, conv, "cancel:yes")
        return self._text(press(self, conv, "cancel:no").conversation, said)

    def _reviewing(self, conv: Conversation, said: Said) -> Outcome | None:
        """At the summary: a correction changes its field, plain agreement submits."""
        found = corrections.read(said.text)
        if found is not None:
            corrected = correct(self, conv, said, found)
            if corrected is not None:
                return corrected
        if conv.state is State.CONFIRMING and checks.is_agreement(said.text):
            return press(self, conv, "submit")
        return None

    def typed_button(self, conv: Conversation, text: str) -> str | None:
        """A button's label typed instead of pressed (提交, 修改, 继续, yes …)."""
        typed = text.strip().strip("。.!！").lower()
        for reply in self.prompt(conv):
            for row in reply.buttons:
                for button in row:
                    if typed and typed == button.label.lower():
                        return button.data
        return None

    def _idle(self, conv: Conversation, said: Said) -> Outcome:
        u = said.understanding
        assert u is not None
        flows = [FLOW_OF_INTENT[i] for i in (u.intent, u.runner_up) if i in FLOW_OF_INTENT]
        if u.intent is Intent.LEGAL_FAQ and u.ambiguous and not u.weak and flows:
            return self._answer_then_offer(conv, u, flows[0])
        if flows and (u.ambiguous or (u.weak and u.intent in FLOW_OF_INTENT)):
            return self.choose_flow(conv, said, flows)
        if u.intent in FLOW_OF_INTENT:
            return self.start(conv, FLOW_OF_INTENT[u.intent], said)
        if u.intent is Intent.CANCEL:
            return Outcome(conv, (Reply(self.t(conv, "cancel.nothing")),))
        if u.intent is Intent.HUMAN_AGENT and u.weak and u.confidence < _SURE_OF_A_PERSON:
            # 我想反映一个情况: a staff member is not called on a guess; the menu says what we do
            return Outcome(conv, (self.menu(conv, "menu.unsure"),))
        answer = self.answers.for_intent(u, conv.language)
        if answer is not None:
            return Outcome(conv, answer.replies, answer.effects)
        if u.intent is Intent.GREETING:
            return self.welcome(conv)
        # an unsure "nothing of ours" (专利, 我想反映一个情况) is not told it is out of scope
        return Outcome(conv, (self.menu(conv, "menu.unsure" if u.weak else "out_of_scope"),))

    def _answer_then_offer(self, conv: Conversation, u: Understanding, flow: FlowKind) -> Outcome:
        """A question that names a report's topic (假冒专利怎么处罚) is answered first; the report
        it might lead to is one button away, not a choice asked before any answer."""
        answer = self.answers.for_intent(u, conv.language)
        assert answer is not None
        button = Button(self.t(conv, f"flow.{flow.value}"), f"flow:{flow.value}")
        offer = Reply(self.t(conv, "flow.offer_after_answer"), ((button,),))
        return Outcome(conv, (*answer.replies, offer), answer.effects)

    # ---- building blocks used by the button and form modules -------------------------------

    def welcome(self, conv: Conversation) -> Outcome:
        return Outcome(replace(conv, state=State.IDLE), (self.menu(conv, "welcome"),))

    def menu(self, conv: Conversation, key: str) -> Reply:
        buttons = [Button(self.t(conv, f"flow.{k.value}"), f"flow:{k.value}") for k in FlowKind]
        buttons.append(Button(self.t(conv, "button.status"), "status"))
        return Reply(self.t(conv, key), form.rows(buttons))

    def choose_flow(self, conv: Conversation, said: Said, likely: list[FlowKind]) -> Outcome:
        order = [*dict.fromkeys([*likely, *FlowKind])]
        drafts = tuple(form.absorb(Draft(k), replace(said, first=True)) for k in order)
        buttons = [Button(self.t(conv, f"flow.{k.value}"), f"flow:{k.value}") for k in order]
        conv = replace(conv, state=State.CHOOSING_FLOW, candidates=drafts)
        return Outcome(conv, (Reply(self.t(conv, "flow.choose"), form.rows(buttons)),))

    def start(
        self, conv: Conversation, flow: FlowKind, said: Said | None, draft: Draft | None = None
    ) -> Outcome:
        draft = draft or Draft(flow)
        if said is not None:
            draft = form.absorb(draft, replace(said, first=True))
        intro: tuple[Reply, ...] = (Reply(self.t(conv, f"flow.{flow.value}.intro")),)
        referral = self.answers.faq.get("other_ip.referral") if flow is FlowKind.OTHER_IP else None
        if referral is not None:
            intro = (*intro, self.answers.entry(referral, conv.language))
        out = self.advance(replace(conv, candidates=(), held=""), draft)
        return replace(out, replies=(*intro, *out.replies))

    def advance(self, conv: Conversation, draft: Draft) -> Outcome:
        fd = form.next_field(draft)
        if fd is not None and fd.name == "county" and self.venue_county is not None:
            venue = self.venue_county(draft.fields)
            if venue is not None:
                draft = draft.with_field("county", venue)
                fd = form.next_field(draft)
        if fd is not None:
            draft = replace(draft, pending=fd.name)
            conv = replace(conv, state=State.FILLING, draft=draft)
            question = form.question(self.texts, draft, fd, conv.language)
            if fd.name == "patents" and draft.fields.get(form.DOUBTED):
                return Outcome(conv, (Reply(self.t(conv, "error.patent_check_digit")), question))
            return Outcome(conv, (question,))
        draft = replace(draft, pending=None, editing=False)
        conv = replace(conv, state=State.CONFIRMING, draft=draft)
        return Outcome(conv, (form.summary(self.texts, draft, conv.language),))

    def prompt(self, conv: Conversation) -> tuple[Reply, ...]:
        """What the user is being asked now, to repeat after an aside or a stray message."""
        draft, lang = conv.draft, conv.language
        if conv.state is State.CHOOSING_FLOW:
            flows = conv.offered or tuple(k.value for k in FlowKind)
            buttons = [Button(self.t(conv, f"flow.{k}"), f"flow:{k}") for k in flows]
            return (Reply(self.t(conv, "flow.choose"), form.rows(buttons)),)
        if conv.state is State.FILLING and draft is not None and draft.pending:
            fd = field_of(draft.flow, draft.pending)
            return (form.question(self.texts, draft, fd, lang),) if fd else ()
        if conv.state is State.CONFIRMING and draft is not None:
            return (form.summary(self.texts, draft, lang),)
        if conv.state is State.CHOOSING_EDIT and draft is not None:
            return (form.edit_menu(self.texts, draft, lang),)
        if conv.state is State.CONFIRMING_CANCEL:
            return (self._cancel_question(conv),)
        if conv.state is State.OFFERING_RESUME and draft is not None:
            return (self._resume_question(conv, draft),)
        return ()

    def confirm_cancel(self, conv: Conversation) -> Outcome:
        conv = replace(conv, state=State.CONFIRMING_CANCEL)
        return Outcome(conv, (self._cancel_question(conv),))

    def _cancel_question(self, conv: Conversation) -> Reply:
        return Reply(
            self.t(conv, "cancel.confirm"),
            (
                (
                    Button(self.t(conv, "button.cancel_yes"), "cancel:yes"),
                    Button(self.t(conv, "button.cancel_no"), "cancel:no"),
                ),
            ),
        )

    def _offer_resume(self, conv: Conversation) -> Outcome:
        draft = conv.draft
        assert draft is not None
        conv = replace(conv, state=State.OFFERING_RESUME)
        return Outcome(conv, (self._resume_question(conv, draft),))

    def _resume_question(self, conv: Conversation, draft: Draft) -> Reply:
        flow = self.t(conv, f"flow.{draft.flow.value}")
        return Reply(
            self.t(conv, "resume.offer", flow=flow),
            (
                (
                    Button(self.t(conv, "button.resume"), "resume"),
                    Button(self.t(conv, "button.restart"), "restart"),
                ),
            ),
        )

    def resume(self, conv: Conversation) -> Outcome:
        """Back to the open question, and the message typed after the pause read as its answer."""
        assert conv.draft is not None
        state = State.FILLING if conv.draft.pending else State.CONFIRMING
        held, conv = conv.held, replace(conv, state=state, held="")
        if held and state is State.FILLING:
            return self._text(conv, Said(held, self.understand(held) if self.understand else None))
        return Outcome(conv, self.prompt(conv))

    def submit(self, conv: Conversation, draft: Draft) -> Outcome:
        names = {*self.fields_of(draft), form.NOTES}
        fields = form.with_notes({k: v for k, v in draft.fields.items() if k in names})
        effect = SubmitLead(draft.flow, fields, draft.sectors, draft.channels, conv.language)
        return Outcome(replace(conv, state=State.IDLE, draft=None), (), (effect,))

    def fields_of(self, draft: Draft) -> list[str]:
        return [fd.name for fd in applicable(draft.flow, draft.fields, draft.channels)]
