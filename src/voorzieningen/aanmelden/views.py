"""The student's pages: login, choosing, the wizard, the overview, withdrawal, receipts, deletion."""

import functools
import logging

from django.contrib.auth import logout
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from voorzieningen.catalogus import services as catalogus
from voorzieningen.catalogus.models import AangebodenOpleiding, Cohort, Instelling
from voorzieningen.catalogus.views import SESSION_KEY as ONTGRENDELD_KEY
from voorzieningen.core import pogingen
from voorzieningen.core.csp import formulier_mag_naar
from voorzieningen.core.models import Land
from voorzieningen.core.overbelasting import is_overbelast
from voorzieningen.core.services import Actor, audit_read
from voorzieningen.identiteit.duo import DuoUnavailable
from voorzieningen.instellingen import services as instellingen

from . import adres as adresregels
from . import sbb, services, wachtrij
from .forms import (
    AdresForm,
    BevestigForm,
    ContactForm,
    InteressemeldingForm,
    LeerbedrijfZoekForm,
    OuderForm,
    RegistratiecodeForm,
    ToegangscodeStapForm,
)
from .models import Aanmelding, Concept, IngediendInWachtrij, Verstrekking

logger = logging.getLogger(__name__)

DUO_SESSION_KEY = "aanmelden_duo_opgehaald"
ZONDER_DIGID_KEY = "aanmelden_registratiecode_instelling"
DEEPLINK_PARAMS = {"cohort", "returnUrl", "direct"}


def ONBEKEND_CONCEPT():  # noqa: N802 — a message, translated when raised
    return _(
        "Deze aanmelding in wording bestaat niet (meer): ze is al ingediend, gestopt of van iemand anders. "
        "Kijk bij Mijn aanmeldingen of begin opnieuw bij de opleiding."
    )


