"""mesocourse.mastery: mastery per module from the latest attempts, what is left, weakest objectives, the report."""

import re
from dataclasses import replace

import pytest

from mesocourse.bank import DEFAULT_PASS_MARK, Bank, BankError, Question, course_bank
from mesocourse.look import GRAPHIC_CONTRAST, OKABE_ITO, contrast_ratio
from mesocourse.mastery import (
    NOT_YET_COLOUR,
    PASSED_COLOUR,
    ProgressPage,
    bar_caption,
    course_mastery,
    mastery_figure,
    module_mastery,
    progress_report_html,
    still_to_do,
    weakest_objectives,
)
from mesocourse.modules import Module, quiz_modules
from mesocourse.paths import NOTEBOOKS
from mesocourse.progress import ProgressStore
from mesocourse.quiz.widgets import build_quiz

LEARNER = "nurse-a"


def make_bank(name: str, objectives: dict[str, int], pass_mark: float = DEFAULT_PASS_MARK) -> Bank:
    """A bank with the given number of questions per objective (ids q1, q2, ... in order)."""
    questions, number = [], 0
    for objective, count in objectives.items():
        for _ in range(count):
            number += 1
            questions.append(
                Question(
                    id=f"q{number}",
                    kind="single",
                    objective=objective,
                    prompt="?",
                    explanation="Because.",
                    references=(),
                )
            )
    return Bank(
        name=name,
        module=name[:2],
        title=name,
        questions=tuple(questions),
        source="test",
        pass_mark=pass_mark,
        objectives=tuple(objectives),
    )


def make_module(number: str, bank: Bank, minutes: int = 30) -> Module:
    return Module(f"{number}.00-Module-{number}.ipynb", f"Module {number}", minutes, ("objective",), bank.name)


def record(store, bank: Bank, answers: dict[str, bool], learner: str = LEARNER) -> None:
    """Record one attempt per question id, in the order given."""
    for question_id, correct in answers.items():
        objective = bank.question(question_id).objective if question_id.startswith("q") else ""
        store.record(bank.name, question_id, "A", correct, objective, learner)


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "progress.sqlite")


@pytest.fixture
def two_modules():
    first = make_bank("01-first", {"Know A": 5, "Know B": 5})
    second = make_bank("02-second", {"Know C": 4})
    banks = {bank.name: bank for bank in (first, second)}
    return [make_module("01", first), make_module("02", second)], banks


def mastery_of(store, two_modules, learner=LEARNER):
    modules, banks = two_modules
    return course_mastery(store, learner, modules=modules, load_bank=banks.__getitem__)


def test_latest_attempt_decides_whether_a_question_counts(store, two_modules):
    """Wrong then right counts as right; right then wrong counts as not right."""
    _, banks = two_modules
    record(store, banks["01-first"], {"q1": False})
    record(store, banks["01-first"], {"q1": True, "q2": True})
    record(store, banks["01-first"], {"q2": False})
    first = mastery_of(store, two_modules)[0]
    assert (first.correct, first.attempted, first.total) == (1, 2, 10)
    assert first.share == pytest.approx(0.1)


def test_attempts_at_questions_no_longer_in_the_bank_are_ignored(store, two_modules):
    """An attempt whose question id left the bank neither adds a right answer nor an answered question."""
    _, banks = two_modules
    store.record("01-first", "removed-question", "A", True, "Know A", LEARNER)
    first = mastery_of(store, two_modules)[0]
    assert (first.correct, first.attempted) == (0, 0)


def test_other_learners_attempts_do_not_count(store, two_modules):
    """Mastery is per learner: another learner's right answers in the same file do not count."""
    _, banks = two_modules
    record(store, banks["02-second"], {f"q{n}": True for n in range(1, 5)}, learner="nurse-b")
    assert mastery_of(store, two_modules)[1].correct == 0
    assert mastery_of(store, two_modules, learner="nurse-b")[1].passed


