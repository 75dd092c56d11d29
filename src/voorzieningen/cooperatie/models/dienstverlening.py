"""What a cooperative offers and who takes it (Dienst, Dienstregel, Afname), and service management after the DAP
(Verstoring, Probleem, Wijzigingsverzoek, Jaarplan).

The offer is data per cooperative: the mbo cooperative (Centraal Aanmelden, Koppelpunt MBO) and the PO/VO purchasing
cooperative (basispakket plus chosen services with dependency rules) are two sets of rows, not two code paths.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .leden import Cooperatie, Lid


class Dienst(models.Model):
    """A provision or service of one cooperative. Basis services come with membership; the others need an Afname."""

    cooperatie = models.ForeignKey(Cooperatie, models.PROTECT, related_name="diensten", verbose_name=_("coöperatie"))
    code = models.SlugField(_("code"), max_length=40)
    naam = models.CharField(_("naam"), max_length=200)
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    basis = models.BooleanField(
        _("hoort bij het basispakket"),
        default=False,
        help_text=_("Elk lid neemt deze dienst af zolang het lid is; er is geen afname voor nodig."),
    )
    actief = models.BooleanField(_("actief"), default=True, help_text=_("Uit: nieuwe afnames zijn niet mogelijk."))
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("dienst")
        verbose_name_plural = _("diensten")
        ordering = ["cooperatie", "volgorde", "naam"]
        constraints = [models.UniqueConstraint(fields=["cooperatie", "code"], name="dienst_code_uniek")]

    def __str__(self):
        return self.naam


class Dienstregel(models.Model):
    """A dependency between two services of one cooperative, kept as a row so each cooperative sets its own."""

    class Soort(models.TextChoices):
        VEREIST = "vereist", _("vereist (het lid moet de andere dienst al afnemen)")
        MAAKT_VERPLICHT = "maakt_verplicht", _("maakt verplicht (de andere dienst wordt automatisch meegenomen)")

    dienst = models.ForeignKey(Dienst, models.CASCADE, related_name="regels", verbose_name=_("dienst"))
    soort = models.CharField(_("soort regel"), max_length=20, choices=Soort.choices)
    andere_dienst = models.ForeignKey(Dienst, models.PROTECT, related_name="+", verbose_name=_("andere dienst"))

    class Meta:
        verbose_name = _("afhankelijkheidsregel")
        verbose_name_plural = _("afhankelijkheidsregels")
        constraints = [
            models.UniqueConstraint(fields=["dienst", "andere_dienst"], name="dienstregel_uniek"),
        ]

    def __str__(self):
        return f"{self.dienst} {self.get_soort_display()} {self.andere_dienst}"

    def clean(self):
        if self.dienst_id and self.andere_dienst_id:
            if self.dienst_id == self.andere_dienst_id:
                raise ValidationError(_("Een dienst kan niet van zichzelf afhangen."))
            if self.dienst.cooperatie_id != self.andere_dienst.cooperatie_id:
                raise ValidationError(_("Beide diensten moeten van dezelfde coöperatie zijn."))


class Afname(models.Model):
    """Which member takes which (non-basis) service from when to when: the member pays for what it takes."""

    lid = models.ForeignKey(Lid, models.PROTECT, related_name="afnames", verbose_name=_("lid"))
    dienst = models.ForeignKey(Dienst, models.PROTECT, related_name="afnames", verbose_name=_("dienst"))
    begindatum = models.DateField(_("vanaf"))
    einddatum = models.DateField(_("tot en met"), null=True, blank=True)
    specificatie = models.CharField(
        _("specificatie"), max_length=255, blank=True, help_text=_("Bijvoorbeeld de gekozen capaciteit per locatie.")
    )
    aangemaakt_op = models.DateTimeField(_("vastgelegd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("afname")
        verbose_name_plural = _("afnames")
        ordering = ["lid", "dienst", "begindatum"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(einddatum__isnull=True) | models.Q(einddatum__gte=models.F("begindatum")),
                name="afname_einde_na_begin",
            ),
        ]

    def __str__(self):
        return f"{self.lid} — {self.dienst}"

    def clean(self):
        errors = {}
        if self.einddatum and self.begindatum and self.einddatum < self.begindatum:
            errors["einddatum"] = _("De einddatum ligt vóór de begindatum.")
        if self.lid_id and self.dienst_id:
            if self.dienst.cooperatie_id != self.lid.cooperatie_id:
                errors["dienst"] = _("Deze dienst hoort bij een andere coöperatie dan het lid.")
            elif self.dienst.basis:
                errors["dienst"] = _("Een dienst uit het basispakket neemt elk lid al af; een afname is niet nodig.")
            if self.begindatum and self.begindatum < self.lid.begindatum:
                errors["begindatum"] = _("Het lid is pas lid vanaf %(datum)s.") % {
                    "datum": self.lid.begindatum.strftime("%d-%m-%Y")
                }
            if self.lid.einddatum and (self.einddatum is None or self.einddatum > self.lid.einddatum):
                errors["einddatum"] = _("Het lidmaatschap eindigt op %(datum)s; de afname moet dan ook eindigen.") % {
                    "datum": self.lid.einddatum.strftime("%d-%m-%Y")
                }
            if self.begindatum and "dienst" not in errors:
                overlap = Afname.objects.filter(lid_id=self.lid_id, dienst_id=self.dienst_id).exclude(pk=self.pk)
                if self.einddatum:
                    overlap = overlap.filter(begindatum__lte=self.einddatum)
                overlap = overlap.filter(models.Q(einddatum__isnull=True) | models.Q(einddatum__gte=self.begindatum))
                if overlap.exists():
                    errors["begindatum"] = _("Dit lid neemt deze dienst in (een deel van) deze periode al af.")
        if errors:
            raise ValidationError(errors)


# --- Service management (DAP) ------------------------------------------------------------------------------------


class Prioriteit(models.TextChoices):
    P1 = "P1", _("P1 – kritiek")
    P2 = "P2", _("P2 – hoog")
    P3 = "P3", _("P3 – normaal")
    P4 = "P4", _("P4 – laag")


class Impact(models.TextChoices):
    HOOG = "hoog", _("hoog: de voorziening is voor (bijna) alle leden onbruikbaar")
    MIDDEN = "midden", _("midden: een deel van de functies of van de leden is getroffen")
    LAAG = "laag", _("laag: hinder voor enkele gebruikers, er is een omweg")


class Probleem(models.Model):
    """The unknown cause behind one or more disruptions, tracked until a change removes it."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        IN_ONDERZOEK = "in_onderzoek", _("in onderzoek")
        BEKENDE_FOUT = "bekende_fout", _("bekende fout (met workaround)")
        OPGELOST = "opgelost", _("opgelost")
        GESLOTEN = "gesloten", _("gesloten")

    cooperatie = models.ForeignKey(Cooperatie, models.PROTECT, related_name="problemen", verbose_name=_("coöperatie"))
    titel = models.CharField(_("titel"), max_length=200)
    omschrijving = models.TextField(_("omschrijving"))
    dienst = models.ForeignKey(
        Dienst, models.PROTECT, null=True, blank=True, related_name="problemen", verbose_name=_("dienst")
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.OPEN)
    oorzaak = models.TextField(_("oorzaak"), blank=True)
    workaround = models.TextField(_("workaround"), blank=True)
    oplossing = models.TextField(_("oplossing"), blank=True)
    wijzigingsverzoek = models.ForeignKey(
        "Wijzigingsverzoek",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="problemen",
        verbose_name=_("wijzigingsverzoek dat het oplost"),
    )
    geregistreerd_op = models.DateTimeField(_("geregistreerd op"), default=timezone.now)
    opgelost_op = models.DateTimeField(_("opgelost op"), null=True, blank=True)

    class Meta:
        verbose_name = _("probleem")
        verbose_name_plural = _("problemen")
        ordering = ["-geregistreerd_op"]

    def __str__(self):
        return self.titel


