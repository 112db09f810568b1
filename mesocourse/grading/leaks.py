"""The leak guard: nothing a learner receives may hold a solution, a hidden test, a marking guide or a key.

Signatures come from the source assignments themselves (solution lines, hidden-test lines, key digests,
explanations, marking guides, model answers) plus nbgrader's delimiters and the answer-key secret. Released
notebooks, feedback files and the learner bundle are scanned as the learner would read them: notebook cell
text and outputs, HTML as text (tags removed), any other text file as is.
"""

import base64
import binascii
import contextlib
import html
import json
import re
import shutil
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import nbformat

from mesocourse.grading.answer_format import KINDS
from mesocourse.grading.authoring import (
    BEGIN_HIDDEN,
    BEGIN_RUBRIC,
    BEGIN_SOLUTION,
    DELIMITERS,
    END_HIDDEN,
    END_RUBRIC,
    END_SOLUTION,
    UNSEALED,
    read_assignment,
    region,
)
from mesocourse.grading.course import Course, TrainerError
from mesocourse.grading.keys import answer_digest

RELEASE, FEEDBACK, BUNDLE = "release", "feedback", "bundle"
ALL = (RELEASE, FEEDBACK, BUNDLE)
BEFORE_GRADING = (RELEASE, BUNDLE)
TEXT_SUFFIXES = {".py", ".md", ".txt", ".yaml", ".yml", ".json", ".toml", ".cfg", ".ini", ".html", ".csv", ".ipynb"}
# Names only hidden tests use; learner material never mentions them before grading. Feedback may quote a
# learner's own cell that names them (F-5), so there the hidden statements and digests count, not the words.
HIDDEN_TEST_WORDS = ("check_key", "mesocourse.grading.keys")
MIN_LINE = 25
# A plain nbgrader solution is code: shorter lines (`return sum(squares(n))`) already give an answer away.
MIN_SOLUTION = 12
# Learner output can carry material encoded (base64, compressed, hex): it is decoded and scanned again, and a
# large encoded blob in feedback is flagged whatever it holds, since honest feedback has none outside images.
ENCODED = re.compile(r"[A-Za-z0-9+/]{40,}={0,2}|(?:[0-9a-fA-F]{2}){32,}")
MAX_ENCODED = 10_000


@dataclass(frozen=True)
class Signature:
    """A piece of text that must not appear in some kinds of learner material."""

    kind: str
    text: str
    targets: tuple[str, ...]
    assignment: str = ""
    # Scoped signatures count only in that assignment's own files: `answer_q1 = "A"` is a key in one assignment
    # and a harmless typing example in another.
    scoped: bool = False


@dataclass(frozen=True)
class Leak:
    """A signature found in a file (with the zip member, when inside the bundle)."""

    where: str
    kind: str
    excerpt: str

    def __str__(self):
        return f"{self.where}: {self.kind} ({self.excerpt})"


def normalise(text: str) -> str:
    """Collapse whitespace so line breaks and HTML layout do not hide a match."""
    return re.sub(r"\s+", " ", text).strip()


def _lines(text: str, minimum: int = MIN_LINE) -> list[str]:
    return [normalise(line) for line in text.splitlines() if len(normalise(line)) >= minimum]


def signatures(course: Course) -> list[Signature]:
    """Everything that marks a leak, built from every source assignment of the course."""
    found = [Signature("nbgrader delimiter", delimiter, ALL) for delimiter in DELIMITERS]
    found += [Signature("hidden-test code", word, BEFORE_GRADING) for word in HIDDEN_TEST_WORDS]
    try:
        secret = course.secret(create=False)
    except TrainerError:
        secret = None  # no secret yet (nothing released): no secret and no sealed digest to leak
    if secret:
        found.append(Signature("answer-key secret", secret.decode(), ALL))

    for assignment_id in course.assignments():
        if course.is_plain_nbgrader(assignment_id):
            found += plain_signatures(course.source_notebooks(assignment_id), assignment_id)
            continue
        source = read_assignment(course.source_notebook(assignment_id))
        for question in source.autograded:
            # The digest release seals into the gradebook, and any a source holds itself.
            digests = {question.digest} - {"", UNSEALED}
            if secret and question.kind in KINDS and question.solution is not None:
                with contextlib.suppress(ValueError, TypeError, OverflowError):
                    digests.add(
                        answer_digest(question.grade_id, question.solution, question.kind, question.decimals, secret)
                    )
            found += [Signature("key digest", digest, ALL, assignment_id) for digest in sorted(digests)]
            # Learners' own answers may equal a solution line, so solution lines are checked before grading only.
            found += [
                Signature("solution", line, BEFORE_GRADING, assignment_id, scoped=True)
                for line in question.solution_lines
            ]
            # Whole statements only: a bare quoted grade id or variable name also appears in learner material.
            statements = [line for line in _lines(question.hidden_source) if " " in line]
            found += [Signature("hidden-test code", line, ALL, assignment_id) for line in statements]
            if question.explanation:
                found.append(
                    Signature(
                        "explanation (hidden test)", normalise(question.explanation), BEFORE_GRADING, assignment_id
                    )
                )
        for question in source.written:
            found += [Signature("marking guide", line, ALL, assignment_id) for line in _lines(question.rubric)]
            found += [Signature("model answer", line, ALL, assignment_id) for line in _lines(question.model_answer)]
    return [signature for signature in found if signature.text]


