"""Billing for the workspace owner, in the tenant admin (registered there by
apps.billing.admin.owner): the plan with its price, limits and usage, changing it (the
billing service's self-service path, with what the change bills shown first), invoices
with a printable page and a PDF, the pay link, add-on requests.

- `summary`: what the pages show, built from the billing models (money as KRW text);
- `views`: the pages themselves (the ModelAdmins route to them);
- `documents`: an invoice as a printable page and as a PDF.
Only the workspace owner sees any of it (admin.common.OwnerOnly)."""