def student_required(view):
    """Logged in through DigiD (a user with a BSN); anyone else is sent to the login page."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect(f"{reverse('aanmelden:inloggen')}?{urlencode({'next': request.get_full_path()})}")
        if not request.user.is_student:
            raise PermissionDenied(_("Deze pagina's zijn voor aanmelders die met DigiD zijn ingelogd."))
        request.aanmelder = services.aanmelder_voor(request.user)
        if request.aanmelder.taal != translation.get_language():
            request.aanmelder.taal = translation.get_language()
            request.aanmelder.save(update_fields=["taal"])
        return view(request, *args, **kwargs)

    return wrapper


def _bsn(request) -> str:
    return request.user.bsn or ""


def _zorg_voor_duo(request):
    """DUO is asked once per login; when it does not answer the student gets a retry page, the draft stays."""
    if request.session.get(DUO_SESSION_KEY) == request.user.pk and request.aanmelder.duo_opgehaald_op:
        return None
    try:
        services.haal_duo_gegevens(request.aanmelder, Actor.from_request(request))
    except DuoUnavailable:
        logger.warning("DUO niet bereikbaar bij ophalen gegevens")
        return render(request, "aanmelden/duo_onbereikbaar.html", {"opnieuw": request.get_full_path()}, status=503)
    except services.AanmeldenFout as e:
        return render(request, "aanmelden/fout.html", {"melding": str(e)}, status=404)
    request.session[DUO_SESSION_KEY] = request.user.pk
    return None


# --- login and choosing -------------------------------------------------------------------------------


@require_GET
def inloggen(request):
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = reverse("aanmelden:overzicht")
    return render(request, "aanmelden/inloggen.html", {"next": next_url})


@require_POST
def uitloggen(request):
    logout(request)
    return redirect("aanmelden:inloggen")


@require_GET
def kies_instelling(request):
    instellingen_qs = (
        Instelling.objects.filter(Exists(catalogus.portal_opleidingen().filter(aanbieder__instelling=OuterRef("pk"))))
        .order_by("naam")
        .only("brin", "naam", "plaats")
    )
    return render(request, "aanmelden/kies_instelling.html", {"instellingen": instellingen_qs})


@require_GET
def kies_opleiding(request, brin: str):
    instelling = get_object_or_404(Instelling, brin=brin)
    today = timezone.localdate()
    q = request.GET.get("q", "").strip()[:100]
    opleidingen = (
        catalogus.portal_opleidingen()
        .filter(aanbieder__instelling=instelling, actief=True)
        .filter(Exists(Cohort.objects.filter(catalogus.open_cohorts_q(today), opleiding=OuterRef("pk"))))
        .select_related("kwalificatie", "locatie")
        .order_by("wervingsnaam", "pk")
    )
    if q:
        opleidingen = opleidingen.filter(zoektekst__contains=q.lower())
    page = Paginator(opleidingen, 25).get_page(request.GET.get("pagina"))
    return render(request, "aanmelden/kies_opleiding.html", {"instelling": instelling, "page": page, "q": q})


def _deeplink_kenmerken(request) -> dict[str, str]:
    """Identifying attributes the institution put on the deeplink; passed on to the SIS and return links."""
    result = {}
    for key, value in request.GET.items():
        if key in DEEPLINK_PARAMS or len(result) >= services.MAX_KENMERKEN:
            continue
        if len(key) <= 50 and len(value) <= 200 and key.isprintable() and value.isprintable():
            result[key] = value
    return result


@require_GET
def start(request, code: str):
    """Entry into one programme: a deeplink from the institution's site, or the portal's own button."""
    opleiding = catalogus.portal_opleidingen().select_related("aanbieder__instelling").filter(code=code).first()
    if opleiding is None:
        raise Http404(_("Deze opleiding bestaat niet of wordt niet via Centraal Aanmelden aangeboden."))
    if not request.user.is_authenticated:
        return redirect(f"{reverse('aanmelden:inloggen')}?{urlencode({'next': request.get_full_path()})}")
    return _start_als_student(request, opleiding)


@student_required
def _start_als_student(request, opleiding: AangebodenOpleiding):
    today = timezone.localdate()
    ontgrendeld = set(request.session.get(ONTGRENDELD_KEY, []))
    cohorten = catalogus.zichtbare_cohorten(opleiding, today, ontgrendeld)
    # A cohort behind an access code may be named in the deeplink; the wizard then asks for the code.
    gevraagd = request.GET.get("cohort", "")
    cohort = None
    if gevraagd:
        cohort = next(
            (c for c in opleiding.cohorten.all() if c.code == gevraagd and catalogus.cohort_is_open(c, today)), None
        )
        if cohort is None:
            return render(
                request,
                "aanmelden/cohort_niet_open.html",
                {"opleiding": opleiding, "cohorten": cohorten, "query": request.GET.urlencode()},
                status=404,
            )
    elif len(cohorten) == 1:
        cohort = cohorten[0]
    if cohort is None:
        return render(
            request, "aanmelden/kies_cohort.html", {"opleiding": opleiding, "cohorten": cohorten, "query": request.GET}
        )
    via_deeplink = request.GET.get("direct") != "1"
    return_url = request.GET.get("returnUrl", "")
    if return_url:
        if not instellingen.return_url_toegestaan(opleiding, return_url):
            logger.warning(
                "returnUrl genegeerd: host niet in de toegestane domeinen van %s", opleiding.aanbieder.instelling.brin
            )
            return_url = ""
    concept = services.start_concept(
        request.aanmelder,
        cohort,
        via_deeplink=via_deeplink,
        return_url=return_url,
        kenmerken=_deeplink_kenmerken(request) if via_deeplink else {},
        ontgrendeld=cohort.pk in ontgrendeld,
    )
    return redirect("aanmelden:stap", token=concept.token, stap=services.stappen(concept)[0].slug)


# --- the wizard ------------------------------------------------------------------------------------------


def _concept(request, token) -> Concept:
    concept = (
        Concept.objects.select_related(
            "cohort__opleiding__aanbieder__instelling", "cohort__opleiding__kwalificatie", "cohort__opleiding__locatie"
        )
        .filter(token=token, aanmelder=request.aanmelder)
        .exclude(Exists(wachtrij.wachtend().filter(token=OuterRef("token"))))
        .first()
    )
    if concept is None:
        aanmelding = Aanmelding.objects.filter(indien_token=token, aanmelder=request.aanmelder).first()
        if aanmelding:  # back button after submitting: show what was submitted, never a second application
            raise _AlIngediend(aanmelding)
        if wachtrij.wachtend().filter(token=token, aanmelder=request.aanmelder).exists():
            raise _InVerwerking  # submitted under overload: what is processed must be what was submitted
        raise Http404(ONBEKEND_CONCEPT())
    return concept


class _AlIngediend(Exception):
    def __init__(self, aanmelding):
        self.aanmelding = aanmelding


class _InVerwerking(Exception):
    pass


def _landen():
    landen = list(Land.objects.exclude(einde__lt=timezone.localdate()).values_list("code", "omschrijving"))
    if not landen:
        return [(adresregels.NEDERLAND, "Nederland")]
    landen.sort(key=lambda x: (x[0] != adresregels.NEDERLAND, x[1]))
    return landen


def _volgende(concept: Concept, slug: str):
    alle = services.stappen(concept)
    slugs = [s.slug for s in alle]
    return redirect("aanmelden:stap", token=concept.token, stap=slugs[min(slugs.index(slug) + 1, len(slugs) - 1)])


@student_required
@require_http_methods(["GET", "POST"])
def stap(request, token, stap: str):
    try:
        concept = _concept(request, token)
    except _AlIngediend as e:
        return redirect("aanmelden:aanmelding", ca_keten_id=e.aanmelding.ca_keten_id)
    except _InVerwerking:
        return redirect("aanmelden:in-verwerking", token=token)
    alle = services.stappen(concept)
    slugs = [s.slug for s in alle]
    if stap not in slugs:
        raise Http404(_("Deze stap bestaat niet voor deze aanmelding."))
    # A step is reachable once every step before it is done (the summary says what is missing).
    index = slugs.index(stap)
    for eerder in slugs[:index]:
        if eerder not in concept.voltooide_stappen and eerder != "controleren":
            return redirect("aanmelden:stap", token=concept.token, stap=eerder)
    duo_antwoord = _zorg_voor_duo(request)
    if duo_antwoord is not None:
        return duo_antwoord
    aanmelder = request.aanmelder
    actor = Actor.from_request(request)
    context = {
        "concept": concept,
        "opleiding": concept.cohort.opleiding,
        "cohort": concept.cohort,
        "stappen": alle,
        "huidige": alle[index],
        "stapnummer": index + 1,
        "aantal_stappen": len(alle),
        "aanmelder": aanmelder,
    }
    handler = STAPPEN[stap]
    response = handler(request, concept, aanmelder, actor, context)
    if response.status_code == 200 and stap in {
        "persoonsgegevens",
        "ouders",
        "contact",
        "vooropleiding",
        "controleren",
    }:
        audit_read(actor, aanmelder, reason=f"Aanmelder bekijkt stap '{stap}'", subject=_bsn(request))
    return response


def _stap_persoonsgegevens(request, concept, aanmelder, actor, context):
    form = None
    if aanmelder.adres_geheim:
        landen = _landen()
        if request.method == "POST":
            form = AdresForm(request.POST, landen=landen)
            if form.is_valid():
                fouten = services.bewaar_handmatig_adres(aanmelder, form.cleaned_data, actor)
                if not fouten:
                    services.markeer_stap(concept, "persoonsgegevens")
                    return _volgende(concept, "persoonsgegevens")
        else:
            form = AdresForm(initial=aanmelder.handmatig_adres or {"land": adresregels.NEDERLAND}, landen=landen)
    elif request.method == "POST":
        services.markeer_stap(concept, "persoonsgegevens")
        return _volgende(concept, "persoonsgegevens")
    context.update(
        form=form,
        adres_tekst=adresregels.als_tekst(aanmelder.adres) if not aanmelder.adres_geheim else "",
        land=_landnaam(aanmelder.adres),
        leeftijd=services.leeftijd(aanmelder),
    )
    return render(request, "aanmelden/stap_persoonsgegevens.html", context, status=400 if form and form.errors else 200)


def _landnaam(adres):
    if not adres:
        return ""
    land = Land.objects.filter(code=adres.get("land")).values_list("omschrijving", flat=True).first()
    return land or adres.get("land", "")


def _stap_contact(request, concept, aanmelder, actor, context):
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            services.bewaar_contact(aanmelder, form.cleaned_data["email"], form.cleaned_data["telefoon"], actor)
            services.markeer_stap(concept, "contact")
            return _volgende(concept, "contact")
    else:
        form = ContactForm(initial={"email": aanmelder.email, "telefoon": aanmelder.telefoon})
    context["form"] = form
    return render(request, "aanmelden/stap_contact.html", context, status=400 if form.errors else 200)


def _stap_ouders(request, concept, aanmelder, actor, context):
    verplicht = services.is_minderjarig(aanmelder)
    fout = ""
    if request.method == "POST":
        forms = [OuderForm(request.POST, prefix=f"ouder{i}") for i in (1, 2)]
        if all(f.is_valid() for f in forms):
            ouders = [
                {k: f.cleaned_data[k] for k in ("naam", "email", "telefoon")}
                for f in forms
                if f.cleaned_data["ingevuld"]
            ]
            if verplicht and not ouders:
                fout = _("Je bent jonger dan 18. Vul minstens één ouder of verzorger in.")
            else:
                services.bewaar_ouders(aanmelder, ouders, actor)
                services.markeer_stap(concept, "ouders")
                return _volgende(concept, "ouders")
    else:
        bestaand = [o.as_dict() for o in aanmelder.ouders.all()]
        forms = [
            OuderForm(initial=bestaand[i] if i < len(bestaand) else None, prefix=f"ouder{i + 1}") for i in range(2)
        ]
    if fout:
        forms[0].add_error("naam", fout)
    context.update(forms=forms, verplicht=verplicht, fout=fout)
    heeft_fouten = bool(fout) or any(f.errors for f in forms)
    return render(request, "aanmelden/stap_ouders.html", context, status=400 if heeft_fouten else 200)


def _stap_vooropleiding(request, concept, aanmelder, actor, context):
    if request.method == "POST":
        services.markeer_stap(concept, "vooropleiding")
        return _volgende(concept, "vooropleiding")
    context["vooropleidingen"] = aanmelder.vooropleidingen
    return render(request, "aanmelden/stap_vooropleiding.html", context)


def _stap_leerbedrijf(request, concept, aanmelder, actor, context):
    crebo = concept.cohort.opleiding.kwalificatie.crebo
    fout = ""
    if request.method == "POST":
        keuze = request.POST.get("leerbedrijf", "")
        if not keuze:
            services.kies_leerbedrijf(concept, None)
            services.markeer_stap(concept, "leerbedrijf")
            return _volgende(concept, "leerbedrijf")
        try:
            leerbedrijf = sbb.client().leerbedrijf(crebo, keuze)
        except sbb.SbbUnavailable:
            fout = _("SBB is nu niet bereikbaar. Probeer het later opnieuw, of ga verder zonder leerbedrijf.")
        else:
            if leerbedrijf is None:
                fout = _("Dit leerbedrijf is niet door SBB erkend voor deze opleiding. Kies een ander leerbedrijf.")
            else:
                services.kies_leerbedrijf(concept, leerbedrijf.as_dict())
                services.markeer_stap(concept, "leerbedrijf")
                return _volgende(concept, "leerbedrijf")
    zoekform = LeerbedrijfZoekForm(request.GET or None)
    resultaten, sbb_fout = [], ""
    zoek = zoekform.cleaned_data if zoekform.is_bound and zoekform.is_valid() else {"zoek": "", "plaats": ""}
    try:
        resultaten = sbb.client().leerbedrijven(crebo, zoek=zoek["zoek"], plaats=zoek["plaats"], limit=20)
    except sbb.SbbUnavailable:
        sbb_fout = _(
            "SBB is nu niet bereikbaar, dus we kunnen geen leerbedrijven tonen. "  # noqa: ISC001
            "Probeer het later opnieuw of ga verder zonder leerbedrijf."
        )
    context.update(zoekform=zoekform, resultaten=resultaten, sbb_fout=sbb_fout, fout=fout, gekozen=concept.leerbedrijf)
    return render(request, "aanmelden/stap_leerbedrijf.html", context, status=400 if fout else 200)


def _stap_toegangscode(request, concept, aanmelder, actor, context):
    if concept.toegangscode_ok and request.method == "GET":
        form = None
    else:
        form = ToegangscodeStapForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if concept.toegangscode_ok and "toegangscode" not in request.POST:
            services.markeer_stap(concept, "toegangscode")
            return _volgende(concept, "toegangscode")
        sleutel = f"pogingen:toegangscode-wizard:{request.user.pk}"
        if pogingen.geblokkeerd(sleutel):
            form.add_error("toegangscode", pogingen.melding())
        elif form.is_valid():
            if services.controleer_toegangscode(concept, form.cleaned_data["toegangscode"]):
                services.markeer_stap(concept, "toegangscode")
                return _volgende(concept, "toegangscode")
            pogingen.mislukt(sleutel)
            form.add_error("toegangscode", _("Deze toegangscode klopt niet voor dit cohort. Controleer de code."))
    context["form"] = form
    return render(request, "aanmelden/stap_toegangscode.html", context, status=400 if form and form.errors else 200)


def _stap_controleren(request, concept, aanmelder, actor, context):
    context.update(
        ontbrekend=services.ontbrekend(concept),
        adres_tekst=adresregels.als_tekst(aanmelder.adres),
        land=_landnaam(aanmelder.adres),
        ouders=list(aanmelder.ouders.all()),
        leeftijd=services.leeftijd(aanmelder),
    )
    return render(request, "aanmelden/stap_controleren.html", context)


STAPPEN = {
    "persoonsgegevens": _stap_persoonsgegevens,
    "contact": _stap_contact,
    "ouders": _stap_ouders,
    "vooropleiding": _stap_vooropleiding,
    "leerbedrijf": _stap_leerbedrijf,
    "toegangscode": _stap_toegangscode,
    "controleren": _stap_controleren,
}


@student_required
@require_POST
def indienen(request, token):
    actor = Actor.from_request(request)
    try:
        uitkomst = wachtrij.dien_in(token, request.aanmelder, actor, overbelast=is_overbelast(request))
    except (services.CohortVol, services.CohortGesloten) as e:
        return _geweigerd(request, token, e, status=409)
    except services.Onvolledig:
        return redirect("aanmelden:stap", token=token, stap="controleren")
    except Aanmelding.DoesNotExist as e:
        raise Http404(ONBEKEND_CONCEPT()) from e
    if isinstance(uitkomst, IngediendInWachtrij):  # answered at once, without another query
        return render(request, "aanmelden/in_verwerking.html", {"record": uitkomst}, status=202)
    return redirect(f"{reverse('aanmelden:aanmelding', args=[uitkomst.ca_keten_id])}?nieuw=1")


@student_required
@require_GET
def in_verwerking(request, token):
    """Where a submit queued under overload stands; once it is an application, that page (with the receipt)."""
    record = IngediendInWachtrij.objects.filter(token=token, aanmelder=request.aanmelder).first()
    if record is None:
        raise Http404(_("Deze aanmelding bestaat niet of is niet van jou."))
    if record.uitkomst == IngediendInWachtrij.Uitkomst.INGEDIEND and record.aanmelding_id:
        ca_keten_id = Aanmelding.objects.filter(pk=record.aanmelding_id).values_list("ca_keten_id", flat=True).first()
        if ca_keten_id:
            return redirect("aanmelden:aanmelding", ca_keten_id=ca_keten_id)
    return render(request, "aanmelden/in_verwerking.html", {"record": record})


def _geweigerd(request, token, fout, status):
    concept = Concept.objects.select_related("cohort__opleiding__aanbieder").filter(token=token).first()
    fout_link = ""
    if concept and concept.via_deeplink:
        links = instellingen.retourlinks(concept.cohort.opleiding, concept.return_url)
        fout_link = instellingen.met_kenmerken(links.fout, {**concept.kenmerken, "resultaat": fout.code})
    context = {"melding": str(fout), "alternatieven": fout.context.get("alternatieven", []), "fout_link": fout_link}
    return render(request, "aanmelden/geweigerd.html", context, status=status)


@student_required
@require_http_methods(["GET", "POST"])
def stoppen(request, token):
    """Stop applying: the draft is removed; after a deeplink the student goes back to the school's site."""
    try:
        concept = _concept(request, token)
    except _AlIngediend as e:
        return redirect("aanmelden:aanmelding", ca_keten_id=e.aanmelding.ca_keten_id)
    except _InVerwerking:
        return redirect("aanmelden:in-verwerking", token=token)
    if request.method == "POST":
        fout_link = ""
        if concept.via_deeplink:
            links = instellingen.retourlinks(concept.cohort.opleiding, concept.return_url)
            fout_link = instellingen.met_kenmerken(links.fout, {**concept.kenmerken, "resultaat": "afgebroken"})
        concept.delete()
        if fout_link:
            return redirect(fout_link)
        return redirect("aanmelden:overzicht")
    response = render(request, "aanmelden/stoppen.html", {"concept": concept, "opleiding": concept.cohort.opleiding})
    if concept.via_deeplink:
        formulier_mag_naar(response, instellingen.retourlinks(concept.cohort.opleiding, concept.return_url).fout)
    return response


