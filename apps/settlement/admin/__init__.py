"""Settlement in the ops portal (batches and their lifecycle, runs, terms, tax invoices,
reconciliation) and in the tenant admin (the tenant's own statements)."""

from . import batches, invoices, reconciliation, runs, statements, terms  # noqa: F401  (registers the pages)
