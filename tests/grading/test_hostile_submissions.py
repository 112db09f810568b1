"""The second review's attacks on a real round (foundations): scripts for the trainer, links, stuck kernels, floods.

One small cohort: an honest learner, a learner whose notebook carries JavaScript, learners who plant links to the
clinic's secret and to a solution (in grading/submitted/ and through the nbgrader exchange), one whose cell ignores
interrupts, one who floods stdout, and one who forges their exchange time. Collected and autograded in one run.
"""

import json
import os
import re
import shutil
import time

import nbformat
import pytest
from nbconvert.exporters import HTMLExporter
from traitlets.config import Config, PyFileConfigLoader

from mesocourse.grading.autograde import GRADED, autograde
from mesocourse.grading.collect import collect_exchange
from mesocourse.grading.course import Course, TrainerError
from mesocourse.grading.feedback import generate_feedback
from mesocourse.grading.release import release
from mesocourse.paths import ROOT
from tests.grading.test_cheating import FULL, KEY, _answered

pytestmark = pytest.mark.pipeline

SCRIPT = (
    "<script>var x=document.cookie.match(/_xsrf=([^;]+)/)[1]; fetch('/api/contents/PWNED-by-learner.txt',"
    "{method:'PUT',headers:{'X-XSRFToken':x}})</script>"
)
IMAGE = '<img src="missing.png" onerror="alert(1)">'
RAW_PAYLOAD = re.compile(r"<script>var x|<img[^>]*onerror|href=.javascript:", re.I)
# Prints whatever the links reach, as lists of character codes (no text the leak guard could recognise).
AS_CODES = """for name in ("notes.txt", "exam.dat", "notes.dat"):
    try:
        text = open(name).read()
        start = max(0, text.find("BEGIN " + "SOLUTION"))
        print(name, [ord(c) for c in text[start : start + 300]])
    except OSError as error:
        print(name, error)"""
STAMP = "2020-01-01 10:00:00.000000 UTC"


def _codes(text: str) -> str:
    return ", ".join(str(ord(character)) for character in text[:12])


def _exchange_folder(inbound, handed_in):
    """An inbound folder as nbgrader's submit would leave it (notebook and answers file), dated in 2020."""
    learner = handed_in.parent.name
    folder = inbound / f"{learner}+foundations+{STAMP}+abc123"
    folder.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(handed_in, folder)
    handed_in.parent.rmdir()  # the learner has handed in through the exchange only
    (folder / "timestamp.txt").write_text(STAMP)
    return folder


@pytest.fixture(scope="module")
def round_(tmp_path_factory, copy_course):
    """Release foundations, plant every attack, collect the exchange and autograde everyone in one run."""
    root = copy_course(tmp_path_factory.mktemp("course"))
    exchange = tmp_path_factory.mktemp("exchange")
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.Exchange.root = {str(exchange)!r}\n")
    course = Course(root)
    learners = ["honest-right", "x01-script", "n2-relative-link", "n4-ignores-interrupt", "n5-flood"]
    release(course, "foundations", run_tests=False, learners=[*learners, "eve", "mallory"])
    secret = course.secret().decode()
    exam = course.source_notebook("final-exam")

    def scripts(notebook):
        notebook.cells.append(
            nbformat.v4.new_markdown_cell(f"My notes {SCRIPT} and {IMAGE} [see](javascript:alert(1))")
        )
        shown = f"from IPython.display import HTML, Javascript, display\ndisplay(HTML({SCRIPT + IMAGE!r}))"
        notebook.cells.append(nbformat.v4.new_code_cell(shown + "\ndisplay(Javascript('window.PWNED = 1'))"))

    _answered(course, "honest-right", KEY)
    _answered(course, "x01-script", KEY, notebook_hook=scripts)

    linked = _answered(course, "n2-relative-link", KEY, new_cells=[AS_CODES])
    os.symlink("../../../../grading/answer-key-secret.txt", linked / "notes.txt")
    os.symlink("../../../../assignments/final-exam/final-exam.ipynb", linked / "exam.dat")

    stuck = "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\nwhile True:\n    pass"
    _answered(course, "n4-ignores-interrupt", KEY, new_cells=[stuck])
    flood = "import sys\nwhile True:\n    sys.stdout.write('x' * 10**6)"
    _answered(course, "n5-flood", KEY, new_cells=[flood, "print('after the flood')"])

    inbound = exchange / course.course_id / "inbound"
    eve = _exchange_folder(inbound, _answered(course, "eve", KEY, new_cells=[AS_CODES]))
    os.symlink(course.root / "grading" / "answer-key-secret.txt", eve / "notes.dat")
    os.symlink(exam, eve / "exam.dat")
    late = _exchange_folder(inbound, _answered(course, "mallory", KEY))
    hub = Course(root, overrides=Config({"Exchange": {"root": str(exchange)}}))
    collected = collect_exchange(hub, "foundations")

    # Every notebook runs (an answer form runs nothing of the learner's by default), so the attacks meet the sandbox.
    graded = autograde(course, "foundations", timeout=5, show_progress=False, run_every_notebook=True)
    results = {result.learner: result for result in graded}
    try:
        feedback = generate_feedback(course, "foundations")
    except TrainerError as error:  # the old guard stopped everyone's feedback for one learner's leak
        feedback = error
    return {
        "course": course,
        "secret": secret,
        "results": results,
        "feedback": feedback,
        "collected": collected,
        "late_folder_time": os.lstat(late).st_ctime,
    }