class Verstoring(models.Model):
    """A disruption of a provision; its timeline is the list of updates, which also tell the members."""

    class Status(models.TextChoices):
        GEMELD = "gemeld", _("gemeld")
        IN_BEHANDELING = "in_behandeling", _("in behandeling")
        OPGELOST = "opgelost", _("opgelost")
        GESLOTEN = "gesloten", _("gesloten")

    cooperatie = models.ForeignKey(
        Cooperatie, models.PROTECT, related_name="verstoringen", verbose_name=_("coöperatie")
    )
    titel = models.CharField(_("titel"), max_length=200)
    omschrijving = models.TextField(_("omschrijving"))
    dienst = models.ForeignKey(
        Dienst, models.PROTECT, null=True, blank=True, related_name="verstoringen", verbose_name=_("dienst")
    )
    prioriteit = models.CharField(_("prioriteit"), max_length=2, choices=Prioriteit.choices, default=Prioriteit.P3)
    impact = models.CharField(_("impact"), max_length=10, choices=Impact.choices, default=Impact.MIDDEN)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.GEMELD)
    begonnen_op = models.DateTimeField(_("begonnen op"), default=timezone.now)
    opgelost_op = models.DateTimeField(_("opgelost op"), null=True, blank=True)
    gesloten_op = models.DateTimeField(_("gesloten op"), null=True, blank=True)
    getroffen_leden = models.ManyToManyField(
        Lid,
        blank=True,
        related_name="verstoringen",
        verbose_name=_("getroffen leden"),
        help_text=_("Leeg: alle leden die de dienst afnemen (of alle leden, als er geen dienst is gekozen)."),
    )
    leverancier = models.ForeignKey(
        "Leverancier", models.PROTECT, null=True, blank=True, related_name="verstoringen", verbose_name=_("leverancier")
    )
    extern_kenmerk = models.CharField(_("kenmerk bij de leverancier"), max_length=100, blank=True)
    probleem = models.ForeignKey(
        Probleem, models.SET_NULL, null=True, blank=True, related_name="verstoringen", verbose_name=_("probleem")
    )

    class Meta:
        verbose_name = _("verstoring")
        verbose_name_plural = _("verstoringen")
        ordering = ["-begonnen_op"]

    def __str__(self):
        return f"#{self.pk} {self.titel}"


