"""The generated permission test's engine, shared by both platforms (issue 14, "prove it").

It collects every URL of the platform's URL configuration (a resolver walk) and every operation of its REST
API's OpenAPI document, keys each as the permission matrix does (`<platform>.access.ENDPOINTS`: the URL's name,
or "METHOD /path" for an operation, every admin page under the admin's one entry), and fails on any that the
matrix does not declare. Then every endpoint is requested by every actor, once per object variant the world
offers for its URL parameters (objects inside and outside each actor's reach), and the answer is held against
the matrix:

- never a server error;
- no reach → refused: 401/403/404 or sent to sign in; a write (POST/PUT) may also be refused as invalid
  (400/422) — what it must never do is write (an audit record: every action writes one) or answer 2xx/3xx
  from the API;
- reach ALL, or OWN on an object inside the actor's reach (or a page without an object) → not refused (a write
  with made-up content may still find nothing: only 401/403 count there); the sign-in pages and, for the
  operator, the admin's pages (its per-model permissions decide what may be added) are judged on errors only;
- reach OWN on an object outside it → refused as above;
- a page answered to an actor whose reach is OWN names no object outside that reach (the world's markers).

Each request runs in a savepoint rolled back after it, and each client's cookies are put back: one request
(a sign-out, a successful write) cannot change what the next one sees."""

import contextlib
import copy
import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass, field

import requests
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from sutiao.accounts.access import ADMIN_ENDPOINT, ADMIN_NAMESPACE, Actor, Endpoint, Reach
from sutiao.audit.models import AuditRecord

REFUSED = {401, 403, 404}
INVALID = {400, 405, 409, 410, 422}
SIGN_IN = (
    "/accounts/login/",
    "/accounts/sms-login/",
    "/accounts/sign-in/verify/",
    "/accounts/two-factor/",
    "/admin/login/",
)
API_ROOT = "api/v1/"
# Signing in and out is everyone's, and where it sends one on is its own business: only server errors count.
UNJUDGED = {"sign_in"}
# Audit records of reading (personal data shown unmasked, a file downloaded): a page shown again after a refused
# form writes these as any reading does; they are not writes.
READS = (".view_personal_data", "documents.download")


@dataclass
class Variant:
    """Values for an endpoint's URL parameters, and whose reach they are in: `tokens` (who owns the object:
    "court:A", "party:A" …), optionally other tokens for one action (`by_action`). `real` False: a value that
    names nothing (the fallback for a parameter the world does not know)."""

    values: dict
    tokens: frozenset = frozenset()
    by_action: dict = field(default_factory=dict)
    real: bool = True
    label: str = ""

    def owners(self, action: str) -> frozenset:
        return frozenset(self.by_action.get(action, self.tokens))


@dataclass
class ActorClient:
    actor: Actor
    client: Client
    tokens: frozenset
    api_token: str | None = None
    sign: object = None  # (method, path, body) -> headers, for the peer


@dataclass
class Target:
    key: str  # the matrix's key
    endpoint: Endpoint
    route: str  # the URL with <converter:name> or {name} placeholders
    params: tuple[str, ...]
    api: bool = False
    admin: bool = False


def _routes(patterns, prefix="", namespace=""):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace or ""
            full_ns = f"{namespace}:{ns}" if namespace and ns else (ns or namespace)
            yield from _routes(p.url_patterns, prefix + str(p.pattern), full_ns)
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), (f"{namespace}:{p.name}" if namespace else p.name), p


def collect(endpoints: dict, openapi: dict) -> tuple[list[Target], list[str]]:
    """Every endpoint of the URL configuration and the OpenAPI document, and those the matrix does not declare."""
    targets, undeclared = [], []
    api_paths = set()
    for path, operations in openapi["paths"].items():
        api_paths.add(path)
        for method in operations:
            key = f"{method.upper()} {path}"
            params = tuple(re.findall(r"{(\w+)}", path))
            if key not in endpoints:
                undeclared.append(key)
                continue
            targets.append(Target(key, endpoints[key], path, params, api=True))
    for route, name, _pattern in _routes(get_resolver().url_patterns):
        if route.startswith(API_ROOT):
            path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", route)
            if path not in api_paths and f"GET {path}" not in endpoints and path != f"/{API_ROOT}":
                undeclared.append(f"{path} (in the URL configuration, not in the OpenAPI document)")
            if f"GET {path}" in endpoints and path not in api_paths:  # the API's own description pages
                targets.append(Target(f"GET {path}", endpoints[f"GET {path}"], path, ()))
            continue
        if name and name.split(":")[0] == ADMIN_NAMESPACE:
            # The admin: its pages that take no object, and every model's list and "add" page.
            if "(?P<" in route or "<" in route:
                continue
            targets.append(Target(name, endpoints.get(name, ADMIN_ENDPOINT), "/" + _plain(route), (), admin=True))
            continue
        if not name or name not in endpoints:
            undeclared.append(f"/{route} ({name or 'unnamed'})")
            continue
        params = tuple(re.findall(r"<(?:\w+:)?(\w+)>", route))
        targets.append(Target(name, endpoints[name], "/" + route, params))
    return targets, undeclared


