"""Fault injection for a season (``simulate-season --chaos`` / ``--storingen``; docs/chaos.md).

Issue 10 asks that nothing is lost and nothing duplicated when things break: a receiver down, a worker killed
mid-delivery, a PostgreSQL restart, duplicate deliveries, client timeouts and retries. A season with faults
plays the same plan with these injected on chosen days, and then the same invariants must hold.

How each fault is made, and why that way:

* **Receiver down** (``onbereikbaar``) and **receiver takes it but answers 502** (``dubbel``): the simulators'
  own modes (``core.services.set_simulator_mode``), switched by the runner at the start of the day and back after
  ``dagen`` days. The outbox retries with its backoff; the season's delivery step runs once a night.
* **Response lost** (``antwoord-kwijt``): the season's in-process transport hands the request to Django (the server
  does the work and commits) and then raises ``requests.ReadTimeout`` instead of returning the answer, for the
  first ``aantal`` requests of the kind in each process that day: a SIS's status message (``status``), its fetch
  acknowledgement (``bevestiging``), or an outbox delivery to a simulator (``aflevering``). The client must retry
  with the same request (same berichtId); the server must answer as for a resend.
* **Request lost** (``time-out``): ``requests.ConnectTimeout`` before the server saw anything, for the first
  ``aantal`` SIS requests in each process that day; the SIS retries.
* **Duplicate deliveries** (``dubbel-afleveren``): on that night every worker process tries every due message, not
  only its share (two workers on the same outbox id at once), and calls ``outbox.lever_partij`` twice for each
  batch (a Celery task delivered twice). The row lock must let one of them deliver.
* **Worker killed mid-delivery** (``werker-gedood``): the transport kills its own process with SIGKILL right after
  the receiver answered the ``aantal``-th delivery of that night — inside ``outbox.lever_partij``, after the
  handler's POST, before the batch's commit. The runner notices, forks a replacement and redoes the process's share
  of the step; the batch's transaction is rolled back, so all of it is delivered again (the receivers, which
  committed on their own connection, see what they answered in it twice and answer 200 'dubbel'; the e-mails
  handed to the mail server in it are sent again). Before the kill the process notes those receipts and e-mails.
* **PostgreSQL restart** (``postgres``): one worker process restarts the cluster
  (``pg_ctlcluster --skip-systemctl-redirect <versie> main restart``) halfway through its share of a phase
  (``aanmelden``, ``sis-statussen`` or ``afleveren``) while the other processes are at work; without
  pg_ctlcluster (or for a database elsewhere) every other backend of the database is terminated instead
  (``pg_terminate_backend``). Students retry the failing call (the submit with the same concept token), SISes
  retry their request, the delivery worker leaves the message pending; connections are closed and reopened.

Every fault event is written to a per-process log file at once (so a killed process's events survive), with the
receiver and berichtId when it can make a receiver see a message twice: those are what the delivery check
accepts as explained (see ``controles``); any other duplicate is a FAIL.
"""

import collections
import datetime
import json
import os
import shutil
import signal
import subprocess
import tempfile
import time
from dataclasses import dataclass, field, replace

SOORTEN = {
    "onbereikbaar": "ontvanger (vo|gemeenten) antwoordt 503",
    "dubbel": "ontvanger neemt het bericht aan en antwoordt 502 (de afzender probeert opnieuw)",
    "antwoord-kwijt": "de server verwerkt het verzoek, het antwoord gaat verloren (status|bevestiging|aflevering)",
    "time-out": "een SIS-verzoek komt niet aan (connect-time-out)",
    "dubbel-afleveren": "elk werkproces levert elk bericht af, en elk twee keer",
    "werker-gedood": "SIGKILL van een werkproces na het antwoord van de ontvanger, vóór de commit",
    "postgres": "PostgreSQL herstart halverwege een fase (aanmelden|sis-statussen|afleveren)",
}
ONTVANGERS = {"vo": "koppelpunt-vo", "gemeenten": "koppelpunt-gemeenten"}
SOORTEN_KWIJT = ("status", "bevestiging", "aflevering")
FASEN_POSTGRES = ("aanmelden", "sis-statussen", "afleveren")
DB_HERSTEL_SECONDEN = 90  # how long an actor keeps retrying while the database is away


