"""A lead's case as a pure state machine: statuses, actions, who may take each, what it needs.

One table, `RULES`: (status, action) -> the status after, the roles allowed, the input needed and
whom it tells. `decide()` checks a proposed action against it and the lead's facts and returns
the decision or the reason for refusing. No clock, no storage, no Telegram: the staff desk
(`bot/casework/desk.py`) loads the lead, calls `decide()`, and writes what it returns.

The diagram is `lifecycle.md` beside this file; keep both current.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Status(StrEnum):
    NEW = "new"  # 待受理
    ACCEPTED = "accepted"  # 已受理 (a county checks an infringement complaint: 核查中)
    AWAITING_INFO = "awaiting_info"  # 待补充: the citizen was asked for more
    HANDED_UP = "handed_up"  # 已移交市局: the city bureau decides and files
    RETURNED = "returned"  # 已退回市局: a county returned a transferred lead; the city assigns it
    FILED = "filed"  # 已立案
    CLOSED = "closed"  # 已结案
    REJECTED = "rejected"  # 不予受理
    POLICE = "police"  # 已移送公安
    REFERRED = "referred"  # 已移送 (other IP: to the department that handles it)
    REVIEW = "review"  # 复核中: the citizen asked for a review of the end


ENDS = frozenset({Status.CLOSED, Status.REJECTED, Status.POLICE, Status.REFERRED})
OPEN = frozenset(Status) - ENDS - {Status.REVIEW}


class Action(StrEnum):
    ACCEPT = "accept"  # 受理
    TRANSFER = "transfer"  # 转派 (county to county)
    ASSIGN = "assign"  # 指派 (the city decides where a lead belongs; that decision stands)
    RETURN = "return"  # 退回 (a transferred lead, back to the city)
    REJECT = "reject"  # 不予受理
    REQUEST_INFO = "request_info"  # 补充材料
    INFO_DONE = "info_done"  # 补充完毕 (the citizen says so, or staff close the request)
    HAND_UP = "hand_up"  # 移交市局
    FILE = "file"  # 立案
    CLOSE = "close"  # 结案
    EXTEND = "extend"  # 延长 (the closing period, once, with a reason)
    POLICE = "police"  # 移送公安
    REFER = "refer"  # 移送 (other IP)
    RATE = "rate"  # the citizen's 1–5
    REQUEST_REVIEW = "request_review"  # 申请复核
    REOPEN = "reopen"  # 复核：重新办理
    UPHOLD = "uphold"  # 复核：维持原结果
    VIEW_CONTACT = "view_contact"  # 查看联系方式 (recorded)
    VIEW_EVIDENCE = "view_evidence"  # 查看证据


class Role(StrEnum):
    QUEUE = "queue"  # staff of the lead's queue
    CITY = "city"  # staff of the city bureau
    CITIZEN = "citizen"  # the chat that made the lead
    SYSTEM = "system"  # the supervisor (bot/supervision): its reminders, overdue and 督办 are events


class Needs(StrEnum):
    NOTHING = "nothing"
    REASON = "reason"  # picked from common reasons or typed
    COUNTY = "county"  # a county queue, then a reason
    CASE_NUMBER = "case_number"  # typed, or generated from the configured pattern
    QUESTION = "question"  # what the citizen is asked
    OUTCOME = "outcome"  # picked; a penalty also needs the fine, 其他 a text
    DEPARTMENT = "department"  # picked from the configured list
    RATING = "rating"  # 1–5


class Tell(StrEnum):
    CITIZEN = "citizen"
    CITY_ALERT = "city_alert"  # a message of its own to the city group, beyond the card edit


class Filing(StrEnum):
    """Who files a kind of lead as a case (立案)."""

    CITY = "city"
    COUNTY = "county"
    NONE = "none"


class Guard(StrEnum):
    """Facts of the lead a rule depends on, beyond its status."""

    TRANSFERRED_IN = "transferred_in"  # came by a county's 转派, not by the city's decision
    NOT_TRANSFERRED_IN = "not_transferred_in"
    NOT_CITY_ASSIGNED = "not_city_assigned"
    OTHER_IP = "other_ip"
    COUNTERFEIT = "counterfeit"  # only 假冒他人专利 can be a crime (facts 9.1): 移送公安
    NOT_FILED = "not_filed"  # a kind that is never filed as a case (assistance, other IP): 办结
    FILED_HERE = "filed_here"  # the lead's kind is filed by its county
    FILED_BY_CITY = "filed_by_city"  # the lead's kind is filed by the city bureau (facts 2.6)
    NOT_RATED = "not_rated"
    NOT_REVIEWED = "not_reviewed"
    EXTENDABLE = "extendable"  # the kind has an extension period, not yet used


BACK = None
"""`to` of a rule that returns to the status the lead waited from (补充材料, 复核维持)."""

STAFF = frozenset({Role.QUEUE, Role.CITY})
CITY = frozenset({Role.CITY})
CITIZEN = frozenset({Role.CITIZEN})


@dataclass(frozen=True)
class Rule:
    status: Status
    action: Action
    to: Status | None
    roles: frozenset[Role]
    needs: Needs = Needs.NOTHING
    tells: frozenset[Tell] = frozenset({Tell.CITIZEN})
    guards: tuple[Guard, ...] = ()

    @property
    def changes_status(self) -> bool:
        return self.to is not self.status


def _rules() -> list[Rule]:
    S, A, N, T, G = Status, Action, Needs, Tell, Guard
    quiet: frozenset[Tell] = frozenset()
    rules = [
        Rule(S.NEW, A.ACCEPT, S.ACCEPTED, STAFF),
        Rule(
            S.NEW,
            A.TRANSFER,
            S.NEW,
            frozenset({Role.QUEUE}),
            N.COUNTY,
            guards=(G.NOT_TRANSFERRED_IN, G.NOT_CITY_ASSIGNED),
        ),
        Rule(
            S.NEW,
            A.RETURN,
            S.RETURNED,
            frozenset({Role.QUEUE}),
            N.REASON,
            quiet,
            guards=(G.TRANSFERRED_IN, G.NOT_CITY_ASSIGNED),
        ),
        Rule(S.NEW, A.REJECT, S.REJECTED, STAFF, N.REASON),
        Rule(S.NEW, A.REFER, S.REFERRED, STAFF, N.DEPARTMENT, guards=(G.OTHER_IP,)),
        Rule(S.RETURNED, A.ACCEPT, S.ACCEPTED, CITY),
        Rule(S.RETURNED, A.REJECT, S.REJECTED, CITY, N.REASON),
        Rule(S.ACCEPTED, A.REQUEST_INFO, S.AWAITING_INFO, STAFF, N.QUESTION),
        Rule(S.ACCEPTED, A.HAND_UP, S.HANDED_UP, frozenset({Role.QUEUE})),
        Rule(S.ACCEPTED, A.FILE, S.FILED, STAFF, N.CASE_NUMBER, guards=(G.FILED_HERE,)),
        Rule(S.ACCEPTED, A.FILE, S.FILED, CITY, N.CASE_NUMBER, guards=(G.FILED_BY_CITY,)),
        Rule(S.ACCEPTED, A.CLOSE, S.CLOSED, STAFF, N.OUTCOME, guards=(G.NOT_FILED,)),
        Rule(S.ACCEPTED, A.EXTEND, S.ACCEPTED, STAFF, N.REASON, guards=(G.NOT_FILED, G.EXTENDABLE)),
        Rule(
            S.ACCEPTED,
            A.TRANSFER,
            S.NEW,
            frozenset({Role.QUEUE}),
            N.COUNTY,
            guards=(G.NOT_TRANSFERRED_IN, G.NOT_CITY_ASSIGNED),
        ),
        Rule(S.ACCEPTED, A.REJECT, S.REJECTED, STAFF, N.REASON),
        Rule(S.ACCEPTED, A.REFER, S.REFERRED, STAFF, N.DEPARTMENT, guards=(G.OTHER_IP,)),
        Rule(S.AWAITING_INFO, A.INFO_DONE, BACK, frozenset({*STAFF, Role.CITIZEN}), tells=quiet),
        Rule(S.HANDED_UP, A.REQUEST_INFO, S.AWAITING_INFO, CITY, N.QUESTION),
        Rule(S.HANDED_UP, A.FILE, S.FILED, CITY, N.CASE_NUMBER),
        Rule(S.HANDED_UP, A.REJECT, S.REJECTED, CITY, N.REASON),
        Rule(S.FILED, A.CLOSE, S.CLOSED, STAFF, N.OUTCOME, guards=(G.FILED_HERE,)),
        Rule(S.FILED, A.CLOSE, S.CLOSED, CITY, N.OUTCOME, guards=(G.FILED_BY_CITY,)),
        Rule(S.FILED, A.EXTEND, S.FILED, STAFF, N.REASON, guards=(G.FILED_HERE, G.EXTENDABLE)),
        Rule(S.FILED, A.EXTEND, S.FILED, CITY, N.REASON, guards=(G.FILED_BY_CITY, G.EXTENDABLE)),
        Rule(S.FILED, A.POLICE, S.POLICE, STAFF, N.REASON, guards=(G.FILED_HERE, G.COUNTERFEIT)),
        Rule(S.FILED, A.POLICE, S.POLICE, CITY, N.REASON, guards=(G.FILED_BY_CITY, G.COUNTERFEIT)),
        Rule(S.FILED, A.REQUEST_INFO, S.AWAITING_INFO, STAFF, N.QUESTION, guards=(G.FILED_HERE,)),
        Rule(S.FILED, A.REQUEST_INFO, S.AWAITING_INFO, CITY, N.QUESTION, guards=(G.FILED_BY_CITY,)),
        Rule(S.REVIEW, A.REOPEN, S.ACCEPTED, CITY, N.REASON),
        Rule(S.REVIEW, A.UPHOLD, BACK, CITY, N.REASON),
    ]
    for status in OPEN - {Status.RETURNED}:
        rules.append(Rule(status, A.ASSIGN, S.NEW, CITY, N.COUNTY))
    rules.append(Rule(S.RETURNED, A.ASSIGN, S.NEW, CITY, N.COUNTY))
    for status in ENDS:
        rules.append(
            Rule(status, A.RATE, status, CITIZEN, N.RATING, frozenset({T.CITY_ALERT}), (G.NOT_RATED,))
        )
        rules.append(
            Rule(
                status,
                A.REQUEST_REVIEW,
                S.REVIEW,
                CITIZEN,
                N.NOTHING,
                frozenset({T.CITIZEN, T.CITY_ALERT}),
                (G.NOT_REVIEWED,),
            )
        )
    for status in Status:
        rules.append(Rule(status, A.VIEW_CONTACT, status, STAFF, tells=quiet))
        rules.append(Rule(status, A.VIEW_EVIDENCE, status, STAFF, tells=quiet))
    return rules


RULES: tuple[Rule, ...] = tuple(_rules())


@dataclass(frozen=True)
class LeadFacts:
    """What `decide()` needs to know of a lead."""

    status: Status
    kind: str
    filing: Filing
    """Who files this kind of lead as a case (config `[casework.filing]`)."""
    transferred_in: bool = False
    city_assigned: bool = False
    rated: bool = False
    reviewed: bool = False
    extendable: bool = False
    """Its kind has an extension period (config `[deadlines]`) and it has not been used."""


def _holds(guard: Guard, lead: LeadFacts) -> bool:
    return {
        Guard.TRANSFERRED_IN: lead.transferred_in,
        Guard.NOT_TRANSFERRED_IN: not lead.transferred_in,
        Guard.NOT_CITY_ASSIGNED: not lead.city_assigned,
        Guard.OTHER_IP: lead.kind == "other_ip",
        Guard.COUNTERFEIT: lead.kind == "counterfeit",
        Guard.NOT_FILED: lead.filing is Filing.NONE,
        Guard.FILED_HERE: lead.filing is Filing.COUNTY,
        Guard.FILED_BY_CITY: lead.filing is Filing.CITY,
        Guard.NOT_RATED: not lead.rated,
        Guard.NOT_REVIEWED: not lead.reviewed,
        Guard.EXTENDABLE: lead.extendable,
    }[guard]


def staff_roles(is_queue_staff: bool, is_city_staff: bool, queue_is_city: bool) -> frozenset[Role]:
    """A county's staff act as QUEUE; the city's as CITY, also on the leads in its own queue, so
    the county-only steps (转派, 退回, 移交市局) never appear at the city, which 指派s instead."""
    roles = set()
    if is_city_staff or (is_queue_staff and queue_is_city):
        roles.add(Role.CITY)
    elif is_queue_staff:
        roles.add(Role.QUEUE)
    return frozenset(roles)


class Refusal(StrEnum):
    NOT_IN_STATUS = "not_in_status"  # the action does not exist in this status (stale card)
    NOT_ALLOWED = "not_allowed"  # it exists, but not for this role or these facts
    NOT_STAFF = "not_staff"


@dataclass(frozen=True)
class Decision:
    rule: Rule
    to: Status


def rules_for(status: Status, action: Action) -> list[Rule]:
    return [r for r in RULES if r.status is status and r.action is action]


def decide(
    lead: LeadFacts, action: Action, roles: frozenset[Role], resume: Status | None = None
) -> Decision | Refusal:
    """The rule that lets `roles` take `action` on `lead`, or why not. `resume`: the status a
    waiting lead returns to (BACK)."""
    if not roles:
        return Refusal.NOT_STAFF
    candidates = rules_for(lead.status, action)
    if not candidates:
        return Refusal.NOT_IN_STATUS
    for rule in candidates:
        if rule.roles & roles and all(_holds(g, lead) for g in rule.guards):
            to = rule.to if rule.to is not BACK else resume
            if to is None:
                return Refusal.NOT_ALLOWED
            return Decision(rule, to)
    return Refusal.NOT_ALLOWED


def allowed_actions(lead: LeadFacts, roles: frozenset[Role]) -> list[Action]:
    """The actions these roles may take now, in the table's order: a card's buttons."""
    seen: dict[Action, None] = {}
    for rule in RULES:
        allowed = isinstance(decide(lead, rule.action, roles, resume=lead.status), Decision)
        if rule.status is lead.status and rule.action not in seen and allowed:
            seen[rule.action] = None
    return list(seen)
