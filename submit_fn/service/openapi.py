"""The API's own description, OpenAPI 3.1 (served at /api/openapi.json)."""

from __future__ import annotations

from submit_fn.service.documents import MAX_DOCUMENT_BYTES, MAX_DOCUMENTS
from submit_fn.service.notification_calendar import DAY_PATTERN
from submit_fn.service.settings import MAX_BODY_BYTES, MAX_PDF_BYTES

PROBLEM = {"$ref": "#/components/responses/Problem"}


_DAY = {"type": ["string", "null"], "format": "date"}
_MONTHS = {"type": ["integer", "null"], "minimum": 0}
CLAIM_ESTIMATE = {
    "type": "object",
    "description": "A claim (huong-tro-cap) only, null otherwise: what submit_fn/model/benefit_rules.py says, computed on receipt; "
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


_DAY_QUERY = {"type": "string", "pattern": DAY_PATTERN, "description": "YYYY-MM-DD, or DD/MM/YYYY as people type it"}
_EMPTY_OR = {"type": "string", "description": "Empty: not given, as a blank form field sends it"}
_OPTIONAL_DAY = {**_DAY_QUERY, "pattern": DAY_PATTERN.replace("^ *(", "^ *(|")}
NOTIFICATION_WINDOWS = {
    "type": "object",
    "required": ["windows"],
    "properties": {
        "windows": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["month", "opens", "closes"],
                "properties": {"month": {"type": "integer"}, "opens": {"type": "string", "format": "date"}, "closes": {"type": "string", "format": "date"}},
            },
        },
        "next": {"type": "object", "required": ["title", "text", "link", "url"], "properties": {k: {"type": "string"} for k in ("title", "text", "link", "url")}},
    },
}


def notification_query(required: bool) -> list[dict]:
    """The decision a schedule is made from, as query parameters (the page's form may leave any empty)."""
    if required:
        start, months = _DAY_QUERY, {"type": "integer", "minimum": 1, "maximum": 12}
    else:
        start, months = _OPTIONAL_DAY, {**_EMPTY_OR, "pattern": "^ *([0-9]{1,3})? *$"}
    return [
        {"name": "start", "in": "query", "required": required, "description": "The first day of benefit", "schema": start},
        {"name": "months", "in": "query", "required": required, "description": "1 to 12", "schema": months},
        {"name": "returned", "in": "query", "required": False, "description": "The day the result was returned (month 1)", "schema": _OPTIONAL_DAY},
        {"name": "lang", "in": "query", "required": False, "description": "vi or en; otherwise Accept-Language", "schema": {"type": "string"}},
    ]


STATUS = {"enum": ["received", "needs_documents", "accepted", "decided", "refused", "withdrawn"]}
_TEXT = {"type": "string"}
AUDIT_ENTRY = {
    "type": "object",
    "required": ["at", "actor", "action", "receipt", "province", "detail", "address"],
    "properties": {
        "at": {"type": "string", "format": "date-time"},
        "actor": {"type": "string", "description": "An account's name, or 'token ' and the first 8 hex digits of the token's SHA-256"},
        "action": {"enum": ["read_submission", "read_pdf", "read_document", "export", "status_change", "import_pdf"]},
        "receipt": {"type": ["string", "null"]},
        "province": {"type": ["string", "null"]},
        "detail": _TEXT,
        "address": _TEXT,
    },
}
_NEXT_LINK = {"Link": {"description": 'RFC 8288 `<…>; rel="next"` while there are more; absent on the last page', "schema": _TEXT}}


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


