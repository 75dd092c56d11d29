"""The student's application environment and the applications (aanmeldingen) it submits."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .statussen import Status


class Aanmelder(models.Model):
    """A student's environment: DUO data fetched at login, contact details, guardians, drafts.

    The registered address is never stored when DUO marks it secret: only the address the student typed.
    """

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="aanmelder")
    persoon = models.JSONField(_("persoonsgegevens (DUO)"), default=dict, blank=True)
    vooropleidingen = models.JSONField(_("vooropleidingen (DUO)"), default=list, blank=True)
    duo_opgehaald_op = models.DateTimeField(_("bij DUO opgehaald op"), null=True, blank=True)
    adres_geheim = models.BooleanField(_("adres bij DUO geheim"), default=False)
    handmatig_adres = models.JSONField(_("zelf ingevoerd adres"), null=True, blank=True)
    email = models.EmailField(_("e-mailadres"), max_length=254, blank=True)
    telefoon = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    taal = models.CharField(_("taal"), max_length=8, default="nl")
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    laatst_actief_op = models.DateTimeField(auto_now=True, db_index=True)
    verwijderwaarschuwing_op = models.DateTimeField(
        _("waarschuwing vóór verwijderen verstuurd op"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("aanmelder")
        verbose_name_plural = _("aanmelders")

    def __str__(self):
        return f"aanmelder {self.pk}"

    @property
    def naam(self) -> str:
        p = self.persoon
        return " ".join(x for x in (p.get("voornamen"), p.get("voorvoegsel"), p.get("achternaam")) if x)

    @property
    def adres(self) -> dict | None:
        """The address used and delivered: the typed one when DUO's is secret."""
        if self.adres_geheim:
            return self.handmatig_adres
        return self.persoon.get("adres")


class Ouder(models.Model):
    """Parent or guardian (no distinction father/mother/guardian); mandatory under 18."""

    aanmelder = models.ForeignKey(Aanmelder, models.CASCADE, related_name="ouders")
    naam = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"), blank=True)
    telefoon = models.CharField(_("telefoonnummer"), max_length=20)

    class Meta:
        verbose_name = _("ouder/verzorger")
        verbose_name_plural = _("ouders/verzorgers")
        ordering = ["pk"]

    def __str__(self):
        return self.naam

    def as_dict(self) -> dict:
        return {"naam": self.naam, "email": self.email, "telefoon": self.telefoon}


class Concept(models.Model):
    """An application being filled in. Kept in the database so a DUO outage or a closed tab loses nothing.

    Its token is the idempotency key of the submit: a second submit of the same concept finds the
    application the first one created.
    """

    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    aanmelder = models.ForeignKey(Aanmelder, models.CASCADE, related_name="concepten")
    cohort = models.ForeignKey("catalogus.Cohort", models.CASCADE, related_name="+")
    voltooide_stappen = models.JSONField(default=list, blank=True)
    leerbedrijf = models.JSONField(null=True, blank=True)
    toegangscode_ok = models.BooleanField(default=False)
    via_deeplink = models.BooleanField(default=False)
    return_url = models.CharField(max_length=500, blank=True)
    kenmerken = models.JSONField(_("kenmerken uit de deeplink"), default=dict, blank=True)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    gewijzigd_op = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("concept-aanmelding")
        verbose_name_plural = _("concept-aanmeldingen")

    def __str__(self):
        return f"concept {self.token}"


