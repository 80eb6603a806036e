"""django-tenants' PostgreSQL backend, minus one round trip per request.

django-tenants forgets the search_path it set whenever a tenant is selected, so every
request issues `SET search_path` again even when the pooled connection already has
exactly that path. We remember what the session really has (cleared on close and
rollback, which undo or lose it) and skip the SET when it already matches.
"""

from django_tenants.postgresql_backend import base


class DatabaseWrapper(base.DatabaseWrapper):
    _applied_search_path = None

    def set_tenant(self, tenant, include_public=True):
        super().set_tenant(tenant, include_public)
        if self._applied_search_path is not None and self._get_cursor_search_paths() == self._applied_search_path:
            self.search_path_set_schemas = self._applied_search_path

    def _handle_search_path(self, cursor=None):
        super()._handle_search_path(cursor)
        # A SET inside a transaction survives its commit; a rollback undoes it, and
        # rollback()/savepoint_rollback() below forget it in that case.
        if self.search_path_set_schemas is None:
            self._applied_search_path = None
        else:
            self._applied_search_path = list(self.search_path_set_schemas)

    def close(self):
        self._applied_search_path = None
        super().close()

    def rollback(self):
        self._applied_search_path = None
        super().rollback()

    def savepoint_rollback(self, sid):
        self._applied_search_path = None
        super().savepoint_rollback(sid)
