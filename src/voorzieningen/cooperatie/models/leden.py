import datetime
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Orgaan(models.TextChoices):
    """The body that decides: the mbo cooperative's general assembly, or the PO/VO cooperative's elected council."""

    AV = "av", _("Algemene vergadering")
    LEDENRAAD = "ledenraad", _("Ledenraad")


class Drempelbasis(models.TextChoices):
    """What the decision threshold (e.g. 2/3) is a fraction of, once a vote against breaks consensus."""

    DEELNEMERS = "deelnemers", _("Deelnemende leden (aanwezig of vooraf gestemd; onthoudingen tellen mee)")
    UITGEBRACHT = "uitgebracht", _("Uitgebrachte stemmen voor en tegen (onthoudingen tellen niet mee)")


class LidSoort(models.TextChoices):
    MBO_INSTELLING = "mbo", _("Mbo-instelling")
    PO_BESTUUR = "po", _("Schoolbestuur primair onderwijs")
    VO_BESTUUR = "vo", _("Schoolbestuur voortgezet onderwijs")
    PO_VO_BESTUUR = "po_vo", _("Schoolbestuur primair en voortgezet onderwijs")


class Cooperatie(models.Model):
    """A cooperative run on this engine (the mbo cooperative, the PO/VO ICT purchasing cooperative).

    The rules in which two cooperatives differ (who may be a member, notice periods, councils, packages) are
    data on this row and its related rows, not code paths.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    naam = models.CharField(_("naam"), max_length=200)

    # who may be a member
    toegestane_soorten = models.JSONField(
        _("toegestane soorten leden"),
        default=list,
        blank=True,
        help_text=_("Welke soorten organisaties lid kunnen worden."),
    )
    vereist_publieke_bekostiging = models.BooleanField(_("alleen publiek bekostigde organisaties"), default=True)
    vereist_mbo_raad_lidmaatschap = models.BooleanField(_("alleen leden van de MBO Raad"), default=False)
    vereist_aanbestedende_dienst = models.BooleanField(
        _("alleen aanbestedende diensten"),
        default=True,
        help_text=_("Inbesteding: alleen aanbestedende diensten in de zin van de Aanbestedingswet kunnen lid zijn."),
    )
    # leaving
    opzegtermijn_lid_maanden = models.PositiveSmallIntegerField(_("opzegtermijn voor het lid (maanden)"), default=12)
    opzegtermijn_cooperatie_maanden = models.PositiveSmallIntegerField(
        _("opzegtermijn voor de coöperatie (maanden)"), default=6
    )
    # deciding
    hoogste_orgaan = models.CharField(_("hoogste orgaan"), max_length=12, choices=Orgaan.choices, default=Orgaan.AV)
    min_vergaderingen_per_jaar = models.PositiveSmallIntegerField(
        _("minimaal aantal vergaderingen per jaar"), default=2
    )
    drempel_teller = models.PositiveSmallIntegerField(_("besluitdrempel: teller"), default=2)
    drempel_noemer = models.PositiveSmallIntegerField(_("besluitdrempel: noemer"), default=3)
    drempelbasis = models.CharField(
        _("de drempel geldt voor"), max_length=12, choices=Drempelbasis.choices, default=Drempelbasis.DEELNEMERS
    )
    quorum_teller = models.PositiveSmallIntegerField(
        _("quorum: teller"), default=0, help_text=_("0 = geen quorum (de wet en de statuten eisen er geen).")
    )
    quorum_noemer = models.PositiveSmallIntegerField(_("quorum: noemer"), default=1)
    bestuur_omvang = models.PositiveSmallIntegerField(_("aantal bestuursleden"), default=3)
    raad_omvang = models.PositiveSmallIntegerField(
        _("aantal zetels in de ledenraad"), null=True, blank=True, help_text=_("Alleen bij een ledenraad.")
    )

    class Meta:
        verbose_name = _("coöperatie")
        verbose_name_plural = _("coöperaties")
        ordering = ["naam"]

    def __str__(self):
        return self.naam

    @property
    def drempel(self) -> Fraction:
        return Fraction(self.drempel_teller, self.drempel_noemer or 1)

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_teller, self.quorum_noemer or 1)

    def clean(self):
        fouten = {}
        onbekend = set(self.toegestane_soorten or []) - set(LidSoort.values)
        if not isinstance(self.toegestane_soorten, list) or onbekend:
            fouten["toegestane_soorten"] = _("Kies alleen bekende soorten leden.")
        if not self.drempel_noemer or not self.drempel_teller or self.drempel_teller > self.drempel_noemer:
            fouten["drempel_teller"] = _("De besluitdrempel moet een breuk tussen 0 en 1 zijn, bijvoorbeeld 2/3.")
        elif self.drempel <= Fraction(1, 2):
            # at or below one half a tie would pass: the law asks at least an absolute majority
            fouten["drempel_teller"] = _(
                "De besluitdrempel moet groter zijn dan de helft; anders beslist een gelijke stand."
            )
        if not self.quorum_noemer or self.quorum_teller > self.quorum_noemer:
            fouten["quorum_teller"] = _("Het quorum moet een breuk tussen 0 en 1 zijn (0 = geen quorum).")
        if self.bestuur_omvang < 1:
            fouten["bestuur_omvang"] = _("Een bestuur heeft ten minste één lid.")
        if self.hoogste_orgaan == Orgaan.LEDENRAAD and not self.raad_omvang:
            fouten["raad_omvang"] = _("Geef het aantal zetels van de ledenraad op.")
        if fouten:
            raise ValidationError(fouten)


class Kamer(models.Model):
    """A chamber of the members' council (PO, VO, combination, small): seats are divided over the chambers."""

    cooperatie = models.ForeignKey(Cooperatie, models.CASCADE, related_name="kamers", verbose_name=_("coöperatie"))
    code = models.SlugField(_("code"), max_length=20)
    naam = models.CharField(_("naam"), max_length=100)
    zetels = models.PositiveSmallIntegerField(_("zetels"))
    soorten = models.JSONField(
        _("soorten leden"),
        default=list,
        blank=True,
        help_text=_("Leden van deze soorten horen in deze kamer. Leeg: de medewerkers wijzen leden toe."),
    )
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("kamer")
        verbose_name_plural = _("kamers")
        ordering = ["cooperatie", "volgorde", "naam"]
        constraints = [models.UniqueConstraint(fields=["cooperatie", "code"], name="cooperatie_kamer_code_uniek")]

    def __str__(self):
        return self.naam

    def clean(self):
        if set(self.soorten or []) - set(LidSoort.values):
            raise ValidationError({"soorten": _("Kies alleen bekende soorten leden.")})


