"""Statistics and multiple-application analytics for an institution's admin screen.

Only aggregates leave this module, and every figure leaves it as a ``Cel`` made by ``cel()``: the one place
where small numbers are suppressed, so a template can never show a count of 1–4 or a figure derived from one.
All grouping runs in SQL (on SQLite and PostgreSQL alike); Python only folds a few hundred aggregate rows.
"""

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection
from django.db.models import Case, Count, F, IntegerField, OuterRef, Subquery, Value, When
from django.db.models.functions import Coalesce, TruncWeek
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from voorzieningen.aanmelden.models import Aanmelding
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.catalogus.models import AangebodenOpleiding

DREMPEL = 5  # counts 1..DREMPEL-1 are never shown
MIN_HISTORIE = 30  # fewer historical applications in a k bucket: its p(k) is noise, use the pooled p
MAX_K = 5  # k >= MAX_K shares one bucket: few students apply that often
HISTORIE_CACHE_SECONDS = 24 * 3600

ONDERDRUKT_AANTAL = "< 5"
ONDERDRUKT_AFGELEID = "–"

Label = str | Promise


# --- suppression ------------------------------------------------------------------------------------------


class Soort(StrEnum):
    AANTAL = "aantal"  # a count of applications
    PERCENTAGE = "percentage"  # 0..100, shown with one decimal and a % sign
    VERWACHTING = "verwachting"  # an expected number, shown with one decimal


@dataclass(frozen=True)
class Cel:
    """A displayable figure. ``getal`` is None whenever the figure is suppressed or missing: no raw small number
    travels to a template, not even in an attribute nobody meant to print."""

    tekst: str
    getal: int | float | None
    onderdrukt: bool = False

    def __str__(self) -> str:
        return self.tekst


def cel(waarde: int | float | None, soort: Soort = Soort.AANTAL, *, rust_op: Iterable[int] = ()) -> Cel:
    """The only way a figure becomes displayable.

    A count of 1–4 shows as "< 5" (0 may show: it identifies nobody). A derived figure shows as "–" when any
    count it rests on (``rust_op``) is 1–4, since the figure and the other counts would give it away; a row
    with 0 applications has no derived figures at all (``waarde`` None).
    """
    basis = list(rust_op)
    if soort == Soort.AANTAL:
        if waarde is not None and (not isinstance(waarde, int) or isinstance(waarde, bool)):
            raise TypeError(f"a count is an int, not {waarde!r}")
        if waarde is not None:
            basis.append(waarde)
    if any(b < 0 for b in basis):
        raise ValueError(f"counts are never negative: {basis}")
    if any(0 < b < DREMPEL for b in basis):
        return Cel(ONDERDRUKT_AANTAL if soort == Soort.AANTAL else ONDERDRUKT_AFGELEID, None, True)
    if waarde is None:
        return Cel(ONDERDRUKT_AFGELEID, None)
    if soort == Soort.AANTAL:
        return Cel(number_format(waarde, force_grouping=True), waarde)
    tekst = number_format(round(waarde, 1), 1, force_grouping=True)  # number_format truncates: round first
    return Cel(f"{tekst}%" if soort == Soort.PERCENTAGE else tekst, waarde)


def _sorteersleutel(c: Cel, label: Label) -> tuple:
    """Largest first, by what is displayed: suppressed rows sort as equals, so their order leaks nothing."""
    return (-(c.getal or 0), str(label))


# --- series for tables and bar charts ------------------------------------------------------------------------


class Punt(NamedTuple):
    label: Label
    cel: Cel
    fractie: float  # bar length relative to the series maximum, 0..1; 0 for a suppressed figure


@dataclass(frozen=True)
class Reeks:
    """One table / bar chart. ``maximum`` is the largest displayed value, so the bars never hint at a hidden one."""

    titel: Label
    punten: list[Punt]
    maximum: int


def _reeks(titel: Label, paren: Iterable[tuple[Label, int]]) -> Reeks:
    cellen = [(label, cel(n)) for label, n in paren]
    maximum = max((c.getal or 0 for _label, c in cellen), default=0)
    return Reeks(titel, [Punt(label, c, (c.getal or 0) / maximum if maximum else 0.0) for label, c in cellen], maximum)


# --- statistics -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Statistiek:
    schooljaar: int | None
    totaal: Cel
    per_status: Reeks  # all statuses in chain order, zeros included
    per_opleiding: Reeks  # largest first
    per_week: Reeks  # chronological ISO weeks of ingediend_op, empty weeks as 0


def _instelling_id(instelling) -> int:
    return getattr(instelling, "pk", instelling)


