"""The runner's kernels: always this interpreter, and their own stderr in a log file of the run.

A kernelspec named "python3" in the user's or the system's Jupyter paths (e.g. after
`ipykernel install --user` in another Python) would otherwise win over the project's, and the
notebooks would run without hso_eval. The runner's kernels start from `sys.executable` instead.

A kernel inherits its parent's stderr. Under load, ipykernel's tornado logger may report a
harmless race while the kernel shuts down ("Socket operation on non-socket"): on a terminal or in
cron's mail that reads like a failure although the run succeeded. Errors in cells still reach the
runner through papermill; only the kernel process's own chatter is redirected.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jupyter_client.kernelspec import KernelSpec
from jupyter_client.manager import AsyncKernelManager


class LoggedKernelManager(AsyncKernelManager):
    """Launches kernels with stderr appended to `log_path` (set per run by `for_log`)."""

    log_path: str | None = None

    @property
    def kernel_spec(self) -> KernelSpec:
        """ipykernel's own spec for this interpreter, whatever "python3" means elsewhere."""
        if self._kernel_spec is None:
            from ipykernel.kernelspec import get_kernel_dict

            self._kernel_spec = KernelSpec(resource_dir="", **get_kernel_dict())
        return self._kernel_spec

    async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: Any) -> None:
        if self.log_path is None or "stderr" in kw:
            return await super()._async_launch_kernel(kernel_cmd, **kw)
        with open(self.log_path, "ab") as handle:  # the kernel keeps its own copy of the fd
            kw["stderr"] = handle
            return await super()._async_launch_kernel(kernel_cmd, **kw)


def for_log(path: Path) -> type[LoggedKernelManager]:
    """A kernel-manager class whose kernels append their stderr to `path`."""
    return type("RunKernelManager", (LoggedKernelManager,), {"log_path": str(path)})
