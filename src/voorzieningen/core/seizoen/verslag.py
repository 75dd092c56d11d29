"""The printed summary of a season: what happened, how long each phase took, and the invariants."""

import collections

MAANDEN = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]

# The order phases are printed in; setup first, then the season's own work, then the checks.
FASEN = ["catalogus", "inrichting", "plan", "aanmelden", "sis-ophalen", "sis-statussen", "afleveren", "vo-lijsten",
         "gemeenten-bulk", "controles"]  # fmt: skip
SEIZOENSWERK = {"aanmelden", "sis-ophalen", "sis-statussen", "afleveren", "vo-lijsten", "gemeenten-bulk"}


def _maanden(resultaat) -> list[str]:
    per_maand = collections.Counter()
    for nr in resultaat.verloop.ca:
        dag = resultaat.plan.aanmeldingen[nr].dag
        per_maand[(dag.year, dag.month)] += 1
    maart = collections.Counter()
    for nr in resultaat.verloop.ca:
        dag = resultaat.plan.aanmeldingen[nr].dag
        if dag.month == 3:
            maart["16–31 mrt" if dag.day > 15 else "1–15 mrt"] += 1
    hoogste = max(per_maand.values(), default=1)
    regels = []
    for (jaar, maand), aantal in sorted(per_maand.items()):
        balk = "█" * max(1, round(40 * aantal / hoogste))
        regels.append(f"    {MAANDEN[maand - 1]} {jaar}  {aantal:>9,}  {balk}")
    if maart:
        regels.append(
            f"    (maart: {maart['1–15 mrt']:,} in de eerste helft, {maart['16–31 mrt']:,} in de laatste twee weken"
            " vóór 1 april)"
        )
    return regels


def verslag(resultaat) -> list[str]:
    from voorzieningen.koppelpunt.models import GemeenteSignaal

    from .simulatie import DOEL_SECONDEN

    v, plan = resultaat.verloop, resultaat.plan
    statussen = collections.Counter(
        plan.aanmeldingen[v.berichten[b][0]].stappen[v.berichten[b][1]].status for b in v.verwerkt
    )
    signalen = collections.Counter(GemeenteSignaal.objects.values_list("soort", flat=True))
    routeringen = next((c for c in resultaat.controles if c.naam.startswith("elk gerouteerd bericht")), None)
    studenten_met = len({plan.aanmeldingen[nr].student for nr in v.ca})
    regels = [
        "",
        f"Studenten: {studenten_met:,} met een aanmelding (van {len(plan.studenten):,});"
        f" {len(v.ca) / max(studenten_met, 1):.2f} aanmeldingen per student",
        f"Aanmeldingen: {len(plan.aanmeldingen):,} gepland ({plan.zonder_open_cohort:,} keer geen open cohort op de"
        f" gekozen dag), {len(v.ca):,} ingediend"
        f" ({v.uitgeweken:,} keer uitgeweken naar een ander cohort na 'vol' of 'gesloten',"
        f" {len(v.niet_ingediend):,} niet ingediend); {v.ingetrokken:,} ingetrokken door de student",
        *_maanden(resultaat),
        f"SIS'en: {len(resultaat.sleutels)} koppelpunten; {len(v.opgehaald):,} aanmeldingen opgehaald"
        f" ({v.paginas:,} wachtrijpagina's), {v.foutmeldingen:,} foutmeldingen, {v.gebeurtenissen:,} gebeurtenissen"
        " bevestigd",
        f"Statusberichten via de SIS-API: {len(v.verwerkt):,} verwerkt ("
        + ", ".join(f"{s} {n:,}" for s, n in sorted(statussen.items()))
        + f") + {v.herhaald:,} herhaald (idempotent)",
    ]
    if routeringen:
        regels.append(f"Koppelpunt MBO: {routeringen.detail.split('; verkeerd')[0]}")
    totaal_keten = len(v.verwerkt) + v.herhaald
    afgeleverd_extern = _extern_afgeleverd()
    totaal_keten += afgeleverd_extern
    regels += [
        f"Outbox: {v.afgeleverd:,} berichten afgeleverd, waarvan {v.mails:,} e-mails en {afgeleverd_extern:,} aan"
        " Koppelpunt VO en gemeenten",
        f"Statusberichten in de keten (SIS → portaal → Koppelpunt VO/gemeenten): {totaal_keten:,}",
        "Gemeenten (simulator): "
        + ", ".join(f"{GemeenteSignaal.Soort(s).label} {n:,}" for s, n in sorted(signalen.items()))
        + f"; beoogde mbo-gangers aangeleverd {v.vo_lijst:,} rijen",
        "",
        f"{'fase':<16}{'wandtijd':>10}{'bezig':>10}{'aantal':>12}  per seconde",
    ]
    seizoenswerk = 0.0
    for naam in FASEN:
        fase = resultaat.fases.get(naam)
        if fase is None:
            continue
        if naam in SEIZOENSWERK:
            seizoenswerk += fase.seconden
        tempo = f"{fase.aantal / fase.seconden:,.0f} {fase.eenheid}/s" if fase.seconden and fase.aantal else ""
        regels.append(f"{naam:<16}{fase.seconden:>9.1f}s{fase.bezig:>9.1f}s{fase.aantal:>12,}  {tempo}")
    regels += [
        f"{'totaal':<16}{resultaat.totaal:>9.1f}s   (seizoen zelf, zonder catalogus/inrichting/plan/controles:"
        f" {seizoenswerk:.1f} s)",
        f"Doel: het hele seizoen in {DOEL_SECONDEN} s; gemeten {resultaat.totaal:.1f} s ="
        f" {resultaat.totaal / DOEL_SECONDEN:.2f}× het doel met {resultaat.instellingen.processen} proces(sen)"
        " ('bezig' = opgetelde werktijd van de processen)",
    ]
    if resultaat.gestolen:
        regels.append(f"Machine: {resultaat.gestolen} (met zoveel minder rekentijd gemeten)")
    regels.append("")
    if resultaat.storingen is not None:
        regels += [f"Storingen ({len(resultaat.storingen.storingen)} ingezet):"]
        regels += resultaat.storingen.per_storing(resultaat.seizoen)
        for soort, index, pid, exitcode in v.werkers_vervangen:
            regels.append(f"  werkproces {index} (pid {pid}, exitcode {exitcode}) vervangen tijdens '{soort}',"
                          " zijn deel van de stap opnieuw gedaan")  # fmt: skip
        regels += [f"  niet ingezet: {r}" for r in v.niet_ingezet]
        regels.append("")
    regels += [c.regel() for c in resultaat.controles]
    return regels


def _extern_afgeleverd() -> int:
    from voorzieningen.koppelpunt.models import SimulatorOntvangst

    return SimulatorOntvangst.objects.count()
