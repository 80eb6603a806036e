"""The admin sites' sidebar: pages grouped by task ("Customers", "Team", "Billing"), not by app.

Nobody edits a central list:
- the composition root declares each site's usual sections (apps.site.navigation); a module
  that brings a new task (classes, orders) declares its own the same way, `admin_section`;
- each app adds its pages next to the ModelAdmins it registers, in its admin.py:

      admin_navigation(tenant_admin, "customers", model=Customer, icon="person", order=10)
      admin_navigation(tenant_admin, "team", url_name="rbac_role_matrix", title=_("Permission matrix"),
                       icon="grid_on", order=40, permission=lambda request: request.user.has_perm("rbac.view_role"))

  `model=`: the model's list page, shown when its ModelAdmin lets the user see it (Django's
  own app list decides, so `has_module_permission` and the view permission count);
  `url_name=`: a page of the site (a name in its URL namespace), shown when
  `permission(request)` says so (always, without one).
Per request the site builds django-unfold's sidebar from it (`sidebar`): sections in their
order, each with the items the user may open; a section left empty is not shown. A model
registered on the site that no item places lands under "More", so that nothing goes
missing (apps.site's tests keep that section empty).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

MORE = "more"


@dataclass(frozen=True)
class Section:
    key: str
    title: Any  # a (lazy) translated string
    order: int
    icon: str = ""


@dataclass(frozen=True)
class Item:
    section: str
    order: int
    icon: str
    title: Any = None  # default: the model's verbose_name_plural
    model: type | None = None
    url_name: str | None = None
    permission: Callable[[Any], bool] | None = None


class Navigation:
    """One site's sections and items (the site's `navigation`)."""

    def __init__(self):
        self.sections: dict[str, Section] = {}
        self.items: list[Item] = []
        self.subpages: set = set()  # models whose pages are reached from another page only

    def section(self, key: str, title, *, order: int, icon: str = "") -> Section:
        self.sections[key] = Section(key=key, title=title, order=order, icon=icon)
        return self.sections[key]

    def add(self, section: str, *, model=None, url_name: str | None = None, title=None, icon: str = "",
            order: int = 100, permission: Callable[[Any], bool] | None = None) -> Item:
        if (model is None) == (url_name is None):
            raise ValueError("a navigation item is either a model's list page or a named page")
        item = Item(section=section, order=order, icon=icon, title=title, model=model, url_name=url_name,
                    permission=permission)
        self.items.append(item)
        return item

    def placed_models(self) -> set:
        return {item.model for item in self.items if item.model is not None} | self.subpages

    def sidebar(self, site, request) -> list[dict]:
        """django-unfold's SIDEBAR["navigation"] for this request: a home link, then each
        section with the items this user may open (`active`: the page shown, by the
        longest matching link)."""
        visible = {entry["model"]: entry for app in site.get_app_list(request) for entry in app["models"]
                   if entry.get("admin_url")}
        unknown = {item.section for item in self.items} - set(self.sections)
        if unknown:
            raise LookupError(f"{site.name}: navigation items in undeclared sections {sorted(unknown)}")
        groups = [{"key": "home", "title": "", "items": [
            {"title": _("Dashboard"), "icon": "dashboard", "link": reverse(f"{site.name}:index")}]}]
        sections = sorted(self.sections.values(), key=lambda s: (s.order, str(s.title)))
        for section in sections:
            entries = []
            for item in sorted((i for i in self.items if i.section == section.key), key=lambda i: i.order):
                entry = self._entry(site, request, item, visible)
                if entry is not None:
                    entries.append(entry)
            groups.append({"key": section.key, "title": section.title, "icon": section.icon, "items": entries})
        placed = self.placed_models()
        leftovers = sorted((entry for model, entry in visible.items() if model not in placed),
                           key=lambda entry: str(entry["name"]))
        groups.append({"key": MORE, "title": _("More"), "icon": "more_horiz",
                       "items": [{"title": entry["name"], "icon": "chevron_right", "link": entry["admin_url"]}
                                 for entry in leftovers]})
        groups = [group for group in groups if group["items"]]
        _mark_active(groups, request.path, reverse(f"{site.name}:index"))
        return groups

    @staticmethod
    def _entry(site, request, item: Item, visible: dict) -> dict | None:
        if item.model is not None:
            entry = visible.get(item.model)
            if entry is None:
                return None
            title = item.title or capfirst(item.model._meta.verbose_name_plural)
            return {"title": title, "icon": item.icon, "link": entry["admin_url"]}
        if item.permission is not None and not item.permission(request):
            return None
        return {"title": item.title, "icon": item.icon, "link": reverse(f"{site.name}:{item.url_name}")}


def _mark_active(groups: list[dict], path: str, index: str) -> None:
    """The one item for the page shown: the longest link the path starts with (the
    dashboard only on itself), so that /rbac/role/matrix/ is the matrix, not the roles."""
    best = None
    for group in groups:
        for entry in group["items"]:
            entry["active"] = False
            link = str(entry["link"])
            matches = path == link if link == index else path.startswith(link)
            if matches and (best is None or len(link) > len(str(best["link"]))):
                best = entry
    if best is not None:
        best["active"] = True


def admin_section(site, key: str, title, *, order: int, icon: str = "") -> Section:
    """Declare a sidebar section of `site` (a task: "Customers", "Classes", "Orders")."""
    return site.navigation.section(key, title, order=order, icon=icon)


def admin_navigation(site, section: str, **item) -> Item:
    """Add a page to a section of `site`'s sidebar (see the module's docstring)."""
    return site.navigation.add(section, **item)


def admin_subpage(site, model) -> None:
    """`model`'s pages belong to another page (an item's option groups, opened from the
    item): deliberately not in the sidebar."""
    site.navigation.subpages.add(model)
