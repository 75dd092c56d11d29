"""The norms the sector sets itself (radii, thresholds, voting rule) and what it records about offerings."""

from decimal import Decimal
from fractions import Fraction

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class Overlapmodus(models.TextChoices):
    GEMEENTE = "gemeente", _("Dezelfde gemeente")
    COROP = "corop", _("Hetzelfde COROP-gebied")
    STRAAL = "straal", _("Binnen een straal (km hemelsbreed)")


class Stembasis(models.TextChoices):
    LEDEN = "leden", _("Alle stemgerechtigde leden (afwezig en onthouden tellen niet als voor)")
    UITGEBRACHT = "uitgebracht", _("Uitgebrachte stemmen voor en tegen (onthoudingen tellen niet mee)")


class Regieinstellingen(models.Model):
    """One row: the norms of portfolio regie, set by the sector and changeable without a release.

    Travel time is estimated from straight-line distance: distance × detour factor ÷ door-to-door speed. The
    sector text asks for a different relevant region for entree/level 2 than for level 4, so each level has its
    own norm; specialist programmes with a supra-regional labour market are judged on a wider one.
    """

    omrijfactor = models.DecimalField(
        _("omrijfactor"),
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.30"),
        validators=[MinValueValidator(Decimal("1.00")), MaxValueValidator(Decimal("3.00"))],
        help_text=_("Werkelijke reisafstand gedeeld door de afstand hemelsbreed; 1,3 is gebruikelijk in Nederland."),
    )
    snelheid_kmu = models.PositiveSmallIntegerField(
        _("gemiddelde reissnelheid (km/u)"),
        default=30,
        validators=[MinValueValidator(5), MaxValueValidator(120)],
        help_text=_("Van deur tot deur, met fiets en openbaar vervoer samen; 30 km/u is een voorzichtige schatting."),
    )
    norm_entree_2 = models.PositiveSmallIntegerField(
        _("reistijdnorm entree en niveau 2 (minuten)"), default=45, validators=[MinValueValidator(5)]
    )
    norm_3 = models.PositiveSmallIntegerField(
        _("reistijdnorm niveau 3 (minuten)"), default=60, validators=[MinValueValidator(5)]
    )
    norm_4 = models.PositiveSmallIntegerField(
        _("reistijdnorm niveau 4 (minuten)"), default=75, validators=[MinValueValidator(5)]
    )
    norm_specialistisch = models.PositiveSmallIntegerField(
        _("reistijdnorm specialistische opleidingen (minuten)"),
        default=120,
        validators=[MinValueValidator(5)],
        help_text=_("Voor opleidingen met een bovenregionale arbeidsmarkt."),
    )
    overlap_modus = models.CharField(
        _("standaardgebied voor overlap"), max_length=10, choices=Overlapmodus.choices, default=Overlapmodus.GEMEENTE
    )
    overlap_straal_km = models.PositiveSmallIntegerField(
        _("straal voor overlap (km)"), default=15, validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    daling_drempel_pct = models.PositiveSmallIntegerField(
        _("signaal bij daling van (procent per jaar)"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
        help_text=_("Vroegsignalering: aanbod of inschrijvingen in een regio die jaar op jaar minstens zoveel dalen."),
    )
    krimp_drempel_pct = models.PositiveSmallIntegerField(
        _("krimpsignaal bij verwachte daling van (procent in vijf jaar)"),
        default=10,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    reactietermijn_dagen = models.PositiveSmallIntegerField(
        _("reactietermijn bij een aankondiging (dagen)"), default=42, validators=[MinValueValidator(1)]
    )
    uitvoeringstermijn_dagen = models.PositiveSmallIntegerField(
        _("standaardtermijn om een uitspraak uit te voeren (dagen)"), default=90, validators=[MinValueValidator(1)]
    )
    drempel_teller = models.PositiveSmallIntegerField(_("gekwalificeerde meerderheid: teller"), default=2)
    drempel_noemer = models.PositiveSmallIntegerField(_("gekwalificeerde meerderheid: noemer"), default=3)
    stembasis = models.CharField(_("stembasis"), max_length=12, choices=Stembasis.choices, default=Stembasis.LEDEN)
    quorum_teller = models.PositiveSmallIntegerField(_("quorum: teller"), default=0)
    quorum_noemer = models.PositiveSmallIntegerField(_("quorum: noemer"), default=1)
    email_regie = models.EmailField(
        _("e-mailadres portfolioregie"),
        default="portfolioregie@mbovoorzieningen.example",
        help_text=_("Krijgt bericht van nieuwe casussen, verzoeken om escalatie en verlopen termijnen."),
    )

    class Meta:
        verbose_name = _("instellingen portfolioregie")
        verbose_name_plural = _("instellingen portfolioregie")

    def __str__(self):
        return str(_("Instellingen portfolioregie"))

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton
        super().save(*args, **kwargs)

    @classmethod
    def huidig(cls) -> "Regieinstellingen":
        return cls.objects.get_or_create(pk=1)[0]

    @property
    def drempel(self) -> Fraction:
        return Fraction(self.drempel_teller, self.drempel_noemer)

    @property
    def quorum(self) -> Fraction:
        return Fraction(self.quorum_teller, self.quorum_noemer)

    def clean(self):
        fouten = {}
        if not self.drempel_noemer or not self.quorum_noemer:
            raise ValidationError(_("Een noemer mag niet 0 zijn."))
        if not Fraction(1, 2) < self.drempel <= 1:
            fouten["drempel_teller"] = _("De gekwalificeerde meerderheid ligt boven de helft en ten hoogste op 1.")
        if not 0 <= self.quorum <= 1:
            fouten["quorum_teller"] = _("Het quorum ligt tussen 0 en 1.")
        if not self.norm_entree_2 <= self.norm_3 <= self.norm_4:
            fouten["norm_3"] = _("De reistijdnormen lopen op: entree/niveau 2 ≤ niveau 3 ≤ niveau 4.")
        if fouten:
            raise ValidationError(fouten)


class Aanbodmarkering(models.Model):
    """An institution's offering recorded as capacity-driven or clearly distinct: not counted as overlap.

    The sector text allows two institutions in one region to offer the same programme when one school's capacity
    is not enough, or when the offering is clearly and recognisably distinct — and then the distinction is stated.
    """

    class Soort(models.TextChoices):
        CAPACITEIT = "capaciteit", _("Nodig vanwege capaciteit")
        ONDERSCHEIDEND = "onderscheidend", _("Duidelijk onderscheidend aanbod")

    instelling = models.ForeignKey(
        "catalogus.Instelling", models.CASCADE, related_name="+", verbose_name=_("instelling")
    )
    kwalificatie = models.ForeignKey(
        "catalogus.Kwalificatie", models.CASCADE, related_name="+", verbose_name=_("kwalificatie")
    )
    gemeente = models.ForeignKey(
        "core.Gemeente",
        models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("gemeente"),
        help_text=_("Leeg: geldt voor alle locaties van de instelling."),
    )
    soort = models.CharField(_("soort"), max_length=16, choices=Soort.choices)
    onderbouwing = models.TextField(
        _("onderbouwing"),
        blank=True,
        help_text=_("Verplicht bij onderscheidend aanbod: waarin verschilt het (profiel, arbeidsmarkt, identiteit)?"),
    )
    geldig_tot = models.DateField(_("geldig tot en met"), null=True, blank=True)
    vastgesteld_op = models.DateField(_("vastgesteld op"), auto_now_add=True)

    class Meta:
        verbose_name = _("aanbodmarkering")
        verbose_name_plural = _("aanbodmarkeringen (capaciteit of onderscheidend)")

    def __str__(self):
        return f"{self.instelling} — {self.kwalificatie.crebo}: {self.get_soort_display()}"

    def clean(self):
        if self.soort == self.Soort.ONDERSCHEIDEND and not (self.onderbouwing or "").strip():
            raise ValidationError(
                {"onderbouwing": _("Geef aan waarin het aanbod zich duidelijk en herkenbaar onderscheidt.")}
            )


class Specialisme(models.Model):
    """A specialist programme with a supra-regional labour market: judged on a wider travel norm, kept accessible."""

    kwalificatie = models.OneToOneField(
        "catalogus.Kwalificatie", models.CASCADE, related_name="+", verbose_name=_("kwalificatie")
    )
    onderbouwing = models.TextField(_("onderbouwing"), help_text=_("Waarom is de arbeidsmarkt bovenregionaal?"))
    aangetoond_door = models.ForeignKey(
        "catalogus.Instelling",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("aangetoond door"),
    )
    vastgesteld_op = models.DateField(_("vastgesteld op"), auto_now_add=True)

    class Meta:
        verbose_name = _("specialistische opleiding")
        verbose_name_plural = _("specialistische opleidingen (bovenregionaal)")

    def __str__(self):
        return str(self.kwalificatie)
