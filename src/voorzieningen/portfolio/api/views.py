"""The analyses of portfolio regie as JSON: public and read-only, like the pages (aggregates, no personal data).

Counts of students from 1 to 4 are null, as they show as '< 5' on the pages. Planned stops under consultation
are not part of the public signals.
"""

from django.utils import timezone

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from voorzieningen.catalogus.models import Instelling, Kwalificatie
from voorzieningen.core.api import problem_responses
from voorzieningen.instellingen.statistiek import DREMPEL

from .. import analyse, signalen
from .. import data as portfoliodata
from ..impact import impact, wijzigingen_van
from .serializers import (
    AanbodSerializer,
    BereikbaarheidSerializer,
    GemeenteSerializer,
    ImpactParamsSerializer,
    ImpactSerializer,
    OverlapParamsSerializer,
    OverlapSerializer,
    SelectieSerializer,
    SignalenSerializer,
)

MAX_ONTBREKEND_LIJST = 50
FOUTEN = problem_responses({400: "Ongeldige selectie; invalidParams noemt de parameter."})


def _aantal(n: int | None) -> int | None:
    if n is None or 0 < n < DREMPEL:
        return None
    return n


def _selectie(request, serializer_class=SelectieSerializer):
    params = serializer_class(data=request.query_params)
    params.is_valid(raise_exception=True)
    d = params.validated_data
    return portfoliodata.Selectie(d.get("crebo", ""), d.get("sector", ""), d.get("niveau")), d


class GemeentenView(APIView):
    """Every current municipality with its centroid, COROP region and young people (15–19)."""

    @extend_schema(responses={200: GemeenteSerializer(many=True)})
    def get(self, request):
        data = portfoliodata.laad()
        rijen = [
            {
                "code": g.code,
                "naam": g.naam,
                "corop_code": g.corop_code,
                "corop_naam": g.corop_naam,
                "latitude": g.lat,
                "longitude": g.lon,
                "jongeren_15_19": g.jongeren,
            }
            for g in data.gemeenten
        ]
        return Response(GemeenteSerializer(rijen, many=True).data)


class AanbodView(APIView):
    """The portfolio map: where the selection is offered, with capacity and enrolments per location."""

    @extend_schema(parameters=[SelectieSerializer], responses={200: AanbodSerializer, **FOUTEN})
    def get(self, request):
        selectie, _d = _selectie(request)
        data = portfoliodata.laad()
        kaart = analyse.portfoliokaart(data, selectie)
        body = {
            "schooljaar": kaart.schooljaar,
            "kwalificaties": len(kaart.kwalificaties),
            "aanbod": kaart.aantal_aanbod,
            "instellingen": kaart.aantal_instellingen,
            "capaciteit": kaart.capaciteit,
            "inschrijvingen": _aantal(kaart.inschrijvingen),
            "locaties": [
                {
                    "locatie": {
                        "code": p.locatie.code,
                        "plaats": p.locatie.plaats,
                        "gemeentecode": p.locatie.gemeentecode,
                        "latitude": p.locatie.lat,
                        "longitude": p.locatie.lon,
                    },
                    "instellingen": p.instellingen,
                    "opleidingen": p.opleidingen,
                    "capaciteit": p.capaciteit,
                    "zonder_capaciteit": p.zonder_capaciteit,
                    "inschrijvingen": _aantal(p.inschrijvingen),
                }
                for p in kaart.punten
            ],
        }
        return Response(AanbodSerializer(body).data)


class OverlapView(APIView):
    """Overlap: the same qualification by two or more institutions in one area, per region and sector."""

    @extend_schema(parameters=[OverlapParamsSerializer], responses={200: OverlapSerializer, **FOUTEN})
    def get(self, request):
        selectie, d = _selectie(request, OverlapParamsSerializer)
        data = portfoliodata.laad()
        uitkomst = analyse.overlap(data, d.get("modus"), d.get("straal_km"), selectie)
        body = {
            "modus": uitkomst.modus,
            "straal_km": uitkomst.straal_km,
            "aantal": len(uitkomst.gevallen),
            "gevallen": [
                {
                    "crebo": g.kwalificatie.crebo,
                    "kwalificatie": g.kwalificatie.naam,
                    "niveau": g.kwalificatie.niveau,
                    "sector": g.kwalificatie.sector,
                    "regio": g.regio,
                    "corop": g.corop,
                    "gemeenten": g.gemeenten,
                    "instellingen": [
                        {
                            "instelling": d.naam,
                            "brin": data.instellingen.get(d.instelling_id, ("", ""))[0],
                            "locaties": [loc.code for loc in d.locaties],
                            "inschrijvingen": _aantal(d.inschrijvingen),
                            "capaciteit": d.capaciteit,
                        }
                        for d in g.deelnemers
                    ],
                    "niet_meegeteld": [{"instelling": n, "reden": r} for n, r in g.uitgezonderd],
                }
                for g in uitkomst.gevallen
            ],
        }
        return Response(OverlapSerializer(body).data)


