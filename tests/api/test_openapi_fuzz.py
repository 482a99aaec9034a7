"""Property-based fuzzing of every operation in the OpenAPI schema (schemathesis): no input yields a 5xx,
and every answer conforms to what the schema declares (its status, content type and body schema).

Bounded to a few dozen examples per operation so the whole run stays well under a minute. Operations are
driven with plain hypothesis (`operation.as_strategy()`), independent of schemathesis' pytest plugin.
"""

from __future__ import annotations

import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from tests.api.conftest import Server

EXAMPLES_PER_OPERATION = 30


CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def test_no_input_produces_a_server_error_or_an_answer_the_schema_does_not_declare(server: Server) -> None:
    schema = schemathesis.openapi.from_url(f"{server.url}/openapi.json")
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    for operation in operations:
        @given(case=operation.as_strategy())
        @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
                  suppress_health_check=list(HealthCheck))
        def fuzz(case: schemathesis.Case) -> None:
            case.call_and_validate(base_url=server.url, checks=CHECKS, timeout=30)

        fuzz()
