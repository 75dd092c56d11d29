"""The institution admin environment (/beheer/): personal accounts with 2FA, settings, logs, statistics.

Every query is scoped to the admin's own institution; an id from another institution is a 404.
"""

import csv
import re
import secrets
import uuid
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import HttpResponseForbidden, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from two_factor.utils import default_device
from two_factor.views import LoginView, QRGeneratorView, SetupView

from voorzieningen.aanmelden.models import Aanmelding
from voorzieningen.catalogus.models import AangebodenOpleiding, Cohort
from voorzieningen.core.services import Actor, audit_change, audit_export, audit_read
from voorzieningen.core.sleutels import hash_van
from voorzieningen.sis import services as sis
from voorzieningen.sis.models import Aanlevering, Koppelpunt, SisLogregel

from . import services
from .forms import (
    AanmeldingFilterForm,
    AccountAanmakenForm,
    AfstemmingForm,
    AlgemeenForm,
    CohortForm,
    DeeplinkForm,
    KoppelpuntForm,
    PeriodeForm,
    RetourlinksForm,
)
from .models import Instellingsconfiguratie, OpleidingRetourlinks

PER_PAGINA = 50


# --- access ------------------------------------------------------------------------------------------


def beheer_vereist(view):
    """Only a verified (password + TOTP) admin of an institution; the institution goes on the request."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('beheer:inloggen')}?{urlencode({'next': request.get_full_path()})}")
        beheerder = services.beheerder_van(request.user)
        if beheerder is None:
            return HttpResponseForbidden(
                _(
                    "Deze pagina is alleen voor beheerders van een instelling. Log uit en log in met je persoonlijke "
                    "beheeraccount; heb je er geen, vraag de servicedesk van de coöperatie om een uitnodiging."
                )
            )
        if not request.user.is_verified():
            if default_device(request.user) is None:
                return redirect("beheer:2fa-instellen")
            logout(request)
            return redirect("beheer:inloggen")
        request.beheerder = beheerder
        request.instelling = beheerder.instelling
        return view(request, *args, **kwargs)

    return wrapper


class BeheerLoginView(LoginView):
    """django-two-factor-auth's login: password (axes counts failures), then the TOTP code."""

    template_name = "instellingen/inloggen.html"
    redirect_authenticated_user = False

    def get_redirect_url(self):
        user = self.request.user
        if user.is_authenticated and not user.is_verified():
            return reverse("beheer:2fa-instellen")  # no device yet: set one up first
        return super().get_redirect_url() or reverse("beheer:start")


class BeheerSetupView(SetupView):
    template_name = "instellingen/2fa_instellen.html"
    success_url = "beheer:start"
    qrcode_url = "beheer:2fa-qr"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated or services.beheerder_van(request.user) is None:
            return redirect("beheer:inloggen")
        return super().dispatch(request, *args, **kwargs)

    def get_form(self, *args, **kwargs):
        form = super().get_form(*args, **kwargs)
        if "token" in form.fields:
            form.fields["token"].widget.input_type = "text"
            form.fields["token"].widget.attrs.update(
                {"class": "utrecht-textbox utrecht-textbox--html-input", "autocomplete": "one-time-code"}
            )
        return form

    def done(self, form_list, **kwargs):
        response = super().done(form_list, **kwargs)
        audit_change(Actor.from_request(self.request), self.request.user, reason="Tweestapsverificatie ingesteld")
        messages.success(self.request, _("Tweestapsverificatie is ingesteld. Je bent ingelogd."))
        return response


class BeheerQRView(QRGeneratorView):
    pass


def uitnodiging(request, token):
    """Accept an invitation: choose a password, then set up 2FA. An expired link says how to get a new one."""
    uitnodiging = services.uitnodiging_voor(token)
    if uitnodiging is None:
        return render(request, "instellingen/uitnodiging_ongeldig.html", {"reden": "onbekend"}, status=404)
    if not services.is_bruikbaar(uitnodiging):
        if request.method == "POST" and request.POST.get("actie") == "nieuwe-link" and uitnodiging.gebruikt_op is None:
            services.vraag_nieuwe_link(uitnodiging)
            return render(request, "instellingen/uitnodiging_ongeldig.html", {"reden": "gevraagd", "u": uitnodiging})
        reden = "gebruikt" if uitnodiging.gebruikt_op else "verlopen"
        return render(request, "instellingen/uitnodiging_ongeldig.html", {"reden": reden, "u": uitnodiging}, status=410)
    form = AccountAanmakenForm(request.POST or None, email=uitnodiging.email)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.accepteer(uitnodiging, form.cleaned_data["wachtwoord"])
        except (services.TeveelBeheerders, services.UitnodigingOngeldig) as fout:
            form.add_error(None, str(fout))
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            return redirect("beheer:2fa-instellen")
    return render(request, "instellingen/uitnodiging.html", {"form": form, "u": uitnodiging})


