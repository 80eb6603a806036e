"""Bistro Seoul: a restaurant on the starter plan (one branch, a second through an add-on
HQ approved), its staff, regulars who agreed to marketing, and an invoice still open."""

from __future__ import annotations

from django_tenants.utils import tenant_context

from apps.tenants.models import Tenant

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
    invoice_ensure(tenant=tenant, paid=False)  # plan and add-on, less the promo: waiting for payment
