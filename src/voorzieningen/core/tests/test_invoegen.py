"""The cached INSERT of the hot paths: what save() would write, the key set, no signal to miss."""

from unittest import mock

from django.db.models.signals import post_init, post_save, pre_init, pre_save
from django.utils import timezone

import pytest

from voorzieningen.aanmelden.models import Aanmelding, Concept, StatusWijziging, Verstrekking
from voorzieningen.core import invoegen
from voorzieningen.core.invoegen import voeg_in
from voorzieningen.core.models import AuditLogEntry, OutboxBericht
from voorzieningen.koppelpunt.models import Routering
from voorzieningen.sis.models import Aanlevering, SisLogregel, SisSleutel, StatusBericht

pytestmark = pytest.mark.django_db
ZONDER_SIGNALEN = {
    Aanmelding,
    StatusWijziging,
    AuditLogEntry,
    OutboxBericht,
    Aanlevering,
    SisLogregel,
    StatusBericht,
    Routering,
    SisSleutel,
    Verstrekking,
    Concept,
}


def test_defaults_and_auto_now_add_are_applied_and_the_key_is_set():
    voor = timezone.now()
    regel = AuditLogEntry(actor_type="system", actor_id="system:test", action="read", object_type="x", reason="r")
    assert voeg_in(regel) is True
    assert regel.pk and not regel._state.adding
    opgeslagen = AuditLogEntry.objects.get(pk=regel.pk)
    assert opgeslagen.timestamp >= voor and opgeslagen.extra == {} and opgeslagen.actor_id == "system:test"


def test_on_conflict_the_existing_row_wins():
    nu = timezone.now()
    eerste = OutboxBericht(kanaal="email", sleutel="email:x", payload={"a": 1}, volgende_poging=nu)
    tweede = OutboxBericht(kanaal="email", sleutel="email:x", payload={"a": 2}, volgende_poging=nu)
    assert voeg_in(eerste, bij_conflict="sleutel") is True
    assert voeg_in(tweede, bij_conflict="sleutel") is False and tweede.pk is None
    assert list(OutboxBericht.objects.values_list("payload", flat=True)) == [{"a": 1}]


def test_nothing_listens_to_saves_of_the_models_written_this_way():
    """voeg_in sends no pre_save/post_save: a receiver added for one of these models would silently miss rows."""
    assert invoegen.GEBRUIKT <= ZONDER_SIGNALEN, "a new model is written with voeg_in: add it here after checking"
    for model in ZONDER_SIGNALEN:
        assert not pre_save.has_listeners(model) and not post_save.has_listeners(model), model


def test_nothing_listens_to_inits_of_the_models_built_without_init():
    """invoegen.nieuw sends no pre_init/post_init (an ImageField or a library would listen there)."""
    assert invoegen.GEMAAKT <= ZONDER_SIGNALEN, "a new model is built with nieuw: add it here after checking"
    for model in ZONDER_SIGNALEN:
        assert not pre_init.has_listeners(model) and not post_init.has_listeners(model), model


def _staat(obj):
    """Everything __init__ leaves on an instance: the fields' values, the related rows it cached, its state."""
    waarden = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}
    return waarden, dict(obj._state.fields_cache), obj._state.adding, obj._state.db


@pytest.mark.parametrize(
    "model,waarden",
    [
        (SisLogregel, {"aanmelding_id": 3, "koppelpunt_id": 1, "soort": "STATUS", "tijdstip": "2026-01-01"}),
        (OutboxBericht, {"kanaal": "email", "sleutel": "k", "payload": {"a": 1}, "volgende_poging": None}),
        (AuditLogEntry, {"actor_type": "system", "actor_id": "s", "action": "read", "extra": {"n": 1}}),
        (StatusWijziging, {"pk": 7, "aanmelding_id": 1, "status": "SUBMITTED", "bron": "portaal", "correctie": 1}),
        (Aanmelding, {"keten_id": "123", "crebo": "25009", "gegevens": {"x": 1}, "leerbedrijf": None}),
    ],
)
def test_an_instance_built_without_init_is_the_one_init_builds(model, waarden):
    """Defaults (also callable ones: compared by type where they differ per call), values by name and attname."""
    snel, gewoon = invoegen.nieuw(model, **waarden), model(**waarden)
    (snel_w, *snel_rest), (gewoon_w, *gewoon_rest) = _staat(snel), _staat(gewoon)
    assert snel_rest == gewoon_rest and snel_w.keys() == gewoon_w.keys()
    for naam, waarde in gewoon_w.items():
        veld = model._meta.get_field(naam) if naam != "id" else model._meta.pk
        if callable(getattr(veld, "default", None)) and naam not in waarden:  # uuid4, now: another value each call
            assert type(snel_w[naam]) is type(waarde), naam
        else:
            assert snel_w[naam] == waarde and type(snel_w[naam]) is type(waarde), naam


