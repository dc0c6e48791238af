"""The runner's kernels: always this interpreter, and their own stderr in a log file of the run.

A kernelspec named "python3" in the user's or the system's Jupyter paths (e.g. after
`ipykernel install --user` in another Python) would otherwise win over the project's, and the
notebooks would run without hso_eval. The runner's kernels start from `sys.executable` instead.

A kernel inherits its parent's stderr. Under load, ipykernel's tornado logger may report a
harmless race while the kernel shuts down ("Socket operation on non-socket"): on a terminal or in
cron's mail that reads like a failure although the run succeeded. Errors in cells still reach the
runner through papermill; only the kernel process's own chatter is redirected.

A kernel runs in a session of its own (jupyter_client starts it so), out of reach of the Ctrl+C
a terminal sends and of a `kill` of the runner. A run that is stopped calls `stop_kernels`,
which kills the run's kernels and starts no more, so it stops within a second or two instead of
waiting for every notebook to finish.
"""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path
from typing import Any, ClassVar

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager


class LoggedKernelManager(AsyncKernelManager):
    """Launches kernels with stderr appended to `log_path` (set per run by `for_log`)."""

    log_path: str | None = None
    #: Per run class (`for_log`): the managers that launched a kernel, and whether the run was
    #: stopped; the lock makes "stopped" and "launched" one decision across the worker threads.
    _launched: ClassVar[list[LoggedKernelManager]] = []
    _stopped: ClassVar[bool] = False
    _lock: ClassVar[threading.Lock] = threading.Lock()

    @property
    def kernel_spec(self) -> KernelSpec:
        """ipykernel's own spec for this interpreter, whatever "python3" means elsewhere."""
        if self._kernel_spec is None:
            from ipykernel.kernelspec import get_kernel_dict

            self._kernel_spec = KernelSpec(resource_dir="", **get_kernel_dict())
        return self._kernel_spec

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        cls = type(self)
        if cls._stopped:
            raise KernelsStopped()
        if self.log_path is None or "stderr" in kw:
            await super()._async_launch_kernel(kernel_cmd, **kw)
        else:
            with open(self.log_path, "ab") as handle:  # the kernel keeps its own copy of the fd
                kw["stderr"] = handle
                await super()._async_launch_kernel(kernel_cmd, **kw)
        with cls._lock:
            cls._launched.append(self)
            stopped = cls._stopped
        if stopped:  # stopped while this one was starting
            self._kill_now()
            raise KernelsStopped()

    def _kill_now(self) -> None:
        """SIGKILL to the kernel's process group (the kernel and anything it started); safe
        from another thread, as it only sends a signal."""
        provisioner = self.provisioner
        process = getattr(provisioner, "process", None)
        if process is None or process.poll() is not None:
            return
        pgid = getattr(provisioner, "pgid", None)
        try:
            if pgid and hasattr(os, "killpg"):
                os.killpg(pgid, signal.SIGKILL)
            else:
                process.kill()
        except ProcessLookupError:  # it ended meanwhile
            pass


class KernelsStopped(RuntimeError):
    """The run was stopped (`stop_kernels`) before this kernel could run."""

    def __init__(self) -> None:
        super().__init__("körningen avbröts; ingen ny kärna startas")


def stop_kernels(manager_class: type[LoggedKernelManager]) -> None:
    """Kill every kernel `manager_class` launched, and let it launch no more."""
    with manager_class._lock:
        manager_class._stopped = True
        launched = list(manager_class._launched)
    for manager in launched:
        manager._kill_now()


def for_log(path: Path) -> type[LoggedKernelManager]:
    """A kernel-manager class whose kernels append their stderr to `path`."""
    return type(
        "RunKernelManager",
        (LoggedKernelManager,),
        {"log_path": str(path), "_launched": [], "_stopped": False, "_lock": threading.Lock()},
    )
