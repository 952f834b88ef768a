"""The OpenAPI document: it validates, documents every resource with its problems, and is the same for every app."""

from __future__ import annotations

import pytest
from openapi_spec_validator import validate

import supplies
from tests.web.helpers import make_app

PATHS = {
    "/api/v1/points",
    "/api/v1/points/{code}",
    "/api/v1/points.geojson",
    "/api/v1/classes",
    "/api/v1/items",
    "/api/v1/lots",
    "/api/v1/ledger",
    "/api/v1/stock/summary",
    "/api/v1/targets",
    "/api/v1/incidents",
    "/api/v1/incidents/{id}",
    "/api/v1/requests",
    "/api/v1/requests/{id}",
    "/api/v1/requests/{id}/submit",
    "/api/v1/requests/{id}/approve",
    "/api/v1/requests/{id}/allocate",
    "/api/v1/contracts",
    "/api/v1/contracts/{code}",
    "/api/v1/donations",
    "/api/v1/donations/{id}",
    "/api/v1/donations/disclosure",
    "/api/v1/requisitions",
    "/api/v1/requisitions/{id}",
    "/api/v1/readiness",
    "/api/v1/units",
    "/api/v1/units/{serial}",
    "/api/v1/equipment/readiness",
}


@pytest.mark.once
def test_the_document_validates_and_names_every_resource(tmp_path) -> None:  # type: ignore[no-untyped-def]
    inv = supplies.open(f"sqlite:///{tmp_path / 'doc.db'}", upgrade=True)
    documents = []
    for _ in range(2):  # the blueprints are shared by every app made in one process
        app = make_app(inv)
        documents.append(app.test_client().get("/api/v1/openapi.json").get_json())
        app.extensions["supplies"].close()
    inv.close()
    doc = documents[0]
    assert documents[1] == doc
    validate(doc)
    assert set(doc["paths"]) >= PATHS
    assert doc["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token: supplies token create",
    }
    problem = doc["components"]["responses"]["DEFAULT_ERROR"]["content"]
    assert list(problem) == ["application/problem+json"]
    lots = doc["paths"]["/api/v1/lots"]["get"]
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[1] for p in lots["parameters"]}
    assert names >= {"cursor", "limit", "point", "item", "supply_class", "IF_NONE_MATCH"}
    assert "304" in lots["responses"]
