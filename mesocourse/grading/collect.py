"""Collect submissions: files received by e-mail or upload (through nbgrader's zip collect), or the exchange.

A folder of received files may hold, for each learner, any of:
  * a sub-folder named after the learner with their notebook inside:   maria.dupont/foundations.ipynb
  * a zip named after the learner:                                      maria.dupont.zip
  * a notebook named after the learner (the assignment name optional):  maria.dupont_foundations.ipynb
Each assignment has one notebook, so whatever the learner called the file, it is filed as <assignment>.ipynb.
When a learner sent several notebooks (also inside one zip), the one named like the assignment wins, else the
newest; the others are listed. Links are never followed, Mac zip debris is skipped, and the submission time is
the file's own date (or the zip member's), not the time of collection. A learner collected again has their
previous submission moved to grading/replaced/, and put back when the new one cannot be filed.
"""

import logging
import re
import shutil
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.plugins import FileNameCollectorPlugin

from mesocourse.grading.answer_sheet import ANSWERS_FILE, MAX_BYTES
from mesocourse.grading.course import Course, TrainerError, captured_output, format_table
from mesocourse.grading.exchange_inbox import stage_inbound

# A clinic notebook with its figures is a few MB; anything far larger unpacked is a zip bomb or a mistake.
MAX_NOTEBOOK_BYTES = 50 * 1024**2
LEARNER_ID = re.compile(r"^[a-z0-9][a-z0-9._@-]*$")
SEPARATORS = "_- ."
TIMESTAMP_FILE = "timestamp.txt"


# nbgrader strips these from a name it unpacks ("bob.tar.zip" becomes bob's), so ids never end with them.
ARCHIVE_ENDINGS = (".tar", ".gz", ".tgz", ".bz2", ".xz", ".zip")


def learner_id(name: str) -> str:
    """A learner id from a folder or file name: lower case, accents dropped, nothing but [a-z0-9._@-]."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    cleaned = re.sub(r"\s+", "-", plain.strip().lower())
    cleaned = re.sub(r"[^a-z0-9._@-]", "", cleaned).strip(SEPARATORS)
    while cleaned.endswith(ARCHIVE_ENDINGS):
        cleaned = cleaned[: cleaned.rindex(".")] + "-" + cleaned[cleaned.rindex(".") + 1 :]
    return cleaned if LEARNER_ID.match(cleaned) else ""


def is_mac_debris(parts) -> bool:
    """Finder's resource forks (__MACOSX/, ._name) look like notebooks but are not."""
    return any(part == "__MACOSX" or part.startswith("._") for part in parts)


def person_key(name: str, assignment_id: str = "") -> str:
    """A name compared as learner_id compares it, accents kept: "Bob_foundations" is bob, Zoé is not Zoë."""
    text = unicodedata.normalize("NFC", name).casefold()
    if assignment_id:
        text = text.replace(assignment_id.casefold(), " ")
    return re.sub(r"[\s_.-]+", "-", text).strip("-")


def learner_from_file_name(stem: str, assignment_id: str) -> str:
    """The learner in "maria_foundations" / "foundations-maria" / "maria"; "" when it is only the assignment."""
    return learner_id(stem.lower().replace(assignment_id.lower(), " "))


class LearnerFileCollector(FileNameCollectorPlugin):
    """nbgrader zip-collect plugin: the learner is the first folder under extracted/, the file is the notebook."""

    # Set by `collect_folder` before nbgrader runs: assignment notebook name, the extracted folder, and when each
    # learner's file was made (nbgrader copies files, so their own dates are gone by the time it asks).
    notebook_name = "assignment.ipynb"
    # A plain nbgrader assignment's notebooks keep their own names (problem1.ipynb, problem2.ipynb).
    notebook_names: frozenset = frozenset()
    extracted_root = ""
    sent_at: dict = {}

    def collect(self, submitted_file: str):
        """Learner id and notebook name for one extracted file, or None to skip it."""
        path = Path(submitted_file)
        if path.suffix != ".ipynb" or ".ipynb_checkpoints" in path.parts or is_mac_debris(path.parts):
            return None
        relative = path.relative_to(self.extracted_root) if self.extracted_root else path
        if len(relative.parts) < 2:
            return None
        modified = self.sent_at.get(relative.parts[0]) or datetime.fromtimestamp(path.stat().st_mtime, UTC)
        return {
            "student_id": relative.parts[0],
            "file_id": path.name if path.name in self.notebook_names else self.notebook_name,
            # nbgrader's own timestamp.txt text is passed on as it is (nbgrader reads its time zone names).
            "timestamp": modified if isinstance(modified, str) else modified.isoformat(sep=" "),
        }


