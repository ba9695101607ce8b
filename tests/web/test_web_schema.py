"""The JSON API against its own OpenAPI document: schemathesis generates the requests.

Every operation in ``/openapi.json`` is called through the ASGI app (no server) with
requests generated from its parameters: valid ones, and for operations whose parameters
have rules, invalid ones too. Each response must not be a server error and must match the
schema documented for its status code. About 1,250 requests in all; each test collects
every distinct failure (with a curl command to reproduce it) before it reports.

A last test calls each operation with requests known to give each status code the app
uses (and once with no index at all) and checks that every status code and content type
it answers with is documented.

Needs schemathesis (``pip install schemathesis``).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.core.result import Ok
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kennisbank.webapp import Settings, create_app

from .helpers import CONTENT, ROADSHOW, case_slugs

CHECKS = [not_a_server_error, response_schema_conformance]
POSITIVE = GenerationMode.POSITIVE
NEGATIVE = GenerationMode.NEGATIVE

# (path, generation mode, examples): the four operations with parameters get hundreds of
# requests; the ones without parameters have exactly one possible request each.
RUNS = [
    ("/api/search", POSITIVE, 250),
    ("/api/search", NEGATIVE, 200),
    ("/api/cases", POSITIVE, 200),
    ("/api/cases", NEGATIVE, 200),
    ("/api/cases/{slug}", POSITIVE, 200),
    ("/api/collections/{slug}", POSITIVE, 200),
    ("/api/collections", POSITIVE, 1),
    ("/healthz", POSITIVE, 1),
    ("/export/cases.json", POSITIVE, 1),
    ("/export/cases.csv", POSITIVE, 1),
    ("/export/cases.xlsx", POSITIVE, 1),
]
OPERATIONS = sorted({path for path, _, _ in RUNS})
REAL_SLUGS = {
    "/api/cases/{slug}": case_slugs(),
    "/api/collections/{slug}": sorted(p.stem for p in (CONTENT / "collections").glob("*.md")),
}


@pytest.fixture(scope="module")
def api_schema(web_app: FastAPI) -> Any:
    return schemathesis.openapi.from_asgi("/openapi.json", web_app)


def test_the_schema_lists_every_operation(api_schema: Any) -> None:
    results = list(api_schema.get_all_operations())
    assert all(isinstance(result, Ok) for result in results), results
    assert sorted(result.ok().path for result in results) == OPERATIONS


def strategy_for(operation: Any, path: str, mode: GenerationMode) -> Any:
    """Generated requests; for a slug, half of them name a real case or collection."""
    generated = operation.as_strategy(generation_mode=mode)
    slugs = REAL_SLUGS.get(path)
    if not slugs:
        return generated
    real = st.sampled_from(sorted(set(slugs))).flatmap(
        lambda slug: operation.as_strategy(generation_mode=mode, path_parameters={"slug": slug})
    )
    return st.one_of(generated, real)


def first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")[:160]


def fuzz(
    strategy: Any, examples: int, checks: list[Callable[..., Any]]
) -> tuple[int, dict[str, str]]:
    """Run ``examples`` generated requests; returns (requests sent, failure -> reproduction)."""
    sent = 0
    failures: dict[str, str] = {}

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=True,  # the same requests on every run: a failure is reproducible
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy)
    def run(case: Any) -> None:
        nonlocal sent
        sent += 1
        curl = case.as_curl_command()
        try:
            response = case.call()
        except Exception as exc:  # the app raised: a real client gets a 500
            failures.setdefault(f"500 {type(exc).__name__}: {first_line(str(exc))}", curl)
            return
        try:
            case.validate_response(response, checks=checks)
        except FailureGroup as group:
            for failure in group.exceptions:
                title = getattr(failure, "title", type(failure).__name__)
                failures.setdefault(
                    f"{response.status_code} {title}",
                    f"{curl}\n      -> {response.status_code} {response.text[:300]}\n"
                    f"      {first_line(getattr(failure, 'message', str(failure)))}",
                )

    run()
    return sent, failures


def report(failures: dict[str, str]) -> str:
    return "\n".join(f"- {key}\n    {example}" for key, example in sorted(failures.items()))


@pytest.mark.parametrize(
    ("path", "mode", "examples"), RUNS, ids=[f"{p}-{m.value}" for p, m, _ in RUNS]
)
def test_generated_requests_get_no_server_error_and_a_documented_response(
    api_schema: Any, path: str, mode: GenerationMode, examples: int
) -> None:
    operation = api_schema[path]["GET"]
    sent, failures = fuzz(strategy_for(operation, path, mode), examples, CHECKS)
    print(f"GET {path} ({mode.value}): {sent} requests, {len(failures)} distinct failures")
    assert sent >= max(1, examples * 3 // 4), f"only {sent} requests were generated"
    assert not failures, f"GET {path} ({mode.value}):\n{report(failures)}"


# --- every status code and content type the API answers with is documented ------------------

# (path, path parameters, query) -> the status code it gives with the bundled content
PROBES: list[tuple[str, dict[str, str], dict[str, Any], int]] = [
    ("/api/search", {}, {"q": "schulden"}, 200),
    ("/api/search", {}, {"k": 0}, 422),
    ("/api/search", {}, {"q": "x" * 501}, 422),
    ("/api/search", {}, {"region": "friesland"}, 422),
    ("/api/cases", {}, {}, 200),
    ("/api/cases", {}, {"limit": 0}, 422),
    ("/api/cases", {}, {"offset": 10**6}, 200),
    ("/api/cases/{slug}", {"slug": "vroeg-eropaf-huurachterstand"}, {}, 200),
    ("/api/cases/{slug}", {"slug": "bestaat-niet"}, {}, 404),
    ("/api/collections/{slug}", {"slug": ROADSHOW}, {}, 200),
    ("/api/collections/{slug}", {"slug": "bestaat-niet"}, {}, 404),
    ("/healthz", {}, {}, 200),
    ("/export/cases.json", {}, {}, 200),
    ("/export/cases.csv", {}, {}, 200),
]
DOCUMENTATION_CHECKS = [
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def content_type(response: Any) -> str:
    value = response.headers.get("content-type", "")
    return value[0] if isinstance(value, list) else str(value)


def check_documented(
    schema: Any, path: str, parameters: dict[str, str], query: dict[str, Any]
) -> tuple[int, list[str]]:
    """Call one operation; returns its status and what the documentation does not cover."""
    case = schema[path]["GET"].Case(path_parameters=parameters or None, query=query or None)
    response = case.call()
    shown = "&".join(f"{key}={str(value)[:12]}" for key, value in query.items())
    try:
        case.validate_response(response, checks=DOCUMENTATION_CHECKS)
    except FailureGroup as group:
        return response.status_code, [
            f"GET {case.formatted_path}{'?' + shown if shown else ''} -> "
            f"{response.status_code} {content_type(response)}: "
            f"{getattr(failure, 'title', type(failure).__name__)}: "
            f"{first_line(getattr(failure, 'message', str(failure)))}"
            for failure in group.exceptions
        ]
    return response.status_code, []


def test_every_status_code_and_content_type_is_documented(api_schema: Any, tmp_path: Path) -> None:
    problems: list[str] = []
    for path, parameters, query, expected in PROBES:
        status, found = check_documented(api_schema, path, parameters, query)
        assert status == expected, (path, query, status)
        problems += found
    # without an index every operation answers 503
    empty = create_app(Settings(index=tmp_path / "geen-index", reload_interval=0))
    empty_schema = schemathesis.openapi.from_asgi("/openapi.json", empty)
    for path in OPERATIONS:
        parameters = {"slug": "bestaat-niet"} if "{slug}" in path else {}
        status, found = check_documented(empty_schema, path, parameters, {})
        assert status == 503, (path, status)
        problems += found
    assert not problems, "undocumented answers:\n" + "\n".join(problems)


# --- the documented shapes are strict enough to be violated ----------------------------------


def documented_200_schema(spec: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The JSON Schema documented for a 200 answer, with the spec's components beside it."""
    content = spec["paths"][path]["get"]["responses"]["200"]["content"]
    if "application/json" not in content:
        return None
    return {**content["application/json"]["schema"], "components": spec["components"]}


