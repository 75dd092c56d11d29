"""Tariffs, participant counts and invoices of a cooperative.

Money is ``Decimal`` throughout. A line amount is quantity × unit price rounded half-up to cents; VAT is computed per
VAT rate over the sum of the lines at that rate (see ``facturatie.totalen`` for why). An invoice gets its number only
when it is made final, from a per-cooperative per-year counter, and is immutable from then on: corrections go by
credit note.
"""

import re
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .dienstverlening import Dienst
from .leden import Cooperatie, Lid

CENT = Decimal("0.01")

KVK = RegexValidator(r"^\d{8}$", _("Een KvK-nummer bestaat uit acht cijfers."))
OIN = RegexValidator(r"^\d{20}$", _("Een OIN bestaat uit twintig cijfers."))
BTW_NUMMER = RegexValidator(r"^NL\d{9}B\d{2}$", _("Een btw-identificatienummer heeft de vorm NL123456789B01."))
POSTCODE = RegexValidator(r"^\d{4} ?[A-Z]{2}$", _("Een postcode heeft de vorm 1234 AB."))


def valideer_iban(waarde: str) -> None:
    iban = waarde.replace(" ", "").upper()
    # ASCII only: isalnum() also takes 'É' and '²', which int(c, 36) below cannot read.
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}", iban):
        raise ValidationError(_("Dit is geen geldig IBAN."))
    getal = "".join(str(int(c, 36)) for c in iban[4:] + iban[:4])
    if int(getal) % 97 != 1:
        raise ValidationError(_("Dit IBAN klopt niet (controlegetal)."))


def rond_af(bedrag: Decimal) -> Decimal:
    """Half-up to cents, away from zero for negative amounts, so a credit note mirrors its invoice exactly."""
    return bedrag.quantize(CENT, rounding=ROUND_HALF_UP)


