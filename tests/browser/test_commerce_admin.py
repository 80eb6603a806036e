"""A restaurant owner's day in the workspace admin's commerce screens, in a real browser
(Playwright + Debian Chromium), in English and Korean, at 1280x800 and at a phone's 390x844.

One shop workspace (retail: its orders follow the standard flow, placed -> confirmed ->
completed; a restaurant's follow the kitchen's, tests/browser/test_food_board.py),
provisioned once for the module, with committed data made through the
services as customers and staff make it: a menu with option groups (one dish sold out),
coupons, two diners who registered on its host, paid, refunded, cancelled and open orders,
reviews. Each run adds its own paid order and a reviewed one, then walks as the owner:

1. the dashboard: today's orders and today's sales, the numbers the database has;
2. the catalog: the items with their prices as money and the sold-out badge; an item with
   its option groups inline; a new price saved (and in the database);
3. the orders: the list with its filters, statuses and payments as people read them, totals
   as money; a paid order with its lines, their options and its payments; "Refund" part of
   it with a reason -> the refund on the order and in the database; confirm, then complete;
4. the coupons: the list and a new coupon through the add form;
5. the reviews: the list; a reply saved; a review hidden with a reason.

Assertions are on what a person sees, in the page's language (never a raw code such as
"partially_refunded", "menu_item" or "order:refund"). Screenshots:
test-artifacts/commerce-<step>-<lang>-<width>.png."""

from __future__ import annotations

import re
import uuid

import pytest
from django.db import connection
from django_tenants.utils import schema_context, tenant_context

from tests.browser.screens import RUN_IDS, RUNS, detail_action
from tests.plugin import ARTIFACTS, PASSWORD, Committed, create_provisioned

pytestmark = pytest.mark.browser

SLUG = "commerce-ui"
SCHEMA = SLUG.replace("-", "_")
OWNER = f"owner@{SLUG}.test"
DINERS = {"minseo": f"minseo@{SLUG}.test", "tom": f"tom@{SLUG}.test"}
LOCALES = {"en": "en-US", "ko": "ko-KR"}
VIEWPORTS = {1280: {"width": 1280, "height": 800}, 390: {"width": 390, "height": 844}}
# snake_case values and resource:action permissions: codes, never what a person should read
RAW_CODE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b|\b[a-z]+:(?:view|add|change|delete|refund)\b")

WORDS = {
    "en": {
        "orders_today": "Today's orders", "sales_today": "Today's sales", "orders_figure": "{count} orders",
        "sold_out": "Sold out", "on_sale": "On sale", "saved": "was changed successfully", "groups": "Option groups",
        "kind": "Order", "status": {"placed": "Placed", "confirmed": "Confirmed", "completed": "Completed",
                                    "cancelled": "Cancelled"},
        "payment": {"paid": "Paid", "partially_refunded": "Partially refunded", "refunded": "Refunded",
                    "unpaid": "Unpaid"},
        "card": "Card",
        "refunded_msg": "{amount} refunded on order #{number}.", "moved": "Order #{number} is now {status}.",
        "reason": "Customer asked to leave out the lemonades", "reply": "Thank you, see you again soon!",
        "hide_reason": "Mentions a staff member by full name", "hidden": "1 review hidden.", "hidden_badge": "Hidden",
        "coupon_name": "Rainy day 2,000 off", "coupon_added": "was added successfully", "order": "Order",
        "wrong": [],
    },
    "ko": {
        "orders_today": "오늘의 주문", "sales_today": "오늘의 매출", "orders_figure": "주문 {count}건",
        "sold_out": "품절", "on_sale": "판매 중", "saved": "변경되었습니다", "groups": "옵션 그룹",
        "kind": "주문",
        "status": {"placed": "접수됨", "confirmed": "확정됨", "completed": "완료됨", "cancelled": "취소됨"},
        "payment": {"paid": "결제 완료", "partially_refunded": "부분 환불", "refunded": "환불됨", "unpaid": "미결제"},
        "card": "카드",
        "refunded_msg": "주문 #{number}에서 {amount}을 환불했습니다.",
        "moved": "주문 #{number}이(가) {status} 상태가 되었습니다.",
        "reason": "레모네이드 빼 달라는 요청", "reply": "감사합니다. 또 찾아 주세요!",
        "hide_reason": "직원 실명 언급", "hidden": "리뷰 1개를 숨겼습니다.", "hidden_badge": "숨김",
        "coupon_name": "비 오는 날 2,000원 할인", "coupon_added": "추가되었습니다", "order": "주문",
        # an order is a 주문, never a 순서 (a position), nor a 주문 수 (a count of them)
        "wrong": ["순서", "주문 수"],
    },
}


