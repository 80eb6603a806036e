from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from rest_framework import serializers

from apps.core.serializers import ModelSerializer

from .models import DataExport
from .services import export_link_path


class ExportOutput(ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    customer_id = serializers.IntegerField(source="subject_id", read_only=True, allow_null=True)
    customer = serializers.CharField(source="subject_repr", read_only=True)
    requested_by = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField(
        help_text="A signed link to the zip, issued now and valid for EXPORT_LINK_MAX_AGE seconds (null until "
                  "the export is ready, and once it has expired). It needs no other credential: keep it private.")
    link_expires_at = serializers.SerializerMethodField()

    class Meta:
        model = DataExport
        fields = ["id", "kind", "kind_label", "status", "status_label", "customer_id", "customer", "requested_by",
                  "size", "sha256", "row_counts", "created_at", "started_at", "finished_at", "expires_at",
                  "download_url", "link_expires_at"]
        read_only_fields = fields

    def get_requested_by(self, export) -> str:
        user = export.requested_by if export.requested_by_id else None
        return user.email if user is not None else ""

    def _downloadable(self, export) -> bool:
        return export.status == DataExport.Status.READY and (export.expires_at is None
                                                             or export.expires_at > timezone.now())

    def get_download_url(self, export) -> str | None:
        if not self._downloadable(export):
            return None
        request = self.context.get("request")
        path = export_link_path(export)
        return request.build_absolute_uri(path) if request is not None else path

    def get_link_expires_at(self, export) -> str | None:
        if not self._downloadable(export):
            return None
        return (timezone.now() + timedelta(seconds=settings.EXPORT_LINK_MAX_AGE)).isoformat()
