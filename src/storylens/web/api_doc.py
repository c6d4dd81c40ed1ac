"""The API's one JSON error shape and its OpenAPI document."""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from fastapi import FastAPI

TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          413: "Content too large", 415: "Unsupported media type", 422: "Invalid request",
          429: "Too many requests", 500: "Internal server error", 502: "Bad gateway", 503: "Service unavailable"}


def wants_json(path: str) -> bool:
    """JSON twins end in .json; the API lives under /api/."""
    return path.endswith(".json") or path.startswith("/api/")


def error_body(status: int, message: str) -> dict[str, Any]:
    """The one JSON error shape of the API."""
    title = TITLES.get(status) or HTTPStatus(status).phrase.capitalize()
    return {"ok": False, "error": {"status": status, "title": title, "message": message}}


ERROR_SCHEMA = {
    "type": "object", "required": ["ok", "error"], "additionalProperties": False,
    "description": "The one error shape of every JSON route.",
    "properties": {
        "ok": {"type": "boolean", "enum": [False]},
        "error": {"type": "object", "required": ["status", "title", "message"], "additionalProperties": False,
                  "properties": {"status": {"type": "integer"}, "title": {"type": "string"},
                                 "message": {"type": "string"}}},
    },
}
ERRORS_OF_READS = (400, 404, 422, 429, 500)
ERRORS_OF_WRITES = (400, 401, 403, 404, 413, 415, 422, 429, 500, 502, 503)


def describe_api(app: FastAPI) -> dict[str, Any]:
    """The OpenAPI document: FastAPI's, with the bearer scheme on token routes and the real error shape everywhere."""
    if app.openapi_schema:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi

    spec = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = spec.setdefault("components", {})
    schemas = components.setdefault("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas["Error"] = ERROR_SCHEMA
    components["securitySchemes"] = {"bearer": {
        "type": "http", "scheme": "bearer",
        "description": "The server's token (--token or STORYLENS_TOKEN), as 'Authorization: Bearer TOKEN'."}}
    error_ref = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    for path, operations in spec.get("paths", {}).items():
        for method, operation in operations.items():
            needs_token = path.startswith("/api/")
            if needs_token:
                operation["security"] = [{"bearer": []}]
            responses = operation.setdefault("responses", {})
            # JSON routes answer errors in the one JSON shape; HTML pages answer them as pages.
            shape = error_ref if wants_json(path) else {"content": {"text/html": {"schema": {"type": "string"}}}}
            for status in ERRORS_OF_WRITES if needs_token else ERRORS_OF_READS:
                responses[str(status)] = {"description": TITLES[status], **shape}
            if path == "/api/articles" and method == "post":
                responses.pop("200", None)
                responses["201"] = {"description": "Added: the articles with their fate and the stories they joined",
                                    "content": {"application/json": {"schema": {"type": "object"}}}}
                responses["202"] = {"description": "Queued (wait=false): the job to poll",
                                    "content": {"application/json": {"schema": {"type": "object"}}}}
    app.openapi_schema = spec
    return spec
