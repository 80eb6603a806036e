from django.conf import settings
from django.utils.translation import gettext_lazy as _
from phonenumber_field.serializerfields import PhoneNumberField
from rest_framework import serializers

from apps.core.serializers import ModelSerializer, StoredPhoneField, StrictCharField

from .models import Consent

PHONE_HELP = _("A phone number, e.g. 010-1234-5678 (Korean) or +82 10-1234-5678; answered in E.164 (+821012345678).")


class ConsentsInput(serializers.Serializer):
    terms = serializers.BooleanField(help_text=_("Accepts the terms of service (required)."))
    privacy = serializers.BooleanField(help_text=_("Accepts the privacy policy (required)."))
    marketing = serializers.BooleanField(required=False, default=False,
                                         help_text=_("Agrees to receive marketing messages (optional)."))


class RegisterInput(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    password = serializers.CharField(max_length=128, trim_whitespace=False, style={"input_type": "password"})
    name = StrictCharField(max_length=150)
    phone = PhoneNumberField(required=False, allow_blank=True, help_text=PHONE_HELP)
    birth_date = serializers.DateField(required=False, allow_null=True)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False, allow_blank=True)
    consents = ConsentsInput()


class TokensOutput(serializers.Serializer):
    access = serializers.CharField()
    refresh = serializers.CharField()


class RegisterOutput(serializers.Serializer):
    customer = serializers.IntegerField(source="customer.pk", help_text=_("Your customer id in this workspace."))
    email = serializers.EmailField(source="user.email")
    email_verified = serializers.BooleanField(
        help_text=_("False until you follow the link in the confirmation email we sent."))
    tokens = TokensOutput()


class ProfileOutput(serializers.Serializer):
    customer = serializers.IntegerField(source="customer.pk")
    email = serializers.EmailField(source="user.email")
    email_verified = serializers.BooleanField()
    name = serializers.CharField(source="customer.name")
    phone = StoredPhoneField(source="customer.phone", help_text=PHONE_HELP)
    birth_date = serializers.DateField(source="customer.birth_date", allow_null=True)
    language = serializers.CharField(source="user.language", help_text=_("Language of your emails: en or ko."))
    marketing_consent = serializers.BooleanField(source="customer.marketing_consent")
    marketing_consent_at = serializers.DateTimeField(source="customer.marketing_consent_at", allow_null=True)


class ProfileInput(serializers.Serializer):
    name = StrictCharField(max_length=150, required=False)
    phone = PhoneNumberField(required=False, allow_blank=True, help_text=PHONE_HELP)
    language = serializers.ChoiceField(choices=settings.LANGUAGES, required=False)
    marketing_consent = serializers.BooleanField(required=False)


class ConsentOutput(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)

    class Meta:
        model = Consent
        fields = ["id", "kind", "kind_label", "granted", "version", "recorded_at"]
