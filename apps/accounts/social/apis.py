"""The app flow for mobile clients: `POST /api/v1/auth/social/{provider}/` exchanges a
Kakao or Naver access token (from the provider's SDK) for our JWT pair on this workspace."""

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES, ErrorSerializer, NoStoreMixin

from ..apis import TOKEN_PAIR_EXAMPLE
from ..serializers import TokenPairOutput
from .services import social_token_obtain


class SocialTokenInput(serializers.Serializer):
    access_token = serializers.CharField(
        label=_("access token"), max_length=2000, help_text="The provider's access token (Kakao or Naver SDK).",
        validators=[RegexValidator(r"^[\x21-\x7e]+$", _("An access token is printable ASCII without spaces."))])
    password = serializers.CharField(label=_("password"), required=False, allow_blank=True, trim_whitespace=False,
                                     write_only=True, style={"input_type": "password"},
                                     help_text="The existing account's password, after a "
                                               "`social_link_password_required` answer.")
    email = serializers.EmailField(label=_("email"), required=False, allow_blank=True,
                                   help_text="After `social_email_required` (Kakao without a business app "
                                             "shares none): the address to use; it must be confirmed by mail.")


class SocialTokenApi(NoStoreMixin, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["auth"], request=SocialTokenInput,
        parameters=[OpenApiParameter("provider", OpenApiTypes.STR, OpenApiParameter.PATH, enum=["kakao", "naver"])],
        responses={200: TokenPairOutput, **ERROR_RESPONSES,
                   404: OpenApiResponse(ErrorSerializer, description="Not a provider offered here."),
                   409: OpenApiResponse(ErrorSerializer, description="`social_link_password_required`."),
                   502: OpenApiResponse(ErrorSerializer, description="The provider could not be reached.")},
        summary="Log in with Kakao or Naver (the provider's access token)",
        description=(
            "We call the provider's user-info endpoint with the token and find the person: the account linked to "
            "that provider account; or, when the provider's e-mail is an existing account's, that account once "
            "`password` proves it (without it: 409 `social_link_password_required`: ask the person for their "
            "password and send it); or a new account. A provider that shares no e-mail: 400 "
            "`social_email_required`, send `email`; an address not confirmed yet: 403 `social_email_unverified` "
            "(the link goes out by mail). Tokens are given to members of this workspace only (403 `not_a_member`: "
            "register first). `social_token_invalid` (401): the provider refused the token."),
        examples=[OpenApiExample("Kakao", value={"access_token": "kakao-access-token"}, request_only=True),
                  OpenApiExample("Link with the existing password", request_only=True,
                                 value={"access_token": "kakao-access-token", "password": "..."}),
                  TOKEN_PAIR_EXAMPLE],
    )
    def post(self, request, provider):
        serializer = SocialTokenInput(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return Response(social_token_obtain(tenant=request.tenant, provider=provider,
                                            access_token=data["access_token"], password=data.get("password") or None,
                                            email=data.get("email") or None, request=request))
