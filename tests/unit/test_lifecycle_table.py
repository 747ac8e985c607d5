"""The lifecycle table, every status × action × role: allowed or refused, and where it leads."""

from __future__ import annotations

import itertools

import pytest

from bot.casework.lifecycle import (
    ENDS,
    RULES,
    Action,
    Decision,
    Filing,
    LeadFacts,
    Refusal,
    Role,
    Status,
    allowed_actions,
    decide,
    staff_roles,
)

KINDS = {
    "infringement": Filing.CITY,
    "counterfeit": Filing.COUNTY,
    "other_ip": Filing.NONE,
    "assistance": Filing.NONE,
}
ROLE_SETS = [frozenset({r}) for r in Role]


def facts(status: Status, kind: str = "infringement", **more: bool) -> LeadFacts:
    return LeadFacts(status, kind, KINDS[kind], **more)


def test_every_rule_names_a_status_the_enum_has_and_no_pair_is_ambiguous():
    for rule in RULES:
        assert rule.status in Status and rule.action in Action
    for status, action in itertools.product(Status, Action):
        rules = [r for r in RULES if r.status is status and r.action is action]
        for a, b in itertools.combinations(rules, 2):
            assert not (a.roles & b.roles and set(a.guards) == set(b.guards)), (status, action)


@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("action", list(Action))
@pytest.mark.parametrize("roles", ROLE_SETS, ids=lambda r: next(iter(r)).value)
@pytest.mark.parametrize("kind", list(KINDS))
def test_every_decision_is_a_rule_of_the_table_or_a_refusal(status, action, roles, kind):
    lead = facts(status, kind)
    result = decide(lead, action, roles, resume=Status.ACCEPTED)
    if isinstance(result, Decision):
        assert result.rule in RULES and result.rule.status is status and result.rule.roles & roles
    else:
        assert isinstance(result, Refusal)
        assert action not in allowed_actions(lead, roles)


@pytest.mark.parametrize(
    ("status", "action", "roles", "kind", "expected"),
    [
        (Status.NEW, Action.ACCEPT, Role.QUEUE, "infringement", Status.ACCEPTED),
        (Status.NEW, Action.ACCEPT, Role.CITY, "infringement", Status.ACCEPTED),
        (Status.NEW, Action.ACCEPT, Role.CITIZEN, "infringement", Refusal.NOT_ALLOWED),
        (Status.NEW, Action.TRANSFER, Role.QUEUE, "infringement", Status.NEW),
        (Status.NEW, Action.TRANSFER, Role.CITY, "infringement", Refusal.NOT_ALLOWED),
        (Status.NEW, Action.ASSIGN, Role.CITY, "infringement", Status.NEW),
        (Status.NEW, Action.ASSIGN, Role.QUEUE, "infringement", Refusal.NOT_ALLOWED),
        (Status.NEW, Action.FILE, Role.QUEUE, "counterfeit", Refusal.NOT_IN_STATUS),
        (Status.ACCEPTED, Action.FILE, Role.QUEUE, "infringement", Refusal.NOT_ALLOWED),  # facts 2.6
        (Status.ACCEPTED, Action.FILE, Role.CITY, "infringement", Status.FILED),
        (Status.ACCEPTED, Action.FILE, Role.QUEUE, "counterfeit", Status.FILED),
        (Status.ACCEPTED, Action.FILE, Role.QUEUE, "assistance", Refusal.NOT_ALLOWED),
        (Status.ACCEPTED, Action.CLOSE, Role.QUEUE, "assistance", Status.CLOSED),
        (Status.ACCEPTED, Action.CLOSE, Role.QUEUE, "counterfeit", Refusal.NOT_ALLOWED),
        (Status.ACCEPTED, Action.HAND_UP, Role.QUEUE, "infringement", Status.HANDED_UP),
        (Status.ACCEPTED, Action.HAND_UP, Role.CITY, "infringement", Refusal.NOT_ALLOWED),
        (Status.ACCEPTED, Action.REFER, Role.QUEUE, "other_ip", Status.REFERRED),
        (Status.ACCEPTED, Action.REFER, Role.QUEUE, "infringement", Refusal.NOT_ALLOWED),
        (Status.HANDED_UP, Action.FILE, Role.QUEUE, "infringement", Refusal.NOT_ALLOWED),
        (Status.HANDED_UP, Action.FILE, Role.CITY, "infringement", Status.FILED),
        (Status.FILED, Action.CLOSE, Role.QUEUE, "infringement", Refusal.NOT_ALLOWED),
        (Status.FILED, Action.CLOSE, Role.CITY, "infringement", Status.CLOSED),
        (Status.FILED, Action.POLICE, Role.QUEUE, "counterfeit", Status.POLICE),
        (Status.FILED, Action.POLICE, Role.CITY, "infringement", Refusal.NOT_ALLOWED),  # no crime (9.1)
        (Status.FILED, Action.REQUEST_INFO, Role.QUEUE, "counterfeit", Status.AWAITING_INFO),
        (Status.AWAITING_INFO, Action.INFO_DONE, Role.CITIZEN, "infringement", Status.ACCEPTED),
        (Status.AWAITING_INFO, Action.INFO_DONE, Role.QUEUE, "infringement", Status.ACCEPTED),
        (Status.RETURNED, Action.ASSIGN, Role.CITY, "infringement", Status.NEW),
        (Status.RETURNED, Action.ACCEPT, Role.QUEUE, "infringement", Refusal.NOT_ALLOWED),
        (Status.CLOSED, Action.RATE, Role.CITIZEN, "infringement", Status.CLOSED),
        (Status.CLOSED, Action.RATE, Role.CITY, "infringement", Refusal.NOT_ALLOWED),
        (Status.CLOSED, Action.REQUEST_REVIEW, Role.CITIZEN, "infringement", Status.REVIEW),
        (Status.REVIEW, Action.REOPEN, Role.CITY, "infringement", Status.ACCEPTED),
        (Status.REVIEW, Action.REOPEN, Role.QUEUE, "infringement", Refusal.NOT_ALLOWED),
        (Status.REVIEW, Action.UPHOLD, Role.CITY, "infringement", Status.ACCEPTED),  # back to resume
        (Status.CLOSED, Action.ACCEPT, Role.QUEUE, "infringement", Refusal.NOT_IN_STATUS),
    ],
)
def test_the_steps_staff_and_citizens_take(status, action, roles, kind, expected):
    result = decide(facts(status, kind), action, frozenset({roles}), resume=Status.ACCEPTED)
    assert (result.to if isinstance(result, Decision) else result) == expected


