"""A start/stop consultation as a case: the announcement, the institutions it concerns, the conversation, the
escalation ladder and the outcome."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _


class Soort(models.TextChoices):
    START = "start", _("Starten")
    STOP = "stop", _("Stoppen")
    AFSCHALEN = "afschalen", _("Afschalen")
    UITBREIDEN = "uitbreiden", _("Uitbreiden")
    UITRUILEN = "uitruilen", _("Uitruilen")
    SAMEN = "samen", _("Samen uitvoeren")


class Trede(models.IntegerChoices):
    """The escalation ladder of the sector text: as light as possible, as heavy as needed."""

    DIALOOG = 1, _("Dialoog tussen de instellingen")
    ADVIES = 2, _("Advies van de commissie governance")
    SIGNAAL = 3, _("Signaal aan het bestuur van de MBO Raad")
    ARBITRAGE = 4, _("Arbitrage")
    EVALUATIE = 5, _("Gezamenlijke evaluatie")


class Casus(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Lopend")
        AFGEROND = "afgerond", _("Afgerond")
        INGETROKKEN = "ingetrokken", _("Ingetrokken")

    class Uitkomst(models.TextChoices):
        DOORGAAN = "doorgaan", _("Gaat door zoals aangekondigd")
        AANGEPAST = "aangepast", _("Gaat aangepast door (afspraak tussen de instellingen)")
        AFGEZIEN = "afgezien", _("Afgezien van het voornemen")
        UITSPRAAK = "uitspraak", _("Volgens de uitspraak van de arbitragecommissie")

    soort = models.CharField(_("voornemen"), max_length=12, choices=Soort.choices)
    instelling = models.ForeignKey(
        "catalogus.Instelling", models.PROTECT, related_name="+", verbose_name=_("aankondigende instelling")
    )
    kwalificatie = models.ForeignKey(
        "catalogus.Kwalificatie", models.PROTECT, related_name="+", verbose_name=_("kwalificatie")
    )
    gemeente = models.ForeignKey("core.Gemeente", models.PROTECT, related_name="+", verbose_name=_("gemeente"))
    partner = models.ForeignKey(
        "catalogus.Instelling",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("partnerinstelling"),
        help_text=_("Bij uitruilen of samen uitvoeren: de andere instelling."),
    )
    ruil_kwalificatie = models.ForeignKey(
        "catalogus.Kwalificatie",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kwalificatie in ruil"),
        help_text=_("Bij uitruilen: de opleiding die de partner in ruil overdraagt (leeg: alleen overdragen)."),
    )
    capaciteit_wijziging = models.IntegerField(
        _("wijziging in plaatsen"),
        null=True,
        blank=True,
        help_text=_("Bij afschalen of uitbreiden: het aantal studieplaatsen erbij (positief) of eraf (negatief)."),
    )
    beoogde_ingang = models.DateField(_("beoogde ingangsdatum"))
    motivering = models.TextField(_("motivering"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    reactie_uiterlijk = models.DateField(_("reageren uiterlijk op"))
    uitkomst = models.CharField(_("uitkomst"), max_length=12, choices=Uitkomst.choices, blank=True)
    uitkomst_motivering = models.TextField(_("toelichting op de uitkomst"), blank=True)
    afgesloten_op = models.DateField(_("afgesloten op"), null=True, blank=True)
    impact = models.JSONField(
        _("impact bij aankondiging"), default=dict, blank=True, help_text=_("Vastgelegd op het moment van aankondigen.")
    )
    aangemaakt_op = models.DateTimeField(_("aangekondigd op"), auto_now_add=True)
    aangemaakt_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("door")
    )

    class Meta:
        verbose_name = _("casus (start/stop-overleg)")
        verbose_name_plural = _("casussen (start/stop-overleg)")
        ordering = ["-aangemaakt_op", "-pk"]

    def __str__(self):
        return f"{self.nummer} {self.get_soort_display()} {self.kwalificatie.crebo} ({self.instelling.naam})"

    @property
    def nummer(self) -> str:
        jaar = (self.aangemaakt_op or datetime.datetime.now()).year
        return f"PR-{jaar}-{self.pk or 0:05d}"

    @property
    def is_open(self) -> bool:
        return self.status == self.Status.OPEN


class Betrokkene(models.Model):
    """An institution the announcement concerns: asked to respond, and a party should it escalate."""

    class Reden(models.TextChoices):
        REGIO = "regio", _("Heeft een locatie in hetzelfde COROP-gebied")
        OPLEIDING = "opleiding", _("Biedt dezelfde opleiding aan binnen de reistijdnorm")
        SECTOR = "sector", _("Biedt dezelfde specialistische opleiding elders aan (sectoraal overleg)")
        PARTNER = "partner", _("Partner in het voornemen")
        TOEGEVOEGD = "toegevoegd", _("Toegevoegd door de portfolioregie")

    casus = models.ForeignKey(Casus, models.CASCADE, related_name="betrokkenen")
    instelling = models.ForeignKey(
        "catalogus.Instelling", models.PROTECT, related_name="+", verbose_name=_("instelling")
    )
    redenen = models.JSONField(_("waarom betrokken"), default=list)
    genotificeerd_op = models.DateTimeField(_("bericht verstuurd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("betrokken instelling")
        verbose_name_plural = _("betrokken instellingen")
        constraints = [models.UniqueConstraint(fields=["casus", "instelling"], name="portfolio_betrokkene_uniek")]
        ordering = ["instelling__naam"]

    def __str__(self):
        return f"{self.casus.nummer}: {self.instelling}"

    @property
    def reden_labels(self) -> list[str]:
        labels = dict(self.Reden.choices)
        return [str(labels.get(r, r)) for r in self.redenen]


class Bijdrage(models.Model):
    """One contribution to the conversation of a case: a response with a position, a message, a request."""

    class Soort(models.TextChoices):
        REACTIE = "reactie", _("Reactie")
        BERICHT = "bericht", _("Bericht")
        VERZOEK = "verzoek", _("Verzoek om escalatie")
        REGIE = "regie", _("Bericht van de portfolioregie")

    class Standpunt(models.TextChoices):
        GEEN_BEZWAAR = "geen_bezwaar", _("Geen bezwaar")
        VRAAG = "vraag", _("Vraag of aandachtspunt")
        SAMENWERKING = "samenwerking", _("Voorstel om samen te werken of uit te ruilen")
        BEZWAAR = "bezwaar", _("Bezwaar")

    casus = models.ForeignKey(Casus, models.CASCADE, related_name="bijdragen")
    instelling = models.ForeignKey(
        "catalogus.Instelling",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("namens"),
        help_text=_("Leeg: de portfolioregie."),
    )
    soort = models.CharField(_("soort"), max_length=10, choices=Soort.choices)
    standpunt = models.CharField(_("standpunt"), max_length=14, choices=Standpunt.choices, blank=True)
    tekst = models.TextField(_("tekst"))
    auteur = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("auteur")
    )
    geplaatst_op = models.DateTimeField(_("geplaatst op"), auto_now_add=True)

    class Meta:
        verbose_name = _("bijdrage aan het overleg")
        verbose_name_plural = _("bijdragen aan het overleg")
        ordering = ["geplaatst_op", "pk"]

    def __str__(self):
        return f"{self.casus.nummer}: {self.get_soort_display()}"


class Commissielid(models.Model):
    """A member of the commissie governance (a board member of an institution) or an independent chair.

    The arbitration committee of a case is composed from this register, per case.
    """

    class Rol(models.TextChoices):
        LID = "lid", _("Lid commissie governance (bestuurder)")
        VOORZITTER = "voorzitter", _("Onafhankelijk voorzitter")

    naam = models.CharField(_("naam"), max_length=200)
    rol = models.CharField(_("rol"), max_length=10, choices=Rol.choices, default=Rol.LID)
    instelling = models.ForeignKey(
        "catalogus.Instelling",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("bestuurder van"),
        help_text=_("Leeg bij de onafhankelijk voorzitter."),
    )
    actief = models.BooleanField(_("actief"), default=True)

    class Meta:
        verbose_name = _("lid commissie governance")
        verbose_name_plural = _("commissie governance en voorzitters")
        ordering = ["rol", "naam"]

    def __str__(self):
        return f"{self.naam} ({self.get_rol_display()})"

    def clean(self):
        if self.rol == self.Rol.VOORZITTER and self.instelling_id:
            raise ValidationError(
                {"instelling": _("Een onafhankelijk voorzitter is geen bestuurder van een instelling.")}
            )
        if self.rol == self.Rol.LID and not self.instelling_id:
            raise ValidationError(
                {"instelling": _("Een lid van de commissie governance is bestuurder van een instelling.")}
            )


class Escalatiestap(models.Model):
    """One rung of the ladder on a case, with its dates, decision and documents."""

    class Uitkomst(models.TextChoices):
        VERGELIJK = "vergelijk", _("Vergelijk bereikt")
        GEEN_VERGELIJK = "geen_vergelijk", _("Geen vergelijk")
        UITSPRAAK = "uitspraak", _("Bindende uitspraak")
        AFGEROND = "afgerond", _("Evaluatie afgerond")

    class Interventie(models.TextChoices):
        GESPREK = "gesprek", _("Gesprek (kopje koffie, goed gesprek)")
        ADVIES = "advies", _("Advies")
        EXPERTISE = "expertise", _("Expertise inzetten")
        BEMIDDELAAR = "bemiddelaar", _("Bemiddelaar aanstellen")

    casus = models.ForeignKey(Casus, models.CASCADE, related_name="stappen")
    trede = models.PositiveSmallIntegerField(_("trede"), choices=Trede.choices)
    gestart_op = models.DateField(_("gestart op"))
    afgerond_op = models.DateField(_("afgerond op"), null=True, blank=True)
    uitkomst = models.CharField(_("uitkomst"), max_length=16, choices=Uitkomst.choices, blank=True)
    besluit = models.TextField(
        _("besluit, advies of uitspraak"), blank=True, help_text=_("Bij de evaluatie: de leerpunten.")
    )
    interventie = models.CharField(
        _("interventie van het bestuur"), max_length=12, choices=Interventie.choices, blank=True
    )
    voorzitter = models.ForeignKey(
        Commissielid,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("onafhankelijk voorzitter"),
    )
    commissieleden = models.ManyToManyField(
        Commissielid, blank=True, related_name="arbitrages", verbose_name=_("leden van de arbitragecommissie")
    )
    uitvoeren_voor = models.DateField(_("uitvoeren uiterlijk op"), null=True, blank=True)
    uitgevoerd_op = models.DateField(_("uitgevoerd op"), null=True, blank=True)
    uitvoering = models.TextField(_("hoe de uitspraak is uitgevoerd"), blank=True)

    class Meta:
        verbose_name = _("escalatiestap")
        verbose_name_plural = _("escalatiestappen")
        ordering = ["casus", "trede"]
        constraints = [models.UniqueConstraint(fields=["casus", "trede"], name="portfolio_stap_uniek")]

    def __str__(self):
        return f"{self.casus.nummer}: {self.get_trede_display()}"

    @property
    def is_afgerond(self) -> bool:
        return self.afgerond_op is not None

    def is_te_laat(self, vandaag: datetime.date) -> bool:
        """A binding ruling not carried out by its deadline."""
        return (
            self.trede == Trede.ARBITRAGE
            and self.uitkomst == self.Uitkomst.UITSPRAAK
            and self.uitgevoerd_op is None
            and self.uitvoeren_voor is not None
            and self.uitvoeren_voor < vandaag
        )


@deconstructible
class PriveOpslag(FileSystemStorage):
    """Case documents are not public: stored outside MEDIA, served only by a view that checks who asks."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT / "portfolio")

    @property
    def location(self):
        return self.base_location


class Stapdocument(models.Model):
    """A document of an escalation step: an uploaded file or a link to where it is kept."""

    stap = models.ForeignKey(Escalatiestap, models.CASCADE, related_name="documenten")
    titel = models.CharField(_("titel"), max_length=200)
    bestand = models.FileField(_("bestand"), upload_to="%Y/%m/", storage=PriveOpslag(), blank=True, max_length=300)
    url = models.URLField(_("link"), max_length=500, blank=True)
    toegevoegd_op = models.DateTimeField(_("toegevoegd op"), auto_now_add=True)
    toegevoegd_door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("door")
    )

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documenten")
        ordering = ["toegevoegd_op", "pk"]

    def __str__(self):
        return self.titel

    def clean(self):
        if bool(self.bestand) == bool(self.url):
            raise ValidationError(_("Voeg een bestand toe of geef een link, niet allebei en niet geen van beide."))