def host_url(live_server_url, path="/admin/"):
    return live_server_url.format(host=f"{SLUG}.localhost") + path


def shoot(page, step, language, width, *, full_page=True):
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{step} ({language}, {width}): the page scrolls sideways by {overflow}px"
    page.screenshot(path=str(ARTIFACTS / f"commerce-{step}-{language}-{width}.png"), full_page=full_page)


def no_raw_codes(page, where="#content"):
    text = page.inner_text(where)
    icons = set(page.eval_on_selector_all(  # Material Symbols are ligatures: "check_small" draws a tick
        f"{where} .material-symbols-outlined", "els => els.map(el => el.textContent.trim())"))
    found = sorted(set(RAW_CODE.findall(text)) - icons)
    assert not found, f"raw codes on {page.url}: {found}"
    return text.casefold()  # badges are set in capitals by CSS: compare words case-blind


def money(amount: int) -> str:
    from apps.core.money import Money

    return Money(amount, "KRW").format()


def in_shop(function, *args, **kwargs):
    with schema_context(SCHEMA):
        result = function(*args, **kwargs)
    connection.set_schema_to_public()
    return result


# --- The workspace and what happened in it ------------------------------------------------------

PASTA, LEMONADE, FRIES, TIRAMISU = "트러플 크림 파스타", "수제 레몬에이드", "트러플 감자튀김", "오늘의 티라미수"
MENU = [
    {"kind": "menu_item", "name": PASTA, "price": 19000, "category": "mains",
     "translations": {"en": {"name": "Truffle cream pasta"}},
     "option_groups": [
         {"name": "사이즈", "required": True, "min_choices": 1, "max_choices": 1,
          "translations": {"en": {"name": "Size"}},
          "options": [{"name": "레귤러"}, {"name": "라지", "price_delta": 4000}]},
         {"name": "토핑 추가", "min_choices": 0, "max_choices": 3, "translations": {"en": {"name": "Extra toppings"}},
          "options": [{"name": "베이컨", "price_delta": 2000}, {"name": "버섯", "price_delta": 1500}]}]},
    {"kind": "menu_item", "name": LEMONADE, "price": 5500, "category": "drinks",
     "option_groups": [{"name": "얼음", "required": True, "min_choices": 1, "max_choices": 1,
                        "options": [{"name": "보통"}, {"name": "적게"}]}]},
    {"kind": "menu_item", "name": FRIES, "price": 8000, "is_sold_out": True, "category": "mains"},
    {"kind": "menu_item", "name": TIRAMISU, "price": 7000, "stock": 6, "category": "drinks"},
]


def _order(shop, customer, lines, *, coupon="", pay=True, steps=()):
    """An order placed by `customer` (lines: (item name, quantity, [option names])), paid on
    the sandbox's hosted page, then moved by staff through `steps`."""
    from apps.orders.services import order_create, order_transition
    from apps.payments import sandbox
    from apps.payments.services import payment_start, payment_succeeded

    items = shop["items"]
    rows = []
    for name, quantity, option_names in lines:
        options = shop["options"][name]
        rows.append({"item": items[name].pk, "quantity": quantity, "options": [options[o] for o in option_names]})
    order = order_create(customer=customer, lines=rows, fulfilment="pickup", branch=shop["branch"],
                         coupon_code=coupon, actor=customer.user, idempotency_key=uuid.uuid4().hex,
                         idempotency_scope="browser-commerce")
    if pay:
        payment, _url = payment_start(order=order, actor=customer.user)
        sandbox.session_pay(reference=payment.reference, card="card_success")
        payment_succeeded(reference=payment.reference, amount=payment.amount, currency=payment.currency,
                          method="card")
    for status in steps:
        order = order_transition(order=order, to_status=status, actor=shop["owner"])
    order.refresh_from_db()
    return order