def test_a_related_object_given_by_name_is_cached_both_ways_as_init_does():
    from voorzieningen.sis.models import Koppelpunt

    aanmelding, koppelpunt = Aanmelding(pk=11), Koppelpunt(pk=5)
    snel = invoegen.nieuw(Aanlevering, aanmelding=aanmelding, koppelpunt=koppelpunt)
    assert snel.aanmelding_id == aanmelding.pk and snel.koppelpunt_id == koppelpunt.pk
    assert snel.aanmelding is aanmelding and snel.koppelpunt is koppelpunt  # no query: cached
    assert aanmelding.aanlevering is snel  # one-to-one: the other side knows it, as after Aanlevering(aanmelding=…)
    leeg = invoegen.nieuw(Aanlevering, aanmelding=None)
    assert leeg.aanmelding_id is None and _staat(leeg)[1:] == _staat(Aanlevering(aanmelding=None))[1:]


def test_an_unknown_name_is_refused_as_init_refuses_it():
    with pytest.raises(TypeError, match="bestaat_niet"):
        invoegen.nieuw(SisLogregel, bestaat_niet=1)
    with pytest.raises(TypeError, match="bestaat_niet"):
        SisLogregel(bestaat_niet=1)


def _volledig(obj, connection):
    """What save() would send: pre_save and get_db_prep_save for every concrete field but the auto key."""
    velden = [f for f in obj._meta.concrete_fields if f is not obj._meta.auto_field]
    return [f.get_db_prep_save(f.pre_save(obj, True), connection) for f in velden]


@pytest.mark.parametrize(
    "maak",
    [
        # the values the hot paths write, and values of another type that the fields must still convert
        lambda: SisLogregel(aanmelding_id=3, koppelpunt_id=1, soort="STATUS", detail="x", tijdstip=timezone.now()),
        lambda: SisLogregel(aanmelding_id="3", koppelpunt_id=1.0, soort=7, detail="", tijdstip=timezone.now()),
        lambda: OutboxBericht(kanaal="email", sleutel="k", payload={"a": [1, "b"]}, volgende_poging=timezone.now()),
        lambda: OutboxBericht(kanaal="email", sleutel=12, payload=None, pogingen="2", volgende_poging=timezone.now()),
        lambda: AuditLogEntry(actor_type="system", actor_id="s", action="read", object_type="x", extra={"n": 1}),
        lambda: StatusWijziging(aanmelding_id=1, status="SUBMITTED", tijdstip=timezone.now(), bron="portaal"),
        lambda: StatusWijziging(aanmelding_id=1, status="OFFERED", tijdstip=timezone.now(), bron="x", correctie=1),
        # kept as they are on PostgreSQL: an aware datetime and a UUID; converted: a naive one, text for a uuid
        lambda: StatusWijziging(aanmelding_id=1, status="OFFERED", tijdstip=timezone.now().replace(tzinfo=None)),
        lambda: Aanmelding(ca_keten_id="6f1c1b38-4a6c-4b57-9d3a-52f2c43b1c5e", indien_token=None, keten_id="1"),
        lambda: Aanmelding(keten_id="2", ingediend_op=timezone.now(), gegevens={"a": 1}),
    ],
)
def test_the_fast_conversion_sends_what_save_would(maak):
    from django.db import connection

    obj = maak()
    _, omzetters, _ = invoegen._statement(connection, type(obj), None)
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):  # auto_now_add: one moment
        snel, volledig = [omzet(obj) for omzet in omzetters], _volledig(obj, connection)
    assert [type(w) for w in snel] == [type(w) for w in volledig]
    assert [_inhoud(w) for w in snel] == [_inhoud(w) for w in volledig]


def _inhoud(waarde):
    """psycopg's Jsonb wrapper compares by identity: compare what it wraps."""
    return waarde.obj if type(waarde).__name__ == "Jsonb" else waarde


