"""The student journey: environment, DUO prefill, drafts, submit, withdraw, status changes, deletion.

Views and the SIS API call these; nothing here knows about requests or templates (e-mails aside).
"""

import datetime
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, transaction
from django.db.models import Count, F
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy

from voorzieningen.catalogus import services as catalogus
from voorzieningen.catalogus.models import Cohort, Leertraject
from voorzieningen.core import invoegen, outbox
from voorzieningen.core.datums import leeftijd as bereken_leeftijd
from voorzieningen.core.invoegen import gebundeld, kolommen, nieuw, uit_rij, voeg_in
from voorzieningen.core.services import Actor, audit_change, audit_delete
from voorzieningen.identiteit import duo

from . import adres as adresregels
from .models import (
    Aanmelder,
    Aanmelding,
    Concept,
    Interessemelding,
    KetenIdTeller,
    Ouder,
    StatusWijziging,
    Verstrekking,
    schooljaar_van,
)
from .signals import aanmelding_ingediend, aanmelding_ingetrokken, aanmeldingen_geanonimiseerd
from .statussen import BEZET_PLAATS, INTREKBAAR, Status, is_toegestaan

logger = logging.getLogger(__name__)

KETEN_ID_START = 9_000_000_000  # the portal uses only the ketenId range starting with 9
KETEN_ID_EINDE = 9_999_999_999
BBL_TRAJECTEN = frozenset({Leertraject.BBL, Leertraject.CBL, Leertraject.CBL_DT})
MEERDERJARIG = 18
MAX_OUDERS = 2
MAX_KENMERKEN = 10


class AanmeldenFout(Exception):
    """A refusal the student must see, with a machine-readable code."""

    code = "fout"

    def __init__(self, message: str, **context):
        super().__init__(message)
        self.context = context


class CohortVol(AanmeldenFout):
    code = "cohort_vol"


class CohortGesloten(AanmeldenFout):
    code = "cohort_gesloten"


class Onvolledig(AanmeldenFout):
    code = "onvolledig"


class StatusNietToegestaan(AanmeldenFout):
    code = "status_niet_toegestaan"


# --- ids ---------------------------------------------------------------------------------------------


