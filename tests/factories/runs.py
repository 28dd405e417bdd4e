"""Runs as rows, in any status, for the rules of the run service, executor and sweeper."""

import factory

from factories.auth import ADMIN
from factories.base import RowFactory
from factories.resources import ResourceFactory
from service.runs.run_model import Run, RunKind
from service.runs.run_states import RunStatus


class RunFactory(RowFactory):
    """A queued provision of a new resource, unless told otherwise."""

    class Meta:
        model = Run
        exclude = ("resource",)

    resource = factory.SubFactory(ResourceFactory)
    resource_id = factory.LazyAttribute(lambda o: o.resource.id)
    kind = RunKind.PROVISION
    status = RunStatus.QUEUED
    created_by = ADMIN.subject
