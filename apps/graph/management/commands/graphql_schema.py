"""Write the GraphQL schema's SDL to apps/graph/schema.graphql (or --check it is current)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

SDL_FILE = Path(__file__).resolve().parents[2] / "schema.graphql"


def sdl() -> str:
    from apps.graph.schema import schema

    return schema.as_str().rstrip() + "\n"


class Command(BaseCommand):
    help = "Write the GraphQL schema (SDL) to apps/graph/schema.graphql; --check fails when it is out of date."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="Only check; exit non-zero when it differs.")

    def handle(self, *args, check=False, **options):
        current = sdl()
        if check:
            if not SDL_FILE.exists() or SDL_FILE.read_text() != current:
                raise CommandError(f"{SDL_FILE} is out of date: run `manage.py graphql_schema`.")
            self.stdout.write("The GraphQL schema file is current.")
            return
        SDL_FILE.write_text(current)
        self.stdout.write(f"Wrote {SDL_FILE}.")
