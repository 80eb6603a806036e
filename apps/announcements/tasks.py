from celery import shared_task

from .services import announcement_email_owners


@shared_task(name="announcements.email_owners", acks_late=True)
def email_owners(announcement_id: int) -> int:
    return announcement_email_owners(announcement_id=announcement_id)
