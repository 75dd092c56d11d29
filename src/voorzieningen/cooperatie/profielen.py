"""The two cooperatives on this engine, as data: run ``richt_profielen_in()`` (idempotent) from the demo loader or
once in production. What differs between them is in these rows, not in code.

Sources: the mbo cooperative's PDC/DAP (seed 001, MISSION §5) and the PO/VO purchasing cooperative (seed 003).
Where a source is silent the value is marked "aanname" below; staff can change it in the admin.
"""

from django.db import transaction

from .models import Cooperatie, Kamer, LidSoort, Orgaan

MBO = "mbo-voorzieningen"
PO_VO = "inkoopcooperatie-po-vo"

PROFIELEN = {
    MBO: {
        "naam": "Coöperatie Mbo Voorzieningen U.A.",
        "toegestane_soorten": [LidSoort.MBO_INSTELLING.value],
        "vereist_publieke_bekostiging": True,
        "vereist_mbo_raad_lidmaatschap": True,
        "vereist_aanbestedende_dienst": True,  # seed 001 §4.1: alleen aanbestedende diensten
        "opzegtermijn_lid_maanden": 12,  # aanname: de bronnen noemen geen termijn; gelijk aan de PO/VO-coöperatie
        "opzegtermijn_cooperatie_maanden": 6,  # aanname, idem
        "hoogste_orgaan": Orgaan.AV.value,
        "min_vergaderingen_per_jaar": 2,  # "De AV komt minimaal tweemaal per jaar bijeen"
        "drempel_teller": 2,
        "drempel_noemer": 3,
        "drempelbasis": "deelnemers",  # "2/3 van de aanwezige leden ... of van te voren uitgebrachte stem"
        "quorum_teller": 0,  # geen quorum in de statuten
        "quorum_noemer": 1,
        "bestuur_omvang": 3,  # "Het bestuur van de Coöperatie bestaat uit drie leden"
        "raad_omvang": None,
    },
    PO_VO: {
        "naam": "Inkoopcoöperatie po en vo",
        "toegestane_soorten": [LidSoort.PO_BESTUUR.value, LidSoort.VO_BESTUUR.value, LidSoort.PO_VO_BESTUUR.value],
        "vereist_publieke_bekostiging": True,  # "publiek bekostigd"
        "vereist_mbo_raad_lidmaatschap": False,
        "vereist_aanbestedende_dienst": True,  # "inbesteding (alleen aanbestedende diensten kunnen dan lid worden)"
        "opzegtermijn_lid_maanden": 12,  # "Opzegtermijn van leden is 1 jaar"
        "opzegtermijn_cooperatie_maanden": 6,  # "Opzegtermijn van coöperatie ... is 6 maanden"
        "hoogste_orgaan": Orgaan.LEDENRAAD.value,  # "Ledenraad ... is het hoogste orgaan"
        "min_vergaderingen_per_jaar": 2,  # aanname: zoals de mbo-coöperatie
        "drempel_teller": 2,  # aanname: zoals de mbo-coöperatie
        "drempel_noemer": 3,
        "drempelbasis": "deelnemers",
        "quorum_teller": 0,
        "quorum_noemer": 1,
        "bestuur_omvang": 3,  # aanname: "bestuur in eerste instantie uit leden", omvang niet genoemd
        "raad_omvang": 36,  # "Ledenraad bestaat uit 36 personen"
    },
}

# "bestaat uit vier kamers: PO, VO, Combinatie, Klein"; the division of the 36 seats is not in the source:
# aanname 9 each. 'Klein' has no kinds: staff place small boards there by hand.
KAMERS = [
    ("po", "PO", 9, [LidSoort.PO_BESTUUR.value]),
    ("vo", "VO", 9, [LidSoort.VO_BESTUUR.value]),
    ("combinatie", "Combinatie", 9, [LidSoort.PO_VO_BESTUUR.value]),
    ("klein", "Klein", 9, []),
]


