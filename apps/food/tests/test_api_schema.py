"""The food endpoints against their schema with schemathesis, in a restaurant (`beta`;
tests/test_schemathesis.py runs the workspace schema as alpha, an academy, where they do
not exist): documented examples and generated requests, valid and invalid, as the beta
owner. No 5xx, and every response as documented."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection

from tests.plugin import obtain_tokens
from tests.test_schemathesis import Run, load_schema

from .api_world import food_world, paid_order

FOOD_PATHS = r"^/api/v1/(food/|my/orders/\{id\}/(tracking|reorder)/)"


@pytest.fixture(autouse=True)
def _no_leftover_ratelimits():
    yield
    cache.delete_pattern("ratelimit:*")


def test_food_api_conforms_to_its_schema(db, tenant_beta, owner_beta):
    world = food_world()
    paid_order(world)
    paid_order(world, fulfilment="delivery")
    connection.set_schema_to_public()
    token = obtain_tokens("beta", "owner@beta.test")["access"]
    schema = load_schema("beta").include(path_regex=FOOD_PATHS)
    run = Run(schema, host="beta.localhost", headers={"Authorization": f"Bearer {token}"})
    run.run()
    assert run.operations == 19 and run.requests > run.operations * 10
    run.assert_clean()
