"""Reviews in the tenant admin: the list with ratings, customers and orders; a review's
page where staff write the public reply; hiding (with a reason) and showing again as
list actions. Every change goes through apps.reviews.services (audited, ratings kept)."""

from django import forms
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy
from unfold.decorators import display
from unfold.widgets import UnfoldAdminTextInputWidget

from apps.core.admin_navigation import admin_navigation
from apps.core.admin_sites import tenant_admin
from apps.core.errors import PlatformError
from apps.rbac.admin_scoping import BranchScopedAdmin

from . import selectors, services
from .models import REASON_MAX_LENGTH, Review


def stars(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


class RepliedFilter(admin.SimpleListFilter):
    title = _("replied")
    parameter_name = "replied"

    def lookups(self, request, model_admin):
        return [("yes", _("Replied")), ("no", _("Not replied yet"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(reply="")
        if self.value() == "no":
            return queryset.filter(reply="")
        return queryset


class ReviewForm(forms.ModelForm):
    """Only the reply is edited here (the review is the customer's words)."""

    class Meta:
        model = Review
        fields = ["reply"]
        widgets = {"reply": forms.Textarea(attrs={"rows": 4})}


class HideForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH, widget=UnfoldAdminTextInputWidget,
                             help_text=_("Kept with the review and in the audit log."))


@admin.register(Review, site=tenant_admin)
class ReviewAdmin(BranchScopedAdmin):
    empty_help = _("Customers' reviews of their completed orders appear here. Reply to thank them; hide a review "
                   "that breaks your rules (it stops counting in your rating).")
    branch_field = selectors.BRANCH_FIELD
    form = ReviewForm
    list_display = ["created_at", "stars_column", "excerpt_column", "customer", "order_column", "items_column",
                    "shown_column", "replied_column"]
    list_display_links = ["created_at", "stars_column"]
    list_filter = ["rating", "is_hidden", RepliedFilter]
    search_fields = ["text", "reply", "customer__name"]
    list_select_related = ["order", "customer"]
    date_hierarchy = "created_at"
    fields = ["created_at", "stars_column", "customer", "order_column", "items_column", "text", "reply",
              "replied_at", "hidden_column"]
    readonly_fields = ["created_at", "stars_column", "customer", "order_column", "items_column", "text",
                       "replied_at", "hidden_column"]
    actions = ["hide_reviews", "unhide_reviews"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("items")

    def _object_branch_id(self, obj):
        return selectors.review_branch_id(obj)

    def has_add_permission(self, request):
        return False  # customers write reviews

    def has_delete_permission(self, request, obj=None):
        return False  # hide instead: the review and its history stay

    @display(description=_("rating"), ordering="rating")
    def stars_column(self, obj):
        return stars(obj.rating)

    @display(description=pgettext_lazy("purchase", "order"), ordering="order__number")
    def order_column(self, obj):
        try:
            link = reverse(f"{self.admin_site.name}:orders_order_change", args=[obj.order_id])
        except NoReverseMatch:
            return f"#{obj.order.number}"
        return format_html('<a href="{}" class="text-primary-600">#{}</a>', link, obj.order.number)

    @display(description=_("shown"), ordering="is_hidden", label={"shown": "success", "hidden": "warning"})
    def shown_column(self, obj):
        return ("hidden", _("Hidden")) if obj.is_hidden else ("shown", _("Shown"))

    @display(description=_("review"))
    def excerpt_column(self, obj):
        return Truncator(obj.text).chars(60) if obj.text else "—"

    @display(description=_("items"))
    def items_column(self, obj):
        return ", ".join(row.item_name for row in obj.items.all())

    @display(description=_("replied"), boolean=True)
    def replied_column(self, obj):
        return obj.is_replied

    @display(description=_("hidden"))
    def hidden_column(self, obj):
        if not obj.is_hidden:
            return _("No: shown and counted in the ratings")
        return _("Hidden on %(date)s: %(reason)s") % {"date": obj.hidden_at.date() if obj.hidden_at else "",
                                                     "reason": obj.hidden_reason}

    def save_model(self, request, obj, form, change):
        try:
            services.review_reply(review=obj, actor=request.user, text=form.cleaned_data.get("reply", ""))
        except PlatformError as error:
            messages.error(request, error.message)

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("reviews.change_review"):
            actions.pop("hide_reviews", None)
            actions.pop("unhide_reviews", None)
        return actions

    def _changeable(self, request, queryset):
        return [review for review in queryset if self.has_change_permission(request, review)]

    @admin.action(description=_("Hide selected reviews"))
    def hide_reviews(self, request, queryset):
        form = HideForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            hidden = 0
            for review in self._changeable(request, queryset.filter(is_hidden=False)):
                services.review_hide(review=review, actor=request.user, reason=form.cleaned_data["reason"])
                hidden += 1
            messages.success(request, ngettext("%(count)d review hidden.", "%(count)d reviews hidden.", hidden)
                             % {"count": hidden})
            return None
        context = {**self.admin_site.each_context(request), "title": _("Hide reviews"), "form": form,
                   "queryset": queryset, "opts": self.model._meta,
                   "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME}
        return TemplateResponse(request, "admin/reviews/review/hide.html", context)

    @admin.action(description=_("Show selected reviews again"))
    def unhide_reviews(self, request, queryset):
        shown = 0
        for review in self._changeable(request, queryset.filter(is_hidden=True)):
            services.review_unhide(review=review, actor=request.user)
            shown += 1
        messages.success(request, ngettext("%(count)d review shown again.", "%(count)d reviews shown again.", shown)
                         % {"count": shown})


admin_navigation(tenant_admin, "sales", model=Review, icon="reviews", order=40)
