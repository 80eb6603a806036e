"""The development demo that `manage.py seed_demo` (and so `make run`) fills in: enough
that every screen of the ops portal and of a workspace admin shows something real.

- `platform`: the HQ login, the plan catalog, add-ons, a promo code, a feature flag with
  rules, a third tenant waiting for approval (its onboarding half done) and a published
  announcement;
- `tenants`: creating and provisioning the demo tenants, their billing (add-on requests,
  a promo, an invoice paid through the sandbox provider and one left open);
- `workspace`: what a tenant's schema holds (branches, tags, staff who accepted their
  invitations, customers with guardians, settings, an API key), from the data in
- `acme` (an academy on pro) and `bistro` (a restaurant on starter).

Everything goes through the apps' services, so it is validated and audited as if people
had clicked it, and every step first looks for what it would create by its natural key:
a second run changes nothing."""

from __future__ import annotations

from collections.abc import Callable

from . import acme, bistro, platform, tenants

TENANT_MODULES = (acme, bistro)


def seed(*, write: Callable[[str], None]) -> None:
    hq = platform.hq_ensure()
    plans = platform.plans_ensure(actor=hq)
    platform.catalog_extras_ensure(actor=hq, plans=plans)
    for module in TENANT_MODULES:
        tenant = tenants.tenant_ensure(module.TENANT, plan=plans[module.TENANT["plan"]], actor=hq, write=write)
        if tenant is not None:
            module.seed(tenant=tenant, hq=hq, write=write)
    platform.onboarding_ensure(plan=plans[platform.AWAITING["plan"]], actor=hq)
    platform.announcement_ensure(actor=hq)


def logins() -> list[tuple[dict, list[tuple[str, str, str]]]]:
    """Per demo tenant: its spec and (role key, email, branches) of each staff login."""
    return [(module.TENANT, [(role, email, ", ".join(branches)) for email, _name, role, branches in module.STAFF])
            for module in TENANT_MODULES]
