"""Isolation cases (tests/test_isolation.py) for the routes every host gets from
platform_.urls_common: the /api/ catch-all answers 404 to everyone."""

CATCH_ALL = "api(?:/|$)"  # the catch-all's pattern as the suite samples it

TENANT_API = {CATCH_ALL: ("get", None)}
PUBLIC_API = {CATCH_ALL: ("get", None)}
