"""The general assembly (AV) or members' council: meetings, agenda, proposals, attendance, votes, the board.

The counting rule itself lives in ``voorzieningen.cooperatie.av`` (``bepaal_uitslag``); a closed proposal keeps
its counts and the rule as applied, so minutes stay true when configuration changes later.
"""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .leden import Contactpersoon, Cooperatie, Lid, Orgaan


class Vergadering(models.Model):
    class Soort(models.TextChoices):
        REGULIER = "regulier", _("Reguliere vergadering")
        EXTRA = "extra", _("Extra vergadering")

    class Status(models.TextChoices):
        GEPLAND = "gepland", _("Gepland (vooraf stemmen mogelijk)")
        GEOPEND = "geopend", _("Geopend (stemmen ter vergadering)")
        GESLOTEN = "gesloten", _("Gesloten")
        GEANNULEERD = "geannuleerd", _("Geannuleerd")

    cooperatie = models.ForeignKey(
        Cooperatie, models.PROTECT, related_name="vergaderingen", verbose_name=_("coöperatie")
    )
    orgaan = models.CharField(_("orgaan"), max_length=12, choices=Orgaan.choices, default=Orgaan.AV)
    soort = models.CharField(_("soort"), max_length=10, choices=Soort.choices, default=Soort.REGULIER)
    aanvang = models.DateTimeField(
        _("aanvang"), help_text=_("Tot dit moment kunnen vertegenwoordigers vooraf stemmen.")
    )
    locatie = models.CharField(_("locatie"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.GEPLAND)
    notulen = models.TextField(_("notulen"), blank=True)
    notulen_gepubliceerd_op = models.DateTimeField(_("notulen gepubliceerd op"), null=True, blank=True)

    class Meta:
        verbose_name = _("vergadering")
        verbose_name_plural = _("vergaderingen")
        ordering = ["-aanvang"]

    def __str__(self):
        from django.utils import timezone

        return f"{self.get_orgaan_display()} {timezone.localtime(self.aanvang):%d-%m-%Y}"

    def clean(self):
        if (
            self.orgaan == Orgaan.LEDENRAAD
            and self.cooperatie_id
            and self.cooperatie.hoogste_orgaan != Orgaan.LEDENRAAD
        ):
            raise ValidationError({"orgaan": _("Deze coöperatie heeft geen ledenraad.")})

    @property
    def datum(self):
        from django.utils import timezone

        return timezone.localtime(self.aanvang).date()

    @property
    def jaar(self) -> int:
        return self.datum.year


class Agendapunt(models.Model):
    vergadering = models.ForeignKey(
        Vergadering, models.CASCADE, related_name="agendapunten", verbose_name=_("vergadering")
    )
    volgnummer = models.PositiveSmallIntegerField(_("nummer"))
    titel = models.CharField(_("titel"), max_length=255)
    toelichting = models.TextField(_("toelichting"), blank=True)

    class Meta:
        verbose_name = _("agendapunt")
        verbose_name_plural = _("agendapunten")
        ordering = ["vergadering", "volgnummer"]
        constraints = [
            models.UniqueConstraint(fields=["vergadering", "volgnummer"], name="cooperatie_agendapunt_nummer_uniek")
        ]

    def __str__(self):
        return f"{self.volgnummer}. {self.titel}"


class Voorstel(models.Model):
    """A proposal put to the vote. A closed one keeps its counts and the rule applied (besluitenlijst)."""

    class Soort(models.TextChoices):
        BESLUIT = "besluit", _("Besluit")
        BENOEMING = "benoeming", _("Benoeming bestuurslid")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        GESLOTEN = "gesloten", _("Gesloten")

    class Uitslag(models.TextChoices):
        AANGENOMEN = "aangenomen", _("aangenomen")
        VERWORPEN = "verworpen", _("verworpen")
        GEEN_BESLUIT = "geen_besluit", _("geen besluit")

    vergadering = models.ForeignKey(
        Vergadering, models.CASCADE, related_name="voorstellen", verbose_name=_("vergadering")
    )
    agendapunt = models.ForeignKey(
        Agendapunt, models.SET_NULL, null=True, blank=True, related_name="voorstellen", verbose_name=_("agendapunt")
    )
    volgnummer = models.PositiveSmallIntegerField(_("nummer"), default=1)
    titel = models.CharField(_("titel"), max_length=255)
    toelichting = models.TextField(_("toelichting"), blank=True)
    soort = models.CharField(_("soort"), max_length=10, choices=Soort.choices, default=Soort.BESLUIT)
    kandidaat = models.ForeignKey(
        Contactpersoon,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="kandidaturen",
        verbose_name=_("kandidaat"),
        help_text=_("Alleen bij een benoeming: een vertegenwoordiger van een lid."),
    )
    kandidaat_naam = models.CharField(
        _("naam kandidaat"), max_length=200, blank=True, help_text=_("Blijft in de besluitenlijst staan.")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    uitslag = models.CharField(_("uitslag"), max_length=12, choices=Uitslag.choices, blank=True)
    consensus = models.BooleanField(_("bij consensus"), default=False)
    stemgerechtigden = models.PositiveIntegerField(_("stemgerechtigde leden"), null=True, blank=True)
    deelnemers = models.PositiveIntegerField(_("deelnemende leden"), null=True, blank=True)
    voor = models.PositiveIntegerField(_("voor"), null=True, blank=True)
    tegen = models.PositiveIntegerField(_("tegen"), null=True, blank=True)
    onthouding = models.PositiveIntegerField(_("onthoudingen"), null=True, blank=True)
    toelichting_uitslag = models.TextField(_("toelichting op de uitslag"), blank=True)
    regel = models.JSONField(
        _("toegepaste regel"), default=dict, blank=True, help_text=_("Drempel, basis en quorum bij het sluiten.")
    )
    gesloten_op = models.DateTimeField(_("gesloten op"), null=True, blank=True)

    class Meta:
        verbose_name = _("voorstel")
        verbose_name_plural = _("voorstellen")
        ordering = ["vergadering", "volgnummer", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(soort="besluit") | Q(kandidaat__isnull=False) | Q(status="gesloten"),
                name="cooperatie_benoeming_heeft_kandidaat",
                violation_error_message=_("Een benoeming noemt een kandidaat."),
            ),
            models.CheckConstraint(
                condition=Q(status="open", uitslag="") | (Q(status="gesloten") & ~Q(uitslag="")),
                name="cooperatie_uitslag_bij_sluiten",
                violation_error_message=_("Alleen een gesloten voorstel heeft een uitslag."),
            ),
        ]

    def __str__(self):
        return self.titel

    def save(self, *args, **kwargs):
        if self.kandidaat_id and self.status == self.Status.OPEN:
            self.kandidaat_naam = self.kandidaat.naam
        super().save(*args, **kwargs)

    def clean(self):
        if self.agendapunt_id and self.vergadering_id and self.agendapunt.vergadering_id != self.vergadering_id:
            raise ValidationError({"agendapunt": _("Dit agendapunt hoort bij een andere vergadering.")})
        if self.soort == self.Soort.BENOEMING and not self.kandidaat_id:
            raise ValidationError({"kandidaat": _("Een benoeming noemt een kandidaat.")})
        if self.soort == self.Soort.BESLUIT and self.kandidaat_id:
            raise ValidationError({"kandidaat": _("Alleen een benoeming noemt een kandidaat.")})


class Aanwezigheid(models.Model):
    """A member present at the meeting (through its representative): it then counts among the participants."""

    vergadering = models.ForeignKey(
        Vergadering, models.CASCADE, related_name="aanwezigheden", verbose_name=_("vergadering")
    )
    lid = models.ForeignKey(Lid, models.PROTECT, related_name="aanwezigheden", verbose_name=_("lid"))
    geregistreerd_op = models.DateTimeField(_("geregistreerd op"), auto_now_add=True)

    class Meta:
        verbose_name = _("aanwezigheid")
        verbose_name_plural = _("aanwezigheid")
        ordering = ["vergadering", "lid__naam"]
        constraints = [models.UniqueConstraint(fields=["vergadering", "lid"], name="cooperatie_aanwezig_een_keer")]

    def __str__(self):
        return str(self.lid)


class Stem(models.Model):
    """One member's vote on one proposal: the database allows one row per member per proposal.

    A vote cast in advance is replaced when the member votes again in the meeting (the debate may change minds);
    the advance choice is kept in ``vooraf_keuze`` for the record.
    """

    class Keuze(models.TextChoices):
        VOOR = "voor", _("voor")
        TEGEN = "tegen", _("tegen")
        ONTHOUDING = "onthouding", _("onthouding")

    class Wijze(models.TextChoices):
        VOORAF = "vooraf", _("vooraf uitgebracht")
        TER_VERGADERING = "vergadering", _("ter vergadering")

    voorstel = models.ForeignKey(Voorstel, models.CASCADE, related_name="stemmen", verbose_name=_("voorstel"))
    lid = models.ForeignKey(Lid, models.PROTECT, related_name="stemmen", verbose_name=_("lid"))
    keuze = models.CharField(_("keuze"), max_length=10, choices=Keuze.choices)
    wijze = models.CharField(_("wijze"), max_length=12, choices=Wijze.choices)
    vooraf_keuze = models.CharField(_("eerder vooraf uitgebracht"), max_length=10, choices=Keuze.choices, blank=True)
    uitgebracht_op = models.DateTimeField(_("uitgebracht op"), auto_now=True)

    class Meta:
        verbose_name = _("stem")
        verbose_name_plural = _("stemmen")
        ordering = ["voorstel", "lid__naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["voorstel", "lid"],
                name="cooperatie_een_stem_per_lid",
                violation_error_message=_("Dit lid heeft al gestemd over dit voorstel: één stem per lid."),
            )
        ]

    def __str__(self):
        return f"{self.lid}: {self.get_keuze_display()}"


