"""A template version's module, frozen as a tar.gz so every run of that version sees the same files."""

import io
import tarfile
from pathlib import Path

from service.errors import ValidationFailed

SKIPPED = {".git", ".terraform"}


def pack(root: Path, max_bytes: int) -> bytes:
    """tar.gz of `root` without VCS and engine scratch dirs; ValidationFailed when over `max_bytes`."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if SKIPPED & set(relative.parts) or path.name.endswith((".tfstate", ".tfstate.backup")):
                continue
            if path.is_symlink():
                continue  # a link could point outside the module; runs never follow one
            archive.add(path, arcname=str(relative), recursive=False)
            if buffer.tell() > max_bytes:
                raise ValidationFailed(
                    f"the module source is larger than {max_bytes} bytes compressed",
                    errors={"source": ["module too large"]},
                )
    return buffer.getvalue()


def unpack(archive: bytes, dest: Path) -> None:
    """Extract into `dest`, refusing members that would land outside it."""
    with tarfile.open(fileobj=io.BytesIO(archive), mode="r:gz") as tar:
        tar.extractall(dest, filter="data")
