"""One INSERT for one row, its SQL built once per model: for the rows the hot paths write (submit, status, fetch).

``Model.objects.create`` and ``save()`` compile their INSERT through the query machinery on every call: about
0.3 ms of Python each on this machine, and a submit writes five such rows (docs/performance.md). This builds the
statement once per model and only converts the values per call, on PostgreSQL and SQLite alike. The same for the
other statements of those paths: updates of named fields (:func:`werk_velden_bij`), hand-written reads turned into
instances (:func:`lees`), and on PostgreSQL a block's rows sent as one statement (:func:`gebundeld`).

It sends no ``pre_save``/``post_save`` signals: use it only for models nothing listens to on save
(``core/tests/test_invoegen.py`` fails when a receiver appears for one of them).
"""

import datetime
import uuid
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import fields as f_
from django.db.models.base import ModelState
from django.db.models.fields import related

GEBRUIKT: set[type] = set()  # the models written this way, for the test above
GEMAAKT: set[type] = set()  # the models built by nieuw(), for the same test module
_SQL: dict[tuple, tuple[str, list, bool]] = {}

# Fields whose save conversion leaves a value of exactly this type as it is (CharField's to_python of a str,
# BooleanField's of a bool; a foreign key to an integer key stores the int). Any other value, and every other field,
# goes through get_db_prep_save as save() does: integer fields too, which PostgreSQL's backend wraps in the
# column's own integer type.
_ONGEWIJZIGD = {
    f_.CharField: str,
    f_.TextField: str,
    f_.EmailField: str,
    f_.SlugField: str,
    f_.BooleanField: bool,
}


# On PostgreSQL also these: its backend hands an aware datetime and a UUID to psycopg unchanged, after checks such a
# value always passes. SQLite turns both into text, so there they go through the full conversion.
_ONGEWIJZIGD_PG = {f_.DateTimeField: datetime.datetime, f_.UUIDField: uuid.UUID}


def _omzetter(veld, connection):
    """How one field's value becomes its parameter: a type check that keeps it, or the full conversion."""
    if isinstance(veld, related.ForeignKey):
        soort = int if isinstance(veld.target_field, f_.AutoFieldMixin) else None
    else:
        soort = _ONGEWIJZIGD.get(type(veld))
        if soort is None and connection.vendor == "postgresql":
            soort = _ONGEWIJZIGD_PG.get(type(veld))
    bewust = soort is datetime.datetime  # a naive datetime is made aware (with a warning) by the full conversion
    tekst = soort is str  # a text field keeps any str as it is, also a choices member (TextChoices is a str)
    eigen_pre_save = type(veld).pre_save is not f_.Field.pre_save  # auto_now(_add), files
    attname = veld.attname

    def omzet(obj):
        waarde = veld.pre_save(obj, True) if eigen_pre_save else getattr(obj, attname)
        if waarde is None and veld.null:
            return None
        if soort is not None:
            if type(waarde) is soort and (not bewust or waarde.tzinfo is not None):
                return waarde
            if tekst and isinstance(waarde, str):
                return waarde
        return veld.get_db_prep_save(waarde, connection)

    return omzet


def _statement(connection, model, bij_conflict: str | None, met_sleutel: bool = False) -> tuple[str, list, bool]:
    """``met_sleutel``: the primary key was taken from its sequence beforehand and is written like any value."""
    sleutel = (model, bij_conflict, met_sleutel, connection.vendor)
    gevonden = _SQL.get(sleutel)
    if gevonden is None:
        meta = model._meta
        velden = [f for f in meta.concrete_fields if met_sleutel or f is not meta.auto_field]
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
        gevonden = _SQL[sleutel] = (sql, [_omzetter(f, connection) for f in velden], returning)
        GEBRUIKT.add(model)
    return gevonden


_NIEUW: dict[type, tuple[dict, list]] = {}


