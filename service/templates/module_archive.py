"""A template version's module, frozen as a tar.gz so every run of that version sees the same files.

What a module may hold is bounded (`ModuleLimits`): checked on the fetched files before anything parses them, and
on the archive's members before a run unpacks it (versions registered before a limit existed are held to it too).
"""

import io
import tarfile
from dataclasses import dataclass
from pathlib import Path

from service.config import Settings
from service.errors import ValidationFailed

SKIPPED = {".git", ".terraform"}
MODULE_FILES = (".tf", ".tf.json")


@dataclass(frozen=True)
class ModuleLimits:
    max_archive_bytes: int = 20 * 1024 * 1024  # compressed
    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_files: int = 5000
    max_tf_file_bytes: int = 512 * 1024  # one .tf or .tf.json file: what the parser reads

    @classmethod
    def of(cls, settings: Settings) -> "ModuleLimits":
        return cls(settings.max_module_bytes, settings.max_module_unpacked_bytes, settings.max_module_files,
                   settings.max_tf_file_bytes)


def _too_large(message: str) -> ValidationFailed:
    return ValidationFailed(message, errors={"source": [message]})


def _kept(root: Path):
    """The files and directories of `root` an archive keeps: no VCS or engine scratch dirs, no state files, no
    links (a link could point outside the module; runs never follow one)."""
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if SKIPPED & set(relative.parts) or path.name.endswith((".tfstate", ".tfstate.backup")):
            continue
        if not path.is_symlink():
            yield path, relative


def check(root: Path, limits: ModuleLimits) -> None:
    """ValidationFailed when the files under `root` exceed `limits` (before any of them is parsed or packed)."""
    files = total = 0
    for path, relative in _kept(root):
        if not path.is_file():
            continue
        size = path.stat().st_size
        files, total = files + 1, total + size
        if files > limits.max_files:
            raise _too_large(f"the module source has more than {limits.max_files} files")
        if total > limits.max_unpacked_bytes:
            raise _too_large(f"the module source is larger than {limits.max_unpacked_bytes} bytes uncompressed")
        if path.name.endswith(MODULE_FILES) and size > limits.max_tf_file_bytes:
            raise _too_large(f"{relative} is larger than {limits.max_tf_file_bytes} bytes")


def pack(root: Path, limits: ModuleLimits) -> bytes:
    """tar.gz of what `_kept` keeps of `root`; ValidationFailed when over the compressed limit."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path, relative in _kept(root):
            archive.add(path, arcname=str(relative), recursive=False)
            if buffer.tell() > limits.max_archive_bytes:
                raise _too_large(f"the module source is larger than {limits.max_archive_bytes} bytes compressed")
    return buffer.getvalue()


def unpack(archive: bytes, dest: Path, limits: ModuleLimits) -> None:
    """Extract into `dest`, refusing members that would land outside it and archives over `limits`."""
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        members = tar.getmembers()
        if len(members) > limits.max_files or sum(m.size for m in members) > limits.max_unpacked_bytes:
            raise _too_large("the module is larger than this server's module limits allow")
        tar.extractall(dest, members=members, filter="data")