def volgend_keten_id() -> str:
    """Unique, numeric, from the range starting with 9. PostgreSQL: a sequence, so submits never wait."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT nextval('aanmelden_keten_id_seq')")
            waarde = cursor.fetchone()[0]
    else:
        with transaction.atomic():
            updated = KetenIdTeller.objects.filter(pk=1).update(laatste=F("laatste") + 1)
            if not updated:
                KetenIdTeller.objects.create(pk=1, laatste=KETEN_ID_START)
            waarde = KetenIdTeller.objects.get(pk=1).laatste
    return _keten_id(waarde)


def _keten_id(waarde: int) -> str:
    if not KETEN_ID_START <= waarde <= KETEN_ID_EINDE:
        raise RuntimeError("De reeks ketenId's (9xxxxxxxxx) is op.")
    return str(waarde)


# --- the environment ---------------------------------------------------------------------------------


def aanmelder_voor(user) -> Aanmelder:
    aanmelder, _ = Aanmelder.objects.get_or_create(user=user)
    return aanmelder


def haal_duo_gegevens(aanmelder: Aanmelder, actor: Actor) -> None:
    """Fetch personal data and prior education from DUO (at login). Raises duo.DuoUnavailable.

    A secret address (indicatie 7) is dropped here, so it is never shown, stored or delivered.
    """
    bsn = aanmelder.user.bsn
    resultaat = duo.ophalen(bsn)
    if resultaat is None:
        from django.utils.translation import gettext as _

        raise AanmeldenFout(
            _(
                "DUO kent je burgerservicenummer niet, dus we kunnen je gegevens niet ophalen. Neem contact op met "
                "de school waar je je wilt aanmelden: die kan je een registratiecode geven om je interesse te melden."
            )
        )
    persoon = resultaat.persoon.as_dict()
    aanmelder.adres_geheim = resultaat.persoon.adres.is_geheim
    if aanmelder.adres_geheim:
        persoon["adres"] = None
    else:
        persoon["adres"] = {k: v for k, v in persoon["adres"].items() if k in adresregels.VELDEN}
        aanmelder.handmatig_adres = None
    aanmelder.persoon = persoon
    aanmelder.vooropleidingen = [v.as_dict() for v in resultaat.vooropleidingen]
    aanmelder.duo_opgehaald_op = timezone.now()
    aanmelder.save()
    audit_change(actor, aanmelder, reason="Persoonsgegevens en vooropleiding bij DUO opgehaald", subject=bsn)


def leeftijd(aanmelder: Aanmelder, op: datetime.date | None = None) -> int | None:
    geboren = aanmelder.persoon.get("geboortedatum")
    if not geboren:
        return None
    return bereken_leeftijd(datetime.date.fromisoformat(geboren), op or timezone.localdate())


def is_minderjarig(aanmelder: Aanmelder) -> bool:
    jaren = leeftijd(aanmelder)
    return jaren is not None and jaren < MEERDERJARIG


def bewaar_handmatig_adres(aanmelder: Aanmelder, data: dict, actor: Actor) -> dict[str, list[str]]:
    adres, fouten = adresregels.valideer(data, adresregels.geldige_landcodes())
    if not fouten:
        aanmelder.handmatig_adres = adres
        aanmelder.save(update_fields=["handmatig_adres", "laatst_actief_op"])
        audit_change(actor, aanmelder, reason="Zelf ingevoerd adres opgeslagen", subject=aanmelder.user.bsn)
    return fouten


def bewaar_contact(aanmelder: Aanmelder, email: str, telefoon: str, actor: Actor) -> None:
    aanmelder.email, aanmelder.telefoon = email, telefoon
    aanmelder.save(update_fields=["email", "telefoon", "laatst_actief_op"])
    audit_change(actor, aanmelder, reason="Contactgegevens gewijzigd", subject=aanmelder.user.bsn)


def bewaar_ouders(aanmelder: Aanmelder, ouders: list[dict], actor: Actor) -> None:
    with transaction.atomic():
        aanmelder.ouders.all().delete()
        Ouder.objects.bulk_create(Ouder(aanmelder=aanmelder, **o) for o in ouders[:MAX_OUDERS])
    audit_change(actor, aanmelder, reason="Ouders/verzorgers gewijzigd", subject=aanmelder.user.bsn)


# --- drafts and the wizard's steps ---------------------------------------------------------------------


@dataclass(frozen=True)
class Stap:
    slug: str
    titel: str


_STAPPEN = {
    slug: Stap(slug, titel)
    for slug, titel in [
        ("persoonsgegevens", gettext_lazy("Persoonsgegevens")),
        ("contact", gettext_lazy("Contactgegevens")),
        ("ouders", gettext_lazy("Ouders/verzorgers")),
        ("vooropleiding", gettext_lazy("Vooropleiding")),
        ("leerbedrijf", gettext_lazy("Leerbedrijf")),
        ("toegangscode", gettext_lazy("Toegangscode")),
        ("controleren", gettext_lazy("Controleren en indienen")),
    ]
}


def stappen(concept: Concept) -> list[Stap]:
    """The wizard's steps for this draft (titles translated when shown: the submit needs only the slugs)."""
    slugs = ["persoonsgegevens", "contact", "ouders", "vooropleiding"]
    if concept.cohort.opleiding.leertraject in BBL_TRAJECTEN:
        slugs.append("leerbedrijf")
    if concept.cohort.toegangscode:
        slugs.append("toegangscode")
    slugs.append("controleren")
    return [_STAPPEN[s] for s in slugs]


