"""The season's invariants: what the actors saw, what the plan says the rules require, and what the database holds
must agree at every link of the chain. Each check is a PASS/FAIL line with its counts.

The expected recipients of every status message are computed here from the simulated persons with the rules of
MISSION §4 written out a second time (not by calling ``koppelpunt.routering``), so a routing fault shows up
as a difference instead of being reproduced.
"""

import collections
import datetime
from dataclasses import dataclass

ONTVANGER_VO, ONTVANGER_GEMEENTEN = "KOPPELPUNT_VO", "KOPPELPUNT_GEMEENTEN"


@dataclass(frozen=True)
class Controle:
    naam: str
    ok: bool
    detail: str

    def regel(self) -> str:
        return f"{'PASS' if self.ok else 'FAIL'}  {self.naam}: {self.detail}"


def _gelijk(naam: str, **aantallen) -> Controle:
    """Counts that must all be the same."""
    ok = len(set(aantallen.values())) == 1
    detail = (" = " if ok else " | ").join(f"{k.replace('_', ' ')} {v:,}" for k, v in aantallen.items())
    return Controle(naam, ok, detail if ok else f"{detail} (verschillen)")


def _leeftijd(geboren: datetime.date, op: datetime.date) -> int:
    return op.year - geboren.year - ((op.month, op.day) < (geboren.month, geboren.day))


@dataclass(frozen=True)
class Verwacht:
    vo: bool
    gemeente: str  # the municipality code that must receive it, or ""


def verwachte_ontvangers(student, leertraject: str, dag: datetime.date, ilt_lijst, pc4_gemeente, gemeenten) -> Verwacht:
    """MISSION §4, independently: VO when the ILT code is on the list, not ODT and the VO school's BRIN is filled;
    the municipality when the student lives in a Dutch one, has no startkwalificatie and is under 23."""
    laatste = max(student.vooropleidingen, key=lambda v: v.datum.isoformat() if v.datum else "", default=None)
    vo = bool(laatste and laatste.ilt_code in ilt_lijst and leertraject != "ODT" and laatste.brin.strip())
    adres = student.woonadres
    gemeente = ""
    if (adres.get("land") or "6030") == "6030":
        code = pc4_gemeente.get((adres.get("postcode") or "")[:4], "")
        nederlands = len(code) == 4 and code.isdigit() and code != "1999" and (gemeenten is None or code in gemeenten)
        startkwalificatie = any(v.startkwalificatie for v in student.vooropleidingen)
        if nederlands and not startkwalificatie and _leeftijd(student.geboortedatum, dag) < 23:
            gemeente = code
    return Verwacht(vo, gemeente)


