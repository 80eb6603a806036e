"""Bistro Seoul: a restaurant on the starter plan (one branch, a second through an add-on
HQ approved), its staff, regulars who agreed to marketing, and an invoice still open; a
menu with option groups (one dish sold out, a dessert with counted stock), coupons, two
diners who registered on its host with paid, refunded, cancelled and open orders and
reviews, and its listing in the public directory."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from apps.tenants.models import Tenant

from . import commerce
from .platform import PROMO
from .tenants import addon_request_ensure, invoice_ensure, promo_ensure
from .workspace import api_key_ensure, branches_ensure, customers_ensure, settings_ensure, staff_ensure, tags_ensure

TENANT = {"slug": "bistro", "name": "Bistro Seoul", "business_type": Tenant.BusinessType.FOOD,
          "owner_email": "owner@bistro.example.com", "owner_name": "Bistro Owner", "plan": "starter"}
LUNCH_AND_DINNER = {day: ["11:30-15:00", "17:00-22:00"] for day in ("tue", "wed", "thu", "fri", "sat", "sun")}
SETTINGS = {"display_name": "비스트로 서울", "legal_name": "비스트로서울 주식회사", "business_number": "211-87-54321",
            "contact_email": "hello@bistro.example.com", "contact_phone": "02-462-1001",
            "address": "서울특별시 성동구 연무장길 45", "primary_color": "#b91c1c", "accent_color": "#facc15",
            "language": "ko", "timezone": "Asia/Seoul"}
BRANCHES = [
    {"name": "성수점", "address": "서울특별시 성동구 연무장길 45", "phone": "02-462-1001",
     "opening_hours": LUNCH_AND_DINNER},
    {"name": "한남점", "address": "서울특별시 용산구 한남대로 27길 8", "phone": "02-794-2002",
     "opening_hours": {**LUNCH_AND_DINNER, "sun": ["11:30-15:00"]}},
]
TAGS = [("단골", "#b91c1c"), ("VIP", "#7c3aed"), ("채식", "#16a34a"), ("단체 예약", "#0ea5e9")]
STAFF = [  # email, name, role key, limited to these branches
    ("manager@bistro.example.com", "Park Jisoo", "manager", ["성수점"]),
    ("server@bistro.example.com", "Jung Hoon", "cashier", ["성수점", "한남점"]),
    ("kitchen@bistro.example.com", "Yoon Seri", "kitchen", ["한남점"]),
]
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
ORDERS = [
    {"key": "bistro-1", "customer": "minseo.kang@example.com", "branch": "성수점", "fulfilment": "pickup",
     "staff": MANAGER, "coupon": "WELCOME3000",
     "lines": [("트러플 크림 파스타", 1, ["라지", "베이컨"]), ("수제 레몬에이드", 2, ["레귤러"])],
     "steps": ["confirmed", "completed", ("review", 5, "파스타가 정말 맛있어요! 포장도 깔끔했습니다.",
                                           "감사합니다! 다음 방문도 기다릴게요.")]},
    {"key": "bistro-2", "customer": "tom.baker@example.com", "branch": "성수점", "fulfilment": "pickup",
     "staff": MANAGER, "lines": [("마르게리타 피자", 1, ["씬"]), ("시저 샐러드", 1, [])],
     "steps": ["confirmed", "completed", ("refund", 12000, "샐러드 누락"),
               ("review", 4, "Great pizza. The salad was missing, and they refunded it right away.")]},
    {"key": "bistro-3", "customer": "minseo.kang@example.com", "branch": "한남점", "fulfilment": "pickup",
     "staff": MANAGER, "lines": [("비프 라구 리조또", 1, ["보통"])], "steps": [("cancel", "메뉴를 잘못 골랐어요.")]},
    {"key": "bistro-4", "customer": "tom.baker@example.com", "branch": "한남점", "fulfilment": "pickup",
     "staff": MANAGER, "coupon": "LUNCH10", "lines": [("트러플 크림 파스타", 2, ["레귤러", "버섯"])],
     "steps": ["confirmed"]},
    {"key": "bistro-5", "customer": "minseo.kang@example.com", "branch": "성수점", "fulfilment": "pickup",
     "staff": MANAGER, "lines": [("오늘의 티라미수", 2, []), ("수제 레몬에이드", 1, ["라지"])], "pay": False},
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
        commerce.orders_ensure(ORDERS, items=items, customers=customers, branches=branches, staff=users)
        commerce.listing_ensure(tenant=tenant, actor=owner, spec=LISTING)
    invoice_ensure(tenant=tenant, paid=False)  # plan and add-on, less the promo: waiting for payment