class BereikbaarheidView(APIView):
    """For every municipality: how many selected qualifications lie within their travel-time norm."""

    @extend_schema(parameters=[SelectieSerializer], responses={200: BereikbaarheidSerializer, **FOUTEN})
    def get(self, request):
        selectie, _d = _selectie(request)
        data = portfoliodata.laad()
        bereik = analyse.bereikbaarheid(data, selectie)
        met_lijst = len(bereik.kwalificaties) <= MAX_ONTBREKEND_LIJST
        body = {
            "omrijfactor": bereik.reisnorm.omrijfactor,
            "snelheid_kmu": bereik.reisnorm.snelheid_kmu,
            "kwalificaties": len(bereik.kwalificaties),
            "per_niveau": [
                {
                    "niveau": n.niveau,
                    "norm_minuten": n.norm,
                    "kwalificaties": n.kwalificaties,
                    "gewogen_aandeel": round(n.gewogen_aandeel, 4),
                    "gemeenten_volledig": n.gemeenten_volledig,
                }
                for n in bereik.per_niveau
            ],
            "gemeenten": [
                {
                    "gemeentecode": gb.gemeente.code,
                    "naam": gb.gemeente.naam,
                    "jongeren_15_19": gb.gemeente.jongeren,
                    "kwalificaties": gb.totaal,
                    "binnen_norm": gb.bereikbaar,
                    "ontbrekend_aantal": len(gb.ontbrekend),
                    "ontbrekend": [k.crebo for k in gb.ontbrekend] if met_lijst else [],
                    "afstand_km": _eindig(gb.afstand_km),
                    "reistijd_minuten": _eindig(gb.reistijd),
                    "norm_minuten": gb.norm,
                }
                for gb in bereik.per_gemeente
            ],
        }
        return Response(BereikbaarheidSerializer(body).data)


def _eindig(waarde: float | None) -> float | None:
    if waarde is None or waarde == float("inf"):
        return None
    return round(waarde, 1)


class SignalenView(APIView):
    """Early warning: falling offerings and enrolments per region and sector, demographic shrink, specialist
    programmes offered by one institution."""

    @extend_schema(responses={200: SignalenSerializer})
    def get(self, request):
        data = portfoliodata.laad()
        vroeg = signalen.vroegsignalering(data, timezone.localdate())
        body = {
            "jaren": vroeg.jaren,
            "signalen": [
                {
                    "soort": s.soort,
                    "ernst": s.ernst,
                    "regio": s.regio,
                    "sector": s.sector,
                    "crebo": s.kwalificatie.crebo if s.kwalificatie else None,
                    "tekst": s.tekst,
                }
                for s in vroeg.signalen
            ],
            "regio_s": [
                {
                    "corop": r.corop,
                    "aanbod": r.aanbod,
                    "inschrijvingen": r.inschrijvingen,
                    "jongeren_nu": r.jongeren_nu,
                    "jongeren_over_5_jaar": r.jongeren_straks,
                }
                for r in vroeg.regio_s
            ],
        }
        return Response(SignalenSerializer(body).data)


class ImpactView(APIView):
    """What a proposed start, stop, scale-down, expansion, exchange or joint offering does, before deciding."""

    @extend_schema(parameters=[ImpactParamsSerializer], responses={200: ImpactSerializer, **FOUTEN})
    def get(self, request):
        params = ImpactParamsSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        d = params.validated_data
        instelling = Instelling.objects.get(brin=d["instelling"])
        partner = Instelling.objects.filter(brin=d.get("partner", "")).first()
        ruil = Kwalificatie.objects.filter(crebo=d.get("ruil_crebo", "")).first() if d.get("ruil_crebo") else None
        data = portfoliodata.laad()
        wijzigingen = wijzigingen_van(
            d["soort"],
            instelling.pk,
            Kwalificatie.objects.get(crebo=d["crebo"]).pk,
            d["gemeente"],
            partner_id=partner.pk if partner else None,
            ruil_kwalificatie_id=ruil.pk if ruil else None,
            plaatsen=d.get("plaatsen"),
        )
        body = impact(data, wijzigingen).als_dict()
        for k in body["kwalificaties"]:
            k["inschrijvingen_geraakt"] = _aantal(k["inschrijvingen_geraakt"])
        return Response(ImpactSerializer(body).data)