@dataclass(frozen=True)
class Storing:
    soort: str
    dag: str  # "MM-DD" within the season (October–December in the autumn, the rest in the school year's year)
    doel: str = ""  # receiver (vo|gemeenten), request kind (status|bevestiging|aflevering) or phase (postgres)
    dagen: int = 1
    aantal: int = 1

    def __post_init__(self):
        if self.soort not in SOORTEN:
            raise ValueError(f"onbekende storing {self.soort!r}; kies uit {', '.join(SOORTEN)}")
        toegestaan = {
            "onbereikbaar": tuple(ONTVANGERS),
            "dubbel": tuple(ONTVANGERS),
            "antwoord-kwijt": SOORTEN_KWIJT,
            "postgres": FASEN_POSTGRES,
        }.get(self.soort)
        if toegestaan and self.doel not in toegestaan:
            raise ValueError(f"storing {self.soort}: kies {'|'.join(toegestaan)} (bijv. {self.soort}:{toegestaan[0]})")
        if self.dagen < 1 or self.aantal < 1:
            raise ValueError("dagen en aantal zijn minstens 1")

    def datum(self, seizoen) -> datetime.date:
        maand, dag = (int(d) for d in self.dag.split("-"))
        return datetime.date(seizoen.begin.year if maand >= 9 else seizoen.einde.year, maand, dag)

    def dagen_in(self, seizoen) -> list[datetime.date]:
        begin = self.datum(seizoen)
        return [begin + datetime.timedelta(days=i) for i in range(self.dagen)]

    def naam(self) -> str:
        doel = f" {self.doel}" if self.doel else ""
        duur = f" {self.dagen} dag(en)" if self.dagen > 1 else ""
        aantal = f" ×{self.aantal}" if self.aantal > 1 else ""
        return f"{self.soort}{doel} vanaf {self.dag}{duur}{aantal}"


def lees(tekst: str) -> list[Storing]:
    """``soort[:doel]@MM-DD[+dagen][*aantal]``, comma-separated; ``chaos`` is the standard set."""
    storingen = []
    for deel in (d.strip() for d in tekst.split(",")):
        if not deel:
            continue
        if deel == "chaos":
            storingen += STANDAARD
            continue
        try:
            kop, _, rest = deel.partition("@")
            soort, _, doel = kop.partition(":")
            aantal = dagen = 1
            if "*" in rest:
                rest, _, a = rest.partition("*")
                aantal = int(a)
            if "+" in rest:
                rest, _, d = rest.partition("+")
                dagen = int(d)
            maand, dag = (int(x) for x in rest.split("-"))
            datetime.date(2028, maand, dag)
        except ValueError as e:
            raise ValueError(f"storing {deel!r}: schrijf soort[:doel]@MM-DD[+dagen][*aantal] ({e})") from e
        storingen.append(Storing(soort, f"{maand:02d}-{dag:02d}", doel, dagen, aantal))
    return storingen


# The standard set (``--chaos``): in the rush before 1 April, when the chain is busiest, and away from the
# bulk dates (1 March, 15 June) so a late delivery cannot move a municipality's bulk signal.
STANDAARD = [
    Storing("onbereikbaar", "03-16", "vo", dagen=2),
    Storing("onbereikbaar", "03-17", "gemeenten", dagen=3),
    Storing("dubbel", "03-22", "vo", dagen=2),
    Storing("dubbel", "03-22", "gemeenten", dagen=2),
    Storing("antwoord-kwijt", "03-23", "status", aantal=3),
    Storing("antwoord-kwijt", "03-23", "bevestiging", aantal=3),
    Storing("antwoord-kwijt", "03-24", "aflevering", aantal=3),
    Storing("time-out", "03-25", aantal=3),
    Storing("dubbel-afleveren", "03-26"),
    Storing("werker-gedood", "03-27", aantal=2),
    Storing("postgres", "03-28", "aanmelden"),
    Storing("postgres", "03-29", "sis-statussen"),
    Storing("postgres", "03-30", "afleveren"),
]


# --- what a worker process is told to do with the task it gets --------------------------------------------------


@dataclass(frozen=True)
class Actief:
    """The faults in force for one task of one process."""

    kwijt: tuple[tuple[str, int], ...] = ()  # (request kind, how many responses to lose)
    time_out: int = 0
    dubbel_afleveren: bool = False
    dood_na: int = 0  # kill this process after the receiver answered this many deliveries
    postgres: bool = False  # restart PostgreSQL halfway through this share


@dataclass(frozen=True)
class MetStoringen:
    """A task's payload with the faults for it (``taken.voer_uit`` unpacks it)."""

    actief: Actief
    opdracht: object


