"""`migrate_schemas` with nothing to do over N tenant schemas: ours (the schemas that are
behind found with one query per chunk, apps.tenants.schema_migrations, then only those
migrated) over all N, against django-tenants' way (`migrate` run in every schema, what
`--all-schemas` does) over a subset, extrapolated per schema to N, in the same run. Also
the "which schemas are behind" check alone. Both ways with `--tenant`: the public
schema's own migrate (once per run, the same either way) is left out. Medians of a few
rounds of ours; JSON on stdout.

The N schemas are copied from the migrated template with Tenant and Domain rows inserted
in bulk (tests/perf/_tenants.py): no owner, roles or subscription, which migrate_schemas
never reads.

    PERF_DB=perf_mig .venv/bin/python tests/perf/migrate_noop.py            # N=1000, subset 100
    PERF_DB=perf_mig .venv/bin/python tests/perf/migrate_noop.py 10000 --stock-subset 100
    PERF_DB=perf_mig MIGRATE_NOOP_N=50 .venv/bin/python tests/perf/migrate_noop.py --stock-subset 10
    # over the 10,000 tenants tests/perf/soak_tenants.py --keep left (creating them is the long part):
    PERF_DB=perf_soak .venv/bin/python tests/perf/migrate_noop.py 10000 --keep --prefix soak
"""

import argparse
import io
import json
import os
import statistics
import sys
import time

from _setup import perf_database, timed
from _tenants import perf_database_kept, tenant_slugs, tenants_ensure

parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
parser.add_argument("n", nargs="?", type=int, default=int(os.environ.get("MIGRATE_NOOP_N", 1000)),
                    help="tenant schemas (default 1000, or MIGRATE_NOOP_N)")
parser.add_argument("--stock-subset", type=int, default=100, help="schemas the stock way is timed over (100)")
parser.add_argument("--rounds", type=int, default=3, help="rounds of our command and of the check (3)")
parser.add_argument("--jobs", type=int, default=2, help="schemas copied at once during set-up (2)")
parser.add_argument("--keep", action="store_true",
                    help="reuse the perf database if there (its tenants too), and keep it")
parser.add_argument("--prefix", default="noop", help="the tenants' slug prefix (noop; soak for soak_tenants.py's)")
cli = parser.parse_args()

with perf_database_kept(keep=True) if cli.keep else perf_database():
    from django.core.management import call_command
    from django_tenants.management.commands.migrate_schemas import GET_EXECUTOR_FUNCTION

    from apps.tenants.management.commands.migrate_schemas import Command
    from apps.tenants.models import Tenant
    from apps.tenants.schema_migrations import schemas_behind

    slugs = tenant_slugs(cli.prefix, cli.n)
    created = tenants_ensure(slugs, jobs=cli.jobs)
    tenants = list(Tenant.objects.filter(schema_name__in=slugs).order_by("schema_name"))
    template_build_s, setup_s = created["template_s"], created.get("create_s", 0.0)

    def ours():
        out = io.StringIO()
        call_command("migrate_schemas", "--tenant", "--noinput", stdout=out)
        assert f"{cli.n} tenant schemas checked" in out.getvalue() and \
            f": {cli.n} up to date, 0 migrated, 0 failed." in out.getvalue(), out.getvalue()

    check_s = timed(lambda: schemas_behind(slugs), cli.rounds)
    assert schemas_behind(slugs) == [], "the template's copies should be up to date"
    ours_s = timed(ours, cli.rounds)

    # The stock way: what `migrate_schemas --all-schemas` does, the executor over each schema,
    # here over the first `--stock-subset` schemas (with the options our command's parser gives).
    subset = slugs[:cli.stock_subset]
    options = vars(Command().create_parser("manage.py", "migrate_schemas").parse_args(
        ["--tenant", "--noinput", "-v", "0"]))
    started = time.perf_counter()
    GET_EXECUTOR_FUNCTION(codename="standard")((), options).run_migrations(tenants=list(subset))
    stock_subset_s = time.perf_counter() - started
    stock_per_schema_s = stock_subset_s / len(subset)
    ours_median = statistics.median(ours_s)

    print(json.dumps({
        "schemas": cli.n,
        "setup_s": round(setup_s, 1), "template_build_s": round(template_build_s, 1),
        "check_only_median_s": round(statistics.median(check_s), 3),
        "ours_noop_median_s": round(ours_median, 3),
        "ours_per_schema_ms": round(ours_median / cli.n * 1000, 3),
        "stock_subset": len(subset), "stock_subset_s": round(stock_subset_s, 2),
        "stock_per_schema_ms": round(stock_per_schema_s * 1000, 1),
        "stock_extrapolated_s": round(stock_per_schema_s * cli.n, 1),
        "ratio_stock_over_ours": round(stock_per_schema_s * cli.n / ours_median, 1),
        "rounds": cli.rounds, "python": sys.version.split()[0],
    }, indent=2))
