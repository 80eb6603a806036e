"""Tenant-isolation cases (tests/test_isolation.py): an outsider asking alpha's GraphQL for
its orders and customers gets a refusal and no data."""

QUERY = {"query": "{ orders { edges { node { id customer { name } } } } customers { edges { node { name } } } }"}

TENANT_API = {
    "graphql/": ("post", QUERY),
    "api/graphql/": ("post", QUERY),
}
