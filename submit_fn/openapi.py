"""The API's own description, OpenAPI 3.1 (served at /api/openapi.json)."""

from __future__ import annotations

PROBLEM = {"$ref": "#/components/responses/Problem"}


_DAY = {"type": ["string", "null"], "format": "date"}
_MONTHS = {"type": ["integer", "null"], "minimum": 0}
CLAIM_ESTIMATE = {
    "type": "object",
    "description": "A claim (huong-tro-cap) only, null otherwise: what submit_fn/benefit_rules.py says, computed on receipt; "
    "not a decision, and never in the public receipt",
    "required": ["regime", "eligible", "problems", "deadline", "months", "reserved", "start", "unconfirmed", "reason_mentions_exclusion", "rules_version"],
    "additionalProperties": False,
    "properties": {
        "regime": {"enum": ["2013", "2025"], "description": "The law in force on the day the contract ended"},
        "eligible": {"type": ["boolean", "null"], "description": "null: the claim form's answers cannot settle it"},
        "problems": {"type": "array", "items": {"enum": ["not_covered", "excluded_reason", "too_few_months", "late"]}},
        "deadline": {"type": "string", "format": "date", "description": "3 calendar months after the contract ended"},
        "months": _MONTHS,
        "reserved": _MONTHS,
        "start": _DAY,
        "unconfirmed": {"type": "array", "items": {"enum": ["transitional", "rules", "figure", "cap_month", "rest_day"]}},
        "reason_mentions_exclusion": {"type": "boolean", "description": "The free-text reason names an excluded situation: check it"},
        "rules_version": {"type": "string"},
    },
}


def _problems(*codes: int) -> dict:
    return {str(code): PROBLEM for code in codes}


def _form_post_problems(*codes: int) -> dict:
    """Problems of a route that also takes plain HTML form posts, which get an HTML page instead."""
    content = {
        "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}},
        "text/html": {"schema": {"type": "string"}},
    }
    return {str(code): {"description": "Problem (an HTML page for a plain form post)", "content": content} for code in codes}


def _json(schema: dict) -> dict:
    return {"content": {"application/json": {"schema": schema}}}


