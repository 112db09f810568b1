"""How long the cohort report takes for a large cohort: statistics and the HTML page for 200 learners.

Run with `make bench-report`. The input is a synthetic cohort of the report's own input (first-attempt marks and
typed answers for 200 learners on a 22-question assignment, like the final exam), so only the report is measured,
not nbgrader. Prints the seconds of each step and writes test-artifacts/bench/report.json.
"""

import argparse
import json
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from mesocourse.grading.cohort_report import Standing, report_html  # noqa: E402
from mesocourse.grading.item_analysis import build_analysis  # noqa: E402
from tests.grading.cohorts import random_cohort, source_notebook  # noqa: E402

RESULT_FILE = ROOT / "test-artifacts" / "bench" / "report.json"


def measure(learners: int, questions: int, repeats: int) -> dict:
    """Seconds to compute the statistics and to write the page, each repeated; the medians and every sample."""
    with tempfile.TemporaryDirectory() as folder:
        source, marks, typed = random_cohort(source_notebook(Path(folder), questions), learners)
    samples = {"statistics": [], "html page": []}
    size = 0
    for _ in range(repeats):
        started = time.perf_counter()
        analysis = build_analysis(source, marks, typed)
        samples["statistics"].append(time.perf_counter() - started)
        started = time.perf_counter()
        size = len(report_html(analysis, Standing(), datetime(2025, 1, 1)))
        samples["html page"].append(time.perf_counter() - started)
    return {
        "learners": learners,
        "questions": questions,
        "page_bytes": size,
        "flagged": len(analysis.flagged),
        "median_seconds": {step: statistics.median(values) for step, values in samples.items()},
        "samples": samples,
        "machine": {"python": platform.python_version(), "processor": platform.processor() or platform.machine()},
    }


def main(argv=None) -> int:
    """Measure, print a table, save the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=200)
    parser.add_argument("--questions", type=int, default=22)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    result = measure(args.learners, args.questions, args.repeats)
    print(f"Cohort report, {result['learners']} learners x {result['questions']} questions ({args.repeats} runs)")
    for step, seconds in result["median_seconds"].items():
        print(f"  {step:<12} {seconds:6.2f} s (median)")
    total = sum(result["median_seconds"].values())
    print(f"  {'total':<12} {total:6.2f} s; page {result['page_bytes'] / 1e6:.1f} MB, {result['flagged']} flagged")
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    RESULT_FILE.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
