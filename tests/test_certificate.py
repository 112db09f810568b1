"""mesocourse.certificate: refused with the reason until every quiz is passed, then a one-page PDF that says it all."""

import base64
import io
import re
import sqlite3
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader
from test_mastery import make_bank, make_module, record

from mesocourse.bank import DEFAULT_PASS_MARK, course_bank
from mesocourse.certificate import (
    CertificateError,
    CertificateForm,
    CertificateRefused,
    certificate_file_name,
    certificate_pdf,
    clean_name,
    long_date,
    make_certificate,
    refusal_reason,
    spent_text,
)
from mesocourse.mastery import module_mastery
from mesocourse.modules import quiz_modules
from mesocourse.progress import ProgressStore

LEARNER = "nurse-a"
DAY = date(2026, 3, 5)


def pdf_text(pdf: bytes) -> tuple[int, str]:
    """Number of pages and the text of the PDF, whitespace collapsed."""
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def masteries_with(store, results: dict[str, tuple[int, ...]], pass_mark=DEFAULT_PASS_MARK):
    """Fake modules by number with (right, total) or (right, answered, total); the record gets those answers."""
    masteries = []
    for number, counts in results.items():
        right, answered, total = counts if len(counts) == 3 else (counts[0], counts[1], counts[1])
        bank = make_bank(f"{number}-module", {f"Objective {number}": total}, pass_mark)
        record(store, bank, {f"q{n}": n <= right for n in range(1, answered + 1)})
        masteries.append(module_mastery(make_module(number, bank), bank, store.latest(bank.name, LEARNER)))
    return masteries


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "progress.sqlite")


def pass_every_real_quiz(store, learner=LEARNER):
    """Record a right answer to every question of every quiz module of the real course."""
    for module in quiz_modules():
        for question in course_bank(module.bank).questions:
            store.record(module.bank, question.id, "key", True, question.objective, learner)


def test_refused_until_every_module_is_passed_naming_what_is_missing(store):
    """One module short of the pass mark and one not started: refused, and the reason names both with numbers."""
    masteries = masteries_with(store, {"01": (10, 10), "02": (7, 10), "03": (0, 0, 12)})
    with pytest.raises(CertificateRefused) as refused:
        certificate_pdf("Ana Lopez", masteries, DAY, {})
    message = str(refused.value)
    assert "pass mark 80%" in message
    assert "02.00 Module 02 (7 of 10 right, 8 needed)" in message
    assert "03.00 Module 03 (not started)" in message
    assert "01.00" not in message
    assert [m.module.number for m in refused.value.missing] == ["02.00", "03.00"]


def test_threshold_is_the_banks_pass_mark_exactly(store):
    """At exactly the pass mark the certificate is made; one answer below it is refused (same rule as the quiz)."""
    assert refusal_reason(masteries_with(store, {"01": (8, 10)})) is None
    assert "01.00 Module 01" in refusal_reason(masteries_with(store, {"01": (7, 10)}))


def test_a_banks_own_pass_mark_is_the_one_applied(store):
    """A bank with pass_mark 0.5 is passed at 50% for the certificate too (one source of truth: the bank)."""
    assert refusal_reason(masteries_with(store, {"01": (5, 10)}, pass_mark=0.5)) is None


def test_course_without_quizzes_is_refused():
    """With no module quizzes there is nothing to certify, said plainly."""
    with pytest.raises(CertificateRefused, match="no module quizzes"):
        certificate_pdf("Ana Lopez", [], DAY, {})


def test_certificate_is_one_page_with_name_date_modules_and_time_spent(store):
    """The PDF is one page and holds the typed name, the date in words, every module with the time the record shows."""
    masteries = masteries_with(store, {"01": (9, 10), "02": (12, 12)})
    spent = {"01-module": 25 * 60, "02-module": 70 * 60}
    pages, text = pdf_text(certificate_pdf("Ana Lopez", masteries, DAY, spent))
    assert pages == 1
    assert "Certificate of completion" in text and "Ana Lopez" in text
    assert "5 March 2026" in text
    assert "01.00 Module 01" in text and "02.00 Module 02" in text
    assert "25 min" in text and "1 h 10 min" in text and "Time spent on the module quizzes: 1 h 35 min" in text
    assert "passed, 90% right" in text and "passed, 100% right" in text
    assert "not a licence to practise" in text and "pauses between consecutive quiz answers" in text
    # The module's nominal minutes (30 in make_module) are not study time.
    assert "30 min" not in text and "Study time" not in text


def test_certificate_never_prints_the_login_name(store, monkeypatch):
    """The record's learner id (the computer's login name by default) is not printed: only the name typed."""
    monkeypatch.setenv("MESOCOURSE_LEARNER", "")
    monkeypatch.setattr("getpass.getuser", lambda: "root")
    pass_every_real_quiz(store, learner="root")
    _, text = pdf_text(make_certificate("Ana Lopez", store, day=DAY))
    assert "Ana Lopez" in text and "root" not in text.lower()


def test_accented_and_non_latin_names_are_printed(store):
    """Names with accents, Polish, Turkish, Greek or Cyrillic letters come out of the PDF unchanged."""
    name = "Zoë Łukasiewicz-Ğül Ελένη Ольга"
    _, text = pdf_text(certificate_pdf(name, masteries_with(store, {"01": (10, 10)}), DAY, {}))
    assert name in text