def nieuw(model, **waarden):
    """``model(**waarden)`` without ``Model.__init__``: the same unsaved instance (defaults applied, a related
    object given by its field's name cached as ``__init__`` caches it), for the rows the hot paths write several of
    per call (building a submit's seven instances was about a sixth of its Python, docs/performance.md).

    Values are given by field name or attname, as to ``__init__``; an unknown name is a TypeError as there. It
    sends no ``pre_init``/``post_init`` (``core/tests/test_invoegen.py`` fails when a receiver appears for a
    model built this way)."""
    gevonden = _NIEUW.get(model)
    if gevonden is None:
        namen, standaard = {}, []
        for veld in model._meta.concrete_fields:
            namen[veld.attname] = (veld.attname, None)
            if veld.is_relation:
                namen[veld.name] = (veld.attname, veld)
            standaard.append((veld.attname, veld))
        namen["pk"] = (model._meta.pk.attname, None)
        gevonden = _NIEUW[model] = (namen, standaard)
        GEMAAKT.add(model)
    namen, standaard = gevonden
    obj = model.__new__(model)
    state = obj._state = ModelState()
    velden = obj.__dict__
    for naam, waarde in waarden.items():
        try:
            attname, relatie = namen[naam]
        except KeyError:
            raise TypeError(f"{model.__name__}() got unexpected keyword arguments: '{naam}'") from None
        if relatie is not None:
            state.fields_cache[relatie.name] = waarde
            if waarde is not None:
                if not relatie.remote_field.multiple:  # one-to-one: the other side knows this row, as __init__ sets
                    relatie.remote_field.set_cached_value(waarde, obj)
                waarde = getattr(waarde, relatie.target_field.attname)
        velden[attname] = waarde
    for attname, veld in standaard:
        if attname not in velden:
            velden[attname] = veld.get_default()
    return obj


def voeg_in(obj, *, bij_conflict: str | None = None) -> bool | None:
    """Insert ``obj`` (defaults and ``auto_now_add`` applied as ``save()`` would) and set its primary key.

    With ``bij_conflict`` (a unique field) an existing row wins: nothing is written and the answer is False.
    Inside :func:`gebundeld` on PostgreSQL the row waits for the bundle's one statement: the answer is None and
    the key (unless set beforehand) is set when the bundle is sent; a row that lost its conflict keeps no key.
    """
    # the connection itself, not django.db.connection: that proxy looks the connection up again on every
    # attribute, and the fields' conversions read a few attributes each (a third of this function's time)
    connection = connections[DEFAULT_DB_ALIAS]
    met_sleutel = obj.pk is not None and obj._meta.auto_field is not None
    sql, omzetters, returning = _statement(connection, type(obj), bij_conflict, met_sleutel)
    params = [omzet(obj) for omzet in omzetters]
    bundel = _open_bundel(connection)
    if bundel is not None and returning:
        bundel.rijen.append((obj, sql, params))
        return None
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
            if obj._meta.auto_field is not None and not met_sleutel:
                obj.pk = cursor.lastrowid
    obj._state.adding, obj._state.db = False, connection.alias
    return True


@dataclass
class Bijgewerkt:
    """What an UPDATE sent with a bundle changed: the number of rows, once the bundle is sent."""

    rijen: int | None = None


def werk_bij(sql: str, params: list) -> Bijgewerkt:
    """An UPDATE (no RETURNING of its own) sent with the open bundle, or at once when none is open."""
    connection = connections[DEFAULT_DB_ALIAS]
    uitkomst = Bijgewerkt()
    bundel = _open_bundel(connection)
    if bundel is not None:
        bundel.rijen.append((uitkomst, f"{sql} RETURNING 1", params))
        return uitkomst
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        uitkomst.rijen = cursor.rowcount
    return uitkomst


def _open_bundel(connection) -> "_Bundel | None":
    """The bundle a statement may join: one is open, and no savepoint was set since (a rollback to it must undo
    what was written after it, so such rows go at once)."""
    bundel = getattr(connection, "_invoeg_bundel", None)
    return bundel if bundel is not None and bundel.diepte == _savepoints(connection) else None


def _savepoints(connection) -> int:
    """The savepoints held now. An ``atomic(savepoint=False)`` block counts for none: an error inside it dooms the
    enclosing block as a whole, which throws the bundle away with the rest."""
    return sum(1 for sid in connection.savepoint_ids if sid is not None)