def description(procedure_ids: list[str], without_form: list[str]) -> dict:
    """`without_form`: the procedures in which the worker files nothing, whose POST routes answer 404 nothing-to-file."""
    nothing_to_file = (
        f" Procedures in which the worker files nothing ({', '.join(without_form) or 'none'}: the centre acts by itself) take no "
        "answers: 404 problem nothing-to-file, whose `guidance` names the procedure's guidance page."
    )
    answers_body = {
        "required": True,
        "description": f"The answers: JSON or a plain HTML form post (at most {MAX_BODY_BYTES} bytes), or the procedure's "
        f"fillable PDF form filled in a PDF reader (at most {MAX_PDF_BYTES} bytes; encrypted files and files with scripts, "
        "automatic actions or embedded files are refused with a 400), as the body or as the file `form_pdf` of a multipart post. "
        "A multipart post without `form_pdf` sends the answers (as JSON in the part `answers`, or as the form's controls) and up to "
        f"{MAX_DOCUMENTS} files in parts `documents` (JPEG, PNG or PDF judged by content, each at most {MAX_DOCUMENT_BYTES} bytes; "
        "the n-th part is the n-th paper of the schema's `x-documents`, an empty part keeps its place): a refused file is a 413 "
        "(too large, too many) or a 422 problem whose `document` is its place, from 1. A multipart post is answered with JSON "
        "when it asks for it (`Accept: application/json` or `*/*`), else with an HTML page",
        "content": {
            "application/json": {"schema": {"type": "object"}},
            "application/x-www-form-urlencoded": {"schema": {"type": "object"}},
            "application/pdf": {"schema": {"type": "string", "contentEncoding": "binary"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "form_pdf": {"type": "string", "contentEncoding": "binary"},
                        "answers": {"type": "string", "contentMediaType": "application/json"},
                        "documents": {"type": "array", "maxItems": MAX_DOCUMENTS, "items": {"type": "string", "contentEncoding": "binary"}},
                        "_lang": {"enum": ["vi", "en"]},
                    },
                }
            },
        },
    }
    invalid_answers = {
        "description": "Invalid answers, every error listed",
        "content": {
            "application/problem+json": {"schema": {"anyOf": [
                {"$ref": "#/components/schemas/ValidationProblem"},
                {"$ref": "#/components/schemas/Problem"},  # a refused document (multipart posts)
            ]}},
            "text/html": {"schema": {"type": "string"}},
        },
    }
    schema_version = {
        "name": "Schema-Version", "in": "header", "required": False, "schema": {"type": "string", "maxLength": 20},
        "description": "The version the form was loaded with; accepted while in force or in its grace period, else 409",
    }
    receipt_id = {"name": "receipt_id", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 40}}
    limit = {"name": "limit", "in": "query", "required": False, "description": "Rows per page, 1 to 200 (default 50); else 400",
             "schema": {"type": "integer", "minimum": 1, "maximum": 200}}
    cursor = {"name": "cursor", "in": "query", "required": False, "description": "From the previous page's next link, as it is; else 400",
              "schema": _TEXT}
    receipt_or_page = {
        "application/json": {"schema": {"type": "object", "required": ["receipt"], "properties": {"receipt": {"$ref": "#/components/schemas/Receipt"}, "signature_valid": {"type": "boolean"}}}},
        "text/html": {"schema": _TEXT},
        "application/pdf": {"schema": {"type": "string", "contentEncoding": "binary"}},
    }
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
            "/api/health": {"get": {"responses": {"200": _json({"type": "object", "required": ["status"], "properties": {"status": {"const": "ok"}}}), **_problems(503)}}},
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
                    "description": "Store the answers and issue a receipt." + nothing_to_file,
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
                    "description": "The answers printed on the paper form, to print or bring in person; nothing is stored." + nothing_to_file,
                    "parameters": [procedure_id, schema_version],
                    "requestBody": answers_body,
                    "responses": {
                        "200": {"description": "The filled form", "content": {"application/pdf": {"schema": {"type": "string", "contentEncoding": "binary"}}}},
                        "422": invalid_answers,
                        **_form_post_problems(400, 404, 409, 413, 415),
                    },
                }
            },
            "/api/receipts": {
                "get": {
                    "description": "tra-cuu/'s form: 303 to /api/receipts/<id> (the id typed in any case, with or without dashes)",
                    "parameters": [{"name": "id", "in": "query", "required": True, "schema": {"type": "string", "maxLength": 40}},
                                   {"name": "lang", "in": "query", "required": False, "schema": {"enum": ["vi", "en"]}}],
                    "responses": {
                        "303": {"description": "On to the receipt", "headers": {"Location": {"schema": _TEXT}}},
                        **_form_post_problems(404),
                    },
                }
            },
            "/api/receipts/{receipt_id}": {
                "get": {
                    "description": "The receipt: where the filing stands, never personal data. A request preferring text/html "
                    "gets the receipt page; with a .pdf id, the receipt on paper with a QR code of its verification URL",
                    "parameters": [receipt_id, {"name": "signature", "in": "query", "required": False, "schema": _TEXT},
                                   {"name": "lang", "in": "query", "required": False, "schema": {"enum": ["vi", "en"]}}],
                    "responses": {
                        "200": {"description": "The receipt", "content": receipt_or_page},
                        **_form_post_problems(404),
                    },
                }
            },
            "/xac-minh/{receipt_id}": {
                "get": {
                    "description": "What a printed receipt's QR code opens: whether it is genuine (signature checked), no personal data; "
                    "any text that is not an issued receipt's id is answered 'not genuine'",
                    "parameters": [{"name": "receipt_id", "in": "path", "required": True, "schema": _TEXT}, {"name": "signature", "in": "query", "required": False, "schema": _TEXT}],
                    "responses": {"200": {"description": "The verification page (Vietnamese; /en/xac-minh/… in English)", "content": {"text/html": {"schema": _TEXT}}}},
                }
            },
            "/api/office/submissions": {
                "get": {
                    "security": office,
                    "description": "The submissions of the token's provinces, newest first, a page at a time",
                    "parameters": [
                        {"name": "procedure", "in": "query", "required": False, "description": "Empty: every procedure",
                         "schema": {"type": "string", "enum": ["", *procedure_ids]}},
                        {"name": "status", "in": "query", "required": False, "description": "Empty: every status",
                         "schema": {"enum": ["", *STATUS["enum"]]}},
                        {"name": "since", "in": "query", "required": False, "description": "Received at or after: RFC 3339 date-time, or a full date (from its start, Vietnam time)", "schema": _TEXT},
                        {"name": "until", "in": "query", "required": False, "description": "Received before: RFC 3339 date-time, or a full date (to its end, Vietnam time)", "schema": _TEXT},
                        limit, cursor,
                    ],
                    "responses": {
                        "200": {"description": "A page of receipts", "headers": _NEXT_LINK, **_json({"type": "array", "items": {"$ref": "#/components/schemas/Receipt"}})},
                        **_problems(400, 401),
                    },
                }
            },
            "/api/office/submissions/{receipt_id}": {
                "get": {
                    "security": office,
                    "description": "The whole submission, recorded in the audit log; with '.pdf' after the id, the filled form as PDF. "
                    "A submission of another province is a 404.",
                    "parameters": [receipt_id],
                    "responses": {
                        "200": {
                            "description": "The submission",
                            "content": {
                                "application/json": {"schema": {"type": "object", "required": ["receipt", "answers", "estimate", "history", "documents"], "properties": {
                                    "receipt": {"$ref": "#/components/schemas/Receipt"},
                                    "answers": {"type": "object"},
                                    "estimate": {"oneOf": [{"$ref": "#/components/schemas/ClaimEstimate"}, {"type": "null"}]},
                                    "history": {"type": "array", "items": {"type": "object", "required": ["at", "status", "note", "appointment_date", "actor"]}},
                                    "documents": {"type": "array", "items": {"type": "object", "required": ["number", "kind", "name", "media_type", "size", "pages", "sha256", "href"]}},
                                }}},
                                "application/pdf": {"schema": {"type": "string", "contentEncoding": "binary"}},
                            },
                        },
                        **_problems(401, 404),
                    },
                }
            },
            "/api/office/submissions/{receipt_id}/status": {
                "post": {
                    "security": office,
                    "description": "received → needs_documents → accepted → decided or refused; withdrawn at the worker's request. "
                    "A note is required for needs_documents (which papers) and refused (the reasons); accepting without "
                    "appointment_date counts the procedure's working days from today",
                    "parameters": [receipt_id],
                    "requestBody": {"required": True, "content": {"application/json": {"schema": {
                        "type": "object", "required": ["status"],
                        "properties": {"status": STATUS, "note": {"type": "string", "maxLength": 1000}, "appointment_date": {"type": "string", "format": "date"}},
                    }}}},
                    "responses": {
                        "200": _json({"type": "object", "required": ["receipt"], "properties": {"receipt": {"$ref": "#/components/schemas/Receipt"}}}) | {"description": "The receipt with its new status"},
                        **_problems(400, 401, 404, 409, 422),
                    },
                }
            },
            "/api/office/submissions/{receipt_id}/documents/{number}": {
                "get": {
                    "security": office,
                    "description": "The n-th paper sent with the submission, from 1, as stored: a PDF as sent, a picture re-encoded "
                    "without its metadata; always `Content-Disposition: attachment` and `X-Content-Type-Options: nosniff`. Each read is audited",
                    "parameters": [receipt_id, {"name": "number", "in": "path", "required": True, "schema": {"type": "integer", "minimum": 1}}],
                    "responses": {"200": {"description": "The document", "content": {
                        media: {"schema": {"type": "string", "contentEncoding": "binary"}} for media in ("image/jpeg", "image/png", "application/pdf")
                    }}, **_problems(401, 404)},
                }
            },
            "/api/office/audit": {
                "get": {
                    "security": office,
                    "description": "Who read or changed what, newest first; a scoped token sees the entries about its provinces",
                    "parameters": [{"name": "receipt", "in": "query", "required": False, "schema": {"type": "string", "maxLength": 40}}, limit, cursor],
                    "responses": {
                        "200": {"description": "A page of the audit log", "headers": _NEXT_LINK, **_json({"type": "array", "items": {"$ref": "#/components/schemas/AuditEntry"}})},
                        **_problems(400, 401, 404),
                    },
                }
            },
            "/api/notification-calendar": {
                "get": {
                    "description": "The monthly job-search notification windows of a benefit (Decree 374/2025 art. 21) as an "
                    "RFC 5545 calendar: one all-day event per window, a reminder the day before it opens. Without `returned`, "
                    "month 1 is counted from `start` (the events say so).",
                    "parameters": notification_query(required=True),
                    "responses": {
                        "200": {
                            "description": "The calendar file (an attachment)",
                            "headers": {"Content-Disposition": {"schema": {"type": "string"}}},
                            "content": {"text/calendar": {"schema": {"type": "string"}}},
                        },
                        **_problems(400),
                    },
                }
            },
            "/api/notification-schedule": {
                "get": {
                    "description": "The same windows as a printable page (the site's lich-thong-bao/ form opens it without "
                    "JavaScript; with no query, the form alone), or as JSON with `Accept: application/json`; "
                    "`after=N` adds what a receipt of benefit month N says next.",
                    "parameters": [
                        *notification_query(required=False),
                        {"name": "after", "in": "query", "required": False, "description": "A benefit month, 1 to `months`",
                         "schema": {**_EMPTY_OR, "pattern": "^ *([0-9]{1,3})? *$"}},
                    ],
                    "responses": {
                        "200": {
                            "description": "The schedule",
                            "content": {"text/html": {"schema": {"type": "string"}}, "application/json": {"schema": NOTIFICATION_WINDOWS}},
                        },
                        "400": {
                            "description": "Values that cannot make a schedule, each said (the page shows the form again)",
                            "content": {"text/html": {"schema": {"type": "string"}}, "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}},
                        },
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
                "AuditEntry": AUDIT_ENTRY,
                "ProcedureSummary": {"type": "object", "required": ["id", "title", "version"], "properties": {"id": {"type": "string"}, "title": {"type": "string"}, "version": {"type": "string"}}},
                "Receipt": {
                    "type": "object",
                    "required": ["id", "procedure", "schema_version", "received_at", "due_date", "signature", "centre", "status",
                                 "status_changed_at", "note", "appointment_date"],
                    "properties": {
                        "centre": {"type": "object", "required": ["province", "name"], "description": "The centre the filing is addressed to",
                                   "properties": {"province": {"type": ["string", "null"]}, "name": {"type": "object", "required": ["vi", "en"]}}},
                        "status": STATUS,
                        "status_changed_at": {"type": "string", "format": "date-time"},
                        "note": {"type": "string", "description": "The centre's message to the worker"},
                        "appointment_date": {"type": ["string", "null"], "format": "date"},
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