class LidQuerySet(models.QuerySet):
    def actief_op(self, datum: datetime.date):
        """Members on that day: the end date is the last day of membership."""
        return self.filter(Q(einddatum__isnull=True) | Q(einddatum__gte=datum), begindatum__lte=datum)


class Lid(models.Model):
    """A member organisation: an mbo institution, or a PO/VO school board in the second profile.

    The facts the admission rules ask about are recorded here as checked by staff, so a refusal (and an admission)
    can always be explained afterwards.
    """

    class OpgezegdDoor(models.TextChoices):
        LID = "lid", _("het lid")
        COOPERATIE = "cooperatie", _("de coöperatie")

    cooperatie = models.ForeignKey(Cooperatie, models.PROTECT, related_name="leden", verbose_name=_("coöperatie"))
    naam = models.CharField(_("naam"), max_length=255)
    instelling = models.ForeignKey(
        "catalogus.Instelling",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lidmaatschappen",
        verbose_name=_("mbo-instelling"),
    )
    bestuur = models.ForeignKey(
        "catalogus.Onderwijsbestuur",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lidmaatschappen",
        verbose_name=_("onderwijsbestuur"),
    )
    begindatum = models.DateField(_("lid sinds"))
    einddatum = models.DateField(_("lid tot en met"), null=True, blank=True)

    soort = models.CharField(_("soort"), max_length=10, choices=LidSoort.choices, default=LidSoort.MBO_INSTELLING)
    publiek_bekostigd = models.BooleanField(_("publiek bekostigd"), default=False)
    mbo_raad_lid = models.BooleanField(_("lid van de MBO Raad"), default=False)
    aanbestedende_dienst = models.BooleanField(_("aanbestedende dienst"), default=False)
    kamer = models.ForeignKey(
        Kamer, models.PROTECT, null=True, blank=True, related_name="leden", verbose_name=_("kamer")
    )

    opgezegd_door = models.CharField(_("opgezegd door"), max_length=12, choices=OpgezegdDoor.choices, blank=True)
    opgezegd_op = models.DateField(_("opgezegd op"), null=True, blank=True)
    opzegreden = models.TextField(_("reden van opzegging"), blank=True)

    objects = LidQuerySet.as_manager()

    class Meta:
        verbose_name = _("lid")
        verbose_name_plural = _("leden")
        ordering = ["naam"]
        constraints = [
            models.CheckConstraint(
                condition=Q(einddatum__isnull=True) | Q(einddatum__gte=models.F("begindatum")),
                name="cooperatie_lid_einde_na_begin",
                violation_error_message=_("De einddatum ligt vóór de begindatum."),
            ),
        ]

    def __str__(self):
        return self.naam

    def is_actief_op(self, datum: datetime.date) -> bool:
        return self.begindatum <= datum and (self.einddatum is None or self.einddatum >= datum)

    def clean(self):
        if self.einddatum and self.begindatum and self.einddatum < self.begindatum:
            raise ValidationError({"einddatum": _("De einddatum ligt vóór de begindatum.")})
        if self.kamer_id and self.cooperatie_id and self.kamer.cooperatie_id != self.cooperatie_id:
            raise ValidationError({"kamer": _("Deze kamer hoort bij een andere coöperatie.")})
        if self.kamer_id and self.kamer.soorten and self.soort not in self.kamer.soorten:
            raise ValidationError(
                {
                    "kamer": _("Een lid van de soort ‘%(soort)s’ hoort niet in deze kamer.")
                    % {"soort": self.get_soort_display()}
                }
            )