class Verstoringsupdate(models.Model):
    """One entry of a disruption's timeline; append-only, so what members were told stays on record."""

    verstoring = models.ForeignKey(Verstoring, models.CASCADE, related_name="updates", verbose_name=_("verstoring"))
    tijdstip = models.DateTimeField(_("tijdstip"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Verstoring.Status.choices)
    bericht = models.TextField(_("bericht"))
    naar_contactpersonen = models.BooleanField(_("gemaild aan contactpersonen"), default=False)
    aantal_ontvangers = models.PositiveIntegerField(_("aantal ontvangers"), default=0)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("door")
    )

    class Meta:
        verbose_name = _("update van een verstoring")
        verbose_name_plural = _("updates van verstoringen")
        ordering = ["verstoring", "tijdstip", "pk"]

    def __str__(self):
        return f"{self.tijdstip:%d-%m-%Y %H:%M} {self.get_status_display()}"


class Jaarplan(models.Model):
    """What will be built in a year and its budget; the AV's approval of the budget is the mandate to carry it out."""

    class Status(models.TextChoices):
        CONCEPT = "concept", _("concept")
        VOORGELEGD = "voorgelegd", _("voorgelegd aan de AV")
        GOEDGEKEURD = "goedgekeurd", _("goedgekeurd door de AV")

    cooperatie = models.ForeignKey(Cooperatie, models.PROTECT, related_name="jaarplannen", verbose_name=_("coöperatie"))
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    titel = models.CharField(_("titel"), max_length=200)
    omschrijving = models.TextField(_("omschrijving"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.CONCEPT)
    voorgelegd_op = models.DateField(_("voorgelegd op"), null=True, blank=True)
    goedgekeurd_op = models.DateField(_("goedgekeurd op"), null=True, blank=True)
    av_voorstel = models.ForeignKey(
        "Voorstel",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="jaarplannen",
        verbose_name=_("AV-besluit"),
        help_text=_("Het aangenomen voorstel waarmee de AV de begroting goedkeurde."),
    )
    av_besluit = models.CharField(
        _("verwijzing naar het besluit"),
        max_length=255,
        blank=True,
        help_text=_("Als het besluit niet in dit systeem is vastgelegd: vergadering en besluitnummer."),
    )

    class Meta:
        verbose_name = _("jaarplan")
        verbose_name_plural = _("jaarplannen")
        ordering = ["cooperatie", "-jaar"]
        constraints = [models.UniqueConstraint(fields=["cooperatie", "jaar"], name="jaarplan_per_jaar")]

    def __str__(self):
        return f"{self.titel} ({self.jaar})"

    @property
    def begroting(self):
        from decimal import Decimal

        return sum((p.bedrag for p in self.posten.all()), Decimal("0.00"))


class Begrotingspost(models.Model):
    class Soort(models.TextChoices):
        EXPLOITATIE = "exploitatie", _("exploitatie en beheer")
        DOORONTWIKKELING = "doorontwikkeling", _("doorontwikkeling en wijzigingen")
        ORGANISATIE = "organisatie", _("organisatie")

    jaarplan = models.ForeignKey(Jaarplan, models.CASCADE, related_name="posten", verbose_name=_("jaarplan"))
    soort = models.CharField(_("soort"), max_length=20, choices=Soort.choices, default=Soort.EXPLOITATIE)
    omschrijving = models.CharField(_("omschrijving"), max_length=255)
    dienst = models.ForeignKey(
        Dienst, models.PROTECT, null=True, blank=True, related_name="begrotingsposten", verbose_name=_("dienst")
    )
    wijzigingsverzoek = models.ForeignKey(
        "Wijzigingsverzoek",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="begrotingsposten",
        verbose_name=_("wijzigingsverzoek"),
    )
    bedrag = models.DecimalField(_("bedrag (excl. btw)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("begrotingspost")
        verbose_name_plural = _("begrotingsposten")
        ordering = ["jaarplan", "soort", "pk"]

    def __str__(self):
        return self.omschrijving

    def save(self, *args, **kwargs):
        if self._vergrendeld():
            raise ValidationError(_("De begroting is voorgelegd of goedgekeurd en kan niet meer worden gewijzigd."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._vergrendeld():
            raise ValidationError(_("De begroting is voorgelegd of goedgekeurd en kan niet meer worden gewijzigd."))
        return super().delete(*args, **kwargs)

    def _vergrendeld(self) -> bool:
        return Jaarplan.objects.filter(pk=self.jaarplan_id).exclude(status=Jaarplan.Status.CONCEPT).exists()


class Wijzigingsverzoek(models.Model):
    """A request to change a provision. Fundamental ones (architecture, governance, privacy, security) go to the
    werkgroep doorontwikkeling, the rest to the expertgroep; either way the AV decides through the annual plan."""

    class Route(models.TextChoices):
        EXPERTGROEP = "expertgroep", _("expertgroep")
        WERKGROEP = "werkgroep", _("werkgroep doorontwikkeling")

    class Status(models.TextChoices):
        BIJ_EXPERTGROEP = "bij_expertgroep", _("bij de expertgroep")
        BIJ_WERKGROEP = "bij_werkgroep", _("bij de werkgroep doorontwikkeling")
        IN_JAARPLAN = "in_jaarplan", _("opgenomen in het jaarplan")
        GOEDGEKEURD = "goedgekeurd", _("goedgekeurd door de AV")
        IN_UITVOERING = "in_uitvoering", _("in uitvoering")
        GEREALISEERD = "gerealiseerd", _("gerealiseerd")
        AFGEWEZEN = "afgewezen", _("afgewezen")
        INGETROKKEN = "ingetrokken", _("ingetrokken")

    cooperatie = models.ForeignKey(
        Cooperatie, models.PROTECT, related_name="wijzigingsverzoeken", verbose_name=_("coöperatie")
    )
    titel = models.CharField(_("titel"), max_length=200)
    omschrijving = models.TextField(_("omschrijving"))
    dienst = models.ForeignKey(
        Dienst, models.PROTECT, null=True, blank=True, related_name="wijzigingsverzoeken", verbose_name=_("dienst")
    )
    lid = models.ForeignKey(
        Lid,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="wijzigingsverzoeken",
        verbose_name=_("aanvragend lid"),
    )
    indiener_naam = models.CharField(_("naam indiener"), max_length=200, blank=True)
    indiener_email = models.EmailField(_("e-mailadres indiener"), blank=True)
    impact_architectuur = models.BooleanField(_("fundamentele invloed op de architectuur"), default=False)
    impact_governance = models.BooleanField(_("fundamentele invloed op de governance"), default=False)
    impact_privacy = models.BooleanField(_("fundamentele invloed op de privacy"), default=False)
    impact_security = models.BooleanField(_("fundamentele invloed op de security"), default=False)
    impact_motivering = models.TextField(_("motivering van de fundamentele invloed"), blank=True)
    route = models.CharField(_("route"), max_length=20, choices=Route.choices, editable=False)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, editable=False)
    jaarplan = models.ForeignKey(
        Jaarplan,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="wijzigingsverzoeken",
        verbose_name=_("jaarplan"),
        editable=False,
    )
    ingediend_op = models.DateTimeField(_("ingediend op"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("wijzigingsverzoek")
        verbose_name_plural = _("wijzigingsverzoeken")
        ordering = ["-ingediend_op"]

    def __str__(self):
        return f"#{self.pk} {self.titel}"

    @property
    def is_fundamenteel(self) -> bool:
        return self.impact_architectuur or self.impact_governance or self.impact_privacy or self.impact_security

    def clean(self):
        if self.is_fundamenteel and not self.impact_motivering.strip():
            raise ValidationError({"impact_motivering": _("Licht toe waarom de wijziging fundamentele invloed heeft.")})


class Wijzigingsverzoekstap(models.Model):
    """The status history of a change request: who moved it where, when and why."""

    verzoek = models.ForeignKey(Wijzigingsverzoek, models.CASCADE, related_name="stappen", verbose_name=_("verzoek"))
    tijdstip = models.DateTimeField(_("tijdstip"), default=timezone.now)
    van_status = models.CharField(_("van status"), max_length=20, choices=Wijzigingsverzoek.Status.choices, blank=True)
    naar_status = models.CharField(_("naar status"), max_length=20, choices=Wijzigingsverzoek.Status.choices)
    motivering = models.TextField(_("motivering"), blank=True)
    door = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("door")
    )

    class Meta:
        verbose_name = _("stap van een wijzigingsverzoek")
        verbose_name_plural = _("stappen van wijzigingsverzoeken")
        ordering = ["verzoek", "tijdstip", "pk"]

    def __str__(self):
        return f"{self.get_van_status_display()} → {self.get_naar_status_display()}"
