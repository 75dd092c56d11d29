"""Catalogue domain logic: which cohorts are open, what the portal shows, and import runs."""

import copy
import datetime
import hmac
import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from voorzieningen.core import invoegen
from voorzieningen.core.procesgeheugen import Procesgeheugen

from .importers.apply import apply_batch
from .importers.files import ImportFileError
from .importers.rows import ParsedBatch
from .models import (
    AangebodenOpleiding,
    Cohort,
    ImportRun,
    Instelling,
    Kwalificatie,
    Onderwijsaanbieder,
    RioType,
    SyncStatus,
)

logger = logging.getLogger(__name__)


def cohort_is_open(cohort: Cohort, today: datetime.date) -> bool:
    """Open: RIO status open, today inside the aanmeldperiode, end date not passed, and not full."""
    if cohort.status != Cohort.Status.OPEN:
        return False
    if today < cohort.aanmelden_vanaf:
        return False
    if cohort.aanmelden_tot is not None and today > cohort.aanmelden_tot:
        return False
    if cohort.einddatum is not None and today > cohort.einddatum:
        return False
    return not cohort.is_vol


def open_cohorts_q(today: datetime.date, prefix: str = "") -> Q:
    """The same rule as :func:`cohort_is_open`, as a query filter."""
    p = prefix
    return (
        Q(**{f"{p}status": Cohort.Status.OPEN, f"{p}aanmelden_vanaf__lte": today})
        & (Q(**{f"{p}aanmelden_tot__isnull": True}) | Q(**{f"{p}aanmelden_tot__gte": today}))
        & (Q(**{f"{p}einddatum__isnull": True}) | Q(**{f"{p}einddatum__gte": today}))
        & (Q(**{f"{p}capaciteit__isnull": True}) | Q(**{f"{p}aantal_aanmeldingen__lt": F(f"{p}capaciteit")}))
    )


def neem_plaats(cohort_id: int, today: datetime.date) -> bool:
    """Take a place in the cohort if, on the live row, it is open (:func:`cohort_is_open`): one conditional UPDATE,
    the row locked only until the caller's commit. False when the cohort is closed or the last place was just taken.

    Plain SQL because every submit runs it (the query machinery cost more than the update); the rule is the one of
    :func:`open_cohorts_q`, and ``catalogus/tests/test_plaats.py`` checks the two agree on every kind of cohort.
    """
    return neem_plaats_gebundeld(cohort_id, today).rijen == 1


def neem_plaats_gebundeld(cohort_id: int, today: datetime.date) -> invoegen.Bijgewerkt:
    """:func:`neem_plaats` sent with the caller's open bundle (``core.invoegen.gebundeld``): its ``rijen`` is 1
    once the bundle is sent when a place was taken."""
    qn = connection.ops.quote_name
    dag = connection.ops.adapt_datefield_value(today)
    return invoegen.werk_bij(
        f"UPDATE {qn(Cohort._meta.db_table)} SET aantal_aanmeldingen = aantal_aanmeldingen + 1"  # noqa: S608
        " WHERE id = %s AND status = %s AND aanmelden_vanaf <= %s"
        " AND (aanmelden_tot IS NULL OR aanmelden_tot >= %s) AND (einddatum IS NULL OR einddatum >= %s)"
        " AND (capaciteit IS NULL OR aantal_aanmeldingen < capaciteit)",
        [cohort_id, Cohort.Status.OPEN.value, dag, dag, dag],
    )


def tel_plaatsen(cohort_id: int, delta: int) -> None:
    """A status change freed a place or took one again (``aanmelden.BEZET_PLAATS``): no rule applies, since a
    student already offered a place keeps it even when the cohort filled up meanwhile. Plain SQL, as above:
    every status message may run it."""
    invoegen.werk_bij(
        f"UPDATE {invoegen.tabel(Cohort)} SET aantal_aanmeldingen = aantal_aanmeldingen + %s WHERE id = %s",  # noqa: S608
        [delta, cohort_id],
    )


def portal_opleidingen() -> QuerySet[AangebodenOpleiding]:
    """Programmes the portal may show: CENTRAAL_AANMELDEN_MBO providers, whitelist respected.

    Filters on provider ids computed up front (a few dozen) instead of joining providers and institutions
    for every programme: the search stays an index-friendly scan of one table.
    """
    aanbieders = Onderwijsaanbieder.objects.filter(rio_type=RioType.CENTRAAL_AANMELDEN_MBO)
    open_ids = list(aanbieders.filter(instelling__whitelist_actief=False).values_list("pk", flat=True))
    whitelisted = Instelling.whitelist.through.objects.filter(
        instelling__whitelist_actief=True,
        aangebodenopleiding__aanbieder__rio_type=RioType.CENTRAAL_AANMELDEN_MBO,
        aangebodenopleiding__aanbieder__instelling_id=F("instelling_id"),  # only an institution's own programmes
    ).values("aangebodenopleiding_id")
    return AangebodenOpleiding.objects.filter(Q(aanbieder_id__in=open_ids) | Q(pk__in=whitelisted))