@require_POST
def uitloggen(request):
    logout(request)
    messages.info(request, _("Je bent uitgelogd."))
    return redirect("beheer:inloggen")


# --- start --------------------------------------------------------------------------------------------


@beheer_vereist
def start(request):
    instelling = request.instelling
    aanmeldingen = Aanmelding.objects.filter(instelling=instelling)
    context = {
        "totaal": aanmeldingen.count(),
        "niet_opgehaald": aanmeldingen.filter(aanlevering__opgehaald_op__isnull=True).count(),
        "met_fouten": aanmeldingen.exclude(aanlevering__foutmelding="").filter(aanlevering__isnull=False).count(),
        "beheerders": instelling.beheerders.filter(user__is_active=True).select_related("user"),
    }
    return render(request, "instellingen/start.html", context)


# --- applications ------------------------------------------------------------------------------------


def _opleidingen(instelling):
    return (
        AangebodenOpleiding.objects.filter(aanbieder__instelling=instelling)
        .select_related("kwalificatie")
        .order_by("wervingsnaam", "pk")
    )


def _gefilterd(instelling, form):
    qs = Aanmelding.objects.filter(instelling=instelling)
    if not form.is_valid():  # the form shows its errors; the list stays unfiltered
        return qs
    d = form.cleaned_data
    if d["q"]:
        q = d["q"].strip()
        voorwaarde = Q(keten_id=q) | Q(gegevens__persoon__achternaam__icontains=q)
        try:
            voorwaarde |= Q(ca_keten_id=uuid.UUID(q))
        except ValueError:
            pass
        qs = qs.filter(voorwaarde)
    if d["status"]:
        qs = qs.filter(status=d["status"])
    if d["opleiding"]:
        qs = qs.filter(opleiding_id=d["opleiding"])
    if d["cohort"]:
        qs = qs.filter(cohort__code=d["cohort"].strip())
    if d["foutmeldingen"]:
        qs = qs.filter(aanlevering__isnull=False).exclude(aanlevering__foutmelding="")
    if d["niet_opgehaald"]:
        qs = qs.filter(aanlevering__opgehaald_op__isnull=True)
    if d["van"]:
        qs = qs.filter(ingediend_op__date__gte=d["van"])
    if d["tot"]:
        qs = qs.filter(ingediend_op__date__lte=d["tot"])
    return qs


@beheer_vereist
def aanmeldingen(request):
    instelling = request.instelling
    form = AanmeldingFilterForm(request.GET or None, opleidingen=_opleidingen(instelling))
    qs = _gefilterd(instelling, form)
    qs = qs.select_related("opleiding__kwalificatie", "cohort", "aanlevering__koppelpunt").order_by(
        "-ingediend_op", "-pk"
    )
    pagina = Paginator(qs, PER_PAGINA).get_page(request.GET.get("pagina"))
    ids = [a.pk for a in pagina]
    if ids:  # names are personal data: which rows were shown is in the trail
        audit_read(
            Actor.from_request(request),
            object_type="aanmelden.Aanmelding",
            object_id=",".join(map(str, ids)),
            reason="Aanmeldingenoverzicht instellingsbeheer",
            instelling=instelling.brin,
        )
    filters = request.GET.copy()
    filters.pop("pagina", None)
    context = {
        "form": form,
        "pagina": pagina,
        "filters": filters.urlencode(),
        "periode_form": PeriodeForm(instelling=instelling),
    }
    return render(request, "instellingen/aanmeldingen.html", context)


def _eigen_aanmelding(request, pk) -> Aanmelding:
    return get_object_or_404(
        Aanmelding.objects.select_related("opleiding__kwalificatie", "cohort", "onderwijsaanbieder"),
        pk=pk,
        instelling=request.instelling,
    )


