import os
import socket
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest

from service.templates.module_source import ModuleSource, ModuleSourceError, fetch_module, redact

# Tests must not depend on the developer's git config (default branch name, signing, hooks).
GIT_ENV = {
    **os.environ,
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(
        ["git", *args], cwd=cwd, env=GIT_ENV, check=True, capture_output=True, text=True
    ).stdout.strip()


def commit_file(repo: Path, name: str, text: str) -> str:
    (repo / name).parent.mkdir(parents=True, exist_ok=True)
    (repo / name).write_text(text)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", f"write {name}")
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path):
    """main: first -> second (HEAD); tag v1 (annotated) on first; branch feature off first."""
    path = tmp_path / "repo"
    path.mkdir()
    git(path, "init", "-q", "-b", "main")
    commit_file(path, "main.tf", "# first\n")
    first = commit_file(path, "modules/net/main.tf", 'variable "cidr" {}\n')
    git(path, "tag", "-a", "v1", "-m", "release 1")
    git(path, "checkout", "-q", "-b", "feature")
    feature = commit_file(path, "main.tf", "# feature\n")
    git(path, "checkout", "-q", "main")
    second = commit_file(path, "main.tf", "# second\n")
    return SimpleNamespace(path=path, first=first, second=second, feature=feature)


@pytest.fixture
def dest(tmp_path):
    return tmp_path / "dest"


def main_tf(fetched) -> str:
    return (fetched.directory / "main.tf").read_text()


# -- git sources ---------------------------------------------------------------------------------------------


def test_plain_path_to_a_git_repository_checks_out_the_default_branch(repo, dest):
    fetched = fetch_module(ModuleSource(url=str(repo.path)), dest)
    assert (fetched.commit, main_tf(fetched)) == (repo.second, "# second\n")


def test_file_url_to_a_git_repository_is_cloned(repo, dest):
    fetched = fetch_module(ModuleSource(url=repo.path.as_uri()), dest)
    assert fetched.commit == repo.second


def test_module_directory_is_inside_dest(repo, dest):
    assert fetch_module(ModuleSource(url=str(repo.path)), dest).directory == dest


def test_branch_ref_checks_out_the_branch_head(repo, dest):
    fetched = fetch_module(ModuleSource(url=str(repo.path), ref="feature"), dest)
    assert (fetched.commit, main_tf(fetched)) == (repo.feature, "# feature\n")


def test_annotated_tag_ref_resolves_to_the_tagged_commit(repo, dest):
    fetched = fetch_module(ModuleSource(url=str(repo.path), ref="v1"), dest)
    assert (fetched.commit, main_tf(fetched)) == (repo.first, "# first\n")


def test_commit_sha_ref_checks_out_that_commit(repo, dest):
    fetched = fetch_module(ModuleSource(url=str(repo.path), ref=repo.first), dest)
    assert (fetched.commit, main_tf(fetched)) == (repo.first, "# first\n")


def test_commit_sha_only_on_another_branch_is_found(repo, dest):
    assert fetch_module(ModuleSource(url=str(repo.path), ref=repo.feature), dest).commit == repo.feature


def test_abbreviated_commit_sha_is_resolved_to_the_full_sha(repo, dest):
    assert fetch_module(ModuleSource(url=str(repo.path), ref=repo.first[:10]), dest).commit == repo.first


def test_empty_ref_means_the_default_branch(repo, dest):
    assert fetch_module(ModuleSource(url=str(repo.path), ref=""), dest).commit == repo.second


def test_unknown_branch_is_reported_as_ref_not_found(repo, dest):
    with pytest.raises(ModuleSourceError, match="^ref 'nope' not found$"):
        fetch_module(ModuleSource(url=str(repo.path), ref="nope"), dest)


def test_unknown_commit_sha_is_reported_as_ref_not_found(repo, dest):
    with pytest.raises(ModuleSourceError, match="^ref 'deadbeef' not found"):
        fetch_module(ModuleSource(url=str(repo.path), ref="deadbeef"), dest)