@dataclass
class CollectPlan:
    """What was found in the trainer's folder: one chosen file per learner, and what was left aside."""

    chosen: dict[str, Path] = field(default_factory=dict)
    set_aside: dict[str, list[str]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)


def _linked(path: Path, folder: Path) -> bool:
    """Whether the path, or a folder between it and the inbox, is a link (never followed: it may point anywhere)."""
    relative = path.relative_to(folder)
    return any((folder / Path(*relative.parts[: depth + 1])).is_symlink() for depth in range(len(relative.parts)))


def plan_collection(folder: Path, assignment_id: str, in_folders_only: bool = False) -> CollectPlan:
    """Decide which file is each learner's submission (newest notebook or zip), without copying anything.

    in_folders_only: an assignment of several notebooks, whose loose notebooks cannot say whose they are.
    """
    plan = CollectPlan()
    candidates: dict[str, list[Path]] = {}
    names: dict[str, set[str]] = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if any(part.startswith(".") for part in relative.parts) or is_mac_debris(relative.parts):
            continue
        if _linked(path, folder):
            if path.is_symlink():
                plan.ignored.append(f"{relative} (a link, not followed: send the file itself)")
            continue
        if not path.is_file():
            continue
        if path.name in (ANSWERS_FILE, TIMESTAMP_FILE):
            continue  # filed with (or read for) the notebook beside it
        if path.suffix.lower() not in (".ipynb", ".zip"):
            plan.ignored.append(f"{relative} (not a notebook or zip)")
            continue
        if len(relative.parts) > 1:
            learner, name = learner_id(relative.parts[0]), person_key(relative.parts[0])
        elif in_folders_only and path.suffix.lower() == ".ipynb":
            plan.ignored.append(f"{relative} (put each learner's notebooks in a folder or zip named after them)")
            continue
        else:
            learner, name = learner_from_file_name(path.stem, assignment_id), person_key(path.stem, assignment_id)
        if not learner:
            plan.ignored.append(f"{relative} (cannot tell whose it is: put it in a folder named after the learner)")
            continue
        candidates.setdefault(learner, []).append(path)
        names.setdefault(learner, set()).add(name)
    for learner, paths in candidates.items():
        if len(names[learner]) > 1:
            # Zoé and Zoë are two people: refuse to guess rather than grade one and drop the other.
            shown = ", ".join(str(path.relative_to(folder)) for path in paths)
            plan.ignored.append(f"{shown} (different names give the same id {learner!r}: rename one and collect again)")
            continue
        # A learner's own folder wins over a loose file that names them; then the newest.
        in_folder = [path for path in paths if len(path.relative_to(folder).parts) > 1]
        newest = max(in_folder or paths, key=lambda path: (path.stat().st_mtime, str(path)))
        plan.chosen[learner] = newest
        others = [str(path.relative_to(folder)) for path in paths if path != newest]
        if others:
            plan.set_aside[learner] = others
    return plan


def _member_time(info: zipfile.ZipInfo) -> datetime:
    return datetime(*info.date_time, tzinfo=UTC)