def start_concept(
    aanmelder: Aanmelder,
    cohort: Cohort,
    *,
    via_deeplink: bool = False,
    return_url: str = "",
    kenmerken: dict | None = None,
    ontgrendeld: bool = False,
) -> Concept:
    """Resume the open draft for this cohort or start one; the deeplink's data replace older ones."""
    kenmerken = dict(list((kenmerken or {}).items())[:MAX_KENMERKEN])
    concept = aanmelder.concepten.filter(cohort=cohort).order_by("-gewijzigd_op").first()
    if concept is None:
        concept = Concept(aanmelder=aanmelder, cohort=cohort)
    if via_deeplink:
        concept.via_deeplink, concept.return_url, concept.kenmerken = True, return_url, kenmerken
    concept.toegangscode_ok = concept.toegangscode_ok or ontgrendeld or not cohort.toegangscode
    concept.save()
    return concept


def markeer_stap(concept: Concept, slug: str) -> None:
    if slug not in concept.voltooide_stappen:
        concept.voltooide_stappen = [*concept.voltooide_stappen, slug]
        concept.gewijzigd_op = timezone.now()  # auto_now, which the cached update leaves to its caller
        invoegen.werk_velden_bij(concept, ("voltooide_stappen", "gewijzigd_op"))  # every step of every student


def ontbrekend(concept: Concept, ouders: list | None = None) -> list[str]:
    """What still blocks the submit, as Dutch sentences for the summary page. ``ouders``: the guardians when the
    caller read them already (the submit takes them with the draft), else they are asked for when needed."""
    from django.utils.translation import gettext as _

    aanmelder = concept.aanmelder
    problemen = []
    if not aanmelder.duo_opgehaald_op:
        problemen.append(_("Je gegevens zijn nog niet bij DUO opgehaald."))
    if aanmelder.adres_geheim and not aanmelder.handmatig_adres:
        problemen.append(_("Vul het adres in dat de school mag gebruiken."))
    if not aanmelder.email:
        problemen.append(_("Vul je e-mailadres in."))
    if is_minderjarig(aanmelder) and not (aanmelder.ouders.exists() if ouders is None else ouders):
        problemen.append(_("Je bent jonger dan 18: vul minstens één ouder of verzorger in."))
    if concept.cohort.toegangscode and not concept.toegangscode_ok:
        problemen.append(_("Vul de toegangscode van dit cohort in."))
    for stap in stappen(concept)[:-1]:
        if stap.slug not in concept.voltooide_stappen:
            problemen.append(_("Stap '%(stap)s' is nog niet afgerond.") % {"stap": stap.titel})
    return problemen


def controleer_toegangscode(concept: Concept, code: str) -> bool:
    ok = bool(concept.cohort.toegangscode) and code.strip() == concept.cohort.toegangscode
    if ok:
        concept.toegangscode_ok = True
        concept.save(update_fields=["toegangscode_ok", "gewijzigd_op"])
    return ok


def kies_leerbedrijf(concept: Concept, leerbedrijf: dict | None) -> None:
    concept.leerbedrijf = leerbedrijf
    concept.save(update_fields=["leerbedrijf", "gewijzigd_op"])


# --- submit --------------------------------------------------------------------------------------------


def andere_cohorten(cohort: Cohort, today: datetime.date, limit: int = 10) -> list[Cohort]:
    """The institution's other open cohorts, this programme's first, for a student facing a full one."""
    instelling_id = cohort.opleiding.aanbieder.instelling_id
    qs = (
        Cohort.objects.filter(catalogus.open_cohorts_q(today), opleiding__in=catalogus.portal_opleidingen())
        .filter(opleiding__aanbieder__instelling_id=instelling_id, toegangscode="")
        .exclude(pk=cohort.pk)
        .select_related("opleiding")
    )
    eigen = list(qs.filter(opleiding_id=cohort.opleiding_id)[:limit])
    return eigen + list(
        qs.exclude(opleiding_id=cohort.opleiding_id).order_by("opleiding__wervingsnaam")[: limit - len(eigen)]
    )


def snapshot(aanmelder: Aanmelder, ouders: list[dict] | None = None) -> dict:
    """The personal data delivered to the SIS with the application, frozen at submit (``ouders``: the guardians
    as :func:`_ouders` reads them, when the caller read them already)."""
    persoon = {k: v for k, v in aanmelder.persoon.items() if k != "adres"}
    return {
        "persoon": persoon,
        "adres": aanmelder.adres,
        "adres_handmatig": aanmelder.adres_geheim,
        "contact": {"email": aanmelder.email, "telefoon": aanmelder.telefoon},
        "ouders": _ouders(aanmelder.pk) if ouders is None else ouders,
        "vooropleidingen": aanmelder.vooropleidingen,
    }


