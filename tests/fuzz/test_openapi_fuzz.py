"""Property-based tests generated from each service's own OpenAPI document (schemathesis).

Every operation the document lists is exercised (new routes are covered without editing this
file), with valid and invalid input, as a candidate, an author and an admin. The responses must
never be a 5xx, every error must be problem+json, and status codes, content types and bodies
must be the ones the document promises. Runs in-process on PostgreSQL, derandomised and bounded.
"""

from __future__ import annotations

import itertools
import os
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import ROLES

PROBLEM_MIME = "application/problem+json"
# Bounded for `make test` (about two minutes on two cores); raise it for a deeper hunt.
EXAMPLES_PER_OPERATION = int(os.environ.get("FUZZ_EXAMPLES", "25"))

pytestmark = [pytest.mark.fuzz, pytest.mark.timeout(max(300, 12 * EXAMPLES_PER_OPERATION))]
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,  # the same cases every run: a failure here is reproducible
    database=None,
    deadline=None,
    # No shrinking: the failing case is reported as found (with a curl line), within the budget.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    print_blob=False,
)


def errors_are_problem_json(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every 4xx and 5xx answer is RFC 9457 problem+json with the status in its body."""
    if response.status_code < 400:
        return None
    content_type = (response.headers.get("content-type") or [""])[0]
    assert content_type.split(";")[0].strip() == PROBLEM_MIME, (
        f"{response.status_code} answered as {content_type!r}, not {PROBLEM_MIME}"
    )
    assert response.json().get("status") == response.status_code
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    errors_are_problem_json,
]


def case_strategy(operation: Any, known: Mapping[str, Sequence[Any]]) -> Any:
    """Valid and invalid cases; when every path parameter has known values (ids of stored
    resources), also valid cases aimed at those resources, so more than 404s is exercised."""
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    names = re.findall(r"{(\w+)}", operation.path)
    if names and all(known.get(name) for name in names):
        for values in itertools.product(*(known[name] for name in names)):
            strategies.append(
                operation.as_strategy(
                    GenerationMode.POSITIVE, path_parameters=dict(zip(names, values, strict=True))
                )
            )
    return st.one_of(strategies)


def fuzz_every_operation(
    schema: Any, headers: Callable[[str], dict[str, str]], known: Mapping[str, Sequence[Any]]
) -> None:
    """Exercise each operation the document lists with valid and invalid input under each role;
    fail once at the end, listing every operation that broke its contract."""
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        cases = case_strategy(operation, known)

        @FUZZ_SETTINGS
        @given(case=cases, role=st.sampled_from(ROLES))
        def exercise(case: Any, role: str) -> None:
            case.call_and_validate(headers=headers(role), checks=CHECKS)

        try:
            exercise()
        except (Exception, FailureGroup) as exc:
            failures.append(f"{operation.label}:\n{exc}")
    assert operations, "the OpenAPI document lists no operations"
    assert not failures, "\n\n".join(failures)


def test_auth_api_keeps_its_contract(auth_schema: Any, auth_headers: Any, auth_known: Any) -> None:
    fuzz_every_operation(auth_schema, auth_headers, auth_known)


def test_content_api_keeps_its_contract(
    content_schema: Any, content_headers: Any, content_known: Any
) -> None:
    fuzz_every_operation(content_schema, content_headers, content_known)


def test_quiz_api_keeps_its_contract(quiz_schema: Any, quiz_headers: Any, quiz_known: Any) -> None:
    fuzz_every_operation(quiz_schema, quiz_headers, quiz_known)