def _solution_parts(cell) -> tuple[str, str]:
    """(hidden from learners, shown to them) of a solution cell, as nbgrader's release clears it."""
    if BEGIN_SOLUTION in cell.source:
        return region(cell.source, BEGIN_SOLUTION, END_SOLUTION)
    return cell.source, ""  # a solution cell without delimiters is replaced whole


def plain_signatures(paths, assignment_id: str) -> list[Signature]:
    """Solutions, hidden tests and marking guides of a plain nbgrader assignment's source notebooks.

    Solution lines that the released notebook shows anyway (a function's first line, an example call) are left out,
    so a release is flagged for what nbgrader should have cleared, never for its own questions.
    """
    hidden, shown = [], []
    found = []
    for path in paths:
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            rest = cell.source
            if meta.get("solution"):
                answer, rest = _solution_parts(cell)
                kind = "solution" if cell.cell_type == "code" else "model answer"
                hidden += [(kind, line) for line in _lines(answer, MIN_SOLUTION)]
            tests, rest = region(rest, BEGIN_HIDDEN, END_HIDDEN)
            guide, rest = region(rest, BEGIN_RUBRIC, END_RUBRIC)
            found += [Signature("hidden-test code", line, ALL, assignment_id) for line in _lines(tests) if " " in line]
            found += [Signature("marking guide", line, ALL, assignment_id) for line in _lines(guide)]
            shown.append(normalise(rest))
    visible = "\n".join(shown)
    # Learners' own answers may equal a solution, so solutions count before grading only (as for the course's own).
    found += [
        Signature(kind, line, BEFORE_GRADING, assignment_id, scoped=True)
        for kind, line in dict.fromkeys(hidden)
        if line not in visible
    ]
    return found


def _strings_in(node) -> list[str]:
    """Every text (and key) inside a JSON value, as a learner's widgets would show it."""
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [text for key, value in node.items() for text in (str(key), *_strings_in(value))]
    if isinstance(node, list):
        return [text for value in node for text in _strings_in(value)]
    return [str(node)]


def notebook_text(raw: str) -> str:
    """What a learner can read in a notebook: cell sources, text outputs and the answer form (other metadata out)."""
    try:
        data = json.loads(raw)
    except json.JSONDecodeError:
        return raw
    parts = []
    for cell in data.get("cells", []):
        source = cell.get("source", "")
        parts.append("".join(source) if isinstance(source, list) else source)
        for output in cell.get("outputs", []):
            for value in [output.get("text", ""), *output.get("data", {}).values(), *output.get("traceback", [])]:
                if isinstance(value, list):
                    value = "".join(value)
                if isinstance(value, str):
                    parts.append(value)
        parts.append(json.dumps(cell.get("attachments", {})))
    # The answer form's questions and options are shown by the widgets: scanned as text like any cell.
    form = (data.get("metadata") or {}).get("mesocourse_answer_form")
    if form:
        parts += _strings_in(form)
    return "\n".join(parts)