def _ouders(aanmelder_id: int) -> list[dict]:
    """The guardians as :meth:`Ouder.as_dict` gives them, in their order, by a plain select: on every submit,
    compiling the ORM's query for them cost more than the rest of the snapshot (docs/performance.md)."""
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT naam, email, telefoon FROM {qn(Ouder._meta.db_table)}"  # noqa: S608 — names only
            " WHERE aanmelder_id = %s ORDER BY id",
            [aanmelder_id],
        )
        return [{"naam": n, "email": e, "telefoon": t} for n, e, t in cursor.fetchall()]


def dien_in(
    concept_token, aanmelder: Aanmelder, actor: Actor, *, ingediend_op: datetime.datetime | None = None
) -> Aanmelding:
    """Submit a draft: atomic, and idempotent on the draft's token (double click, back button, retry).

    ``ingediend_op``: the moment the student submitted, when a worker carries out a submit that was queued
    under overload (see :mod:`.wachtrij`); that moment is the legal one, also for the application period.
    """
    try:
        with transaction.atomic():
            genomen = _neem_concept(concept_token, aanmelder)
            if genomen is None:
                # Submitted before (double click, back button, retry) or by a concurrent request just now.
                return Aanmelding.objects.get(indien_token=concept_token, aanmelder=aanmelder)
            genomen.concept.aanmelder = aanmelder
            genomen.concept.cohort = catalogus.cohort_voor_indienen(genomen.concept.cohort_id)
            aanmelding = _dien_in(genomen, aanmelder, actor, ingediend_op)
    except IntegrityError:
        return Aanmelding.objects.get(indien_token=concept_token, aanmelder=aanmelder)
    return aanmelding


@dataclass
class _Genomen:
    """A taken draft with what the application needs from the database before it is written."""

    concept: Concept
    keten_id: str
    ouders: list[dict]
    pk: int | None = None  # the application's key, taken from its sequence (PostgreSQL)


def _neem_concept(token, aanmelder: Aanmelder) -> _Genomen | None:
    """The draft, taken: read, locked and deleted in one statement. A concurrent submit of the same token waits
    for this transaction and then finds nothing (or, when this one rolled back, the draft). Only the draft row is
    locked: locking the cohort and programme rows too would serialise every submit for the same programme.

    On PostgreSQL the same statement takes the ketenId and the application's key from their sequences and reads
    the guardians: one round trip where four were (docs/performance.md). A draft not found takes nothing.
    """
    verbinding = connections[DEFAULT_DB_ALIAS]
    veld = Concept._meta.get_field("token")
    params = [veld.get_db_prep_value(veld.to_python(token), verbinding), aanmelder.pk]
    extra = verbinding.vendor == "postgresql"
    if extra:
        params.append(aanmelder.pk)
    with verbinding.cursor() as cursor:
        cursor.execute(_neem_sql(verbinding), params)
        rij = cursor.fetchone()
    if rij is None:
        return None
    if extra:
        *velden, keten_id, pk, ouders = rij
        return _Genomen(uit_rij(Concept, velden, verbinding), _keten_id(keten_id), ouders, pk)
    return _Genomen(uit_rij(Concept, rij, verbinding), volgend_keten_id(), _ouders(aanmelder.pk))


_NEEM_SQL: dict[str, str] = {}


def _neem_sql(verbinding) -> str:
    """The statement of :func:`_neem_concept`, built once per database kind."""
    sql = _NEEM_SQL.get(verbinding.vendor)
    if sql is None:
        qn = verbinding.ops.quote_name
        extra = ""
        if verbinding.vendor == "postgresql":
            extra = (
                f", nextval('aanmelden_keten_id_seq'), {invoegen.volgende_sleutel(Aanmelding)},"
                " (SELECT coalesce(json_agg(json_build_object('naam', naam, 'email', email, 'telefoon', telefoon)"
                f" ORDER BY id), '[]'::json) FROM {qn(Ouder._meta.db_table)} WHERE aanmelder_id = %s)"
            )
        sql = _NEEM_SQL[verbinding.vendor] = (
            f"DELETE FROM {qn(Concept._meta.db_table)} WHERE token = %s AND aanmelder_id = %s"  # noqa: S608 — names
            f" RETURNING {kolommen(Concept, verbinding)}{extra}"
        )
    return sql


