"""Publishing and applying industry templates."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from apps.audit.services import audit_record
from apps.core.changes import diff

from .models import IndustryTemplate, TemplateApplication
from .registry import applier_for
from .selectors import template_current

CONTENT_FIELDS = ("name", "default_plan", "default_flags", "sample_catalog", "notification_templates")


def _content(template: IndustryTemplate | None) -> dict:
    if template is None:
        return {}
    return {"name": template.name, "default_plan": template.default_plan_id, "default_flags": template.default_flags,
            "sample_catalog": template.sample_catalog, "notification_templates": template.notification_templates}


def template_publish(*, template: IndustryTemplate, actor) -> IndustryTemplate:
    """Save an edit as a new version: tenants provisioned earlier keep theirs."""
    with transaction.atomic():
        previous = template_current(business_type=template.business_type)
        latest = (IndustryTemplate.objects.select_for_update().filter(business_type=template.business_type)
                  .aggregate(v=Max("version"))["v"])
        new = IndustryTemplate(business_type=template.business_type, version=(latest or 0) + 1,
                               created_by=actor, **{f: getattr(template, f) for f in CONTENT_FIELDS})
        new.full_clean()
        new.save()
        audit_record(action="industry_template.published", actor=actor, target=new,
                     changes=diff(_content(previous), _content(new)),
                     metadata={"business_type": new.business_type, "version": new.version})
    return new


def template_apply(*, tenant, template: IndustryTemplate, actor=None) -> TemplateApplication:
    """Default flags (as tenant overrides), then the parts other apps seed (sample
    catalog, notification templates), each through the part its app registered
    (apps.industry.registry). The default plan is billing's to read: a tenant that chose
    none is subscribed to it at provisioning."""
    result = {"version": template.version, "flags": {}, "parts": {}}
    flags_applier = applier_for("default_flags")
    if flags_applier and template.default_flags:
        result["flags"] = flags_applier(tenant=tenant, items=template.default_flags,
                                        reason=f"industry template {template}")
    for part in ("sample_catalog", "notification_templates"):
        items = getattr(template, part)
        applier = applier_for(part)
        result["parts"][part] = applier(tenant=tenant, items=items) if applier and items else 0
    application = TemplateApplication.objects.create(tenant=tenant, template=template, result=result)
    audit_record(action="industry_template.applied", actor=actor, target=application, tenant=tenant,
                 metadata=result)
    return application


def provisioning_apply_template(*, tenant, owner) -> None:
    """Provisioning step: the current template of the tenant's business type."""
    template = template_current(business_type=tenant.business_type)
    if template is not None and not TemplateApplication.objects.filter(tenant=tenant).exists():
        template_apply(tenant=tenant, template=template)
