"""One sandboxed kernel started ahead of need per grading process: its start-up overlaps the previous notebook.

Starting a box and its kernel (bwrap, Python, ipykernel, the first reply) takes about half a second in which the
grading process would only wait. A grading worker therefore keeps one spare: started empty (no submission in it and
no code run in it), it is handed the next notebook's files just before that notebook runs, used for that one notebook
and then shut down like any other kernel. A kernel is never used for two notebooks, so no learner's state can reach
another's. When the spare does not fit (another kernel name or settings) or did not start, the notebook simply gets a
kernel started on the spot.
"""

import contextlib
import logging
from collections.abc import Callable, Hashable
from multiprocessing import util

from jupyter_core.utils import run_sync

log = logging.getLogger(__name__)


class SpareKernels:
    """At most one started, unused kernel manager, kept for the next notebook that asks with the same settings."""

    def __init__(self) -> None:
        self._key: Hashable = None
        self._manager = None
        util.Finalize(self, self.close, exitpriority=10)  # a worker's spare goes when the worker ends

    def take(self, key: Hashable, make: Callable, start: Callable):
        """A started manager for `key` (the spare when it fits, else a new one), and the next spare started now.

        make() builds a manager (not started); start(manager) starts it and returns nothing.
        """
        spare = None
        if self._key == key:
            spare, self._manager = self._manager, None
        self.close()
        manager = spare if spare is not None and spare.has_kernel else self._started(make, start)
        self._key, self._manager = key, self._started(make, start)
        return manager

    @staticmethod
    def _started(make: Callable, start: Callable):
        """A new manager, started; one whose start failed is returned unstarted (its user starts it again)."""
        manager = make()
        try:
            start(manager)
        except Exception as error:  # nbclient starts it again in the usual way, and reports it if that fails
            log.warning("a spare grading kernel did not start: %s", error)
            with contextlib.suppress(Exception):
                run_sync(manager.cleanup_resources)()
        return manager

    def close(self) -> None:
        """Shut the spare down and remove its box (at the end of a worker, or when it no longer fits)."""
        manager, self._manager, self._key = self._manager, None, None
        if manager is None:
            return
        with contextlib.suppress(Exception):
            if manager.has_kernel:
                run_sync(manager.shutdown_kernel)(now=True)
            run_sync(manager.cleanup_resources)()
