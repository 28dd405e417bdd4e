"""A short console for `infrakitchen demo`, the way backstage-cli keeps its start output short: the demo's own
block and real warnings on the console; migrations, the worker's banner, gunicorn's start-up and access lines and
the like in a log file under the data dir (the block says where)."""

import logging
from pathlib import Path

from service.config import Settings

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"  # the other commands' format (service.cli)


def demo_log_file(settings: Settings) -> Path:
    return settings.data_dir / "demo.log"


class _Noise(logging.Filter):
    """Console warnings that tell someone trying the demo nothing (the log file still has them)."""

    def filter(self, record: logging.LogRecord) -> bool:
        # kombu's filesystem transport (the embedded default's queue) has no host to be given.
        return not (record.name == "kombu.connection" and record.getMessage().startswith("No hostname was supplied"))


def log_to_file(level: str, log_file: Path) -> None:
    """Records at `level` and above to `log_file`; only warnings and errors (less _Noise) to stderr. Python
    warnings (SQLAlchemy's about SQLite reflection in a migration, Celery's about running as root) go to the file
    only."""
    log_file.parent.mkdir(parents=True, exist_ok=True)
    formatter = logging.Formatter(FORMAT)
    to_file = logging.FileHandler(log_file, encoding="utf-8")
    to_file.setFormatter(formatter)
    to_console = logging.StreamHandler()
    to_console.setLevel(logging.WARNING)
    to_console.addFilter(_Noise())
    to_console.setFormatter(formatter)
    logging.basicConfig(level=level, handlers=[to_file, to_console], force=True)
    logging.captureWarnings(True)
    python_warnings = logging.getLogger("py.warnings")
    python_warnings.addHandler(to_file)
    python_warnings.propagate = False