def _dien_in(
    genomen: _Genomen, aanmelder: Aanmelder, actor: Actor, ingediend_op: datetime.datetime | None = None
) -> Aanmelding:
    from django.utils.translation import gettext as _

    concept = genomen.concept
    problemen = ontbrekend(concept, genomen.ouders)
    if problemen:
        raise Onvolledig(" ".join(problemen), problemen=problemen)
    now = ingediend_op or timezone.now()
    today = timezone.localdate(now)
    cohort = concept.cohort
    opleiding = cohort.opleiding
    if not catalogus.is_portal_opleiding(opleiding):
        raise CohortGesloten(_("Deze opleiding wordt niet (meer) via Centraal Aanmelden aangeboden."))
    if not catalogus.cohort_is_open(cohort, today) and not catalogus.cohort_is_open(
        Cohort.objects.get(pk=cohort.pk), today
    ):
        raise _geweigerd(cohort, today)  # checked against the live row: the first read may be half a minute old

    aanmelding = nieuw(
        Aanmelding,
        pk=genomen.pk,
        keten_id=genomen.keten_id,
        indien_token=concept.token,
        aanmelder=aanmelder,
        cohort=cohort,
        opleiding=opleiding,
        onderwijsaanbieder=opleiding.aanbieder,
        instelling_id=opleiding.aanbieder.instelling_id,
        crebo=opleiding.kwalificatie.crebo,
        leertraject=opleiding.leertraject,
        status=Status.SUBMITTED,
        ingediend_op=now,
        status_gewijzigd_op=now,
        gegevens=snapshot(aanmelder, genomen.ouders),
        leerbedrijf=concept.leerbedrijf if opleiding.leertraject in BBL_TRAJECTEN else None,
        kenmerken=concept.kenmerken,
        via_deeplink=concept.via_deeplink,
        return_url=concept.return_url,
        schooljaar=schooljaar_van(cohort.begindatum),
    )
    aanmelding.instelling = opleiding.aanbieder.instelling  # known already: no query for the receipt
    # everything the receipt signs is known before the row exists: one INSERT, no UPDATE after it
    aanmelding.ontvangstbewijs = onderteken_ontvangstbewijs(aanmelding)
    with gebundeld():  # PostgreSQL: the application and the rows that follow it as one statement
        voeg_in(aanmelding)
        voeg_in(
            nieuw(
                StatusWijziging,
                aanmelding=aanmelding,
                status=Status.SUBMITTED,
                tijdstip=now,
                bron=StatusWijziging.Bron.PORTAAL,
            )
        )
        aanmelding_ingediend.send(sender=Aanmelding, aanmelding=aanmelding)
        audit_change(actor, aanmelding, reason="Aanmelding ingediend", created=True, subject=aanmelder.user.bsn)
        _mail_ontvangstbewijs(aanmelding)
        # The place is taken last (with the bundle, on PostgreSQL), in one conditional UPDATE: the row lock lives
        # only until the commit right after, so submits for the same cohort do not queue behind each other's work;
        # a full cohort rolls everything back. The live row decides (open, in its period, a place left), whatever
        # an earlier read said.
        plaats = catalogus.neem_plaats_gebundeld(cohort.pk, today)
    if plaats.rijen != 1:
        raise _geweigerd(cohort, today)
    return aanmelding


