"""Entity names: valid in Backstage whatever the resource is called, unique per resource, and stable."""

import re
import uuid

import pytest

from service.catalog.catalog_entities import entity_name

# Backstage's rule for metadata.name (catalog-model's KubernetesValidatorFunctions.isValidObjectName).
BACKSTAGE_NAME = re.compile(r"^([A-Za-z0-9][-_.]?)*[A-Za-z0-9]$")
RESOURCE_ID = uuid.UUID("0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0")


@pytest.mark.parametrize(("name", "expected"), [
    ("orders-db", "orders-db-0f1e2d3c4b5a"),
    ("Orders DB (EU)", "orders-db-eu-0f1e2d3c4b5a"),
    ("__--..", "resource-0f1e2d3c4b5a"),
    ("Straße café", "stra-e-caf-0f1e2d3c4b5a"),
    ("x" * 200, "x" * 50 + "-0f1e2d3c4b5a"),
    ("a" * 49 + "--b", "a" * 49 + "-0f1e2d3c4b5a"),  # cut at a separator: no "--" left behind
])
def test_any_resource_name_makes_a_valid_backstage_name(name, expected):
    made = entity_name(name, RESOURCE_ID)
    assert made == expected
    assert len(made) <= 63 and BACKSTAGE_NAME.match(made)


def test_two_resources_of_one_name_get_two_names():
    assert entity_name("db", uuid.uuid4()) != entity_name("db", uuid.uuid4())