def description(procedure_ids: list[str]) -> dict:
    answers_body = {
        "required": True,
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
        },
    }
    invalid_answers = {
        "description": "Invalid answers, every error listed",
        "content": {
            "application/problem+json": {"schema": {"$ref": "#/components/schemas/ValidationProblem"}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
    schema_version = {
        "name": "Schema-Version", "in": "header", "required": False, "schema": {"type": "string", "maxLength": 20},
        "description": "The version the form was loaded with; accepted while in force or in its grace period, else 409",
    }
    receipt_id = {"name": "receipt_id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40}}
    procedure_id = {"name": "procedure_id", "in": "path", "required": True, "schema": {"type": "string", "enum": procedure_ids}}
    office = [{"office": []}]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Bảo hiểm thất nghiệp — submit function",
            "version": "1.0.0",
            "description": "Validates answers against the procedure schemas, stores them, and issues signed receipts.",
        },
        "paths": {
            "/api/health": {"get": {"responses": {"200": _json({"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}})}}},
            "/api/procedures": {"get": {"responses": {"200": _json({"type": "array", "items": {"$ref": "#/components/schemas/ProcedureSummary"}})}}},
            "/api/procedures/{procedure_id}/schema": {
                "get": {
                    "parameters": [procedure_id, {"name": "version", "in": "query", "required": False, "description": "An earlier or later version than the one in force", "schema": {"type": "string", "maxLength": 20}}],
                    "responses": {
                        "200": {"description": "The procedure's JSON Schema, shared definitions bundled", "content": {"application/schema+json": {"schema": {"type": "object"}}}},
                        "304": {"description": "Not modified (If-None-Match)"},
                        **_problems(404),
                    },
                }
            },
            "/api/procedures/{procedure_id}/submissions": {
                "post": {
                    "parameters": [
                        procedure_id,
                        {"name": "Idempotency-Key", "in": "header", "required": False, "schema": {"type": "string", "maxLength": 200}},
                        schema_version,
                    ],
                    "requestBody": answers_body,
                    "responses": {
                        "201": {
                            "description": "Stored; the receipt",
                            "headers": {"Location": {"schema": {"type": "string"}}},
                            "content": {
                                "application/json": {"schema": {"type": "object", "required": ["receipt"], "properties": {"receipt": {"$ref": "#/components/schemas/Receipt"}}}},
                                "text/html": {"schema": {"type": "string"}},
                            },
                        },
                        "422": invalid_answers,
                        **_form_post_problems(400, 404, 409, 413, 415),
                    },
                }
            },
            "/api/procedures/{procedure_id}/pdf": {
                "post": {
                    "description": "The answers printed on the paper form, to print or bring in person; nothing is stored",
                    "parameters": [procedure_id, schema_version],
                    "requestBody": answers_body,
                    "responses": {
                        "200": {"description": "The filled form", "content": {"application/pdf": {"schema": {"type": "string", "contentEncoding": "binary"}}}},
                        "422": invalid_answers,
                        **_form_post_problems(400, 404, 409, 413, 415),
                    },
                }
            },
            "/api/receipts/{receipt_id}": {
                "get": {
                    "parameters": [receipt_id, {"name": "signature", "in": "query", "required": False, "schema": {"type": "string"}}],
                    "responses": {
                        "200": {
                            "description": "The receipt; with a .pdf id, the receipt on paper with a QR code of its verification URL",
                            "content": {
                                "application/json": {"schema": {"type": "object", "required": ["receipt"], "properties": {"receipt": {"$ref": "#/components/schemas/Receipt"}, "signature_valid": {"type": "boolean"}}}},
                                "application/pdf": {"schema": {"type": "string", "contentEncoding": "binary"}},
                            },
                        },
                        **_problems(404),
                    },
                }
            },
            "/api/office/submissions": {
                "get": {
                    "security": office,
                    "parameters": [
                        {"name": "procedure", "in": "query", "required": False, "schema": {"type": "string"}},
                        {"name": "since", "in": "query", "required": False, "schema": {"type": "string"}},
                    ],
                    "responses": {"200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Receipt"}}), **_problems(401, 404)},
                }
            },
            "/api/office/submissions/{receipt_id}": {
                "get": {
                    "security": office,
                    "description": "The whole submission; with '.pdf' after the id, the filled form as PDF.",
                    "parameters": [receipt_id],
                    "responses": {
                        "200": {
                            "description": "The submission",
                            "content": {
                                "application/json": {"schema": {"type": "object", "required": ["receipt", "answers", "estimate"], "properties": {"estimate": {"oneOf": [{"$ref": "#/components/schemas/ClaimEstimate"}, {"type": "null"}]}}}},
                                "application/pdf": {"schema": {"type": "string", "contentEncoding": "binary"}},
                            },
                        },
                        **_problems(401, 404),
                    },
                }
            },
            "/api/openapi.json": {"get": {"responses": {"200": _json({"type": "object"})}}},
        },
        "components": {
            "securitySchemes": {"office": {"type": "http", "scheme": "bearer"}},
            "responses": {"Problem": {"description": "RFC 9457 problem", "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}},
            "schemas": {
                "ClaimEstimate": CLAIM_ESTIMATE,
                "ProcedureSummary": {"type": "object", "required": ["id", "title", "version"], "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "version": {"type": "string"}}},
                "Receipt": {
                    "type": "object",
                    "required": ["id", "procedure", "schema_version", "received_at", "due_date", "signature"],
                    "properties": {
                        "id": {"type": "string", "pattern": "^[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$"},
                        "procedure": {"type": "string"},
                        "schema_version": {"type": "string"},
                        "received_at": {"type": "string", "format": "date-time"},
                        "due_date": {"type": ["string", "null"], "format": "date"},
                        "signature": {"type": "string"},
                    },
                },
                "Problem": {
                    "type": "object",
                    "required": ["type", "status", "title", "detail"],
                    "properties": {"type": {"type": "string"}, "status": {"type": "integer"}, "title": {"type": "string"}, "detail": {"type": "string"}},
                },
                "ValidationProblem": {
                    "allOf": [
                        {"$ref": "#/components/schemas/Problem"},
                        {
                            "type": "object",
                            "required": ["errors"],
                            "properties": {
                                "errors": {
                                    "type": "array",
                                    "items": {"type": "object", "required": ["pointer", "keyword", "message"], "properties": {"pointer": {"type": "string"}, "keyword": {"type": "string"}, "message": {"type": "string"}}},
                                }
                            },
                        },
                    ]
                },
            },
        },
    }