def test_repository_without_commits_is_reported(tmp_path, dest):
    empty = tmp_path / "empty"
    empty.mkdir()
    git(empty, "init", "-q", "-b", "main")
    with pytest.raises(ModuleSourceError, match="the repository has no commits"):
        fetch_module(ModuleSource(url=str(empty)), dest)


def test_bare_repository_is_cloned(repo, tmp_path, dest):
    bare = tmp_path / "bare.git"
    git(tmp_path, "clone", "-q", "--bare", str(repo.path), str(bare))
    assert fetch_module(ModuleSource(url=str(bare)), dest).commit == repo.second


def test_destination_that_is_not_empty_is_refused(repo, dest):
    dest.mkdir()
    (dest / "leftover").write_text("x")
    with pytest.raises(ModuleSourceError, match="destination directory is not empty"):
        fetch_module(ModuleSource(url=str(repo.path)), dest)


# -- path inside the source ----------------------------------------------------------------------------------


def test_path_selects_a_subdirectory(repo, dest):
    fetched = fetch_module(ModuleSource(url=str(repo.path), path="modules/net"), dest)
    assert fetched.directory == dest / "modules" / "net"


def test_missing_path_is_reported(repo, dest):
    with pytest.raises(ModuleSourceError, match="^path 'modules/db' not found in the module source$"):
        fetch_module(ModuleSource(url=str(repo.path), path="modules/db"), dest)


def test_path_to_a_file_is_reported_as_not_found(repo, dest):
    with pytest.raises(ModuleSourceError, match="path 'main.tf' not found"):
        fetch_module(ModuleSource(url=str(repo.path), path="main.tf"), dest)


@pytest.mark.parametrize("path", ["/etc", "../outside", "modules/../../outside", ".."])
def test_path_leaving_the_source_is_rejected_before_fetching(repo, dest, path):
    with pytest.raises(ModuleSourceError, match="must be relative and stay inside"):
        fetch_module(ModuleSource(url=str(repo.path), path=path), dest)
    assert not dest.exists()


@pytest.mark.parametrize("target", ["..", "/tmp"])
def test_symlink_leaving_the_repository_is_rejected(repo, dest, target):
    (repo.path / "escape").symlink_to(target)
    git(repo.path, "add", "escape")
    git(repo.path, "commit", "-q", "-m", "link")
    with pytest.raises(ModuleSourceError, match="path 'escape' leaves the module source"):
        fetch_module(ModuleSource(url=str(repo.path), path="escape"), dest)


def test_symlink_within_the_repository_is_followed(repo, dest):
    (repo.path / "net").symlink_to("modules/net")
    git(repo.path, "add", "net")
    git(repo.path, "commit", "-q", "-m", "link")
    fetched = fetch_module(ModuleSource(url=str(repo.path), path="net"), dest)
    assert fetched.directory == dest / "modules" / "net"


# -- plain local directories ---------------------------------------------------------------------------------


@pytest.fixture
def plain(tmp_path):
    path = tmp_path / "plain"
    (path / "modules" / "a").mkdir(parents=True)
    (path / "main.tf").write_text("# plain\n")
    (path / "modules" / "a" / "main.tf").write_text("# a\n")
    return path


def test_plain_directory_is_copied_without_a_commit(plain, dest):
    fetched = fetch_module(ModuleSource(url=str(plain)), dest)
    assert (fetched.commit, main_tf(fetched)) == (None, "# plain\n")


def test_file_url_to_a_plain_directory_is_copied(plain, dest):
    assert main_tf(fetch_module(ModuleSource(url=plain.as_uri(), path="modules/a"), dest)) == "# a\n"


def test_plain_directory_copy_skips_vcs_engine_and_state_files(plain, dest):
    # Nested, because a .git at the top would make the directory a repository to clone.
    nested = plain / "modules" / "a"
    for name in (".git/config", ".terraform/providers", "terraform.tfstate", "terraform.tfstate.backup"):
        (nested / name).parent.mkdir(parents=True, exist_ok=True)
        (nested / name).write_text("x")
    fetched = fetch_module(ModuleSource(url=str(plain), path="modules/a"), dest)
    assert [p.name for p in fetched.directory.iterdir()] == ["main.tf"]


