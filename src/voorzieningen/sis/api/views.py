"""The SIS API: /api/sis/v1/koppelpunten/{koppelpuntcode}/… with the koppelpunt's own API key (Bearer)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.pagination import CursorPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from voorzieningen.aanmelden import services as aanmelden
from voorzieningen.core.api import problem_responses
from voorzieningen.core.sleutels import bearer_token

from .. import services
from ..models import Aanlevering, Gebeurtenis
from .serializers import (
    AanleveringStatusSerializer,
    AanmeldingSerializer,
    BevestigingenResultaatSerializer,
    BevestigingenSerializer,
    FoutmeldingSerializer,
    GebeurtenisSerializer,
    StatusberichtenBulkResultaatSerializer,
    StatusberichtenBulkSerializer,
    StatusberichtResultaatSerializer,
    StatusberichtSerializer,
    WachtrijItemSerializer,
)

FOUTEN = problem_responses(
    {
        400: "Ongeldige invoer; invalidParams noemt het veld.",
        401: "Geen of een ongeldige API-sleutel van dit koppelpunt.",
        404: "geen actieve school gevonden, of onbekende aanmelding.",
    }
)
KOPPELPUNT = OpenApiParameter(
    "koppelpuntcode", OpenApiTypes.STR, OpenApiParameter.PATH, description="Hoofdlettergevoelig."
)
CA_KETEN_ID = OpenApiParameter("ca_keten_id", OpenApiTypes.UUID, OpenApiParameter.PATH, description="caKetenId")


class GeenActieveSchool(exceptions.NotFound):
    default_detail = "geen actieve school gevonden"
    default_code = "geen_actieve_school"


class OngeldigeSleutel(exceptions.AuthenticationFailed):
    default_detail = (
        "Geen geldige API-sleutel voor dit koppelpunt. Controleer de koppelpuntcode (hoofdlettergevoelig) en de "
        "sleutel; een ingetrokken sleutel vervangt de instellingsbeheerder door een nieuwe."
    )
    default_code = "ongeldige_sleutel"


class OnbekendeAanmelding(exceptions.NotFound):
    default_detail = services.ONBEKENDE_AANMELDING
    default_code = "onbekende_aanmelding"


class StatusConflict(exceptions.APIException):
    status_code = 409
    default_detail = "Deze statusovergang is niet toegestaan."
    default_code = "status_niet_toegestaan"


class KoppelpuntView(APIView):
    """Resolves the koppelpunt of the path and checks that the Bearer key is one of its own."""

    client: services.SisClient

    def get_authenticate_header(self, request):
        return 'Bearer realm="sis"'

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        try:
            koppelpunt_code = kwargs["koppelpuntcode"]
            token = bearer_token(request)
            client = services.authenticeer(koppelpunt_code, token) if token else None
        except services.GeenActieveSchool as e:
            raise GeenActieveSchool() from e
        if client is None:
            if not token:
                raise exceptions.NotAuthenticated("Stuur de API-sleutel van het koppelpunt als Bearer-token.")
            raise OngeldigeSleutel()
        self.client = client

    def pagina(self, queryset, serializer_class):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(queryset, self.request, view=self)
        return paginator.get_paginated_response(serializer_class(page, many=True).data)

    def aanlevering(self, ca_keten_id, volledig=False) -> Aanlevering:
        try:
            return services.aanlevering_van(self.client.koppelpunt, ca_keten_id=ca_keten_id, volledig=volledig)
        except Aanlevering.DoesNotExist as e:
            raise OnbekendeAanmelding() from e


class WachtrijPaginering(CursorPagination):
    """A stable cursor over (in_wachtrij_sinds, id): new arrivals never shift a page already handed out."""

    ordering = ("in_wachtrij_sinds", "id")
    page_size = 100
    page_size_query_param = "aantal"
    max_page_size = 500
    cursor_query_param = "cursor"


class Wachtrij(KoppelpuntView):
    pagination_class = WachtrijPaginering

    @extend_schema(
        operation_id="wachtrij_lijst",
        summary="Aanmeldingen die nog niet zijn opgehaald (oudste eerst)",
        parameters=[KOPPELPUNT],
        responses={200: WachtrijItemSerializer(many=True), **FOUTEN},
    )
    def get(self, request, koppelpuntcode):
        return self.pagina(services.wachtrij(self.client.koppelpunt), WachtrijItemSerializer)


class WachtrijVolledigPaginering(WachtrijPaginering):
    max_page_size = services.MAX_PER_KEER


class WachtrijVolledig(KoppelpuntView):
    """For SISes that fetch many at a time: a page of the queue with every application in full."""

    pagination_class = WachtrijVolledigPaginering

    @extend_schema(
        operation_id="wachtrij_volledig",
        summary="Aanmeldingen die nog niet zijn opgehaald, volledig (oudste eerst)",
        description="Hetzelfde als de wachtrij, met elke aanmelding zoals 'Eén aanmelding volledig ophalen' haar "
        "geeft; elke aanmelding op de pagina telt als opgehaald. Ze blijft in de wachtrij tot ze is bevestigd "
        "(per stuk of met 'Ophalen bevestigen voor veel aanmeldingen'); de cursor schuift daar niet door.",
        parameters=[KOPPELPUNT],
        responses={200: AanmeldingSerializer(many=True), **FOUTEN},
    )
    def get(self, request, koppelpuntcode):
        paginator = self.pagination_class()
        page = paginator.paginate_queryset(services.wachtrij_volledig(self.client.koppelpunt), request, view=self)
        aanleveringen = services.haal_op_veel(self.client, page)
        data = AanmeldingSerializer([a.aanmelding for a in aanleveringen], many=True).data
        return paginator.get_paginated_response(data)


class Bevestigingen(KoppelpuntView):
    @extend_schema(
        operation_id="ophalen_bevestigen_veel",
        summary="Ophalen bevestigen voor veel aanmeldingen (ten hoogste 500)",
        description="Bevestigt elke bekende caKetenId; onbekende staan in 'onbekend' en houden de rest niet "
        "tegen. Een herhaling verandert niets.",
        parameters=[KOPPELPUNT],
        request=BevestigingenSerializer,
        responses={200: BevestigingenResultaatSerializer, **FOUTEN},
    )
    def post(self, request, koppelpuntcode):
        data = BevestigingenSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        bevestigd, onbekend = services.bevestig_veel(self.client.koppelpunt, data.validated_data["caKetenIds"])
        return Response(BevestigingenResultaatSerializer({"bevestigd": bevestigd, "onbekend": onbekend}).data)


class AanmeldingDetail(KoppelpuntView):
    @extend_schema(
        operation_id="aanmelding_ophalen",
        summary="Eén aanmelding volledig ophalen",
        parameters=[KOPPELPUNT, CA_KETEN_ID],
        responses={200: AanmeldingSerializer, **FOUTEN},
    )
    def get(self, request, koppelpuntcode, ca_keten_id):
        aanlevering = services.haal_op(self.client, self.aanlevering(ca_keten_id, volledig=True))
        return Response(AanmeldingSerializer(aanlevering.aanmelding).data)


class Bevestiging(KoppelpuntView):
    @extend_schema(
        operation_id="ophalen_bevestigen",
        summary="Ophalen bevestigen: de aanmelding verdwijnt uit de wachtrij",
        parameters=[KOPPELPUNT, CA_KETEN_ID],
        request=None,
        responses={200: AanleveringStatusSerializer, **FOUTEN},
    )
    def post(self, request, koppelpuntcode, ca_keten_id):
        return Response(AanleveringStatusSerializer(services.bevestig(self.aanlevering(ca_keten_id))).data)


class Foutmelding(KoppelpuntView):
    @extend_schema(
        operation_id="verwerkingsfout_melden",
        summary="Een verwerkingsfout melden (de instellingsbeheerder ziet de melding)",
        parameters=[KOPPELPUNT, CA_KETEN_ID],
        request=FoutmeldingSerializer,
        responses={200: AanleveringStatusSerializer, **FOUTEN},
    )
    def post(self, request, koppelpuntcode, ca_keten_id):
        data = FoutmeldingSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        aanlevering = services.meld_fout(self.aanlevering(ca_keten_id), data.validated_data["melding"])
        return Response(AanleveringStatusSerializer(aanlevering).data)


class Statusberichten(KoppelpuntView):
    @extend_schema(
        operation_id="statusbericht_versturen",
        summary="Een status melden (idempotent op berichtId)",
        description="Codes van de keten: RECEIVED, OFFERED, REJECTED, WITHDRAWN, ENROLLED. Een eindstatus "
        "verandert alleen met correctie=true en een toelichting.",
        parameters=[KOPPELPUNT],
        request=StatusberichtSerializer,
        responses={
            201: StatusberichtResultaatSerializer,
            200: OpenApiResponse(StatusberichtResultaatSerializer, description="Dit berichtId was al verwerkt."),
            **problem_responses({409: "Statusovergang niet toegestaan."}),
            **FOUTEN,
        },
    )
    def post(self, request, koppelpuntcode):
        data = StatusberichtSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            bericht, created = services.verwerk_bericht(self.client, data.validated_data)
        except Aanlevering.DoesNotExist as e:
            raise OnbekendeAanmelding() from e
        except aanmelden.StatusNietToegestaan as e:
            raise StatusConflict(services.conflict_tekst(e)) from e
        code = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(StatusberichtResultaatSerializer(bericht).data, status=code)


class StatusberichtenBulk(KoppelpuntView):
    @extend_schema(
        operation_id="statusberichten_versturen",
        summary="Veel statussen tegelijk melden (ten hoogste 500; elk idempotent op berichtId)",
        description="Elk bericht wordt verwerkt zoals 'Een status melden' het doet, in de gegeven volgorde; per "
        "bericht staat de uitkomst in 'resultaten' (http 201, 200, 404 of 409). Een onbekende aanmelding of een "
        "overgang die niet mag houdt de andere berichten niet tegen. Een ongeldig bericht (400) weigert de hele "
        "aanroep, met invalidParams per veld.",
        parameters=[KOPPELPUNT],
        request=StatusberichtenBulkSerializer,
        responses={200: StatusberichtenBulkResultaatSerializer, **FOUTEN},
    )
    def post(self, request, koppelpuntcode):
        data = StatusberichtenBulkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        uitkomsten = services.verwerk_statussen(self.client, data.validated_data["berichten"])
        return Response(StatusberichtenBulkResultaatSerializer({"resultaten": uitkomsten}).data)


class GebeurtenisPaginering(WachtrijPaginering):
    ordering = ("tijdstip", "id")


class Gebeurtenissen(KoppelpuntView):
    pagination_class = GebeurtenisPaginering

    @extend_schema(
        operation_id="gebeurtenissen_lijst",
        summary="Onbevestigde gebeurtenissen, zoals een intrekking door de aanmelder (oudste eerst)",
        parameters=[KOPPELPUNT],
        responses={200: GebeurtenisSerializer(many=True), **FOUTEN},
    )
    def get(self, request, koppelpuntcode):
        return self.pagina(services.gebeurtenissen(self.client.koppelpunt), GebeurtenisSerializer)


class GebeurtenisBevestiging(KoppelpuntView):
    @extend_schema(
        operation_id="gebeurtenis_bevestigen",
        summary="Een gebeurtenis bevestigen: ze verdwijnt uit de lijst",
        parameters=[KOPPELPUNT, OpenApiParameter("gebeurtenis_id", OpenApiTypes.INT, OpenApiParameter.PATH)],
        request=None,
        responses={200: GebeurtenisSerializer, **FOUTEN},
    )
    def post(self, request, koppelpuntcode, gebeurtenis_id):
        try:
            gebeurtenis = services.bevestig_gebeurtenis(self.client.koppelpunt, gebeurtenis_id)
        except Gebeurtenis.DoesNotExist as e:
            raise exceptions.NotFound("Deze gebeurtenis bestaat niet bij dit koppelpunt.", code="onbekend") from e
        return Response(GebeurtenisSerializer(gebeurtenis).data)