class Contactpersoon(models.Model):
    """A person a member names as its contact with the cooperative (business details only).

    A member must always have one; two are preferred. The AV representative receives the personal links to vote
    in advance; the yearly confirmation round asks each contact person to confirm or correct these details.
    """

    lid = models.ForeignKey(Lid, models.CASCADE, related_name="contactpersonen", verbose_name=_("lid"))
    naam = models.CharField(_("naam"), max_length=200)
    functie = models.CharField(_("functie"), max_length=200, blank=True)
    email = models.EmailField(_("zakelijk e-mailadres"))
    telefoon = models.CharField(_("zakelijk telefoonnummer"), max_length=30, blank=True)
    primair = models.BooleanField(_("eerste contactpersoon"), default=False)
    av_vertegenwoordiger = models.BooleanField(
        _("vertegenwoordiger in de vergadering"),
        default=False,
        help_text=_("Stemt namens het lid en ontvangt de persoonlijke link om vooraf te stemmen."),
    )
    financieel = models.BooleanField(_("contactpersoon voor facturen"), default=False)
    bevestigd_op = models.DateTimeField(_("laatst bevestigd op"), null=True, blank=True)
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    gewijzigd_op = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        verbose_name = _("contactpersoon")
        verbose_name_plural = _("contactpersonen")
        ordering = ["lid", "-primair", "naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["lid"],
                condition=Q(primair=True),
                name="cooperatie_een_primaire_contactpersoon",
                violation_error_message=_("Een lid heeft één eerste contactpersoon."),
            ),
            models.UniqueConstraint(
                fields=["lid"],
                condition=Q(av_vertegenwoordiger=True),
                name="cooperatie_een_vertegenwoordiger",
                violation_error_message=_("Een lid heeft één vertegenwoordiger in de vergadering (één stem per lid)."),
            ),
            models.UniqueConstraint(
                fields=["lid", "email"],
                name="cooperatie_contactpersoon_email_uniek",
                violation_error_message=_("Dit lid heeft al een contactpersoon met dit e-mailadres."),
            ),
        ]

    def __str__(self):
        return f"{self.naam} ({self.lid})"

    def save(self, *args, **kwargs):
        self.email = (self.email or "").strip().lower()
        super().save(*args, **kwargs)