VOOR_INDIENEN = Procesgeheugen("cohorten-voor-indienen", seconden=30)


def cohort_voor_indienen(cohort_id: int) -> Cohort:
    """The cohort with its programme, provider, institution and qualification, as every submit reads them: kept per
    process for half a minute instead of a five-table join per application.

    A stale copy only steers the first check: the place is taken by a conditional UPDATE on the live row, and a
    refusal is always checked again against the database.
    """
    cohort = VOOR_INDIENEN.haal(
        cohort_id,
        lambda: Cohort.objects.select_related("opleiding__aanbieder__instelling", "opleiding__kwalificatie").get(
            pk=cohort_id
        ),
    )
    return copy.copy(cohort)  # a model's copy has its own field cache: callers cannot change the kept one


def vergeet_cohorten() -> None:
    VOOR_INDIENEN.vergeet()


def is_portal_opleiding(opleiding: AangebodenOpleiding) -> bool:
    """The rule of :func:`portal_opleidingen` for one programme (its aanbieder and instelling loaded)."""
    aanbieder = opleiding.aanbieder
    if aanbieder.rio_type != RioType.CENTRAAL_AANMELDEN_MBO:
        return False
    instelling = aanbieder.instelling
    return not instelling.whitelist_actief or instelling.whitelist.filter(pk=opleiding.pk).exists()


@dataclass
class Zoekvraag:
    tekst: str = ""
    niveau: int | None = None
    leertraject: str = ""
    plaats: str = ""
    instelling: str = ""  # BRIN
    inclusief_inactief: bool = False


def zoek_opleidingen(vraag: Zoekvraag) -> QuerySet[AangebodenOpleiding]:
    qs = portal_opleidingen()
    if not vraag.inclusief_inactief:
        qs = qs.filter(actief=True)
    for term in vraag.tekst.lower().split():
        qs = qs.filter(zoektekst__contains=term)
    if vraag.niveau:
        qs = qs.filter(niveau=vraag.niveau)
    if vraag.leertraject:
        qs = qs.filter(leertraject=vraag.leertraject)
    if vraag.plaats:
        qs = qs.filter(locatie__plaatsnaam__iexact=vraag.plaats.strip())
    if vraag.instelling:
        qs = qs.filter(aanbieder__instelling__brin=vraag.instelling)
    return qs.order_by("wervingsnaam", "pk")


def met_details(opleidingen) -> list[AangebodenOpleiding]:
    """Load one page of results with provider, institution, location and qualification.

    Search sorts and pages on the bare table first; joining four tables for every match before taking the
    top 20 is what made broad searches slow.
    """
    ids = [o.pk if isinstance(o, AangebodenOpleiding) else o for o in opleidingen]
    found = (
        AangebodenOpleiding.objects.select_related("aanbieder__instelling", "locatie", "kwalificatie")
        .defer("zoektekst")
        .in_bulk(ids)
    )
    return [found[pk] for pk in ids if pk in found]


def zichtbare_cohorten(opleiding: AangebodenOpleiding, today: datetime.date, ontgrendeld: set[int]) -> list[Cohort]:
    """Open cohorts; those behind an access code only once the student entered that code."""
    cohorts = [c for c in opleiding.cohorten.all() if cohort_is_open(c, today)]
    return [c for c in cohorts if not c.toegangscode or c.pk in ontgrendeld]


def ontgrendel_cohorten(opleiding: AangebodenOpleiding, code: str, today: datetime.date) -> list[Cohort]:
    """The open cohorts whose access code matches (case-insensitive, constant-time compare)."""
    given = code.strip().casefold().encode()
    if not given:
        return []
    return [
        c
        for c in opleiding.cohorten.exclude(toegangscode="")
        if hmac.compare_digest(c.toegangscode.casefold().encode(), given) and cohort_is_open(c, today)
    ]


RESULTATEN_VERSIE = "catalogus:resultaten:versie"


def resultaten_versie() -> str:
    """The version of what the search shows: cached result lists carry it, and a change to the catalogue takes a
    new one, so a list of before the change is never served again. Random, not a counter: a cache that lost the key
    must not start again at a version that old lists still carry."""
    return cache.get_or_set(RESULTATEN_VERSIE, lambda: uuid.uuid4().hex, timeout=None)


def catalogus_gewijzigd(**_signal) -> None:
    """An import, a programme, provider or institution saved, a whitelist changed: searches show it from now on.
    A cache that is down cannot stop the change: its lists then last their minute."""
    try:
        cache.set(RESULTATEN_VERSIE, uuid.uuid4().hex, timeout=None)
    except Exception as exc:  # noqa: BLE001 — whatever the cache backend raises
        logger.warning("catalogus: nieuwe versie van de zoekresultaten niet gezet: %s", exc)


