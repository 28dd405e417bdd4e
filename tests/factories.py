"""Building blocks for tests: actors, module directories and git repositories, templates, resources."""

import subprocess
import textwrap
from pathlib import Path

from service.auth import auth_service
from service.auth.principal import Principal
from service.resources import resource_service
from service.templates import template_service
from service.templates.module_source import ModuleSource
from service.templates.template_service import SourceLimits

ADMIN = Principal(subject="service-account:test-admin", kind="service_account", role="admin")
MEMBER = Principal(subject="service-account:test-member", kind="service_account", role="member")
VIEWER = Principal(subject="service-account:test-viewer", kind="service_account", role="viewer")

GREETER_TF = textwrap.dedent('''
    variable "name" {
      type = string
    }
    variable "count_of" {
      type    = number
      default = 1
    }
    variable "tags" {
      type    = map(string)
      default = {}
    }
    variable "token" {
      type      = string
      sensitive = true
      default   = null
    }
    resource "terraform_data" "greeting" {
      count = var.count_of
      input = "hello ${var.name} ${count.index}"
    }
    output "greetings" {
      value = terraform_data.greeting[*].output
    }
    output "token_echo" {
      value     = var.token
      sensitive = true
    }
''')

FAILING_TF = textwrap.dedent('''
    variable "name" {
      type = string
    }
    resource "terraform_data" "boom" {
      input = var.name
      provisioner "local-exec" {
        command = "echo about to fail for ${var.name}; exit 3"
      }
    }
''')


def write_module(directory: Path, main_tf: str = GREETER_TF) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "main.tf").write_text(main_tf)
    return directory


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "-c", "init.defaultBranch=main", *args],
        cwd=repo, check=True, capture_output=True, text=True,
    ).stdout.strip()


def git_repo_with_module(root: Path, main_tf: str = GREETER_TF, subdir: str = "modules/greeter",
                         tag: str = "v1.0.0") -> Path:
    """A local git repository holding a module under `subdir`, committed and tagged."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q")
    write_module(root / subdir, main_tf)
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "module")
    git(root, "tag", tag)
    return root


def make_template(module_dir: Path, name: str = "greeter", version: str = "1.0.0", requires_approval=False,
                  actor: Principal = ADMIN):
    template = template_service.create_template(actor, name, "test template", requires_approval)
    template_version = template_service.create_version(
        actor, template.id, version, ModuleSource(url=str(module_dir)), SourceLimits(10 * 1024 * 1024, True)
    )
    return template, template_version


def make_resource(template, name: str = "res", variables: dict | None = None, entity_ref=None,
                  actor: Principal = ADMIN, owner: str | None = None):
    return resource_service.create_resource(
        actor, name, template.id, variables if variables is not None else {"name": "world"}, entity_ref=entity_ref,
        owner=owner,
    )


def make_token(role: str = "admin", name: str | None = None) -> str:
    _, token = auth_service.create_service_account(name or f"test-{role}", role)
    return token


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}
