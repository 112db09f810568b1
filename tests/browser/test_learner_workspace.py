"""A learner in the workspace `make course` opens cannot reach a source notebook or the clinic's secret (CR-6).

The workspace sits inside a course folder laid out as on a trainer's machine: assignments/ with a source notebook
and grading/ with the gradebook and the answer-key secret, one `../` away. Every way a learner's JupyterLab offers
is tried: the file browser, the contents and files APIs, `../` and encoded paths, and the terminal API.
"""

import http.cookiejar
import json
import shutil
import urllib.error
import urllib.parse
import urllib.request

import pytest
from labdriver import running_workspace, screenshot

from mesocourse.paths import ROOT

pytestmark = pytest.mark.browser
SOURCE = "assignments/foundations/foundations.ipynb"
SECRET = "grading/answer-key-secret.txt"
SECRET_TEXT = "mesocourse-answer-key-v1-" + "5e" * 32
ATTEMPTS = [
    f"api/contents/{SOURCE}",
    f"api/contents/../{SOURCE}",
    f"api/contents/..%2F{SOURCE.replace('/', '%2F')}",
    f"api/contents/%2e%2e/{SECRET}",
    f"api/contents/notebooks/../../{SECRET}",
    f"files/../{SECRET}",
    f"files/%2e%2e/{SECRET}",
    f"files/notebooks/..%2F..%2F{SECRET.replace('/', '%2F')}",
    "api/contents/../grading",
    "api/contents/..",
    f"api/contents/{ROOT}/{SOURCE}".replace("//", "/"),
    f"nbconvert/html/../{SOURCE}?download=false",
    f"lab/tree/../{SECRET}",
]


@pytest.fixture(scope="module")
def trainer_machine(tmp_path_factory):
    """A course folder as a trainer's machine holds it: sources, gradebook and secret beside the workspace."""
    course = tmp_path_factory.mktemp("clinic") / "course"
    (course / "assignments" / "foundations").mkdir(parents=True)
    shutil.copy(ROOT / SOURCE, course / SOURCE)
    (course / "grading").mkdir()
    (course / SECRET).write_text(SECRET_TEXT + "\n", encoding="utf-8")
    (course / "grading" / "gradebook.db").write_bytes(b"SQLite format 3\x00")
    return course


@pytest.fixture(scope="module")
def workspace_lab(browser_available, trainer_machine, tmp_path_factory):
    """The learner workspace started as `make course` starts it, inside that course folder."""
    env = {"MESOCOURSE_PROGRESS": str(tmp_path_factory.mktemp("progress") / "progress.sqlite")}
    with running_workspace(trainer_machine / "learner-workspace", env=env) as server:
        yield server


def _get(server, path, method="GET"):
    """Status and body of one request with the learner's token (the token is what the learner's browser holds)."""
    request = urllib.request.Request(server.url(path), method=method, headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, data=b"{}" if method == "POST" else None, timeout=15) as response:
            return response.status, response.read().decode("utf-8", errors="replace")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", errors="replace")


def test_the_root_holds_only_the_learners_folders(workspace_lab):
    """The contents API's root: the modules, the graded assignments and a README, nothing of the course folder."""
    status, body = _get(workspace_lab, "api/contents")
    assert status == 200
    names = sorted(item["name"] for item in json.loads(body)["content"])
    assert names == ["README.md", "notebooks"] or names == ["README.md", "graded-assignments", "notebooks"]


@pytest.mark.parametrize("path", ATTEMPTS)
def test_no_path_reaches_a_source_notebook_or_the_secret(workspace_lab, path):
    """Each `../`, encoded or absolute route is refused, and no answer reaches the learner."""
    status, body = _get(workspace_lab, path)
    leaked = SECRET_TEXT in body or "BEGIN SOLUTION" in body or "BEGIN HIDDEN TESTS" in body
    assert not leaked, f"{path} answered {status} with grading material"
    if not path.startswith("lab/"):
        assert status in (400, 403, 404), f"{path} answered {status}"


def _signed_in(server):
    """An opener holding the learner's session cookies, as their browser does after following the token link."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(server.url("lab"), timeout=30).read()
    xsrf = next(cookie.value for cookie in jar if cookie.name == "_xsrf")
    return opener, xsrf


def test_there_is_no_terminal(workspace_lab):
    """The terminal API does not exist for learners, even for a signed-in request: no shell to `cat` the course."""
    opener, xsrf = _signed_in(workspace_lab)
    statuses = {}
    for method, path in (("POST", "api/terminals"), ("GET", "api/terminals")):
        headers = {"X-XSRFToken": xsrf, "Content-Type": "application/json"}
        request = urllib.request.Request(
            f"{workspace_lab.base}/{path}", method=method, data=b"{}" if method == "POST" else None, headers=headers
        )
        try:
            statuses[f"{method} {path}"] = opener.open(request, timeout=15).status
        except urllib.error.HTTPError as error:
            statuses[f"{method} {path}"] = error.code
    assert statuses == {"POST api/terminals": 404, "GET api/terminals": 404}
    sessions = opener.open(
        urllib.request.Request(f"{workspace_lab.base}/api/sessions", headers={"X-XSRFToken": xsrf}), timeout=15
    )
    assert sessions.status == 200  # the same signed-in requests do reach the server's API


def _listed(page):
    return page.evaluate(
        "() => [...document.querySelectorAll('.jp-DirListing-itemName')].map(e => e.textContent.trim())"
    )


def test_the_file_browser_shows_the_workspace_and_cannot_open_a_source(chromium, workspace_lab):
    """In the browser: the file browser lists the learner's folders; a `../` link opens no notebook and no secret."""
    context = chromium.new_context()
    page = context.new_page()
    try:
        page.goto(workspace_lab.url("lab/workspaces/browse/tree/"))
        page.wait_for_function(
            "() => [...document.querySelectorAll('.jp-DirListing-itemName')].some(e => e.textContent === 'notebooks')",
            timeout=60_000,
        )
        listed = _listed(page)
        assert "assignments" not in listed and "grading" not in listed
        probes = (f"../{SOURCE}", urllib.parse.quote(f"../{SECRET}", safe=""), f"notebooks/../../{SECRET}")
        for number, path in enumerate(probes):
            # A JupyterLab workspace of its own, so nothing opened before is restored into it.
            page.goto(workspace_lab.url(f"lab/workspaces/probe-{number}/tree/{path}"))
            page.wait_for_function(
                "() => [...document.querySelectorAll('.jp-DirListing-itemName')].length > 0", timeout=60_000
            )
            page.wait_for_load_state("networkidle")
            text = page.evaluate("() => document.body.innerText")
            assert SECRET_TEXT not in text and "BEGIN SOLUTION" not in text
            assert page.locator(".jp-NotebookPanel .jp-Cell").count() == 0
            assert page.locator(".jp-FileEditor").count() == 0
            assert "grading" not in _listed(page) and "assignments" not in _listed(page)
        screenshot(page, "learner-workspace")
    finally:
        context.close()
