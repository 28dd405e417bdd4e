"""Run an engine command as a child process: stream its output by line; stop it on deadline or on request."""

import ctypes
import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

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


def _die_with_parent() -> None:
    # If the worker is killed (even with -9) the engine must not go on changing infrastructure unobserved.
    try:
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):
        pass


def _kill_group(process: subprocess.Popen) -> None:
    """Kill whatever is left in the run's process group (e.g. a backgrounded local-exec child)."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _stop(process: subprocess.Popen, grace: float, force: threading.Event) -> None:
    """Interrupt the whole process group (local-exec children too), then kill what is left."""
    try:
        os.killpg(process.pid, signal.SIGINT)
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
                  control: RunControl | None = None, grace: float = INTERRUPT_GRACE_SECONDS) -> int:
    """The exit code; each output line (stdout and stderr merged, in order) goes to `on_line`.

    Raises EngineTimeout when `deadline` (a time.monotonic() value) passes first, EngineCancelled when
    `control` asks for it.
    """
    control = control or RunControl()
    process = subprocess.Popen(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so a stop reaches grandchildren
        preexec_fn=_die_with_parent,  # noqa: PLW1509 (only a prctl call, safe between fork and exec)
    )

    def pump():
        for raw in process.stdout:
            on_line(raw.decode("utf-8", errors="replace").rstrip("\r\n"))

    reader = threading.Thread(target=pump, name="engine-output", daemon=True)
    reader.start()
    try:
        while True:
            try:
                process.wait(timeout=POLL_SECONDS)
                break
            except subprocess.TimeoutExpired:
                pass
            if control.force.is_set() or control.cancel.is_set():
                _stop(process, 0 if control.force.is_set() else grace, control.force)
                raise EngineCancelled()
            if time.monotonic() >= deadline:
                _stop(process, grace, control.force)
                raise EngineTimeout()
    finally:
        # Leftover children would hold the output pipe open (and outlive the run): none may survive it.
        _kill_group(process)
        reader.join()
        process.stdout.close()
    return process.returncode


def run_captured(argv: list[str], cwd, env: dict, deadline: float) -> tuple[int, str]:
    """(exit code, stdout) for short commands whose output is data, not log (e.g. `output -json`)."""
    try:
        done = subprocess.run(
            argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
            timeout=max(0.0, deadline - time.monotonic()), check=False,
        )
    except subprocess.TimeoutExpired:
        raise EngineTimeout() from None
    return done.returncode, done.stdout.decode("utf-8", errors="replace")
