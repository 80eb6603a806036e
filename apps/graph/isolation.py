"""Tenant-isolation cases (tests/test_isolation.py): an outsider asking alpha's GraphQL for
anything that is not public (orders, customers, staff, branches, the academy's lists, a
guardian's own view, the kitchen and rider boards) gets refusals and no data at all."""

QUERY = {"query": """{
  orders { edges { node { id customer { name } } } }
  customers { edges { node { name } } }
  staff { nodes { email } }
  branches { name }
  classes { nodes { name } }
  enrolments { nodes { id } }
  passes { nodes { id } }
  tuition { nodes { id } }
  my { children { name } }
  foodBoard { tickets { number } }
  foodRiderBoard { tickets { number } }
}"""}

TENANT_API = {
    "graphql/": ("post", QUERY),
    "api/graphql/": ("post", QUERY),
}
