"""What a workspace hears and tells, in a real browser (Playwright + Debian Chromium), in
English and Korean, at 1280x800 and at a phone's 390x844: HQ's announcements, the message
templates, the deliveries and the sandbox texts of notifications, and webhooks.

One café workspace, provisioned once for the module, committed for the web server: its
default message templates (a provisioning step) plus texts by SMS, two diners (one reads
Korean, one English) whose orders were told to them by e-mail, in the app and by text
(events dispatched in this process), and an old webhook endpoint whose receiver answered
"410 Gone" (so it was disabled and its message failed). Each run then walks:

1. as the owner, in the workspace admin: HQ's announcement of this run at the top, in the
   page's language with its line breaks; "Dismiss" -> gone, and still gone after a reload;
2. the message templates: events, audiences and channels as words; one template with its
   preview; a body with a syntax error is refused naming the line, the database unchanged;
3. the deliveries (channels and statuses as words) and one of them, its body in lines as
   the customer got it; the sandbox texts;
4. webhooks: a new endpoint -> its signing secret shown once on its own page, "Copy" puts
   it on the clipboard -> "Done" -> the list; the endpoint's page has the secret's end only;
5. as HQ, in the ops portal: the dashboard's card of what workspaces could not send (this
   café's failed webhook message and disabled endpoint); a new announcement in English
   and Korean, saved (its page previews the banner in both languages), then published.

At 1280 px the lists keep every column in view (no scrolling inside the table).

Assertions are on what a person sees, in the page's language (never a raw code such as
"in_app" or "order_created"). Screenshots: test-artifacts/events-<step>-<lang>-<width>.png."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django.utils import timezone
from django_tenants.utils import schema_context, tenant_context

from tests.browser.screens import RUN_IDS, RUNS
from tests.plugin import ARTIFACTS, HQ_EMAIL, PASSWORD, Committed, browser_hq_login, create_provisioned

pytestmark = pytest.mark.browser

SLUG = "events-ui"
SCHEMA = SLUG.replace("-", "_")
CAFE = "Café Dal"
OWNER = f"owner@{SLUG}.test"
DINERS = {"ko": f"seoyeon@{SLUG}.test", "en": f"james@{SLUG}.test"}
DINER_NAMES = {"ko": "박서연", "en": "James Carter"}
PHONES = {"ko": "010-2345-6789", "en": "010-9876-5432"}
LOCALES = {"en": "en-US", "ko": "ko-KR"}
VIEWPORTS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
# snake_case values and dotted event names: codes, never what a person should read
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b(?:order|payment|refund)\.[a-z_]+\b")
SIGNING_SECRET = re.compile(r"whsec_[A-Za-z0-9+/=]+")
JINJA = re.compile(r"\{\{.*?\}\}|\{%.*?%\}", re.S)
# a body whose {% if %} is never closed: refused, naming the line
BROKEN_BODY = {"en": "Hello {{ customer.name }},\n{% if order.number %}your order is in",
               "ko": "{{ customer.name }}님,\n{% if order.number %}주문이 접수되었습니다"}

WORDS = {
    "en": {
        "event": "Order placed", "audience": {"customer": "The customer", "staff": "Staff"},
        "channel": {"email": "E-mail", "in_app": "In-app", "sms": "SMS"}, "sent": "Sent",
        "preview": "Preview", "line": "Line 2:",
        "secret_title": "Copy the signing secret now", "done": "Done", "disabled": "Disabled since", "active": "Active",
        "outbound": "Messages workspaces could not send (7 days)", "published": "Published",
        "sms_text": "Your order #{number} is in. See you soon!",
        "hook": "Kitchen display", "copied": "Copied", "preview_title": "How the workspaces' admin shows it",
    },
    "ko": {
        "event": "주문 접수", "audience": {"customer": "해당 고객", "staff": "직원"},
        "channel": {"email": "이메일", "in_app": "앱 알림", "sms": "문자(SMS)"}, "sent": "발송됨",
        "preview": "미리보기", "line": "2번째 줄:",
        "secret_title": "지금 서명 시크릿을 복사하세요", "done": "완료", "disabled": "사용 중지됨", "active": "활성",
        "outbound": "워크스페이스가 보내지 못한 메시지 (7일)", "published": "게시",
        "sms_text": "주문 #{number}이(가) 접수되었습니다. 곧 만나요!",
        "hook": "주방 모니터", "copied": "복사됨", "preview_title": "워크스페이스 관리자 화면에 보이는 모습",
    },
}


def tenant_url(live_server_url, path="/admin/"):
    return live_server_url.format(host=f"{SLUG}.localhost") + path


def hq_url(live_server_url, path="/admin/"):
    return live_server_url.format(host="localhost") + path


def shoot(page, step, language, width, *, full_page=True):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{step} ({language}, {width}): the page scrolls sideways by {overflow}px"
    page.screenshot(path=str(ARTIFACTS / f"events-{step}-{language}-{width}.png"), full_page=full_page)


def table_overflow(page) -> float:
    """How far the list's table reaches past the box it scrolls in (0: every column in view)."""
    return page.evaluate("""() => {
        const table = document.querySelector('#result_list');
        let box = table.parentElement;
        while (box && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
        return box ? table.getBoundingClientRect().width - box.clientWidth : 0;
    }""")