def _sent_files(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The files in a learner's zip they meant to send: no folders, notebook checkpoints or macOS debris."""
    return [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and ".ipynb_checkpoints" not in info.filename
        and not is_mac_debris(Path(info.filename).parts)
    ]


def choose_in_zip(path: Path, notebook_name: str) -> tuple[zipfile.ZipInfo | None, list[str], str]:
    """The notebook to file from a zip (named like the assignment, else the newest), the others, or why none.

    The zip is read here, before anything is moved, so a damaged one costs nobody their earlier submission.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in _sent_files(archive) if info.filename.lower().endswith(".ipynb")]
            if not members:
                return None, [], "no notebook inside the zip"
            named = [info for info in members if Path(info.filename).name == notebook_name]
            chosen = max(named or members, key=lambda info: (_member_time(info), info.filename))
            if chosen.file_size > MAX_NOTEBOOK_BYTES:
                return (
                    None,
                    [],
                    (
                        f"its notebook unpacks to {chosen.file_size / 1024**2:,.0f} MB (more than "
                        f"{MAX_NOTEBOOK_BYTES // 1024**2} MB): ask for the notebook itself"
                    ),
                )
            if archive.testzip() is not None:
                return None, [], "the zip is damaged (a file inside cannot be read): ask for it again"
    except (
        zipfile.BadZipFile,
        OSError,
        ValueError,
        RuntimeError,
    ) as error:  # RuntimeError covers unsupported compression
        return None, [], f"the zip cannot be opened ({type(error).__name__}): ask for it again"
    others = [info.filename for info in members if info is not chosen]
    return chosen, others, ""


def unpack_member(path: Path, member: zipfile.ZipInfo, target: Path) -> str:
    """Copy one zip member to a file in pieces, never more than the notebook limit; why not, or ""."""
    try:
        with zipfile.ZipFile(path) as archive, archive.open(member) as reading, open(target, "wb") as writing:
            copied = 0
            while piece := reading.read(1024**2):
                copied += len(piece)
                if copied > MAX_NOTEBOOK_BYTES:
                    raise ValueError("too large")
                writing.write(piece)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, MemoryError) as error:  # RuntimeError: compression
        target.unlink(missing_ok=True)
        return f"its notebook could not be unpacked ({type(error).__name__}): ask for the notebook itself"
    return ""


def timestamp_text(raw: bytes | None) -> str | None:
    """nbgrader's timestamp.txt ("2015-02-02 14:58:23.948203 America/Los_Angeles") if it reads as a time, else None."""
    from nbgrader.utils import parse_utc

    if not raw or len(raw) > 200:
        return None
    text = raw.decode("utf-8", errors="replace").strip()
    try:
        parse_utc(text)
    except (ValueError, OverflowError, TypeError):
        return None
    return text


def _plain_file(path: Path, folder: Path) -> bool:
    relative = path.relative_to(folder)
    skipped = any(part.startswith(".") for part in relative.parts) or is_mac_debris(relative.parts)
    return path.is_file() and not skipped and not _linked(path, folder)


def stage_folder(learner_folder: Path, names, target: Path) -> tuple[list[str], str | None]:
    """Copy the newest file of each expected notebook name from a learner's folder; (names filed, timestamp.txt)."""
    found = {}
    for path in sorted(learner_folder.rglob("*")):
        if path.name in names and _plain_file(path, learner_folder):
            if path.name not in found or path.stat().st_mtime > found[path.name].stat().st_mtime:
                found[path.name] = path
    stamps = [path for path in learner_folder.rglob(TIMESTAMP_FILE) if _plain_file(path, learner_folder)]
    beside = [path for path in stamps if any(path.parent == notebook.parent for notebook in found.values())]
    stamp = (beside or stamps or [None])[0]
    for name, path in found.items():
        shutil.copyfile(path, target / name)
    return sorted(found), timestamp_text(stamp.read_bytes()[:201]) if stamp else None


def stage_zip(path: Path, names, target: Path) -> tuple[list[str], str | None, str]:
    """Unpack the newest member of each expected notebook name from a learner's zip; (filed, timestamp, problem)."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = _sent_files(archive)
            stamps = [info for info in members if Path(info.filename).name == TIMESTAMP_FILE]
            stamp = timestamp_text(archive.read(stamps[0])[:201]) if stamps and stamps[0].file_size <= 200 else None
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError) as error:
        return [], None, f"the zip cannot be opened ({type(error).__name__}): ask for it again"
    filed = []
    for name in names:
        named = [info for info in members if Path(info.filename).name == name]
        if not named:
            continue
        chosen = max(named, key=lambda info: (_member_time(info), info.filename))
        if chosen.file_size > MAX_NOTEBOOK_BYTES:
            return (
                [],
                None,
                f"{name} unpacks to more than {MAX_NOTEBOOK_BYTES // 1024**2} MB: ask for the notebook itself",
            )
        problem = unpack_member(path, chosen, target / name)
        if problem:
            return [], None, problem
        filed.append(name)
    return filed, stamp, "" if filed else f"no {' or '.join(names)} inside the zip"


@dataclass
class CollectResult:
    """Per learner: what was filed; plus what was ignored and whose earlier submission was kept aside."""

    collected: dict[str, str] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)

    def table(self) -> str:
        """The learners collected, what file each one came from, and any note."""
        rows = [
            [learner, source, "; ".join(self.notes.get(learner, [])) or "-"]
            for learner, source in self.collected.items()
        ]
        return format_table(["learner", "collected from", "notes"], rows)


def _keep_previous(course: Course, assignment_id: str, learner: str, stamp: str) -> bool:
    """Move an earlier submission aside (never delete a learner's work); True if there was one."""
    previous = course.submitted_dir / learner / assignment_id
    if not previous.exists():
        return False
    backup = course.root / "grading" / "replaced" / stamp / learner / assignment_id
    backup.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(previous), str(backup))
    return True


def _restore_previous(course: Course, assignment_id: str, learner: str, stamp: str) -> None:
    """Put an earlier submission back when the new one could not be filed."""
    backup = course.root / "grading" / "replaced" / stamp / learner / assignment_id
    target = course.submitted_dir / learner / assignment_id
    shutil.rmtree(target, ignore_errors=True)
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(backup), str(target))


