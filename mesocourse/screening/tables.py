"""The screening rules as HTML tables for module 04: the decision order, each category's rules and the pre-care."""

import html

from IPython.display import HTML

from mesocourse.assets import AssetError
from mesocourse.look import table_html, unavailable
from mesocourse.screening.rules import decision_label, describe_trigger, screening_data


def _refs(keys) -> str:
    return f"<small>[{', '.join(keys)}]</small>"


def decision_order_html() -> str:
    """The four decisions, strictest first, with what each means and why doctor review outranks defer."""
    data = screening_data()
    rows = [
        [
            str(rank),
            f"<strong>{html.escape(data.decisions[d]['label'])}</strong>",
            html.escape(data.decisions[d]["meaning"]),
        ]
        for rank, d in enumerate(data.order, start=1)
    ]
    return table_html(["Rank", "Decision", "What it means"], rows) + f"<p>{html.escape(data.order_reason)}</p>"


def rules_table_html(category: str) -> str:
    """The rules of one category: when each applies, what staff do, and the sources."""
    data = screening_data()
    if category not in data.categories:
        raise KeyError(f"no rule category {category!r}; known: {', '.join(data.categories)}")
    rows = []
    for rule in data.rules:
        if rule.category != category:
            continue
        evidence = f"<br><em>{html.escape(rule.evidence)}</em>" if rule.evidence else ""
        rows.append(
            [
                f"<strong>{html.escape(rule.title)}</strong>",
                html.escape(describe_trigger(rule)),
                f"{html.escape(decision_label(rule.decision))}: {html.escape(rule.staff_action)}{evidence}",
                _refs(rule.references),
            ]
        )
    return table_html(["Finding", "On the form", "Decision and what you do", "Sources"], rows)


def precare_table_html() -> str:
    """Pre-care given to every patient: what the sources say, what the course teaches, what the patient is told."""
    rows = []
    for rule in screening_data().rules:
        instruction = rule.patient_instruction
        if instruction is None or instruction.given != "always":
            continue
        wait = rule.waiting_time
        if wait:
            says = (
                "<ul style='margin:0'>"
                + "".join(f"<li>{html.escape(text)} {_refs(keys)}</li>" for text, keys in wait.sources)
                + "</ul>"
            )
            course = f"<strong>{html.escape(wait.text())}</strong>"
        else:
            says = f"{html.escape(rule.explanation)} {_refs(rule.references)}"
            course = html.escape(rule.staff_action)
        told = html.escape(instruction.text.replace("{wait}", wait.text() if wait else ""))
        rows.append([f"<strong>{html.escape(rule.title)}</strong>", says, course, told])
    return table_html(
        ["Before the visit", "What the sources say", "What the course teaches", "What the patient is told"], rows
    )


def _shown(make_html, what: str) -> HTML:
    try:
        return HTML(make_html())
    except AssetError as problem:
        return unavailable(what, problem)


def decision_order() -> HTML:
    """The decision order table for the notebook."""
    return _shown(decision_order_html, "decision order")


def rules_table(category: str) -> HTML:
    """One category's rules as a table for the notebook."""
    return _shown(lambda: rules_table_html(category), "rules table")


def precare_table() -> HTML:
    """The pre-care table for the notebook."""
    return _shown(precare_table_html, "pre-care table")
