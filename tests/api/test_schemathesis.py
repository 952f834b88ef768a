"""A property-based test of the live API driven by its OpenAPI document (schemathesis): whatever is sent, no
answer is a server error, and every answer has the documented status, media type and schema."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

import supplies
from tests.web.helpers import served

from .conftest import with_channels

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# Per operation: about 30 s for the whole document on SQLite, within the suite's budget (the profiles of
# tests/conftest.py do not raise it: this test pays an HTTP round trip per example).
EXAMPLES = 8


@pytest.mark.slow
def test_no_input_makes_the_api_fail_or_break_its_document(
    town: supplies.Inventory, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SUPPLIES_API_RATE", "0")  # thousands of calls a minute: the limit is tested elsewhere
    # An approved request, an incident and a target, so that shows and lists have rows.
    dispatch = town.as_user("dispatch")
    incident = dispatch.incidents.add("城关洪水", type="flood", level="IV", lat=26.6, lon=106.8, population=50).id
    rid = dispatch.requests.create(incident, lines={"TENT12": 5}, dest_point="TS-01").id
    dispatch.requests.submit(rid)
    dispatch.requests.approve(rid)
    town.targets.set("TENT12", 60, point="CK-01")
    with_channels(town)  # a contract called up, a donation, a requisition assessed: their resources have rows
    town.items.add("PUMP", "排涝泵", supply_class="FLOOD", unit="台", tracked=True)  # units with a history
    town.units.receive("CK-01", "PUMP", ["P-1", "P-2"], model="QW100", year=2024)
    town.maintenance.plan("PUMP", every_days=90, tasks=["run the engine"], grace_days=7)
    town.maintenance.record("P-1", result="defect", note="oil leak")
    headers = {"Authorization": f"Bearer {town.tokens.create().token}"}
    with served(town) as url:
        schema = schemathesis.openapi.from_url(f"{url}/api/v1/openapi.json")
        operations = [result.ok() for result in schema.get_all_operations()]
        assert len(operations) >= 16
        for operation in operations:

            @given(case=operation.as_strategy())
            @settings(
                max_examples=EXAMPLES,
                deadline=None,
                database=None,
                derandomize=True,
                suppress_health_check=list(HealthCheck),
            )
            def check(case: schemathesis.Case) -> None:
                case.call_and_validate(base_url=url, headers=headers, checks=CHECKS)

            check()