@dataclass
class _Proces:
    """This process's fault state for the current task."""

    actief: Actief = field(default_factory=Actief)
    kwijt: collections.Counter = field(default_factory=collections.Counter)
    time_out: int = 0
    dood_na: int = 0
    in_partij: list[tuple[str, str]] = field(default_factory=list)  # (ontvanger, berichtId) answered in this batch
    mails_bij_begin: int = 0  # this process's mail count when the open delivery batch began


PROCES = _Proces()
LOGMAP: str | None = None  # directory of the fault log, one file per process; None: no faults in this season
EIGEN_VERBINDING = False  # the receivers commit on their own connection (forked processes on a real database)


def begin_taak(actief: Actief) -> None:
    PROCES.actief = actief
    PROCES.kwijt = collections.Counter(dict(actief.kwijt))
    PROCES.time_out = actief.time_out
    PROCES.dood_na = actief.dood_na
    begin_partij(0)


def begin_partij(mails: int) -> None:
    """A delivery batch begins: until it commits, whatever a receiver or the mail server got of it can come again."""
    PROCES.in_partij = []
    PROCES.mails_bij_begin = mails


def meld(soort: str, ontvanger: str = "", bericht: str = "", detail: str = "") -> None:
    """One fault event, written through at once (a SIGKILL right after loses nothing)."""
    if LOGMAP is None:
        return
    from .omgeving import KLOK

    dag = KLOK.moment.astimezone(_tijdzone()).date().isoformat()
    regel = json.dumps({"soort": soort, "ontvanger": ontvanger, "bericht": bericht, "detail": detail, "dag": dag})
    regel += "\n"
    fd = os.open(os.path.join(LOGMAP, f"{os.getpid()}.jsonl"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, regel.encode())
    finally:
        os.close(fd)


def _tijdzone():
    from django.utils import timezone

    return timezone.get_default_timezone()


def lees_log(map_: str) -> list[dict]:
    regels = []
    for naam in sorted(os.listdir(map_)):
        with open(os.path.join(map_, naam), encoding="utf-8") as f:
            regels += [json.loads(r) for r in f if r.strip()]
    return regels


@dataclass
class Overzicht:
    """What the faults caused, from the log: counts per event, and the (receiver, berichtId) pairs and e-mails
    a fault can explain a second receipt of."""

    storingen: list[Storing] = field(default_factory=list)
    regels: list[dict] = field(default_factory=list)
    gebeurtenissen: collections.Counter = field(default_factory=collections.Counter)
    verklaard: collections.Counter = field(default_factory=collections.Counter)
    verklaarde_mails: int = 0

    @classmethod
    def uit_log(cls, regels: list[dict], ingezet: list[Storing]) -> "Overzicht":
        o = cls(storingen=list(ingezet), regels=regels)
        for r in regels:
            o.gebeurtenissen[r["soort"]] += 1
            if r["soort"] in VERKLAART_ONTVANGST and r["bericht"]:
                o.verklaard[(r["ontvanger"], r["bericht"])] += 1
            if r["soort"] == "mail-onderbroken":
                o.verklaarde_mails += 1
        return o

    def _tel(self, soort: str, dagen=None, ontvanger: str = "") -> int:
        def past(r):
            if ontvanger == "vo" and r["ontvanger"] != "VO":
                return False
            if ontvanger == "gemeenten" and r["ontvanger"] in ("VO", ""):
                return False
            return dagen is None or r["dag"] in dagen

        return sum(1 for r in self.regels if r["soort"] == soort and past(r))

    def per_storing(self, seizoen) -> list[str]:
        """One line per injected fault: what it is and what it caused."""
        regels = []
        for s in self.storingen:
            dagen = {d.isoformat() for d in s.dagen_in(seizoen)}
            if s.soort == "onbereikbaar":
                gevolg = f"{self._tel('ontvanger-503', dagen, s.doel):,} afleveringen kregen 503 en wachtten"
            elif s.soort == "dubbel":
                gevolg = f"{self._tel('ontvanger-502', dagen, s.doel):,} keer aangenomen met 502, opnieuw verstuurd"
            elif s.soort == "antwoord-kwijt":
                gevolg = f"{self._tel(f'antwoord-kwijt-{s.doel}', dagen):,} antwoorden verloren na verwerking"
            elif s.soort == "time-out":
                gevolg = f"{self._tel('time-out', dagen):,} SIS-verzoeken niet aangekomen"
            elif s.soort == "dubbel-afleveren":
                gevolg = (
                    f"{self._tel('dubbel-afleveren', dagen):,} berichten door alle werkers en twee keer geleverd,"
                    f" {self._tel('dubbel-afleveren-overgeslagen', dagen):,} pogingen overgeslagen (rij-lock/al af)"
                )
            elif s.soort == "werker-gedood":
                gedood = [r for r in self.regels if r["soort"] == "werker-gedood"]
                gevolg = "; ".join(f"{r['dag']}: {r['detail']}{_ontvangen(r)}" for r in gedood) or "niet gebeurd"
            else:
                herstarts = [
                    r for r in self.regels if r["soort"] == "postgres-herstart" and r["detail"].startswith(s.doel)
                ]
                gevolg = "; ".join(f"{r['dag']}: {r['detail']}" for r in herstarts) or "niet gebeurd"
            regels.append(f"  {s.naam()}: {gevolg}")
        g = self.gebeurtenissen
        regels.append(
            f"  gevolgen: SIS-verzoeken opnieuw {g['sis-opnieuw']:,}, studentacties/werkers opnieuw na een databasefout"
            f" {g['db-opnieuw']:,}, afleveringen onderbroken {g['aflevering-onderbroken']:,}; ontvangers kregen"
            f" {g['ontvanger-dedup']:,} keer een bericht dat ze al hadden (200 'dubbel', opgeslagen één keer);"
            f" verklaarbaar dubbel ontvangen {sum(self.verklaard.values()):,}, e-mails {self.verklaarde_mails:,}"
        )
        return regels


def _ontvangen(r: dict) -> str:
    """How often the receiver saw the message the killed worker was delivering (it keeps one receipt)."""
    from voorzieningen.koppelpunt.models import SimulatorOntvangst

    keer = (
        SimulatorOntvangst.objects.filter(ontvanger=r["ontvanger"], bericht_id=r["bericht"])
        .values_list("aantal_keer", flat=True)
        .first()
    )
    return f"; opnieuw afgeleverd, de ontvanger zag het {keer}× en bewaarde het één keer" if keer else ""


# Events after which a receiver may legitimately have the same message once more.
VERKLAART_ONTVANGST = {
    "ontvanger-502",
    "antwoord-kwijt-aflevering",
    "werker-gedood",
    "partij-teruggedraaid",  # answered earlier in the batch of a killed worker
    "aflevering-onderbroken",
}


# --- the transport hook (core/seizoen/omgeving.py calls it for every request while faults are configured) ------


def _soort(request, pad: str) -> str:
    if request.method != "POST":
        return "lezen"
    if pad.startswith("/simulators/koppelpunt-") and pad.endswith("/berichten"):
        return "aflevering"
    if pad.endswith("/statusberichten") or pad.endswith("/statusberichten/bulk"):
        return "status"
    if (pad.endswith("/bevestiging") and "/aanmeldingen/" in pad) or pad.endswith("/bevestigingen"):
        return "bevestiging"
    return "anders"


def _ontvanger(pad: str) -> str:
    """The receiver's key in SimulatorOntvangst: VO, or the municipality code in the path."""
    if pad.startswith("/simulators/koppelpunt-vo/"):
        return "VO"
    return pad.split("/")[3] if pad.count("/") >= 4 else ""


def _bericht_id(request) -> str:
    try:
        return str(json.loads(request.body or b"{}").get("berichtId", ""))
    except (ValueError, AttributeError):
        return ""


_ONTVANGER_DRAAD: tuple[int, object] | None = None


def _ontvanger_draad():
    """A thread of its own for the receivers (one per process): its own database connection, so what the
    receiver stores is committed by the receiver, not by the sender's delivery transaction — as with a real
    Koppelpunt VO. Recreated after a fork (threads do not survive one)."""
    global _ONTVANGER_DRAAD
    from concurrent.futures import ThreadPoolExecutor

    if _ONTVANGER_DRAAD is None or _ONTVANGER_DRAAD[0] != os.getpid():
        _ONTVANGER_DRAAD = (os.getpid(), ThreadPoolExecutor(1, thread_name_prefix="ontvanger"))
    return _ONTVANGER_DRAAD[1]


def _in_draad(handler, environ):
    from django.db import close_old_connections

    close_old_connections()  # as a WSGI server does per request: a connection broken by a restart is replaced
    return handler(environ)


def verstuur(adapter, request, environ, pad: str):
    """Send ``request`` through the in-process transport with the faults in force."""
    import requests

    soort = _soort(request, pad)
    if soort in ("status", "bevestiging", "lezen", "anders") and PROCES.time_out > 0 and "/api/sis/" in pad:
        PROCES.time_out -= 1
        meld("time-out", detail=f"{request.method} {pad}")
        raise requests.ConnectTimeout(f"storing: verbinding met {pad} verlopen (niet aangekomen)", request=request)
    if soort == "aflevering" and EIGEN_VERBINDING:
        antwoord = _ontvanger_draad().submit(_in_draad, adapter.handler, environ).result()
    else:
        antwoord = adapter.handler(environ)
    response = adapter.response(request, antwoord)
    if soort == "aflevering":
        ontvanger, bericht = _ontvanger(pad), _bericht_id(request)
        if response.status_code == 503:
            meld("ontvanger-503", ontvanger, bericht)
        elif response.status_code == 502:
            meld("ontvanger-502", ontvanger, bericht)  # it took the message: a second receipt is explained
        elif response.status_code == 200:
            meld("ontvanger-dedup", ontvanger, bericht)  # the receiver saw it again and said so
        if response.status_code < 300 or response.status_code == 502:
            PROCES.in_partij.append((ontvanger, bericht))
            if PROCES.dood_na > 0:
                PROCES.dood_na -= 1
                if PROCES.dood_na == 0:
                    _gedood(ontvanger, bericht)
    if PROCES.kwijt[soort] > 0 and response.status_code < 500:
        PROCES.kwijt[soort] -= 1
        meld(f"antwoord-kwijt-{soort}", _ontvanger(pad) if soort == "aflevering" else "", _bericht_id(request))
        raise requests.ReadTimeout(f"storing: antwoord van {pad} verloren (verzoek wel verwerkt)", request=request)
    return response


def _gedood(ontvanger: str, bericht: str) -> None:
    """SIGKILL this process inside a delivery batch, after noting what the batch's redo will deliver again."""
    meld("werker-gedood", ontvanger, bericht, f"pid {os.getpid()} na het antwoord op {bericht}")
    verklaar_partij("partij-teruggedraaid", f"pid {os.getpid()}", PROCES.in_partij[:-1])
    os.kill(os.getpid(), signal.SIGKILL)


def verklaar_partij(soort: str, detail: str, ontvangsten: list[tuple[str, str]] | None = None) -> None:
    """A delivery batch will not commit: what it already handed on comes again with its redo. Each receipt the
    receivers answered in it (``ontvangsten``, by default all) is noted as ``soort``, each e-mail handed to the mail
    server as 'mail-onderbroken'; the checks accept exactly those as explained."""
    from .omgeving import TellendePost

    for ontvanger, bericht in PROCES.in_partij if ontvangsten is None else ontvangsten:
        meld(soort, ontvanger, bericht, detail)
    for _ in range(TellendePost.verstuurd - PROCES.mails_bij_begin):
        meld("mail-onderbroken", detail=detail)


# --- the database going away ---------------------------------------------------------------------------------


def db_fouten() -> tuple[type[Exception], ...]:
    from django.db import InterfaceError, OperationalError

    return (OperationalError, InterfaceError)


def herstel_verbinding() -> None:
    """Drop this thread's connection when it is broken (outside a transaction): the next query reconnects."""
    from django.db import connection

    if not connection.in_atomic_block:
        connection.close()


def wacht_op_database(seconden: float = DB_HERSTEL_SECONDEN) -> None:
    """Until a fresh connection answers (PostgreSQL starting up refuses connections for a moment)."""
    from django.db import connection

    einde = time.monotonic() + seconden
    while True:
        herstel_verbinding()
        try:
            with connection.cursor() as c:
                c.execute("SELECT 1")
            return
        except db_fouten():
            if time.monotonic() > einde:
                raise
            time.sleep(0.2)


def met_herhaling(wat: str, func, *args, **kwargs):
    """Call ``func``; when the database is away, reconnect and call it again (the same call: the client's retry)."""
    einde = time.monotonic() + DB_HERSTEL_SECONDEN
    poging = 0
    while True:
        try:
            return func(*args, **kwargs)
        except db_fouten():
            poging += 1
            meld("db-opnieuw", detail=wat)
            if time.monotonic() > einde:
                raise
            time.sleep(min(0.05 * 2**poging, 1.0))
            herstel_verbinding()


def _postgres_info(cursor) -> tuple[str, int]:
    cursor.execute("SELECT pg_postmaster_start_time()::text, pg_backend_pid()")
    return cursor.fetchone()


def herstart_postgres(fase: str) -> dict:
    """Restart the PostgreSQL cluster under this database (or, when that is not possible here, terminate every other
    backend of the database); returns what was done, with the proof (start time or backend pids changed).

    Done from a thread of its own, with its own connection: this process's connection breaks like every other
    one, and its next query must notice and recover, as the other processes' must."""
    import threading

    from django.db import connection

    uitkomst: dict = {}

    def herstart():
        try:
            uitkomst["info"] = _herstart_postgres(fase)
        except BaseException as exc:  # noqa: BLE001 — raised in the calling thread below
            uitkomst["fout"] = exc
        finally:
            connection.close()

    draad = threading.Thread(target=herstart, name="postgres-herstart")
    draad.start()
    draad.join()
    if "fout" in uitkomst:
        raise uitkomst["fout"]
    return uitkomst["info"]


def _herstart_postgres(fase: str) -> dict:
    from django.db import connection

    instellingen = connection.settings_dict
    lokaal = (instellingen.get("HOST") or "localhost") in ("localhost", "127.0.0.1", "::1", "")
    versies = sorted(os.listdir("/etc/postgresql")) if os.path.isdir("/etc/postgresql") else []
    with connection.cursor() as c:
        start_voor, pid_voor = _postgres_info(c)
    begin = time.monotonic()
    if lokaal and versies and shutil.which("pg_ctlcluster") and os.geteuid() == 0:
        connection.close()
        cmd = ["pg_ctlcluster", "--skip-systemctl-redirect", versies[-1], "main", "restart"]
        uitkomst = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        if uitkomst.returncode != 0:
            # never leave the cluster down: other people (and CI) use it
            subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versies[-1], "main", "start"], timeout=120)
            raise RuntimeError(f"{' '.join(cmd)} faalde: {uitkomst.stderr.strip()}")
        wijze = " ".join(cmd)
        beeindigd = None
    else:
        with connection.cursor() as c:
            c.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE pid <> pg_backend_pid() AND datname = current_database()"
            )
            beeindigd = c.fetchone()[0]
        wijze = "pg_terminate_backend (pg_ctlcluster niet beschikbaar of database niet lokaal)"
    wacht_op_database()
    with connection.cursor() as c:
        start_na, pid_na = _postgres_info(c)
    duur = time.monotonic() - begin
    info = {
        "fase": fase,
        "wijze": wijze,
        "seconden": round(duur, 2),
        "gestart_voor": start_voor,
        "gestart_na": start_na,
        "backend_voor": pid_voor,
        "backend_na": pid_na,
        "beeindigd": beeindigd,
    }
    bewijs = (
        f"postmaster gestart {start_voor} → {start_na}"
        if beeindigd is None
        else f"{beeindigd} andere backend(s) beëindigd, eigen backend {pid_voor} → {pid_na}"
    )
    meld("postgres-herstart", detail=f"{fase}: {wijze}; {bewijs}; {duur:.1f} s")
    return info