@pytest.fixture(scope="module")
def shop(platform_seed, django_db_blocker):
    """The restaurant, once for all its runs (provisioning takes seconds), committed for
    the web server and removed after."""
    from apps.accounts.models import User
    from apps.branches.services import branch_create
    from apps.catalog.services import category_create, item_create
    from apps.consumers.services import consumer_register
    from apps.coupons.services import coupon_create
    from apps.crm.models import Customer
    from apps.directory.models import Listing
    from apps.payments.services import order_cancel_with_refund, refund_create
    from apps.reviews.services import review_create, review_reply

    helper = Committed()
    with django_db_blocker.unblock():
        helper.tenant_slug(SLUG)
        for email in (OWNER, *DINERS.values()):
            helper.email(email)
        try:
            tenant = create_provisioned(slug=SLUG, name="Bistro Haru", business_type="retail",
                                        owner_email=OWNER)
            connection.set_schema_to_public()
            owner = User.objects.get(email=OWNER)
            owner.set_password(PASSWORD)
            owner.save()
            with tenant_context(tenant):
                branch = branch_create(actor=owner, name="성수점")
                categories = {"mains": category_create(actor=owner, name="메인", position=0,
                                                       translations={"en": {"name": "Mains"}}),
                              "drinks": category_create(actor=owner, name="음료·디저트", position=1,
                                                        translations={"en": {"name": "Drinks & desserts"}})}
                items, options = {}, {}
                for position, spec in enumerate(MENU):
                    item = item_create(actor=owner, position=position,
                                       **{**spec, "category": categories[spec["category"]]})
                    items[item.name] = item
                    options[item.name] = {option.name: option.pk for group in item.option_groups.all()
                                          for option in group.options.all()}
                coupon_create(actor=owner, code="WELCOME3000", name="첫 주문 3,000원 할인", kind="fixed", amount=3000,
                              min_order_amount=15000, first_order_only=True)
                coupon_create(actor=owner, code="LUNCH10", name="점심 10% 할인", kind="percent", percent=10,
                              max_discount=5000, per_customer_limit=5)
                for key, email in DINERS.items():
                    consumer_register(tenant=tenant, email=email, password=PASSWORD,
                                      name={"minseo": "강민서", "tom": "Tom Baker"}[key],
                                      consents={"terms": True, "privacy": True, "marketing": False})
                customers = {customer.user.email: customer
                             for customer in Customer.objects.filter(user__email__in=DINERS.values())
                             .select_related("user")}
                minseo, tom = customers[DINERS["minseo"]], customers[DINERS["tom"]]
                data = {"tenant": tenant, "owner": owner, "branch": branch, "items": items, "options": options,
                        "minseo": minseo, "tom": tom}
                # the day so far: a regular's order with a coupon, completed and reviewed; one
                # refunded in part; one the customer cancelled (refunded in full); one not paid yet
                first = _order(data, minseo, [(PASTA, 1, ["라지", "베이컨"]), (LEMONADE, 2, ["보통"])],
                               coupon="WELCOME3000", steps=["confirmed", "completed"])
                review = review_create(order=first, customer=minseo, rating=5, text="파스타가 정말 맛있어요!")
                review_reply(review=review, actor=owner, text="감사합니다! 다음 방문도 기다릴게요.")
                second = _order(data, tom, [(PASTA, 1, ["레귤러"]), (TIRAMISU, 1, [])],
                                steps=["confirmed"])
                refund_create(order=second, amount=7000, reason="티라미수 품절", actor=owner,
                              idempotency_key=uuid.uuid4().hex)
                third = _order(data, minseo, [(LEMONADE, 1, ["적게"])])
                order_cancel_with_refund(order=third, actor=minseo.user, reason="잘못 주문했어요", by_customer=True)
                _order(data, tom, [(TIRAMISU, 2, [])], pay=False)
            connection.set_schema_to_public()
            yield data
        finally:
            connection.set_schema_to_public()
            Listing.objects.filter(tenant__slug=SLUG).delete()
            helper.cleanup()