@pytest.mark.parametrize(
    ("right", "passed", "still_needed"), [(8, True, 0), (7, False, 1), (10, True, 0), (0, False, 8)]
)
def test_default_pass_mark_boundary(store, two_modules, right, passed, still_needed):
    """With the default pass mark (80%) 8 of 10 right passes, 7 does not, and the shortfall is counted."""
    _, banks = two_modules
    record(store, banks["01-first"], {f"q{n}": n <= right for n in range(1, 11)})
    first = mastery_of(store, two_modules)[0]
    assert first.pass_mark == DEFAULT_PASS_MARK
    assert (first.passed, first.still_needed) == (passed, still_needed)


def test_a_banks_own_pass_mark_is_used(store):
    """A bank that sets pass_mark 0.5 is passed at 50%: mastery uses the bank's mark, not a second constant."""
    bank = make_bank("03-lenient", {"Know D": 4}, pass_mark=0.5)
    record(store, bank, {"q1": True, "q2": True, "q3": False})
    result = module_mastery(make_module("03", bank), bank, store.latest(bank.name, LEARNER))
    assert result.passed and result.needed == 2


@pytest.mark.parametrize("wrong_answers", [0, 3, 4])
def test_passed_agrees_with_what_the_quiz_tells_the_learner(store, wrong_answers):
    """After answering a real quiz through its widgets, mastery says passed exactly when the quiz's score does."""
    module = quiz_modules()[0]
    quiz = build_quiz(module.bank, learner=LEARNER, store=store)
    for number, view in enumerate(quiz.questions):
        answer_right = number >= wrong_answers
        question = view.question
        if question.kind == "single":
            wanted = next(i for i, option in enumerate(question.options) if option.correct == answer_right)
            view.choose(wanted)
        elif question.kind == "multiple":
            for position, index in enumerate(view.order):
                view.checkboxes[position].value = question.options[index].correct == answer_right
        else:
            view.text_box.value = str(question.answer if answer_right else question.answer + question.tolerance + 1000)
        view.check_button.click()
    quiz_says_passed = "You reached the pass mark" in quiz.score_label.value
    result = module_mastery(module, quiz.bank, store.latest(module.bank, LEARNER))
    assert result.correct == len(quiz.questions) - wrong_answers
    assert result.passed == quiz_says_passed


def test_weakest_objectives_are_practised_ones_below_full_marks_weakest_first(store, two_modules):
    """Objectives never tried or fully right are not weak spots; the rest come lowest share first."""
    _, banks = two_modules
    record(
        store, banks["01-first"], {"q1": True, "q2": False, "q6": True, "q7": True, "q8": True, "q9": True, "q10": True}
    )
    record(store, banks["02-second"], {"q1": False})
    weakest = weakest_objectives(mastery_of(store, two_modules))
    assert [(item.objective, item.correct, item.total) for item in weakest] == [("Know C", 0, 4), ("Know A", 1, 5)]
    assert weakest[0].module.notebook == "02.00-Module-02.ipynb"


def test_weakest_objectives_respects_the_limit(store):
    """Only the requested number of weak spots is returned."""
    bank = make_bank("04-many", {f"Objective {n}": 2 for n in range(6)})
    record(store, bank, {f"q{n}": n % 2 == 0 for n in range(1, 13)})
    masteries = [module_mastery(make_module("04", bank), bank, store.latest(bank.name, LEARNER))]
    assert len(weakest_objectives(masteries, limit=2)) == 2


def test_still_to_do_names_unpassed_modules_with_what_is_missing(store, two_modules):
    """Not-started modules give their time and quiz size; started ones how many more must be right."""
    _, banks = two_modules
    record(store, banks["01-first"], {f"q{n}": True for n in range(1, 7)})
    todo = still_to_do(mastery_of(store, two_modules))
    assert len(todo) == 2
    assert "01.00 Module 01" in todo[0] and "6 of 10 right now" in todo[0] and "get 2 more right" in todo[0]
    assert "4 not answered yet" in todo[0]
    assert "not started" in todo[1] and "About 30 minutes" in todo[1] and "need 4 right" in todo[1]
    assert 'href="02.00-Module-02.ipynb"' in todo[1]


