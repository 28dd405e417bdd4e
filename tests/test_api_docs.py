"""/api/v1/docs (Swagger UI) and /api/v1/redoc (ReDoc) render their operations in a real browser against a real
server, from the copies of their scripts that this installation serves itself: this machine has no internet,
like many a user's, so a page that still loaded them from a CDN would stay blank here."""

import re
import subprocess
from pathlib import Path

import pytest
import requests

CHROMIUM = Path("/usr/bin/chromium")
needs_chromium = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (`apt-get install chromium`; .ci/run installs it)"
)


def rendered_dom(url: str, tmp_path: Path) -> str:
    """The DOM of `url` after its scripts ran (up to 10 s of virtual time), in headless Chromium."""
    result = subprocess.run(
        [str(CHROMIUM), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'chromium-profile'}", "--virtual-time-budget=10000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def operation_count(live_server: str) -> int:
    spec = requests.get(f"{live_server}/openapi.json", timeout=10).json()
    methods = {"get", "put", "post", "delete", "patch", "head", "options", "trace"}
    return sum(1 for item in spec["paths"].values() for method in item if method in methods)


def test_the_docs_pages_load_only_their_own_assets_and_those_need_no_token(live_server):
    origin = live_server.removesuffix("/api/v1")
    for page in ("docs", "redoc"):
        response = requests.get(f"{live_server}/{page}", timeout=10)
        assert response.status_code == 200
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        assets = re.findall(r'(?:src|href)="([^"]+)"', response.text)
        assert assets, response.text
        for asset in assets:
            assert asset.startswith("/api/v1/docs-assets/"), f"{page} loads {asset} from elsewhere"
            served = requests.get(origin + asset, timeout=10)  # no Authorization header
            assert served.status_code == 200, asset
            assert served.headers["Content-Type"].startswith(("text/javascript", "text/css")), asset
            assert len(served.content) > 10_000, asset


@needs_chromium
def test_swagger_ui_renders_every_operation(live_server, tmp_path):
    dom = rendered_dom(f"{live_server}/docs", tmp_path)
    assert '<div class="opblock-summary-description">List resources' in dom, dom[-2000:]
    assert dom.count('<div class="opblock-summary-description">') == operation_count(live_server)


@needs_chromium
def test_redoc_renders_every_operation(live_server, tmp_path):
    dom = rendered_dom(f"{live_server}/redoc", tmp_path)
    assert 'data-section-id="tag/resources/paths/~1api~1v1~1resources~1/get"' in dom, dom[-2000:]
    assert re.search(r"<h2[^>]*><a [^>]*></a>List resources\s*</h2>", dom)
    assert len(re.findall(r'data-section-id="tag/[^"/]+/paths/', dom)) == operation_count(live_server)