class Facturatiegegevens(models.Model):
    """The cooperative as supplier on its invoices (legal name, address, KvK, VAT number, IBAN)."""

    cooperatie = models.OneToOneField(
        Cooperatie, models.CASCADE, related_name="facturatiegegevens", verbose_name=_("coöperatie")
    )
    rechtsnaam = models.CharField(_("statutaire naam"), max_length=200)
    straat = models.CharField(_("straat en huisnummer"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[POSTCODE])
    plaats = models.CharField(_("plaats"), max_length=100)
    kvk_nummer = models.CharField(_("KvK-nummer"), max_length=8, validators=[KVK])
    btw_nummer = models.CharField(_("btw-identificatienummer"), max_length=14, validators=[BTW_NUMMER])
    iban = models.CharField(_("IBAN"), max_length=34, validators=[valideer_iban])
    bic = models.CharField(_("BIC"), max_length=11, blank=True)
    email = models.EmailField(_("e-mailadres voor vragen over facturen"), blank=True)
    betaaltermijn_dagen = models.PositiveSmallIntegerField(_("betaaltermijn (dagen)"), default=30)
    nummer_voorvoegsel = models.CharField(
        _("voorvoegsel factuurnummer"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^[A-Z0-9-]*$", _("Alleen hoofdletters, cijfers en streepjes."))],
        help_text=_("Bijvoorbeeld MBOV-: dan wordt het nummer MBOV-2021-00001."),
    )

    class Meta:
        verbose_name = _("facturatiegegevens van de coöperatie")
        verbose_name_plural = _("facturatiegegevens van de coöperatie")

    def __str__(self):
        return self.rechtsnaam


class Factuurgegevens(models.Model):
    """The member as customer: where its invoices go and what its administration needs on them."""

    lid = models.OneToOneField(Lid, models.CASCADE, related_name="factuurgegevens", verbose_name=_("lid"))
    factuurnaam = models.CharField(
        _("naam op de factuur"), max_length=200, blank=True, help_text=_("Leeg: de naam van het lid.")
    )
    ter_attentie_van = models.CharField(_("ter attentie van"), max_length=200, blank=True)
    straat = models.CharField(_("straat en huisnummer"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=7, validators=[POSTCODE])
    plaats = models.CharField(_("plaats"), max_length=100)
    kvk_nummer = models.CharField(_("KvK-nummer"), max_length=8, blank=True, validators=[KVK])
    oin = models.CharField(
        _("OIN"), max_length=20, blank=True, validators=[OIN], help_text=_("Organisatie-identificatienummer.")
    )
    btw_nummer = models.CharField(_("btw-identificatienummer"), max_length=14, blank=True, validators=[BTW_NUMMER])
    referentie = models.CharField(
        _("referentie van het lid"),
        max_length=100,
        blank=True,
        help_text=_("Inkoopordernummer of kostenplaats die het lid op de factuur wil zien."),
    )
    email = models.EmailField(
        _("e-mailadres voor facturen"),
        blank=True,
        help_text=_(
            "Bijvoorbeeld de crediteurenadministratie. Leeg: de facturen gaan naar de contactpersonen voor facturen."
        ),
    )

    class Meta:
        verbose_name = _("factuurgegevens van een lid")
        verbose_name_plural = _("factuurgegevens van leden")

    def __str__(self):
        return self.factuurnaam or str(self.lid)

    def clean(self):
        if not (self.kvk_nummer or self.oin):
            raise ValidationError(
                _("Vul een KvK-nummer of een OIN in: een e-factuur aan een Nederlandse afnemer vraagt er één van.")
            )


class Tarief(models.Model):
    """The price of one service in one year; its components say how it is computed."""

    dienst = models.ForeignKey(Dienst, models.PROTECT, related_name="tarieven", verbose_name=_("dienst"))
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    btw_percentage = models.DecimalField(
        _("btw-percentage"), max_digits=5, decimal_places=2, default=Decimal("21.00"), validators=[MinValueValidator(0)]
    )
    vastgesteld = models.CharField(
        _("vastgesteld bij"),
        max_length=255,
        blank=True,
        help_text=_("Bijvoorbeeld de ledenovereenkomst of het AV-besluit waarin dit tarief is vastgesteld."),
    )

    class Meta:
        verbose_name = _("tarief")
        verbose_name_plural = _("tarieven")
        ordering = ["dienst__cooperatie", "-jaar", "dienst__volgorde"]
        constraints = [models.UniqueConstraint(fields=["dienst", "jaar"], name="tarief_per_dienst_per_jaar")]

    def __str__(self):
        return f"{self.dienst} {self.jaar}"


class Tariefcomponent(models.Model):
    class Soort(models.TextChoices):
        VAST = "vast", _("vast bedrag per lid")
        PER_GEWOGEN_DEELNEMER = "per_gewogen_deelnemer", _("bedrag per gewogen deelnemer")

    tarief = models.ForeignKey(Tarief, models.CASCADE, related_name="componenten", verbose_name=_("tarief"))
    soort = models.CharField(_("soort"), max_length=30, choices=Soort.choices)
    omschrijving = models.CharField(_("omschrijving op de factuur"), max_length=200)
    prijs = models.DecimalField(
        _("prijs (excl. btw)"), max_digits=12, decimal_places=4, validators=[MinValueValidator(0)]
    )
    weging_bol = models.DecimalField(
        _("weging BOL"), max_digits=6, decimal_places=4, default=Decimal("1"), validators=[MinValueValidator(0)]
    )
    weging_bbl = models.DecimalField(
        _("weging BBL"), max_digits=6, decimal_places=4, default=Decimal("0.35"), validators=[MinValueValidator(0)]
    )
    peiljaar_verschil = models.PositiveSmallIntegerField(
        _("telling van jaar t −"),
        default=2,
        help_text=_("2: voor het tarief van 2021 telt de deelnemertelling van (1 oktober) 2019."),
    )
    volgorde = models.PositiveSmallIntegerField(_("volgorde"), default=0)

    class Meta:
        verbose_name = _("tariefcomponent")
        verbose_name_plural = _("tariefcomponenten")
        ordering = ["tarief", "volgorde", "pk"]

    def __str__(self):
        return self.omschrijving


class Deelnemertelling(models.Model):
    """The number of BOL and BBL participants of a member on the count date (1 October) of a year."""

    lid = models.ForeignKey(Lid, models.PROTECT, related_name="deelnemertellingen", verbose_name=_("lid"))
    jaar = models.PositiveSmallIntegerField(_("jaar van de telling"))
    bol = models.PositiveIntegerField(_("deelnemers BOL"))
    bbl = models.PositiveIntegerField(_("deelnemers BBL"))
    bron = models.CharField(_("bron"), max_length=255, blank=True)
    bijgewerkt_op = models.DateTimeField(_("bijgewerkt op"), auto_now=True)

    class Meta:
        verbose_name = _("deelnemertelling")
        verbose_name_plural = _("deelnemertellingen")
        ordering = ["lid", "-jaar"]
        constraints = [models.UniqueConstraint(fields=["lid", "jaar"], name="telling_per_lid_per_jaar")]

    def __str__(self):
        return f"{self.lid} {self.jaar}"


class Factuurteller(models.Model):
    """The last number used in a cooperative's series of a year; locked while a number is taken, so none is skipped."""

    cooperatie = models.ForeignKey(Cooperatie, models.PROTECT, related_name="+", verbose_name=_("coöperatie"))
    jaar = models.PositiveSmallIntegerField(_("jaar"))
    laatste = models.PositiveIntegerField(_("laatst uitgegeven nummer"), default=0)

    class Meta:
        verbose_name = _("factuurnummerreeks")
        verbose_name_plural = _("factuurnummerreeksen")
        constraints = [models.UniqueConstraint(fields=["cooperatie", "jaar"], name="factuurteller_per_jaar")]

    def __str__(self):
        return f"{self.cooperatie} {self.jaar}: {self.laatste}"


class Onveranderlijk(ValidationError):
    """Raised when something tries to change or delete a final invoice."""


# Fields that record what happened to a final invoice afterwards; they do not change what was invoiced.
NA_DEFINITIEF_WIJZIGBAAR = frozenset({"verzonden_op", "verzonden_aan", "betaald_op"})


class FactuurQuerySet(models.QuerySet):
    def delete(self):
        if self.filter(status=Factuur.Status.DEFINITIEF).exists():
            raise Onveranderlijk(_("Een definitieve factuur kan niet worden verwijderd; maak een creditnota."))
        return super().delete()

    def update(self, **kwargs):
        if set(kwargs) - NA_DEFINITIEF_WIJZIGBAAR and self.filter(status=Factuur.Status.DEFINITIEF).exists():
            raise Onveranderlijk(_("Een definitieve factuur kan niet meer worden gewijzigd; maak een creditnota."))
        return super().update(**kwargs)


class Factuur(models.Model):
    """An invoice or credit note of a cooperative to one member for one contribution year."""

    class Soort(models.TextChoices):
        FACTUUR = "factuur", _("factuur")
        CREDITNOTA = "creditnota", _("creditnota")

    class Status(models.TextChoices):
        CONCEPT = "concept", _("concept")
        DEFINITIEF = "definitief", _("definitief")

    cooperatie = models.ForeignKey(Cooperatie, models.PROTECT, related_name="facturen", verbose_name=_("coöperatie"))
    lid = models.ForeignKey(Lid, models.PROTECT, related_name="facturen", verbose_name=_("lid"))
    soort = models.CharField(_("soort"), max_length=12, choices=Soort.choices, default=Soort.FACTUUR)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.CONCEPT)
    jaar = models.PositiveSmallIntegerField(_("bijdragejaar"))
    nummer = models.CharField(_("factuurnummer"), max_length=30, blank=True, editable=False)
    reeksjaar = models.PositiveSmallIntegerField(_("jaar van de nummerreeks"), null=True, editable=False)
    volgnummer = models.PositiveIntegerField(_("volgnummer"), null=True, editable=False)
    factuurdatum = models.DateField(_("factuurdatum"), null=True, editable=False)
    vervaldatum = models.DateField(_("vervaldatum"), null=True, editable=False)
    origineel = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="creditnotas",
        verbose_name=_("gecrediteerde factuur"),
        editable=False,
    )
    omschrijving = models.CharField(
        _("opmerking op de factuur"),
        max_length=500,
        blank=True,
        help_text=_("Bij een creditnota: waarom de factuur wordt gecrediteerd."),
    )
    leverancier = models.JSONField(_("leverancier (zoals gefactureerd)"), default=dict, editable=False)
    afnemer = models.JSONField(_("afnemer (zoals gefactureerd)"), default=dict, editable=False)
    totaal_excl = models.DecimalField(
        _("totaal excl. btw"), max_digits=12, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    btw_totaal = models.DecimalField(_("btw"), max_digits=12, decimal_places=2, default=Decimal("0.00"), editable=False)
    totaal_incl = models.DecimalField(
        _("totaal incl. btw"), max_digits=12, decimal_places=2, default=Decimal("0.00"), editable=False
    )
    aangemaakt_op = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    definitief_op = models.DateTimeField(_("definitief gemaakt op"), null=True, editable=False)
    verzonden_op = models.DateTimeField(_("verzonden op"), null=True, blank=True, editable=False)
    verzonden_aan = models.CharField(_("verzonden aan"), max_length=500, blank=True, editable=False)
    betaald_op = models.DateField(_("betaald op"), null=True, blank=True)

    objects = FactuurQuerySet.as_manager()

    class Meta:
        verbose_name = _("factuur")
        verbose_name_plural = _("facturen")
        ordering = ["-reeksjaar", "-volgnummer", "-aangemaakt_op"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperatie", "nummer"], condition=~models.Q(nummer=""), name="factuurnummer_uniek"
            ),
            models.UniqueConstraint(
                fields=["cooperatie", "reeksjaar", "volgnummer"],
                condition=models.Q(volgnummer__isnull=False),
                name="factuur_volgnummer_uniek",
            ),
            models.UniqueConstraint(
                fields=["lid", "jaar"],
                condition=models.Q(status="concept", soort="factuur"),
                name="een_conceptfactuur_per_lid_per_jaar",
            ),
            models.CheckConstraint(
                condition=models.Q(status="concept", nummer="") | models.Q(status="definitief") & ~models.Q(nummer=""),
                name="nummer_alleen_definitief",
            ),
        ]

    def __str__(self):
        if self.nummer:
            return f"{self.get_soort_display().capitalize()} {self.nummer}"
        return _("Concept-%(soort)s %(lid)s %(jaar)s") % {
            "soort": self.get_soort_display(),
            "lid": self.lid,
            "jaar": self.jaar,
        }

    def save(self, *args, **kwargs):
        if self._opgeslagen_status() == self.Status.DEFINITIEF:
            oud = type(self).objects.get(pk=self.pk)
            gewijzigd = [
                f.name
                for f in self._meta.concrete_fields
                if f.name not in NA_DEFINITIEF_WIJZIGBAAR and getattr(oud, f.attname) != getattr(self, f.attname)
            ]
            if gewijzigd:
                raise Onveranderlijk(
                    _("%(factuur)s is definitief en kan niet meer worden gewijzigd (%(velden)s); maak een creditnota.")
                    % {"factuur": oud, "velden": ", ".join(gewijzigd)}
                )
            update_fields = kwargs.get("update_fields")
            kwargs["update_fields"] = [
                f for f in (update_fields or NA_DEFINITIEF_WIJZIGBAAR) if f in NA_DEFINITIEF_WIJZIGBAAR
            ]
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._opgeslagen_status() == self.Status.DEFINITIEF:
            raise Onveranderlijk(_("%(factuur)s is definitief en kan niet worden verwijderd.") % {"factuur": self})
        return super().delete(*args, **kwargs)

    @property
    def is_definitief(self) -> bool:
        return self.status == self.Status.DEFINITIEF

    def _opgeslagen_status(self) -> str | None:
        if not self.pk:
            return None
        return type(self).objects.filter(pk=self.pk).values_list("status", flat=True).first()


class FactuurregelQuerySet(models.QuerySet):
    def _raakt_definitief(self) -> bool:
        return self.filter(factuur__status=Factuur.Status.DEFINITIEF).exists()

    def delete(self):
        if self._raakt_definitief():
            raise Onveranderlijk(_("De factuur is definitief; haar regels kunnen niet worden verwijderd."))
        return super().delete()

    def update(self, **kwargs):
        if self._raakt_definitief():
            raise Onveranderlijk(_("De factuur is definitief; haar regels kunnen niet meer worden gewijzigd."))
        return super().update(**kwargs)


class Factuurregel(models.Model):
    factuur = models.ForeignKey(Factuur, models.CASCADE, related_name="regels", verbose_name=_("factuur"))
    volgorde = models.PositiveSmallIntegerField(_("regel"))
    dienst = models.ForeignKey(
        Dienst, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("dienst")
    )
    omschrijving = models.CharField(_("omschrijving"), max_length=255)
    berekening = models.CharField(_("berekening"), max_length=255, blank=True)
    aantal = models.DecimalField(_("aantal"), max_digits=14, decimal_places=4)
    eenheidsprijs = models.DecimalField(_("prijs per eenheid"), max_digits=12, decimal_places=4)
    bedrag = models.DecimalField(_("bedrag excl. btw"), max_digits=12, decimal_places=2, editable=False)
    btw_percentage = models.DecimalField(_("btw-percentage"), max_digits=5, decimal_places=2)

    objects = FactuurregelQuerySet.as_manager()

    class Meta:
        verbose_name = _("factuurregel")
        verbose_name_plural = _("factuurregels")
        ordering = ["factuur", "volgorde"]
        constraints = [models.UniqueConstraint(fields=["factuur", "volgorde"], name="factuurregel_volgorde_uniek")]

    def __str__(self):
        return self.omschrijving

    def save(self, *args, **kwargs):
        if self._factuur_is_definitief():
            raise Onveranderlijk(_("De factuur is definitief; haar regels kunnen niet meer worden gewijzigd."))
        self.bedrag = rond_af(Decimal(self.aantal) * Decimal(self.eenheidsprijs))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        if self._factuur_is_definitief():
            raise Onveranderlijk(_("De factuur is definitief; haar regels kunnen niet worden verwijderd."))
        return super().delete(*args, **kwargs)

    def _factuur_is_definitief(self) -> bool:
        return Factuur.objects.filter(pk=self.factuur_id, status=Factuur.Status.DEFINITIEF).exists()
