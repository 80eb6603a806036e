"""An admin site's home page as a dashboard that the apps fill, one card at a time.

Nobody edits the dashboard to add to it. Each app registers what it brings from its own
`dashboard.py` (imported by its AppConfig.ready()), the way it places its pages in the
sidebar (apps.core.admin_navigation):

- a card: a template and what it shows,

      dashboard_card(tenant_admin, "billing.invoices", template="dashboard/billing/invoices.html",
                     context=open_invoices, order=40, permission=can_see_billing)

  `context(request)` returns the dict the template reads as `card`, or None when the card
  has nothing to say (no open invoice: no card); `permission(request)` says whether this
  user may see it (the rule of the page behind it: billing cards only for those who may
  open the billing pages);
- a step of the setup checklist, ticked by the real state and linking to where it is done,

      setup_step(tenant_admin, "branches.first", _("Add your first branch"),
                 done=lambda request: Branch.objects.exists(),
                 url=lambda request: reverse("tenant_admin:branches_branch_add"),
                 order=10, permission=may_add_branches)

  The checklist is a card of its own ("setup"): the steps this user may take, until all
  of them are done. A module that does not exist yet has no step: a business module adds
  its own ("Add your first course") when it arrives;
- a usage meter: something counted against a plan limit,

      usage_meter(tenant_admin, "branches", _("Branches"), used=active_branches, limit_key="branches")

  Meters are shown by whichever card knows the plan's limits (apps.billing's plan and
  usage card, `meters(site, request)`), so an app measures without knowing about plans.

The site's index asks `dashboard_cards(site, request)` (the tenant policy's
index_context, apps.site) and draws the cards in their order (admin/index.html).

Cheap by design: one page view runs each callable at most once, and two callables that
need the same row share it through `request_memo(request, key, build)` (the branch count
ticks the setup step and fills the meter with one query).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

Check = Callable[[Any], bool]

SETUP_CARD = "setup"


@dataclass(frozen=True)
class Card:
    key: str
    template: str
    context: Callable[[Any], dict | None] | None = None
    order: int = 100
    permission: Check | None = None
    wide: bool = False  # spans the whole row (banners, long tables)


@dataclass(frozen=True)
class SetupStep:
    key: str
    label: Any  # a (lazy) translated string
    done: Check
    url: str | Callable[[Any], str]
    order: int = 100
    permission: Check | None = None
    description: Any = ""


@dataclass(frozen=True)
class Meter:
    key: str
    label: Any
    used: Callable[[Any], int]
    limit_key: str | None = None  # the plan limit it is counted against
    unit: str = "count"  # or "bytes"
    order: int = 100
    permission: Check | None = None
    url: str | Callable[[Any], str] | None = None


def _allowed(check: Check | None, request) -> bool:
    return check is None or bool(check(request))


def _resolve(url, request) -> str:
    return url(request) if callable(url) else url


class Dashboard:
    """One site's cards, setup steps and meters. Registering a key again replaces it."""

    def __init__(self):
        self.cards: dict[str, Card] = {}
        self.steps: dict[str, SetupStep] = {}
        self.meters: dict[str, Meter] = {}
        self.card(SETUP_CARD, template="dashboard/setup.html", context=self.setup_context, order=20)

    def card(self, key: str, **spec) -> Card:
        self.cards[key] = Card(key=key, **spec)
        return self.cards[key]

    def step(self, key: str, label, **spec) -> SetupStep:
        self.steps[key] = SetupStep(key=key, label=label, **spec)
        return self.steps[key]

    def meter(self, key: str, label, **spec) -> Meter:
        self.meters[key] = Meter(key=key, label=label, **spec)
        return self.meters[key]

    # --- per request -------------------------------------------------------------------

    def visible_steps(self, request) -> list[dict]:
        """The steps this user may take, in order, each with its real state."""
        return [{"key": step.key, "label": step.label, "description": step.description,
                 "done": bool(step.done(request)), "url": _resolve(step.url, request)}
                for step in sorted(self.steps.values(), key=lambda s: (s.order, s.key))
                if _allowed(step.permission, request)]

    def setup_context(self, request) -> dict | None:
        """The checklist card: None (no card) when there is no step for this user or
        every step is done."""
        steps = self.visible_steps(request)
        done = sum(step["done"] for step in steps)
        if not steps or done == len(steps):
            return None
        return {"steps": steps, "done": done, "total": len(steps), "percent": round(100 * done / len(steps))}

    def visible_meters(self, request) -> list[dict]:
        return [{"key": meter.key, "label": meter.label, "used": meter.used(request), "limit_key": meter.limit_key,
                 "unit": meter.unit, "url": _resolve(meter.url, request) if meter.url else ""}
                for meter in sorted(self.meters.values(), key=lambda m: (m.order, m.key))
                if _allowed(meter.permission, request)]

    def render(self, request) -> list[dict]:
        """The cards to draw for this request: template, width and the `card` dict."""
        shown = []
        for card in sorted(self.cards.values(), key=lambda c: (c.order, c.key)):
            if not _allowed(card.permission, request):
                continue
            data = card.context(request) if card.context is not None else {}
            if data is None:
                continue
            shown.append({"key": card.key, "template": card.template, "wide": card.wide, "card": data})
        return shown


_DASHBOARDS: dict[str, Dashboard] = {}


def dashboard_for(site) -> Dashboard:
    """The dashboard of an admin site (by its name), created on first use."""
    return _DASHBOARDS.setdefault(site.name, Dashboard())


def dashboard_card(site, key: str, *, template: str, context: Callable[[Any], dict | None] | None = None,
                   order: int = 100, permission: Check | None = None, wide: bool = False) -> Card:
    """Put a card on `site`'s dashboard (see the module's docstring)."""
    return dashboard_for(site).card(key, template=template, context=context, order=order, permission=permission,
                                    wide=wide)


def setup_step(site, key: str, label, *, done: Check, url: str | Callable[[Any], str], order: int = 100,
               permission: Check | None = None, description="") -> SetupStep:
    """Add a step to `site`'s setup checklist."""
    return dashboard_for(site).step(key, label, done=done, url=url, order=order, permission=permission,
                                    description=description)


def usage_meter(site, key: str, label, *, used: Callable[[Any], int], limit_key: str | None = None,
                unit: str = "count", order: int = 100, permission: Check | None = None,
                url: str | Callable[[Any], str] | None = None) -> Meter:
    """Add a usage meter to `site`'s dashboard (drawn by the card that knows the limits)."""
    if unit not in ("count", "bytes"):
        raise ValueError(f"unknown meter unit {unit!r}")
    return dashboard_for(site).meter(key, label, used=used, limit_key=limit_key, unit=unit, order=order,
                                     permission=permission, url=url)


def meters(site, request) -> list[dict]:
    """`site`'s meters this user may see, measured: key, label, used, limit_key, unit, url."""
    return dashboard_for(site).visible_meters(request)


def dashboard_cards(site, request) -> list[dict]:
    """The cards `site`'s index draws for this request, in order (see Dashboard.render)."""
    return dashboard_for(site).render(request)


def request_memo(request, key: str, build: Callable[[], Any]) -> Any:
    """`build()` once per request: callables that need the same row or count share it."""
    memo = request.__dict__.setdefault("_dashboard_memo", {})
    if key not in memo:
        memo[key] = build()
    return memo[key]
