"""The service's OpenAPI 3.0 document: the W3C CCG VC API operations it implements,
with the request shapes of that specification and the problem bodies it answers."""

from __future__ import annotations

from typing import Any

from .. import __version__

_OBJECT: dict[str, Any] = {"type": "object"}
_PROBLEM_REF = {"$ref": "#/components/schemas/ProblemDetails"}


def _problem(description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/problem+json": {"schema": _PROBLEM_REF}},
    }


def _json(schema: dict[str, Any], description: str) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _body(ref: str) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ref}"}}},
    }


_COMMON = {
    "413": _problem("The body is larger than the service reads."),
    "415": _problem("The body is not JSON."),
    "503": _problem("The registry cannot be reached, or the request took too long."),
}
_AUTH = {
    "401": _problem("No bearer token, or not the configured one."),
    "403": _problem("Issuing is disabled (no API token configured)."),
}


def openapi_document() -> dict[str, Any]:
    report = {"$ref": "#/components/schemas/VerificationResult"}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "skillswallet VC API",
            "version": __version__,
            "description": "Issue, verify, derive and revoke W3C Verifiable Credentials "
            "(the W3C CCG VC API's request and response shapes).",
        },
        "paths": {
            "/credentials/issue": {
                "post": {
                    "operationId": "issueCredential",
                    "security": [{"bearer": []}],
                    "requestBody": _body("IssueCredentialRequest"),
                    "responses": {
                        "201": _json(
                            {"type": "object", "properties": {"verifiableCredential": _OBJECT}},
                            "The signed credential.",
                        ),
                        "400": _problem("Invalid input; `errors` names each field."),
                        **_AUTH,
                        **_COMMON,
                    },
                }
            },
            "/credentials/verify": {
                "post": {
                    "operationId": "verifyCredential",
                    "requestBody": _body("VerifyCredentialRequest"),
                    "responses": {
                        "200": _json(report, "Verified."),
                        "400": _json(report, "Not verified (the same report), or invalid input."),
                        **_COMMON,
                    },
                }
            },
            "/presentations/verify": {
                "post": {
                    "operationId": "verifyPresentation",
                    "requestBody": _body("VerifyPresentationRequest"),
                    "responses": {
                        "200": _json(report, "Verified."),
                        "400": _json(report, "Not verified (the same report), or invalid input."),
                        **_COMMON,
                    },
                }
            },
            "/credentials/derive": {
                "post": {
                    "operationId": "deriveCredential",
                    "requestBody": _body("DeriveCredentialRequest"),
                    "responses": {
                        "201": _json(
                            {"type": "object", "properties": {"verifiableCredential": _OBJECT}},
                            "The derived (selectively disclosed) credential.",
                        ),
                        "400": _problem("Invalid input."),
                        **_COMMON,
                    },
                }
            },
            "/credentials/status": {
                "post": {
                    "operationId": "updateCredentialStatus",
                    "security": [{"bearer": []}],
                    "requestBody": _body("UpdateCredentialStatusRequest"),
                    "responses": {
                        "200": _json(_OBJECT, "The entries changed."),
                        "400": _problem("Invalid input."),
                        "404": _problem("No status entry of that credential here."),
                        "409": _problem("The change is not allowed (e.g. undoing a revocation)."),
                        **_AUTH,
                        **_COMMON,
                    },
                }
            },
            "/health": {
                "get": {
                    "operationId": "health",
                    "responses": {"200": _json(_OBJECT, "The service is up.")},
                }
            },
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {
                "ProblemDetails": {
                    "type": "object",
                    "required": ["type", "title", "status", "detail"],
                    "properties": {
                        "type": {"type": "string"},
                        "title": {"type": "string"},
                        "status": {"type": "integer"},
                        "detail": {"type": "string"},
                        "errors": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "pointer": {"type": "string"},
                                    "detail": {"type": "string"},
                                },
                            },
                        },
                    },
                },
                "IssueCredentialRequest": {
                    "type": "object",
                    "required": ["credential"],
                    "properties": {
                        "credential": _OBJECT,
                        "options": {
                            "type": "object",
                            "additionalProperties": False,
                            "properties": {
                                "cryptosuite": {"type": "string"},
                                "mandatoryPointers": {"type": "array", "items": {"type": "string"}},
                                "credentialId": {"type": "string"},
                            },
                        },
                    },
                },
                "VerifyCredentialRequest": {
                    "type": "object",
                    "required": ["verifiableCredential"],
                    "properties": {"verifiableCredential": _OBJECT, "options": _OBJECT},
                },
                "VerifyPresentationRequest": {
                    "type": "object",
                    "required": ["verifiablePresentation"],
                    "properties": {
                        "verifiablePresentation": _OBJECT,
                        "options": {
                            "type": "object",
                            "properties": {
                                "challenge": {"type": "string"},
                                "domain": {"type": "string"},
                            },
                        },
                    },
                },
                "DeriveCredentialRequest": {
                    "type": "object",
                    "required": ["verifiableCredential"],
                    "properties": {
                        "verifiableCredential": _OBJECT,
                        "options": {
                            "type": "object",
                            "properties": {
                                "selectivePointers": {"type": "array", "items": {"type": "string"}}
                            },
                        },
                    },
                },
                "UpdateCredentialStatusRequest": {
                    "type": "object",
                    "required": ["credentialId", "credentialStatus"],
                    "properties": {
                        "credentialId": {"type": "string"},
                        "credentialStatus": {
                            "type": "array",
                            "items": {
                                "type": "object",
                                "properties": {
                                    "type": {"type": "string"},
                                    "status": {
                                        "type": "string",
                                        "enum": ["revoked", "suspended", "active"],
                                    },
                                },
                            },
                        },
                    },
                },
                "VerificationResult": {
                    "type": "object",
                    "properties": {
                        "verified": {"type": "boolean"},
                        "problemDetails": {"type": "array", "items": _PROBLEM_REF},
                        "results": _OBJECT,
                        "checks": {"type": "array", "items": _OBJECT},
                    },
                },
            },
        },
    }