def _opleiding_labels(ids: Iterable[int]) -> dict[int, str]:
    rijen = AangebodenOpleiding.objects.filter(pk__in=list(ids)).values_list(
        "pk", "wervingsnaam", "kwalificatie__crebo", "leertraject"
    )
    return {pk: f"{naam} ({crebo}, {leertraject})" for pk, naam, crebo, leertraject in rijen}


def _week_label(maandag: datetime.date) -> str:
    jaar, week, _dag = maandag.isocalendar()
    return f"{jaar}-W{week:02d}"


def statistiek(instelling, schooljaar: int | None = None) -> Statistiek:
    """Totals per status, programme and week of one institution, optionally for one schooljaar."""
    qs = Aanmelding.objects.filter(instelling_id=_instelling_id(instelling)).order_by()
    if schooljaar is not None:
        qs = qs.filter(schooljaar=schooljaar)

    # two scans, not three: status and programme totals both fold from one (programme, status) grouping
    per_status: dict[str, int] = defaultdict(int)
    per_opleiding: dict[int, int] = defaultdict(int)
    for opleiding_id, status, n in qs.values_list("opleiding_id", "status").annotate(n=Count("*")):
        per_status[status] += n
        per_opleiding[opleiding_id] += n
    per_week: dict[datetime.date, int] = {}
    for week, n in qs.annotate(week=TruncWeek("ingediend_op")).values_list("week").annotate(n=Count("*")):
        maandag = week.date() if isinstance(week, datetime.datetime) else week
        per_week[maandag] = per_week.get(maandag, 0) + n

    weken = []
    if per_week:
        maandag, laatste = min(per_week), max(per_week)
        while maandag <= laatste:
            weken.append((_week_label(maandag), per_week.get(maandag, 0)))
            maandag += datetime.timedelta(days=7)

    labels = _opleiding_labels(per_opleiding)
    opleidingen = sorted(
        ((labels.get(pk, str(pk)), n) for pk, n in per_opleiding.items()),
        key=lambda p: _sorteersleutel(cel(p[1]), p[0]),
    )
    return Statistiek(
        schooljaar=schooljaar,
        totaal=cel(sum(per_status.values())),
        per_status=_reeks(_("Per status"), [(s.label, per_status.get(s.value, 0)) for s in Status]),
        per_opleiding=_reeks(_("Per opleiding"), opleidingen),
        per_week=_reeks(_("Per week"), weken),
    )


# --- the probability model p(k) ---------------------------------------------------------------------------------


def k_label(k: int) -> Label:
    return _("5 of meer") if k >= MAX_K else str(k)


@dataclass(frozen=True)
class KansRij:
    k: int  # 1..MAX_K, MAX_K meaning "5 of meer"
    label: Label
    aanmeldingen: Cel  # historical applications in this bucket
    ingeschreven: Cel  # of which ENROLLED
    kans: Cel  # percentage
    terugval: bool  # too little history in this bucket: the expected values use the pooled p instead


@dataclass(frozen=True)
class Kansmodel:
    """p(k) from all schooljaren before ``schooljaar``, all institutions; for the page that explains the model."""

    schooljaar: int
    rijen: list[KansRij]
    totaal: KansRij  # pooled over all k: the fallback
    geen_historie: bool  # no usable history: no expected values at all


# bucket -> (applications, enrolments)
Historie = dict[int, tuple[int, int]]


def _historie_uit_database(schooljaar: int) -> Historie:
    """Two GROUP BYs over the earlier years: live rows get k from their student's count, anonymised ones from
    ``meervoud``. Aggregating the per-student groups in SQL keeps 100,000s of students out of Python; the ORM
    cannot aggregate over an aggregate, hence raw SQL (portable: only CASE, COALESCE and subqueries in FROM).
    Schooljaar 0 is the field default, never a real year: such a row is left out rather than guessed."""
    tabel = connection.ops.quote_name(Aanmelding._meta.db_table)
    ingeschreven = "SUM(CASE WHEN status = %s THEN 1 ELSE 0 END)"
    sql = f"""
        SELECT n, SUM(n), SUM(e) FROM (
            SELECT COUNT(*) AS n, {ingeschreven} AS e FROM {tabel}
            WHERE schooljaar < %s AND schooljaar > 0 AND aanmelder_id IS NOT NULL
            GROUP BY schooljaar, aanmelder_id
        ) per_aanmelder GROUP BY n
        UNION ALL
        SELECT COALESCE(meervoud, 1), COUNT(*), {ingeschreven} FROM {tabel}
        WHERE schooljaar < %s AND schooljaar > 0 AND aanmelder_id IS NULL
        GROUP BY COALESCE(meervoud, 1)
    """
    historie: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    with connection.cursor() as cursor:
        cursor.execute(sql, [Status.ENROLLED, schooljaar, Status.ENROLLED, schooljaar])
        for k, n, e in cursor.fetchall():
            bucket = min(max(int(k), 1), MAX_K)
            historie[bucket][0] += int(n)
            historie[bucket][1] += int(e or 0)
    return {k: (n, e) for k, (n, e) in historie.items()}