def test_a_lead_transferred_in_can_be_returned_but_not_transferred_on():
    lead = facts(Status.NEW, transferred_in=True)
    assert allowed_actions(lead, frozenset({Role.QUEUE})) == [
        Action.ACCEPT,
        Action.RETURN,
        Action.REJECT,
        Action.VIEW_CONTACT,
        Action.VIEW_EVIDENCE,
    ]


def test_the_citys_assignment_stands_the_county_can_neither_return_nor_transfer_it():
    lead = facts(Status.NEW, transferred_in=False, city_assigned=True)
    assert decide(lead, Action.RETURN, frozenset({Role.QUEUE})) is Refusal.NOT_ALLOWED
    assert decide(lead, Action.TRANSFER, frozenset({Role.QUEUE})) is Refusal.NOT_ALLOWED
    assert isinstance(decide(lead, Action.ASSIGN, frozenset({Role.CITY})), Decision)


@pytest.mark.parametrize("status", sorted(ENDS))
def test_a_citizen_rates_once_and_asks_for_a_review_once(status):
    assert decide(facts(status, rated=True), Action.RATE, frozenset({Role.CITIZEN})) is Refusal.NOT_ALLOWED
    assert (
        decide(facts(status, reviewed=True), Action.REQUEST_REVIEW, frozenset({Role.CITIZEN}))
        is Refusal.NOT_ALLOWED
    )


def test_nobody_acts_without_a_role_and_a_waiting_lead_needs_somewhere_to_go_back_to():
    assert decide(facts(Status.NEW), Action.ACCEPT, frozenset()) is Refusal.NOT_STAFF
    assert (
        decide(facts(Status.AWAITING_INFO), Action.INFO_DONE, frozenset({Role.QUEUE})) is Refusal.NOT_ALLOWED
    )


def test_city_staff_never_get_the_county_only_steps_even_on_leads_in_the_citys_own_queue():
    assert staff_roles(False, True, False) == {Role.CITY}
    assert staff_roles(True, False, True) == {Role.CITY}
    assert staff_roles(True, False, False) == {Role.QUEUE}
    assert staff_roles(False, False, False) == frozenset()


def test_every_status_but_the_ends_and_review_can_be_reassigned_by_the_city():
    for status in Status:
        result = decide(facts(status), Action.ASSIGN, frozenset({Role.CITY}))
        assert isinstance(result, Decision) == (status not in ENDS and status is not Status.REVIEW)
