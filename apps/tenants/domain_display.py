"""How a domain's verification reads in both admins (ops portal and tenant admin): its
status as a coloured label and the DNS records its owner publishes."""

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from .domains import domain_dns_records
from .models import Domain

STATUS_COLOURS = {Domain.Status.PENDING: "warning", Domain.Status.VERIFIED: "success",
                  Domain.Status.FAILING: "danger", Domain.Status.DISABLED: "info"}
VERIFICATION_FIELDS = ["status_badge", "dns_records", "verified_at", "checked_at", "failing_since"]


class DomainVerificationColumns:
    """Read-only columns and fields for a ModelAdmin of Domain."""

    @admin.display(description=_("verification"), ordering="status")
    def status_badge(self, domain):
        return render_to_string("unfold/helpers/label.html", {"text": domain.get_status_display(),
                                                              "type": STATUS_COLOURS.get(domain.status, "")})

    @admin.display(description=_("DNS records to publish"))
    def dns_records(self, domain):
        records = domain_dns_records(domain) if domain.pk else []
        if not records:
            return _("The platform's own address: nothing to publish.") if domain.pk else "—"
        return format_html('<dl class="dns-records">{}</dl>', format_html_join(
            "", '<dt>{} <code>{}</code></dt><dd class="mb-2"><code class="break-all">{}</code></dd>',
            ((record["type"], record["name"], record["value"]) for record in records)))
