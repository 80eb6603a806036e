"""Consumer API on a workspace's host: register, then one's own profile and consents
(thin: parse, call a service or selector, serialise)."""

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from apps.core.api import ERROR_RESPONSES, NoStoreMixin
from apps.core.net import client_ip

from . import selectors, services
from .api import ConsumerApi
from .serializers import ConsentOutput, ProfileInput, ProfileOutput, RegisterInput, RegisterOutput

REGISTER_EXAMPLE = {"email": "minji@example.com", "password": "a-long-passphrase-2026", "name": "Kim Minji",
                    "phone": "010-1234-5678", "language": "ko",
                    "consents": {"terms": True, "privacy": True, "marketing": False}}
REGISTERED = {"customer": 42, "email": "minji@example.com", "email_verified": False,
              "tokens": {"access": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0eXBlIjoiYWNjZXNzIn0.c2lnbmF0dXJl",
                         "refresh": "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ0eXBlIjoicmVmcmVzaCJ9.c2lnbmF0dXJl"}}
PROFILE = {"customer": 42, "email": "minji@example.com", "email_verified": True, "name": "Kim Minji",
           "phone": "+821012345678", "birth_date": "1994-04-02", "language": "ko", "marketing_consent": True,
           "marketing_consent_at": "2026-03-02T09:00:00Z"}


def _parse(serializer_class, request, **kwargs) -> dict:
    serializer = serializer_class(data=request.data, **kwargs)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


class RegisterApi(NoStoreMixin, APIView):
    authentication_classes = []
    permission_classes = [AllowAny]

    @extend_schema(
        tags=["consumers"], request=RegisterInput, responses={201: RegisterOutput, **ERROR_RESPONSES},
        summary="Register as a customer of this business",
        description="Creates your account (or, if you already have one on the platform, joins with it: give its "
                    "password, `invalid_credentials` otherwise; failed attempts count towards the lockout) and your "
                    "customer record here, records your answers to the terms, the privacy policy (both required: "
                    "`consent_required`) and marketing, and sends a confirmation email. Returns your first tokens. "
                    "Registering again with the same address is `already_registered` (409): log in instead.",
        examples=[OpenApiExample("Register", value=REGISTER_EXAMPLE, request_only=True),
                  OpenApiExample("Registered", value=REGISTERED, response_only=True, status_codes=["201"])])
    def post(self, request):
        data = _parse(RegisterInput, request)
        registration = services.consumer_register(
            tenant=request.tenant, email=data["email"], password=data["password"], name=data["name"],
            phone=data.get("phone") or None, birth_date=data.get("birth_date"), language=data.get("language", ""),
            consents=data["consents"], ip=client_ip(request), request=request._request)
        return Response(RegisterOutput(registration).data, status=status.HTTP_201_CREATED)


class ProfileApi(ConsumerApi):
    serializer_class = ProfileOutput

    def _profile(self) -> dict:
        return {"customer": self.customer, "user": self.user,
                "email_verified": services.email_verified(user=self.user)}

    @extend_schema(tags=["consumers"], summary="My profile here", responses={200: ProfileOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Profile", value=PROFILE, response_only=True)])
    def get(self, request):
        return Response(ProfileOutput(self._profile()).data)

    @extend_schema(tags=["consumers"], summary="Change my name, phone, language or marketing consent",
                   description="A change of marketing consent is recorded with its time and document version "
                               "(see `/api/v1/my/consents/`).",
                   request=ProfileInput, responses={200: ProfileOutput, **ERROR_RESPONSES},
                   examples=[OpenApiExample("Opt in to marketing", value={"marketing_consent": True},
                                            request_only=True),
                             OpenApiExample("Profile", value=PROFILE, response_only=True)])
    def patch(self, request):
        data = _parse(ProfileInput, request)
        services.consumer_profile_update(tenant=request.tenant, customer=self.customer, user=self.user,
                                         ip=client_ip(request), **data)
        return Response(ProfileOutput(self._profile()).data)


class ConsentListApi(ConsumerApi):
    serializer_class = ConsentOutput

    def get_queryset(self):
        return selectors.consent_list(customer=self.customer)

    @extend_schema(tags=["consumers"], summary="What I agreed to here, newest first",
                   responses={200: ConsentOutput(many=True), **ERROR_RESPONSES},
                   examples=[OpenApiExample("Consents", response_only=True, value=[
                       {"id": 3, "kind": "marketing", "kind_label": "Marketing messages", "granted": True,
                        "version": "2026-03-01", "recorded_at": "2026-03-05T10:00:00Z"},
                       {"id": 1, "kind": "terms", "kind_label": "Terms of service", "granted": True,
                        "version": "2026-03-01", "recorded_at": "2026-03-02T09:00:00Z"}])])
    def get(self, request):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(ConsentOutput(page, many=True).data)