@beheer_vereist
def aanmelding(request, pk):
    aanmelding = _eigen_aanmelding(request, pk)
    aanlevering = Aanlevering.objects.select_related("koppelpunt").filter(aanmelding=aanmelding).first()
    audit_read(
        Actor.from_request(request),
        aanmelding,
        reason="Aanmelding bekeken in instellingsbeheer",
        subject=aanmelding.bsn,
    )
    context = {
        "a": aanmelding,
        "aanlevering": aanlevering,
        "historie": aanmelding.statuswijzigingen.order_by("tijdstip", "pk"),
        "log": SisLogregel.objects.filter(aanmelding=aanmelding).select_related("koppelpunt"),
        "herplaatsbaar": aanlevering is not None
        and sis.herplaatsbaar(Aanlevering.objects.filter(pk=aanlevering.pk)).exists(),
    }
    return render(request, "instellingen/aanmelding.html", context)


@beheer_vereist
@require_POST
def opnieuw_klaarzetten(request, pk):
    aanmelding = _eigen_aanmelding(request, pk)
    qs = sis.herplaatsbaar(Aanlevering.objects.filter(aanmelding=aanmelding))
    if sis.zet_terug_in_wachtrij(qs, door=_door(request)):
        audit_change(Actor.from_request(request), aanmelding, reason="Opnieuw klaargezet voor de SIS")
        messages.success(request, _("De aanmelding staat opnieuw klaar; de SIS haalt haar bij de volgende ronde op."))
    else:
        messages.error(
            request, _("Deze aanmelding kan niet opnieuw worden klaargezet: ze is ouder dan een jaar of verwijderd.")
        )
    return redirect("beheer:aanmelding", pk=aanmelding.pk)


@beheer_vereist
@require_POST
def periode_klaarzetten(request):
    form = PeriodeForm(request.POST, instelling=request.instelling)
    if not form.is_valid():
        for fouten in form.errors.values():
            for fout in fouten:
                messages.error(request, fout)
        return redirect("beheer:aanmeldingen")
    d = form.cleaned_data
    aantal = sis.zet_periode_terug(d["koppelpunt"], d["van"], d["tot"], door=_door(request))
    audit_change(
        Actor.from_request(request),
        d["koppelpunt"],
        reason="Periode opnieuw klaargezet voor de SIS",
        van=d["van"].isoformat(),
        tot=d["tot"].isoformat(),
        aantal=aantal,
    )
    messages.success(request, _("%(n)d aanmelding(en) opnieuw klaargezet.") % {"n": aantal})
    return redirect("beheer:aanmeldingen")


def _door(request) -> str:
    return f"{request.user.get_full_name() or request.user.username} (instellingsbeheer)"


class _Echo:
    def write(self, value):
        return value


EXPORT_KOLOMMEN = [
    "caKetenId",
    "ketenId",
    "status",
    "statusGewijzigdOp",
    "ingediendOp",
    "crebo",
    "opleiding",
    "leertraject",
    "cohort",
    "begindatum",
    "koppelpunt",
    "opgehaaldOp",
    "bevestigdOp",
    "foutmelding",
    "achternaam",
    "voorvoegsel",
    "voornamen",
    "geboortedatum",
]


def _export_rijen(qs):
    schrijver = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + schrijver.writerow(EXPORT_KOLOMMEN)  # BOM: Excel opens UTF-8 correctly
    for a in qs.iterator(chunk_size=2000):
        persoon = (a.get("gegevens") or {}).get("persoon") or {}
        yield schrijver.writerow(
            [
                a["ca_keten_id"],
                a["keten_id"],
                a["status"],
                a["status_gewijzigd_op"].isoformat(),
                a["ingediend_op"].isoformat(),
                a["crebo"],
                a["opleiding__wervingsnaam"],
                a["leertraject"],
                a["cohort__code"],
                a["cohort__begindatum"].isoformat(),
                a["aanlevering__koppelpunt__code"] or "",
                a["aanlevering__opgehaald_op"].isoformat() if a["aanlevering__opgehaald_op"] else "",
                a["aanlevering__bevestigd_op"].isoformat() if a["aanlevering__bevestigd_op"] else "",
                (a["aanlevering__foutmelding"] or "").replace("\n", " "),
                persoon.get("achternaam", ""),
                persoon.get("voorvoegsel", ""),
                persoon.get("voornamen", ""),
                persoon.get("geboortedatum", ""),
            ]
        )