def no_raw_codes(page, where="#content", *, allow=()):
    text = page.inner_text(where)
    shown = JINJA.sub("", text)  # a template's own {{ order.number }} is what its author wrote
    shown = SIGNING_SECRET.sub("", shown)  # a secret shown once (random: "whsec_go..." is no code)
    icons = set(page.eval_on_selector_all(  # Material Symbols are ligatures: "check_small" draws a tick
        f"{where} .material-symbols-outlined", "els => els.map(el => el.textContent.trim())"))
    found = sorted(set(RAW_CODE.findall(shown)) - icons - set(allow))
    assert not found, f"raw codes on {page.url}: {found}"
    return text.casefold()  # badges are set in capitals by CSS: compare words case-blind


def in_cafe(function, *args, **kwargs):
    with schema_context(SCHEMA):
        result = function(*args, **kwargs)
    connection.set_schema_to_public()
    return result


# --- The workspace and what it has sent ----------------------------------------------------------


@pytest.fixture(scope="module")
def cafe(platform_seed, django_db_blocker, webhook_receiver_process):
    """The café, once for the module, committed for the web server and removed after.
    Events are dispatched and messages sent in this process (Celery's eager mode), as a
    worker would: e-mail, in-app, SMS to the sandbox, and the webhook to a receiver that
    verifies the signature and answers 410 Gone."""
    from apps.accounts.models import User
    from apps.announcements.models import Announcement
    from apps.branches.models import Branch
    from apps.catalog.services import item_create
    from apps.consumers.services import consumer_register
    from apps.core.tasks_inline import tasks_in_process
    from apps.directory.models import Listing
    from apps.notifications.services import template_create
    from apps.orders.services import order_create
    from apps.webhooks.services import endpoint_create
    from apps.workspace.services import workspace_settings_update

    receiver = webhook_receiver_process
    started = timezone.now()
    helper = Committed()
    with django_db_blocker.unblock():
        helper.tenant_slug(SLUG)
        for email in (OWNER, *DINERS.values()):
            helper.email(email)
        try:
            tenant = create_provisioned(slug=SLUG, name=CAFE, business_type="food", owner_email=OWNER)
            connection.set_schema_to_public()
            owner = User.objects.get(email=OWNER)
            owner.set_password(PASSWORD)
            owner.save()
            with tenant_context(tenant):
                workspace_settings_update(actor=owner, notify_sms=True)
                for language in ("en", "ko"):
                    template_create(actor=owner, event="order.created", channel="sms", language=language,
                                    body=WORDS[language]["sms_text"].format(number="{{ order.number }}"))
                latte = item_create(actor=owner, kind="menu_item", name="흑임자 라떼", price=6500)
                counter = Branch.objects.create(name="본점")  # a café's orders name their branch
                _old, secret = endpoint_create(url=receiver.url + "/old-pos", events=["order.created"],
                                              description="Old POS", actor=owner)
            receiver.reset(secrets=[secret], status=410)
            orders = {}
            with tasks_in_process():
                for language, email in DINERS.items():
                    registration = consumer_register(
                        tenant=tenant, email=email, password=PASSWORD, name=DINER_NAMES[language],
                        phone=PHONES[language], language=language,
                        consents={"terms": True, "privacy": True, "marketing": False})
                    with tenant_context(tenant):
                        orders[language] = order_create(
                            customer=registration.customer, lines=[{"item": latte.pk, "quantity": 2}],
                            fulfilment="pickup", branch=counter, actor=registration.user,
                            idempotency_key=uuid.uuid4().hex, idempotency_scope="browser-events")
            assert [r["answered"] for r in receiver.received()] == [410], receiver.received()
            connection.set_schema_to_public()
            yield {"tenant": tenant, "owner": owner, "orders": orders}
        finally:
            connection.set_schema_to_public()
            Announcement.objects.filter(created_at__gte=started).delete()  # the runs' and HQ's
            Listing.objects.filter(tenant__slug=SLUG).delete()
            helper.cleanup()