def _plain(route: str) -> str:
    return route.replace("^", "").replace("$", "").replace("\\", "")


def fill(route: str, values: dict) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>|{(\w+)}", lambda m: str(values[m.group(1) or m.group(2)]), route)


def fallback(target: "Target", openapi: dict) -> Variant:
    """Values for parameters the world does not know: they name nothing, so only refusals and errors are judged."""
    kinds = dict((name, kind) for kind, name in re.findall(r"<(\w+):(\w+)>", target.route))
    if target.api:
        for operation in openapi["paths"][target.route].values():
            for parameter in operation.get("parameters", []):
                schema = parameter.get("schema", {})
                kinds[parameter["name"]] = "int" if schema.get("type") == "integer" else schema.get("format", "str")
    values = {p: {"int": 999999, "uuid": uuid.uuid4()}.get(kinds.get(p, "str"), "x") for p in target.params}
    return Variant(values, real=False, label="names nothing")


def example(schema: dict, components: dict):
    """A minimal body the schema accepts (required properties only): the request reaches the operation's check."""
    if "$ref" in schema:
        return example(components[schema["$ref"].rsplit("/", 1)[-1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"]
            return example(options[0], components) if options else None
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        return {
            name: example(prop, components)
            for name, prop in schema.get("properties", {}).items()
            if name in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1
    if kind == "boolean":
        return True
    fmt = schema.get("format")
    if fmt == "date":
        return (dt.date.today() + dt.timedelta(days=30)).isoformat()
    if fmt == "date-time":
        return dt.datetime.now(dt.UTC).isoformat()
    if fmt == "uuid":
        return str(uuid.uuid4())
    return "权限矩阵测试"


def body_for(target: Target, openapi: dict, method: str) -> dict | None:
    if not target.api:
        return None
    operation = openapi["paths"][target.route].get(method.lower(), {})
    content = operation.get("requestBody", {}).get("content", {}).get("application/json")
    if not content:
        return None
    return example(content["schema"], openapi.get("components", {}).get("schemas", {}))


PRIVATE_NOTICE = "权限矩阵测试：仅本人可见的站内消息"


def private_notification(user, token: str) -> tuple[dict, tuple]:
    """An in-app notification of `user` (whose actor holds `token`): the variants of the notification URLs, and a
    marker only that user may be shown."""
    from sutiao.notifications.models import Channel, Notification, State

    notice = Notification.objects.create(
        recipient=user,
        channel=Channel.IN_APP,
        kind="test",
        subject=PRIVATE_NOTICE,
        body=PRIVATE_NOTICE,
        state=State.DELIVERED,
    )
    variant = Variant({"notification_id": notice.pk}, {token}, label="someone's notification")
    return {("notification_id",): [variant]}, (PRIVATE_NOTICE, frozenset({token}))


def peer_signer(key):
    """Headers signing a request as the peer does (sutiao.docking.signing), for GET and POST alike."""
    from sutiao.docking.signing import FEED_COMPONENTS, REQUEST_COMPONENTS, sign

    def headers(method: str, path: str, body: bytes) -> dict:
        request = requests.Request(
            method, f"http://testserver{path}", data=body or None, headers={"Content-Type": "application/json"}
        ).prepare()
        sign(request, body, FEED_COMPONENTS if method == "GET" else REQUEST_COMPONENTS, key=key)
        return {k: v for k, v in request.headers.items() if k in ("Content-Digest", "Signature-Input", "Signature")}

    return headers


@dataclass
class Outcome:
    status: int
    wrote: str  # the actions of the audit records the request wrote ("" none)
    location: str
    body: str


def request(who: ActorClient, target: Target, path: str, method: str, form: dict | None, body) -> Outcome:
    cookies = copy.deepcopy(who.client.cookies)
    headers = {}
    if target.api and who.api_token:
        headers["Authorization"] = f"Bearer {who.api_token}"
    before = AuditRecord.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    with transaction.atomic():
        raw = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        if who.sign is not None and path.startswith("/docking/v1/"):
            headers.update(who.sign(method, path, raw), **{"Content-Type": "application/json"})
        if method == "GET":
            response = who.client.get(path, headers=headers)
        elif target.api or path.startswith("/docking/v1/"):
            response = who.client.generic(method, path, raw, content_type="application/json", headers=headers)
        else:
            response = who.client.post(path, form or {}, headers=headers)
        written = AuditRecord.objects.filter(seq__gt=before).values_list("action", flat=True)
        wrote = ", ".join(a for a in written if not a.endswith(READS))
        transaction.set_rollback(True)
    who.client.cookies = cookies
    content = b"".join(response.streaming_content) if response.streaming else response.content
    text = content.decode("utf-8", "replace")
    if response.get("Content-Type", "").startswith("application/json"):
        with contextlib.suppress(ValueError):
            text = json.dumps(json.loads(text), ensure_ascii=False)
    return Outcome(response.status_code, wrote, response.get("Location", ""), text)


def refused(outcome: Outcome) -> bool:
    if outcome.status in REFUSED:
        return True
    return outcome.status in (301, 302, 303) and outcome.location.split("?")[0].endswith(SIGN_IN)


@dataclass
class Walk:
    rules: dict
    actors: list[ActorClient]
    variants: dict  # tuple(sorted params) -> [Variant]
    forms: dict  # endpoint key -> POST form data, or a function of the URL's values giving it
    markers: list  # (text, tokens): private text of an object, which only its owners may be shown
    openapi: dict
    queries: dict = field(default_factory=dict)  # endpoint key -> query string a GET needs to mean anything
    requests: int = 0
    pairs: int = 0
    failures: list = field(default_factory=list)

    def run(self, targets: list[Target]) -> None:
        for target in targets:
            variants = self.variants.get(tuple(sorted(target.params))) if target.params else [Variant({})]
            variants = variants or [fallback(target, self.openapi)]
            for who in self.actors:
                self.pairs += 1
                for variant in variants:
                    for method in target.endpoint.methods:
                        self.check(target, who, variant, method)

    def check(self, target: Target, who: ActorClient, variant: Variant, method: str) -> None:
        endpoint = target.endpoint
        reach = self.rules[(endpoint.kind, endpoint.action)].get(who.actor)
        path = fill(target.route, variant.values)
        if method == "GET" and target.key in self.queries:
            path += "?" + self.queries[target.key]
        body = body_for(target, self.openapi, method) if method != "GET" else None
        form = self.forms.get(target.key)
        form = form(variant.values) if callable(form) else form
        outcome = request(who, target, path, method, form, body)
        self.requests += 1
        where = f"{method} {path} [{target.key}] as {who.actor} ({variant.label or 'no object'})"
        if outcome.status >= 500:
            self.failures.append(f"server error {outcome.status}: {where}")
            return
        if endpoint.kind in UNJUDGED or (endpoint.kind == "admin" and reach is not None):
            return
        inside = reach == Reach.ALL or (
            reach == Reach.OWN and (not target.params or bool(who.tokens & variant.owners(endpoint.action)))
        )
        if reach is not None and inside:
            # A write with made-up content may name nothing (404): only a refusal of the actor is wrong.
            write_refused = outcome.status in (401, 403) or (outcome.status in (301, 302, 303) and refused(outcome))
            if variant.real and (refused(outcome) if method == "GET" else write_refused):
                self.failures.append(f"refused ({outcome.status}) where the matrix allows: {where}")
            if method == "GET" and reach == Reach.OWN:
                for text, owners in self.markers:
                    if text in outcome.body and not (who.tokens & owners):
                        self.failures.append(f"shows «{text}» (outside its reach): {where}")
            return
        # Outside the matrix's allowance: refused, and nothing written.
        if method == "GET" and not refused(outcome):
            self.failures.append(f"LEAK: answered {outcome.status} where the matrix refuses: {where}")
        elif method != "GET":
            if outcome.wrote:
                self.failures.append(f"LEAK: wrote ({outcome.wrote}) where the matrix refuses: {where}")
            elif target.api and not (refused(outcome) or outcome.status in INVALID):
                self.failures.append(f"LEAK: answered {outcome.status} where the matrix refuses: {where}")


PRIVATE_SERVICE = "专属送达文书"


def private_service(user, token: str) -> tuple[dict, tuple]:
    """A document served electronically on the party whose account is `user` (whoever acts for that party holds
    `token`): the variants of the served-document URLs, and a marker only they may be shown."""
    from django.core.files.base import ContentFile
    from django.db import transaction

    from sutiao.documents.actions import accept_upload
    from sutiao.documents.models import FileKind
    from sutiao.notifications import serving

    profile = user.party_profile
    with transaction.atomic():
        serving.record_consent(
            user,
            id_digest=profile.id_number_digest,
            party_name=profile.name,
            channels=["in_app"],
            method="party_online",
        )
        stored = accept_upload(
            ContentFile(b"%PDF-1.4\n%%EOF\n", name="送达.pdf"), uploaded_by=user, kind=FileKind.DOCUMENT
        )
        service = serving.serve_document(
            user,
            stored,
            subject=profile,
            title=PRIVATE_SERVICE,
            id_digest=profile.id_number_digest,
            party_name=profile.name,
            sender="测试",
        )
    variant = Variant({"service_id": service.pk}, {token}, label="someone's served document")
    return {("service_id",): [variant]}, (PRIVATE_SERVICE, frozenset({token}))
