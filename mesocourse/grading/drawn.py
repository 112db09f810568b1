"""The course engines a graded question can draw its right answer from, for each learner's own numbers or patient.

An engine turns a question's drawn parameters into the right answer (a number, or one of a fixed list of
options such as the four screening decisions) and into the words its templates may use. The answer always comes
from the course's own engine (skin, screening, aftercare), so a source that changes its rules changes every key.
"""

import math
from dataclasses import dataclass


def _sin(angle_deg, places: int) -> str:
    return f"{round(math.sin(math.radians(angle_deg)), places):g}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _reference_list(keys, most: int = 4) -> str:
    return " ".join(f"[{key}]" for key in list(dict.fromkeys(keys))[:most])


@dataclass(frozen=True)
class Drawn:
    """What an engine says for one set of parameters: the answer and the words the templates may use."""

    answer: object  # a number, or the id of the right option
    words: dict


class NeedleDepth:
    """Depth of a needle tip from its length and angle (skin engine); a number question."""

    options = None

    def draw(self, spec: dict, parameters: dict, decimals: int) -> Drawn:
        """The engine's depth, rounded as the question asks, and sin values for the stem."""
        from mesocourse.skin.model import needle_depth

        answer = round(needle_depth(parameters["length_mm"], parameters["angle_deg"]), decimals)
        words = {name: f"{value:g}" for name, value in parameters.items()}
        words |= {"sin": _sin(parameters["angle_deg"], 2), "sin3": _sin(parameters["angle_deg"], 3)}
        words["answer"] = f"{answer:.{decimals}f}"
        return Drawn(answer, words)

    def by_hand(self, words: dict) -> float:
        """The depth a learner works out from the stem's own numbers (the sine as the stem rounds it)."""
        return float(words["length_mm"]) * float(words["sin"])


class ScreeningDecision:
    """The screening decision for a patient made of drawn findings (screening rules); a one-letter question."""

    def options(self, spec: dict) -> list[tuple[str, str]]:
        """The four decisions as (id, label), strictest first, as the screening data lists them."""
        from mesocourse.screening.rules import screening_data

        return [(key, info["label"]) for key, info in screening_data().decisions.items()]

    def draw(self, spec: dict, parameters: dict, decimals: int) -> Drawn:
        """Screen the intake the drawn findings make; the words name the findings, decision, reasons and sources."""
        from mesocourse.screening.rules import decision_label, screen

        pool = spec["findings"]
        chosen = list(dict.fromkeys(value for name, value in parameters.items() if name != "age" and value in pool))
        intake = {"age": parameters["age"], **spec.get("intake", {})}
        for name in chosen:
            intake |= pool[name]["intake"]
        decision = screen(intake)
        found = [pool[name]["words"] for name in chosen]
        reasons = " ".join(
            f"{f.rule.title}: {_lower_first(decision_label(f.rule.decision))}." for f in decision.findings
        )
        keys = [key for finding in decision.findings for key in finding.rule.references[:2]]
        words = {
            "age": f"{parameters['age']:g}",
            "findings": " and that ".join(found),
            "decision": decision.label,
            "reasons": reasons,
            "refs": _reference_list(keys),
        }
        return Drawn(decision.outcome, words)


class CallUrgency:
    """How urgent a patient's call is, from the day after treatment and the symptom (aftercare lookup)."""

    def options(self, spec: dict) -> list[tuple[str, str]]:
        """The urgency levels as (id, label), least urgent first."""
        from mesocourse.aftercare.model import urgency_levels

        return [(level.name, level.label) for level in urgency_levels()]

    def draw(self, spec: dict, parameters: dict, decimals: int) -> Drawn:
        """advice_for(day, symptom): the level is the key; the words hold the day, symptom, staff note and sources."""
        from mesocourse.aftercare.model import advice_for

        advice = advice_for(parameters["day"], parameters["symptom"])
        words = {
            "day": f"{advice.day:g}",
            "symptom": _lower_first(advice.symptom_label),
            "urgency": advice.urgency_label,
            "staff": advice.staff.strip(),
            "refs": _reference_list(advice.references),
        }
        return Drawn(advice.urgency, words)


ENGINES = {"needle_depth": NeedleDepth(), "screening_decision": ScreeningDecision(), "call_urgency": CallUrgency()}