def _geweigerd(cohort: Cohort, today) -> "CohortVol | CohortGesloten":
    """Why this cohort takes no application, read from the live row (the caller may have held a stale copy)."""
    from django.utils.translation import gettext as _

    cohort = Cohort.objects.get(pk=cohort.pk)
    alternatieven = andere_cohorten(cohort, today)
    gesloten_om_andere_reden = not catalogus.cohort_is_open(cohort, today) and not cohort.is_vol
    if not gesloten_om_andere_reden:  # full (or the last place went to a submit that committed just before)
        return CohortVol(
            _("Dit cohort is vol: er zijn geen plaatsen meer. Kies een ander startmoment of een andere opleiding."),
            alternatieven=alternatieven,
        )
    return CohortGesloten(_("Aanmelden voor dit cohort is gesloten."), alternatieven=alternatieven)


def bewijs_van(aanmelding: Aanmelding):
    from .ontvangstbewijs import Bewijs

    opleiding, cohort = aanmelding.opleiding, aanmelding.cohort
    return Bewijs(
        ca_keten_id=str(aanmelding.ca_keten_id),
        keten_id=aanmelding.keten_id,
        instelling=aanmelding.instelling.naam,
        brin=aanmelding.instelling.brin,
        opleiding=f"{opleiding.wervingsnaam} ({opleiding.leertraject})",
        crebo=aanmelding.crebo,
        cohort=cohort.code,
        begindatum=cohort.begindatum.isoformat(),
        ingediend_op=aanmelding.ingediend_op.astimezone(datetime.UTC).isoformat().replace("+00:00", "Z"),
    )


def onderteken_ontvangstbewijs(aanmelding: Aanmelding) -> str:
    from .ontvangstbewijs import onderteken

    return onderteken(bewijs_van(aanmelding))


# --- e-mail ----------------------------------------------------------------------------------------


def _opgemaakt(aanmelding: Aanmelding, aanmelder: Aanmelder, sjabloon: str, **context) -> dict:
    with translation.override(aanmelder.taal or "nl"):
        context = {"aanmelding": aanmelding, "aanmelder": aanmelder, **context}
        onderwerp = render_to_string(f"aanmelden/email/{sjabloon}_onderwerp.txt", context).strip()
        tekst = render_to_string(f"aanmelden/email/{sjabloon}.txt", context)
    return {"aan": aanmelder.email, "onderwerp": onderwerp, "tekst": tekst}


def _mail_ontvangstbewijs(aanmelding: Aanmelding) -> None:
    """Queued inside the submit transaction with only the application's id: the text and the PDF are made at
    delivery, by the worker, off the student's request (the receipt they show is signed and never changes)."""
    if aanmelding.aanmelder.email:
        sleutel = f"ontvangstbewijs:{aanmelding.ca_keten_id}"
        outbox.plaats("aanmelden.email", sleutel, {"ontvangstbewijs": str(aanmelding.ca_keten_id)})


# What the e-mails show besides the application: read with it by one plain join (the workers write an e-mail for
# every submit and status change). An application whose student is gone is not read: there is no one to write to.
_VOOR_MAIL = ("aanmelder", "instelling", "opleiding", "cohort")


def _aanmelding_voor_mail(ca_keten_id) -> Aanmelding | None:
    j = invoegen.samen(Aanmelding, *_VOOR_MAIL)
    waarde = Aanmelding._meta.get_field("ca_keten_id").get_db_prep_value(ca_keten_id, connection)
    return j.lees(f"{j.alias()}.ca_keten_id = %s", [waarde])


def _wijziging_voor_mail(pk: int) -> StatusWijziging | None:
    j = invoegen.samen(StatusWijziging, *(f"aanmelding__{pad}" for pad in _VOOR_MAIL))
    return j.lees(f"{j.alias()}.id = %s", [pk])


@outbox.handler("aanmelden.email")
def _lever_email_met_ontvangstbewijs(payload: dict) -> None:
    import base64

    from .ontvangstbewijs import pdf

    aanmelding = _aanmelding_voor_mail(payload["ontvangstbewijs"])
    if aanmelding is None or not aanmelding.aanmelder.email:
        return  # removed or anonymised before the worker came to it: there is no one to write to
    controle_url = f"{settings.PUBLIC_BASE_URL}/ontvangstbewijs/controleren/"
    inhoud = pdf(bewijs_van(aanmelding), aanmelding.ontvangstbewijs, controle_url)
    bijlage = {
        "naam": f"ontvangstbewijs-{aanmelding.ca_keten_id}.pdf",
        "type": "application/pdf",
        "inhoud": base64.b64encode(inhoud).decode(),
    }
    mail = _opgemaakt(aanmelding, aanmelding.aanmelder, "ontvangstbewijs", controle_url=controle_url)
    outbox.HANDLERS["email"]({**mail, "bijlagen": [bijlage]})