@pytest.fixture
def run(shop, request):
    """This run's own orders: one just paid (to refund, confirm and complete) and one
    completed with a poor review (to reply to and hide)."""
    from apps.reviews.services import review_create

    language, width = request.param
    with schema_context(SCHEMA):
        paid = _order(shop, shop["tom"], [(PASTA, 1, ["라지", "버섯"]), (LEMONADE, 2, ["적게"])])
        done = _order(shop, shop["minseo"], [(PASTA, 1, ["레귤러"])], steps=["confirmed", "completed"])
        review = review_create(order=done, customer=shop["minseo"], rating=2,
                               text={"en": "Cold when I picked it up.", "ko": "픽업했을 때 식어 있었어요."}[language])
    connection.set_schema_to_public()
    return {**shop, "paid": paid, "done": done, "review": review, "language": language, "width": width}


# --- The walk ---------------------------------------------------------------------------------------


def log_in(browser, live_server_url, language, width):
    context = browser.new_context(locale=LOCALES[language], viewport=VIEWPORTS[width])
    page = context.new_page()
    page.set_default_timeout(15000)
    page.goto(host_url(live_server_url))
    page.fill("input[name=username]", OWNER)
    page.fill("input[name=password]", PASSWORD)
    page.click("input[type=submit]")
    page.wait_for_selector("#dashboard")
    return page


def assert_words(text: str, words: dict) -> None:
    for wrong in words["wrong"]:
        assert wrong not in text, f"{wrong!r} on the page"