def test_ref_for_a_plain_directory_is_rejected(plain, dest):
    with pytest.raises(ModuleSourceError, match="ref 'main' given, but .* is not a git repository"):
        fetch_module(ModuleSource(url=str(plain), ref="main"), dest)


def test_missing_local_path_is_reported_as_not_reachable(tmp_path, dest):
    missing = tmp_path / "missing"
    with pytest.raises(ModuleSourceError, match=f"^repository not found or not reachable: {missing}$"):
        fetch_module(ModuleSource(url=str(missing)), dest)


def test_file_url_with_a_host_is_rejected(dest):
    with pytest.raises(ModuleSourceError, match="file:// URL must name an absolute path on this machine"):
        fetch_module(ModuleSource(url="file://server/share/repo"), dest)


# -- URL and ref validation ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["ftp://example.com/repo.git", "javascript:alert(1)", "git://example.com/repo.git", "ext::sh -c touch% /tmp/x",
     "relative/path", "example.com/repo.git", "https:example.com/repo.git"],
)  # fmt: skip
def test_unsupported_url_is_rejected(url, dest):
    with pytest.raises(ModuleSourceError, match="unsupported (module URL|URL scheme)|invalid module URL"):
        fetch_module(ModuleSource(url=url), dest)


@pytest.mark.parametrize(
    ("url", "scheme"), [("ftp://example.com/repo.git", "ftp"), ("javascript:alert(1)", "javascript")]
)
def test_unsupported_scheme_is_named(url, scheme, dest):
    with pytest.raises(ModuleSourceError, match=f"^unsupported URL scheme '{scheme}'"):
        fetch_module(ModuleSource(url=url), dest)


@pytest.mark.parametrize("url", ["-uhttps://example.com/x", "--upload-pack=touch /tmp/pwned", "--config=x"])
def test_url_starting_with_a_dash_is_rejected(url, dest):
    with pytest.raises(ModuleSourceError, match="^invalid module URL$"):
        fetch_module(ModuleSource(url=url), dest)


@pytest.mark.parametrize("url", ["", "https://example.com/a b", "https://example.com/x\n--upload-pack=y"])
def test_empty_url_or_whitespace_in_url_is_rejected(url, dest):
    with pytest.raises(ModuleSourceError, match="^invalid module URL$"):
        fetch_module(ModuleSource(url=url), dest)


@pytest.mark.parametrize("url", ["ssh://-oProxyCommand=touch%20x/repo", "https://:443/repo", "https://host:port/x"])
def test_url_with_a_bad_host_or_port_is_rejected(url, dest):
    with pytest.raises(ModuleSourceError, match="invalid (host in )?module URL"):
        fetch_module(ModuleSource(url=url), dest)


def test_scp_like_url_with_a_host_starting_with_a_dash_is_rejected(dest):
    with pytest.raises(ModuleSourceError, match="unsupported module URL"):
        fetch_module(ModuleSource(url="git@-oProxyCommand=x:repo.git"), dest)


@pytest.mark.parametrize("ref", ["--upload-pack=touch", "-b", "a b", "a..b", "main^{}", "main~1", "x:y", "@{-1}"])
def test_invalid_ref_is_rejected(repo, dest, ref):
    with pytest.raises(ModuleSourceError, match="^invalid ref"):
        fetch_module(ModuleSource(url=str(repo.path), ref=ref), dest)


# -- remote repositories -------------------------------------------------------------------------------------


@pytest.fixture
def closed_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_unreachable_http_repository_is_reported(closed_port, dest):
    url = f"http://127.0.0.1:{closed_port}/org/repo.git"
    with pytest.raises(ModuleSourceError, match=f"^repository not found or not reachable: {url}"):
        fetch_module(ModuleSource(url=url), dest, timeout=30)


def test_credentials_in_url_are_not_in_the_error(closed_port, dest):
    url = f"https://user:s3cr3t-token@127.0.0.1:{closed_port}/org/repo.git"
    with pytest.raises(ModuleSourceError) as raised:
        fetch_module(ModuleSource(url=url), dest, timeout=30)
    assert "s3cr3t-token" not in str(raised.value)
    assert f"https://***@127.0.0.1:{closed_port}/org/repo.git" in str(raised.value)


