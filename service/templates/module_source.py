"""Fetch a module from a git repository or a local directory into a working directory.

git runs as a subprocess with an argument list, no prompts and one deadline for the whole fetch. Messages
never carry credentials from the URL, nor the machine's temporary paths.
"""

import contextlib
import logging
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

REMOTE_SCHEMES = ("https", "http", "ssh")
# scp-like form `git@host:org/repo.git`. No "::", which git would read as `<helper>::<address>`.
_SCP = re.compile(r"[A-Za-z0-9._-]+@[A-Za-z0-9][A-Za-z0-9.-]*:(?!:)\S+")
_SHA = re.compile(r"[0-9a-fA-F]{4,64}")
_USERINFO = re.compile(r"(?<=://)[^/\s]*@")
_COPY_IGNORE = shutil.ignore_patterns(".git", ".terraform", "*.tfstate*")
log = logging.getLogger(__name__)
_MAX_DETAIL = 200


class ModuleSourceError(ValueError):
    """The module source cannot be fetched: bad URL, ref or path, unreachable repository, or timeout."""


@dataclass
class ModuleSource:
    url: str
    ref: str | None = None
    path: str | None = None


@dataclass
class FetchedModule:
    directory: Path
    commit: str | None


def redact(text: str) -> str:
    """`text` with the userinfo of every URL in it (`https://user:token@host`) replaced by `***`."""
    return _USERINFO.sub("***@", text)


def fetch_module(source: ModuleSource, dest: Path, timeout: float = 120, allow_local: bool = True) -> FetchedModule:
    """Fetch `source` into `dest` (absent or empty) and return the module directory and git commit.

    Raises ModuleSourceError for a bad URL, ref or path, an unreachable repository or a fetch over `timeout`.
    After an error `dest` may hold part of a clone: callers fetch into a temporary directory.
    """
    subpath = _check_subpath(source.path)
    ref = source.ref or None  # a form's empty ref field means the default branch, like an absent one
    if ref is not None:
        _check_ref(ref)
    if dest.exists() and any(dest.iterdir()):
        raise ModuleSourceError("the destination directory is not empty")
    local = _local_path(source.url)
    if local is not None and not allow_local:
        # Otherwise anyone allowed to register a version could have the server read any directory it can see.
        raise ModuleSourceError("local paths and file:// URLs are disabled on this server (ALLOW_LOCAL_SOURCES)")
    if local is None:
        commit = _clone(_Git(dest, timeout, local=False), source.url, ref, shown=redact(source.url))
    elif _is_git_repository(local):
        # A file:// URL makes git use its transport (where --depth works) rather than copying the object store.
        commit = _clone(_Git(dest, timeout, local=True), local.as_uri(), ref, shown=source.url)
    elif local.is_dir():
        if ref is not None:
            raise ModuleSourceError(f"ref '{ref}' given, but {redact(source.url)} is not a git repository")
        shutil.copytree(local, dest, symlinks=True, ignore=_COPY_IGNORE, dirs_exist_ok=True)
        commit = None
    else:
        raise ModuleSourceError(f"repository not found or not reachable: {redact(source.url)}")
    return FetchedModule(directory=_module_directory(dest, subpath), commit=commit)


def _local_path(url: str) -> Path | None:
    """The directory a local URL names, or None for a remote URL; ModuleSourceError for anything else."""
    if not url or url.startswith("-") or any(c.isspace() or ord(c) < 32 for c in url):
        raise ModuleSourceError("invalid module URL")  # a leading "-" would reach git as an option
    if url.startswith("/"):
        return Path(url)
    if url.startswith("file://"):
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or not parts.path.startswith("/"):
            raise ModuleSourceError("a file:// URL must name an absolute path on this machine")
        return Path(unquote(parts.path))
    if _SCP.fullmatch(url):
        return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises ValueError on a malformed port)
    except ValueError:
        raise ModuleSourceError(f"invalid module URL: {redact(url)}") from None
    if parts.scheme and parts.scheme not in REMOTE_SCHEMES:
        raise ModuleSourceError(
            f"unsupported URL scheme '{parts.scheme}': use https://, http://, ssh://, git@host:path, file:// or /path"
        )
    if not parts.scheme or "://" not in url:
        raise ModuleSourceError(
            "unsupported module URL: use https://, http://, ssh://, git@host:path, file:// or /path"
        )
    if not parts.hostname or parts.hostname.startswith("-"):
        raise ModuleSourceError(f"invalid host in module URL: {redact(url)}")
    return None


def _is_git_repository(path: Path) -> bool:
    # The top of a work tree (.git may be a file for worktrees) or a bare repository. A plain directory that
    # merely sits inside some repository is copied as it is, not cloned.
    return (path / ".git").exists() or ((path / "HEAD").is_file() and (path / "objects").is_dir())


def _check_subpath(path: str | None) -> PurePosixPath:
    if not path:
        return PurePosixPath()
    if "\0" in path:
        raise ModuleSourceError("the module path contains a NUL character")
    subpath = PurePosixPath(path)
    if subpath.is_absolute() or ".." in subpath.parts:
        raise ModuleSourceError(f"path '{path}' must be relative and stay inside the module source")
    return subpath


