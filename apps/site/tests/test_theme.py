"""The admin theme: the workspace's colour as unfold's palette with readable text on it
(apps.site.theme), the sidebar by task from the navigation registry
(apps.core.admin_navigation), and the language switch that the account remembers."""

from __future__ import annotations

import random
import re

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from apps.core.admin_navigation import MORE, admin_navigation, admin_section
from apps.core.admin_sites import ops_admin, tenant_admin
from apps.site.theme import (
    DARK_BACKGROUND,
    MIN_CONTRAST,
    PLATFORM_PRIMARY,
    WHITE,
    contrast_ratio,
    primary_palette,
    text_colour_on,
)
from tests.admin_pages import tenant_admin_client
from tests.plugin import client_for, hq_client

SAMPLES = ["#1d4ed8", "#123456", "#ffd400", "#0f766e", "#f59e0b", "#ffffff", "#000000", "#777777", "#e11d48",
           "#22c55e", "#a855f7", "#fde68a", "#0ea5e9", "#84cc16"]
random.seed(10)
SAMPLES += [f"#{random.randrange(0x1000000):06x}" for _ in range(40)]


# --- colours -----------------------------------------------------------------------------


def test_contrast_ratio_is_wcag():
    assert contrast_ratio("#ffffff", "#000000") == pytest.approx(21)
    assert contrast_ratio("#777777", "#ffffff") == pytest.approx(4.48, abs=0.01)
    assert contrast_ratio("#1d4ed8", "#1d4ed8") == pytest.approx(1)


@pytest.mark.parametrize("brand", SAMPLES)
def test_every_brand_colour_gives_readable_shades(brand):
    palette = primary_palette(brand)
    assert list(palette) == ["50", "100", "200", "300", "400", "500", "600", "700", "800", "900", "950"]
    for shade in ("600", "700", "800", "900", "950"):  # white text on them, them as text on white
        assert contrast_ratio(WHITE, palette[shade]) >= MIN_CONTRAST, (brand, shade, palette[shade])
    for shade in ("400", "500"):  # links in dark mode
        assert contrast_ratio(DARK_BACKGROUND, palette[shade]) >= MIN_CONTRAST, (brand, shade, palette[shade])
    assert contrast_ratio(text_colour_on(brand), brand) >= MIN_CONTRAST


def test_the_brand_colour_itself_is_in_the_palette():
    assert primary_palette("#1d4ed8")["600"] == "#1d4ed8"  # dark enough for white text: the buttons' colour
    light = primary_palette("#ffd400")
    assert "#ffd400" in light.values() and light["600"] != "#ffd400"  # too light: kept, buttons darker
    assert text_colour_on("#ffd400") != WHITE and text_colour_on("#123456") == WHITE


# --- the workspace's brand in its admin ------------------------------------------------------


def _css_var(html: str, name: str) -> str:
    match = re.search(rf"{re.escape(name)}:\s*([^;]+);", html)
    assert match, f"{name} not in the page"
    return match.group(1).strip()


@pytest.mark.parametrize("colour", ["#0f766e", "#ffd400"])
def test_tenant_admin_css_carries_the_workspace_colour_with_readable_text(tenant_alpha, owner_alpha, colour):
    from apps.workspace.services import branding_forget, workspace_settings_update

    with schema_context("alpha"):
        workspace_settings_update(actor=owner_alpha, primary_color=colour, display_name="Alpha Hagwon")
    branding_forget(tenant=tenant_alpha)
    try:
        html = tenant_admin_client("owner@alpha.test").get("/admin/").content.decode()
    finally:
        connection.set_schema_to_public()
        branding_forget(tenant=tenant_alpha)
    assert "Alpha Hagwon" in html
    assert _css_var(html, "--brand-primary") == colour
    on_primary = _css_var(html, "--brand-on-primary")
    assert contrast_ratio(on_primary, colour) >= MIN_CONTRAST
    button = _css_var(html, "--color-primary-600")  # unfold's buttons: white text on it
    assert contrast_ratio(WHITE, button) >= MIN_CONTRAST
    assert colour in re.findall(r"--color-primary-\d+:\s*(#[0-9a-f]{6});", html)
    assert PLATFORM_PRIMARY not in html and "favicon.svg" not in html  # nothing of the platform's look
    assert 'rel="icon"' in html and "data:image/svg+xml" in html  # its initial on its colour
    assert 'id="platform-footer"' in html


def test_ops_portal_has_the_platforms_neutral_look(db):
    html = hq_client().get("/admin/").content.decode()
    from unfold.utils import convert_color  # the settings' palette goes through unfold: rgb(...)

    assert _css_var(html, "--color-primary-600") == convert_color(primary_palette(PLATFORM_PRIMARY)["600"])
    assert "--brand-primary" not in html and 'id="platform-footer"' not in html


# --- the sidebar -------------------------------------------------------------------------------


def _sidebar(response) -> dict[str, list[str]]:
    return {str(group["title"]): [str(item["title"]) for item in group["items"] if item["has_permission"]]
            for group in response.context["sidebar_navigation"]}


