"""The role templates HQ starts from, per business type (`seeds/004` §2.6). HQ edits
them in the ops portal afterwards; these only fill an empty catalogue.

Each entry: key -> (name, description, {perm: scope}, locked perms). A locked perm
that is not granted stays off for the tenant (e.g. API keys for a teacher)."""

from django.utils.translation import gettext_lazy as _

VIEW_CORE = {"admin:access": "tenant", "branch:view": "branch", "staff:view": "branch", "tag:view": "tenant"}
CUSTOMERS_BRANCH = {"customer:view": "branch", "customer:add": "branch", "customer:change": "branch"}
# Selling: the catalog is the workspace's, orders belong to a branch.
CATALOG_VIEW = {"category:view": "tenant", "item:view": "tenant"}
CATALOG_EDIT = {**CATALOG_VIEW, "category:add": "tenant", "category:change": "tenant", "item:add": "tenant",
                "item:change": "tenant", "item:delete": "tenant"}
ORDERS_DESK = {"order:view": "branch", "order:add": "branch", "order:change": "branch", "payment:view": "tenant"}
ORDERS_ALL = {**ORDERS_DESK, "order:refund": "branch", "coupon:view": "tenant", "coupon:add": "tenant",
              "coupon:change": "tenant", "coupon:delete": "tenant", "review:view": "tenant", "review:change": "tenant"}
OWNER_ONLY = ["apikey:add", "apikey:change", "apikey:delete", "settings:change", "role:add", "role:change",
              "role:delete"]

MANAGER = ("manager", _("Manager"), _("Runs the branches: staff, customers and branch settings."), {
    **VIEW_CORE, **CUSTOMERS_BRANCH, "customer:delete": "branch", "customer:import": "branch",
    "customer:export": "branch", "branch:change": "branch", "staff:change": "branch",
    "invitation:view": "tenant", "invitation:add": "tenant", "invitation:change": "tenant",
    "invitation:delete": "tenant", "tag:add": "tenant", "tag:change": "tenant", "role:view": "tenant",
    "settings:view": "tenant", **CATALOG_EDIT, **ORDERS_ALL,
}, OWNER_ONLY)

# The academy: classes and their sessions at a branch; a teacher's are their own.
ACADEMY_DESK = {"class:view": "branch", "session:view": "branch", "student:view": "branch", "student:add": "branch",
                "student:change": "branch", "enrolment:view": "branch", "enrolment:add": "branch",
                "enrolment:change": "branch", "attendance:view": "branch", "attendance:add": "branch",
                "attendance:change": "branch", "holiday:view": "tenant", "pass:view": "branch",
                "pass:add": "branch", "pass:change": "branch", "tuition:view": "branch", "tuition:change": "branch",
                "academysettings:view": "tenant"}
ACADEMY_LEAD = {**ACADEMY_DESK, "class:add": "branch", "class:change": "branch", "class:delete": "branch",
                "session:change": "branch", "holiday:add": "tenant", "holiday:change": "tenant",
                "holiday:delete": "tenant", "academysettings:change": "tenant"}
ACADEMY_TEACHER = {"class:view": "own", "session:view": "own", "student:view": "own", "enrolment:view": "own",
                   "attendance:view": "own", "attendance:add": "own", "attendance:change": "own",
                   "holiday:view": "tenant", "pass:view": "own"}

# The restaurant: the kitchen board's tickets at a branch, its ordering rules, menu hours.
FOOD_KITCHEN = {"ticket:view": "branch", "ticket:change": "branch", "ticket:deliver": "branch",
                "ordering:view": "branch", "menuhours:view": "tenant"}
FOOD_LEAD = {**FOOD_KITCHEN, "ordering:change": "branch", "menuhours:add": "tenant", "menuhours:change": "tenant",
             "menuhours:delete": "tenant"}

DEFAULTS = {
    "academy": [
        (*MANAGER[:3], {**MANAGER[3], **ACADEMY_LEAD}, MANAGER[4]),
        ("director", _("Director"), _("Leads teaching across the academy."), {
            **VIEW_CORE, **CUSTOMERS_BRANCH, "customer:export": "branch", "role:view": "tenant",
            "settings:view": "tenant", **CATALOG_EDIT, "order:view": "branch", "review:view": "tenant",
            "review:change": "tenant", **ACADEMY_LEAD,
        }, OWNER_ONLY),
        ("teacher", _("Teacher"), _("Teaches classes; sees the students of their branch."), {
            **VIEW_CORE, **CATALOG_VIEW, "customer:view": "branch", "customer:change": "own", **ACADEMY_TEACHER,
        }, [*OWNER_ONLY, "customer:export", "customer:delete", "order:refund"]),
        ("clerk", _("Clerk"), _("Front desk: registers students and parents, takes payments."), {
            **VIEW_CORE, **CUSTOMERS_BRANCH, "customer:import": "branch", **CATALOG_VIEW, **ORDERS_DESK,
            "order:refund": "branch", **ACADEMY_DESK,
        }, [*OWNER_ONLY, "customer:export"]),
    ],
    "food": [
        (*MANAGER[:3], {**MANAGER[3], **FOOD_LEAD}, MANAGER[4]),
        ("cashier", _("Cashier"), _("Takes orders and registers regulars."), {
            **VIEW_CORE, "customer:view": "branch", "customer:add": "branch", **CATALOG_VIEW, **ORDERS_DESK,
            "item:change": "tenant", "order:refund": "branch", **FOOD_KITCHEN,
        }, [*OWNER_ONLY, "customer:export"]),
        ("kitchen", _("Kitchen staff"), _("Works the kitchen board: accepts, cooks, marks dishes sold out."), {
            **VIEW_CORE, **CATALOG_VIEW, "item:change": "tenant", "order:view": "branch", "order:change": "branch",
            **FOOD_KITCHEN,
        }, [*OWNER_ONLY, "customer:export", "customer:view", "order:refund"]),
        ("rider", _("Rider"), _("Takes ready orders out and marks them delivered."), {
            "admin:access": "tenant", "branch:view": "branch", "order:view": "branch", "ticket:view": "branch",
            "ticket:deliver": "branch",
        }, [*OWNER_ONLY, "customer:export", "customer:view", "order:refund", "ticket:change"]),
    ],
}
DEFAULTS_FOR_OTHER_TYPES = [MANAGER]