# --- after submitting -----------------------------------------------------------------------------------


def _eigen_aanmelding(request, ca_keten_id) -> Aanmelding:
    aanmelding = (
        Aanmelding.objects.select_related("opleiding__kwalificatie", "cohort", "instelling", "opleiding__aanbieder")
        .filter(ca_keten_id=ca_keten_id, aanmelder=request.aanmelder)
        .first()
    )
    if aanmelding is None:  # someone else's or unknown: the same answer, so ids cannot be probed
        raise Http404(_("Deze aanmelding bestaat niet of is niet van jou."))
    return aanmelding


@student_required
@require_GET
def overzicht(request):
    aanmelder = request.aanmelder
    aanmeldingen = list(
        aanmelder.aanmeldingen.select_related("opleiding", "cohort", "instelling").prefetch_related("statuswijzigingen")
    )
    tijdlijn = sorted(
        ((w, a) for a in aanmeldingen for w in a.statuswijzigingen.all()),
        key=lambda x: (x[0].tijdstip, x[0].pk),
        reverse=True,
    )
    alle_concepten = list(
        aanmelder.concepten.select_related("cohort__opleiding__aanbieder__instelling").order_by("-gewijzigd_op")
    )
    # submitted under overload and not processed yet: received, so no longer a draft to the student
    per_token = {c.token: c for c in alle_concepten}
    in_verwerking = [
        (r, per_token.get(r.token)) for r in wachtrij.wachtend().filter(aanmelder=aanmelder).order_by("ingediend_op")
    ]
    wachtend = {r.token for r, _c in in_verwerking}
    concepten = [c for c in alle_concepten if c.token not in wachtend]
    audit_read(
        Actor.from_request(request), aanmelder, reason="Aanmelder bekijkt zijn aanmeldingen", subject=_bsn(request)
    )
    return render(
        request,
        "aanmelden/overzicht.html",
        {
            "aanmelder": aanmelder,
            "aanmeldingen": aanmeldingen,
            "tijdlijn": tijdlijn,
            "concepten": concepten,
            "in_verwerking": in_verwerking,
        },
    )