# --- statuses ------------------------------------------------------------------------------------------


def wijzig_status(
    aanmelding: Aanmelding,
    status: str,
    *,
    bron: str,
    actor: Actor,
    toelichting: str = "",
    correctie: bool = False,
    tijdstip: datetime.datetime | None = None,
    savepoint: bool = True,
) -> StatusWijziging:
    """Validated status change; capacity follows it; the student gets an e-mail.

    ``savepoint=False``: the caller holds a savepoint around the call and rolls it back on any exception, so this
    needs none of its own (the SIS intake, where each savepoint is two statements per message)."""
    from django.utils.translation import gettext as _

    status = Status(status)
    if correctie and not toelichting.strip():
        raise StatusNietToegestaan(_("Een correctie van een status vraagt een reden."))
    with transaction.atomic(savepoint=savepoint), gebundeld():  # the writes below as one statement (PostgreSQL)
        # the row alone: the e-mail is written by the worker, which reads what it shows (joining the programme
        # and institution here cost more in compiling the query than the rest of the change)
        aanmelding, sleutel = _vergrendeld(aanmelding.pk)
        van = aanmelding.status
        if not is_toegestaan(van, status, correctie=correctie):
            raise StatusNietToegestaan(
                _("De status kan niet van '%(van)s' naar '%(naar)s'.")
                % {"van": Status(van).label, "naar": status.label},
                van=van,
                naar=status,
            )
        tijdstip = tijdstip or timezone.now()
        aanmelding.status, aanmelding.status_gewijzigd_op = status, tijdstip
        invoegen.werk_velden_bij_mee(aanmelding, ("status", "status_gewijzigd_op"))
        delta = (status in BEZET_PLAATS) - (van in BEZET_PLAATS)
        if delta:
            catalogus.tel_plaatsen(aanmelding.cohort_id, delta)
        wijziging = nieuw(
            StatusWijziging,
            pk=sleutel,
            aanmelding=aanmelding,
            status=status,
            tijdstip=tijdstip,
            bron=bron,
            toelichting=toelichting,
            correctie=correctie,
        )
        voeg_in(wijziging)
        audit_change(actor, aanmelding, reason=f"Status {van} → {status}", subject=aanmelding.bsn)
        if aanmelding.aanmelder_id is not None:
            # only the change's id: the worker writes the e-mail, to the address it finds then (if any)
            outbox.plaats("aanmelden.statusmail", f"status:{wijziging.pk}", {"wijziging": wijziging.pk})
    return wijziging


def _vergrendeld(pk: int) -> tuple[Aanmelding, int | None]:
    """The application's row, locked until the commit: a plain statement, as every status message reads it. On
    PostgreSQL the same statement takes the key of the status change from its sequence, so the change (and the
    e-mail's outbox row that names it) can go in one bundle with the rest."""
    sleutel = f", {invoegen.volgende_sleutel(StatusWijziging)}" if connection.vendor == "postgresql" else ", NULL"
    gelezen = invoegen.lees(
        f"SELECT {kolommen(Aanmelding)}{sleutel} FROM {invoegen.tabel(Aanmelding)} WHERE id = %s"  # noqa: S608
        f"{invoegen.voor_update()}",
        [pk],
        Aanmelding,
        extra=1,
    )
    if gelezen is None:
        raise Aanmelding.DoesNotExist("Aanmelding matching query does not exist.")
    return gelezen


