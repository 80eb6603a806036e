from rest_framework import serializers

from apps.core.serializers import ModelSerializer
from apps.tenants.domains import domain_dns_records
from apps.tenants.models import Domain


class DnsRecordSerializer(serializers.Serializer):
    type = serializers.CharField(help_text="TXT (proof of control) or CNAME (where the domain points).")
    name = serializers.CharField()
    value = serializers.CharField()


class DomainSerializer(ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    dns_records = serializers.SerializerMethodField()

    class Meta:
        model = Domain
        fields = ["id", "domain", "is_primary", "status", "status_label", "verified_at", "checked_at",
                  "failing_since", "dns_records"]
        read_only_fields = fields

    def get_dns_records(self, domain) -> list[dict]:
        return DnsRecordSerializer(domain_dns_records(domain), many=True).data


class DomainInput(serializers.Serializer):
    domain = serializers.CharField(max_length=253, help_text="A host name you control, e.g. shop.example.com.")
