"""OpenAPI additions: the token scheme, and the error responses every operation can give."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

ERROR_RESPONSES = {
    "400": "Invalid input: `errors` names each field and what is wrong with it.",
    "401": "Not signed in, or the token is wrong or revoked.",
    "403": "Your role or organisation may not do this.",
    "404": "Not found, or not yours to see.",
    "405": "That method is not allowed here.",
    "409": "Refused by the current state (not enough money, already decided, still running).",
    "422": "Refused by the rules (an Idempotency-Key reused with a different request, say).",
    "429": "Too many requests: slow down and retry after the time in Retry-After.",
}

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "errors": {
            "type": "object",
            "additionalProperties": True,
            "description": "Only on 400: field name → list of messages (nested like the "
                           "request for lists and objects).",
        },
    },
    "required": ["detail"],
}


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": "An organisation's API token: `Authorization: Token onw_…`. "
                           "Provider admins and commissioner managers create tokens on "
                           "their API tokens page.",
        }


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: document the shared error body everywhere."""
    result.get("paths", {}).pop("/api/v1/schema/", None)  # the schema need not describe itself
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"$ref": "#/components/schemas/Error"}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for code, description in ERROR_RESPONSES.items():
                responses.setdefault(code, {
                    "description": description,
                    "content": {"application/json": {"schema": ref}},
                })
    return result
