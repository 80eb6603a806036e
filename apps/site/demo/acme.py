"""Acme Academy: an academy on the pro plan with three campuses, its staff, students
(minors with their guardians) and an invoice it has paid."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from apps.tenants.models import Tenant

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


def seed(*, tenant: Tenant, hq, write) -> None:
    owner = tenant.owner
    with tenant_context(tenant):
        settings_ensure(SETTINGS, actor=owner)
        branches = branches_ensure(BRANCHES, actor=owner)
        tags = tags_ensure(TAGS)
        users = staff_ensure(STAFF, owner=owner, branches=branches)
        customers_ensure(CUSTOMERS, users=users, branches=branches, tags=tags)
        api_key_ensure(*API_KEY, actor=owner, write=write)
    invoice_ensure(tenant=tenant, paid=True)  # paid up front, by card, through the sandbox checkout