@pytest.mark.parametrize("run", RUNS, ids=RUN_IDS, indirect=True)
def test_the_owners_commerce_day(browser, live_server_url, run):
    from apps.catalog.models import Item
    from apps.coupons.models import Coupon
    from apps.orders.models import Order
    from apps.payments.models import Refund
    from apps.reviews.models import Review

    language, width = run["language"], run["width"]
    words = WORDS[language]
    status, payment = words["status"], words["payment"]
    page = log_in(browser, live_server_url, language, width)
    try:
        # 1. the dashboard: today's orders and sales, as the database has them (every
        # order of this workspace was placed in the last minutes)
        orders = in_shop(lambda: list(Order.objects.values_list("paid_amount", "refunded_amount")))
        sales = sum(paid - refunded for paid, refunded in orders)
        assert sales > 0 and len(orders) >= 6
        assert words["orders_today"] in page.inner_text("#card-orders-today h2")
        assert page.inner_text("#card-orders-today .dash-amount") == words["orders_figure"].format(count=len(orders))
        assert words["sales_today"] in page.inner_text("#card-sales-today h2")
        assert page.inner_text("#card-sales-today .dash-amount") == money(sales)
        assert_words(page.inner_text("body"), words)
        shoot(page, "dashboard", language, width)

        # 2. the catalog: prices as money, the sold-out badge; an item with its option
        # groups inline; a new price saved
        page.goto(host_url(live_server_url, "/admin/catalog/item/"))
        page.wait_for_selector("#result_list")
        no_raw_codes(page)
        fries = page.locator(f"#result_list tr:has-text('{FRIES}')").inner_text().casefold()
        assert money(8000) in fries and words["sold_out"].casefold() in fries
        lemonade = page.locator(f"#result_list tr:has-text('{LEMONADE}')").inner_text().casefold()
        assert money(5500) in lemonade and words["on_sale"].casefold() in lemonade
        assert words["sold_out"].casefold() not in lemonade
        shoot(page, "items", language, width)
        pasta = run["items"][PASTA]
        page.click(f"#result_list a[href$='/catalog/item/{pasta.pk}/change/']")
        page.wait_for_selector("input[name=price]")
        no_raw_codes(page)
        groups = page.locator("#option_groups-group")
        assert words["groups"].casefold() in groups.inner_text().casefold()
        assert [page.input_value(f"input[name='option_groups-{n}-name']") for n in (0, 1)] == ["사이즈", "토핑 추가"]
        sizes = groups.locator("tr, .form-row").filter(has_text="레귤러").first.inner_text()
        assert "라지 (" + money(4000) + ")" in sizes, sizes
        new_price = 19000 + 100 * (RUNS.index((language, width)) + 1)
        page.fill("input[name=price]", str(new_price))
        shoot(page, "item", language, width)
        page.click("[name=_save]")
        page.wait_for_selector("ul.messagelist")
        assert words["saved"] in page.inner_text("ul.messagelist")
        assert money(new_price) in page.locator(f"#result_list tr:has-text('{PASTA}')").inner_text()
        assert in_shop(lambda: Item.objects.get(pk=pasta.pk).price) == new_price
        shoot(page, "item-saved", language, width)

        # 3. the orders: statuses and payments as people read them, totals as money, filters
        page.goto(host_url(live_server_url, "/admin/orders/order/"))
        page.wait_for_selector("#result_list")
        text = no_raw_codes(page)
        assert_words(page.inner_text("body"), words)
        for label in (*status.values(), *payment.values()):
            assert label.casefold() in text, label
        order = run["paid"]
        row = page.locator(f"#result_list tr:has(a[href$='/orders/order/{order.pk}/change/'])").inner_text().casefold()
        for expected in (f"#{order.number}", "tom baker", words["kind"], status["placed"], payment["paid"],
                         money(order.total)):
            assert expected.casefold() in row, (expected, row)
        shoot(page, "orders", language, width)
        page.click("a:has(.material-symbols-outlined:text-is('filter_list'))")
        filters = page.locator("#changelist-filter")
        filters.wait_for()
        for label in (status["placed"], status["completed"], payment["partially_refunded"], payment["unpaid"]):
            assert label in filters.inner_text(), label
        shoot(page, "orders-filters", language, width, full_page=False)  # a sheet over the list
        page.goto(host_url(live_server_url, "/admin/orders/order/?payment_status__exact=partially_refunded"))
        page.wait_for_selector("#result_list")
        listed = page.locator("#result_list tbody tr").all_inner_texts()
        assert listed and all(payment["partially_refunded"].casefold() in row.casefold() for row in listed)

        # a paid order: its lines with their options, its payment; refund part of it
        page.goto(host_url(live_server_url, f"/admin/orders/order/{order.pk}/change/"))
        page.wait_for_selector("#content")
        text = no_raw_codes(page)
        assert_words(page.inner_text("body"), words)
        lines = page.locator("#lines-group").inner_text()
        assert "라지, 버섯" in lines and money(order.total - 11000) in lines and money(5500) in lines
        payments = page.locator("#payments-group").inner_text().casefold()
        assert payment["paid"].casefold() in payments and words["card"].casefold() in payments
        assert money(order.total) in payments
        shoot(page, "order", language, width)
        detail_action(page, f"/orders/order/{order.pk}/refund/")
        page.wait_for_selector("#refund-form")
        assert page.inner_text("#refundable") == money(order.total)
        page.fill("input[name=amount]", "11000")
        page.fill("input[name=reason]", words["reason"])
        shoot(page, "refund", language, width)
        page.click("#confirm")
        page.wait_for_selector("ul.messagelist")
        assert words["refunded_msg"].format(amount=money(11000), number=order.number) in page.inner_text(
            "ul.messagelist")
        no_raw_codes(page)
        payments = page.locator("#payments-group").inner_text().casefold()
        assert words["reason"].casefold() in payments and money(11000) in payments
        assert payment["partially_refunded"].casefold() in payments
        assert payment["partially_refunded"].casefold() in page.locator("#content").inner_text().casefold()
        refund = in_shop(lambda: Refund.objects.get(payment__order_id=order.pk))
        assert (refund.amount, refund.reason, refund.status) == (11000, words["reason"], "succeeded")
        assert in_shop(lambda: Order.objects.get(pk=order.pk).refunded_amount) == 11000
        shoot(page, "refunded", language, width)

        # confirm, then complete
        for action, target in (("confirm_order", "confirmed"), ("complete_order", "completed")):
            detail_action(page, f"/orders/order/{order.pk}/{action}/")
            page.wait_for_selector("#move-form")
            no_raw_codes(page)
            shoot(page, f"{target}-form", language, width)
            page.click("#confirm")
            page.wait_for_selector("ul.messagelist")
            moved = status[target] if language == "ko" else status[target].lower()
            assert words["moved"].format(number=order.number, status=moved) in page.inner_text("ul.messagelist")
            assert in_shop(lambda: Order.objects.get(pk=order.pk).status) == target
        history = page.locator("#transitions-group").inner_text()
        assert all(status[name] in history for name in ("placed", "confirmed", "completed")), history
        shoot(page, "completed", language, width)

        # 4. coupons: the list, then a new one (a fixed amount off: no percentage fields)
        page.goto(host_url(live_server_url, "/admin/coupons/coupon/"))
        page.wait_for_selector("#result_list")
        text = no_raw_codes(page)
        assert "welcome3000" in text and money(3000).casefold() in text and money(15000).casefold() in text
        shoot(page, "coupons", language, width)
        page.goto(host_url(live_server_url, "/admin/coupons/coupon/add/"))
        page.wait_for_selector("input[name=code]")
        code = f"RAIN{language.upper()}{width}"
        page.fill("input[name=code]", code)
        page.fill("input[name=name]", words["coupon_name"])
        assert page.is_visible("input[name=percent]") and not page.is_visible("input[name=amount]")
        page.select_option("select[name=kind]", "fixed")
        page.wait_for_selector("input[name=percent]", state="hidden")
        assert page.is_visible("input[name=amount]")
        page.fill("input[name=amount]", "2000")
        page.fill("input[name=min_order_amount]", "10000")
        no_raw_codes(page)
        shoot(page, "coupon-form", language, width)
        page.click("[name=_save]")
        page.wait_for_selector("ul.messagelist")
        assert words["coupon_added"] in page.inner_text("ul.messagelist")
        coupon = in_shop(lambda: Coupon.objects.get(code=code))
        assert (coupon.kind, coupon.amount, coupon.min_order_amount, coupon.percent) == ("fixed", 2000, 10000, None)
        row = page.locator(f"#result_list tr:has-text('{code}')").inner_text()
        assert money(2000) in row and money(10000) in row
        shoot(page, "coupon-added", language, width)

        # 5. reviews: the list, a reply, then hiding the poor one with a reason
        page.goto(host_url(live_server_url, "/admin/reviews/review/"))
        page.wait_for_selector("#result_list")
        no_raw_codes(page)
        assert_words(page.inner_text("body"), words)
        review = run["review"]
        row = page.locator(f"#result_list tr:has(input.action-select[value='{review.pk}'])")
        for expected in ("★★☆☆☆", f"#{run['done'].number}", review.text, "강민서", PASTA):
            assert expected in row.inner_text(), expected
        shoot(page, "reviews", language, width)
        page.click(f"#result_list a[href$='/reviews/review/{review.pk}/change/']")
        page.wait_for_selector("textarea[name=reply]")
        assert review.text in page.inner_text("#content")
        assert words["order"] in page.inner_text("#content")
        assert_words(page.inner_text("body"), words)
        page.fill("textarea[name=reply]", words["reply"])
        shoot(page, "review", language, width)
        page.click("[name=_save]")
        page.wait_for_selector("ul.messagelist")
        assert in_shop(lambda: Review.objects.get(pk=review.pk).reply) == words["reply"]
        page.check(f"#result_list input.action-select[value='{review.pk}']")
        page.select_option("select[name=action]", "hide_reviews")
        page.click("button[name=index]")
        page.wait_for_selector("#hide-form")
        assert review.text in page.inner_text("#hide-reviews")
        page.fill("input[name=reason]", words["hide_reason"])
        shoot(page, "hide", language, width)
        page.click("#hide-form #confirm")
        page.wait_for_selector("ul.messagelist")
        assert words["hidden"] in page.inner_text("ul.messagelist")
        hidden = in_shop(lambda: Review.objects.get(pk=review.pk))
        assert hidden.is_hidden and hidden.hidden_reason == words["hide_reason"]
        row = page.locator(f"#result_list tr:has(input.action-select[value='{review.pk}'])")
        assert words["hidden_badge"].casefold() in row.inner_text().casefold()
        no_raw_codes(page)
        shoot(page, "reviews-hidden", language, width)
    finally:
        page.context.close()
