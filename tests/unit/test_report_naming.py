from bot.reports.summary import most_overdue


def test_the_counties_tied_with_the_last_named_are_named_too():
    rows = [("平遥县", 2, 1, 1), ("榆次区", 1, 0, 0), ("太谷区", 1, 0, 0)]
    rows += [("祁县", 1, 0, 0), ("介休市", 1, 0, 0)]
    assert [name for name, _ in most_overdue(rows)] == ["平遥县", "榆次区", "太谷区", "祁县", "介休市"]


def test_only_the_most_overdue_are_named_when_there_is_no_tie_and_none_without_overdue_leads():
    rows = [("介休市", 1, 0, 0), ("平遥县", 4, 0, 0), ("榆次区", 3, 0, 0)]
    rows += [("祁县", 2, 0, 0), ("灵石县", 0, 0, 0)]
    assert most_overdue(rows) == [("平遥县", 4), ("榆次区", 3), ("祁县", 2)]
    assert most_overdue([("灵石县", 0, 0, 0)]) == []
