"""What one simulated process does on its share of a day: students, SISes, the outbox workers, the VO side.

Each task gets ids into the plan (every process has the plan: it was drawn before the processes forked) and
simulated moments; it calls the real services (students) or the real HTTP APIs (SISes, VO side), and returns
what it saw, so the runner can reconcile it with what the database says.
"""

import collections
import time
import traceback
import zlib
from dataclasses import dataclass, field

import requests

from voorzieningen.sis.client import SisFout, SisHttpClient

from . import storingen
from .omgeving import BASIS, KLOK, TellendePost, sessie
from .plan import Plan
from .storingen import met_herhaling

MAX_FOUTEN = 20  # error texts kept per task; all are counted


@dataclass
class Staat:
    """What every process holds: the plan and the SISes' keys (per koppelpunt), and its own HTTP clients."""

    plan: Plan
    sleutels: dict[str, str]
    clients: dict[str, "SimulatieSis"] = field(default_factory=dict)
    _sessie: object = None

    @property
    def sessie(self):
        if self._sessie is None:
            self._sessie = sessie()
        return self._sessie


STAAT: Staat | None = None


class SimulatieSis(SisHttpClient):
    """The vendor-style SIS client, plus the two calls the season needs with their HTTP status, and what a real
    SIS does when the network or the server fails: the same request again (same berichtId), with a short backoff,
    on a connection error, a time-out or a 5xx. ``opnieuw`` says whether the last call needed that."""

    opnieuw = False
    HERHAAL_SECONDEN = storingen.DB_HERSTEL_SECONDEN

    def _verzoek(self, methode: str, url: str, **kwargs) -> requests.Response:
        self.opnieuw = False
        einde, poging = time.monotonic() + self.HERHAAL_SECONDEN, 0
        while True:
            try:
                response = self.session.request(methode, url, timeout=self.timeout, **kwargs)
                if response.status_code < 500:
                    return response
                reden = f"HTTP {response.status_code}"
                if time.monotonic() > einde:
                    return response
            except (requests.ConnectionError, requests.Timeout) as exc:
                reden = type(exc).__name__
                if time.monotonic() > einde:
                    raise
            poging += 1
            self.opnieuw = True
            storingen.meld("sis-opnieuw", detail=f"{methode} {url.split('/koppelpunten/')[-1]}: {reden}")
            storingen.herstel_verbinding()  # the in-process server's connection, as a WSGI server would
            time.sleep(min(0.02 * 2**poging, 1.0))

    def _get(self, url, **params):
        response = self._verzoek("GET", url, params=params or None)
        response.raise_for_status()
        return response.json()

    def _post(self, url, body=None):
        response = self._verzoek("POST", url, json=body)
        if response.status_code >= 400:
            problem = response.json() if "json" in response.headers.get("Content-Type", "") else {}
            raise SisFout(response.status_code, problem.get("code", ""), problem.get("detail", response.text[:200]))
        return response.json()

    def meld_fout(self, ca_keten_id: str, melding: str) -> dict:
        return self._post(f"{self.base}/aanmeldingen/{ca_keten_id}/foutmeldingen", {"melding": melding})

    def meld_status(self, ca_keten_id: str, status: str, bericht_id: str, correctie: bool, toelichting: str) -> int:
        body = {"berichtId": bericht_id, "caKetenId": ca_keten_id, "status": status, "toelichting": toelichting}
        if correctie:
            body["correctie"] = True
        return self._verzoek("POST", f"{self.base}/statusberichten", json=body).status_code


def _sis(code: str) -> SimulatieSis:
    client = STAAT.clients.get(code)
    if client is None:
        # a session per SIS: its own Authorization header, on the same in-process transport
        client = STAAT.clients[code] = SimulatieSis(BASIS, code, STAAT.sleutels[code], session=sessie())
    return client


def _fout(uit: dict, tekst: str) -> None:
    uit["fouten"] += 1
    if len(uit["foutteksten"]) < MAX_FOUTEN:
        uit["foutteksten"].append(tekst)


# --- students ------------------------------------------------------------------------------------------


