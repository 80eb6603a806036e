"""Settings > Domains in the tenant admin, in a real browser (Playwright + Debian
Chromium), in English and Korean, at 1280x800 and at a phone's 390x844: the list with
each domain's status and the DNS records to publish, and a pending domain's page with its
TXT record and CNAME target. Screenshots: test-artifacts/domains-<step>-<lang>-<width>.png."""

from __future__ import annotations

import re

import pytest
from django.db import connection

from tests.browser import screens
from tests.browser.screens import RUNS
from tests.plugin import PASSWORD, Committed, create_provisioned

pytestmark = [pytest.mark.browser]

SLUG = "domains-ui"
OWNER = f"owner@{SLUG}.test"
PENDING = "shop.domains-ui-example.org"
VERIFIED = "www.domains-ui-example.org"
WORDS = {"en": {"title": "Domains", "pending": "Waiting for DNS", "verified": "Verified", "records": "DNS records"},
         "ko": {"title": "도메인", "pending": "DNS 확인 대기 중", "verified": "확인됨", "records": "DNS 레코드"}}
# Host names and tokens are data, not codes: only status-like snake_case words count.
RAW_CODE = re.compile(r"\b(?:pending|verified|failing|disabled)\b|\b[a-z]+:(?:view|add|change|delete)\b")


@pytest.fixture(scope="module")
def workspace(platform_seed, django_db_blocker):
    from apps.accounts.models import User
    from apps.tenants.domains import custom_domain_add
    from apps.tenants.models import Domain
    from apps.tenants.routing import routing_forget

    helper = Committed()
    with django_db_blocker.unblock():
        helper.tenant_slug(SLUG)
        helper.email(OWNER)
        try:
            tenant = create_provisioned(slug=SLUG, name="Domains Academy", business_type="academy",
                                        owner_email=OWNER)
            owner = User.objects.get(email=OWNER)
            owner.set_password(PASSWORD)
            owner.save()
            pending = custom_domain_add(tenant=tenant, hostname=PENDING)
            verified = custom_domain_add(tenant=tenant, hostname=VERIFIED)
            Domain.objects.filter(pk=verified.pk).update(status=Domain.Status.VERIFIED)  # as if DNS had it
            routing_forget(hosts=[VERIFIED])
            connection.set_schema_to_public()
            yield pending
        finally:
            connection.set_schema_to_public()
            helper.cleanup()


@pytest.mark.parametrize("run", RUNS, ids=[f"{language}-{width}" for language, width in RUNS])
def test_the_owner_sees_domains_with_their_dns_records(browser, live_server_url, workspace, run):
    language, width = run
    words = WORDS[language]
    page = screens.new_page(browser, language, width)
    base = live_server_url.format(host=f"{SLUG}.localhost")
    try:
        page.goto(base + "/admin/")
        page.fill("input[name=username]", OWNER)
        page.fill("input[name=password]", PASSWORD)
        page.click("input[type=submit]")
        page.wait_for_selector("#dashboard")
        page.goto(base + "/admin/tenants/domain/")
        page.wait_for_selector("#result_list")
        text = screens.no_raw_codes(page, pattern=RAW_CODE)
        assert words["title"] in page.inner_text("body")
        for expected in (PENDING, VERIFIED, f"{SLUG}.localhost", words["pending"], words["verified"],
                         f"_platform-verify.{PENDING}", workspace.verification_token):
            assert expected.lower() in text.lower(), expected
        screens.shoot(page, f"domains-list-{language}-{width}")

        page.goto(base + f"/admin/tenants/domain/{workspace.pk}/change/")
        page.wait_for_selector("#content")
        text = screens.no_raw_codes(page, pattern=RAW_CODE)
        assert words["records"] in text and workspace.verification_token in text and "domains.localhost" in text
        screens.shoot(page, f"domains-detail-{language}-{width}")
    finally:
        page.context.close()
