"""Templates and versions: through the service (`make_template`: fetch, parse, archive, audit) or as rows
(`TemplateFactory`, `TemplateVersionFactory`: the module is parsed and archived once per text, then reused)."""

import functools
import tempfile
from pathlib import Path

import factory

from factories.auth import ADMIN
from factories.base import RowFactory
from factories.modules import GREETER_TF, write_module
from service.auth.principal import Principal
from service.templates import module_archive, template_service
from service.templates.module_archive import ModuleLimits
from service.templates.module_parser import parse_module
from service.templates.module_source import ModuleSource
from service.templates.template_model import Template, TemplateVersion
from service.templates.template_service import SourceLimits

LIMITS = SourceLimits(ModuleLimits(), True)


def make_template(module_dir: Path, name: str = "greeter", version: str = "1.0.0", requires_approval=False,
                  actor: Principal = ADMIN):
    """(template, version) registered through the service from a module directory."""
    template = template_service.create_template(actor, name, "test template", requires_approval)
    template_version = template_service.create_version(actor, template.id, version, ModuleSource(url=str(module_dir)),
                                                       LIMITS)
    return template, template_version


@functools.cache
def module_snapshot(main_tf: str) -> tuple[bytes, list, list]:
    """(archive, variables, outputs) of a one-file module, as the service stores them for a version."""
    with tempfile.TemporaryDirectory() as tmp:
        root = write_module(Path(tmp) / "module", main_tf)
        interface = parse_module(root)
        archive = module_archive.pack(root, LIMITS.module)
    return (archive, [template_service.public_variable(v.to_dict()) for v in interface.variables],
            [o.to_dict() for o in interface.outputs])


class TemplateFactory(RowFactory):
    class Meta:
        model = Template

    name = factory.Sequence(lambda n: f"template-{n}")
    description = "test template"
    created_by = ADMIN.subject


class TemplateVersionFactory(RowFactory):
    """A version of `template` (a new template by default) holding the module `main_tf` (the greeter)."""

    class Meta:
        model = TemplateVersion
        exclude = ("main_tf", "snapshot")

    main_tf = GREETER_TF
    snapshot = factory.LazyAttribute(lambda o: module_snapshot(o.main_tf))
    template = factory.SubFactory(TemplateFactory)
    template_id = factory.LazyAttribute(lambda o: o.template.id)
    version = factory.Sequence(lambda n: f"1.0.{n}")
    source_url = "/modules/test"
    archive = factory.LazyAttribute(lambda o: o.snapshot[0])
    variables = factory.LazyAttribute(lambda o: o.snapshot[1])
    outputs = factory.LazyAttribute(lambda o: o.snapshot[2])
    created_by = ADMIN.subject