def test_passed_modules_are_not_in_what_is_left(store, two_modules):
    """A passed module is no longer listed as something to do."""
    _, banks = two_modules
    record(store, banks["02-second"], {f"q{n}": True for n in range(1, 5)})
    todo = still_to_do(mastery_of(store, two_modules))
    assert len(todo) == 1 and "Module 01" in todo[0]


def test_report_without_any_attempt_is_a_friendly_message_without_chart(store, two_modules):
    """No attempts yet: a welcome in words, a link to the first module, the list of modules; no chart, no error."""
    report = progress_report_html(mastery_of(store, two_modules))
    assert "You have not answered any quiz questions yet" in report
    assert 'Start with <a href="01.00-Module-01.ipynb">' in report
    assert "<img" not in report
    assert report.count("not started") == 2


def test_report_with_attempts_has_chart_with_alt_table_todo_and_focus(store, two_modules):
    """With attempts the report holds the chart (with alt text), the table, what is left and where to focus."""
    _, banks = two_modules
    record(store, banks["01-first"], {f"q{n}": n != 3 for n in range(1, 11)})
    report = progress_report_html(mastery_of(store, two_modules))
    alt = re.search(r'<img [^>]*alt="([^"]+)"', report).group(1)
    assert "01.00 Module 01: 90% (9 of 10), passed" in alt and "02.00 Module 02: not started" in alt
    assert "You have passed 1 of 2 module quizzes" in report
    assert "✔ Passed" in report and "– Not started" in report
    assert "What is left to do" in report and "Where to focus" in report
    assert "Know A: 4 of 5 questions right" in report


def test_report_when_everything_is_passed_points_to_the_certificate(store, two_modules):
    """All quizzes passed: the report says so and points to the certificate."""
    _, banks = two_modules
    record(store, banks["01-first"], {f"q{n}": True for n in range(1, 11)})
    record(store, banks["02-second"], {f"q{n}": True for n in range(1, 5)})
    report = progress_report_html(mastery_of(store, two_modules))
    assert "You have passed all 2 module quizzes" in report and "certificate" in report
    assert "Nothing: every module quiz is passed." in report


def test_report_for_a_course_without_quizzes_says_so():
    """No quiz modules at all gives a plain sentence, not an empty chart."""
    assert "no module quizzes yet" in progress_report_html([])


def test_chart_is_colour_blind_safe_and_never_colour_alone(store, two_modules):
    """Bars use Okabe-Ito colours with 3:1 contrast on white; not-passed bars are hatched and every bar has words."""
    _, banks = two_modules
    record(store, banks["01-first"], {f"q{n}": True for n in range(1, 11)})
    record(store, banks["02-second"], {"q1": True})
    figure, _ = mastery_figure(mastery_of(store, two_modules))
    bars = figure.axes[0].patches
    assert {PASSED_COLOUR, NOT_YET_COLOUR} <= set(OKABE_ITO.values())
    for colour in (PASSED_COLOUR, NOT_YET_COLOUR):
        assert contrast_ratio(colour, "#ffffff") >= GRAPHIC_CONTRAST
    assert not bars[0].get_hatch() and bars[1].get_hatch()
    texts = [text.get_text() for text in figure.axes[0].texts]
    assert "100% (10 of 10), passed" in texts and "25% (1 of 4), not yet passed" in texts
    assert "pass mark 80%" in texts


def test_progress_page_refresh_shows_new_attempts(store, two_modules):
    """The refresh button re-reads the record: an answer given after the page was opened appears."""
    modules, banks = two_modules
    page = ProgressPage(store, LEARNER, modules, banks.__getitem__)
    assert "not answered any quiz questions yet" in page.html
    record(store, banks["02-second"], {f"q{n}": True for n in range(1, 5)})
    page.refresh_button.click()
    assert "You have passed 1 of 2 module quizzes" in page.html


def test_progress_page_with_a_broken_bank_explains_instead_of_failing(store, two_modules):
    """A bank that cannot be loaded gives a plain message for the trainer, not a traceback."""
    modules, _ = two_modules

    def broken(name):
        raise BankError(f"assets/questions/{name}.yaml", "the file is empty")

    page = ProgressPage(store, LEARNER, modules, broken)
    assert "could not be loaded" in page.html and "the file is empty" in page.html


