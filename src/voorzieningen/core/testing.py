"""Helpers for tests across apps."""

from django.db import connection


def database_bevat(waarde: str) -> list[str]:
    """Every text/JSON column of every table that holds ``waarde`` — the proof that something is really gone."""
    gevonden = []
    with connection.cursor() as cursor:
        for tabel in connection.introspection.table_names():
            for kolom in connection.introspection.get_table_description(cursor, tabel):
                sql = f'SELECT 1 FROM "{tabel}" WHERE CAST("{kolom.name}" AS TEXT) LIKE %s LIMIT 1'
                cursor.execute(sql, [f"%{waarde}%"])
                if cursor.fetchone():
                    gevonden.append(f"{tabel}.{kolom.name}")
    return gevonden
