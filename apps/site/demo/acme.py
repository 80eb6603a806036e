"""Acme Academy: an academy on the pro plan with three campuses, its staff, students
(minors with their guardians) and an invoice it has paid; courses in a catalog, coupons,
a parent and an adult student who registered on its host, with paid, refunded, cancelled
and open enrolments and a review, and its listing in the public directory; two classes
with three weeks of sessions and attendance behind them (`academy`)."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from apps.tenants.models import Tenant

from . import academy, commerce, settlement
from .tenants import invoice_ensure
from .workspace import api_key_ensure, branches_ensure, customers_ensure, settings_ensure, staff_ensure, tags_ensure

TENANT = {"slug": "acme", "name": "Acme Academy", "business_type": Tenant.BusinessType.ACADEMY,
          "owner_email": "owner@acme.example.com", "owner_name": "Acme Owner", "plan": "pro"}
OWNER = TENANT["owner_email"]
AFTER_SCHOOL = {**{day: ["14:00-22:00"] for day in ("mon", "tue", "wed", "thu", "fri")}, "sat": ["10:00-18:00"]}
SETTINGS = {"display_name": "Acme Academy", "legal_name": "(주)애크미에듀", "business_number": "120-86-12345",
            "contact_email": "hello@acme.example.com", "contact_phone": "02-3453-0100",
            "address": "서울특별시 강남구 테헤란로 152", "primary_color": "#0f766e", "accent_color": "#f97316",
            "language": "en", "timezone": "Asia/Seoul"}
BRANCHES = [  # named as the academy typed them
    {"name": "Gangnam campus", "address": "서울특별시 강남구 테헤란로 152, 5층", "phone": "02-3453-0101",
     "opening_hours": AFTER_SCHOOL},
    {"name": "Bundang campus", "address": "경기도 성남시 분당구 정자일로 95", "phone": "031-712-3456",
     "opening_hours": AFTER_SCHOOL},
    {"name": "목동 캠퍼스", "address": "서울특별시 양천구 목동동로 233", "phone": "02-2645-1234",
     "opening_hours": {"sat": ["09:00-17:00"], "sun": ["09:00-13:00"]}},
]
TAGS = [("Math", "#2563eb"), ("English", "#16a34a"), ("장학생", "#f59e0b")]
STAFF = [  # email, name, role key, limited to these branches
    ("manager@acme.example.com", "Kim Minji", "manager", ["Gangnam campus"]),
    ("teacher@acme.example.com", "Lee Junho", "teacher", ["Bundang campus"]),
    ("desk@acme.example.com", "Choi Yuna", "clerk", ["Gangnam campus", "Bundang campus"]),
]
DESK = "desk@acme.example.com"
CUSTOMERS = [  # students (minors come with a guardian), registered at the front desk
    {"name": "김하준", "birth_date": "2014-03-14", "branch": "Gangnam campus", "tags": ["Math"], "by": DESK,
     "guardians": [("김지훈", "아버지", "010-2345-6701")]},
    {"name": "이서윤", "birth_date": "2012-09-02", "branch": "Gangnam campus", "tags": ["English", "장학생"],
     "by": DESK, "guardians": [("박수진", "어머니", "010-3456-7802")], "notes": "Scholarship for the 2026 term."},
    {"name": "최도윤", "birth_date": "2010-12-20", "branch": "Bundang campus", "tags": ["Math", "English"],
     "by": DESK, "guardians": [("최영호", "아버지", "010-4567-8903"), ("정미경", "어머니", "010-4567-8904")]},
    {"name": "Emily Park", "birth_date": "1998-06-11", "branch": "Bundang campus", "tags": ["English"], "by": DESK,
     "phone": "010-5678-9005", "email": "emily.park@example.com", "marketing_consent": True},
    {"name": "정민수", "birth_date": "2001-01-15", "branch": "목동 캠퍼스", "tags": ["English"], "by": OWNER,
     "phone": "010-6789-0106", "notes": "Weekend TOEIC class."},
]
API_KEY = ("Website sign-up form", ["customer:view", "customer:add"])
CATEGORIES = [{"name": "Math", "translations": {"ko": {"name": "수학"}}},
              {"name": "English", "translations": {"ko": {"name": "영어"}}},
              {"name": "Coding", "translations": {"ko": {"name": "코딩"}}}]
COURSES = [  # tuition is VAT-exempt
    {"kind": "course", "category": "Math", "name": "Middle-school math, advanced (monthly)", "price": 320000,
     "vat_rate": 0, "translations": {"ko": {"name": "중등 수학 심화 (월)"}},
     "description": "Two 100-minute classes a week, weekly tests and a monthly report to parents.",
     "option_groups": [{"name": "Class days", "required": True, "min_choices": 1, "max_choices": 1,
                        "translations": {"ko": {"name": "수업 요일"}},
                        "options": [{"name": "Mon & Wed", "translations": {"ko": {"name": "월·수"}}},
                                    {"name": "Tue & Thu", "translations": {"ko": {"name": "화·목"}}}]}]},
    {"kind": "course", "category": "English", "name": "Elementary English reading (monthly)", "price": 240000,
     "vat_rate": 0, "translations": {"ko": {"name": "초등 영어 리딩 (월)"}},
     "option_groups": [{"name": "Textbook", "min_choices": 0, "max_choices": 1,
                        "translations": {"ko": {"name": "교재"}},
                        "options": [{"name": "Textbook set", "price_delta": 25000,
                                     "translations": {"ko": {"name": "교재 세트"}}}]}]},
    {"kind": "course", "category": "English", "name": "TOEIC weekend class (monthly)", "price": 280000, "vat_rate": 0,
     "branches": ["목동 캠퍼스"], "translations": {"ko": {"name": "TOEIC 주말반 (월)"}}},
    {"kind": "course", "category": "Coding", "name": "Python for beginners (8 weeks)", "price": 360000, "vat_rate": 0,
     "stock": 12, "description": "12 seats per term.", "translations": {"ko": {"name": "파이썬 코딩 입문 (8주)",
                                                                              "description": "학기당 12명 정원."}}},
]
COUPONS = [
    {"code": "TRIAL20000", "name": "First month: 20,000 won off", "kind": "fixed", "amount": 20000,
     "min_order_amount": 200000, "first_order_only": True},
    {"code": "SIBLING10", "name": "Sibling discount 10%", "kind": "percent", "percent": 10, "per_customer_limit": 12},
]
CONSUMERS = [  # parents and adult students who registered on acme.localhost
    {"email": "jihoon.kim@example.com", "name": "김지훈", "phone": "010-2345-6701", "language": "ko"},
    # the front desk had registered her already: registering links her customer record
    {"email": "emily.park@example.com", "name": "Emily Park", "phone": "010-5678-9005", "language": "en",
     "marketing": True},
]
MANAGER = "manager@acme.example.com"
ENROLMENT = {"kind": "enrolment", "fulfilment": "on_site", "staff": MANAGER}
ORDERS = [
    {**ENROLMENT, "key": "acme-1", "customer": "jihoon.kim@example.com", "branch": "Gangnam campus",
     "coupon": "TRIAL20000", "lines": [("Middle-school math, advanced (monthly)", 1, ["Mon & Wed"])],
     "notes": "김하준 (중2)",
     "steps": ["confirmed", "completed", ("review", 5, "선생님이 꼼꼼하게 봐주셔서 아이가 수학을 좋아하게 됐어요.",
                                           "감사합니다. 다음 달에도 잘 지도하겠습니다.")]},
    {**ENROLMENT, "key": "acme-2", "customer": "emily.park@example.com", "branch": "목동 캠퍼스",
     "lines": [("TOEIC weekend class (monthly)", 1, [])],
     "steps": ["confirmed", ("refund", 140000, "Moved to a weekday class after two weeks")]},
    {**ENROLMENT, "key": "acme-3", "customer": "emily.park@example.com", "branch": "Bundang campus",
     "lines": [("Python for beginners (8 weeks)", 1, [])], "steps": [("cancel", "Schedule conflict")]},
    {**ENROLMENT, "key": "acme-4", "customer": "jihoon.kim@example.com", "branch": "Gangnam campus",
     "coupon": "SIBLING10", "lines": [("Elementary English reading (monthly)", 1, ["Textbook set"])],
     "notes": "김하은 (초4)", "steps": ["confirmed"]},
]
LISTING = {"headline": "Math, English and coding for grades 3-12 in Gangnam, Bundang and Mokdong", "city": "서울",
           "description": "Small classes, weekly tests and monthly reports to parents.",
           "translations": {"ko": {"headline": "강남·분당·목동 초중고 수학·영어·코딩 전문 학원",
                                   "description": "소수 정예 수업, 주간 테스트, 학부모 월간 리포트."}}}


def seed(*, tenant: Tenant, hq, write) -> None:
    owner = tenant.owner
    with tenant_context(tenant):
        settings_ensure(SETTINGS, actor=owner)
        branches = branches_ensure(BRANCHES, actor=owner)
        tags = tags_ensure(TAGS)
        users = staff_ensure(STAFF, owner=owner, branches=branches)
        customers_ensure(CUSTOMERS, users=users, branches=branches, tags=tags)
        api_key_ensure(*API_KEY, actor=owner, write=write)
        items = commerce.catalog_ensure(CATEGORIES, COURSES, actor=owner, branches=branches)
        commerce.coupons_ensure(COUPONS, actor=owner)
        customers = commerce.consumers_ensure(CONSUMERS, tenant=tenant)
        commerce.orders_ensure(ORDERS, items=items, customers=customers, branches=branches, staff=users)
        commerce.listing_ensure(tenant=tenant, actor=owner, spec=LISTING)
        academy.academy_ensure(owner=owner, users=users, branches=branches, items=items)
    settlement.history_ensure(
        tenant=tenant, template=ORDERS[0], hq=hq, staff=owner, related=lambda order: [],
        ensure=lambda specs: commerce.orders_ensure(specs, items=items, customers=customers, branches=branches,
                                                    staff=users))
    invoice_ensure(tenant=tenant, paid=True)  # paid up front, by card, through the sandbox checkout
