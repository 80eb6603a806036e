"""The workspace's data as a file: the whole workspace for its owner (a zip of CSV and
JSON, built by a Celery task) and one customer's personal data (built on request).

- apps.core.datasets: what each app exports (its `dataexport.py`, autodiscovered), and how
  to find the one customer of a personal export (in core: apps below the workspace layer
  and beside it declare theirs too);
- archive: the zip, written row by row from server-side cursors;
- services: request, build, link, open, prune (each write audited);
- apis, views, admin: the API, the signed download link, the "Export data" page.
"""
