"""Staff and invitations in the workspace export (apps.workspace.export); an invitation's
token is a secret and stays out."""

from apps.core.datasets import dataset

from .models import Invitation, StaffProfile

dataset("staff/staff", StaffProfile)
dataset("staff/invitations", Invitation, exclude=["token_hash"])