def test_sidebars_are_grouped_by_task(tenant_alpha):
    ops = _sidebar(hq_client().get("/admin/"))
    assert list(ops)[1:] == ["Tenants", "Billing", "Settlement", "Platform", "Security"]
    assert ops["Tenants"][:3] == ["Tenants", "Onboarding board", "Domains"] and "Audit log" in ops["Security"]
    owner = _sidebar(tenant_admin_client("owner@alpha.test").get("/admin/"))
    assert list(owner)[1:] == ["Customers", "Academy", "Sales", "Catalog", "Team", "Branches", "Billing", "Settings"]
    assert owner["Team"] == ["Staff", "Invitations", "Roles", "Permission matrix"]
    assert owner["Billing"] == ["Plan and usage", "Invoices", "Settlements", "Add-ons"]  # the owner's


def test_a_role_sees_only_what_it_may_open(tenant_alpha):
    from tests.workspace import make_staff

    make_staff("alpha", "theme-teacher@alpha.test", ["teacher"])
    connection.set_schema_to_public()
    client = tenant_admin_client("theme-teacher@alpha.test")
    response = client.get("/admin/")
    sidebar = _sidebar(response)
    assert "Billing" not in sidebar  # owner only
    shown = [item for group in response.context["sidebar_navigation"] for item in group["items"]]
    assert shown and all(client.get(item["link"]).status_code in (200, 302) for item in shown)
    visible_models = {entry["admin_url"] for app in tenant_admin.get_app_list(response.wsgi_request)
                      for entry in app["models"]}
    assert {item["link"] for item in shown if item["link"] != "/admin/"} <= visible_models | {
        "/admin/rbac/role/matrix/"}


@pytest.mark.parametrize("site", [ops_admin, tenant_admin], ids=["ops", "tenant"])
def test_every_registered_model_has_a_place_in_the_sidebar(site):
    unplaced = set(site._registry) - site.navigation.placed_models()
    assert not unplaced, f"add them with admin_navigation in their admin.py: {unplaced}"


def test_a_module_adds_its_own_section_without_editing_a_list(tenant_alpha, monkeypatch):
    """What a business module (classes, orders) does in its admin.py."""
    from apps.core.admin_navigation import Navigation
    from apps.crm.models import Tag

    navigation = Navigation()
    navigation.sections = dict(tenant_admin.navigation.sections)
    navigation.items = list(tenant_admin.navigation.items)
    monkeypatch.setattr(tenant_admin, "navigation", navigation)
    admin_section(tenant_admin, "classes", "Classes", order=15, icon="school")
    admin_navigation(tenant_admin, "classes", url_name="rbac_role_matrix", title="Timetable", icon="event",
                     permission=lambda request: True)
    admin_navigation(tenant_admin, "classes", model=Tag, title="Course tags", icon="label", order=5)
    sidebar = _sidebar(tenant_admin_client("owner@alpha.test").get("/admin/"))
    assert list(sidebar)[1:3] == ["Customers", "Classes"] and sidebar["Classes"] == ["Course tags", "Timetable"]
    admin_navigation(tenant_admin, "nowhere", url_name="index", title="Lost")
    with pytest.raises(LookupError):
        tenant_admin_client("owner@alpha.test").get("/admin/")


def test_the_current_page_is_the_one_marked(tenant_alpha):
    response = tenant_admin_client("owner@alpha.test").get("/admin/rbac/role/matrix/")
    active = [str(item["title"]) for group in response.context["sidebar_navigation"] for item in group["items"]
              if item["active"]]
    assert active == ["Permission matrix"]  # not "Roles", whose address it starts with


def test_the_more_section_stays_empty(tenant_alpha):
    for response in (hq_client().get("/admin/"), tenant_admin_client("owner@alpha.test").get("/admin/")):
        assert MORE not in [group["key"] for group in response.context["sidebar_navigation"]]


# --- the language switch ------------------------------------------------------------------


def test_the_language_switch_is_remembered(tenant_alpha, owner_alpha):
    client = tenant_admin_client("owner@alpha.test")
    page = client.get("/admin/").content.decode()
    assert 'action="/i18n/setlang/"' in page and 'name="language" type="hidden" value="ko"' in page
    response = client.post("/i18n/setlang/", {"language": "ko", "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    owner_alpha.refresh_from_db()
    assert owner_alpha.language == "ko"
    assert "고객" in client.get("/admin/").content.decode()
    # another browser: the log-in brings the account's language along
    other = client_for("alpha")
    login = other.post("/admin/login/?next=/admin/", {"username": "owner@alpha.test", "password": "Test-pass-2026!"})
    assert login.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"


def test_the_switch_on_the_public_host_and_for_strangers(db, hq_user):
    anonymous = client_for(None).post("/i18n/setlang/", {"language": "ko", "next": "/"})
    assert anonymous.status_code == 302 and anonymous.cookies[settings.LANGUAGE_COOKIE_NAME].value == "ko"
    client = hq_client()
    client.post("/i18n/setlang/", {"language": "xx", "next": "/admin/"})  # unknown: nothing saved
    hq_user.refresh_from_db()
    assert hq_user.language == ""
    client.post("/i18n/setlang/", {"language": "en", "next": "/admin/"})
    hq_user.refresh_from_db()
    assert hq_user.language == "en"