class _Bundel:
    def __init__(self, diepte: int):
        self.diepte = diepte  # rows inserted inside a nested atomic block go at once: its rollback must undo them
        self.rijen: list[tuple] = []
        self.daarna: list = []


@contextmanager
def gebundeld():
    """The rows :func:`voeg_in` writes inside this block (and the updates of :func:`werk_bij`) go to PostgreSQL as
    one statement when it ends (or at :func:`verstuur`): one round trip and one statement's overhead in Django and
    psycopg instead of one per row.

    For the submit, whose six rows made half its statements (docs/performance.md). The rows of one bundle are
    written by one statement, so they must not rely on each other's key order, and nothing inside may read a key
    :func:`voeg_in` did not set without calling :func:`verstuur` first. Elsewhere, and on SQLite, each row is
    inserted at once as usual. Must run inside a transaction.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "postgresql" or getattr(connection, "_invoeg_bundel", None) is not None:
        yield
        return
    connection._invoeg_bundel = _Bundel(_savepoints(connection))
    try:
        yield
        verstuur()
    finally:
        connection._invoeg_bundel = None


def verstuur() -> None:
    """Send the open bundle's rows now (one statement) and set their keys."""
    connection = connections[DEFAULT_DB_ALIAS]
    bundel = getattr(connection, "_invoeg_bundel", None)
    if bundel is None or not bundel.rijen:
        return
    rijen, bundel.rijen = bundel.rijen, []
    params = []
    for _, _, p in rijen:
        params.extend(p)
    vorm = tuple(sql for _, sql, _ in rijen)  # the same rows give the same statement: built once per shape
    statement = _BUNDELS.get(vorm)
    if statement is None:
        delen = ", ".join(f"r{i} AS ({sql})" for i, sql in enumerate(vorm))
        keuze = ", ".join(_keuze(obj, i, connection) for i, (obj, _, _) in enumerate(rijen))
        statement = _BUNDELS[vorm] = f"WITH {delen} SELECT {keuze}"
        if len(_BUNDELS) > 1_000:  # a few shapes per hot path; never more than this many
            _BUNDELS.clear()
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        sleutels = cursor.fetchone()
    for (obj, _, _), pk in zip(rijen, sleutels, strict=True):
        if isinstance(obj, Bijgewerkt):
            obj.rijen = pk
        elif pk is not None:
            obj.pk = pk
            obj._state.adding, obj._state.db = False, connection.alias
    daarna, bundel.daarna = bundel.daarna, []
    for func in daarna:
        func()


_BUNDELS: dict[tuple, str] = {}


def _keuze(obj, i: int, connection) -> str:
    """What the bundle's final SELECT reads of its i-th part: the new row's key, or how many rows an update hit."""
    if isinstance(obj, Bijgewerkt):
        return f"(SELECT count(*) FROM r{i})"
    return f"(SELECT {connection.ops.quote_name(obj._meta.pk.column)} FROM r{i})"


def daarna(func) -> None:
    """Call ``func`` once the open bundle's rows are sent and their keys set (at once when none is open)."""
    bundel = getattr(connections[DEFAULT_DB_ALIAS], "_invoeg_bundel", None)
    if bundel is None:
        func()
    else:
        bundel.daarna.append(func)


_BIJWERKEN: dict[tuple, tuple[str, list]] = {}


def werk_velden_bij(obj, velden: tuple[str, ...]) -> int:
    """``obj.save(update_fields=velden)`` as one cached UPDATE (no signals, no ``auto_now``): the rows changed."""
    sql, params = bijwerk_sql(obj, velden)
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


def werk_velden_bij_mee(obj, velden: tuple[str, ...]) -> Bijgewerkt:
    """:func:`werk_velden_bij` sent with the open bundle (or at once when none is open)."""
    return werk_bij(*bijwerk_sql(obj, velden))


_REEKSEN: dict[type, str] = {}


def volgende_sleutel(model) -> str:
    """SQL that takes the model's next key from its sequence (PostgreSQL), to put inside a statement the caller
    sends anyway: a row whose key is known beforehand can go in a bundle and still be referred to (its key in
    another row, an idempotency key). The sequence's name is asked once per process."""
    naam = _REEKSEN.get(model)
    if naam is None:
        with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
            cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column])
            naam = _REEKSEN[model] = cursor.fetchone()[0].replace("'", "''")
    return f"nextval('{naam}')"


