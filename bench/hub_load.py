"""Load on the clinic's hub: N learners log in at once, their servers start, each runs a quiz check in a kernel.

Measures, for each N (default 5, 10, 20): the time from login to a ready server (median and slowest), the memory
each learner's server and kernel take (proportional set size, so shared libraries are counted once), and the hub's
own memory (hub + proxy). Run as root (`make bench-hub`); the throwaway accounts and the hub are removed after each
N. Bounded: every wait has a deadline, and a learner whose server does not come up is counted as failed.
"""

import argparse
import http.cookiejar
import json
import pwd
import re
import statistics
import sys
import time
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests" / "browser"), str(ROOT)]

from hubdriver import hub_missing_reason, running_hub  # noqa: E402 (the hub helpers live with the hub test)

READY_SECONDS = 240
# What a learner's "Check" button does: load a module's bank, grade one answer, record nothing outside the kernel.
QUIZ_CHECK = """
from mesocourse.bank import course_bank
from mesocourse.quiz.checking import grade_choice, shuffled_options
bank = course_bank("02-the-procedure")
question = next(q for q in bank.questions if q.options)
order = shuffled_options(question, "bench")
print("verdict", grade_choice(question, {order[0]}, order).correct)
"""


def _session(hub, name: str, password: str):
    """Log in through the hub's login form (PAM) with a cookie jar of its own; returns the opener."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(hub.url + "/hub/login", timeout=30).read().decode()
    xsrf = re.search(r'name="_xsrf" value="([^"]+)"', page)
    form = {"username": name, "password": password, **({"_xsrf": xsrf.group(1)} if xsrf else {})}
    opener.open(hub.url + "/hub/login?next=", urllib.parse.urlencode(form).encode(), timeout=60).read()
    opener.jar = jar
    return opener


def _xsrf(opener) -> str:
    return next((cookie.value for cookie in opener.jar if cookie.name == "_xsrf" and "/user/" in cookie.path), "")


def _quiz_check(hub, name: str, opener) -> bool:
    """Start a kernel on the learner's server and run the quiz check over its websocket."""
    import asyncio

    from tornado.httpclient import HTTPRequest
    from tornado.websocket import websocket_connect

    base = f"{hub.url}/user/{name}"
    headers = {"X-XSRFToken": _xsrf(opener), "Content-Type": "application/json"}
    request = urllib.request.Request(f"{base}/api/kernels", data=b"{}", headers=headers, method="POST")
    kernel = json.loads(opener.open(request, timeout=120).read())["id"]
    cookies = "; ".join(f"{cookie.name}={cookie.value}" for cookie in opener.jar)

    async def run() -> bool:
        url = base.replace("http", "ws", 1) + f"/api/kernels/{kernel}/channels"
        socket = await websocket_connect(HTTPRequest(url, headers={"Cookie": cookies, **headers}))
        msg_id = uuid.uuid4().hex
        message = {
            "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": name, "session": msg_id,
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": QUIZ_CHECK, "silent": False, "store_history": False, "user_expressions": {},
                        "allow_stdin": False, "stop_on_error": True},
        }  # fmt: skip
        await socket.write_message(json.dumps(message))
        printed = ""
        while True:
            reply = json.loads(await asyncio.wait_for(socket.read_message(), 120))
            if reply.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            if reply["msg_type"] == "stream":
                printed += reply["content"]["text"]
            if reply["msg_type"] == "execute_reply":
                socket.close()
                return reply["content"]["status"] == "ok" and "verdict" in printed

    return asyncio.run(run())  # the kernel stays, as a learner's would, until memory is read


def _one_learner(hub, short: str) -> dict:
    """Log in, start the server (the hub spawns it on first visit), wait until it answers, run the quiz check."""
    name, started = hub.names[short], time.monotonic()
    try:
        opener = _session(hub, name, hub.passwords[short])
        opener.open(f"{hub.url}/hub/spawn", timeout=READY_SECONDS).read()
        deadline = time.monotonic() + READY_SECONDS
        while time.monotonic() < deadline:
            try:
                opener.open(f"{hub.url}/user/{name}/lab", timeout=60).read()
                opener.open(f"{hub.url}/user/{name}/api/status", timeout=30).read()
                break
            except OSError:
                time.sleep(1)
        ready = time.monotonic() - started
        checked = _quiz_check(hub, name, opener)
        return {"name": name, "ready": ready, "checked": checked}
    except Exception as problem:  # a learner whose server fails is a result, not a crash of the bench
        return {"name": name, "ready": None, "checked": False, "problem": f"{type(problem).__name__}: {problem}"}


def _pss_kib(pid: int) -> int:
    try:
        text = Path(f"/proc/{pid}/smaps_rollup").read_text()
    except OSError:
        return 0
    found = re.search(r"^Pss:\s+(\d+) kB", text, re.M)
    return int(found.group(1)) if found else 0


def _memory(hub) -> tuple[list[float], float]:
    """MiB per learner (every process of their account) and MiB of the hub plus its proxy."""
    from hubdriver import processes_of

    per_learner = []
    for name in hub.names.values():
        pids = processes_of({pwd.getpwnam(name).pw_uid})
        per_learner.append(sum(_pss_kib(pid) for pid in pids) / 1024)
    hub_pids = [hub.process.pid]
    proxy = hub.base / "state" / "proxy.pid"
    if proxy.exists():
        hub_pids.append(int(proxy.read_text().strip()))
    return per_learner, sum(_pss_kib(pid) for pid in hub_pids) / 1024


def measure(count: int) -> dict:
    """One load run with `count` learners at once."""
    shorts = [f"ld{index:02d}x" for index in range(count)]
    with running_hub(shorts, []) as hub:
        with ThreadPoolExecutor(max_workers=count) as pool:
            results = list(pool.map(lambda short: _one_learner(hub, short), shorts))
        per_learner, hub_mib = _memory(hub)
    ready = [result["ready"] for result in results if result["ready"] is not None]
    return {
        "learners": count,
        "servers_ready": len(ready),
        "quiz_checks_ok": sum(result["checked"] for result in results),
        "spawn_median_s": round(statistics.median(ready), 1) if ready else None,
        "spawn_slowest_s": round(max(ready), 1) if ready else None,
        "memory_per_learner_mib": round(statistics.mean(per_learner), 1) if per_learner else None,
        "hub_and_proxy_mib": round(hub_mib, 1),
        "problems": [result["problem"] for result in results if "problem" in result][:3],
    }


def main(argv=None) -> int:
    """Run each N in turn, print one table row per N and save all of it as JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", default="5,10,20", help="comma-separated N (default 5,10,20)")
    parser.add_argument("--output", default=str(ROOT / "test-artifacts" / "bench" / "hub-load.json"))
    args = parser.parse_args(argv)
    reason = hub_missing_reason()
    if reason:
        print(f"The hub load bench cannot run here: {reason}", file=sys.stderr)
        return 1
    rows = []
    print("learners  ready  quiz ok  spawn median s  slowest s  MiB/learner  hub+proxy MiB")
    for count in (int(part) for part in args.learners.split(",")):
        row = measure(count)
        rows.append(row)
        print(
            f"{row['learners']:>8}  {row['servers_ready']:>5}  {row['quiz_checks_ok']:>7}  "
            f"{row['spawn_median_s']!s:>14}  {row['spawn_slowest_s']!s:>9}  {row['memory_per_learner_mib']!s:>11}  "
            f"{row['hub_and_proxy_mib']:>13}"
        )
        for problem in row["problems"]:
            print(f"          problem: {problem}")
    output = Path(args.output)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(rows, indent=1), encoding="utf-8")
    print(f"Saved {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
