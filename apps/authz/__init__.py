"""authz: what a caller may do inside a tenant, as a layer of its own.

It sits between `core` and the platform apps (DESIGN.md, "Layers") and holds the
vocabulary every layer above shares, with no models and no import of any app but core:

- `scopes.Scope`: how far a granted permission reaches (tenant, branch, own);
- `access.Access` / `access.Grant`: a caller's permissions with their scopes, and
  `access.KeyCredential`, the shape of a credential that carries its own permissions
  (an API key) so that nobody needs to import the app that issues it;
- `catalogue`: `resource:action` names on top of Django permissions;
- `sources`: "what may this user do in the current tenant schema", answered by the
  app that owns roles (apps.rbac registers itself in its AppConfig.ready()), so that
  platform apps (accounts, flags, ...) ask without importing a workspace app.

Not an installed app: it has no models, templates or migrations.
"""