class Aanmelding(models.Model):
    """A submitted application with its two chain ids and the snapshot delivered to the SIS."""

    ca_keten_id = models.UUIDField(_("caKetenId"), default=uuid.uuid4, unique=True, editable=False)
    keten_id = models.CharField(_("ketenId"), max_length=10, unique=True, editable=False)
    indien_token = models.UUIDField(unique=True, editable=False)
    aanmelder = models.ForeignKey(Aanmelder, models.SET_NULL, null=True, blank=True, related_name="aanmeldingen")
    # Denormalised so statistics and the SIS queue survive catalogue changes and anonymisation.
    cohort = models.ForeignKey("catalogus.Cohort", models.PROTECT, related_name="aanmeldingen")
    opleiding = models.ForeignKey("catalogus.AangebodenOpleiding", models.PROTECT, related_name="aanmeldingen")
    onderwijsaanbieder = models.ForeignKey("catalogus.Onderwijsaanbieder", models.PROTECT, related_name="+")
    instelling = models.ForeignKey("catalogus.Instelling", models.PROTECT, related_name="aanmeldingen")
    crebo = models.CharField(_("crebo"), max_length=5)
    leertraject = models.CharField(_("leertraject"), max_length=8)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    ingediend_op = models.DateTimeField(_("ingediend op"), db_index=True)
    status_gewijzigd_op = models.DateTimeField(_("status gewijzigd op"))
    gegevens = models.JSONField(_("gegevens voor de school"), default=dict, blank=True)
    leerbedrijf = models.JSONField(_("leerbedrijf"), null=True, blank=True)
    kenmerken = models.JSONField(_("kenmerken uit de deeplink"), default=dict, blank=True)
    via_deeplink = models.BooleanField(default=False)
    return_url = models.CharField(max_length=500, blank=True)
    ontvangstbewijs = models.TextField(_("ontvangstbewijs (ondertekend)"), blank=True)
    geanonimiseerd_op = models.DateTimeField(null=True, blank=True)
    # For the multiple-application analytics: the school year of the cohort's start, and, frozen when the
    # person is deleted, how many applications he had in that year (aggregates must survive deletion).
    schooljaar = models.PositiveSmallIntegerField(_("schooljaar"), default=0)
    meervoud = models.PositiveSmallIntegerField(_("aantal aanmeldingen van de aanmelder in het schooljaar"), null=True)

    class Meta:
        verbose_name = _("aanmelding")
        verbose_name_plural = _("aanmeldingen")
        ordering = ["-ingediend_op"]
        indexes = [
            models.Index(fields=["instelling", "status"]),
            models.Index(fields=["schooljaar", "aanmelder"], name="aanmelding_meervoud"),
            models.Index(fields=["instelling", "schooljaar"], name="aanmelding_instelling_jaar"),
        ]

    def __str__(self):
        return str(self.ca_keten_id)

    @property
    def bsn(self) -> str:
        """From the snapshot, so no query for the person; empty once anonymised."""
        return (self.gegevens.get("persoon") or {}).get("bsn", "")

    @property
    def is_intrekbaar(self) -> bool:
        from .statussen import INTREKBAAR

        return self.status in INTREKBAAR


def schooljaar_van(datum) -> int:
    """A school year runs from 1 August; a cohort starting in February 2027 belongs to 2026."""
    return datum.year if datum.month >= 8 else datum.year - 1


class StatusWijziging(models.Model):
    class Bron(models.TextChoices):
        PORTAAL = "portaal", _("Centraal Aanmelden")
        STUDENT = "student", _("Aanmelder")
        INSTELLING = "instelling", _("Instelling (SIS)")
        BEHEER = "beheer", _("Beheer")

    aanmelding = models.ForeignKey(Aanmelding, models.CASCADE, related_name="statuswijzigingen")
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    tijdstip = models.DateTimeField(_("tijdstip"))
    bron = models.CharField(_("bron"), max_length=12, choices=Bron.choices)
    toelichting = models.CharField(_("toelichting"), max_length=500, blank=True)
    correctie = models.BooleanField(_("correctie"), default=False)

    class Meta:
        verbose_name = _("statuswijziging")
        verbose_name_plural = _("statuswijzigingen")
        ordering = ["tijdstip", "pk"]

    def __str__(self):
        return f"{self.status} @ {self.tijdstip:%Y-%m-%d %H:%M}"


class KetenIdTeller(models.Model):
    """The ketenId counter where the database has no sequences (SQLite); PostgreSQL uses a real sequence."""

    laatste = models.BigIntegerField()

    def __str__(self):
        return str(self.laatste)


