"""The owner's "Export data" page and a customer's "Download personal data", in a real
browser (Playwright + Debian Chromium), in English and Korean, at 1280x800 and at a
phone's 390x844, with a real Celery worker building the export.

Each run: the page under Settings in the sidebar; "Prepare export" (what the zip holds,
then the button); the list refreshes itself until the worker is done and shows the
export ready with its download link; the link downloads a zip with the workspace's rows;
on a customer's page "Download personal data" downloads that customer's zip.
Screenshots: test-artifacts/export-<step>-<lang>-<width>.png."""

from __future__ import annotations

import io
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django_tenants.utils import schema_context

from apps.workspace.tests.export_seed import seed
from tests.browser import screens
from tests.browser.screens import RUNS
from tests.plugin import PASSWORD, Committed, create_provisioned

pytestmark = [pytest.mark.browser, pytest.mark.worker]

SLUG = "export-ui"
SCHEMA = SLUG.replace("-", "_")
OWNER = f"owner@{SLUG}.test"
MARK = "UIMARK"
LOCALES = {"en": "en-US", "ko": "ko-KR"}
VIEWPORTS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+:(?:view|add|change|delete|export)\b")
WORDS = {
    "en": {"title": "Data exports", "menu": "Export data", "prepare": "Prepare export", "ready": "Ready",
           "download": "Download zip", "personal": "Download personal data", "queued": "being prepared",
           "holds": "customers with their"},
    "ko": {"title": "데이터 내보내기", "menu": "데이터 내보내기", "prepare": "내보내기 준비", "ready": "준비됨",
           "download": "zip 내려받기", "personal": "개인정보 내려받기", "queued": "준비하고 있습니다",
           "holds": "보호자를 포함한 고객"},
}


def host_url(live_server_url, path="/admin/"):
    return live_server_url.format(host=f"{SLUG}.localhost") + path


@pytest.fixture(scope="module")
def workspace(platform_seed, django_db_blocker):
    from apps.accounts.models import User

    helper = Committed()
    with django_db_blocker.unblock():
        helper.tenant_slug(SLUG)
        helper.email(OWNER)
        try:
            create_provisioned(slug=SLUG, name="Export Academy", business_type="academy", owner_email=OWNER)
            owner = User.objects.get(email=OWNER)
            owner.set_password(PASSWORD)
            owner.save()
            with schema_context(SCHEMA):
                made = seed(MARK, academy=True)
            connection.set_schema_to_public()
            yield made
        finally:
            connection.set_schema_to_public()
            helper.cleanup()
            shutil.rmtree(Path(settings.EXPORTS_ROOT) / SCHEMA, ignore_errors=True)


def log_in(browser, live_server_url, language, width):
    context = browser.new_context(locale=LOCALES[language], viewport=VIEWPORTS[width], accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(20000)
    page.goto(host_url(live_server_url))
    page.fill("input[name=username]", OWNER)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")
    return page


def reveal(page, selector: str):
    """An action of the page's header; on a phone unfold folds them behind a "more" button."""
    action = page.locator(selector).first
    if not action.is_visible():
        page.locator("a[href='#']:has(.material-symbols-outlined:text-is('more_horiz'))").first.click()
        action.wait_for(state="visible")
    return action


def downloaded_zip(page, click) -> dict[str, str]:
    with page.expect_download() as info:
        click()
    path = info.value.path()
    with zipfile.ZipFile(io.BytesIO(Path(path).read_bytes())) as archive:
        return {name: archive.read(name).decode("utf-8-sig") for name in archive.namelist()}


@pytest.mark.parametrize("run", RUNS, ids=[f"{language}-{width}" for language, width in RUNS])
def test_owner_prepares_and_downloads_exports(browser, live_server_url, celery_worker_process, workspace, run):
    language, width = run
    words = WORDS[language]
    page = log_in(browser, live_server_url, language, width)
    try:
        page.goto(host_url(live_server_url, "/admin/workspace/dataexport/"))
        page.wait_for_selector("#content")
        assert words["title"] in page.inner_text("body")
        menu = page.locator("#nav-sidebar a[href$='/admin/workspace/dataexport/'], aside a[href$='/admin/workspace/"
                            "dataexport/']").first  # under Settings in the sidebar (folded away on a phone)
        assert words["menu"] in menu.text_content()
        screens.no_raw_codes(page, pattern=RAW_CODE)
        screens.shoot(page, f"export-list-{language}-{width}")

        reveal(page, "a[href$='/admin/workspace/dataexport/prepare/']").click()
        page.wait_for_selector("#export-prepare-form")
        assert words["holds"] in page.inner_text("#export-prepare")
        screens.shoot(page, f"export-prepare-{language}-{width}")
        page.click("#export-prepare-form button[type=submit]")
        page.wait_for_selector("#result_list, .messagelist, [data-export-download]")
        assert words["queued"] in page.inner_text("body")

        # the page looks again by itself while the worker builds the export; the newest is first
        newest = page.locator("#result_list tbody tr").first.locator("[data-export-download]")
        for _ in range(30):
            if newest.count():
                break
            page.wait_for_timeout(2000)
            page.goto(host_url(live_server_url, "/admin/workspace/dataexport/"))
        assert newest.count(), "the export did not become ready"
        assert words["ready"].lower() in page.inner_text("#result_list").lower()  # a badge (upper case)
        screens.no_raw_codes(page, pattern=RAW_CODE)
        screens.shoot(page, f"export-ready-{language}-{width}")
        assert words["download"] in newest.inner_text()
        files = downloaded_zip(page, newest.click)
        manifest = json.loads(files["manifest.json"])
        assert manifest["workspace"] == SLUG and f"{MARK} First Customer" in files["crm/customers.csv"]

        customer = workspace["first"]
        page.goto(host_url(live_server_url, f"/admin/crm/customer/{customer.pk}/change/"))
        action = reveal(page, "a[href$='/personal-data/']")
        assert words["personal"] in action.inner_text()
        screens.shoot(page, f"export-customer-{language}-{width}")
        personal = downloaded_zip(page, lambda: action.click())
        document = json.loads(personal["personal-data.json"])
        assert [row["id"] for row in document["data"]["crm/customers"]] == [customer.pk]
        assert "SECOND-ONLY" not in "\n".join(personal.values())
    finally:
        page.context.close()
