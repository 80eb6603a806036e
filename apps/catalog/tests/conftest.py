"""Catalog fixtures: work inside alpha's schema (services and selectors run there)."""

import pytest
from django.db import connection
from django_tenants.utils import schema_context


@pytest.fixture
def in_alpha(db):
    with schema_context("alpha"):
        yield
    connection.set_schema_to_public()

