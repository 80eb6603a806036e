"""Bistro Seoul: a restaurant on the starter plan (one branch, a second through an add-on
HQ approved), its staff (a kitchen and a rider among them), regulars who agreed to
marketing, and an invoice still open; a menu with option groups (one dish sold out, a
dessert with counted stock), brunch and a lunch set served only at their hours, coupons,
two diners who registered on its host, and its listing in the public directory.

Its food service (`food`): Seongsu is a delivery kitchen open around the clock, Hannam
a bistro open for lunch and dinner; each delivers within its area (Seongsu's fee by
distance, Hannam's flat) above a minimum order. The diners' orders went through
Seongsu's kitchen and are in every state of the food flow: one waiting on the kitchen
board, accepted with an estimate, cooking, ready (for pickup and for the rider), picked
up and reviewed, out with the rider, delivered (a missing side refunded), rejected and
refunded, cancelled by the customer before the kitchen took it, and one not paid yet.

With `make run`, beat watches the kitchen (food.kitchen_watch, every minute): the order
waiting on the board is rejected and refunded once nobody accepts it within Seongsu's
30 minutes, and a branch whose kitchen board has not been open for 15 minutes during
opening hours stops taking orders (the owner is told) until a board opens again."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from apps.food.models import Ticket
from apps.food.provisioning import seed_food_templates
from apps.tenants.models import Tenant

from . import commerce, food, settlement
from .platform import PROMO
from .tenants import addon_request_ensure, invoice_ensure, promo_ensure
from .workspace import api_key_ensure, branches_ensure, customers_ensure, settings_ensure, staff_ensure, tags_ensure

TENANT = {"slug": "bistro", "name": "Bistro Seoul", "business_type": Tenant.BusinessType.FOOD,
          "owner_email": "owner@bistro.example.com", "owner_name": "Bistro Owner", "plan": "starter"}
LUNCH_AND_DINNER = {day: ["11:30-15:00", "17:00-22:00"] for day in ("tue", "wed", "thu", "fri", "sat", "sun")}
AROUND_THE_CLOCK = {day: ["00:00-24:00"] for day in ("mon", "tue", "wed", "thu", "fri", "sat", "sun")}
SETTINGS = {"display_name": "비스트로 서울", "legal_name": "비스트로서울 주식회사", "business_number": "211-87-54321",
            "contact_email": "hello@bistro.example.com", "contact_phone": "02-462-1001",
            "address": "서울특별시 성동구 연무장길 45", "primary_color": "#b91c1c", "accent_color": "#facc15",
            "language": "ko", "timezone": "Asia/Seoul"}
BRANCHES = [  # Seongsu is a delivery kitchen open around the clock (the demo's orders can be placed at any hour)
    {"name": "성수점", "address": "서울특별시 성동구 연무장길 45", "phone": "02-462-1001",
     "opening_hours": AROUND_THE_CLOCK},
    {"name": "한남점", "address": "서울특별시 용산구 한남대로 27길 8", "phone": "02-794-2002",
     "opening_hours": {**LUNCH_AND_DINNER, "sun": ["11:30-15:00"]}},
]
EARLIER_HOURS = {"성수점": LUNCH_AND_DINNER}  # what demos before the food module gave it
ORDERING = {  # each branch's ordering rules (apps.food BranchOrdering)
    "성수점": {"pickup": True, "delivery": True, "latitude": "37.544300", "longitude": "127.055700",
            "delivery_bands": [{"up_to_m": 1000, "fee": 2000}, {"up_to_m": 2000, "fee": 3000},
                               {"up_to_m": 3000, "fee": 4000}],
            "delivery_radius_m": 3000, "min_order_amount": 12000, "prep_minutes": 15, "delivery_minutes": 20,
            "accept_within_minutes": 30, "board_offline_minutes": 15},
    "한남점": {"pickup": True, "delivery": True, "latitude": "37.536500", "longitude": "127.009000",
            "delivery_fee": 3000, "delivery_radius_m": 2500, "min_order_amount": 15000, "prep_minutes": 20,
            "delivery_minutes": 25, "accept_within_minutes": 10, "board_offline_minutes": 15},
}
TAGS = [("단골", "#b91c1c"), ("VIP", "#7c3aed"), ("채식", "#16a34a"), ("단체 예약", "#0ea5e9")]
STAFF = [  # email, name, role key, limited to these branches
    ("manager@bistro.example.com", "Park Jisoo", "manager", ["성수점"]),
    ("server@bistro.example.com", "Jung Hoon", "cashier", ["성수점", "한남점"]),
    ("kitchen@bistro.example.com", "Yoon Seri", "kitchen", ["성수점"]),
    ("rider@bistro.example.com", "Lim Taeho", "rider", ["성수점", "한남점"]),
]  # the starter plan allows five staff logins, the owner's included: Hannam's board is the server's
KITCHEN, RIDER = "kitchen@bistro.example.com", "rider@bistro.example.com"
SERVER = "server@bistro.example.com"
CUSTOMERS = [  # regulars, registered by the server
    {"name": "한지민", "phone": "010-2222-3301", "marketing_consent": True, "branch": "성수점", "tags": ["단골", "VIP"],
     "by": SERVER, "notes": "창가 자리 선호"},
    {"name": "Daniel Lee", "phone": "010-2222-3302", "email": "daniel.lee@example.com", "marketing_consent": True,
     "branch": "한남점", "tags": ["단골", "채식"], "by": SERVER},
    {"name": "윤아름", "phone": "010-2222-3304", "marketing_consent": True, "branch": "한남점", "tags": ["단골"],
     "by": SERVER},
    {"name": "오세훈", "phone": "010-2222-3303", "branch": "성수점", "tags": ["단체 예약"], "by": SERVER,
     "notes": "회사 회식 (12명)"},
]
API_KEY = ("POS 연동", ["customer:view", "customer:add"])
REGULAR, LARGE = {"name": "레귤러", "translations": {"en": {"name": "Regular"}}}, \
    {"name": "라지", "price_delta": 4000, "translations": {"en": {"name": "Large"}}}
CATEGORIES = [{"name": "메인", "translations": {"en": {"name": "Mains"}}},
              {"name": "브런치", "translations": {"en": {"name": "Brunch"}}},
              {"name": "사이드", "translations": {"en": {"name": "Sides"}}},
              {"name": "음료·디저트", "translations": {"en": {"name": "Drinks & desserts"}}}]
MENU = [  # VAT-inclusive prices in won
    {"kind": "menu_item", "category": "메인", "name": "트러플 크림 파스타", "price": 19000,
     "description": "생크림과 트러플 오일, 파르메산으로 마무리한 시그니처 파스타.",
     "translations": {"en": {"name": "Truffle cream pasta", "description": "Our signature: cream, truffle oil, "
                                                                            "parmesan."}},
     "option_groups": [
         {"name": "사이즈", "required": True, "min_choices": 1, "max_choices": 1,
          "translations": {"en": {"name": "Size"}}, "options": [REGULAR, LARGE]},
         {"name": "토핑 추가", "min_choices": 0, "max_choices": 3, "translations": {"en": {"name": "Extra toppings"}},
          "options": [{"name": "베이컨", "price_delta": 2000, "translations": {"en": {"name": "Bacon"}}},
                      {"name": "버섯", "price_delta": 1500, "translations": {"en": {"name": "Mushrooms"}}},
                      {"name": "파르메산", "price_delta": 1000, "translations": {"en": {"name": "Parmesan"}}}]}]},
    {"kind": "menu_item", "category": "메인", "name": "마르게리타 피자", "price": 21000,
     "translations": {"en": {"name": "Margherita pizza"}},
     "option_groups": [
         {"name": "도우", "required": True, "min_choices": 1, "max_choices": 1,
          "translations": {"en": {"name": "Dough"}},
          "options": [{"name": "씬", "translations": {"en": {"name": "Thin"}}},
                      {"name": "오리지널", "translations": {"en": {"name": "Original"}}}]},
         {"name": "치즈 추가", "min_choices": 0, "max_choices": 1, "translations": {"en": {"name": "Extra cheese"}},
          "options": [{"name": "모차렐라 추가", "price_delta": 2500,
                       "translations": {"en": {"name": "Extra mozzarella"}}}]}]},
    {"kind": "menu_item", "category": "메인", "name": "비프 라구 리조또", "price": 18000,
     "translations": {"en": {"name": "Beef ragù risotto"}},
     "option_groups": [
         {"name": "맵기", "required": True, "min_choices": 1, "max_choices": 1,
          "translations": {"en": {"name": "Spice level"}},
          "options": [{"name": "순한맛", "translations": {"en": {"name": "Mild"}}},
                      {"name": "보통", "translations": {"en": {"name": "Medium"}}},
                      {"name": "매운맛", "translations": {"en": {"name": "Hot"}}}]}]},
    {"kind": "menu_item", "category": "사이드", "name": "시저 샐러드", "price": 12000, "branches": ["성수점"],
     "translations": {"en": {"name": "Caesar salad"}}},
    {"kind": "menu_item", "category": "사이드", "name": "트러플 감자튀김", "price": 8000, "is_sold_out": True,
     "translations": {"en": {"name": "Truffle fries"}}},
    {"kind": "menu_item", "category": "음료·디저트", "name": "수제 레몬에이드", "price": 5500,
     "translations": {"en": {"name": "Homemade lemonade"}},
     "option_groups": [{"name": "사이즈", "required": True, "min_choices": 1, "max_choices": 1,
                        "translations": {"en": {"name": "Size"}},
                        "options": [REGULAR, {**LARGE, "price_delta": 1000}]}]},
    {"kind": "menu_item", "category": "음료·디저트", "name": "오늘의 티라미수", "price": 7000, "stock": 6,
     "description": "하루 12개 한정.", "translations": {"en": {"name": "Tiramisu of the day",
                                                             "description": "12 a day, while they last."}}},
    # served only at their menu hours (MENU_HOURS)
    {"kind": "menu_item", "category": "브런치", "name": "에그 베네딕트", "price": 16000,
     "translations": {"en": {"name": "Eggs Benedict"}}},
    {"kind": "menu_item", "category": "브런치", "name": "리코타 팬케이크", "price": 14000,
     "translations": {"en": {"name": "Ricotta pancakes"}},
     "option_groups": [{"name": "토핑 추가", "min_choices": 0, "max_choices": 2,
                        "translations": {"en": {"name": "Extra toppings"}},
                        "options": [{"name": "베리", "price_delta": 2000, "translations": {"en": {"name": "Berries"}}},
                                    {"name": "베이컨", "price_delta": 2000,
                                     "translations": {"en": {"name": "Bacon"}}}]}]},
    {"kind": "menu_item", "category": "메인", "name": "런치 파스타 세트", "price": 15000,
     "description": "오늘의 파스타와 음료.", "translations": {"en": {"name": "Lunch pasta set",
                                                             "description": "Pasta of the day and a drink."}},
     "option_groups": [{"name": "음료", "required": True, "min_choices": 1, "max_choices": 1,
                        "translations": {"en": {"name": "Drink"}},
                        "options": [{"name": "아이스 아메리카노", "translations": {"en": {"name": "Iced americano"}}},
                                    {"name": "수제 레몬에이드", "price_delta": 1500,
                                     "translations": {"en": {"name": "Homemade lemonade"}}}]}]},
]
WEEKDAYS_LUNCH = {day: ["11:30-14:30"] for day in ("tue", "wed", "thu", "fri")}
MENU_HOURS = [
    {"name": "브런치", "translations": {"en": {"name": "Brunch"}}, "hours": {"sat": ["10:00-15:00"],
                                                                       "sun": ["10:00-15:00"]},
     "items": ["에그 베네딕트", "리코타 팬케이크"]},
    {"name": "평일 런치", "translations": {"en": {"name": "Weekday lunch"}}, "hours": WEEKDAYS_LUNCH,
     "items": ["런치 파스타 세트"]},
]
COUPONS = [
    {"code": "WELCOME3000", "name": "첫 주문 3,000원 할인", "kind": "fixed", "amount": 3000, "min_order_amount": 15000,
     "first_order_only": True},
    {"code": "LUNCH10", "name": "점심 10% 할인", "kind": "percent", "percent": 10, "max_discount": 5000,
     "per_customer_limit": 5},
]
CONSUMERS = [  # registered on bistro.localhost
    {"email": "minseo.kang@example.com", "name": "강민서", "phone": "010-7777-1201", "marketing": True,
     "language": "ko"},
    {"email": "tom.baker@example.com", "name": "Tom Baker", "phone": "010-7777-1202", "language": "en"},
]
MANAGER = "manager@bistro.example.com"
# Where the diners have food delivered (inside Seongsu's area: 0.8 km and 1.3 km away).
MINSEO_HOME = {"address": "서울특별시 성동구 성수이로22길 37, 3층", "phone": "010-7777-1201",
               "latitude": "37.548900", "longitude": "127.062700"}
TOM_HOME = {"address": "서울특별시 성동구 왕십리로 16, 101동 1203호", "phone": "010-7777-1202",
            "memo": "Leave it at the door, please.", "latitude": "37.541300", "longitude": "127.041300"}
SEONGSU = {"branch": "성수점", "staff": KITCHEN, "rider": RIDER, "manager": MANAGER}
PICKUP, DELIVERY = {**SEONGSU, "fulfilment": "pickup"}, {**SEONGSU, "fulfilment": "delivery"}
ORDERS = [  # in the order they were placed; every state of the food flow
    {**PICKUP, "key": "bistro-1", "customer": "minseo.kang@example.com", "coupon": "WELCOME3000",
     "lines": [("트러플 크림 파스타", 1, ["라지", "베이컨"]), ("수제 레몬에이드", 2, ["레귤러"])],
     "steps": [("accept", 15), "cooking", "ready", "picked_up",
               ("review", 5, "파스타가 정말 맛있어요! 포장도 깔끔했습니다.", "감사합니다! 다음 방문도 기다릴게요.")]},
    {**DELIVERY, "key": "bistro-2", "customer": "tom.baker@example.com", "delivery": TOM_HOME,
     "lines": [("마르게리타 피자", 1, ["씬"]), ("시저 샐러드", 1, [])],
     "steps": [("accept", 20), "cooking", "ready", "out_for_delivery", "delivered", ("refund", 12000, "샐러드 누락"),
               ("review", 4, "Great pizza. The salad was missing, and they refunded it right away.")]},
    {**PICKUP, "key": "bistro-3", "customer": "minseo.kang@example.com", "lines": [("비프 라구 리조또", 1, ["보통"])],
     "steps": [("cancel", "메뉴를 잘못 골랐어요.")]},
    {**PICKUP, "key": "bistro-4", "customer": "tom.baker@example.com", "coupon": "LUNCH10",
     "lines": [("트러플 크림 파스타", 2, ["레귤러", "버섯"])], "steps": [("accept", 25)]},
    {**PICKUP, "key": "bistro-5", "customer": "minseo.kang@example.com",  # not paid: not at the kitchen yet
     "lines": [("오늘의 티라미수", 2, []), ("수제 레몬에이드", 1, ["라지"])], "pay": False},
    {**DELIVERY, "key": "bistro-6", "customer": "minseo.kang@example.com", "delivery": MINSEO_HOME,
     "lines": [("마르게리타 피자", 1, ["오리지널", "모차렐라 추가"])], "steps": [("accept", 20), "cooking"]},
    {**DELIVERY, "key": "bistro-7", "customer": "tom.baker@example.com", "delivery": TOM_HOME,
     "lines": [("비프 라구 리조또", 1, ["매운맛"]), ("수제 레몬에이드", 1, ["레귤러"])],
     "steps": [("accept", 15), "cooking", "ready"]},  # waiting for the rider
    {**PICKUP, "key": "bistro-8", "customer": "minseo.kang@example.com", "notes": "포크 2개 부탁드려요.",
     "lines": [("트러플 크림 파스타", 1, ["라지"])], "steps": [("accept", 10), "cooking", "ready"]},
    {**DELIVERY, "key": "bistro-9", "customer": "minseo.kang@example.com", "delivery": MINSEO_HOME,
     "lines": [("트러플 크림 파스타", 1, ["레귤러"]), ("시저 샐러드", 1, [])],
     "steps": [("accept", 15), "cooking", "ready", "out_for_delivery"]},
    {**DELIVERY, "key": "bistro-10", "customer": "tom.baker@example.com", "delivery": TOM_HOME,
     "lines": [("마르게리타 피자", 2, ["씬"])],
     "steps": [("reject", "오늘 도우가 모두 소진되었습니다. 죄송합니다.")]},
    {**DELIVERY, "key": "bistro-11", "customer": "minseo.kang@example.com", "delivery": MINSEO_HOME,
     "notes": "맵지 않게 해 주세요.", "lines": [("비프 라구 리조또", 1, ["순한맛"])]},  # waiting on the board
]
LISTING = {"headline": "성수·한남의 작은 이탈리안 비스트로", "city": "서울",
           "description": "생면 파스타와 화덕 피자. 포장 주문은 앱에서 미리 결제하세요.",
           "translations": {"en": {"headline": "A small Italian bistro in Seongsu and Hannam",
                                   "description": "Fresh pasta and wood-fired pizza. Order ahead and pay in the app "
                                                  "for pickup."}}}


def seed(*, tenant: Tenant, hq, write) -> None:
    owner = tenant.owner
    # Starter allows one branch: the owner asked for one more, HQ approved. Online booking
    # is still waiting in HQ's queue.
    addon_request_ensure(tenant=tenant, code="extra-branch", quantity=1, note="한남점 개점", user=owner,
                         approve_by=hq)
    addon_request_ensure(tenant=tenant, code="online-booking", quantity=1, note="예약 페이지가 필요합니다.",
                         user=owner)
    promo_ensure(tenant=tenant, code=PROMO["code"], actor=owner)
    with tenant_context(tenant):
        settings_ensure(SETTINGS, actor=owner)
        branches = branches_ensure(BRANCHES, actor=owner)
        tags = tags_ensure(TAGS)
        users = staff_ensure(STAFF, owner=owner, branches=branches)
        customers_ensure(CUSTOMERS, users=users, branches=branches, tags=tags)
        api_key_ensure(*API_KEY, actor=owner, write=write)
        items = commerce.catalog_ensure(CATEGORIES, MENU, actor=owner, branches=branches)
        commerce.coupons_ensure(COUPONS, actor=owner)
        customers = commerce.consumers_ensure(CONSUMERS, tenant=tenant)
        seed_food_templates(tenant=tenant, owner=owner)  # a workspace provisioned before the food module
        food.branch_hours_ensure(BRANCHES, branches=branches, actor=owner, earlier=EARLIER_HOURS)
        food.ordering_ensure(ORDERING, branches=branches, actor=owner)
        food.menu_hours_ensure(MENU_HOURS, items=items, actor=owner)
        food.food_orders_ensure(ORDERS, items=items, customers=customers, branches=branches, staff=users)
        commerce.listing_ensure(tenant=tenant, actor=owner, spec=LISTING)
    settlement.history_ensure(
        tenant=tenant, template=ORDERS[0], hq=hq, staff=owner, related=lambda order: Ticket.objects.filter(order=order),
        ensure=lambda specs: food.food_orders_ensure(specs, items=items, customers=customers, branches=branches,
                                                     staff=users))
    invoice_ensure(tenant=tenant, paid=False)  # plan and add-on, less the promo: waiting for payment