@outbox.handler("aanmelden.statusmail")
def _lever_statusmail(payload: dict) -> None:
    wijziging = _wijziging_voor_mail(payload["wijziging"])
    if wijziging is None or not wijziging.aanmelding.aanmelder.email:
        return  # removed or anonymised before the worker came to it: there is no one to write to
    aanmelder = wijziging.aanmelding.aanmelder
    mail = _opgemaakt(
        wijziging.aanmelding,
        aanmelder,
        "status",
        wijziging=wijziging,
        portaal_url=f"{settings.PUBLIC_BASE_URL}/mijn-aanmeldingen/",
    )
    outbox.HANDLERS["email"](mail)


def trek_in(aanmelding: Aanmelding, aanmelder: Aanmelder, actor: Actor) -> StatusWijziging:
    from django.utils.translation import gettext as _

    if aanmelding.aanmelder_id != aanmelder.pk:
        raise StatusNietToegestaan(_("Dit is niet jouw aanmelding."))
    if aanmelding.status not in INTREKBAAR:
        raise StatusNietToegestaan(
            _("Deze aanmelding heeft de eindstatus '%(status)s' en kan niet meer worden ingetrokken.")
            % {"status": aanmelding.get_status_display()}
        )
    with transaction.atomic():
        wijziging = wijzig_status(
            aanmelding,
            Status.WITHDRAWN,
            bron=StatusWijziging.Bron.STUDENT,
            actor=actor,
            toelichting="Ingetrokken door de aanmelder",
        )
        aanmelding_ingetrokken.send(sender=Aanmelding, aanmelding=aanmelding, wijziging=wijziging)
    return wijziging


# --- disclosure log, interest, deletion -------------------------------------------------------------------


def registreer_verstrekking(
    aanmelding: Aanmelding, soort: str, ontvanger: str, gegevens: str, grondslag: str, tijdstip=None
) -> Verstrekking | None:
    """Called by the SIS and koppelpunt parts whenever they hand over data about a student."""
    if aanmelding.aanmelder_id is None:
        return None
    verstrekking = nieuw(
        Verstrekking,
        aanmelder_id=aanmelding.aanmelder_id,
        aanmelding=aanmelding,
        soort_ontvanger=soort,
        ontvanger=ontvanger,
        gegevens=gegevens,
        grondslag=grondslag,
        tijdstip=tijdstip or timezone.now(),
    )
    voeg_in(verstrekking)  # one for every application a SIS fetches: the cached insert (its key set once sent)
    return verstrekking


def maak_interessemelding(instelling, data: dict, actor: Actor) -> Interessemelding:
    melding = Interessemelding.objects.create(instelling=instelling, **data)
    audit_change(actor, melding, reason="Interessemelding zonder DigiD", created=True)
    return melding


def verwijder_omgeving(
    aanmelder: Aanmelder, actor: Actor, reden: str = "Aanmeldomgeving verwijderd door de aanmelder"
) -> int:
    """Delete the student's environment. Applications stay as anonymous rows, so aggregates stay identical."""
    bsn = aanmelder.user.bsn
    with transaction.atomic():
        per_jaar = aanmelder.aanmeldingen.values("schooljaar").annotate(n=Count("id"))
        for rij in per_jaar:
            aanmelder.aanmeldingen.filter(schooljaar=rij["schooljaar"]).update(meervoud=rij["n"])
        ids = list(aanmelder.aanmeldingen.values_list("pk", flat=True))
        StatusWijziging.objects.filter(aanmelding_id__in=ids).update(toelichting="")
        aanmeldingen_geanonimiseerd.send(sender=Aanmelding, aanmelding_ids=ids)
        aantal = aanmelder.aanmeldingen.update(
            gegevens={},
            kenmerken={},
            leerbedrijf=None,
            return_url="",
            ontvangstbewijs="",
            aanmelder=None,
            geanonimiseerd_op=timezone.now(),
        )
        user, pk = aanmelder.user, aanmelder.pk
        aanmelder.delete()  # cascades: guardians, drafts, disclosure log
        user.delete()
        audit_delete(
            actor,
            object_type="aanmelden.Aanmelder",
            object_id=str(pk),
            reason=reden,
            subject=bsn,
            aanmeldingen=aantal,
        )
    return aantal