def test_long_name_and_many_modules_still_fit_one_page(store):
    """The longest allowed name and twenty modules still give exactly one page with every module on it."""
    masteries = masteries_with(store, {f"{n:02d}": (10, 10) for n in range(1, 21)})
    name = "Maria-Fernanda " + "de la Concepción " * 3 + "Rodríguez y Gasset"
    pages, text = pdf_text(certificate_pdf(name[:80], masteries, DAY, {}))
    assert pages == 1
    assert all(f"{n:02d}.00 Module {n:02d}" in text for n in range(1, 21))


@pytest.mark.parametrize(
    ("name", "problem"),
    [("", "type your name"), ("   ", "type your name"), ("A" * 81, "at most 80"), ("王小明", "cannot print")],
)
def test_unusable_names_get_a_plain_reason(name, problem):
    """An empty, too long or unprintable name is refused with a reason a learner understands."""
    with pytest.raises(CertificateError, match=problem):
        clean_name(name)


def test_names_are_tidied_before_printing():
    """Spaces are collapsed and control characters dropped, so the name prints as meant."""
    assert clean_name("  Ana \t  Lopez\u200b \n") == "Ana Lopez"


def test_time_spent_reads_in_minutes_and_hours():
    """Seconds from the record print as 'under 1 min', whole minutes, or hours and minutes."""
    assert spent_text(20) == "under 1 min" and spent_text(12 * 60) == "12 min"
    assert spent_text(60 * 60) == "1 h 00 min" and spent_text(125 * 60 + 10) == "2 h 05 min"


def test_date_is_written_in_words_whatever_the_locale():
    """Dates read the same everywhere: day, English month name, year."""
    assert long_date(date(2026, 12, 1)) == "1 December 2026"


def test_file_name_is_plain_ascii():
    """The download's file name keeps letters and digits of the name, without accents or spaces."""
    assert certificate_file_name("Zoë  Łukasz", DAY) == "certificate-Zoe-ukasz-2026-03-05.pdf"
    assert certificate_file_name("王", DAY) == "certificate-learner-2026-03-05.pdf"


def test_make_certificate_reads_the_learners_record(store):
    """make_certificate refuses an empty record and certifies once every real module quiz is answered right."""
    with pytest.raises(CertificateRefused, match="not started"):
        make_certificate("Ana Lopez", store, LEARNER, DAY)
    pass_every_real_quiz(store)
    pages, text = pdf_text(make_certificate("Ana Lopez", store, LEARNER, DAY))
    assert pages == 1
    assert all(module.title in text for module in quiz_modules())


def test_form_refuses_with_the_reason_in_words_and_symbol(store):
    """Pressing the button too early shows ✘ with the modules still to pass, and no download link."""
    form = CertificateForm(store, LEARNER, today=lambda: DAY)
    form.name_box.value = "Ana Lopez"
    form.make_button.click()
    assert "✘ Not yet." in form.result.value and "Still to pass" in form.result.value
    assert form.pdf is None and "download=" not in form.result.value


def test_form_asks_for_a_name(store):
    """Without a name the form asks for one instead of making a nameless certificate."""
    pass_every_real_quiz(store)
    form = CertificateForm(store, LEARNER, today=lambda: DAY)
    form.make_button.click()
    assert "Please type your name first" in form.result.value and form.pdf is None


def test_form_offers_the_pdf_once_everything_is_passed(store):
    """With every quiz passed the form shows ✔ and a download link whose data is the certificate PDF."""
    pass_every_real_quiz(store)
    form = CertificateForm(store, LEARNER, today=lambda: DAY)
    form.name_box.value = "Ana Lopez"
    form.make_button.click()
    assert "✔ Your certificate is ready." in form.result.value
    link = re.search(r'download="([^"]+)" href="data:application/pdf;base64,([^"]+)"', form.result.value)
    assert link.group(1) == "certificate-Ana-Lopez-2026-03-05.pdf"
    pdf = base64.b64decode(link.group(2))
    assert pdf == form.pdf and pdf_text(pdf)[1].count("Ana Lopez") >= 1


def test_refused_while_a_safety_question_is_wrong_whatever_the_score(store):
    """Every question right but one must-pass safety question: no certificate, and the reason names the question."""
    bank = make_bank("04-module", {"Objective 04": 10})
    questions = list(bank.questions)
    questions[0] = replace(questions[0], must_pass=True, prompt="Who decides about a relative contraindication?")
    bank = replace(bank, questions=tuple(questions))
    record(store, bank, {f"q{n}": n != 1 for n in range(1, 11)})
    masteries = [module_mastery(make_module("04", bank), bank, store.latest(bank.name, LEARNER))]
    with pytest.raises(CertificateRefused) as refused:
        certificate_pdf("Ana Lopez", masteries, DAY, {})
    assert "Who decides about a relative contraindication?" in str(refused.value)
    assert "every safety question right" in str(refused.value)


@pytest.mark.parametrize("setup", ["file-in-the-way", "old-layout"])
def test_form_reports_an_unreadable_record_in_words(tmp_path, setup):
    """F-22: a progress path under a file, or a record without the objective column, is said in words."""
    if setup == "file-in-the-way":
        (tmp_path / "scratch").write_text("x")
        store = ProgressStore(tmp_path / "scratch" / "progress.sqlite")
    else:
        path = tmp_path / "progress.sqlite"
        with sqlite3.connect(path) as connection:
            connection.execute("CREATE TABLE attempts (id INTEGER PRIMARY KEY, learner TEXT, bank TEXT)")
        connection.close()
        store = ProgressStore(path)
    form = CertificateForm(store=store, learner="ana")
    form.name_box.value = "Ana Lopez"
    form.make_button.click()
    assert "could not" in form.result.value and form.pdf is None
