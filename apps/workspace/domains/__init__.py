"""The workspace's custom domains (apps.tenants.domains owns them): the owner's API and
the tenant admin page that show the DNS records to publish."""