class Vergaderlink(models.Model):
    """A member's representative's personal link for one meeting: vote in advance, later read results/minutes."""

    vergadering = models.ForeignKey(Vergadering, models.CASCADE, related_name="links", verbose_name=_("vergadering"))
    lid = models.ForeignKey(Lid, models.CASCADE, related_name="vergaderlinks", verbose_name=_("lid"))
    contactpersoon = models.ForeignKey(
        Contactpersoon, models.CASCADE, related_name="vergaderlinks", verbose_name=_("ontvanger")
    )
    sleutel_hash = models.CharField(max_length=64, unique=True)
    verstuurd_op = models.DateTimeField(_("verstuurd op"))

    class Meta:
        verbose_name = _("vergaderlink")
        verbose_name_plural = _("vergaderlinks")
        constraints = [models.UniqueConstraint(fields=["vergadering", "lid"], name="cooperatie_een_link_per_lid")]

    def __str__(self):
        return f"{self.vergadering} — {self.lid}"


class Bestuurslid(models.Model):
    """A board member elected by the AV from the members' representatives; the board elects its chair.

    The name is kept (besides the link to the contact person) because minutes and the board's history outlive
    the contact person's record.
    """

    cooperatie = models.ForeignKey(
        Cooperatie, models.PROTECT, related_name="bestuursleden", verbose_name=_("coöperatie")
    )
    lid = models.ForeignKey(Lid, models.PROTECT, related_name="bestuursleden", verbose_name=_("namens lid"))
    contactpersoon = models.ForeignKey(
        Contactpersoon,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="bestuursfuncties",
        verbose_name=_("persoon"),
    )
    naam = models.CharField(_("naam"), max_length=200)
    benoemd_bij = models.OneToOneField(
        Voorstel, models.PROTECT, related_name="benoemd_bestuurslid", verbose_name=_("benoemd bij besluit")
    )
    begindatum = models.DateField(_("begindatum"))
    einddatum = models.DateField(_("einddatum"), null=True, blank=True)
    voorzitter = models.BooleanField(_("voorzitter"), default=False)
    voorzitter_sinds = models.DateField(_("voorzitter sinds"), null=True, blank=True)

    class Meta:
        verbose_name = _("bestuurslid")
        verbose_name_plural = _("bestuursleden")
        ordering = ["cooperatie", "-voorzitter", "naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperatie"],
                condition=Q(voorzitter=True, einddatum__isnull=True),
                name="cooperatie_een_voorzitter",
                violation_error_message=_("Het bestuur heeft één voorzitter."),
            ),
            models.UniqueConstraint(
                fields=["cooperatie", "lid"],
                condition=Q(einddatum__isnull=True),
                name="cooperatie_een_bestuurszetel_per_lid",
                violation_error_message=_("Dit lid heeft al een bestuurslid."),
            ),
        ]

    def __str__(self):
        return self.naam