def controleer(resultaat) -> list[Controle]:
    from voorzieningen.aanmelden.models import Aanmelding, StatusWijziging
    from voorzieningen.core.models import AuditLogEntry, OutboxBericht
    from voorzieningen.koppelpunt.models import Afzender, GemeenteSignaal, Routering, SimulatorOntvangst, VoIltCode
    from voorzieningen.sis.models import Aanlevering, Gebeurtenis, SisLogregel, StatusBericht

    plan, verloop, seizoen = resultaat.plan, resultaat.verloop, resultaat.seizoen
    uit: list[Controle] = []
    ingediend = set(verloop.ca.values())
    n = len(ingediend)

    # --- errors the actors met ---
    uit.append(
        Controle(
            "geen fouten bij studenten, SIS'en en VO-kant",
            verloop.fouten == 0 and verloop.niet_verstuurd == 0,
            f"{verloop.fouten:,} fouten, {verloop.niet_verstuurd:,} geplande statusberichten zonder opgehaalde"
            " aanmelding" + (f"; eerste: {verloop.foutteksten[0].strip()[:400]}" if verloop.foutteksten else ""),
        )
    )

    # --- submit → queue ---
    uit.append(
        _gelijk(
            "ingediend = in de database = in een SIS-wachtrij",
            ingediend_door_studenten=n,
            aanmeldingen=Aanmelding.objects.count(),
            aanleveringen=Aanlevering.objects.count(),
            klaargezet_gelogd=SisLogregel.objects.filter(soort=SisLogregel.Soort.KLAARGEZET).count(),
            status_ingediend=StatusWijziging.objects.filter(status="SUBMITTED").count(),
        )
    )

    # --- queue → fetched exactly once per koppelpunt ---
    per_ca = collections.Counter(ca for _code, ca in verloop.opgehaald)
    dubbel = sum(1 for v in per_ca.values() if v > 1)
    nooit = len(ingediend - set(per_ca))
    onbekend = len(set(per_ca) - ingediend)
    juist = dict(
        (str(ca), code) for ca, code in Aanlevering.objects.values_list("aanmelding__ca_keten_id", "koppelpunt__code")
    )
    verkeerd = sum(1 for code, ca in verloop.opgehaald if juist.get(ca) != code)
    uit.append(
        Controle(
            "elke aanmelding precies één keer opgehaald, door het koppelpunt van haar aanlevering",
            not (dubbel or nooit or onbekend or verkeerd),
            f"{len(verloop.opgehaald):,} keer opgehaald voor {n:,} aanmeldingen; dubbel {dubbel:,}, nooit {nooit:,},"
            f" onbekend {onbekend:,}, door een ander koppelpunt {verkeerd:,}",
        )
    )
    log = collections.Counter(
        SisLogregel.objects.filter(soort__in=[SisLogregel.Soort.OPGEHAALD, SisLogregel.Soort.BEVESTIGD]).values_list(
            "soort", flat=True
        )
    )
    uit.append(
        _gelijk(
            "ophalen in de database: bevestigd, uit de wachtrij, gelogd en ge-audit",
            opgehaald_door_sis=len(verloop.opgehaald),
            bevestigd=Aanlevering.objects.filter(bevestigd_op__isnull=False, in_wachtrij_sinds__isnull=True).count(),
            log_opgehaald=log[SisLogregel.Soort.OPGEHAALD],
            log_bevestigd=log[SisLogregel.Soort.BEVESTIGD],
            audit_inzage=AuditLogEntry.objects.filter(reason="SIS haalt aanmelding op").count(),
        )
    )
    uit.append(
        _gelijk(
            "foutmeldingen van de SIS'en staan bij de aanlevering",
            gemeld=verloop.foutmeldingen,
            bij_aanleveringen=Aanlevering.objects.exclude(foutmelding="").count(),
        )
    )
    uit.append(
        _gelijk(
            "intrekkingen door studenten: gebeurtenis voor de SIS, bevestigd",
            ingetrokken=verloop.ingetrokken,
            gebeurtenissen=Gebeurtenis.objects.count(),
            bevestigd_door_sis=verloop.gebeurtenissen,
            bevestigd_in_database=Gebeurtenis.objects.filter(bevestigd_op__isnull=False).count(),
        )
    )

    # --- statuses: posted = stored = applied ---
    uit.append(
        _gelijk(
            "statusberichten: verstuurd = opgeslagen = toegepast (een herhaling verandert niets)",
            verwerkt_volgens_sis=len(verloop.verwerkt),
            statusberichten=StatusBericht.objects.count(),
            verwerkt_in_database=StatusBericht.objects.filter(resultaat="verwerkt").count(),
            statuswijzigingen_sis=StatusWijziging.objects.filter(bron=StatusWijziging.Bron.INSTELLING).count(),
            log_status=SisLogregel.objects.filter(soort=SisLogregel.Soort.STATUS).count(),
        )
    )
    verwacht_herhaald = sum(
        1
        for b in verloop.verwerkt
        if plan.aanmeldingen[verloop.berichten[b][0]].stappen[verloop.berichten[b][1]].opnieuw
    )
    uit.append(
        _gelijk("herhaalde berichten beantwoord met 200", gepland=verwacht_herhaald, beantwoord=verloop.herhaald)
    )
    uit.append(_eindstatussen(plan, verloop))

    # --- routing: every applied status routed once, to the recipients the rules require ---
    ilt_lijst = frozenset(VoIltCode.objects.values_list("code", flat=True))
    cat = resultaat.catalogus
    leertraject = dict(Aanmelding.objects.values_list("ca_keten_id", "leertraject"))
    leertraject = {str(k): v for k, v in leertraject.items()}
    statusbericht = {
        (code, bericht_id): pk
        for pk, code, bericht_id in StatusBericht.objects.values_list("pk", "koppelpunt__code", "bericht_id")
    }
    portaal = set(Afzender.objects.filter(naam__startswith="Centraal Aanmelden").values_list("pk", flat=True))
    routeringen = {
        (afzender, bericht_id): ontvangers
        for afzender, bericht_id, ontvangers in Routering.objects.values_list("afzender_id", "bericht_id", "ontvangers")
    }
    routering_van = {bericht_id: afzender for afzender, bericht_id in routeringen}
    verwacht: dict[str, tuple[Verwacht, object, int]] = {}  # routing bericht id → (expectation, application, step)
    zonder_routering = 0
    for bericht_id in verloop.verwerkt:
        nr, i = verloop.berichten[bericht_id]
        a = plan.aanmeldingen[nr]
        code = bericht_id.rsplit("-", 2)[0]
        pk = statusbericht.get((code, bericht_id))
        rid = f"sis-{pk}"
        if pk is None or rid not in routering_van:
            zonder_routering += 1
            continue
        student = plan.studenten[a.student]
        ca = verloop.ca[nr]
        v = verwachte_ontvangers(
            student, leertraject.get(ca, ""), a.stappen[i].dag, ilt_lijst, cat.pc4_gemeente, cat.gemeenten
        )
        verwacht[rid] = (v, a, i)
    uit.append(
        _gelijk(
            "elk toegepast statusbericht één keer gerouteerd (log Routering, afzender: het portaal)",
            toegepast=len(verloop.verwerkt),
            gerouteerd=sum(1 for (afz, _b) in routeringen if afz in portaal),
            met_statusbericht=len(verloop.verwerkt) - zonder_routering,
        )
    )
    afwijkend = []
    for rid, (v, _a, _i) in verwacht.items():
        ontvangers = set(routeringen[(routering_van[rid], rid)])
        moet = (
            {"CENTRAAL_AANMELDEN"}
            | ({ONTVANGER_VO} if v.vo else set())
            | ({ONTVANGER_GEMEENTEN} if v.gemeente else set())
        )
        if ontvangers != moet:
            afwijkend.append(f"{rid}: {sorted(ontvangers)} ≠ {sorted(moet)}")
    aantal_vo = sum(1 for v, _a, _i in verwacht.values() if v.vo)
    aantal_gem = sum(1 for v, _a, _i in verwacht.values() if v.gemeente)
    uit.append(
        Controle(
            "ontvangers volgens de regels (onafhankelijk berekend uit de gesimuleerde personen)",
            not afwijkend,
            f"{len(verwacht):,} berichten, verwacht {aantal_vo:,} naar Koppelpunt VO en {aantal_gem:,} naar gemeenten;"
            f" afwijkend {len(afwijkend):,}" + (f" (eerste: {afwijkend[0]})" if afwijkend else ""),
        )
    )

    # --- delivery: exactly once to each recipient ---
    ontvangen = collections.defaultdict(list)  # routing bericht id → [(ontvanger, aantal_keer)]
    for ontvanger, bericht_id, keer in SimulatorOntvangst.objects.values_list("ontvanger", "bericht_id", "aantal_keer"):
        ontvangen[bericht_id].append((ontvanger, keer))
    # A fault that makes a receiver see a message again (response lost after processing, a 502 after taking it,
    # a worker killed after the POST, the database gone before the commit) is absorbed by the receiver's
    # idempotency: still one stored receipt, with aantal_keer > 1. That is accepted only as often as the injected
    # faults explain for that very (receiver, berichtId); any other second receipt is a FAIL.
    verklaard = resultaat.storingen.verklaard if resultaat.storingen else collections.Counter()
    fout_vo = fout_gem = dubbel = extra = verklaard_dubbel = 0
    voorbeelden = []

    def te_vaak(ontvanger: str, sleutel: str, keer: int) -> int:
        nonlocal verklaard_dubbel
        if keer == 1:
            return 0
        if keer > 1 and keer - 1 <= verklaard[(ontvanger, sleutel)]:
            verklaard_dubbel += 1
            return 0
        voorbeelden.append(f"{sleutel} bij {ontvanger} {keer}× ontvangen, {verklaard[(ontvanger, sleutel)]} verklaard")
        return 1

    sleutels_gerouteerd = set()
    for (afzender, rid), ontvangers in routeringen.items():
        if afzender not in portaal:
            continue
        sleutel = f"{afzender}:{rid}"
        sleutels_gerouteerd.add(sleutel)
        kregen = ontvangen.get(sleutel, [])
        vo = [k for o, k in kregen if o == "VO"]
        gem = [(o, k) for o, k in kregen if o != "VO"]
        dubbel += sum(te_vaak("VO", sleutel, k) for k in vo) + sum(te_vaak(o, sleutel, k) for o, k in gem)
        if (ONTVANGER_VO in ontvangers) != (len(vo) == 1) or len(vo) > 1:
            fout_vo += 1
            voorbeelden.append(f"{sleutel} VO {len(vo)}×")
        moet_gem = verwacht.get(rid, (Verwacht(False, ""),))[0].gemeente
        if ONTVANGER_GEMEENTEN in ontvangers:
            if len(gem) != 1 or (moet_gem and gem[0][0] != moet_gem):
                fout_gem += 1
                voorbeelden.append(f"{sleutel} gemeenten {gem}")
        elif gem:
            fout_gem += 1
            voorbeelden.append(f"{sleutel} niet voor gemeenten, toch {gem}")
    extra = sum(len(v) for k, v in ontvangen.items() if k not in sleutels_gerouteerd)
    routering_vo = sum(1 for (afz, _r), o in routeringen.items() if afz in portaal and ONTVANGER_VO in o)
    routering_gem = sum(1 for (afz, _r), o in routeringen.items() if afz in portaal and ONTVANGER_GEMEENTEN in o)
    ontvangen_vo = sum(1 for v in ontvangen.values() for o, _k in v if o == "VO")
    ontvangen_gem = sum(1 for v in ontvangen.values() for o, _k in v if o != "VO")
    uit.append(
        Controle(
            "elk gerouteerd bericht precies één keer afgeleverd bij elke ontvanger (Routering ↔ SimulatorOntvangst)",
            not (fout_vo or fout_gem or dubbel or extra),
            f"Koppelpunt VO: gerouteerd {routering_vo:,}, ontvangen {ontvangen_vo:,}; gemeenten: gerouteerd"
            f" {routering_gem:,}, ontvangen {ontvangen_gem:,}; verkeerd VO {fout_vo:,}, verkeerd gemeente {fout_gem:,},"
            f" onverklaard meer dan één keer ontvangen {dubbel:,}, zonder routering {extra:,}"
            + (f"; door storingen opnieuw gezien en ontdubbeld {verklaard_dubbel:,}" if resultaat.storingen else "")
            + (f" (eerste: {voorbeelden[0]})" if voorbeelden else ""),
        )
    )

    # --- the outbox ---
    per_status = collections.Counter(OutboxBericht.objects.values_list("kanaal", "status"))
    wachtend = sum(v for (_k, s), v in per_status.items() if s == OutboxBericht.Status.WACHTEND)
    mislukt = sum(v for (_k, s), v in per_status.items() if s == OutboxBericht.Status.MISLUKT)
    uit.append(
        Controle(
            "outbox leeg aan het eind: niets wachtend, geen dead letters",
            not (wachtend or mislukt),
            f"wachtend {wachtend:,}, mislukt {mislukt:,}, afgeleverd {verloop.afgeleverd:,}",
        )
    )
    per_kanaal = collections.Counter()
    for (kanaal, _s), v in per_status.items():
        per_kanaal[kanaal] += v
    uit.append(
        _gelijk(
            "outbox naar Koppelpunt VO = routeringen naar VO",
            outbox_vo=per_kanaal["vva.vo"],
            routeringen_vo=routering_vo,
        )
    )
    uit.append(
        _gelijk(
            "outbox naar gemeenten = routeringen naar gemeenten",
            outbox_gemeenten=per_kanaal["vva.gemeente"],
            routeringen_gemeenten=routering_gem,
        )
    )
    uit.append(
        _gelijk(
            "e-mail: een ontvangstbewijs per aanmelding",
            aanmeldingen=n,
            outbox_ontvangstbewijzen=per_kanaal["aanmelden.email"],
        )
    )
    uit.append(
        _gelijk(
            "e-mail: een bericht per statuswijziging",
            statuswijzigingen=StatusWijziging.objects.exclude(status="SUBMITTED").count(),
            outbox_statusmails=per_kanaal["aanmelden.statusmail"],
        )
    )
    in_de_outbox = per_kanaal["aanmelden.email"] + per_kanaal["aanmelden.statusmail"] + per_kanaal["email"]
    if resultaat.storingen and resultaat.storingen.verklaarde_mails:
        # an e-mail handed to the mail server just before the database went away is sent again (at-least-once)
        extra_mails = verloop.mails - in_de_outbox
        uit.append(
            Controle(
                "e-mail: alles verstuurd",
                0 <= extra_mails <= resultaat.storingen.verklaarde_mails,
                f"in de outbox {in_de_outbox:,}, verstuurd {verloop.mails:,}; opnieuw verstuurd {extra_mails:,},"
                f" verklaard door onderbroken afleveringen {resultaat.storingen.verklaarde_mails:,}",
            )
        )
    else:
        uit.append(_gelijk("e-mail: alles verstuurd", in_de_outbox=in_de_outbox, verstuurd=verloop.mails))
    uit.append(
        _gelijk(
            "audit: een verstrekking per gerouteerd bericht",
            gerouteerd=sum(1 for (afz, _b) in routeringen if afz in portaal),
            audit_verstrekt=AuditLogEntry.objects.filter(action="disclose", reason="Statusbericht doorgegeven").count(),
        )
    )

    # --- the municipalities' bulk signals ---
    for peildatum, soort in (
        (seizoen.eerste_maart, GemeenteSignaal.Soort.NIET_AANGEMELD),
        (seizoen.vijftien_juni, GemeenteSignaal.Soort.NIET_INGESCHREVEN),
    ):
        if peildatum > seizoen.einde:
            continue
        uit.append(
            _gelijk(
                f"bulksignaal {peildatum:%d-%m-%Y} ({soort.label})",
                verwacht=_verwacht_bulk(plan, verloop, verwacht, resultaat.catalogus, peildatum, soort),
                gemeld_door_run=verloop.bulk.get(peildatum, 0),
                in_simulator=GemeenteSignaal.objects.filter(soort=soort, peildatum=peildatum).count(),
            )
        )
    return uit