def test_error_does_not_show_the_destination_path(closed_port, dest):
    with pytest.raises(ModuleSourceError) as raised:
        fetch_module(ModuleSource(url=f"http://127.0.0.1:{closed_port}/repo.git"), dest, timeout=30)
    assert str(dest) not in str(raised.value)


def test_ssh_url_is_accepted_and_reported_when_unreachable(closed_port, dest):
    with pytest.raises(ModuleSourceError, match=r"^repository not found or not reachable: ssh://\*\*\*@127.0.0.1"):
        fetch_module(ModuleSource(url=f"ssh://git@127.0.0.1:{closed_port}/org/repo.git"), dest, timeout=30)


def test_ref_on_an_unreachable_repository_is_reported_as_not_reachable(closed_port, dest):
    with pytest.raises(ModuleSourceError, match="^repository not found or not reachable"):
        fetch_module(ModuleSource(url=f"http://127.0.0.1:{closed_port}/repo.git", ref="v1"), dest, timeout=30)


def test_remote_that_never_answers_times_out(dest):
    with socket.socket() as silent:  # the kernel accepts connections on a listening socket; nobody replies
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        url = f"http://127.0.0.1:{silent.getsockname()[1]}/repo.git"
        with pytest.raises(ModuleSourceError, match="^timed out after 1 s$"):
            fetch_module(ModuleSource(url=url), dest, timeout=1)


class _GitHttpHandler(BaseHTTPRequestHandler):
    """git's smart HTTP protocol through `git http-backend`, enough for clone and ls-remote."""

    root = ""

    def do_GET(self):
        self._backend()

    def do_POST(self):
        self._backend()

    def _backend(self):
        path, _, query = self.path.partition("?")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        env = {
            **GIT_ENV,
            "GIT_PROJECT_ROOT": self.root,
            "GIT_HTTP_EXPORT_ALL": "1",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "REQUEST_METHOD": self.command,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_CONTENT_ENCODING": self.headers.get("Content-Encoding", ""),
            "GIT_PROTOCOL": self.headers.get("Git-Protocol", ""),
        }
        output = subprocess.run(["git", "http-backend"], input=body, env=env, capture_output=True, check=True).stdout
        head, _, payload = output.partition(b"\r\n\r\n")
        headers = [line.split(": ", 1) for line in head.decode().split("\r\n") if line]
        status = next((int(value.split()[0]) for name, value in headers if name == "Status"), 200)
        self.send_response(status)
        for name, value in headers:
            if name != "Status":
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format, *args):
        pass  # keep test output clean


@pytest.fixture
def http_repo(repo):
    """URL (with credentials the server ignores) of `repo` served over git's smart HTTP protocol."""
    handler = type("Handler", (_GitHttpHandler,), {"root": str(repo.path.parent)})
    with ThreadingHTTPServer(("127.0.0.1", 0), handler) as server:
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://user:s3cr3t-token@127.0.0.1:{server.server_address[1]}/{repo.path.name}/.git"
        server.shutdown()
        thread.join()


def test_http_repository_is_cloned_at_a_tag(http_repo, repo, dest):
    assert fetch_module(ModuleSource(url=http_repo, ref="v1"), dest, timeout=60).commit == repo.first


def test_http_clone_does_not_keep_the_credentials_on_disk(http_repo, dest):
    fetch_module(ModuleSource(url=http_repo), dest, timeout=60)
    assert "s3cr3t-token" not in (dest / ".git" / "config").read_text()


# -- redact --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://user:token@host/repo.git", "https://***@host/repo.git"),
        ("fatal: unable to access 'https://tok@en@host/x/'", "fatal: unable to access 'https://***@host/x/'"),
        ("https://host/repo.git", "https://host/repo.git"),
        ("git@host:org/repo.git", "git@host:org/repo.git"),
    ],
)
def test_redact_hides_the_userinfo_of_urls(text, expected):
    assert redact(text) == expected


def test_module_source_error_is_a_value_error():
    assert issubclass(ModuleSourceError, ValueError)