def html_text(raw: str) -> str:
    """An HTML page as text: scripts and styles dropped, tags removed, entities decoded."""
    raw = re.sub(r"<(script|style)\b.*?</\1>", " ", raw, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", raw))


def readable_text(name: str, raw: str) -> str:
    """The text of a file as its reader sees it."""
    if name.endswith(".ipynb"):
        return notebook_text(raw)
    if name.endswith((".html", ".htm")):
        return html_text(raw)
    return raw


def _unpacked(data: bytes) -> bytes:
    """Compressed data inflated as far as it goes (zlib or gzip, even cut into pieces), else the data itself."""
    for wbits in (47, -15):
        try:
            inflated = zlib.decompressobj(wbits).decompress(data)
        except zlib.error:
            continue
        if inflated:
            return inflated
    return data


def decoded_texts(text: str) -> list[str]:
    """Text hidden in base64 or hex runs, each alone and all joined in order (a blob split into outputs)."""
    runs = ENCODED.findall(text)
    texts = []
    for run in [*runs, "".join(run for run in runs if not run.endswith("="))] if runs else []:
        for decode in (base64.b64decode, bytes.fromhex):
            try:
                data = decode(run + "=" * (-len(run) % 4)) if decode is base64.b64decode else decode(run)
            except (binascii.Error, ValueError):
                continue
            texts.append(_unpacked(data).decode("utf-8", errors="ignore"))
    return texts


def _encoded_leaks(where, text, found, target, assignment) -> list[Leak]:
    leaks = []
    for decoded in decoded_texts(text):
        for leak in scan_text(where, decoded, found, target, assignment, decode=False):
            leaks.append(Leak(where, f"{leak.kind}, encoded", leak.excerpt))
    # Encoded data uses most of its alphabet; a long run of one letter ("xxxx…") is just long output.
    blob = sum(len(run) for run in ENCODED.findall(text) if len(set(run)) >= 16)
    if target == FEEDBACK and blob >= MAX_ENCODED:
        leaks.append(Leak(where, "encoded data printed by the submission", f"{blob:,} characters"))
    return list(dict.fromkeys(leaks))


def scan_text(
    where: str, text: str, found: list[Signature], target: str, assignment: str = "", decode: bool = True
) -> list[Leak]:
    """Every signature meant for this target (and, if scoped, this assignment) that occurs in the text."""
    flat = normalise(text)
    leaks = _encoded_leaks(where, text, found, target, assignment) if decode else []
    for signature in found:
        if signature.scoped and signature.assignment != assignment:
            continue
        if target in signature.targets and signature.text in flat:
            shown = signature.text if signature.kind != "answer-key secret" else signature.text[:6] + "…"
            leaks.append(Leak(where, signature.kind, shown[:80]))
    return leaks


def assignment_of(course: Course, path: Path) -> str:
    """The assignment a release or feedback file belongs to ("" for anything else)."""
    for folder, depth in ((course.release_dir, 0), (course.feedback_dir, 1)):
        if path.is_relative_to(folder) and len(path.relative_to(folder).parts) > depth + 1:
            return path.relative_to(folder).parts[depth]
    return ""


def scan_files(course: Course, paths, target: str, found: list[Signature] | None = None, assignment=None) -> list[Leak]:
    """Scan files on disk (notebooks, HTML, text) for this target's signatures.

    The assignment of each file is read from where it sits (release/<id>/, feedback/<learner>/<id>/) unless given.
    """
    found = found if found is not None else signatures(course)
    leaks = []
    for path in paths:
        path = Path(path)
        # Every file whatever its name: a learner's extra file may be called anything (notes.dat).
        raw = path.read_text(encoding="utf-8", errors="replace")
        where = str(path.relative_to(course.root)) if path.is_relative_to(course.root) else str(path)
        owner = assignment if assignment is not None else assignment_of(course, path)
        leaks += scan_text(where, readable_text(path.name, raw), found, target, owner)
    return leaks


def _files_under(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*") if path.is_file()) if folder.is_dir() else []


def scan_releases(course: Course, assignment_ids=None) -> list[Leak]:
    """Scan the released versions of the given (default: all) assignments."""
    ids = assignment_ids or course.assignments()
    paths = [path for assignment_id in ids for path in _files_under(course.release_dir / assignment_id)]
    return scan_files(course, paths, RELEASE)


def scan_feedback(course: Course, assignment_ids=None) -> list[Leak]:
    """Scan every learner's feedback files for the given (default: all) assignments."""
    ids = set(assignment_ids or course.assignments())
    paths = [
        path
        for path in _files_under(course.feedback_dir)
        if len(path.relative_to(course.feedback_dir).parts) > 1
        and path.relative_to(course.feedback_dir).parts[1] in ids
    ]
    return scan_files(course, paths, FEEDBACK)


def scan_bundle(course: Course, bundle: Path) -> list[Leak]:
    """Scan every text member of the learner bundle (zip)."""
    found = signatures(course)
    leaks = []
    with zipfile.ZipFile(bundle) as archive:
        for member in archive.namelist():
            if Path(member).suffix not in TEXT_SUFFIXES:
                continue
            raw = archive.read(member).decode("utf-8", errors="replace")
            parts = Path(member).parts
            owner = parts[1] if len(parts) > 2 and parts[0] == "assignments" else ""
            leaks += scan_text(f"{bundle.name}:{member}", readable_text(member, raw), found, BUNDLE, owner)
    return leaks


def withhold_leaking_feedback(course: Course, assignment_id: str) -> dict[str, str]:
    """Scan the assignment's feedback; each learner whose files leak loses their whole feedback folder, nobody else.

    Returns learner -> why their page was withheld (one learner's leak never holds back the others' feedback).
    """
    withheld: dict[str, list[Leak]] = {}
    for leak in scan_feedback(course, [assignment_id]):
        learner = Path(leak.where).relative_to(course.feedback_dir.relative_to(course.root)).parts[0]
        withheld.setdefault(learner, []).append(leak)
    for learner in withheld:
        shutil.rmtree(course.feedback_dir / learner / assignment_id, ignore_errors=True)
    return {
        learner: "withheld: it held grading material (" + "; ".join(f"{leak.kind}" for leak in leaks[:3]) + "); "
        "look at their submission"
        for learner, leaks in withheld.items()
    }
