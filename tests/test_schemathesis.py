"""Property-based API testing with schemathesis: every operation of the workspace schema
(as the alpha owner) and of the platform schema (with a platform API key) gets its
documented examples and generated requests, valid and invalid. No response may be a 5xx,
and every response must be what the schema says (status code, content type, body,
headers). Bounded (fixed seed, EXAMPLES generated requests per operation and mode) to stay
well under two minutes on two cores. Everything runs in the test's transaction and is
rolled back.

Requests go through Django's WSGI handler in this process (no server), from their own
client address so that failed log-ins they cause never lock out the other tests."""

from __future__ import annotations

from collections import Counter

import pytest
import schemathesis
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from django_tenants.utils import schema_context
from hypothesis import HealthCheck, Phase, assume, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup, ServerError
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.plugin import client_for, obtain_tokens
from tests.social_fixtures import oauth_double, oauth_double_process  # noqa: F401  (fixtures)

SEED = 20260801
# Per operation: the workspace API has ~100 operations since commerce (twice as many as
# before), so fewer generated requests each keep the run's total where it was.
EXAMPLES = {GenerationMode.POSITIVE: 10, GenerationMode.NEGATIVE: 5}
CLIENT_ADDRESS = "127.0.0.2"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
          response_headers_conformance]
# Operations that would lock the owner out of the rest of the run when they hit the
# owner's own staff record: excluded for that record only (the API refuses nothing here
# that it should not; the test just keeps its own credentials).
OWNER_DESTRUCTIVE = {("PATCH", "/api/v1/staff/{id}/"), ("POST", "/api/v1/staff/{id}/deactivate/"),
                     ("PUT", "/api/v1/staff/{id}/roles/")}


def django_app(environ, start_response):
    """Django's WSGI handler without closing the test's connection after each request
    (the test client does the same)."""
    environ["REMOTE_ADDR"] = CLIENT_ADDRESS
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        response = WSGIHandler()(environ, start_response)
        try:
            return [b"".join(response)]
        finally:
            response.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def load_schema(slug):
    response = client_for(slug).get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200, response.content[:500]
    schema = schemathesis.openapi.from_dict(response.json())
    schema.app = django_app
    return schema


class Run:
    def __init__(self, schema, *, host: str, headers: dict, skip=lambda case: False):
        self.schema, self.base_url, self.headers, self.skip = schema, f"http://{host}", headers, skip
        self.operations = 0
        self.requests = 0
        self.statuses: Counter = Counter()
        self.schema_examples = 0
        self.server_errors: list[tuple[str, str]] = []
        self.violations: list[tuple[str, str]] = []

    def check(self, case):
        assume(not self.skip(case))
        # A savepoint per request: one that fails on the server is undone, so that it is
        # reported on its own instead of breaking the transaction for every later request.
        savepoint = transaction.savepoint()
        response = case.call(base_url=self.base_url, headers=self.headers)
        if response.status_code >= 500:
            transaction.savepoint_rollback(savepoint)
        else:
            transaction.savepoint_commit(savepoint)
        self.requests += 1
        self.statuses[response.status_code] += 1
        try:
            case.validate_response(response, checks=CHECKS, headers=self.headers)
        except (FailureGroup, Failure) as error:
            failures = error.exceptions if isinstance(error, FailureGroup) else [error]
            for failure in failures:
                bucket = self.server_errors if isinstance(failure, ServerError) else self.violations
                bucket.append((f"{case.method} {case.path} -> {response.status_code}: {failure.title}",
                               f"{case.as_curl_command(headers=self.headers)}\n{str(failure)[:600]}"))

    def run(self):
        for result in self.schema.get_all_operations():
            operation = result.ok()
            self.operations += 1
            cache.delete_pattern("ratelimit:*")  # each operation starts with a fresh budget
            examples = self.schema.get_strategies_from_examples(operation)
            if examples:
                self.schema_examples += len(examples)
                self._explore(st.one_of(examples), len(examples))
            for mode, count in EXAMPLES.items():
                try:
                    self._explore(operation.as_strategy(generation_mode=mode), count)
                except Unsatisfiable:
                    # no parameters and no body (e.g. GET /catalog/ratings/): nothing can be made invalid
                    assert mode is GenerationMode.NEGATIVE, operation.label
            connection.set_schema_to_public()

    def _explore(self, strategy, count):
        @seed(SEED)
        @settings(max_examples=count, deadline=None, database=None, phases=[Phase.explicit, Phase.generate],
                  suppress_health_check=list(HealthCheck))
        @given(case=strategy)
        def explore(case):
            self.check(case)

        explore()

    def report(self) -> str:
        return (f"{self.operations} operations, {self.requests} requests ({self.schema_examples} schema examples), "
                f"statuses {dict(sorted(self.statuses.items()))}, {len(self.server_errors)} 5xx, "
                f"{len(self.violations)} schema violations")

    def assert_clean(self):
        print(self.report())
        problems = self.server_errors + self.violations
        distinct = Counter(label for label, _detail in problems)
        assert not problems, "\n".join([self.report(), *(f"{n} x {label}" for label, n in distinct.items()), "",
                                         *(detail for _label, detail in problems[:5])])


def _owner_staff_id() -> int:
    from apps.staff.models import StaffProfile

    with schema_context("alpha"):
        return StaffProfile.objects.get(user__email="owner@alpha.test").pk


@pytest.mark.usefixtures("oauth_double")  # the Kakao/Naver app flow asks the provider double
def test_workspace_api_conforms_to_its_schema(db):
    owner_id = _owner_staff_id()
    connection.set_schema_to_public()
    token = obtain_tokens("alpha", "owner@alpha.test")["access"]

    def owner_destructive(case) -> bool:
        return ((case.method.upper(), case.path) in OWNER_DESTRUCTIVE
                and str((case.path_parameters or {}).get("id")) == str(owner_id))

    run = Run(load_schema("alpha"), host="alpha.localhost", headers={"Authorization": f"Bearer {token}"},
              skip=owner_destructive)
    run.run()
    assert run.operations >= 50 and run.requests > run.operations * 10
    run.assert_clean()


def test_platform_api_conforms_to_its_schema(db):
    from apps.market.models import PlatformApiKey
    from apps.market.services import apikey_issue

    _key, raw = apikey_issue(name="schemathesis", actor=None, scopes=PlatformApiKey.Scope.values)
    run = Run(load_schema(None), host="localhost", headers={"Authorization": f"Api-Key {raw}"})
    run.run()
    # sign-up, its status, the market's tenant creation, platform introspection, three inbound
    # webhooks, the directory (2)
    assert run.operations == 9 and run.requests > run.operations * 10
    run.assert_clean()


@pytest.fixture(autouse=True)
def _no_leftover_ratelimits():
    yield
    cache.delete_pattern("ratelimit:*")
