"""The OpenAPI schema as the API answers: errors are the JSON error shape with the statuses `api/errors` uses.

FastAPI documents a 422 validation error that this API never sends (`api/errors` answers 400); this replaces
it and declares, per operation, the error statuses its routes can answer, so a client generated from the
schema (and schemathesis' conformance checks) sees every status it can get.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from twf.api.schemas import ErrorOut

ERROR_REF = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}}
NOT_MODIFIED = {"description": "the client's If-None-Match holds the current ETag (empty body)"}
# path prefix → error statuses its operations can answer beyond 400 (malformed input)
ERRORS_BY_PREFIX = (
    ("/api/debug/", {401: "no or wrong bearer token"}),
    ("/api/v3/models", {}),
    ("/api/regions", {}),
    ("/api/v3/", {404: "unknown or not published", 503: "a committed artifact is damaged; retry later"}),
    ("/tiles/", {404: "unknown or not published", 503: "a committed artifact is damaged; retry later"}),
)
REVALIDATED_PREFIX = "/api/"  # JSON answers with an ETag: If-None-Match may answer 304


def _declare(path: str, operation: dict[str, Any]) -> None:
    responses = operation.setdefault("responses", {})
    responses.pop("422", None)
    if operation.get("parameters") or operation.get("requestBody"):
        responses["400"] = {"description": "malformed input", **ERROR_REF}
    if operation.get("requestBody"):
        responses["413"] = {"description": "a body or batch over the route's limit", **ERROR_REF}
    extra = next((errors for prefix, errors in ERRORS_BY_PREFIX if path.startswith(prefix)), {})
    for status, description in extra.items():
        responses[str(status)] = {"description": description, **ERROR_REF}
    if path.startswith(REVALIDATED_PREFIX) and not path.startswith("/api/debug/"):
        responses["304"] = NOT_MODIFIED


def install_openapi(app: FastAPI) -> None:
    def schema() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(title=app.title, version=app.version, description=app.description,
                                   routes=app.routes)
            for path, operations in document.get("paths", {}).items():
                for operation in operations.values():
                    _declare(path, operation)
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for unused in ("HTTPValidationError", "ValidationError"):
                schemas.pop(unused, None)
            schemas["ErrorOut"] = ErrorOut.model_json_schema()
            app.openapi_schema = document
        return app.openapi_schema

    app.openapi = schema  # type: ignore[method-assign]