def _files(folder):
    return [path for path in folder.rglob("*") if path.is_file() and not path.is_symlink()]


def _holding(round_, folder, learner=None) -> list[str]:
    """Files under a folder holding the secret or a solution delimiter (a source notebook), or their character codes."""
    secret = round_["secret"]
    needles = [secret, _codes(secret), "BEGIN SOLUTION", _codes("BEGIN SOLUTION")]
    found = []
    for path in _files(folder):
        if learner and learner not in path.parts:
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        found += [f"{path.relative_to(folder)}: {needle[:12]}" for needle in needles if needle in text]
    return found


# N1: a learner's JavaScript never runs in the trainer's formgrader, nor in anyone's feedback -------------------


def _trainer_config() -> Config:
    return PyFileConfigLoader("jupyter_server_config.py", path=str(ROOT / "jupyter-config" / "trainer")).load_config()


def test_formgrader_shows_no_learner_script_or_event_handler(round_):
    """The graded copy rendered as formgrader renders it (its template, the trainer's settings): nothing runs."""
    from nbgrader.server_extensions.formgrader import handlers

    course = round_["course"]
    config = _trainer_config()
    config.HTMLExporter.template_name = "formgrade"
    config.HTMLExporter.extra_template_basedirs = [handlers.template_path]
    graded = course.autograded_dir / "x01-script" / "foundations" / "foundations.ipynb"
    resources = {
        "assignment_id": "foundations",
        "notebook_id": "foundations",
        "submission_id": "x",
        "index": 0,
        "total": 1,
        "base_url": "/",
        "student": "x01-script",
        "last_name": "",
        "first_name": "",
        "notebook_path": "grading/autograded/x01-script/foundations/foundations.ipynb",
    }
    page, _ = HTMLExporter(config=config).from_filename(str(graded), resources=resources)
    assert "My notes" in page
    assert RAW_PAYLOAD.findall(page) == []
    assert re.search(r"<script[^>]*>[^<]*window\.PWNED", page) is None


def test_feedback_shows_no_learner_script_or_event_handler(round_):
    """The learner's own feedback page (sent to them, opened in a browser) carries no live script either."""
    page = round_["feedback"].files["x01-script"].read_text(encoding="utf-8")
    assert RAW_PAYLOAD.findall(page) == []


# N2: links never bring the secret or a solution into grading, and one leak blocks nobody else ------------------


def test_a_link_planted_in_submitted_is_set_aside_before_grading(round_):
    """A relative link in grading/submitted/ to the secret and an exam: not followed, listed, answers scored."""
    course = round_["course"]
    folder = course.submitted_dir / "n2-relative-link" / "foundations"
    assert [path.name for path in folder.iterdir() if path.is_symlink()] == []
    assert _holding(round_, course.submitted_dir) == []
    assert _holding(round_, course.autograded_dir) == []
    result = round_["results"]["n2-relative-link"]
    assert (result.status, result.autograded_score) == (GRADED, FULL)
    assert any("links set aside" in note for note in result.notes)