def test_report_links_of_the_real_course_point_to_existing_notebooks(store):
    """Every module link on the real progress page opens a notebook that exists next to it."""
    report = progress_report_html(course_mastery(store, LEARNER))
    links = set(re.findall(r'href="([^"]+)"', report))
    assert links, "the report should link to the modules"
    for link in links:
        assert (NOTEBOOKS / link).exists(), link


def test_real_course_mastery_covers_every_quiz_module_in_order(store):
    """course_mastery reads every quiz module of assets/modules.yaml with its own bank, in reading order."""
    masteries = course_mastery(store, LEARNER)
    assert [m.module for m in masteries] == list(quiz_modules())
    assert all(m.total == len(course_bank(m.module.bank).questions) for m in masteries)


def safety_bank() -> Bank:
    """Ten questions, the last one a must-pass safety question."""
    bank = make_bank("05-safety", {"Know E": 10})
    questions = list(bank.questions)
    questions[-1] = replace(questions[-1], must_pass=True, prompt="Would you stop a prescribed blood thinner?")
    return replace(bank, questions=tuple(questions))


def test_a_wrong_safety_question_fails_the_module_whatever_the_score(store):
    """Nine of ten right is above the pass mark, but with the must-pass question wrong the module is not passed."""
    bank = safety_bank()
    record(store, bank, {f"q{n}": n != 10 for n in range(1, 11)})
    result = module_mastery(make_module("05", bank), bank, store.latest(bank.name, LEARNER))
    assert result.score_reached and not result.passed
    assert [q.id for q in result.safety_missing] == ["q10"]
    assert "not yet passed: a safety question is wrong" in bar_caption(result)


def test_the_latest_attempt_at_a_safety_question_decides(store):
    """Right first, then wrong on the last attempt: not passed; wrong, then right at the last attempt: passed."""
    bank = safety_bank()
    record(store, bank, {f"q{n}": True for n in range(1, 11)})
    record(store, bank, {"q10": False})
    assert not module_mastery(make_module("05", bank), bank, store.latest(bank.name, LEARNER)).passed
    record(store, bank, {"q10": True})
    assert module_mastery(make_module("05", bank), bank, store.latest(bank.name, LEARNER)).passed


def test_progress_page_names_the_wrong_safety_question(store):
    """What is left to do says a safety question must be right, and which one."""
    bank = safety_bank()
    record(store, bank, {f"q{n}": n != 10 for n in range(1, 11)})
    result = module_mastery(make_module("05", bank), bank, store.latest(bank.name, LEARNER))
    todo = " ".join(still_to_do([result]))
    assert "safety question must be right to pass, whatever the score" in todo
    assert "Would you stop a prescribed blood thinner?" in todo
    assert "(a safety question is wrong)" in progress_report_html([result])


def test_every_quiz_module_has_must_pass_safety_questions():
    """Each clinical module's bank marks a small set (one to four) of must-pass safety questions."""
    for module in quiz_modules():
        bank = course_bank(module.bank)
        if bank.module in ("00",):
            continue
        assert 1 <= len(bank.must_pass) <= 4, (bank.name, len(bank.must_pass))


def test_progress_page_shows_the_learners_case_answers(store):
    """A case decided right and one decided wrong appear on the progress page, with the number of cases."""
    from mesocourse.cases.model import CASES_BANK, course_cases

    first, second = course_cases()[:2]
    page = ProgressPage(store, LEARNER)
    assert f"You have not tried the {len(course_cases())} patient cases yet" in page.html
    store.record(CASES_BANK, f"{first.id}-decision", "a", True, learner=LEARNER)
    store.record(CASES_BANK, f"{second.id}-decision", "b", False, learner=LEARNER)
    page._on_refresh()
    assert f"You have tried 2 of the {len(course_cases())} patient cases" in page.html
    assert "your latest decision was right in 1 of them" in page.html
