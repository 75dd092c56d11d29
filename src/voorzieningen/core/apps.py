from django.apps import AppConfig

# psycopg converts a query's %s placeholders with a regular expression and keeps the result only for queries of at
# most 4,096 characters and 50 parameters. The submit's bundled INSERT (core/invoegen.gebundeld) is longer and has
# about 80 parameters: without this it was converted anew on every submit, which cost more than the statements it
# replaced. The statements are the platform's own (a fixed set), so the cache stays small.
PSYCOPG_QUERY_CACHE = {"MAX_CACHED_STATEMENT_LENGTH": 16_384, "MAX_CACHED_STATEMENT_PARAMS": 256}


class CoreConfig(AppConfig):
    name = "voorzieningen.core"
    verbose_name = "Core"

    def ready(self):
        try:
            from psycopg import _queries
        except ImportError:  # SQLite-only installs
            return
        for naam, waarde in PSYCOPG_QUERY_CACHE.items():
            if getattr(_queries, naam, waarde) < waarde:  # core/tests/test_invoegen.py checks the names still exist
                setattr(_queries, naam, waarde)
