"""What a module source may hold, and how long reading it may take: hostile modules are refused with 422."""

import json
import logging
import socket

import pytest
from factories.auth import ADMIN
from factories.modules import GREETER_TF, write_module
from support import Beacon

from service.errors import ValidationFailed
from service.templates import module_archive, template_service
from service.templates.module_archive import ModuleLimits
from service.templates.module_inspection import read_interface
from service.templates.module_parser import ModuleParseError
from service.templates.module_source import ModuleSource, ModuleSourceError, fetch_module
from service.templates.template_service import InvalidModule, SourceLimits

DEFAULTS = ModuleLimits()


def _register(directory, limits=DEFAULTS):
    template = template_service.create_template(ADMIN, "hostile")
    return template_service.create_version(ADMIN, template.id, "1", ModuleSource(url=str(directory)),
                                           SourceLimits(limits, allow_local=True))


def test_a_gigabyte_of_zeros_is_refused_before_anything_reads_it(db_session, tmp_path):
    module = write_module(tmp_path / "m")
    with (module / "zeros.bin").open("wb") as zeros:
        zeros.truncate(1024 ** 3)  # sparse: a gigabyte that compresses to almost nothing
    with pytest.raises(ValidationFailed, match="larger than 104857600 bytes uncompressed"):
        _register(module)


def test_too_many_files_are_refused(db_session, tmp_path):
    module = write_module(tmp_path / "m")
    for i in range(5):
        (module / f"f{i}.txt").write_text("x")
    with pytest.raises(ValidationFailed, match="more than 3 files"):
        _register(module, ModuleLimits(max_files=3))


def test_a_tf_file_over_its_limit_is_refused(db_session, tmp_path):
    module = write_module(tmp_path / "m", GREETER_TF + "#" * 600_000)
    with pytest.raises(ValidationFailed, match="main.tf is larger than 524288 bytes"):
        _register(module)


def test_deep_tf_json_is_a_clear_422(db_session, tmp_path):
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf.json").write_text('{"variable": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(InvalidModule, match="nested deeper than 64 levels"):
        _register(module)


@pytest.mark.parametrize("validation", [7, "contains", {"condition": '${contains(["a"], var.x)}'}, [3, None]])
def test_a_validation_of_any_shape_in_tf_json_parses(db_session, tmp_path, validation):
    module = tmp_path / "m"
    module.mkdir()
    (module / "main.tf.json").write_text(json.dumps({"variable": {"x": {"type": "string",
                                                                        "validation": validation}}}))
    (variable,) = _register(module).variables
    assert variable["name"] == "x"


def test_reading_a_module_is_bounded_in_time(tmp_path):
    with pytest.raises(ModuleParseError, match="took longer than 0.01 s"):
        read_interface(write_module(tmp_path / "m"), seconds=0.01)


def test_a_module_over_the_limits_is_not_unpacked_for_a_run(tmp_path):
    archive = module_archive.pack(write_module(tmp_path / "m"), ModuleLimits())
    with pytest.raises(ValidationFailed, match="module limits"):
        module_archive.unpack(archive, tmp_path / "out", ModuleLimits(max_unpacked_bytes=10))
    assert not (tmp_path / "out").exists()


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_fetch_failure_does_not_tell_what_answers_inside_the_network(tmp_path, caplog):
    caplog.set_level(logging.WARNING)
    beacon = Beacon()  # an HTTP server that answers, but not as git
    try:
        messages = []
        for i, url in enumerate([f"http://127.0.0.1:{_closed_port()}/r.git", beacon.url("/r.git")]):
            with pytest.raises(ModuleSourceError) as failed:
                fetch_module(ModuleSource(url=url), tmp_path / str(i), timeout=20)
            messages.append(str(failed.value).replace(url, "<url>"))
    finally:
        beacon.close()
    assert messages[0] == messages[1] == "repository not found or not reachable: <url>"
    assert "module fetch" in caplog.text  # what git said is in the server's log