def _check_ref(ref: str) -> None:
    # Characters git itself forbids in ref names, plus a leading "-" that git would parse as an option.
    forbidden = any(c.isspace() or ord(c) < 32 or c in "~^:?*[\\" for c in ref)
    if not ref or ref.startswith("-") or forbidden or ".." in ref or "@{" in ref:
        raise ModuleSourceError(f"invalid ref {ref!r}")  # repr: the ref may hold control characters


def _module_directory(dest: Path, subpath: PurePosixPath) -> Path:
    root = dest.resolve()
    directory = (dest / subpath).resolve()
    # resolve() follows symlinks, so a link inside the repository pointing elsewhere is caught here.
    if not directory.is_relative_to(root):
        raise ModuleSourceError(f"path '{subpath}' leaves the module source")
    if not directory.is_dir():
        raise ModuleSourceError(f"path '{subpath}' not found in the module source")
    # Spelled under `dest` as the caller gave it, so that `directory.relative_to(dest)` works for them.
    return dest / directory.relative_to(root)


def _clone(git: "_Git", url: str, ref: str | None, shown: str) -> str:
    """Clone `url` at `ref` (default branch when None) into git.dest; returns the checked-out commit.

    `shown` is the URL as messages may show it: redacted, and as the user wrote it.
    """
    unreachable = f"repository not found or not reachable: {shown}"
    if ref is None:
        git.run(["clone", "--depth", "1", "--", url, str(git.dest)], failure=unreachable)
    else:
        # Asking the remote first tells an unreachable repository from a missing ref without reading git's
        # (translated, version-dependent) error messages.
        listing = git.run(["ls-remote", "--", url], failure=unreachable)
        names = {line.split("\t", 1)[-1] for line in listing.splitlines()}
        if f"refs/heads/{ref}" in names or f"refs/tags/{ref}" in names:
            git.run(["clone", "--depth", "1", "--branch", ref, "--", url, str(git.dest)], failure=unreachable)
        elif _SHA.fullmatch(ref):
            # A commit cannot be cloned by name: fetch the whole history, then check the commit out.
            git.run(["clone", "--no-checkout", "--", url, str(git.dest)], failure=unreachable)
            sha = git.run(
                ["rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}"],
                failure=f"ref '{ref}' not found",
                cwd=git.dest,
            ).strip()
            checkout = ["-c", "advice.detachedHead=false", "checkout", "--quiet", sha]
            git.run(checkout, failure=f"ref '{ref}' not found", cwd=git.dest)
        else:
            raise ModuleSourceError(f"ref '{ref}' not found")
    # An empty remote reads as an unreachable one: anything that answers HTTP "clones" as an empty repository.
    empty = f"the repository has no commits: {shown}" if git.local else unreachable
    commit = git.run(["rev-parse", "HEAD"], failure=empty, cwd=git.dest).strip()
    if redact(url) != url:
        # The clone keeps its origin URL in .git/config; a token in it must not outlive the fetch.
        without_credentials = _USERINFO.sub("", url)
        git.run(["remote", "set-url", "origin", without_credentials], failure="could not clean the clone", cwd=git.dest)
    return commit


class _Git:
    """Runs git commands for one fetch, all under one deadline."""

    def __init__(self, dest: Path, timeout: float, local: bool):
        self.dest = dest
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.local = local

    def run(self, args: list[str], failure: str, cwd: Path | None = None) -> str:
        """stdout of `git args`; ModuleSourceError(`failure` + git's last error line) when git fails."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0:
            raise self._timed_out()
        env = {
            **os.environ,
            "GIT_TERMINAL_PROMPT": "0",
            "LC_ALL": "C",
            # Only the transports this source may use, also for anything the repository points git to.
            "GIT_ALLOW_PROTOCOL": "file" if self.local else "https:http:ssh",
        }
        env.setdefault("GIT_SSH_COMMAND", "ssh -o BatchMode=yes")  # fail instead of asking for a password
        config = ["-c", "protocol.file.allow=always"] if self.local else []
        try:
            # A session of its own, so that a timeout kills git's helpers (ssh, git-remote-https) as well.
            with subprocess.Popen(
                ["git", *config, *args],
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                start_new_session=True,
            ) as process:
                try:
                    stdout, stderr = process.communicate(timeout=remaining)
                except subprocess.TimeoutExpired:
                    with contextlib.suppress(ProcessLookupError):  # the group may be gone already
                        os.killpg(process.pid, signal.SIGKILL)
                    process.communicate()
                    raise self._timed_out() from None
        except FileNotFoundError:
            raise ModuleSourceError("git is not installed on this server") from None
        if process.returncode != 0:
            raise ModuleSourceError(self._with_detail(failure, stderr))
        return stdout

    def _timed_out(self) -> ModuleSourceError:
        return ModuleSourceError(f"timed out after {self.timeout:g} s")

    def _with_detail(self, failure: str, stderr: str) -> str:
        """`failure`, and nothing of what git said: its errors would tell a template author whether an address
        inside the network answers ("Failed to connect" or "Empty reply"). What git said goes to the server log."""
        lines = [line.strip() for line in stderr.splitlines() if line.strip()]
        if lines:
            # git's last line is often advice ("and the repository exists."); its last fatal/error line says why.
            reasons = [line for line in lines if line.startswith(("fatal:", "error:"))]
            log.warning("module fetch: %s: %s", failure, redact((reasons or lines)[-1])[:_MAX_DETAIL])
        return failure
