"""Many sandboxed kernels started at the same moment all come up: no port to collide on, none reported dead."""

import asyncio
from concurrent.futures import ThreadPoolExecutor

import pytest

from mesocourse.grading.sandbox import SandboxedKernelManager

pytestmark = pytest.mark.pipeline
AT_ONCE = 8


async def _start_run_stop(folder) -> str:
    """Start one sandboxed kernel, run a line in it, stop it; returns the reply's status ("ok" when it lived)."""
    manager = SandboxedKernelManager(kernel_name="python3")
    await manager.start_kernel(cwd=str(folder))
    client = manager.client()
    client.start_channels()
    try:
        await client.wait_for_ready(timeout=120)
        reply = await client.execute_interactive("print(6 * 7)", timeout=60)
        return reply["content"]["status"]
    finally:
        client.stop_channels()
        await manager.shutdown_kernel(now=True)


def test_eight_kernels_started_at_once_all_answer(tmp_path):
    """Kernels talk over Unix sockets in their own folder, so starting many together cannot race for a port."""
    folders = []
    for index in range(AT_ONCE):
        folder = tmp_path / f"learner-{index}"
        folder.mkdir()
        folders.append(folder)

    async def all_at_once():
        return await asyncio.gather(*(_start_run_stop(folder) for folder in folders), return_exceptions=True)

    # A thread of its own: an event loop may already run in this one (Playwright's, from the browser tests).
    with ThreadPoolExecutor(max_workers=1) as worker:
        outcomes = worker.submit(asyncio.run, all_at_once()).result()
    assert outcomes == ["ok"] * AT_ONCE


def test_the_kernels_use_no_network_port():
    """The transport is IPC: the connection file names socket paths, not TCP ports on a shared address."""
    manager = SandboxedKernelManager(kernel_name="python3")
    assert manager.transport == "ipc"