def collect_folder(course: Course, assignment_id: str, folder: Path | str) -> CollectResult:
    """File every learner's submission from a folder of received files into grading/submitted/."""
    from nbgrader.apps.zipcollectapp import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory

    course.require_released(assignment_id)
    folder = Path(folder).expanduser()
    if not folder.is_dir():
        raise TrainerError(f"{folder} is not a folder: give the folder where you saved the received files.")
    names = course.notebook_names(assignment_id) if course.is_plain_nbgrader(assignment_id) else []
    plan = plan_collection(folder.resolve(), assignment_id, in_folders_only=len(names) > 1)
    if names:
        plan.set_aside = {}  # each of a plain assignment's notebooks is filed (the newest of each name)
    if not plan.chosen:
        listed = f" It holds: {', '.join(plan.ignored[:5])}." if plan.ignored else " It is empty."
        raise TrainerError(f"No submission found in {folder}.{listed}")

    # nbgrader's zip collect works on grading/downloaded/<assignment>/archive: one entry per learner. Zips are
    # opened here (the chosen notebook taken out with its own date), so nbgrader is given one notebook each.
    downloaded = course.root / course.config.ZipCollectApp.get("downloaded_directory", "downloaded")
    archive = downloaded / assignment_id / "archive"
    shutil.rmtree(downloaded / assignment_id, ignore_errors=True)
    archive.mkdir(parents=True)
    notebook_name = names[0] if names else course.notebook_name(assignment_id)
    result = CollectResult(ignored=plan.ignored)
    sent_at, refused, sheets, filed_names = {}, {}, {}, {}
    for learner, path in plan.chosen.items():
        target = archive / learner / notebook_name
        target.parent.mkdir()
        if names:
            # A plain nbgrader assignment: every notebook under its own name, and nbgrader's timestamp.txt.
            if path.suffix.lower() == ".zip":
                filed, sent, problem = stage_zip(path, names, target.parent)
            else:
                learner_folder = folder.resolve() / path.relative_to(folder.resolve()).parts[0]
                (filed, sent), problem = stage_folder(learner_folder, names, target.parent), ""
            if problem:
                refused[learner] = problem
                continue
            filed_names[learner] = filed
            sent_at[learner] = sent or datetime.fromtimestamp(path.stat().st_mtime, UTC)
            continue
        if path.suffix.lower() == ".zip":
            member, others, problem = choose_in_zip(path, notebook_name)
            if problem:
                refused[learner] = problem
                continue
            problem = unpack_member(path, member, target)
            if problem:
                refused[learner] = problem
                continue
            with zipfile.ZipFile(path) as opened:
                sheets[learner] = _zipped_sheet(opened, member)
            sent_at[learner] = _member_time(member)
            if others:
                plan.set_aside.setdefault(learner, []).extend(f"{path.name}:{name}" for name in others)
        else:
            shutil.copyfile(path, target)
            beside = path.parent / ANSWERS_FILE
            if path.parent != folder.resolve() and beside.is_file() and not beside.is_symlink():
                sheets[learner] = beside.read_bytes()[: 10 * MAX_BYTES]
            sent_at[learner] = _timestamp_beside(path, folder.resolve()) or datetime.fromtimestamp(
                path.stat().st_mtime, UTC
            )

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
    for learner in plan.chosen:
        if learner not in refused and _keep_previous(course, assignment_id, learner, stamp):
            result.replaced.append(learner)

    LearnerFileCollector.notebook_name = notebook_name
    LearnerFileCollector.notebook_names = frozenset(names)
    LearnerFileCollector.extracted_root = str(downloaded / assignment_id / "extracted")
    LearnerFileCollector.sent_at = sent_at
    try:
        with captured_output() as (_, messages):
            app = ZipCollectApp(config=course.config)
            app.log.setLevel(logging.ERROR)
            app.coursedir = CourseDirectory(config=course.config, assignment_id=assignment_id)
            app.force = True
            app.extractor_plugin_inst = app.extractor_plugin(parent=app)
            app.collector_plugin_inst = LearnerFileCollector(parent=app)
            app.extract_archive_files()
            app.process_extracted_files()
    except (Exception, SystemExit) as error:
        # All or nothing: everyone whose earlier submission was moved aside gets it back.
        for learner in result.replaced:
            _restore_previous(course, assignment_id, learner, stamp)
        detail = messages.getvalue().strip().splitlines()[-1:] or [f"{type(error).__name__}: {error}"]
        raise TrainerError(
            f"nbgrader's zip collect stopped ({detail[0][:200]}); every earlier submission was put back."
        ) from None

    for learner, path in plan.chosen.items():
        filed = course.submitted_dir / learner / assignment_id / notebook_name
        if learner in filed_names:
            # Any of a plain assignment's notebooks is a submission; the ones not sent are named.
            filed = next(
                (filed.parent / name for name in filed_names[learner] if (filed.parent / name).is_file()), filed
            )
        source = str(path.relative_to(folder.resolve()))
        if filed_names.get(learner):
            source = (
                f"{Path(source).parts[0]}{'' if source.endswith('.zip') else '/'} ({', '.join(filed_names[learner])})"
            )
        notes = []
        missing = [name for name in names if learner in filed_names and name not in filed_names[learner]]
        if missing:
            notes.append(f"not sent: {', '.join(missing)}")
        if learner in plan.set_aside:
            notes.append(f"this file used; also sent: {', '.join(plan.set_aside[learner])}")
        if learner in refused:
            notes.append(refused[learner])
            if (course.submitted_dir / learner / assignment_id).is_dir():
                notes.append("their earlier submission stays")
        elif learner in result.replaced:
            notes.append("replaced an earlier submission (kept in grading/replaced/)")
        if learner not in refused and filed.is_file():
            # The answers file handed in with the notebook is filed beside it, byte for byte.
            if learner in sheets and sheets[learner] is not None:
                (filed.parent / ANSWERS_FILE).write_bytes(sheets[learner])
            elif (filed.parent / ANSWERS_FILE).exists():
                (filed.parent / ANSWERS_FILE).unlink()
        if learner not in refused and not filed.is_file():
            notes.append("could not be filed")
            if learner in result.replaced:
                _restore_previous(course, assignment_id, learner, stamp)
                notes.append("their earlier submission was put back")
        result.collected[learner] = source
        result.notes[learner] = notes
    return result