def laatste_sync() -> datetime.datetime | None:
    dates = [s.laatste_sync for s in SyncStatus.objects.all() if s.laatste_sync]
    return max(dates) if dates else None


def run_import(bron: str, soort: str, load: Callable[[], ParsedBatch]) -> ImportRun:
    """Load and apply one import, recording its outcome; a failed load writes nothing to the catalogue."""
    from .rio.client import RioApiError

    run = ImportRun.objects.create(bron=bron, soort=soort)
    try:
        batch = load()
        counts = apply_batch(batch, full=soort == ImportRun.Soort.VOLLEDIG)
    except (ImportFileError, RioApiError) as exc:
        run.uitkomst, run.melding, run.klaar_op = ImportRun.Uitkomst.MISLUKT, str(exc), timezone.now()
        run.save()
        logger.warning("catalogue import %s/%s failed: %s", bron, soort, exc)
        return run
    except Exception as exc:
        run.uitkomst, run.melding, run.klaar_op = ImportRun.Uitkomst.MISLUKT, repr(exc), timezone.now()
        run.save()
        raise
    catalogus_gewijzigd()  # the bulk writes send no signals
    run.aantallen = counts
    run.fouten = [e.as_dict() for e in batch.errors[:2000]]
    run.uitkomst = ImportRun.Uitkomst.MET_FOUTEN if batch.errors else ImportRun.Uitkomst.GESLAAGD
    run.klaar_op = timezone.now()
    run.save()
    status, _ = SyncStatus.objects.get_or_create(bron=bron)
    if soort == ImportRun.Soort.VOLLEDIG:
        status.laatste_volledige_sync = run.klaar_op
        _refresh_statistics()
    else:
        status.laatste_mutatie_sync = run.klaar_op
    status.save()
    logger.info("catalogue import %s/%s: %s", bron, soort, counts)
    return run


def _refresh_statistics() -> None:
    """After a bulk load PostgreSQL's planner still sees the old table sizes; search plans go bad until it knows."""
    if connection.vendor != "postgresql":
        return
    tables = [m._meta.db_table for m in (AangebodenOpleiding, Cohort, Onderwijsaanbieder, Instelling)]
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {', '.join(tables)}")


BRON_BESTAND = "rio-bestand"
BRON_API = "rio-api"


def rio_client():
    """The RIO LOD API client: the real API when RIO_API_URL is set, else the built-in simulator in-process."""
    from django.conf import settings

    from .rio.client import RioLodClient
    from .rio.simulator import default_simulator

    if settings.RIO_API_URL:
        return RioLodClient(
            settings.RIO_API_URL, timeout=settings.RIO_API_TIMEOUT, page_size=settings.RIO_API_PAGE_SIZE
        )
    base = "http://rio-simulator.invalid/api/rio/v2"
    return RioLodClient(base, fetch=default_simulator().fetch(base))


def sync_from_api(client=None) -> ImportRun:
    """Full synchronisation from the RIO API (the nightly job)."""
    from .importers.files import parse_row_dicts

    client = client or rio_client()

    def load():
        opleidingen, cohorten = client.import_rows(timezone.localdate())
        return parse_row_dicts(opleidingen, cohorten)

    return run_import(BRON_API, ImportRun.Soort.VOLLEDIG, load)


def import_directory(directory, *, mutation: bool = False, progress=None) -> ImportRun:
    from .importers.files import parse_directory

    soort = ImportRun.Soort.MUTATIES if mutation else ImportRun.Soort.VOLLEDIG
    return run_import(BRON_BESTAND, soort, lambda: parse_directory(directory, mutation, progress))


def import_mutations(opleidingen: list[dict], cohorten: list[dict], bron: str = BRON_API) -> ImportRun:
    """Mutations pushed during the day (API or task): applied at once, near-realtime."""
    from .importers.files import parse_row_dicts

    return run_import(bron, ImportRun.Soort.MUTATIES, lambda: parse_row_dicts(opleidingen, cohorten, mutation=True))


@transaction.atomic
def import_reference_catalogus() -> dict[str, dict[str, int]]:
    """The 4,103 real crebo qualifications and the mbo institutions (BRIN + name) from REFERENCE_DATA_DIR."""
    from voorzieningen.core.bulk import sync_objects

    from . import reference

    kwalificaties = {o.crebo: o for o in Kwalificatie.objects.all()}
    wanted = {crebo: {"naam": naam[:255]} for crebo, naam in reference.crebo_kwalificaties()}
    make = lambda crebo, fields: Kwalificatie(crebo=crebo, **fields)  # noqa: E731
    result = {"kwalificaties": sync_objects(Kwalificatie, kwalificaties, wanted, make)}
    instellingen = {o.brin: o for o in Instelling.objects.all()}
    wanted = {brin: {"naam": naam} for brin, naam in reference.mbo_instellingen()}
    result["instellingen"] = sync_objects(Instelling, instellingen, wanted, lambda k, f: Instelling(brin=k, **f))
    return result