@beheer_vereist
def export(request):
    """All the institution's applications (or the filtered ones), streamed so 100,000 rows need no memory."""
    form = AanmeldingFilterForm(request.GET or None, opleidingen=_opleidingen(request.instelling))
    qs = _gefilterd(request.instelling, form)
    qs = qs.order_by("ingediend_op", "pk").values(
        "ca_keten_id",
        "keten_id",
        "status",
        "status_gewijzigd_op",
        "ingediend_op",
        "crebo",
        "opleiding__wervingsnaam",
        "leertraject",
        "cohort__code",
        "cohort__begindatum",
        "aanlevering__koppelpunt__code",
        "aanlevering__opgehaald_op",
        "aanlevering__bevestigd_op",
        "aanlevering__foutmelding",
        "gegevens",
    )
    audit_export(
        Actor.from_request(request),
        reason="CSV-export aanmeldingen voor afstemming",
        object_type="aanmelden.Aanmelding",
        instelling=request.instelling.brin,
        filters=request.GET.urlencode(),
    )
    naam = f"aanmeldingen-{request.instelling.brin}-{timezone.localdate():%Y%m%d}.csv"
    response = StreamingHttpResponse(_export_rijen(qs), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{naam}"'
    return response


# --- settings ----------------------------------------------------------------------------------------


def _configuratie(instelling) -> Instellingsconfiguratie:
    configuratie, _created = Instellingsconfiguratie.objects.get_or_create(instelling=instelling)
    return configuratie


@beheer_vereist
def instellingen(request):
    instelling = request.instelling
    configuratie = _configuratie(instelling)
    form = AlgemeenForm(
        request.POST or None, instance=configuratie, initial={"whitelist_actief": instelling.whitelist_actief}
    )
    if request.method == "POST" and form.is_valid():
        form.save()
        instelling.whitelist_actief = form.cleaned_data["whitelist_actief"]
        instelling.save(update_fields=["whitelist_actief"])
        audit_change(
            Actor.from_request(request), configuratie, reason="Instellingen gewijzigd", velden=form.changed_data
        )
        messages.success(request, _("De instellingen zijn opgeslagen."))
        return redirect("beheer:instellingen")
    koppelpunten = Koppelpunt.objects.filter(instelling=instelling).prefetch_related("aanbieders", "sleutels")
    return render(request, "instellingen/instellingen.html", {"form": form, "koppelpunten": koppelpunten})


def _eigen_koppelpunt(request, pk) -> Koppelpunt:
    return get_object_or_404(Koppelpunt, pk=pk, instelling=request.instelling)


@beheer_vereist
def koppelpunt(request, pk=None):
    instelling = request.instelling
    kp = _eigen_koppelpunt(request, pk) if pk else Koppelpunt(instelling=instelling, geldig_vanaf=timezone.now())
    form = KoppelpuntForm(request.POST or None, instance=kp, instelling=instelling)
    if request.method == "POST" and form.is_valid():
        nieuw = kp.pk is None
        kp = form.save(commit=False)
        if kp.webhook_url and not kp.webhook_geheim:  # the SIS checks our HMAC signature with it
            kp.webhook_geheim = secrets.token_urlsafe(32)
        kp.save()
        form.save_m2m()
        audit_change(
            Actor.from_request(request), kp, reason="Koppelpunt opgeslagen", created=nieuw, velden=form.changed_data
        )
        messages.success(request, _("Koppelpunt %(code)s is opgeslagen.") % {"code": kp.code})
        return redirect("beheer:koppelpunt", pk=kp.pk)
    sleutels = kp.sleutels.order_by("-aangemaakt_op") if kp.pk else []
    return render(request, "instellingen/koppelpunt.html", {"form": form, "kp": kp, "sleutels": sleutels})


@beheer_vereist
@require_POST
def koppelpunt_sleutel(request, pk):
    """Rotation: a new key (shown once); 'intrekken' revokes all others after the SIS switched."""
    kp = _eigen_koppelpunt(request, pk)
    actor = Actor.from_request(request)
    if request.POST.get("actie") == "intrekken":
        behalve = request.POST.get("behalve", "")
        behalve_sleutel = int(behalve) if re.fullmatch(r"[0-9]{1,18}", behalve) else None  # isdigit() takes '²'
        aantal = sis.trek_sleutels_in(kp, behalve_sleutel=behalve_sleutel)
        audit_change(actor, kp, reason="API-sleutels ingetrokken", aantal=aantal)
        messages.success(request, _("%(n)d sleutel(s) ingetrokken.") % {"n": aantal})
        return redirect("beheer:koppelpunt", pk=kp.pk)
    sleutel = sis.maak_sleutel(kp)
    rij = kp.sleutels.get(sleutel_hash=hash_van(sleutel))
    audit_change(actor, kp, reason="Nieuwe API-sleutel gemaakt", prefix=rij.prefix)
    response = render(request, "instellingen/sleutel.html", {"kp": kp, "sleutel": sleutel, "rij": rij})
    response["Cache-Control"] = "no-store"  # the secret must not stay in a browser cache
    return response


@beheer_vereist
def opleidingen(request):
    instelling = request.instelling
    qs = _opleidingen(instelling).filter(actief=True)
    whitelist = set(instelling.whitelist.values_list("pk", flat=True))
    if request.method == "POST":
        gekozen = {int(p) for p in request.POST.getlist("whitelist") if re.fullmatch(r"[0-9]{1,18}", p)}
        geldig = set(qs.filter(pk__in=gekozen).values_list("pk", flat=True))
        zichtbaar = set(qs.values_list("pk", flat=True))
        instelling.whitelist.remove(*(whitelist & zichtbaar - geldig))
        instelling.whitelist.add(*geldig)
        audit_change(Actor.from_request(request), instelling, reason="Whitelist gewijzigd", aantal=len(geldig))
        messages.success(request, _("De whitelist is opgeslagen."))
        return redirect("beheer:opleidingen")
    pagina = Paginator(qs, 100).get_page(request.GET.get("pagina"))
    return render(request, "instellingen/opleidingen.html", {"pagina": pagina, "whitelist": whitelist})


@beheer_vereist
def opleiding(request, pk):
    instelling = request.instelling
    opleiding = get_object_or_404(
        _opleidingen(instelling).prefetch_related(
            Prefetch("cohorten", queryset=Cohort.objects.order_by("begindatum", "code"))
        ),
        pk=pk,
    )
    links, _created = OpleidingRetourlinks.objects.get_or_create(opleiding=opleiding)
    retour_form = RetourlinksForm(request.POST if request.POST.get("formulier") == "retour" else None, instance=links)
    if retour_form.is_bound and retour_form.is_valid():
        retour_form.save()
        audit_change(Actor.from_request(request), links, reason="Retourlinks opleiding gewijzigd")
        messages.success(request, _("De retourlinks zijn opgeslagen."))
        return redirect("beheer:opleiding", pk=opleiding.pk)
    cohorten = list(opleiding.cohorten.all())
    cohort_forms = []
    for cohort in cohorten:
        bound = request.POST.get("formulier") == f"cohort-{cohort.pk}"
        form = CohortForm(request.POST if bound else None, instance=cohort, prefix=f"c{cohort.pk}")
        if bound and form.is_valid():
            cohort = form.save(commit=False)
            cohort.door_instelling_ingesteld = True
            cohort.save(update_fields=["toegangscode", "capaciteit", "door_instelling_ingesteld"])
            audit_change(Actor.from_request(request), cohort, reason="Cohort gewijzigd", velden=form.changed_data)
            messages.success(request, _("Cohort %(code)s is opgeslagen.") % {"code": cohort.code})
            return redirect("beheer:opleiding", pk=opleiding.pk)
        cohort_forms.append((cohort, form))
    configuratie = _configuratie(instelling)
    deeplink_form = DeeplinkForm(request.GET or None, cohorten=cohorten, domeinen=configuratie.domeinen)
    deeplink = _deeplink(request, opleiding, deeplink_form)
    context = {
        "o": opleiding,
        "retour_form": retour_form,
        "cohort_forms": cohort_forms,
        "deeplink_form": deeplink_form,
        "deeplink": deeplink,
        "op_whitelist": instelling.whitelist.filter(pk=opleiding.pk).exists(),
    }
    return render(request, "instellingen/opleiding.html", context)


def _deeplink(request, opleiding, form) -> str:
    """The link an institution puts on its own website: programme, optional cohort and return address."""
    params = {}
    if form.is_bound and form.is_valid():
        if form.cleaned_data["cohort"]:
            params["cohort"] = form.cleaned_data["cohort"]
        if form.cleaned_data["return_url"]:
            params["returnUrl"] = form.cleaned_data["return_url"]
    elif form.is_bound:
        return ""
    url = settings.PUBLIC_BASE_URL + reverse("aanmelden:start", args=[opleiding.code])
    return f"{url}?{urlencode(params)}" if params else url


# --- reconciliation, statistics, analytics -----------------------------------------------------------


@beheer_vereist
def afstemming(request):
    from . import afstemming as afst

    form = AfstemmingForm(request.POST or None, request.FILES or None)
    resultaat = fout = None
    if request.method == "POST" and form.is_valid():
        try:
            inlezing = afst.lees_export(form.cleaned_data["bestand"])
        except afst.ExportFout as e:
            fout = e.messages[0]
        else:
            resultaat = afst.vergelijk(request.instelling, inlezing)
            audit_read(
                Actor.from_request(request),
                object_type="aanmelden.Aanmelding",
                reason="Afstemming met SIS-export",
                instelling=request.instelling.brin,
            )
            if form.cleaned_data["als_csv"]:  # nothing is kept between requests: the upload is the state
                response = StreamingHttpResponse(afst.als_csv(resultaat), content_type="text/csv; charset=utf-8")
                response["Content-Disposition"] = 'attachment; filename="verschillen.csv"'
                return response
    return render(request, "instellingen/afstemming.html", {"form": form, "resultaat": resultaat, "fout": fout})


def _schooljaren(instelling) -> list[int]:
    return sorted(
        set(Aanmelding.objects.filter(instelling=instelling).values_list("schooljaar", flat=True).distinct()),
        reverse=True,
    )


def _gekozen_jaar(request, jaren) -> int | None:
    gevraagd = request.GET.get("schooljaar", "")
    if re.fullmatch(r"[0-9]{4}", gevraagd) and int(gevraagd) in jaren:  # not isdigit(): '²' would crash int()
        return int(gevraagd)
    return jaren[0] if jaren else None


@beheer_vereist
def statistieken(request):
    from . import statistiek

    jaren = _schooljaren(request.instelling)
    jaar = _gekozen_jaar(request, jaren)
    cijfers = statistiek.statistiek(request.instelling, schooljaar=jaar)
    context = {
        "cijfers": cijfers,
        "jaren": jaren,
        "jaar": jaar,
        "status_staven": _staven(cijfers.per_status),
        "opleiding_staven": _staven(cijfers.per_opleiding, max_punten=25),
        "week_kolommen": _kolommen(cijfers.per_week),
    }
    return render(request, "instellingen/statistieken.html", context)


STAAF_LENGTE, KOLOM_HOOGTE, GRAFIEK_BREEDTE = 320, 160, 640


def _staven(reeks, max_punten=None) -> dict:
    """Geometry of a horizontal bar chart (drawn as SVG on the server, so it works without JavaScript)."""
    punten = reeks.punten[:max_punten] if max_punten else reeks.punten
    staven = [
        {"y": i * 22, "lengte": round(p.fractie * STAAF_LENGTE), "label": p.label, "cel": p.cel}
        for i, p in enumerate(punten)
    ]
    return {"titel": reeks.titel, "staven": staven, "hoogte": max(len(staven), 1) * 22}


def _kolommen(reeks) -> dict:
    n = max(len(reeks.punten), 1)
    breedte = GRAFIEK_BREEDTE / n
    kolommen = [
        {
            "x": round(i * breedte, 1),
            "breedte": round(max(breedte - 2, 1), 1),
            "hoogte": round(p.fractie * KOLOM_HOOGTE),
            "y": KOLOM_HOOGTE - round(p.fractie * KOLOM_HOOGTE),
            "label": p.label,
            "cel": p.cel,
        }
        for i, p in enumerate(reeks.punten)
    ]
    return {"titel": reeks.titel, "kolommen": kolommen}


@beheer_vereist
def meervoudig(request):
    from . import statistiek

    jaren = _schooljaren(request.instelling)
    jaar = _gekozen_jaar(request, jaren)
    analyse = statistiek.meervoud_analyse(request.instelling, jaar) if jaar else None
    return render(request, "instellingen/meervoudig.html", {"analyse": analyse, "jaren": jaren, "jaar": jaar})