def _historie(schooljaar: int) -> Historie:
    """Cached per day: earlier years change only by late status corrections and anonymisation."""
    key = f"instellingen:statistiek:historie:{schooljaar}:{timezone.localdate().isoformat()}"
    waarde = cache.get(key)
    if waarde is None:
        waarde = _historie_uit_database(schooljaar)
        cache.set(key, waarde, HISTORIE_CACHE_SECONDS)
    return waarde


@dataclass(frozen=True)
class _Model:
    """The probabilities the expected values use; internal, never handed to a template."""

    p: dict[int, float]  # bucket -> p used (own or pooled)
    terugval: frozenset[int]  # buckets that use the pooled p


def _kansen(historie: Historie) -> _Model | None:
    """p(k) per bucket; the pooled p where a bucket has < MIN_HISTORIE applications; None without usable history."""
    totaal_n = sum(n for n, _e in historie.values())
    if totaal_n < MIN_HISTORIE:
        return None
    gepoold = sum(e for _n, e in historie.values()) / totaal_n
    p, terugval = {}, set()
    for k in range(1, MAX_K + 1):
        n, e = historie.get(k, (0, 0))
        if n >= MIN_HISTORIE:
            p[k] = e / n
        else:
            p[k] = gepoold
            terugval.add(k)
    return _Model(p, frozenset(terugval))


def _kans_rij(k: int, label: Label, n: int, e: int, terugval: bool) -> KansRij:
    return KansRij(
        k=k,
        label=label,
        aanmeldingen=cel(n),
        ingeschreven=cel(e),
        kans=cel(100 * e / n if n else None, Soort.PERCENTAGE, rust_op=(n, e)),
        terugval=terugval,
    )


def _maak_kansmodel(schooljaar: int, hist: Historie) -> Kansmodel:
    model = _kansen(hist)
    rijen = [
        _kans_rij(k, k_label(k), *hist.get(k, (0, 0)), terugval=model is None or k in model.terugval)
        for k in range(1, MAX_K + 1)
    ]
    n, e = sum(n for n, _e in hist.values()), sum(e for _n, e in hist.values())
    return Kansmodel(schooljaar, rijen, _kans_rij(0, _("Alle"), n, e, model is None), geen_historie=model is None)


def kansmodel(schooljaar: int) -> Kansmodel:
    return _maak_kansmodel(schooljaar, _historie(schooljaar))


# --- multiple-application analytics ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnalyseRij:
    label: Label
    opleiding_id: int | None  # None: the whole institution
    aanmeldingen: Cel
    meervoudig: Cel  # applications of students with more than one application in the schooljaar
    percentage_meervoudig: Cel
    verwachte_inschrijvingen: Cel  # "–" also when there is no history (see MeervoudAnalyse.geen_historie)
    terugval: bool  # some open application of this row was valued with the pooled p


@dataclass(frozen=True)
class MeervoudAnalyse:
    schooljaar: int
    instelling: AnalyseRij
    opleidingen: list[AnalyseRij]  # largest first
    kansmodel: Kansmodel
    geen_historie: bool  # show "geen historische gegevens"
    terugval: bool  # some row used the pooled p: say so under the table


# (bucket, status) -> applications
Tellingen = dict[tuple[int, str], int]

NUL_WAARDE = frozenset({Status.REJECTED, Status.WITHDRAWN})


def _analyse_rij(label: Label, opleiding_id: int | None, tellingen: Tellingen, model: _Model | None) -> AnalyseRij:
    """Fold one row's (bucket, status) counts: ENROLLED is worth 1, REJECTED/WITHDRAWN 0, an open one p(k)."""
    n = sum(tellingen.values())
    meervoudig = sum(aantal for (k, _s), aantal in tellingen.items() if k > 1)
    verwacht, terugval = None, False
    if model is not None and n:
        verwacht = 0.0
        for (k, status), aantal in tellingen.items():
            if status == Status.ENROLLED:
                verwacht += aantal
            elif status not in NUL_WAARDE:
                verwacht += aantal * model.p[k]
                terugval = terugval or k in model.terugval
    basis = (n, meervoudig)
    return AnalyseRij(
        label=label,
        opleiding_id=opleiding_id,
        aanmeldingen=cel(n),
        meervoudig=cel(meervoudig),
        percentage_meervoudig=cel(100 * meervoudig / n if n else None, Soort.PERCENTAGE, rust_op=basis),
        verwachte_inschrijvingen=cel(verwacht, Soort.VERWACHTING, rust_op=basis),
        terugval=terugval,
    )


