"""What the food API's views share: the endpoints exist in restaurants only (elsewhere:
404, checked after authentication and permissions so that refusals read the same
everywhere), the branches a method's permission reaches, a branch's rules with where it
stands now, the ETag handshake of the polled pages, and the Idempotency-Key."""

from __future__ import annotations

from django.http import HttpResponseNotModified
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from apps.authz import catalogue
from apps.branches.models import Branch
from apps.core.errors import InvalidData, NotFound
from apps.rbac.api import PermissionMissing, WorkspaceApi

from ..errors import NotAFoodWorkspace
from ..flow import is_food_workspace
from ..models import BranchOrdering
from ..selectors import ordering_state, orderings_of
from ..services.rules import area_radius

TAGS = ["food"]
OPEN_TAGS = ["food (customers)"]
MY_TAGS = ["my"]

VIEW_TICKET, CHANGE_TICKET, DELIVER_TICKET = "food.view_ticket", "food.change_ticket", "food.deliver_ticket"

IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="The ETag of the copy you hold: 304 with no body while nothing changed.")
ETAG_HEADER = OpenApiParameter("ETag", OpenApiTypes.STR, OpenApiParameter.HEADER, response=[200, 304],
                               description="The version of what you see; send it back as If-None-Match.")
BRANCH_PARAMETER = OpenApiParameter("branch", OpenApiTypes.INT, OpenApiParameter.QUERY, required=False,
                                    description="One of your branches (default: every branch you reach).")
IDEMPOTENCY_HEADER = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="Any unique string (e.g. a UUID) per order you mean to place: the same request again with the same "
                "key returns the order made the first time (200); the same key with another request is "
                "`idempotency_key_reused` (422).")


class FoodOnly:
    """A food endpoint: in a workspace that is not a restaurant it does not exist (404)."""

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not is_food_workspace():
            raise NotAFoodWorkspace()


class FoodApi(FoodOnly, WorkspaceApi):
    """Staff endpoints: `perms` per method, rows limited to the branches a permission reaches."""

    def holds(self, perm: str, branch_ids=None) -> bool:
        return holds(self.access, perm, branch_ids)

    def branches(self, perm: str = ""):
        """The branches `perm` (the method's own by default) reaches."""
        return branches_reached(self.access, perm or self.perm_name())

    def branch(self, pk: int, perm: str = "") -> Branch:
        return branch_reached(self.access, pk, perm or self.perm_name())

    def polled_branch_ids(self, perm: str) -> set[int] | None:
        """The branches a board polls: ?branch= (one the caller reaches with `perm`), or
        every one they reach (None: every branch)."""
        raw = self.request.query_params.get("branch")
        if raw in (None, ""):
            return polled_branches(self.access, None, perm)
        if not raw.isdigit() or len(raw) > 18:
            raise InvalidData(details={"branch": [_("A branch id (a whole number).")]})
        return polled_branches(self.access, int(raw), perm)

    def require(self, *keys: str) -> list[str]:
        return require_any(self.access, *keys)


# The rules behind FoodApi's methods, on an Access (apps.graph asks them too).


def holds(access, perm: str, branch_ids=None) -> bool:
    """Whether the caller holds `perm` (a Django name) at every branch of `branch_ids`
    (None: at every branch there is)."""
    if not access.has(perm):
        return False
    reach = access.branch_ids(perm)
    return reach is None or (branch_ids is not None and set(branch_ids) <= reach)


def branches_reached(access, perm: str):
    """The branches `perm` (a Django name) reaches."""
    return access.scope_filter(Branch.objects.order_by("name", "id"), perm, branch_field="pk")


def branch_reached(access, pk: int, perm: str) -> Branch:
    """A branch `perm` reaches; any other is as absent as a missing one."""
    branch = branches_reached(access, perm).filter(pk=pk).first()
    if branch is None:
        raise NotFound(_("There is no such branch."), details={"branch": pk})
    return branch


def polled_branches(access, pk: int | None, perm: str) -> set[int] | None:
    """The branches a board polls: `pk` (one the caller reaches with `perm`), or every one
    they reach (None: every branch)."""
    if pk is None:
        return access.branch_ids(perm)
    return {branch_reached(access, pk, perm).pk}


def require_any(access, *keys: str) -> list[str]:
    """The Django names of the `keys` ("ticket:change") the caller holds; none: 403
    naming the first."""
    held = [catalogue.django_perm(key) for key in keys if access.has(catalogue.django_perm(key))]
    if not held:
        raise PermissionMissing(keys[0])
    return held


def with_state(ordering: BranchOrdering) -> BranchOrdering:
    """The rules with `state`: open now, paused, the next opening, the area's radius."""
    ordering.state = {**ordering_state(ordering), "radius_m": area_radius(ordering)}
    return ordering


def rules_of(branches) -> list[BranchOrdering]:
    """Each branch's rules with its state, in the branches' order (one query for the rules)."""
    branches = list(branches)
    orderings = orderings_of(branches)
    return [with_state(orderings[branch.pk]) for branch in branches]


def etag_matches(request, etag: str) -> bool:
    header = request.headers.get("If-None-Match", "").strip()
    if not header:
        return False
    if header == "*":
        return True
    return any(candidate.strip().removeprefix("W/") == etag for candidate in header.split(","))


def not_modified(etag: str) -> HttpResponseNotModified:
    response = HttpResponseNotModified()
    response["ETag"] = etag
    response["Cache-Control"] = "private, no-cache"
    return response


def idempotency(request) -> tuple[str, str]:
    """(key, scope): the Idempotency-Key header, per person (as POST /api/v1/orders/ keeps it)."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 255 or (key and not key.isprintable()):
        raise InvalidData(details={"Idempotency-Key": [_("Use at most 255 printable characters.")]})
    return key, f"user:{request.user.pk}"
