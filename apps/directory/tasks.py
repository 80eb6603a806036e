from celery import shared_task

from .services import listings_sync_all


@shared_task(name="directory.sync_listings")
def sync_listings() -> dict:
    """Beat: refresh listed businesses' snapshots (branches and hours, names)."""
    return listings_sync_all()