def bijwerk_sql(obj, velden: tuple[str, ...]) -> tuple[str, list]:
    """The statement and parameters of :func:`werk_velden_bij`, for a caller that sends it with more."""
    connection = connections[DEFAULT_DB_ALIAS]
    sleutel = (type(obj), velden, connection.vendor)
    gevonden = _BIJWERKEN.get(sleutel)
    if gevonden is None:
        meta, qn = obj._meta, connection.ops.quote_name
        lijst = [meta.get_field(naam) for naam in velden]
        sql = (
            f"UPDATE {qn(meta.db_table)} SET {', '.join(f'{qn(v.column)} = %s' for v in lijst)}"
            f" WHERE {qn(meta.pk.column)} = %s"
        )
        gevonden = _BIJWERKEN[sleutel] = (sql, lijst)
        GEBRUIKT.add(type(obj))
    sql, lijst = gevonden
    params = [v.get_db_prep_save(getattr(obj, v.attname), connection) for v in lijst]
    return sql, [*params, obj._meta.pk.get_db_prep_value(obj.pk, connection)]


_LEZEN: dict[tuple, tuple[list[str], list[str], list]] = {}


def kolommen(model, connection=None, alias: str = "") -> str:
    """The model's columns, quoted (prefixed with ``alias.`` for a join), in the order :func:`uit_rij` expects."""
    namen = _lezen(model, connection or connections[DEFAULT_DB_ALIAS])[0]
    return ", ".join(f"{alias}.{n}" for n in namen) if alias else ", ".join(namen)


def uit_rij(model, rij, connection=None):
    """An instance from a row of :func:`kolommen`, converted as the ORM converts what it reads (JSON, and on
    SQLite uuids, booleans and datetimes), for a ``DELETE … RETURNING`` or a select the hot path writes by hand."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    _, attnames, omzetters = _lezen(model, connection)
    waarden = [
        waarde if waarde is None or not stappen else _zet_om(waarde, stappen, kolom, connection)
        for waarde, (kolom, stappen) in zip(rij, omzetters, strict=True)
    ]
    return model.from_db(connection.alias, attnames, waarden)


def lees(sql: str, params, *modellen, extra: int = 0):
    """The first row of a hand-written SELECT as instances: its columns are ``kolommen(m)`` of each model in turn
    (a join reads several models from one row), then ``extra`` plain values (a key from a sequence, a check). One
    instance for one model and no extras, else a tuple of the instances and the extras; None without a row.

    For the reads every status message or delivery does, which the ORM would compile anew each time (its
    ``SQLCompiler`` was a third of a bulk status call, docs/performance.md)."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rij = cursor.fetchone()
    return None if rij is None else _uit_rij_van(connection, rij, modellen, extra)


def lees_alle(sql: str, params, *modellen, extra: int = 0) -> list:
    """Every row of such a SELECT, each as :func:`lees` gives one."""
    connection = connections[DEFAULT_DB_ALIAS]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rijen = cursor.fetchall()
    return [_uit_rij_van(connection, rij, modellen, extra) for rij in rijen]


def _uit_rij_van(connection, rij, modellen, extra: int):
    gelezen, begin = [], 0
    for model in modellen:
        eind = begin + len(_lezen(model, connection)[1])
        gelezen.append(uit_rij(model, rij[begin:eind], connection))
        begin = eind
    if begin + extra != len(rij):
        raise ValueError(f"{len(rij)} kolommen gelezen, {begin + extra} verwacht voor {modellen} en {extra} extra")
    gelezen.extend(rij[begin:])
    return gelezen[0] if len(gelezen) == 1 else tuple(gelezen)


def voor_update(connection=None) -> str:
    """`` FOR UPDATE`` where the database locks rows that way (PostgreSQL); SQLite locks the whole file."""
    connection = connection or connections[DEFAULT_DB_ALIAS]
    return " FOR UPDATE" if connection.features.has_select_for_update else ""


