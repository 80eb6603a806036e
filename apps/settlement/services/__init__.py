"""Settlement writes: batches (batches.py), their lifecycle and tax invoices
(lifecycle.py), runs over the tenants (runs.py), the provider's file reconciled
(reconciliation.py)."""