def studenten(gebeurtenissen: list[tuple]) -> dict:
    """A day of the students of this process, in time order: log in (DigiD + DUO), fill in, submit, withdraw."""
    uit = {"nieuw": 0, "ingediend": [], "niet_ingediend": [], "uitgeweken": 0, "ingetrokken": 0, "fouten": 0,
           "foutteksten": []}  # fmt: skip
    herstart = max(1, len(gebeurtenissen) // 2) if storingen.PROCES.actief.postgres else 0
    for n, gebeurtenis in enumerate(gebeurtenissen, 1):
        if n == herstart:
            storingen.herstart_postgres("aanmelden")
        soort, nr, moment = gebeurtenis[:3]
        KLOK.zet(moment)
        try:
            if soort == "nieuw":
                _nieuwe_student(STAAT.plan.studenten[nr])
                uit["nieuw"] += 1
            elif soort == "aanmelding":
                resultaat = _meld_aan(STAAT.plan.aanmeldingen[nr])
                if resultaat is None:
                    uit["niet_ingediend"].append(nr)
                else:
                    uit["ingediend"].append((nr, *resultaat[:2]))
                    uit["uitgeweken"] += resultaat[2]
            elif soort == "intrekking":
                _trek_in(STAAT.plan.aanmeldingen[nr], gebeurtenis[3])
                uit["ingetrokken"] += 1
        except Exception:  # noqa: BLE001 — counted and reported; the season goes on
            _fout(uit, f"{soort} {nr}: {traceback.format_exc(limit=3)}")
            if soort == "aanmelding":
                uit["niet_ingediend"].append(nr)
    return uit


def _actor(user):
    from voorzieningen.core.services import Actor

    return Actor.for_user(user)


def _nieuwe_student(student) -> None:
    """What a first DigiD login and the wizard's first steps do: account, DUO data, contact, guardian."""
    from voorzieningen.aanmelden import services as aanmelden
    from voorzieningen.identiteit.models import User

    pogingen = []

    def inloggen():
        # a retried login finds the account its first try made (the DigiD login looks the BSN up)
        if pogingen and (bestaand := User.objects.filter(bsn=student.bsn).first()):
            return bestaand
        pogingen.append(1)
        return User.digid_objects.digid_create(student.bsn)

    # every call is one page a student submits: when the database is away, the same page again
    user = met_herhaling("DigiD", inloggen)
    aanmelder = met_herhaling("aanmelder", aanmelden.aanmelder_voor, user)
    actor = _actor(user)
    met_herhaling("DUO", aanmelden.haal_duo_gegevens, aanmelder, actor)
    if aanmelder.adres_geheim:
        fouten = met_herhaling("adres", aanmelden.bewaar_handmatig_adres, aanmelder, student.handmatig_adres, actor)
        if fouten:
            raise ValueError(f"adres geweigerd: {fouten}")
    met_herhaling("contact", aanmelden.bewaar_contact, aanmelder, student.email, student.telefoon, actor)
    if aanmelden.is_minderjarig(aanmelder):
        met_herhaling("ouders", aanmelden.bewaar_ouders, aanmelder, [student.ouder], actor)


def _aanmelder(bsn: str):
    from voorzieningen.aanmelden.models import Aanmelder

    return Aanmelder.objects.select_related("user").get(user__bsn=bsn)


def _meld_aan(plan_aanmelding) -> tuple[str, int, int] | None:
    """Fill in the wizard's steps for the cohort and submit; a full or closed cohort sends the student to one of
    the alternatives the refusal lists (at most three tries). Returns (caKetenId, cohort, detours) or None."""
    from voorzieningen.aanmelden import services as aanmelden
    from voorzieningen.catalogus.models import Cohort

    student = STAAT.plan.studenten[plan_aanmelding.student]
    aanmelder = met_herhaling("aanmelder", _aanmelder, student.bsn)
    actor = _actor(aanmelder.user)
    proberen, geprobeerd = [plan_aanmelding.cohort_id], set()
    while proberen and len(geprobeerd) < 4:
        cohort_id = proberen.pop(0)
        geprobeerd.add(cohort_id)
        cohort = met_herhaling("cohort", Cohort.objects.select_related("opleiding").get, pk=cohort_id)
        concept = met_herhaling(
            "concept",
            aanmelden.start_concept,
            aanmelder,
            cohort,
            via_deeplink=plan_aanmelding.via_deeplink,
            kenmerken={"bron": "website"} if plan_aanmelding.via_deeplink else None,
        )
        if cohort.toegangscode:  # the school gave the student the code
            met_herhaling("toegangscode", aanmelden.controleer_toegangscode, concept, cohort.toegangscode)
        for stap in met_herhaling("stappen", aanmelden.stappen, concept)[:-1]:
            if stap.slug == "leerbedrijf":
                met_herhaling("leerbedrijf", aanmelden.kies_leerbedrijf, concept, None)  # 'no leerbedrijf yet'
            met_herhaling("stap", aanmelden.markeer_stap, concept, stap.slug)
        try:
            # a failed submit is retried with the same concept token: dien_in is idempotent on it
            aanmelding = met_herhaling("indienen", aanmelden.dien_in, concept.token, aanmelder, actor)
        except (aanmelden.CohortVol, aanmelden.CohortGesloten) as e:
            alternatieven = [c.pk for c in e.context.get("alternatieven", []) if not c.toegangscode]
            proberen = [pk for pk in alternatieven if pk not in geprobeerd][:3]
            continue
        return str(aanmelding.ca_keten_id), aanmelding.cohort_id, len(geprobeerd) - 1
    return None


def _trek_in(plan_aanmelding, ca: str) -> None:
    from voorzieningen.aanmelden import services as aanmelden
    from voorzieningen.aanmelden.models import Aanmelding

    student = STAAT.plan.studenten[plan_aanmelding.student]
    aanmelder = met_herhaling("aanmelder", _aanmelder, student.bsn)
    pogingen = []

    def trek_in():
        aanmelding = Aanmelding.objects.get(ca_keten_id=ca)
        if pogingen and aanmelding.status == "WITHDRAWN":
            return  # the first try went through; only its answer did not
        pogingen.append(1)
        aanmelden.trek_in(aanmelding, aanmelder, _actor(aanmelder.user))

    met_herhaling("intrekken", trek_in)


# --- SISes ---------------------------------------------------------------------------------------------


def haalt_per_stuk(code: str, codes) -> bool:
    """One SIS in four (the first, fifth, … by code) fetches one application at a time, as older SIS versions do;
    the others use the bulk calls. So every season drives both paths of the API."""
    return code in sorted(codes)[::4]


def ophalen(opdrachten: list[tuple]) -> dict:
    """Each SIS's nightly run: acknowledge the events (withdrawals), then fetch the queue — the full application,
    a processing error where planned, the acknowledgement."""
    uit = {"opgehaald": [], "gebeurtenissen": 0, "foutmeldingen": 0, "paginas": 0, "fouten": 0, "foutteksten": []}
    for code, moment, foutmeldingen in opdrachten:
        KLOK.zet(moment)
        sis = _sis(code)
        try:
            for gebeurtenis in list(sis.gebeurtenissen()):
                KLOK.tik()
                sis.bevestig_gebeurtenis(gebeurtenis["id"])
                uit["gebeurtenissen"] += 1
            KLOK.tik()
            if not haalt_per_stuk(code, STAAT.sleutels):
                _ophalen_in_bulk(sis, code, foutmeldingen, uit)
                continue
            items, url, params = [], f"{sis.base}/aanmeldingen", {"aantal": 100}
            while url:
                pagina = sis._get(url, **params)
                uit["paginas"] += 1
                items += pagina["results"]
                url, params = pagina["next"], {}
        except Exception:  # noqa: BLE001
            _fout(uit, f"{code}: {traceback.format_exc(limit=3)}")
            continue
        for item in items:
            ca = item["caKetenId"]
            KLOK.tik()
            try:
                volledig = sis.aanmelding(ca)
                if volledig["caKetenId"] != ca or not volledig["persoon"]["bsn"]:
                    _fout(uit, f"{code} {ca}: onvolledige aanmelding")
                if ca in foutmeldingen:
                    sis.meld_fout(ca, "Verwerkingsfout in de SIS: opleiding onbekend in de eigen administratie")
                    uit["foutmeldingen"] += 1
                sis.bevestig(ca)
                uit["opgehaald"].append((code, ca))
            except Exception:  # noqa: BLE001
                _fout(uit, f"{code} {ca}: {traceback.format_exc(limit=3)}")
    return uit


def _ophalen_in_bulk(sis, code: str, foutmeldingen: set, uit: dict) -> None:
    """A page of full applications at a time, the processing errors, then one acknowledgement for the page."""
    for pagina in sis.wachtrij_volledig(aantal=200):
        uit["paginas"] += 1
        cas = []
        for volledig in pagina:
            ca = volledig["caKetenId"]
            if not volledig["persoon"]["bsn"]:
                _fout(uit, f"{code} {ca}: onvolledige aanmelding")
            if ca in foutmeldingen:
                KLOK.tik()
                sis.meld_fout(ca, "Verwerkingsfout in de SIS: opleiding onbekend in de eigen administratie")
                uit["foutmeldingen"] += 1
            cas.append(ca)
        if not cas:
            continue
        KLOK.tik()
        antwoord = sis.bevestig_veel(cas)
        if antwoord["onbekend"]:
            _fout(uit, f"{code}: bevestiging kent {antwoord['onbekend'][:3]} niet")
        uit["opgehaald"] += [(code, b["caKetenId"]) for b in antwoord["bevestigd"]]


BULK_STATUSSEN = 500


def statussen(berichten: list[tuple]) -> dict:
    """Status messages through the SIS API (a resend answers 200 and changes nothing): one at a time by the SISes
    that fetch one at a time, in calls of up to 500 by the others."""
    uit = {"verwerkt": [], "herhaald": 0, "fouten": 0, "foutteksten": []}
    herstart = max(1, len(berichten) // 2) if storingen.PROCES.actief.postgres else 0
    per_stuk, in_bulk = [], collections.defaultdict(list)
    for bericht in berichten:
        if haalt_per_stuk(bericht[0], STAAT.sleutels):
            per_stuk.append(bericht)
        else:
            in_bulk[bericht[0]].append(bericht)
    n = 0
    for code, reeks in in_bulk.items():
        for i in range(0, len(reeks), BULK_STATUSSEN):
            deel = reeks[i : i + BULK_STATUSSEN]
            if n < herstart <= n + len(deel):
                storingen.herstart_postgres("sis-statussen")
            n += len(deel)
            _statussen_in_bulk(code, deel, uit)
    for code, ca, bericht_id, status, correctie, toelichting, opnieuw, moment in per_stuk:
        n += 1
        if n == herstart:
            storingen.herstart_postgres("sis-statussen")
        KLOK.zet(moment)
        sis = _sis(code)
        try:
            antwoord = sis.meld_status(ca, status, bericht_id, correctie, toelichting)
            if antwoord == 200 and sis.opnieuw:
                antwoord = 201  # our own retry: the first try was processed, only its answer was lost
            if antwoord != 201:
                _fout(uit, f"{code} {bericht_id} {status}: HTTP {antwoord}")
                continue
            uit["verwerkt"].append(bericht_id)
            if opnieuw:
                KLOK.tik()
                antwoord = sis.meld_status(ca, status, bericht_id, correctie, toelichting)
                if antwoord == 200:
                    uit["herhaald"] += 1
                else:
                    _fout(uit, f"{code} {bericht_id} opnieuw: HTTP {antwoord} (verwacht 200)")
        except Exception:  # noqa: BLE001
            _fout(uit, f"{code} {bericht_id}: {traceback.format_exc(limit=3)}")
    return uit


def _statussen_in_bulk(code: str, deel: list[tuple], uit: dict) -> None:
    """One call for the lot, each message with its own moment; the planned resends in a second call."""
    sis = _sis(code)
    KLOK.zet(deel[-1][7])  # the call is made after the last of them; each message carries its own tijdstip

    def body(b):
        _code, ca, bericht_id, status, correctie, toelichting, _opnieuw, moment = b
        return {"berichtId": bericht_id, "caKetenId": ca, "status": status, "toelichting": toelichting,
                "tijdstip": moment.isoformat(), **({"correctie": True} if correctie else {})}  # fmt: skip

    try:
        uitkomsten = sis.statussen([body(b) for b in deel])
    except Exception:  # noqa: BLE001
        _fout(uit, f"{code} {len(deel)} statusberichten: {traceback.format_exc(limit=3)}")
        return
    verwerkt = []
    for b, u in zip(deel, uitkomsten, strict=True):
        if u["http"] == 201 or (u["http"] == 200 and sis.opnieuw):  # 200 after our own retry: only the answer was lost
            uit["verwerkt"].append(b[2])
            verwerkt.append(b)
        else:
            _fout(uit, f"{code} {b[2]} {b[3]}: HTTP {u['http']} {u['code']}")
    opnieuw = [b for b in verwerkt if b[6]]
    if opnieuw:
        KLOK.tik()
        try:
            herhaald = sis.statussen([body(b) for b in opnieuw])
        except Exception:  # noqa: BLE001
            _fout(uit, f"{code} herhaling: {traceback.format_exc(limit=3)}")
            return
        for b, u in zip(opnieuw, herhaald, strict=True):
            if u["http"] == 200:
                uit["herhaald"] += 1
            else:
                _fout(uit, f"{code} {b[2]} opnieuw: HTTP {u['http']} (verwacht 200)")


# --- the outbox workers -------------------------------------------------------------------------------------


def deel_van(pk: int, groep: str, aantal: int) -> int:
    """Which process delivers a message: per ordering group (so a group stays in order), else by id."""
    return zlib.crc32(groep.encode()) % aantal if groep else pk % aantal


def afleveren(opdracht: tuple) -> dict:
    """Deliver what is due of this process's share, oldest first, as the workers drain a backlog: a batch of
    ``outbox.PARTIJ`` in one transaction (``outbox.lever_partij``, as the beat's sweeper does); a message that failed
    waits for its backoff, one that waits for an earlier one of its group is woken up.

    With the fault 'dubbel-afleveren' every process takes every due message, and each batch twice (two workers on
    one id, a task delivered twice): the row lock decides. When the database goes away mid-batch the batch stays
    pending (its transaction is rolled back) and the worker reconnects and goes on."""
    from voorzieningen.core import outbox
    from voorzieningen.core.models import OutboxBericht

    index, aantal, moment = opdracht
    actief = storingen.PROCES.actief
    KLOK.zet(moment)
    uit = {"afgeleverd": 0, "mislukt": 0, "wacht": 0, "mails": 0, "onderbroken": 0}
    post_voor = TellendePost.verstuurd
    geleverd, herstart = 0, 0

    def te_doen():
        return list(
            OutboxBericht.objects.filter(status=OutboxBericht.Status.WACHTEND, volgende_poging__lte=KLOK.moment)
            .order_by("pk")
            .values_list("pk", "groep")
        )

    while True:
        due = met_herhaling("outbox lezen", te_doen)
        if actief.dubbel_afleveren:
            eigen = [pk for pk, _groep in due]
        else:
            eigen = [pk for pk, groep in due if deel_van(pk, groep, aantal) == index]
        if actief.postgres and not herstart:
            herstart = geleverd + max(1, len(eigen) // 2)
        voortgang = 0
        for begin in range(0, len(eigen), outbox.PARTIJ):
            partij = eigen[begin : begin + outbox.PARTIJ]
            KLOK.tik(100 * len(partij))
            statussen = _lever(partij, uit)
            if actief.dubbel_afleveren:
                tweede = _lever(partij, uit)  # the same batch once more
                for pk in partij:
                    status, nog = statussen[pk], tweede[pk]
                    storingen.meld("dubbel-afleveren", detail=f"{pk}: {status} / {nog}")
                    for s in (status, nog):
                        if s == "overgeslagen":
                            storingen.meld("dubbel-afleveren-overgeslagen", detail=str(pk))
                    if status == "overgeslagen" and nog == OutboxBericht.Status.AFGELEVERD:
                        statussen[pk] = nog
            for status in statussen.values():
                if status == OutboxBericht.Status.AFGELEVERD:
                    uit["afgeleverd"] += 1
                    voortgang += 1
                elif status == OutboxBericht.Status.MISLUKT:
                    uit["mislukt"] += 1
                elif status not in ("overgeslagen", "onderbroken"):
                    uit["wacht"] += 1
            if herstart and geleverd < herstart <= geleverd + len(partij):
                storingen.herstart_postgres("afleveren")
            geleverd += len(partij)
        if not voortgang:
            break
    uit["mails"] = TellendePost.verstuurd - post_voor
    return uit


def _lever(partij: list[int], uit: dict) -> dict[int, str]:
    """``outbox.lever_partij``; when the database goes away meanwhile: note what the receivers or the mail server
    may already have of the batch (a second receipt of it is explained), wait for the database, leave the batch
    pending."""
    from voorzieningen.core import outbox

    storingen.begin_partij(TellendePost.verstuurd)
    try:
        return outbox.lever_partij(partij)
    except storingen.db_fouten():
        uit["onderbroken"] += len(partij)
        storingen.verklaar_partij("aflevering-onderbroken", f"partij van {len(partij)}")
        storingen.wacht_op_database()
        return dict.fromkeys(partij, "onderbroken")


# --- the VO side ------------------------------------------------------------------------------------------


def vo_lijst(opdracht: tuple) -> dict:
    """The VO side posts (part of) its list of intended mbo students to the Koppelpunt Gemeenten simulator."""
    rijen, moment = opdracht
    KLOK.zet(moment)
    response = STAAT.sessie.post(f"{BASIS}/simulators/koppelpunt-gemeenten/beoogde-mbo-gangers", json=rijen)
    response.raise_for_status()
    return {"verwerkt": response.json()["verwerkt"]}


TAKEN = {"studenten": studenten, "ophalen": ophalen, "statussen": statussen, "afleveren": afleveren,
         "vo_lijst": vo_lijst}  # fmt: skip


def voer_uit(soort: str, opdracht) -> tuple[object, float]:
    begin = time.perf_counter()
    if isinstance(opdracht, storingen.MetStoringen):
        storingen.begin_taak(opdracht.actief)
        opdracht = opdracht.opdracht
    else:
        storingen.begin_taak(storingen.Actief())
    resultaat = TAKEN[soort](opdracht)
    return resultaat, time.perf_counter() - begin
