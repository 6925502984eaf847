"""The read API on the demo (``seed_demo --small``): schemathesis calls every operation of
the OpenAPI schema, with values the schema allows, with values it refuses, and with the
demo's own slugs and numbers, and finds no server error and no answer that differs from the
schema; and no answer of the API names a resident (name, e-mail address, postcode, login
code or API token), whoever asks."""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import pytest
import schemathesis
from django.test import Client
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.failures import FailureGroup

from council.models import Report
from deliberation.api import published_summits
from deliberation.drafts.api import public_drafts
from tests.privacy import as_a_word, personal_data
from voting.models import Poll

from .conftest import InProcessApp

# Each test runs inside the demo's transaction (the ``demo`` fixture); the mark also has the
# test database made.
pytestmark = pytest.mark.django_db

EXAMPLES = 12  # per operation and way of generating: deterministic, and well under a minute
CHECKS = [not_a_server_error, response_schema_conformance]
API = "http://testserver/api/v1/"


def _known_path_values() -> dict[str, object]:
    """Path values that exist in the demo, so details are tested with a 200 answer too."""
    poll = Poll.objects.filter(status=Poll.Status.CLOSED).order_by("pk").first()
    assert poll is not None
    draft = public_drafts().first()
    assert draft is not None and published_summits().exists()
    return {
        "summit": published_summits().first().slug,  # type: ignore[union-attr]
        "draft": draft.slug,
        "number": 1,
        "id": poll.pk,
    }


def _path_values(path: str, known: dict[str, object]) -> dict[str, object]:
    values: dict[str, object] = {}
    if "{slug}" in path:
        values["slug"] = known["draft"] if path.startswith("/api/v1/drafts/") else known["summit"]
    for name in ("number", "id"):
        if "{" + name + "}" in path:
            values[name] = known[name]
    return values


def _failures(operation: Any, mode: GenerationMode, path_values: dict[str, object]) -> list[str]:
    found: list[str] = []
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_values or None)

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def call(case: Any) -> None:
        response = case.call()
        try:
            case.validate_response(response, checks=CHECKS)
        except FailureGroup as group:  # every failure is reported, with the request that made it
            for failure in group.exceptions:
                found.append(
                    f"{case.method} {case.formatted_path} {case.query} -> "
                    f"{response.status_code}: {failure.title}: {failure.message}"
                )

    with contextlib.suppress(Unsatisfiable):  # nothing to make invalid: no parameter
        call()
    return found


def test_schemathesis_finds_no_server_error_and_no_schema_mismatch(demo):
    schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", InProcessApp())
    known = _known_path_values()
    operations = [result.ok() for result in schema.get_all_operations()]
    paths = {operation.path for operation in operations}
    assert {"/api/v1/summits/", "/api/v1/drafts/", "/api/v1/answers/", "/api/v1/reports/"} <= paths
    failures: list[str] = []
    for operation in operations:
        failures += _failures(operation, GenerationMode.POSITIVE, {})
        failures += _failures(operation, GenerationMode.NEGATIVE, {})
        values = _path_values(operation.path, known)
        if values:
            failures += _failures(operation, GenerationMode.POSITIVE, values)
    assert failures == [], "\n\n".join(failures[:10])


# A templated endpoint's parameter, taken from the items of the list above it.
ITEM_KEYS = {"pk": "id", "slug": "slug", "number": "number"}


def _links(data: Any) -> list[str]:
    if isinstance(data, dict):
        return [link for value in data.values() for link in _links(value)]
    if isinstance(data, list):
        return [link for value in data for link in _links(value)]
    return [data] if isinstance(data, str) and data.startswith(API) else []


def _filled(template: str, bodies: dict[str, Any]) -> list[str]:
    """``polls/{pk}/result/`` for every id in ``polls/``'s items, and so on down."""
    head, _, rest = template.partition("{")
    name, _, tail = rest.partition("}")
    listed = bodies.get(head)
    items = listed.get("results", []) if isinstance(listed, dict) else listed or []
    urls = [f"{head}{item[ITEM_KEYS[name]]}{tail}" for item in items if ITEM_KEYS[name] in item]
    return [
        url for filled in urls for url in (_filled(filled, bodies) if "{" in filled else [filled])
    ]


def _walk(client: Client, headers: dict[str, str]) -> tuple[dict[str, Any], list[bytes]]:
    """Every page of the API reachable from its root: the endpoints, the links in each
    answer (details, next pages), and each templated endpoint filled from its list."""
    root = client.get(API, headers=headers)
    endpoints = root.json()["endpoints"]
    bodies: dict[str, Any] = {API: root.json()}
    raw = [root.content]
    queue = [url for url in endpoints.values() if "{" not in url]
    templates = sorted((url for url in endpoints.values() if "{" in url), key=len)
    while queue or templates:
        if not queue:
            queue = _filled(templates.pop(0), bodies)
            continue
        url = queue.pop(0)
        if url in bodies:
            continue
        response = client.get(url, headers=headers)
        raw.append(response.content)
        bodies[url] = response.json() if response.status_code == 200 else None
        queue += [link for link in _links(bodies[url]) if link not in bodies]
        assert len(bodies) < 400, "the walk does not end"
    schema = client.get("/api/schema/?format=json")
    assert schema.status_code == 200
    raw.append(schema.content)
    return bodies, raw


def test_no_api_answer_of_the_demo_names_a_resident(demo):
    client = Client()
    everything: list[bytes] = []
    for headers in ({}, {"Authorization": f"Token {demo.staff_token}"}):
        bodies, raw = _walk(client, headers)
        everything += raw
        shown = {url for url, body in bodies.items() if body is not None}
        for template in json.loads(raw[0])["endpoints"].values():
            pattern = re.escape(template).replace(r"\{", "{").replace(r"\}", "}")
            pattern = re.sub(r"\{\w+\}", r"[^/]+", pattern)
            if template.endswith("/me/") and not headers:
                continue
            assert any(re.fullmatch(pattern, url) for url in shown), template
    text = b"\n".join(everything).decode()
    # The walk saw the demo: a summit's proposal with its ideas, a nota, an answer, a report.
    for seen in [
        "Een open buurthuis in elke wijk",
        "Jeugdnota",
        "RB 2026-033",
        "participatieverslag.zip",
    ]:
        assert seen in text, seen
    assert Report.objects.exists()
    folded = text.casefold()
    for person in demo.residents:
        for value in personal_data(person, demo.codes[person.username], demo.tokens[person.pk]):
            found = as_a_word(text, value, folded=folded)
            assert found is None, (
                person.username,
                value,
                text[max(0, found.start() - 80) : found.end() + 80],
            )