@pytest.fixture
def run(cafe, request):
    """This run's own announcement from HQ, published (each run dismisses its own)."""
    from apps.accounts.models import User
    from apps.announcements.models import Announcement
    from apps.announcements.services import announcement_publish

    language, width = request.param
    announcement = Announcement.objects.create(
        title="Card payments pause on Sunday 02:00-03:00", title_ko="일요일 02:00~03:00 카드 결제 점검",
        body="Card payments pause for an hour while the payment provider upgrades.\nCash and transfers work.",
        body_ko="결제 대행사 점검으로 한 시간 동안 카드 결제가 멈춥니다.\n현금과 계좌이체는 됩니다.",
        level="warning" if width == 390 else "info")
    announcement_publish(announcement=announcement, actor=User.objects.get(email=HQ_EMAIL))
    return {**cafe, "announcement": announcement, "language": language, "width": width}


# --- The walk ------------------------------------------------------------------------------------------


def new_page(browser, language, width):
    context = browser.new_context(locale=LOCALES[language], viewport=VIEWPORTS[width])
    context.grant_permissions(["clipboard-read", "clipboard-write"])  # the secret's Copy button
    page = context.new_page()
    page.set_default_timeout(15000)
    return page


def log_in(browser, live_server_url, language, width):
    page = new_page(browser, language, width)
    page.goto(tenant_url(live_server_url))
    page.fill("input[name=username]", OWNER)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")
    return page


