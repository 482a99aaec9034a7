"""Property-based fuzzing of every operation in the OpenAPI schema (schemathesis): no input yields a 5xx.

Bounded to a few dozen examples per operation so the whole run stays well under a minute. Operations are
driven with plain hypothesis (`operation.as_strategy()`), independent of schemathesis' pytest plugin.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from tests.api.conftest import Server

EXAMPLES_PER_OPERATION = 30


def test_no_input_produces_a_server_error(server: Server) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=server.url, checks=[not_a_server_error], timeout=30)

        fuzz()
