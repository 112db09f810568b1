# nbgrader settings for the course. Run nbgrader, formgrader and the `mesocourse` trainer commands from the
# repository root: sources live in assignments/, everything nbgrader makes goes under grading/ (git-ignored).
import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    ClearHiddenTests,
    ClearMarkScheme,
    ClearOutput,
    ClearSolutions,
    ComputeChecksums,
    DeduplicateIds,
    GetGrades,
    IgnorePattern,
    IncludeHeaderFooter,
    InstantiateTests,
    LimitOutput,
    LockCells,
    OverwriteCells,
    OverwriteKernelspec,
    SaveAutoGrades,
    SaveCells,
)

from mesocourse.grading.preprocessors import (
    DropMalformedMetadata,
    HideGradingCode,
    HoldBackHiddenTests,
    ReadAnswerSheet,
    RestoreGradingMetadata,
    ScoreAnswersAsData,
    SealKeys,
    TruncateLongOutput,
)
from mesocourse.grading.sandbox import SandboxedExecute
from mesocourse.grading.untrusted import KeepOnlyVerdicts, MakeLearnerContentInert

c = get_config()  # noqa: F821 (provided by nbgrader when it reads this file)

c.CourseDirectory.root = "."
c.CourseDirectory.course_id = "mesotherapy-staff"
c.CourseDirectory.source_directory = "assignments"
c.CourseDirectory.release_directory = "grading/release"
c.CourseDirectory.submitted_directory = "grading/submitted"
c.CourseDirectory.autograded_directory = "grading/autograded"
c.CourseDirectory.feedback_directory = "grading/feedback"
c.CourseDirectory.solution_directory = "grading/solution"
c.CourseDirectory.db_url = "sqlite:///grading/gradebook.db"
# On the clinic's JupyterHub the trainer's server names the shared exchange (deploy/jupyterhub_config.py); elsewhere
# nbgrader's default, or grading/exchange for `make formgrader` (jupyter-config/trainer).
if os.environ.get("MESOCOURSE_EXCHANGE"):
    c.Exchange.root = os.environ["MESOCOURSE_EXCHANGE"]
# The sources in assignments/ are public and hold no key: release seals each hidden test with the clinic's secret
# (grading/answer-key-secret.txt) before nbgrader saves it in the gradebook; formgrader's Generate does the same.
c.GenerateAssignment.preprocessors = [
    SealKeys,
    IncludeHeaderFooter,
    InstantiateTests,
    LockCells,
    ClearSolutions,
    ClearOutput,
    CheckCellMetadata,
    ComputeChecksums,
    SaveCells,
    ClearHiddenTests,
    ClearMarkScheme,
    ComputeChecksums,
    CheckCellMetadata,
]
# Never copy checkpoints, caches or the answer-key secret along with an assignment.
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "answer-key-secret.txt"]

# Clinic notebooks are small: a cell that runs for a minute is a loop that never ends, so stop it and go on.
c.ExecutePreprocessor.timeout = 60
c.Execute.timeout = 60
c.Execute.interrupt_on_timeout = True

# Released answer cells keep only the placeholder line (answer_q3 = ""): the solution region becomes nothing.
c.ClearSolutions.code_stub = {"python": ""}
c.ClearSolutions.text_stub = "*Write your answer here, in your own words (replace this line).*"
# Marking guides sit in the read-only case cells (not task cells), so formgrader shows them next to the answer.
c.ClearMarkScheme.enforce_metadata = False

# Tampering is graded as the original: deleted test cells come back, flipped flags are reset.
c.OverwriteCells.add_missing_cells = True
# Answer-form submissions (answers.json beside the notebook) are first rebuilt in the source layout, each answer
# written into its answer cell as text (so formgrader shows it); nothing of the learner's file is run.
c.Autograde.sanitize_preprocessors = [
    ReadAnswerSheet,
    DropMalformedMetadata,
    ClearOutput,
    DeduplicateIds,
    OverwriteKernelspec,
    RestoreGradingMetadata,
    OverwriteCells,
    CheckCellMetadata,
]
# The course's answers are read as data and scored here, after the kernel ran without hidden tests or keys.
# The submission's code runs in bubblewrap (mesocourse/grading/sandbox.py): a private copy, no course folder,
# gradebook, home or network, 2 GiB of memory per process, 64 processes, 128 MB of files, 300 s for the whole
# notebook and 10 M characters of output.
c.Autograde.autograde_preprocessors = [
    HoldBackHiddenTests,
    SandboxedExecute,
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    TruncateLongOutput,
    ScoreAnswersAsData,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
    MakeLearnerContentInert,
]

# Feedback never shows hidden tests or marking guides (nbgrader shows hidden tests by design), nor what learner
# code printed: only the verdicts. Graded copies hold no learner script (MakeLearnerContentInert), and nbconvert
# cleans HTML outputs again as it renders them.
c.GenerateFeedback.preprocessors = [GetGrades, KeepOnlyVerdicts, HideGradingCode, CSSHTMLHeaderPreprocessor]
c.HTMLExporter.sanitize_html = True

# Submissions received by e-mail or upload: `mesocourse collect ASSIGNMENT FOLDER` copies them here first.
c.ZipCollectApp.downloaded_directory = "grading/downloaded"
c.ZipCollectApp.collector_plugin = "mesocourse.grading.collect.LearnerFileCollector"