def test_a_row_read_by_hand_becomes_the_instance_the_orm_reads():
    """JSON, uuid, boolean and datetime columns come back converted, on SQLite as on PostgreSQL."""
    from django.db import connection

    from voorzieningen.aanmelden.models import Concept
    from voorzieningen.aanmelden.tests.factories import AanmelderFactory
    from voorzieningen.catalogus.tests.factories import CohortFactory

    concept = Concept.objects.create(
        aanmelder=AanmelderFactory(),
        cohort=CohortFactory(),
        voltooide_stappen=["persoonsgegevens", "contact"],
        kenmerken={"bron": "open dag", "n": 2},
        leerbedrijf=None,
        via_deeplink=True,
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {invoegen.kolommen(Concept)} FROM aanmelden_concept WHERE id = %s", [concept.pk])
        gelezen = invoegen.uit_rij(Concept, cursor.fetchone())
    orm = Concept.objects.get(pk=concept.pk)
    for veld in Concept._meta.concrete_fields:
        assert getattr(gelezen, veld.attname) == getattr(orm, veld.attname), veld.name
        assert type(getattr(gelezen, veld.attname)) is type(getattr(orm, veld.attname)), veld.name
    assert not gelezen._state.adding and gelezen.token == concept.token


def _regel(**kwargs):
    return AuditLogEntry(
        **{"actor_type": "system", "actor_id": "s", "action": "read", "object_type": "x", "reason": "r", **kwargs}
    )


def _statements(queries):
    return [q["sql"] for q in queries if q["sql"] not in ("BEGIN", "COMMIT")]


def test_a_bundle_writes_its_rows_in_one_statement_on_postgresql_and_row_by_row_on_sqlite():
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    nu = timezone.now()
    regels = [_regel(), _regel()]
    bericht = OutboxBericht(kanaal="email", sleutel="email:b", payload={}, volgende_poging=nu)
    with transaction.atomic(), CaptureQueriesContext(connection) as q:
        with invoegen.gebundeld():
            for regel in regels:
                voeg_in(regel)
            voeg_in(bericht, bij_conflict="sleutel")
            if connection.vendor == "postgresql":
                assert regels[0].pk is None and _statements(q.captured_queries) == []  # not sent yet
    assert len(_statements(q.captured_queries)) == (1 if connection.vendor == "postgresql" else 3)
    assert all(r.pk and not r._state.adding for r in [*regels, bericht])
    assert AuditLogEntry.objects.filter(pk__in=[r.pk for r in regels]).count() == 2
    assert OutboxBericht.objects.get(pk=bericht.pk).sleutel == "email:b"


def test_in_a_bundle_a_key_set_beforehand_is_written_and_a_lost_conflict_keeps_no_key():
    from django.db import transaction

    nu = timezone.now()
    OutboxBericht.objects.create(kanaal="email", sleutel="email:bestaat", payload={"eerste": 1}, volgende_poging=nu)
    vooraf = _regel(pk=987654)
    tweede = OutboxBericht(kanaal="email", sleutel="email:bestaat", payload={"tweede": 2}, volgende_poging=nu)
    with transaction.atomic(), invoegen.gebundeld():
        voeg_in(vooraf)
        geplaatst = voeg_in(tweede, bij_conflict="sleutel")
    assert AuditLogEntry.objects.filter(pk=987654).exists()
    assert geplaatst is not True and tweede.pk is None  # None (bundled) on PostgreSQL, False on SQLite
    assert list(OutboxBericht.objects.values_list("payload", flat=True)) == [{"eerste": 1}]


def test_rows_inserted_in_a_nested_block_go_at_once_so_its_rollback_undoes_them():
    from django.db import transaction

    with transaction.atomic(), invoegen.gebundeld():
        buiten = _regel(reason="buiten")
        voeg_in(buiten)
        try:
            with transaction.atomic():
                binnen = _regel(reason="binnen")
                voeg_in(binnen)
                assert binnen.pk is not None  # written now, inside the savepoint
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
        invoegen.verstuur()
        assert buiten.pk is not None
    assert list(AuditLogEntry.objects.values_list("reason", flat=True)) == ["buiten"]


def test_a_bundle_that_raises_sends_nothing():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic(), invoegen.gebundeld():
        voeg_in(_regel())
        raise RuntimeError("stop")
    from django.db import connection

    assert getattr(connection, "_invoeg_bundel", None) is None and not AuditLogEntry.objects.exists()


def test_psycopg_still_has_the_query_cache_limits_the_bundle_raises():
    _queries = pytest.importorskip("psycopg._queries")
    from voorzieningen.core.apps import PSYCOPG_QUERY_CACHE

    for naam, waarde in PSYCOPG_QUERY_CACHE.items():
        assert getattr(_queries, naam) >= waarde, f"psycopg renamed {naam}: the bundled submit is converted anew"


def test_a_bundled_outbox_message_is_handed_to_the_workers_only_once_its_key_is_known(monkeypatch):
    from django.db import transaction

    from voorzieningen.core import outbox
    from voorzieningen.core.tasks import deliver_outbox

    gegeven = []
    monkeypatch.setattr(outbox, "_after_commit", lambda func: func())  # at once, as the test suite runs them
    monkeypatch.setattr(deliver_outbox, "delay", gegeven.append)
    with transaction.atomic(), invoegen.gebundeld():
        bericht = outbox.plaats("email", "gebundeld", {"x": 1})
        outbox.plaats("email", "gebundeld", {"x": 2})  # the same key: the first one stands, nothing to hand over
    assert gegeven == [bericht.pk] and bericht.pk is not None


def test_an_update_in_a_bundle_reports_the_rows_it_changed_once_sent():
    from django.db import transaction

    regel = _regel(reason="voor")
    voeg_in(regel)
    with transaction.atomic(), invoegen.gebundeld():
        geraakt = invoegen.werk_bij("UPDATE core_auditlogentry SET reason = %s WHERE id = %s", ["na", regel.pk])
        gemist = invoegen.werk_bij("UPDATE core_auditlogentry SET reason = %s WHERE id = %s", ["na", -1])
        voeg_in(_regel(reason="erbij"))
    assert (geraakt.rijen, gemist.rijen) == (1, 0)
    assert AuditLogEntry.objects.get(pk=regel.pk).reason == "na"


def test_updating_named_fields_writes_those_and_leaves_the_rest_as_stored():
    nu = timezone.now()
    bericht = OutboxBericht.objects.create(kanaal="email", sleutel="email:u", payload={"a": 1}, volgende_poging=nu)
    aangemaakt = OutboxBericht.objects.get(pk=bericht.pk).aangemaakt_op
    bericht.payload, bericht.pogingen, bericht.status, bericht.kanaal = {}, 3, "afgeleverd", "niet-dit"
    assert invoegen.werk_velden_bij(bericht, ("payload", "pogingen", "status")) == 1
    opgeslagen = OutboxBericht.objects.get(pk=bericht.pk)
    assert (opgeslagen.payload, opgeslagen.pogingen, opgeslagen.status) == ({}, 3, "afgeleverd")
    assert opgeslagen.kanaal == "email" and opgeslagen.aangemaakt_op == aangemaakt
    bericht.pk = -1
    assert invoegen.werk_velden_bij(bericht, ("status",)) == 0


def test_lees_reads_instances_from_one_row_of_a_join_as_the_orm_would():
    nu = timezone.now()
    bericht = OutboxBericht(kanaal="email", sleutel="email:lees", payload={"a": [1, "b"]}, volgende_poging=nu)
    voeg_in(bericht)
    regel = AuditLogEntry(
        actor_type="system", actor_id="x", action="read", object_type="y", reason="r", object_id=str(bericht.pk)
    )
    voeg_in(regel)
    o, a = invoegen.tabel(OutboxBericht), invoegen.tabel(AuditLogEntry)
    sql = (
        f"SELECT {invoegen.kolommen(OutboxBericht, alias='o')}, {invoegen.kolommen(AuditLogEntry, alias='a')}"
        f" FROM {o} o JOIN {a} a ON a.object_id = %s WHERE o.id = %s"
    )
    gelezen_bericht, gelezen_regel = invoegen.lees(sql, [str(bericht.pk), bericht.pk], OutboxBericht, AuditLogEntry)
    assert gelezen_bericht.payload == {"a": [1, "b"]} and gelezen_bericht.volgende_poging == nu
    assert gelezen_regel == AuditLogEntry.objects.get(pk=regel.pk) and gelezen_regel.timestamp == regel.timestamp
    assert (
        invoegen.lees(f"SELECT {invoegen.kolommen(OutboxBericht)} FROM {o} WHERE id = %s", [0], OutboxBericht) is None
    )
    with pytest.raises(ValueError, match="kolommen"):  # the columns and the models disagree: never a shifted read
        invoegen.lees(sql, [str(bericht.pk), bericht.pk], OutboxBericht)
    met_extra = f"SELECT {invoegen.kolommen(OutboxBericht)}, 7, 'x' FROM {o} WHERE id = %s"
    gelezen, zeven, x = invoegen.lees(met_extra, [bericht.pk], OutboxBericht, extra=2)  # values after the model's
    assert gelezen.pk == bericht.pk and (zeven, x) == (7, "x")
