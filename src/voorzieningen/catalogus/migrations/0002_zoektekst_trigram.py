"""On PostgreSQL, a trigram index lets `zoektekst LIKE '%term%'` use an index; SQLite keeps scanning.

The query is the same on both databases, so the embedded default needs no PostgreSQL feature.
"""

from django.db import migrations

CREATE = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS opleiding_zoektekst_trgm ON catalogus_aangebodenopleiding "
    "USING gin (zoektekst gin_trgm_ops) WITH (fastupdate = off)",  # no pending list: searches stay fast after imports
]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for statement in CREATE:
            schema_editor.execute(statement)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("DROP INDEX IF EXISTS opleiding_zoektekst_trgm")


class Migration(migrations.Migration):
    dependencies = [("catalogus", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