def _timestamp_beside(path: Path, inbox: Path) -> str | None:
    """nbgrader's timestamp.txt in the learner's own folder beside their notebook, if there is a readable one."""
    stamp = path.parent / TIMESTAMP_FILE
    if path.parent == inbox or not stamp.is_file() or stamp.is_symlink():
        return None
    return timestamp_text(stamp.read_bytes()[:201])


def _zipped_sheet(opened: zipfile.ZipFile, member: zipfile.ZipInfo) -> bytes | None:
    """The answers file next to the chosen notebook inside a zip, if there is one."""
    folder = member.filename.rsplit("/", 1)[0] + "/" if "/" in member.filename else ""
    try:
        info = opened.getinfo(folder + ANSWERS_FILE)
    except KeyError:
        return None
    return opened.read(info)[: 10 * MAX_BYTES] if info.file_size <= 10 * MAX_BYTES else b"{}"


class ExchangeCollected(list):
    """Who is now submitted (a list of learner ids), with notes per learner: refused folders, times, owners."""

    def __init__(self, learners, notes):
        super().__init__(learners)
        self.notes: dict[str, list[str]] = notes


def collect_exchange(course: Course, assignment_id: str) -> ExchangeCollected:
    """Collect submissions from the nbgrader exchange (JupyterHub set-ups); returns who is now submitted.

    Inbound folders are checked first (exchange_inbox.py): one holding a link is refused, times cannot be set back.
    """
    course.require_released(assignment_id)
    api = course.api()
    if api.exchange_missing:
        raise TrainerError(
            "The nbgrader exchange folder does not exist here (set Exchange.root in nbgrader_config.py), "
            "or collect the files you received with `mesocourse collect ASSIGNMENT FOLDER`."
        )
    inbound = Path(api.exchange_root) / course.course_id / "inbound"
    inbox = stage_inbound(inbound, course.course_id, assignment_id)
    try:
        staged = course.api(**{"Exchange.root": str(inbox.root), "ExchangeCollect.check_owner": False})
        with captured_output():
            outcome = staged.collect(assignment_id, update=True)
    finally:
        shutil.rmtree(inbox.root, ignore_errors=True)
    if not outcome["success"]:
        raise TrainerError(f"nbgrader could not collect {assignment_id!r} from the exchange:\n{outcome.get('log', '')}")
    notes = {
        learner: inbox.refused.get(learner, []) + inbox.notes.get(learner, [])
        for learner in sorted({*inbox.refused, *inbox.notes})
    }
    return ExchangeCollected(course.submitted_learners(assignment_id), notes)