def test_every_json_answer_documents_exactly_its_keys(web_app: FastAPI) -> None:
    """A ``dict`` response documents "any object", against which nothing can fail."""
    spec = web_app.openapi()
    json_operations = [path for path in OPERATIONS if documented_200_schema(spec, path)]
    assert len(json_operations) == len(OPERATIONS) - 2  # all but the CSV and XLSX exports
    for name, schema in spec["components"]["schemas"].items():
        if name in ("HTTPValidationError", "ValidationError", "Problem"):
            continue  # FastAPI's own error shapes and the error body
        assert schema.get("additionalProperties") is False, name
        assert sorted(schema["required"]) == sorted(schema["properties"]), name


@pytest.mark.parametrize(
    ("path", "url"),
    [
        ("/api/search", "/api/search?q=schulden&region=utrecht"),
        ("/api/cases", "/api/cases?limit=3"),
        ("/api/cases/{slug}", "/api/cases/vroeg-eropaf-huurachterstand"),
        ("/api/collections/{slug}", f"/api/collections/{ROADSHOW}"),
        ("/healthz", "/healthz"),
        ("/export/cases.json", "/export/cases.json"),
    ],
)
def test_a_real_answer_fits_its_schema_and_a_changed_one_does_not(
    web_app: FastAPI, client: TestClient, path: str, url: str
) -> None:
    """The check schemathesis makes, shown to fail on a missing, an extra and a mistyped key."""
    validator = jsonschema_rs.Draft202012Validator(documented_200_schema(web_app.openapi(), path))
    answer = client.get(url).json()
    assert validator.is_valid(answer), list(validator.iter_errors(answer))[:3]
    key = next(iter(answer))
    missing = {k: v for k, v in answer.items() if k != key}
    extra = {**answer, "undocumented": 1}
    mistyped = {**answer, key: {"not": "this"}}
    for changed in (missing, extra, mistyped):
        assert not validator.is_valid(changed)
