"""The API reference as an ordinary page: generated from the OpenAPI schema, GOV.UK
styled, no JavaScript (the site's CSP forbids the CDN scripts Redoc needs)."""

from functools import cache

from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.generators import SchemaGenerator

METHODS = ("get", "post", "put", "patch", "delete")
TAG_TITLES = {
    "offers": "Offers (anyone)",
    "account": "Your account",
    "jobseeker": "Jobseekers",
    "provider": "Providers",
    "commissioner": "Commissioners",
}


@cache
def _schema() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _resolve(schema: dict, node: dict | None) -> dict:
    while node and "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node or {}


def _type(schema: dict, node: dict) -> str:
    node = _resolve(schema, node) if "$ref" in node else node
    if "allOf" in node:
        return " / ".join(_type(schema, part) for part in node["allOf"])
    if "oneOf" in node:
        return " or ".join(_type(schema, part) for part in node["oneOf"])
    if "enum" in node:
        return "one of: " + ", ".join(str(v) for v in node["enum"] if v not in ("", None))
    kind = node.get("type", "object")
    if kind == "array":
        return f"list of {_type(schema, node.get('items', {}))}"
    if node.get("format") in ("date", "date-time", "email", "uri", "binary", "decimal"):
        return f"{kind} ({node['format']})"
    return kind


def _fields(schema: dict, node: dict | None) -> list[dict]:
    body = _resolve(schema, node)
    required = set(body.get("required", []))
    rows = []
    for name, prop in body.get("properties", {}).items():
        resolved = _resolve(schema, prop) if "$ref" in prop else prop
        limits = [f"{label} {resolved[key]}" for key, label in (
            ("minimum", "at least"), ("maximum", "at most"), ("maxLength", "up to"))
            if key in resolved]
        if "maxLength" in resolved:
            limits[-1] += " characters"
        limit_text = (", ".join(limits).capitalize() + ".") if limits else ""
        rows.append({"name": name, "type": _type(schema, prop),
                     "required": name in required, "read_only": prop.get("readOnly"),
                     "description": " ".join(filter(None, [
                         resolved.get("description", ""), limit_text]))})
    return rows


def operations() -> list[dict]:
    """Every operation, grouped by tag, with its parameters, body fields and responses."""
    schema = _schema()
    groups: dict[str, list] = {tag: [] for tag in TAG_TITLES}
    for path, item in schema["paths"].items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            body = op.get("requestBody", {}).get("content", {})
            media, content = next(iter(body.items()), (None, {}))
            responses = []
            for code, response in op["responses"].items():
                ok_body = response.get("content", {}).get("application/json", {}).get("schema")
                responses.append({"code": code, "description": response.get("description"),
                                  "fields": _fields(schema, ok_body)
                                  if code.startswith("2") else []})
            groups.setdefault(op.get("tags", ["other"])[0], []).append({
                "anchor": op["operationId"], "method": method.upper(), "path": path,
                "description": op.get("description", ""),
                "public": {} in op.get("security", [{}]) or not op.get("security"),
                "parameters": [
                    {"name": p["name"], "in": p["in"], "required": p.get("required", False),
                     "type": _type(schema, p.get("schema", {})),
                     "description": p.get("description", "")}
                    for p in op.get("parameters", [])],
                "media": media, "fields": _fields(schema, content.get("schema")),
                "responses": responses,
            })
    return [{"tag": tag, "title": TAG_TITLES.get(tag, tag.title()), "operations": ops}
            for tag, ops in groups.items() if ops]


@require_GET
def api_docs(request):
    return render(request, "api/docs.html", {"groups": operations()})
