"""mesocourse.screening.tables: the decision order, each category's rules and the pre-care, as module 04 shows them."""

import pytest

from mesocourse.screening.rules import screening_data
from mesocourse.screening.tables import decision_order_html, precare_table_html, rules_table_html


def test_decision_order_table_lists_the_decisions_strictest_first_with_the_reason():
    """The table shows the four labels in rank order and explains why doctor review outranks defer."""
    shown = decision_order_html()
    labels = [screening_data().decisions[d]["label"] for d in screening_data().order]
    assert [shown.index(label) for label in labels] == sorted(shown.index(label) for label in labels)
    assert "Doctor review ranks above defer" in shown


@pytest.mark.parametrize("category", [c for c in screening_data().categories])
def test_each_category_table_lists_exactly_its_rules(category):
    """A category's table names every rule of that category and none of the others."""
    shown = rules_table_html(category)
    for rule in screening_data().rules:
        assert (f"<strong>{rule.title}</strong>" in shown) == (rule.category == category), rule.id


def test_an_unknown_category_is_a_clear_error():
    """Asking for a category that does not exist names the known ones."""
    with pytest.raises(KeyError, match="known"):
        rules_table_html("maybe")


def test_precare_table_shows_each_source_and_the_courses_choice():
    """The waiting-time rows show every source's figure and the safer wait the course teaches."""
    shown = precare_table_html()
    assert "at least 2 weeks" in shown and "1 week" in shown and "24 to 48 hours" in shown
    assert "<strong>14 days</strong>" in shown and "<strong>7 days</strong>" in shown
    assert "<strong>48 hours</strong>" in shown