VERBORGEN = "x"


def aanvullend_onderdrukt(rijen: list[AnalyseRij], totaal: AnalyseRij) -> list[AnalyseRij]:
    """Complementary suppression of the 'meervoudig' column, whose counts come from other institutions too.

    With the institution total shown, one hidden cell would be the total minus the shown ones. So while exactly
    one cell is hidden, the smallest shown non-zero cell is hidden as well ('x'), with the figures derived
    from it; then the difference is a sum of two unknowns.
    """
    if totaal.meervoudig.onderdrukt:
        return rijen
    verborgen = sum(r.meervoudig.onderdrukt for r in rijen)
    if verborgen != 1:
        return rijen
    kandidaten = [i for i, r in enumerate(rijen) if not r.meervoudig.onderdrukt and r.meervoudig.getal]
    if not kandidaten:
        return rijen
    i = min(kandidaten, key=lambda j: (rijen[j].meervoudig.getal, str(rijen[j].label)))
    x = Cel(VERBORGEN, None, True)
    rijen = list(rijen)
    rijen[i] = replace(rijen[i], meervoudig=x, percentage_meervoudig=x, verwachte_inschrijvingen=x)
    return rijen


def _tellingen_uit_database(instelling_id: int, schooljaar: int) -> dict[int, Tellingen]:
    """opleiding -> (bucket, status) -> count, for one institution's applications in one schooljaar.

    k of a live row is a correlated count over the (schooljaar, aanmelder) index across all institutions: one
    institution's few thousand rows cost a few thousand index probes, not a scan of the whole year.
    """
    aantal_van_aanmelder = Subquery(
        Aanmelding.objects.filter(schooljaar=OuterRef("schooljaar"), aanmelder_id=OuterRef("aanmelder_id"))
        .order_by()
        .values("aanmelder_id")
        .annotate(n=Count("*"))  # COUNT(*), not COUNT(id): the (schooljaar, aanmelder) index alone answers it
        .values("n")[:1],
        output_field=IntegerField(),
    )
    k = Case(
        When(aanmelder_id__isnull=True, then=Coalesce(F("meervoud"), Value(1))),
        default=aantal_van_aanmelder,
        output_field=IntegerField(),
    )
    rijen = (
        Aanmelding.objects.filter(instelling_id=instelling_id, schooljaar=schooljaar)
        .order_by()
        .annotate(k=k)
        .values_list("opleiding_id", "k", "status")
        .annotate(n=Count("id"))
    )
    per_opleiding: dict[int, Tellingen] = defaultdict(lambda: defaultdict(int))
    for opleiding_id, k, status, n in rijen:
        per_opleiding[opleiding_id][(min(max(k or 1, 1), MAX_K), status)] += n
    return per_opleiding


def meervoud_analyse(instelling, schooljaar: int) -> MeervoudAnalyse:
    """Per institution and per programme: applications, how many are multiple, and the expected enrolments."""
    per_opleiding = _tellingen_uit_database(_instelling_id(instelling), schooljaar)
    hist = _historie(schooljaar)
    model = _kansen(hist)

    totaal: Tellingen = defaultdict(int)
    for tellingen in per_opleiding.values():
        for sleutel, n in tellingen.items():
            totaal[sleutel] += n
    labels = _opleiding_labels(per_opleiding)
    opleidingen = sorted(
        (_analyse_rij(labels.get(pk, str(pk)), pk, t, model) for pk, t in per_opleiding.items()),
        key=lambda r: _sorteersleutel(r.aanmeldingen, r.label),
    )
    instelling_rij = _analyse_rij(_("Alle opleidingen"), None, totaal, model)
    opleidingen = aanvullend_onderdrukt(opleidingen, instelling_rij)
    return MeervoudAnalyse(
        schooljaar=schooljaar,
        instelling=instelling_rij,
        opleidingen=opleidingen,
        kansmodel=_maak_kansmodel(schooljaar, hist),
        geen_historie=model is None,
        terugval=instelling_rij.terugval,
    )