def _eindstatussen(plan, verloop) -> Controle:
    """Every application ends in the status the plan gives it (the last SIS status, or withdrawn by the student)."""
    from voorzieningen.aanmelden.models import Aanmelding

    werkelijk = {str(ca): s for ca, s in Aanmelding.objects.values_list("ca_keten_id", "status")}
    afwijkend = 0
    voorbeeld = ""
    for nr, ca in verloop.ca.items():
        a = plan.aanmeldingen[nr]
        moet = "WITHDRAWN" if a.intrekking else (a.stappen[-1].status if a.stappen else "SUBMITTED")
        if werkelijk.get(ca) != moet:
            afwijkend += 1
            voorbeeld = voorbeeld or f"{ca}: {werkelijk.get(ca)} ≠ {moet}"
    verdeling = collections.Counter(werkelijk.values())
    return Controle(
        "eindstatus van elke aanmelding volgens plan",
        afwijkend == 0,
        ", ".join(f"{s} {v:,}" for s, v in sorted(verdeling.items()))
        + f"; afwijkend {afwijkend:,}"
        + (f" (eerste: {voorbeeld})" if voorbeeld else ""),
    )


def _verwacht_bulk(plan, verloop, verwacht, catalogus, peildatum, soort) -> int:
    """Intended mbo students on the list at the date, minus those the municipality heard about before that date:
    any status (1 March), or an enrolment as the latest status of one of their applications (15 June)."""
    from voorzieningen.koppelpunt.models import GemeenteSignaal

    beoogd = set()
    for s in plan.studenten:
        if s.beoogd and catalogus.pc4_gemeente.get(s.adres.postcode[:4], ""):
            if not (s.niet_meer_beoogd and peildatum > plan.seizoen.vo_update):
                beoogd.add(s.bsn)
    for e in plan.extra_beoogden:
        if e.gemeentecode and not (e.niet_meer_beoogd and peildatum > plan.seizoen.vo_update):
            beoogd.add(e.pgn)
    laatste: dict[str, dict[str, tuple]] = collections.defaultdict(dict)  # pgn → ca → (dag, step, status)
    for v, a, i in verwacht.values():
        stap = a.stappen[i]
        if v.gemeente and stap.dag < peildatum:
            pgn, ca = plan.studenten[a.student].bsn, verloop.ca[a.nr]
            huidig = laatste[pgn].get(ca)
            if huidig is None or (stap.dag, i) > huidig[:2]:
                laatste[pgn][ca] = (stap.dag, i, stap.status)
    if soort == GemeenteSignaal.Soort.NIET_AANGEMELD:
        return len(beoogd - set(laatste))
    return sum(1 for pgn in beoogd if not any(s == "ENROLLED" for _d, _i, s in laatste.get(pgn, {}).values()))
