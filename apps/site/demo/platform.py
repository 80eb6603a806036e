"""The platform side of the demo (public schema): HQ, the catalog, a flag, onboarding."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.utils.crypto import salted_hmac

from apps.accounts.hq import HQ_MASTER
from apps.accounts.models import User
from apps.announcements.models import Announcement
from apps.announcements.services import announcement_publish
from apps.billing.catalog import addon_save, plan_price_set, plan_save
from apps.billing.models import AddOn, Plan, PromoCode
from apps.billing.promos import promo_create
from apps.core.clock import platform_today
from apps.flags.models import Flag, FlagRule
from apps.flags.services import flag_save
from apps.onboarding.models import ApprovalStep
from apps.onboarding.services import checklist_item_set, step_approve, step_comment, tenant_enrol
from apps.tenants.models import Tenant

HQ_EMAIL = "hq@example.com"
DEMO_PLANS = [
    # code, English, Korean, self sign-up, trial days, staff, branches, API/min, API/month, price KRW, commission %
    ("starter", "Starter", "스타터", True, 14, 5, 1, 120, 100_000, "29000", "3.50"),
    ("pro", "Pro", "프로", True, 14, 30, 5, 600, 1_000_000, "99000", "2.50"),
    ("enterprise", "Enterprise", "엔터프라이즈", False, 0, None, None, 3000, None, "390000", "2.00"),
]
ADDONS = [
    # code, English, Korean, price KRW, raises limit, by, enables flag
    ("extra-branch", "Extra branch", "지점 추가", "9900", "branches", 1, ""),
    ("online-booking", "Online booking", "온라인 예약", "19000", "", 0, "online-booking"),
]
FLAG = {"key": "online-booking", "description": "Customers book classes and tables online (rolling out).",
        "rules": [  # kind, values, percentage: first match wins
            (FlagRule.Kind.PLAN, "pro, enterprise", None),
            (FlagRule.Kind.PERCENTAGE, "", 20)]}
PROMO = {"code": "WELCOME10", "description": "10% off the first month for new workspaces",
         "kind": PromoCode.Kind.PERCENT, "value": Decimal("10"), "duration": PromoCode.Duration.ONCE,
         "max_redemptions": 100, "plans": ["starter", "pro"]}
# A third business, on a plan that needs HQ approval: it waits on the onboarding board.
AWAITING = {"slug": "hanbit", "name": "Hanbit Language School", "business_type": Tenant.BusinessType.ACADEMY,
            "owner_email": "owner@hanbit.example.com", "owner_name": "Hanbit Owner", "plan": "enterprise",
            "contact_phone": "010-4821-7730"}
AWAITING_DONE = ["contract", "role-template"]  # checklist items HQ ticked
AWAITING_SALES_COMMENT = "Enterprise contract signed for three campuses."
AWAITING_SECURITY_COMMENT = "Waiting for their answers to the security questionnaire."


def demo_login(user: User) -> User:
    """Log in with DEMO_PASSWORD, email confirmed (only what differs is written)."""
    if user.password != _demo_password_hash():
        user.password = _demo_password_hash()
        user.save(update_fields=["password"])
    if not EmailAddress.objects.filter(user=user, email=user.email, verified=True, primary=True).exists():
        EmailAddress.objects.update_or_create(user=user, email=user.email,
                                              defaults={"verified": True, "primary": True})
    return user


@functools.cache
def _demo_password_hash() -> str:
    """DEMO_PASSWORD hashed once, with a salt derived from it and SECRET_KEY: the same hash on
    every run, so that a login that has it already is known by comparing strings instead of
    by checking the password (PBKDF2: a third of `seed_demo`'s time went to hashing and
    checking the demo logins' passwords). The password is the demo's, printed by seed_demo."""
    salt = salted_hmac("apps.site.demo.password", settings.DEMO_PASSWORD).hexdigest()[:22]
    return make_password(settings.DEMO_PASSWORD, salt=salt)


def hq_ensure() -> User:
    hq, _created = User.objects.get_or_create(
        email=HQ_EMAIL, defaults={"full_name": "HQ Master", "is_staff": True, "is_superuser": True})
    demo_login(hq)
    hq.groups.add(Group.objects.get(name=HQ_MASTER))
    if not Authenticator.objects.filter(user=hq, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(hq, settings.DEMO_TOTP_SECRET)  # the portal asks HQ staff for a TOTP code
    return hq


def plans_ensure(*, actor) -> dict[str, Plan]:
    """The demo plan catalog, through the billing services (audited, versioned prices)."""
    plans = {}
    for order, (code, name, name_ko, self_signup, trial, staff, branches, per_minute, per_month,
                price, commission) in enumerate(DEMO_PLANS):
        plan = Plan.objects.filter(code=code).first()
        if plan is None:
            plan = plan_save(plan=Plan(
                code=code, name=name, name_ko=name_ko, self_signup=self_signup, trial_days=trial,
                max_staff_users=staff, max_branches=branches, api_requests_per_minute=per_minute,
                api_requests_per_month=per_month, sort_order=order), actor=actor)
        if not plan.prices.exists():
            plan_price_set(plan=plan, amount=Decimal(price), commission_rate=Decimal(commission),
                           effective_from=platform_today(), actor=actor)
        plans[code] = plan
    return plans


def catalog_extras_ensure(*, actor, plans: dict[str, Plan]) -> None:
    """Add-ons, the promo code and the feature flag with its targeting rules."""
    for code, name, name_ko, price, limit_key, increase, flag in ADDONS:
        if not AddOn.objects.filter(code=code).exists():
            addon_save(addon=AddOn(code=code, name=name, name_ko=name_ko, price=Decimal(price), limit_key=limit_key,
                                   limit_increase=increase, feature_flag=flag), actor=actor)
    if not PromoCode.objects.filter(code__iexact=PROMO["code"]).exists():
        fields = {key: value for key, value in PROMO.items() if key != "plans"}
        promo_create(promo=PromoCode(**fields), plans=[plans[code] for code in PROMO["plans"]], actor=actor)
    if not Flag.objects.filter(key=FLAG["key"]).exists():
        flag = Flag(key=FLAG["key"], description=FLAG["description"], owner=actor,
                    expires_on=platform_today() + dt.timedelta(days=90))

        def rules():  # what the admin's rules inline saves, in the same audited transaction
            for position, (kind, values, percentage) in enumerate(FLAG["rules"]):
                rule = FlagRule(flag=flag, position=position, kind=kind, values=values, percentage=percentage)
                rule.full_clean()
                rule.save()

        flag_save(flag=flag, actor=actor, save_related=rules)


def onboarding_ensure(*, plan: Plan, actor) -> Tenant:
    """The tenant waiting for approval: checklist partly ticked, the sales step approved,
    a question open on the security step."""
    tenant = Tenant.objects.filter(slug=AWAITING["slug"]).first()
    if tenant is None:
        tenant = tenant_enrol(through_approval=True, **{**AWAITING, "plan": plan}, actor=actor)
    if tenant.status != Tenant.Status.REQUESTED:
        return tenant  # approved in the portal meanwhile: leave it alone
    for item in tenant.checklist.filter(key__in=AWAITING_DONE, done=False):
        checklist_item_set(item=item, done=True, actor=actor)
    sales = tenant.approval_steps.get(stage=ApprovalStep.Stage.SALES)
    if sales.status == ApprovalStep.Status.PENDING:
        step_approve(step=sales, actor=actor, comment=AWAITING_SALES_COMMENT)
    security = tenant.approval_steps.get(stage=ApprovalStep.Stage.SECURITY)
    if not security.comments.exists():
        step_comment(step=security, body=AWAITING_SECURITY_COMMENT, actor=actor)
    return tenant


ANNOUNCEMENT = {
    "title": "Welcome to the platform", "title_ko": "플랫폼에 오신 것을 환영합니다",
    "body": "Set up your catalog and invite your staff: your customers can order from your page today.",
    "body_ko": "상품을 등록하고 직원을 초대하세요. 오늘부터 고객이 페이지에서 주문할 수 있습니다.",
}


def announcement_ensure(*, actor) -> None:
    """A published announcement from HQ, shown at the top of every workspace's admin."""
    announcement, created = Announcement.objects.get_or_create(title=ANNOUNCEMENT["title"], defaults={
        **ANNOUNCEMENT, "created_by": actor})
    if created:
        announcement_publish(announcement=announcement, actor=actor)