def tabel(model, connection=None) -> str:
    return (connection or connections[DEFAULT_DB_ALIAS]).ops.quote_name(model._meta.db_table)


def _zet_om(waarde, stappen, kolom, connection):
    for stap in stappen:
        waarde = stap(waarde, kolom, connection)
    return waarde


def _lezen(model, connection):
    sleutel = (model, connection.vendor)
    gevonden = _LEZEN.get(sleutel)
    if gevonden is None:
        qn = connection.ops.quote_name
        velden = model._meta.concrete_fields
        omzetters = []
        for veld in velden:
            kolom = veld.get_col(model._meta.db_table)
            omzetters.append((kolom, connection.ops.get_db_converters(kolom) + veld.get_db_converters(connection)))
        gevonden = _LEZEN[sleutel] = (
            [qn(v.column) for v in velden],
            [v.attname for v in velden],
            omzetters,
        )
    return gevonden


@dataclass(frozen=True)
class Samen:
    """A model with the rows its foreign keys point to, as one plain join (``select_related`` without compiling a
    query each time): built once per model and paths, see :func:`samen`."""

    model: type
    paden: tuple[str, ...]
    kolommen: str  # the select list
    van: str  # FROM … JOIN …
    aliassen: dict  # path ("" for the model itself) -> its alias in the statement
    stappen: tuple  # (models in column order, (child index, parent index, field name) to wire up)

    def alias(self, pad: str = "") -> str:
        return self.aliassen[pad]

    def lees_alle(self, waar: str, params) -> list:
        """The model's instances matching ``waar`` (on the aliases), each with its related rows set."""
        modellen, verbindingen = self.stappen
        uit = []
        for gelezen in lees_alle(f"SELECT {self.kolommen} FROM {self.van} WHERE {waar}", params, *modellen):
            gelezen = gelezen if isinstance(gelezen, tuple) else (gelezen,)
            for kind, ouder, veld in verbindingen:
                setattr(gelezen[ouder], veld, gelezen[kind])
            uit.append(gelezen[0])
        return uit

    def lees(self, waar: str, params):
        """The first match of :meth:`lees_alle`, or None."""
        gevonden = self.lees_alle(waar, params)
        return gevonden[0] if gevonden else None


_SAMEN: dict[tuple, Samen] = {}


def samen(model, *paden: str) -> Samen:
    """``model`` joined to what ``paden`` name (``select_related`` paths such as ``"koppelpunt__instelling"``).

    Inner joins only: a row whose related row is missing (a NULL foreign key) is not read, which is what the hot
    paths want (no student, no e-mail). For the reads every status message, API call or delivery makes."""
    connection = connections[DEFAULT_DB_ALIAS]
    sleutel = (model, paden, connection.vendor)
    gevonden = _SAMEN.get(sleutel)
    if gevonden is None:
        qn = connection.ops.quote_name
        plek, modellen, verbindingen = {"": 0}, [model], []  # path -> its position among the models (alias tN)
        delen, van = [kolommen(model, connection, alias="t0")], [f"{tabel(model, connection)} t0"]
        for pad in paden:
            ouder_pad, huidig = "", model
            for naam in pad.split("__"):
                veld = huidig._meta.get_field(naam)
                eigen_pad = f"{ouder_pad}__{naam}" if ouder_pad else naam
                if eigen_pad not in plek:
                    doel, n = veld.related_model, len(modellen)
                    plek[eigen_pad] = n
                    van.append(
                        f"JOIN {tabel(doel, connection)} t{n} ON t{n}.{qn(doel._meta.pk.column)}"
                        f" = t{plek[ouder_pad]}.{qn(veld.column)}"
                    )
                    delen.append(kolommen(doel, connection, alias=f"t{n}"))
                    verbindingen.append((n, plek[ouder_pad], veld.name))
                    modellen.append(doel)
                ouder_pad, huidig = eigen_pad, veld.related_model
        aliassen = {pad: f"t{n}" for pad, n in plek.items()}
        gevonden = _SAMEN[sleutel] = Samen(
            model, paden, ", ".join(delen), " ".join(van), aliassen, (tuple(modellen), tuple(verbindingen))
        )
    return gevonden