def richt_profielen_in() -> dict[str, Cooperatie]:
    """Create the two profiles when missing. Existing rows are left as staff configured them."""
    resultaat = {}
    with transaction.atomic():
        for code, velden in PROFIELEN.items():
            cooperatie, _created = Cooperatie.objects.get_or_create(code=code, defaults=velden)
            resultaat[code] = cooperatie
        povo = resultaat[PO_VO]
        for volgorde, (code, naam, zetels, soorten) in enumerate(KAMERS):
            Kamer.objects.get_or_create(
                cooperatie=povo,
                code=code,
                defaults={"naam": naam, "zetels": zetels, "soorten": soorten, "volgorde": volgorde},
            )
    return resultaat


def laad_demo(schrijf=print) -> None:
    """Demo data, idempotent: the two profiles, three mbo members with two contact persons each, a PO/VO school
    board with a council seat, an AV a month ahead with a proposal; prints a representative's personal link."""
    import datetime

    from django.utils import timezone

    from voorzieningen.catalogus.models import Instelling
    from voorzieningen.core.services import Actor

    from . import av, leden
    from .dienstverlening import richt_aanbod_in
    from .models import Agendapunt, Lid, Vergadering, Voorstel

    actor = Actor.system("load_demo")
    profiel = richt_profielen_in()
    for cooperatie in profiel.values():
        richt_aanbod_in(cooperatie)
    mbo, povo = profiel[MBO], profiel[PO_VO]
    instellingen = list(Instelling.objects.order_by("brin")[:3])
    namen = [i.naam for i in instellingen] or ["ROC Demo Noord", "ROC Demo Midden", "ROC Demo Zuid"]
    for i, naam in enumerate(namen):
        if Lid.objects.filter(cooperatie=mbo, naam=naam).exists():
            continue
        leden.word_lid(
            mbo,
            naam,
            soort=LidSoort.MBO_INSTELLING,
            publiek_bekostigd=True,
            mbo_raad_lid=True,
            aanbestedende_dienst=True,
            begindatum=datetime.date(2021, 1, 1),
            instelling=instellingen[i] if instellingen else None,
            contactpersonen=[
                {
                    "naam": f"Demo Bestuurder {i + 1}",
                    "functie": "Lid college van bestuur",
                    "email": f"bestuur{i + 1}@demo.example",
                    "primair": True,
                    "av_vertegenwoordiger": True,
                },
                {
                    "naam": f"Demo Informatiemanager {i + 1}",
                    "functie": "Informatiemanager",
                    "email": f"im{i + 1}@demo.example",
                },
            ],
            actor=actor,
        )
    if not Lid.objects.filter(cooperatie=povo).exists():
        bestuur = leden.word_lid(
            povo,
            "Stichting Demo Primair Onderwijs",
            soort=LidSoort.PO_BESTUUR,
            publiek_bekostigd=True,
            aanbestedende_dienst=True,
            begindatum=datetime.date(2022, 1, 1),
            contactpersonen=[{"naam": "Demo Raadslid", "email": "raad@demo-po.example", "av_vertegenwoordiger": True}],
            actor=actor,
        )
        leden.wijs_zetel_toe(bestuur, bestuur.contactpersonen.get(), datetime.date(2022, 1, 1), actor=actor)

    vergadering = (
        Vergadering.objects.filter(cooperatie=mbo, status=Vergadering.Status.GEPLAND).order_by("aanvang").first()
    )
    if vergadering is None or vergadering.aanvang <= timezone.now():
        vergadering = Vergadering.objects.create(
            cooperatie=mbo, aanvang=timezone.now() + datetime.timedelta(days=30), locatie="Utrecht (demo)"
        )
        punt = Agendapunt.objects.create(vergadering=vergadering, volgnummer=1, titel="Jaarplan en begroting")
        Voorstel.objects.create(
            vergadering=vergadering, agendapunt=punt, titel="Jaarplan en begroting vaststellen", toelichting="Demo."
        )
    lid = av.stemgerechtigde_leden(vergadering).order_by("naam").first()
    contactpersoon = av.ontvanger(vergadering, lid) if lid else None
    if contactpersoon is not None:
        _link, token = av.nieuwe_link(vergadering, lid, contactpersoon)
        schrijf(f"Demo: stem vooraf namens {lid.naam} via {av.vergaderlink_url(token)}")
    melding = av.jaarplan_waarschuwing(mbo, vergadering.jaar)
    if melding:
        schrijf(f"Demo: {melding}")
