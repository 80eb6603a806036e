from .models import IndustryTemplate


def template_current(*, business_type: str) -> IndustryTemplate | None:
    return (IndustryTemplate.objects.filter(business_type=business_type).select_related("default_plan")
            .order_by("-version").first())


def default_plan_for(*, business_type: str):
    template = template_current(business_type=business_type)
    return template.default_plan if template is not None else None
