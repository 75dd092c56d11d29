"""Koppelpunt MBO API: sending systems deliver aanmeldstatusberichten with their own key (Bearer)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import APIView

from voorzieningen.core.api import problem_responses
from voorzieningen.core.sleutels import bearer_token

from .. import services
from ..models import Routering
from .serializers import RouteringSerializer, VvaStatusberichtSerializer

FOUTEN = problem_responses(
    {
        400: "Ongeldig bericht; invalidParams noemt het veld.",
        401: "Geen of een ongeldige sleutel van de afzender.",
    }
)


class VavoGeweigerd(exceptions.APIException):
    status_code = 422
    default_code = services.VavoGeweigerd.code


class AfzenderView(APIView):
    afzender = None

    def get_authenticate_header(self, request):
        return 'Bearer realm="koppelpunt-mbo"'

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        token = bearer_token(request)
        if not token:
            raise exceptions.NotAuthenticated("Stuur de sleutel van het afzendende systeem als Bearer-token.")
        self.afzender = services.authenticeer(token)
        if self.afzender is None:
            raise exceptions.AuthenticationFailed(
                "Onbekende of ingetrokken sleutel. Controleer de sleutel in uw systeem; na een wissel geldt alleen "
                "de nieuwe. Een nieuwe sleutel vraagt u aan bij de servicedesk van de coöperatie."
            )


class Statusberichten(AfzenderView):
    @extend_schema(
        operation_id="vva_statusbericht_versturen",
        summary="Een aanmeldstatusbericht afleveren (idempotent op berichtId per afzender)",
        description="Koppelpunt MBO routeert naar Centraal Aanmelden (altijd), Koppelpunt VO en Koppelpunt "
        "Gemeenten volgens de wettelijke regels en bewaart daarna alleen het log. VAVO-berichten worden geweigerd.",
        request=VvaStatusberichtSerializer,
        responses={
            201: RouteringSerializer,
            200: OpenApiResponse(RouteringSerializer, description="Dit berichtId was al ontvangen."),
            **problem_responses({422: "VAVO-aanmelding: hoort niet bij Koppelpunt MBO."}),
            **FOUTEN,
        },
    )
    def post(self, request):
        data = VvaStatusberichtSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        d = data.validated_data
        bericht = services.Statusbericht(
            bericht_id=d["berichtId"],
            aanmeld_id=d["aanmeldId"],
            status=d["status"],
            pgn=d["pgn"],
            postcode=d["postcode"].replace(" ", "").upper(),
            gemeentecode=d["gemeentecode"],
            geboortedatum=d["geboortedatum"],
            startkwalificatie=d["startkwalificatie"],
            ilt_code=d["iltCodeVooropleiding"],
            brin_vo=d["brinVoSchool"],
            leertraject=d["leertraject"].upper(),
            vavo=d["vavo"],
            reden=d["reden"],
            brin_mbo=d["brinMbo"],
            tijdstip=d.get("tijdstip"),
        )
        try:
            log, nieuw = services.ontvang(self.afzender, bericht)
        except services.VavoGeweigerd as e:
            raise VavoGeweigerd(str(e)) from e
        code = status.HTTP_201_CREATED if nieuw else status.HTTP_200_OK
        return Response(RouteringSerializer(log).data, status=code)


class RouteringDetail(AfzenderView):
    @extend_schema(
        operation_id="vva_routering_lezen",
        summary="Wat er met een bericht van deze afzender is gebeurd: naar wie, waarom niet, afgeleverd?",
        responses={200: RouteringSerializer, **problem_responses({404: "Geen bericht met dit berichtId."}), **FOUTEN},
    )
    def get(self, request, bericht_id):
        log = Routering.objects.filter(afzender=self.afzender, bericht_id=bericht_id).first()
        if log is None:
            raise exceptions.NotFound("Geen bericht met dit berichtId van deze afzender.")
        return Response(RouteringSerializer(log).data)