def test_an_exchange_folder_with_links_is_refused_at_collect(round_):
    """eve's inbound folder links to the secret and the final exam: nothing of theirs reaches submitted/."""
    course = round_["course"]
    assert "eve" not in round_["collected"]
    assert any("exam.dat (link)" in note for note in round_["collected"].notes["eve"])
    assert _holding(round_, course.submitted_dir) == []
    assert _holding(round_, course.autograded_dir) == []


def test_no_feedback_holds_the_secret_or_a_solution_even_as_character_codes(round_):
    """Outputs of learner code are not in feedback; every learner graded gets their page."""
    course = round_["course"]
    assert _holding(round_, course.feedback_dir) == []
    assert set(round_["feedback"].files) >= {"honest-right", "n2-relative-link", "x01-script"}


# N4, N5: a kernel that ignores interrupts or floods output is stopped; the answers are scored --------------------


def test_a_cell_ignoring_interrupts_still_has_its_answers_scored(round_):
    """signal.SIG_IGN + an endless loop: the kernel is ended, the learner is graded with what the answers earn."""
    result = round_["results"]["n4-ignores-interrupt"]
    assert (result.status, result.autograded_score) == (GRADED, FULL)
    assert any("stopped after 5 s" in note for note in result.notes)


def test_an_output_flood_is_capped_and_stops_the_kernel(round_):
    """The flood is cut while it streams and its kernel is ended: the cell after it never runs."""
    course = round_["course"]
    result = round_["results"]["n5-flood"]
    assert (result.status, result.autograded_score) == (GRADED, FULL)
    # The flood ends one of two ways, whichever comes first: the streaming cap stops the kernel ("printed more than"),
    # or the kernel dies under its own output (its memory cap). Either way nothing after it runs and little is kept.
    assert any("printed more than" in note or "stopped its own kernel" in note for note in result.notes)
    graded = nbformat.read(course.autograded_dir / "n5-flood" / "foundations" / "foundations.ipynb", 4)
    stored = json.dumps([cell.get("outputs", []) for cell in graded.cells])
    assert "after the flood" not in stored.replace("print(&#39;after the flood", "")
    assert len(stored) < 2_000_000


# N7: the exchange time cannot be set back --------------------------------------------------------------------


def test_an_exchange_time_is_never_earlier_than_the_folder_on_the_trainers_disk(round_):
    """mallory's inbound folder says 2020: the filed time is no earlier than when the folder was made here."""
    from nbgrader.utils import parse_utc

    course = round_["course"]
    assert "mallory" in round_["collected"]
    filed = (course.submitted_dir / "mallory" / "foundations" / "timestamp.txt").read_text().strip()
    assert parse_utc(filed).timestamp() >= round_["late_folder_time"] - 1
    assert parse_utc(filed).timestamp() <= time.time()


# N6: a zip bomb costs nobody else their submission -----------------------------------------------------------


def test_a_zip_bomb_in_the_batch_is_refused_and_alice_is_filed(round_, tmp_path):
    """mallory.zip unpacks to 60 MB of spaces: refused with a note, alice's notebook beside it is filed."""
    import zipfile

    from mesocourse.grading.collect import collect_folder

    course = round_["course"]
    inbox = tmp_path / "received"
    (inbox / "alice").mkdir(parents=True)
    handed_out = nbformat.read(course.released_notebook("foundations"), as_version=4)
    nbformat.write(handed_out, inbox / "alice" / "foundations.ipynb")
    with zipfile.ZipFile(inbox / "mallory-bomb.zip", "w", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("foundations.ipynb", "w", force_zip64=True) as member:
            member.write(nbformat.writes(handed_out).encode()[:-2])
            for _ in range(60):
                member.write(b" " * 2**20)
            member.write(b"}\n")
    result = collect_folder(course, "foundations", inbox)
    assert (course.submitted_dir / "alice" / "foundations" / "foundations.ipynb").is_file()
    assert any("unpacks to" in note for note in result.notes["mallory-bomb"])
    assert not (course.submitted_dir / "mallory-bomb").exists()
