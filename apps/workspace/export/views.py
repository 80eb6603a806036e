"""The signed download link: whoever holds a fresh link of this workspace gets the file
(the link is the credential, as a presigned URL is); an expired link is a 410, a tampered
one or another workspace's a 403, in the error shape (a page for a browser)."""

from django.http import FileResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from apps.core.errors import PlatformError, error_response

from .services import export_download_name, export_downloaded, export_for_token, export_path


@never_cache
@require_safe
def export_download_view(request, token: str):
    try:
        export = export_for_token(token)
    except PlatformError as error:
        return error_response(request, error.status, error.code, error.message, error.details)
    export_downloaded(export=export, actor=request.user)
    response = FileResponse(export_path(export).open("rb"), as_attachment=True,
                            filename=export_download_name(export), content_type="application/zip")
    response["X-Content-Type-Options"] = "nosniff"
    return response
