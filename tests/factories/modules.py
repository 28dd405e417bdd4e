"""OpenTofu modules for tests (built-in providers only, so runs work offline) and git repositories holding them."""

import subprocess
import textwrap
from pathlib import Path

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

# A parent and a child: the app's `network_id` and `db_password` are wired from the network's outputs.
NETWORK_TF = textwrap.dedent('''
    variable "cidr" {
      type    = string
      default = "10.0.0.0/16"
    }
    resource "terraform_data" "network" {
      input = "net-${var.cidr}"
    }
    output "network_id" {
      value = terraform_data.network.output
    }
    output "db_password" {
      value     = "pw-${sha1(terraform_data.network.id)}"
      sensitive = true
    }
''')
APP_TF = textwrap.dedent('''
    variable "network_id" {
      type = string
    }
    variable "db_password" {
      type      = string
      sensitive = true
    }
    variable "name" {
      type    = string
      default = "app"
    }
    resource "terraform_data" "app" {
      input = "${var.name} on ${var.network_id}"
    }
    output "placed_on" {
      value = terraform_data.app.output
    }
    output "password_length" {
      value = nonsensitive(length(var.db_password))
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


# Sleeps as long as the test's beacon says when it is applied (asked at apply time, so a test can shorten the
# next run), after printing "started"; for cancels, timeouts and lost workers. A sandboxed run sees no file of
# the test's, so it asks over HTTP.
SLEEPY_TF = textwrap.dedent('''
    variable "seconds_url" {
      type = string
    }
    resource "terraform_data" "sleepy" {
      provisioner "local-exec" {
        command = "echo started; sleep $(curl -fsS ${var.seconds_url})"
      }
    }
''')


def sleepy_variables(beacon, seconds: int) -> dict:
    """The variables of a SLEEPY_TF resource whose apply sleeps `seconds` (`sleepy_variables(beacon, 0)` again
    to shorten the next apply); `beacon` is support.Beacon."""
    beacon.answer("/seconds", str(seconds))
    return {"seconds_url": beacon.url("/seconds")}


# Calls the beacon once per apply with the applying run's id (the engine's HOME is the run's work dir, named after
# the run), so a test can count the times each run was executed; `identity` is made once and kept by later
# applies (a retry that changes nothing leaves it as it was).
APPLY_COUNTING_TF = textwrap.dedent('''
    variable "name" {
      type = string
    }
    variable "beacon_url" {
      type = string
    }
    resource "terraform_data" "identity" {
      input = var.name
    }
    resource "terraform_data" "apply" {
      triggers_replace = timestamp()
      provisioner "local-exec" {
        command = "curl -fsS ${var.beacon_url}/applied/$(basename $HOME)"
      }
    }
    output "identity" {
      value = terraform_data.identity.id
    }
''')


def counting_variables(beacon, name: str) -> dict:
    """The variables of an APPLY_COUNTING_TF resource; `beacon.hits[f"/applied/{run_id}"]` counts the run's applies."""
    return {"name": name, "beacon_url": beacon.url("")}


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