def kan_postgres_herstarten() -> str:
    """Empty when a restart can be injected here, else why not."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return "alleen op PostgreSQL"
    if connection.in_atomic_block:
        return "niet binnen een transactie (testdatabase)"
    return ""


def zet_ontvanger(naam: str, gedrag: str) -> None:
    from voorzieningen.core.services import set_simulator_mode
    from voorzieningen.koppelpunt.simulators import GEDRAG

    met_herhaling(f"simulator {naam} {gedrag}", set_simulator_mode, naam, gedrag, GEDRAG)


# Loggers that would print a line for every injected failure: the summary counts them instead.
STILLE_LOGGERS = ("django.request", "voorzieningen.core.outbox")


def stil(aan: bool) -> None:
    import logging

    for naam in STILLE_LOGGERS:
        logging.getLogger(naam).disabled = aan


def nieuwe_logmap() -> str:
    return tempfile.mkdtemp(prefix="seizoen-storingen-")


def ruim_op(map_: str | None) -> None:
    if map_:
        shutil.rmtree(map_, ignore_errors=True)


def zonder_dood(opdracht):
    """The payload to redo a killed process's share with: the same work, no second kill."""
    if isinstance(opdracht, MetStoringen):
        return replace(opdracht, actief=replace(opdracht.actief, dood_na=0, postgres=False))
    return opdracht
