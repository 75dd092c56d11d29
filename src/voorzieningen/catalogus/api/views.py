from django.shortcuts import get_object_or_404
from django.utils import timezone

from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions, status
from rest_framework.authentication import BasicAuthentication, SessionAuthentication
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView

from voorzieningen.core.api import problem_responses

from .. import services
from .serializers import (
    ImportRunSerializer,
    MutatiesSerializer,
    OpleidingDetailSerializer,
    OpleidingSerializer,
    SyncSerializer,
    ZoekSerializer,
)


class OpleidingList(generics.ListAPIView):
    """Search the public catalogue (the same rules as the portal: active, CENTRAAL_AANMELDEN_MBO, whitelist)."""

    serializer_class = OpleidingSerializer

    @extend_schema(
        parameters=[ZoekSerializer],
        responses={
            200: OpleidingSerializer(many=True),
            **problem_responses({400: "Ongeldige zoekvraag; invalidParams noemt de parameter.", 404: "Geen pagina."}),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def list(self, request, *args, **kwargs):
        ids = self.paginate_queryset(self.get_queryset().values_list("pk", flat=True))
        return self.get_paginated_response(self.get_serializer(services.met_details(ids), many=True).data)

    def get_queryset(self):
        params = ZoekSerializer(data=self.request.query_params)
        params.is_valid(raise_exception=True)
        d = params.validated_data
        return services.zoek_opleidingen(
            services.Zoekvraag(
                tekst=d.get("q", ""),
                niveau=d.get("niveau"),
                leertraject=d.get("leertraject", ""),
                plaats=d.get("plaats", ""),
                inclusief_inactief=d.get("inactief", False),
            )
        )


class OpleidingDetail(generics.RetrieveAPIView):
    """One programme with its open cohorts (cohorts behind an access code are never listed here)."""

    serializer_class = OpleidingDetailSerializer
    lookup_field = "code"

    @extend_schema(
        responses={200: OpleidingDetailSerializer, **problem_responses({404: "Geen opleiding met deze code."})}
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_object(self):
        related = ("aanbieder__instelling", "locatie", "kwalificatie")
        opleiding = get_object_or_404(services.portal_opleidingen().select_related(*related), code=self.kwargs["code"])
        opleiding.open_cohorten = services.zichtbare_cohorten(opleiding, timezone.localdate(), set())
        return opleiding


class SyncView(APIView):
    @extend_schema(responses=SyncSerializer)
    def get(self, request):
        return Response(SyncSerializer({"laatste_sync": services.laatste_sync()}).data)


class MutatiesView(APIView):
    """Push RIO mutations near-realtime; applied at once, answered with the import run's counts and errors."""

    authentication_classes = [BasicAuthentication, SessionAuthentication]
    permission_classes = [permissions.IsAdminUser]
    parser_classes = [JSONParser]  # lists of rows cannot travel as form fields: only JSON, also in the document

    @extend_schema(
        request=MutatiesSerializer,
        responses={
            201: ImportRunSerializer,
            422: ImportRunSerializer,
            **problem_responses(
                {
                    400: "Ongeldige invoer; invalidParams noemt het veld.",
                    401: "Geen of onjuiste inloggegevens.",
                    403: "Alleen voor beheerders van het platform.",
                }
            ),
        },
    )
    def post(self, request):
        body = MutatiesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.import_mutations(body.validated_data["opleidingen"], body.validated_data["cohorten"])
        data = ImportRunSerializer(run).data
        return Response(data, status=status.HTTP_422_UNPROCESSABLE_ENTITY if run.uitkomst == "failed" else 201)