@student_required
@require_GET
def aanmelding(request, ca_keten_id):
    aanmelding = _eigen_aanmelding(request, ca_keten_id)
    succes_link = ""
    if aanmelding.via_deeplink:
        links = instellingen.retourlinks(aanmelding.opleiding, aanmelding.return_url)
        succes_link = instellingen.met_kenmerken(
            links.succes, {**aanmelding.kenmerken, "caKetenId": str(aanmelding.ca_keten_id), "resultaat": "ingediend"}
        )
    audit_read(Actor.from_request(request), aanmelding, reason="Aanmelder bekijkt aanmelding", subject=_bsn(request))
    return render(
        request,
        "aanmelden/aanmelding.html",
        {
            "aanmelding": aanmelding,
            "nieuw": request.GET.get("nieuw") == "1",
            "succes_link": succes_link,
            "wijzigingen": aanmelding.statuswijzigingen.all(),
        },
    )


@student_required
@require_GET
def ontvangstbewijs_pdf(request, ca_keten_id):
    from .ontvangstbewijs import pdf

    aanmelding = _eigen_aanmelding(request, ca_keten_id)
    controle_url = request.build_absolute_uri(reverse("aanmelden:ontvangstbewijs-controleren"))
    inhoud = pdf(services.bewijs_van(aanmelding), aanmelding.ontvangstbewijs, controle_url)
    audit_read(Actor.from_request(request), aanmelding, reason="Ontvangstbewijs gedownload", subject=_bsn(request))
    response = HttpResponse(inhoud, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="ontvangstbewijs-{aanmelding.ca_keten_id}.pdf"'
    return response


@student_required
@require_http_methods(["GET", "POST"])
def intrekken(request, ca_keten_id):
    aanmelding = _eigen_aanmelding(request, ca_keten_id)
    form = BevestigForm(request.POST if request.method == "POST" else None)
    fout = ""
    if request.method == "POST" and form.is_valid():
        try:
            services.trek_in(aanmelding, request.aanmelder, Actor.from_request(request))
        except services.StatusNietToegestaan as e:
            fout = str(e)
        else:
            return redirect("aanmelden:aanmelding", ca_keten_id=aanmelding.ca_keten_id)
    if not aanmelding.is_intrekbaar and not fout:
        fout = _("Deze aanmelding heeft de eindstatus '%(status)s' en kan niet meer worden ingetrokken.") % {
            "status": aanmelding.get_status_display()
        }
    status = 409 if fout else (400 if form.errors else 200)
    return render(
        request, "aanmelden/intrekken.html", {"aanmelding": aanmelding, "form": form, "fout": fout}, status=status
    )


@student_required
@require_GET
def verstrekkingen(request):
    items = Verstrekking.objects.filter(aanmelder=request.aanmelder).select_related("aanmelding__opleiding")
    audit_read(
        Actor.from_request(request), request.aanmelder, reason="Aanmelder bekijkt verstrekkingen", subject=_bsn(request)
    )
    return render(request, "aanmelden/verstrekkingen.html", {"verstrekkingen": items})


@student_required
@require_GET
def mijn_gegevens(request):
    """Everything held about the student: as JSON or PDF (download) or as a printable page."""
    import json

    from django.http import HttpResponse

    from voorzieningen.core.services import audit_export
    from voorzieningen.privacy.inzage import alle_gegevens

    gegevens = alle_gegevens(request.aanmelder)
    audit_export(
        Actor.from_request(request),
        reason="Aanmelder downloadt zijn gegevens (inzageverzoek)",
        object_type="aanmelden.Aanmelder",
        object_id=str(request.aanmelder.pk),
        subject=_bsn(request),
    )
    if request.GET.get("formaat") == "json":
        response = HttpResponse(
            json.dumps(gegevens, ensure_ascii=False, indent=2), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = 'attachment; filename="mijn-gegevens.json"'
        response["Cache-Control"] = "no-store"
        return response
    if request.GET.get("formaat") == "pdf":
        from voorzieningen.privacy.inzage import als_pdf

        response = HttpResponse(als_pdf(gegevens, aangemaakt_op=timezone.localtime()), content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="mijn-gegevens.pdf"'
        response["Cache-Control"] = "no-store"
        return response
    response = render(request, "aanmelden/mijn_gegevens.html", {"gegevens": gegevens})
    response["Cache-Control"] = "no-store"
    return response


@student_required
@require_http_methods(["GET", "POST"])
def verwijderen(request):
    form = BevestigForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        services.verwijder_omgeving(request.aanmelder, Actor.from_request(request))
        logout(request)
        return render(request, "aanmelden/verwijderd.html")
    return render(
        request,
        "aanmelden/verwijderen.html",
        {"form": form, "aantal": request.aanmelder.aanmeldingen.count()},
        status=400 if form.errors else 200,
    )


# --- without DigiD: interessemelding ---------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def zonder_digid(request):
    form = RegistratiecodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        sleutel = pogingen.sessie_sleutel(request, "registratiecode")
        if pogingen.geblokkeerd(sleutel):
            form.add_error("registratiecode", pogingen.melding())
        elif form.is_valid():
            instelling = instellingen.vind_instelling_met_registratiecode(form.cleaned_data["registratiecode"])
            if instelling:
                request.session[ZONDER_DIGID_KEY] = instelling.pk
                return redirect("aanmelden:interessemelding")
            pogingen.mislukt(sleutel)
            form.add_error(
                "registratiecode",
                _("Deze registratiecode kennen we niet. Controleer de code die je van de school kreeg."),
            )
    return render(request, "aanmelden/zonder_digid.html", {"form": form}, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def interessemelding(request):
    instelling = Instelling.objects.filter(pk=request.session.get(ZONDER_DIGID_KEY)).first()
    if instelling is None:
        return redirect("aanmelden:zonder-digid")
    opleidingen = {
        str(o.pk): o
        for o in catalogus.portal_opleidingen()
        .filter(aanbieder__instelling=instelling, actief=True)
        .order_by("wervingsnaam")[:500]
    }
    keuzes = [(pk, f"{o.wervingsnaam} ({o.leertraject})") for pk, o in opleidingen.items()]
    form = InteressemeldingForm(request.POST if request.method == "POST" else None, opleidingen=keuzes)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data["opleiding"] = opleidingen.get(data.pop("opleiding") or "")
        services.maak_interessemelding(instelling, data, Actor.from_request(request))
        del request.session[ZONDER_DIGID_KEY]
        return render(request, "aanmelden/interessemelding_ontvangen.html", {"instelling": instelling})
    return render(
        request,
        "aanmelden/interessemelding.html",
        {"form": form, "instelling": instelling},
        status=400 if form.errors else 200,
    )
