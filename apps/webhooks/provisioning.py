from .services import workspace_secret_issue


def issue_signing_secret(*, tenant, owner) -> None:
    """Provisioning step: the workspace's webhook signing secret, for endpoints without one
    of their own; the owner sees it once on the webhooks admin page."""
    if not _has_secret():
        workspace_secret_issue(actor=None)


def _has_secret() -> bool:
    from .models import SigningSecret

    return SigningSecret.objects.filter(endpoint__isnull=True).exists()
