"""Variable rules set by the platform team per version, a template's naming convention, and the rules read
from a module's own validations: each refuses a bad value with its message, on create and on change."""

import textwrap

import pytest
from factories.auth import ADMIN, MEMBER, PLATFORM
from factories.resources import ResourceFactory
from factories.templates import TemplateVersionFactory

from service.changes import change_service
from service.errors import Conflict, PermissionDenied, ValidationFailed
from service.resources import resource_service
from service.resources.resource_states import State, Status
from service.templates import template_service

MODULE_TF = textwrap.dedent('''
    variable "name" {
      type = string
      validation {
        condition     = can(regex("^[a-z]+$", var.name))
        error_message = "lower case letters"
      }
    }
    variable "size" {
      type    = number
      default = 1
    }
    variable "region" {
      type    = string
      default = null
    }
    variable "bucket" {
      type    = string
      default = null
    }
    variable "password" {
      type      = string
      sensitive = true
      default   = null
    }
''')


@pytest.fixture
def version(db_session):
    return TemplateVersionFactory(template__name="bucket", main_tf=MODULE_TF)


def _rule(version, name, **rule):
    return template_service.set_variable_rule(PLATFORM, version.template_id, version.id, name, rule)


def _create(version, name="ok", **variables):
    return resource_service.create_resource(ADMIN, name, version.template_id, {"name": "abc", **variables})


def _errors(call):
    with pytest.raises(ValidationFailed) as refused:
        call()
    return refused.value.errors


@pytest.mark.parametrize(("rule", "value", "message"), [
    ({"min": 1.0, "max": 100.0}, 500, "must be between 1 and 100"),
    ({"min": 10}, 5, "must be at least 10"),
    ({"allowed_values": [1, 2, 4]}, 3, "one of 1, 2, 4"),
])
def test_each_number_rule_refuses_a_bad_value_on_create(version, rule, value, message):
    _rule(version, "size", **rule)
    assert _errors(lambda: _create(version, size=value)) == {"variables": {"size": [message]}}


@pytest.mark.parametrize(("rule", "value", "message"), [
    ({"pattern": "^[a-z]{2}-[a-z]+-[0-9]$"}, "EU", "must match ^[a-z]{2}-[a-z]+-[0-9]$"),
    ({"min_length": 3, "max_length": 5}, "ab", "must be between 3 and 5 characters long"),
    ({"max_length": 5}, "abcdefg", "must be at most 5 characters long"),
])
def test_each_text_rule_refuses_a_bad_value_on_create_and_on_change(version, rule, value, message):
    _rule(version, "region", **rule)
    assert _errors(lambda: _create(version, region=value)) == {"variables": {"region": [message]}}
    resource = ResourceFactory(version=version, state=State.PROVISIONED, status=Status.DONE,
                               variables={"name": "abc"})
    assert _errors(lambda: change_service.request_change(ADMIN, resource.id, {"region": value})) == {
        "variables": {"region": [message]}}


def test_the_modules_own_regex_validation_is_checked_before_a_run(version):
    assert _errors(lambda: resource_service.create_resource(ADMIN, "ok", version.template_id, {"name": "Not-OK"})) == {
        "variables": {"name": ["must match ^[a-z]+$"]}}


def test_a_rules_default_fills_a_value_not_given(version):
    _rule(version, "region", default="eu-west-1")
    assert _create(version).variables["region"] == "eu-west-1"


def test_a_frozen_value_cannot_be_changed(version):
    _rule(version, "region", frozen=True)
    resource = ResourceFactory(version=version, state=State.PROVISIONED, status=Status.DONE,
                               variables={"name": "abc", "region": "eu"})
    assert change_service.request_change(ADMIN, resource.id, {"size": 2}).status == "open"  # others may change
    assert _errors(lambda: change_service.request_change(ADMIN, resource.id, {"region": "us"})) == {
        "variables": {"region": ["frozen: set when the resource was created"]}}


def test_a_unique_value_taken_by_a_live_resource_is_409(version):
    _rule(version, "bucket", unique=True)
    ResourceFactory(version=version, variables={"name": "abc", "bucket": "gone"}, state=State.DESTROYED,
                    status=Status.DONE)
    first = _create(version, "first", bucket="logs")
    assert _create(version, "second", bucket="gone").variables["bucket"] == "gone"  # a destroyed one's is free
    with pytest.raises(Conflict) as refused:
        _create(version, "third", bucket="logs")
    assert refused.value.errors == {"variables": {"bucket": [
        "unique: another resource of this template has this value"]}}
    row = resource_service.get_resource(ADMIN, first.id)
    row.state, row.status = State.PROVISIONED, Status.DONE
    with pytest.raises(Conflict):
        change_service.request_change(ADMIN, first.id, {"bucket": "gone"})


def test_a_naming_convention_refuses_other_names_with_its_message(version):
    template_service.set_naming_convention(PLATFORM, version.template_id,
                                           {"pattern": "^team-[a-z]+$", "message": "start with team-"})
    assert _errors(lambda: _create(version, "Bad_Name")) == {"name": ["start with team-"]}
    assert _create(version, "team-shop").name == "team-shop"


@pytest.mark.parametrize(("name", "rule", "errors"), [
    ("region", {"pattern": "(unclosed"}, {"pattern": ["not an RE2 pattern: missing ): (unclosed"]}),
    ("size", {"min": 5, "max": 1}, {"min": ["larger than max"]}),
    ("password", {"unique": True}, {"unique": [
        "only for variables of type string, number or bool that are not sensitive"]}),
    ("size", {"max": 3, "default": 7}, {"default": ["must be at most 3"]}),
    ("nope", {"frozen": True}, {"name": ["not a variable of 1.0.0"]}),
])
def test_a_rule_that_cannot_hold_is_422(version, name, rule, errors):
    version.version = "1.0.0"
    assert _errors(lambda: _rule(version, name, **rule)) == errors


def test_only_the_platform_team_sets_rules(version):
    with pytest.raises(PermissionDenied):
        template_service.set_variable_rule(MEMBER, version.template_id, version.id, "size", {"max": 3})
