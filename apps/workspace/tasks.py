from celery import shared_task

from apps.core.schemas import in_each_schema, schemas_with_table

from .export.models import DataExport
from .export.services import export_build, exports_prune


@shared_task(name="workspace.export_build", acks_late=True)
def export_build_task(export_id: int) -> str | None:
    """Runs in the schema it was sent from (tenant-schemas-celery): the export's status."""
    export = export_build(export_id=export_id)
    return export.status if export is not None else None


@shared_task(name="workspace.exports_prune")
def exports_prune_task() -> dict:
    """Beat, daily: in every workspace, export files past their day removed."""
    return in_each_schema(schemas_with_table(DataExport._meta.db_table), exports_prune, what="exports prune")