class Verstrekking(models.Model):
    """Disclosure log shown to the student: who received which data or status about him, when, and why."""

    class Ontvanger(models.TextChoices):
        SIS = "sis", _("Studentinformatiesysteem van de school")
        KOPPELPUNT_VO = "koppelpunt_vo", _("Koppelpunt VO (je vorige school)")
        GEMEENTE = "gemeente", _("Gemeente (Koppelpunt Gemeenten)")
        PORTAAL = "portaal", _("Centraal Aanmelden")

    aanmelder = models.ForeignKey(Aanmelder, models.CASCADE, related_name="verstrekkingen")
    aanmelding = models.ForeignKey(Aanmelding, models.SET_NULL, null=True, blank=True, related_name="+")
    soort_ontvanger = models.CharField(_("soort ontvanger"), max_length=20, choices=Ontvanger.choices)
    ontvanger = models.CharField(_("ontvanger"), max_length=255)
    gegevens = models.CharField(_("verstrekte gegevens"), max_length=500)
    grondslag = models.CharField(_("grondslag"), max_length=500)
    tijdstip = models.DateTimeField(_("tijdstip"), db_index=True)

    class Meta:
        verbose_name = _("verstrekking")
        verbose_name_plural = _("verstrekkingen")
        ordering = ["-tijdstip", "-pk"]

    def __str__(self):
        return f"{self.soort_ontvanger}: {self.ontvanger}"


class Interessemelding(models.Model):
    """Interest registration without DigiD, behind an institution-issued registratiecode."""

    instelling = models.ForeignKey("catalogus.Instelling", models.CASCADE, related_name="interessemeldingen")
    opleiding = models.ForeignKey(
        "catalogus.AangebodenOpleiding", models.SET_NULL, null=True, blank=True, related_name="+"
    )
    naam = models.CharField(_("naam"), max_length=200)
    email = models.EmailField(_("e-mailadres"))
    telefoon = models.CharField(_("telefoonnummer"), max_length=20, blank=True)
    geboortedatum = models.DateField(_("geboortedatum"), null=True, blank=True)
    vooropleiding = models.CharField(_("vooropleiding"), max_length=200, blank=True)
    aangemaakt_op = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("interessemelding")
        verbose_name_plural = _("interessemeldingen")
        ordering = ["-aangemaakt_op"]

    def __str__(self):
        return f"interessemelding {self.pk}"


class IngediendInWachtrij(models.Model):
    """A submit accepted while the platform was overloaded: the moment counts (1 April), the work follows.

    The student's request does one cheap INSERT and gets an answer at once; a worker then submits the draft
    through the normal service with this moment as ``ingediend_op``. The draft token is unique, so a double
    submit finds the first record and its moment.
    """

    class Uitkomst(models.TextChoices):
        WACHT = "wacht", _("wordt verwerkt")
        INGEDIEND = "ingediend", _("ingediend")
        GEWEIGERD = "geweigerd", _("geweigerd")
        VERVALLEN = "vervallen", _("vervallen (geen concept meer)")

    token = models.UUIDField(_("token van het concept"), unique=True)
    aanmelder = models.ForeignKey(Aanmelder, models.CASCADE, related_name="in_wachtrij")
    ingediend_op = models.DateTimeField(_("ingediend op"))
    uitkomst = models.CharField(_("uitkomst"), max_length=10, choices=Uitkomst.choices, default=Uitkomst.WACHT)
    verwerkt_op = models.DateTimeField(_("verwerkt op"), null=True, blank=True)
    aanmelding = models.ForeignKey(Aanmelding, models.SET_NULL, null=True, blank=True, related_name="+")
    melding = models.CharField(_("reden van weigering"), max_length=500, blank=True)
    pogingen = models.PositiveSmallIntegerField(_("mislukte pogingen"), default=0)
    niet_voor = models.DateTimeField(_("volgende poging niet voor"), null=True, blank=True)
    laatste_fout = models.CharField(_("laatste technische fout"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("ingediend in wachtrij")
        verbose_name_plural = _("ingediend in wachtrij")
        indexes = [
            models.Index(fields=["ingediend_op"], condition=models.Q(verwerkt_op__isnull=True), name="wachtrij_open"),
            models.Index(fields=["verwerkt_op"], name="wachtrij_verwerkt"),
        ]

    def __str__(self):
        return f"wachtrij {self.token}"
