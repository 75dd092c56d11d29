"""One INSERT for one row, its SQL built once per model: for the rows the hot paths write (submit, status, fetch).

``Model.objects.create`` and ``save()`` compile their INSERT through the query machinery on every call: about
0.3 ms of Python each on this machine, and a submit writes five such rows (docs/performance.md). This builds the
statement once per model and only converts the values per call, on PostgreSQL and SQLite alike.

It sends no ``pre_save``/``post_save`` signals: use it only for models nothing listens to on save
(``core/tests/test_invoegen.py`` fails when a receiver appears for one of them).
"""

from django.db import DEFAULT_DB_ALIAS, connections

GEBRUIKT: set[type] = set()  # the models written this way, for the test above
_SQL: dict[tuple, tuple[str, list, bool]] = {}


def _statement(connection, model, bij_conflict: str | None) -> tuple[str, list, bool]:
    sleutel = (model, bij_conflict, connection.vendor)
    gevonden = _SQL.get(sleutel)
    if gevonden is None:
        meta = model._meta
        velden = [f for f in meta.concrete_fields if f is not meta.auto_field]
        qn = connection.ops.quote_name
        sql = (
            f"INSERT INTO {qn(meta.db_table)} ({', '.join(qn(f.column) for f in velden)}) "
            f"VALUES ({', '.join(['%s'] * len(velden))})"
        )
        if bij_conflict:
            sql += f" ON CONFLICT ({qn(meta.get_field(bij_conflict).column)}) DO NOTHING"
        returning = meta.auto_field is not None and connection.features.can_return_columns_from_insert
        if returning:
            sql += f" RETURNING {qn(meta.pk.column)}"
        gevonden = _SQL[sleutel] = (sql, velden, returning)
        GEBRUIKT.add(model)
    return gevonden


def voeg_in(obj, *, bij_conflict: str | None = None) -> bool:
    """Insert ``obj`` (defaults and ``auto_now_add`` applied as ``save()`` would) and set its primary key.

    With ``bij_conflict`` (a unique field) an existing row wins: nothing is written and the answer is False.
    """
    # the connection itself, not django.db.connection: that proxy looks the connection up again on every
    # attribute, and the fields' conversions read a few attributes each (a third of this function's time)
    connection = connections[DEFAULT_DB_ALIAS]
    sql, velden, returning = _statement(connection, type(obj), bij_conflict)
    params = [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in velden]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if returning:
            rij = cursor.fetchone()
            if rij is None:
                return False
            obj.pk = rij[0]
        else:
            if cursor.rowcount == 0:
                return False
            if obj._meta.auto_field is not None:
                obj.pk = cursor.lastrowid
    obj._state.adding, obj._state.db = False, connection.alias
    return True