@pytest.mark.parametrize("run", RUNS, ids=RUN_IDS, indirect=True)
def test_the_owner_hears_from_hq_and_tells_customers_and_systems(browser, live_server_url, run):
    from apps.announcements.models import Dismissal
    from apps.notifications.models import Delivery, NotificationTemplate
    from apps.webhooks.models import SigningSecret, WebhookEndpoint

    language, width = run["language"], run["width"]
    words = WORDS[language]
    announcement = run["announcement"]
    page = log_in(browser, live_server_url, language, width)
    try:
        # 1. HQ's announcement, in the page's language; dismissed, it stays gone
        banner = page.locator(f"#announcement-{announcement.pk}")
        text = banner.inner_text()
        assert announcement.title_in(language) in text and announcement.body_in(language) in text, text
        assert announcement.title_in("ko" if language == "en" else "en") not in text
        assert "\n" in banner.locator(".announcement-body").inner_text()  # the body's own line break
        shoot(page, "banner", language, width)
        banner.locator("button.announcement-dismiss").click()
        page.wait_for_selector("#dashboard")
        assert page.locator(f"#announcement-{announcement.pk}").count() == 0
        page.reload()
        page.wait_for_selector("#dashboard")
        assert page.locator(f"#announcement-{announcement.pk}").count() == 0
        assert Dismissal.objects.filter(announcement=announcement, user=run["owner"]).exists()

        # 2. the message templates: words, not codes; one with its preview; a broken body refused
        page.goto(tenant_url(live_server_url, "/admin/notifications/notificationtemplate/"))
        page.wait_for_selector("#result_list")
        text = no_raw_codes(page)
        for label in (words["event"], *words["audience"].values(), *words["channel"].values()):
            assert label.casefold() in text, label
        shoot(page, "templates", language, width)
        if width == 1280:
            assert table_overflow(page) <= 1, "the templates' last columns are out of sight"
        template = in_cafe(lambda: NotificationTemplate.objects.get(
            event="order.created", audience="customer", channel="email", language=language))
        page.goto(tenant_url(live_server_url, f"/admin/notifications/notificationtemplate/{template.pk}/change/"))
        page.wait_for_selector("textarea[name=body]")
        text = no_raw_codes(page)
        preview = page.locator("fieldset.module").filter(has_text=words["preview"]).last.inner_text()
        assert "Kim Jihoon" in preview and "#1042" in preview and "Bibimbap" in preview, preview
        assert "{{" not in preview
        shoot(page, "template", language, width)
        page.fill("textarea[name=body]", BROKEN_BODY[language])
        page.click("[name=_save]")
        page.wait_for_selector(".errorlist")
        errors = page.locator(".field-body .errorlist, .errorlist").first.inner_text()
        assert words["line"] in errors, errors
        assert page.input_value("textarea[name=body]") == BROKEN_BODY[language]
        assert in_cafe(lambda: NotificationTemplate.objects.get(pk=template.pk).body) == template.body
        shoot(page, "template-error", language, width)

        # 3. the deliveries: channels and statuses as words; one of them; the sandbox texts
        page.goto(tenant_url(live_server_url, "/admin/notifications/delivery/"))
        page.wait_for_selector("#result_list")
        text = no_raw_codes(page)
        for label in (words["event"], *words["channel"].values(), words["sent"]):
            assert label.casefold() in text, label
        deliveries = in_cafe(lambda: list(Delivery.objects.values_list("channel", "status")))
        assert {status for _channel, status in deliveries} == {"sent"}, deliveries
        mine = in_cafe(lambda: Delivery.objects.get(customer__name=DINER_NAMES[language], channel="email"))
        row = page.locator(f"#result_list tr:has(a[href$='/notifications/delivery/{mine.pk}/change/'])")
        row_text = row.inner_text().casefold()
        assert DINER_NAMES[language].casefold() in row_text and words["channel"]["email"].casefold() in row_text
        if width == 1280:
            assert table_overflow(page) <= 1, "the deliveries' last columns are out of sight"
        shoot(page, "deliveries", language, width)
        row.locator(f"a[href$='/notifications/delivery/{mine.pk}/change/']").click()
        page.wait_for_selector("#content")
        text = no_raw_codes(page)
        assert f"#{run['orders'][language].number}" in text and DINERS[language] in text
        assert words["sent"].casefold() in text
        body = page.locator(".readonly").filter(has_text=DINER_NAMES[language]).last.inner_text()
        assert body.count("\n") >= 3, body  # the e-mail's lines, as the customer got them
        shoot(page, "delivery", language, width)
        page.goto(tenant_url(live_server_url, "/admin/notifications/sandboxmessage/"))
        page.wait_for_selector("#result_list")
        text = no_raw_codes(page)
        expected = words["sms_text"].format(number=run["orders"][language].number)
        assert expected.casefold() in text and words["channel"]["sms"].casefold() in text
        shoot(page, "sandbox", language, width)

        # 4. webhooks: a new endpoint, its secret shown once, then only its end
        page.goto(tenant_url(live_server_url, "/admin/webhooks/webhookendpoint/"))
        page.wait_for_selector("#result_list")
        text = no_raw_codes(page)
        assert words["disabled"].casefold() in text
        shoot(page, "webhooks", language, width)
        if width == 1280:
            assert table_overflow(page) <= 1, "the endpoints' last columns are out of sight"
        page.goto(tenant_url(live_server_url, "/admin/webhooks/webhookendpoint/add/"))
        page.wait_for_selector("input[name=url]")
        hook_url = f"http://localhost:8089/hooks/{language}-{width}"
        page.fill("input[name=url]", hook_url)
        page.fill("input[name=description]", words["hook"])
        page.check("input[name=events][value='order.created']")
        no_raw_codes(page)
        shoot(page, "webhook-form", language, width)
        page.click("[name=_save]")
        page.wait_for_selector("#webhook-secrets-shown")
        shown = page.inner_text("#webhook-secrets-shown")
        assert words["secret_title"] in shown and hook_url in shown
        secret = page.inner_text(".webhook-secret-value").strip()
        assert re.fullmatch(r"whsec_[A-Za-z0-9+/=]{30,}", secret), secret
        shoot(page, "webhook-secret", language, width)
        assert page.inner_text("#secret-done").strip() == words["done"]
        page.click(".secret-copy")
        page.wait_for_selector(f".secret-copy:has-text('{words['copied']}')")
        assert page.evaluate("navigator.clipboard.readText()") == secret
        endpoint = in_cafe(lambda: WebhookEndpoint.objects.get(url=hook_url))
        hint = in_cafe(lambda: SigningSecret.objects.get(endpoint=endpoint).hint)
        assert hint.endswith(secret[-4:]) and secret not in hint
        page.click("#secret-done")
        page.wait_for_selector("#result_list")
        assert page.url.endswith("/admin/webhooks/webhookendpoint/")
        row = page.locator(f"#result_list tr:has-text('{hook_url}')").inner_text()
        assert hint in row and secret not in page.content(), row
        page.goto(tenant_url(live_server_url, f"/admin/webhooks/webhookendpoint/{endpoint.pk}/change/"))
        page.wait_for_selector("#content")
        text = no_raw_codes(page)
        assert hint in page.inner_text("#content") and secret not in page.content()
        assert "('active'" not in text and words["active"].casefold() in text
        shoot(page, "webhook", language, width)
    finally:
        page.context.close()


