"""Run an engine command as a child process: stream its output by line; stop it on deadline or on request."""

import ctypes
import os
import select
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

# After an interrupt the engine gets this long to release locks and write state before it is killed.
INTERRUPT_GRACE_SECONDS = 30
POLL_SECONDS = 0.2
_PR_SET_PDEATHSIG = 1


class EngineTimeout(Exception):
    pass


class EngineCancelled(Exception):
    pass


@dataclass
class RunControl:
    """Set from another thread: `cancel` interrupts gracefully, `force` kills at once."""

    cancel: threading.Event = field(default_factory=threading.Event)
    force: threading.Event = field(default_factory=threading.Event)


@dataclass(frozen=True)
class Launch:
    """How engine processes start: `wrap(argv)` (a sandbox, or as it is) and `limits()` (called between fork and
    exec). With a wrapper, the wrapper leads the process group and an interrupt goes to what it runs, not to it.

    `wrapper_dies_with_parent`: the wrapper itself ends what it runs when the worker dies (bwrap's
    --die-with-parent), and sets its limits itself (prlimit), so no code of ours runs between fork and exec. That
    lets the engine start with vfork instead of a fork, which copies the page tables of the whole worker (a few ms
    per 100 MB of its memory, per engine process)."""

    wrap: Callable[[list[str]], list[str]] | None = None
    limits: Callable[[], None] | None = None
    wrapper_dies_with_parent: bool = False

    @property
    def wrapped(self) -> bool:
        return self.wrap is not None

    def argv(self, argv: list[str]) -> list[str]:
        return self.wrap(argv) if self.wrap is not None else argv

    @property
    def preexec(self) -> Callable[[], None] | None:
        """What runs between fork and exec (Popen's preexec_fn), or None when nothing needs to."""
        if self.wrapped and self.wrapper_dies_with_parent and self.limits is None:
            return None
        return self._preexec

    def _preexec(self) -> None:
        _die_with_parent()
        if self.limits is not None:
            self.limits()


DIRECT = Launch()


def _die_with_parent() -> None:
    # If the worker is killed (even with -9) the engine must not go on changing infrastructure unobserved.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _group_members(pgid: int) -> list[int]:
    """The processes of process group `pgid` (as this PID namespace numbers them)."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # gone meanwhile
        if int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


class _ExitWatch:
    """Waits for a child to end without polling: a pidfd (Linux 5.3+) is readable the moment the child exits,
    where `Popen.wait(timeout)` looks, then sleeps up to 50 ms, then looks again. Without a pidfd (an old
    kernel, a seccomp filter), it is that wait."""

    def __init__(self, process: subprocess.Popen):
        self.process = process
        try:
            self.pidfd = os.pidfd_open(process.pid)
        except (AttributeError, OSError):
            self.pidfd = None
            return
        self.poller = select.poll()
        self.poller.register(self.pidfd, select.POLLIN)

    def ended(self, timeout: float) -> bool:
        """True once the child has ended (and is reaped), after waiting at most `timeout` seconds."""
        if self.pidfd is None:
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                return False
            return True
        if not self.poller.poll(timeout * 1000):
            return False
        self.process.wait()  # it has exited: this only reaps it
        return True

    def close(self) -> None:
        if self.pidfd is not None:
            os.close(self.pidfd)
            self.pidfd = None


def _interrupt(process: subprocess.Popen, wrapped: bool) -> None:
    """SIGINT to the run's process group. A sandbox's wrapper (bwrap) would die of it and take the engine with
    it before the engine could release its lock and save state, so it is spared: the engine and its children
    get the signal, the wrapper ends when they do."""
    if not wrapped:
        os.killpg(process.pid, signal.SIGINT)
        return
    for pid in _group_members(process.pid):
        if pid != process.pid:
            try:
                os.kill(pid, signal.SIGINT)
            except (ProcessLookupError, PermissionError):
                pass


def _kill_group(process: subprocess.Popen) -> None:
    """Kill whatever is left in the run's process group (e.g. a backgrounded local-exec child)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _stop(process: subprocess.Popen, grace: float, force: threading.Event, wrapped: bool) -> None:
    """Interrupt the whole process group (local-exec children too), then kill what is left."""
    try:
        _interrupt(process, wrapped)
    except ProcessLookupError:
        return
    give_up = time.monotonic() + grace
    while time.monotonic() < give_up and not force.is_set():
        try:
            process.wait(timeout=POLL_SECONDS)
            break
        except subprocess.TimeoutExpired:
            continue
    _kill_group(process)
    process.wait()


def run_streaming(argv: list[str], cwd, env: dict, deadline: float, on_line: Callable[[str], None],
                  control: RunControl | None = None, grace: float = INTERRUPT_GRACE_SECONDS,
                  launch: Launch = DIRECT) -> int:
    """The exit code; each output line (stdout and stderr merged, in order) goes to `on_line`.

    Raises EngineTimeout when `deadline` (a time.monotonic() value) passes first, EngineCancelled when
    `control` asks for it.
    """
    control = control or RunControl()
    process = subprocess.Popen(
        launch.argv(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so a stop reaches grandchildren
        preexec_fn=launch.preexec,  # noqa: PLW1509 (prctl and setrlimit calls only, safe between fork and exec)
    )

    def pump():
        for raw in process.stdout:
            on_line(raw.decode("utf-8", errors="replace").rstrip("\r\n"))

    reader = threading.Thread(target=pump, name="engine-output", daemon=True)
    reader.start()
    watch = _ExitWatch(process)
    try:
        while not watch.ended(POLL_SECONDS):
            if control.force.is_set() or control.cancel.is_set():
                _stop(process, 0 if control.force.is_set() else grace, control.force, launch.wrapped)
                raise EngineCancelled()
            if time.monotonic() >= deadline:
                _stop(process, grace, control.force, launch.wrapped)
                raise EngineTimeout()
    finally:
        # Leftover children would hold the output pipe open (and outlive the run): none may survive it.
        watch.close()
        _kill_group(process)
        reader.join()
        process.stdout.close()
    return process.returncode


def run_captured(argv: list[str], cwd, env: dict, deadline: float, launch: Launch = DIRECT) -> tuple[int, str]:
    """(exit code, stdout) for short commands whose output is data, not log (e.g. `output -json`)."""
    try:
        done = subprocess.run(
            launch.argv(argv), cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
            timeout=max(0.0, deadline - time.monotonic()), check=False,
            preexec_fn=launch.preexec,  # noqa: PLW1509 (prctl and setrlimit calls only)
        )
    except subprocess.TimeoutExpired:
        raise EngineTimeout() from None
    return done.returncode, done.stdout.decode("utf-8", errors="replace")
