"""`infrakitchen demo`: a worker, the API, and a demo template provisioned end to end."""

import atexit
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import click

from service import db
from service.app import create_app
from service.auth import auth_service
from service.auth.principal import Principal
from service.config import Settings
from service.demo.demo_log import demo_log_file
from service.resources import resource_service
from service.runs import run_service
from service.runs.run_model import RunKind
from service.server import run_server
from service.templates import template_dependencies, template_service
from service.templates.module_archive import ModuleLimits
from service.templates.module_source import ModuleSource

log = logging.getLogger(__name__)
DEMO_MODULES = Path(__file__).resolve().parent / "modules"


def _start_worker(host: str, port: int, log_file: Path) -> subprocess.Popen:
    # Runs reach the state backend of the server this demo is about to start.
    state_host = "127.0.0.1" if host in ("0.0.0.0", "::") else host  # noqa: S104 (comparing, not binding)
    env = {**os.environ, "STATE_API_URL": f"http://{state_host}:{port}/api/v1"}
    # Its log, and what Celery prints (its banner), go to the demo's log file; its warnings to the console.
    with open(log_file, "a", encoding="utf-8") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "service.cli", "worker", "--beat", "--log-file", str(log_file)], env=env, stdout=log
        )
    atexit.register(worker.terminate)
    return worker


def _template(settings: Settings, actor: Principal, name: str, description: str, module: Path):
    """The demo template `name`, registered once with version 1.0.0 of a module shipped with the demo."""
    template = template_service.find_template(actor, name)
    if template is None:
        template = template_service.create_template(actor, name, description)
        template_service.create_version(
            actor, template.id, "1.0.0", ModuleSource(url=str(module)),
            template_service.SourceLimits(ModuleLimits.of(settings), allow_local=True),
        )
    return template


def _seed(settings: Settings, actor: Principal):
    """The demo templates (registered once: hello-world, and demo-app building on demo-network) and a resource
    provisioned from hello-world."""
    template = _template(settings, actor, "hello-world",
                         "Greets someone, using only built-in providers (works offline).", DEMO_MODULES / "hello")
    network = _template(settings, actor, "demo-network", "A network other demo templates build on (offline).",
                        DEMO_MODULES / "network")
    app = _template(settings, actor, "demo-app", "An app on a demo network: its network id and password are wired "
                    "from the network's outputs (offline).", DEMO_MODULES / "app")
    if not template_dependencies.list_dependencies(actor, app.id):
        template_dependencies.declare(actor, app.id, network.id, [
            {"output": "network_id", "variable": "network_id"},
            {"output": "admin_password", "variable": "admin_password"},
        ])
    name = f"demo-{secrets.token_hex(3)}"
    resource = resource_service.create_resource(
        actor, name, template.id, {"name": "world", "replicas": 2, "api_key": secrets.token_hex(8)},
        entity_ref="component:default/demo",
    )
    run = run_service.create_run(actor, resource.id, RunKind.PROVISION)
    return resource, run


def run_demo(settings: Settings, host: str, port: int) -> None:
    db.bind(db.make_engine(settings.database_url))
    create_app(settings, bind_database=False)  # installs the message publisher used below
    log_file = demo_log_file(settings)
    _start_worker(host, port, log_file)
    account, token = auth_service.create_service_account(f"demo-admin-{secrets.token_hex(3)}", "admin")
    actor = auth_service.principal_of(account)
    resource, run = _seed(settings, actor)
    base = f"http://{host}:{port}/api/v1"
    click.echo(f"""
InfraKitchen demo ({'embedded: SQLite + local queue' if settings.embedded else 'PostgreSQL + broker'}, \
engine: {settings.engine_label})

  admin token (shown once):  {token}
  API docs:                  {base}/docs
  demo resource:             {base}/resources/{resource.id}
  its provision run log:     {base}/runs/{run.id}/logs
  live updates (WebSocket):  {base.replace("http", "ws", 1)}/ws  (protocol: README, "Live updates")
  the same as a long poll:   {base}/events?after=0&wait=25

  log file (all the rest):   {log_file}

  export TOKEN={token}
  curl -s -H "Authorization: Bearer $TOKEN" {base}/resources/{resource.id}
""")
    run_server(settings, host, port, workers=1, threads=100, log_to_root=True)
