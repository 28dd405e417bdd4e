import yaml

from service.openapi_file import OPENAPI_FILE, render


def test_the_committed_openapi_yaml_matches_the_code():
    assert OPENAPI_FILE.read_text() == render(), "openapi.yaml is stale: run `make openapi` and commit it"


def test_every_operation_has_a_summary_and_every_private_one_needs_a_token():
    spec = yaml.safe_load(OPENAPI_FILE.read_text())
    assert spec["security"] == [{"bearerAuth": []}]
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), f"{method.upper()} {path} has no summary"
            if path.startswith(("/api/v1/health", "/api/v1/auth/")):  # readiness, and how one gets a token
                assert operation["security"] == []
            else:
                assert "security" not in operation, f"{method.upper()} {path} overrides security"