@pytest.mark.parametrize(("language", "width"), RUNS, ids=RUN_IDS)
def test_hq_sees_what_could_not_be_sent_and_publishes_an_announcement(browser, live_server_url, cafe, language,
                                                                       width):
    from apps.announcements.models import Announcement

    words = WORDS[language]
    page = new_page(browser, language, width)
    try:
        browser_hq_login(page, live_server_url)
        card = page.locator("#card-outbound")
        assert words["outbound"] in card.inner_text()
        row = card.locator(f"tr:has-text('{CAFE}')").inner_text()
        assert row.split("\t")[1:] == ["0", "1", "1"], row  # notifications, webhooks failed, endpoints disabled
        card.scroll_into_view_if_needed()
        shoot(page, "hq-dashboard", language, width)
        hidden = page.eval_on_selector("#card-outbound .table-scroll", "box => box.scrollWidth - box.clientWidth")
        assert hidden <= 0, f"the card's table scrolls sideways by {hidden}px"

        title = "Planned maintenance on Tuesday 02:00-02:30 KST"
        page.goto(hq_url(live_server_url, "/admin/announcements/announcement/add/"))
        page.wait_for_selector("input[name=title]")
        page.fill("input[name=title]", title)
        page.fill("input[name=title_ko]", "정기 점검 안내")
        page.fill("textarea[name=body]", "The admin is read-only on Tuesday 02:00-02:30 KST.")
        page.fill("textarea[name=body_ko]", "화요일 02:00~02:30(KST)에는 관리자 화면을 볼 수만 있습니다.")
        no_raw_codes(page)
        shoot(page, "hq-announcement-form", language, width)
        page.click("[name=_continue]")
        page.wait_for_selector("#announcement-publish")
        preview = page.inner_text("#announcement-preview")
        assert words["preview_title"] in preview and title in preview and "정기 점검 안내" in preview
        no_raw_codes(page)
        shoot(page, "hq-announcement-draft", language, width)
        page.click("#announcement-publish")
        page.wait_for_selector("#announcement-published")
        assert words["published"] in page.inner_text("#announcement-published")
        no_raw_codes(page)
        pk = int(re.search(r"/announcement/(\d+)/change/", page.url).group(1))
        published = Announcement.objects.get(pk=pk)
        assert published.title == title and published.published_at is not None
        shoot(page, "hq-announcement-published", language, width)
    finally:
        page.context.close()
