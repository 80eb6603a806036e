from rest_framework import serializers

from apps.core.serializers import ModelSerializer

from .models import AddOn, AddOnRequest, Invoice, InvoiceLine, Plan, Subscription


class PlanOutput(ModelSerializer):
    class Meta:
        model = Plan
        fields = ["code", "name", "name_ko", "billing_period", "trial_days"]


class AddOnOutput(ModelSerializer):
    class Meta:
        model = AddOn
        fields = ["code", "name", "name_ko", "description", "price", "currency", "limit_key", "limit_increase",
                  "feature_flag"]


class SubscriptionOutput(ModelSerializer):
    plan = PlanOutput()
    addons = serializers.SerializerMethodField()
    limits = serializers.DictField(source="limits_resolved", child=serializers.IntegerField(allow_null=True))
    api_requests_this_month = serializers.IntegerField(source="usage_this_month")

    class Meta:
        model = Subscription
        fields = ["status", "plan", "current_period_start", "current_period_end", "trial_ends_on", "addons",
                  "credit", "limits", "api_requests_this_month"]

    def get_addons(self, obj) -> list[dict]:
        return [{"code": item.addon.code, "quantity": item.quantity} for item in obj.addons.all()]


class InvoiceLineOutput(ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["kind", "description", "quantity", "unit_amount", "amount"]


class InvoiceOutput(ModelSerializer):
    lines = InvoiceLineOutput(many=True)

    class Meta:
        model = Invoice
        fields = ["number", "status", "issue_date", "due_date", "period_start", "period_end", "currency",
                  "subtotal", "discount", "tax", "total", "paid_at", "lines"]


class AddOnRequestInput(serializers.Serializer):
    addon = serializers.SlugRelatedField(slug_field="code", queryset=AddOn.objects.filter(is_active=True))
    quantity = serializers.IntegerField(min_value=1, max_value=100, default=1)
    note = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")


class AddOnRequestOutput(ModelSerializer):
    addon = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = AddOnRequest
        fields = ["id", "addon", "quantity", "note", "status", "requested_at", "decided_at", "decision_note"]


class CheckoutOutput(serializers.Serializer):
    invoice = serializers.CharField()
    amount = serializers.DecimalField(max_digits=12, decimal_places=2)
    currency = serializers.CharField()
    payment = serializers.CharField()
    checkout_url = serializers.URLField()


class PlanChangeInput(serializers.Serializer):
    plan = serializers.SlugField(max_length=40)


class PlanChangeOutput(serializers.Serializer):
    plan = serializers.CharField()
    invoice = InvoiceOutput(allow_null=True)


class PromoInput(serializers.Serializer):
    code = serializers.CharField(max_length=40)