class Bevestigingsronde(models.Model):
    """The yearly round in which members confirm who their contact persons are (statutes: 'jaarlijks navraag')."""

    cooperatie = models.ForeignKey(
        Cooperatie, models.PROTECT, related_name="bevestigingsrondes", verbose_name=_("coöperatie")
    )
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    gestart_op = models.DateTimeField(_("gestart op"), auto_now_add=True)
    sluit_op = models.DateField(_("sluit op"), help_text=_("Tot deze dag werken de links in de e-mails."))

    class Meta:
        verbose_name = _("bevestigingsronde contactpersonen")
        verbose_name_plural = _("bevestigingsrondes contactpersonen")
        ordering = ["-jaar", "cooperatie"]
        constraints = [models.UniqueConstraint(fields=["cooperatie", "jaar"], name="cooperatie_een_ronde_per_jaar")]

    def __str__(self):
        return _("Bevestigingsronde %(jaar)s — %(cooperatie)s") % {"jaar": self.jaar, "cooperatie": self.cooperatie}


class Bevestiging(models.Model):
    """One contact person's confirmation in a round; the personal link is stored only as a hash."""

    ronde = models.ForeignKey(Bevestigingsronde, models.CASCADE, related_name="bevestigingen", verbose_name=_("ronde"))
    contactpersoon = models.ForeignKey(
        Contactpersoon, models.CASCADE, related_name="bevestigingen", verbose_name=_("contactpersoon")
    )
    sleutel_hash = models.CharField(max_length=64, unique=True)
    verstuurd_op = models.DateTimeField(_("verstuurd op"))
    herinneringen = models.PositiveSmallIntegerField(_("herinneringen verstuurd"), default=0)
    bevestigd_op = models.DateTimeField(_("bevestigd op"), null=True, blank=True)
    gecorrigeerd = models.BooleanField(_("gegevens gecorrigeerd"), default=False)
    niet_meer_contactpersoon = models.BooleanField(_("meldt: niet langer contactpersoon"), default=False)
    opmerking = models.TextField(_("opmerking voor de coöperatie"), blank=True)

    class Meta:
        verbose_name = _("bevestiging")
        verbose_name_plural = _("bevestigingen")
        ordering = ["ronde", "contactpersoon__lid__naam", "contactpersoon__naam"]
        constraints = [
            models.UniqueConstraint(fields=["ronde", "contactpersoon"], name="cooperatie_een_bevestiging_per_ronde")
        ]

    def __str__(self):
        return str(self.contactpersoon)


class Raadszetel(models.Model):
    """A seat in the members' council, held by a member's contact person within the member's chamber.

    One seat per member: the council is elected from many boards, and 'one vote per member' keeps holding for
    council votes as it does in a general assembly.
    """

    kamer = models.ForeignKey(Kamer, models.PROTECT, related_name="zetels_bezet", verbose_name=_("kamer"))
    lid = models.ForeignKey(Lid, models.PROTECT, related_name="raadszetels", verbose_name=_("lid"))
    contactpersoon = models.ForeignKey(
        Contactpersoon, models.SET_NULL, null=True, related_name="raadszetels", verbose_name=_("raadslid")
    )
    begindatum = models.DateField(_("begindatum"))
    einddatum = models.DateField(_("einddatum"), null=True, blank=True)

    class Meta:
        verbose_name = _("zetel in de ledenraad")
        verbose_name_plural = _("zetels in de ledenraad")
        ordering = ["kamer", "lid__naam"]
        constraints = [
            models.UniqueConstraint(
                fields=["lid"],
                condition=Q(einddatum__isnull=True),
                name="cooperatie_een_open_zetel_per_lid",
                violation_error_message=_("Dit lid heeft al een zetel in de ledenraad."),
            ),
        ]

    def __str__(self):
        return f"{self.kamer}: {self.lid}"

    def clean(self):
        if not (self.kamer_id and self.lid_id and self.contactpersoon_id):
            return
        if self.lid.kamer_id != self.kamer_id:
            raise ValidationError({"kamer": _("Het lid is niet ingedeeld in deze kamer.")})
        if self.contactpersoon.lid_id != self.lid_id:
            raise ValidationError({"contactpersoon": _("Kies een contactpersoon van dit lid.")})
        if self.einddatum and self.begindatum and self.einddatum < self.begindatum:
            raise ValidationError({"einddatum": _("De einddatum ligt vóór de begindatum.")})
        if self.begindatum:
            bezet = self.kamer.zetels_bezet.exclude(pk=self.pk).filter(
                Q(einddatum__isnull=True) | Q(einddatum__gte=self.begindatum)
            )
            if bezet.count() >= self.kamer.zetels:
                raise ValidationError(
                    {"kamer": _("Alle %(n)s zetels van deze kamer zijn bezet.") % {"n": self.kamer.zetels}}
                )
