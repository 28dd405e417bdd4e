"""The committed openapi.yaml: rendered from the code (`make openapi`), checked for staleness by a test."""

import sys
import tempfile
from pathlib import Path

from service.app import create_app
from service.config import load_settings

OPENAPI_FILE = Path(__file__).resolve().parent.parent / "openapi.yaml"


def render() -> str:
    with tempfile.TemporaryDirectory() as data_dir:
        # The spec depends only on the code; an embedded configuration avoids touching any server.
        settings = load_settings({"INFRAKITCHEN_DATA_DIR": data_dir, "PATH": ""})
        app = create_app(settings, bind_database=False)
        with app.app_context():
            return app.extensions["infrakitchen_api"].spec.to_yaml()


if __name__ == "__main__" and sys.argv[1:] == ["write"]:
    OPENAPI_FILE.write_text(render())
    print(f"wrote {OPENAPI_FILE}")
