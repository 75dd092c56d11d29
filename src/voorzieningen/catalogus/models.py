"""The mbo programme catalogue as RIO registers it, kept in sync by the importers in ``importers/``."""

import datetime

from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

AANBIEDER_CODE = RegexValidator(r"^\d{3}A\d{3}$", _("Een onderwijsaanbiedercode heeft de vorm 123A456."))
LOCATIE_CODE = RegexValidator(r"^\d{3}X\d{3}$", _("Een onderwijslocatiecode heeft de vorm 123X456."))
BESTUUR_CODE = RegexValidator(r"^\d{3}B\d{3}$", _("Een onderwijsbestuurcode heeft de vorm 123B456."))
BRIN = RegexValidator(r"^\d{2}[A-Z]{2}$", _("Een BRIN heeft de vorm 25LX (twee cijfers, twee hoofdletters)."))
CREBO = RegexValidator(r"^\d{5}$", _("Een crebo-code bestaat uit vijf cijfers."))


class Leertraject(models.TextChoices):
    """RIO's LeertrajectMBO: leerweg and default intensity merged into one value."""

    BBL = "BBL", _("Beroepsbegeleidende leerweg (BBL)")
    BOL = "BOL", _("Beroepsopleidende leerweg, voltijd (BOL)")
    BOL_DT = "BOL_DT", _("Beroepsopleidende leerweg, deeltijd (BOL-DT)")
    CBL = "CBL", _("Combinatie BBL, contractonderwijs (CBL)")
    CBL_DT = "CBL_DT", _("Combinatie BBL deeltijd, contractonderwijs (CBL-DT)")
    COL = "COL", _("Combinatie BOL, contractonderwijs (COL)")
    COL_DT = "COL_DT", _("Combinatie BOL deeltijd, contractonderwijs (COL-DT)")
    EX = "EX", _("Examendeelnemer (EX)")
    LBD = "LBD", _("Leven lang ontwikkelen, duaal (LBD)")
    LBV = "LBV", _("Leven lang ontwikkelen, voltijd (LBV)")
    ODT = "ODT", _("Onderwijs-deeltijd (ODT)")
    OVO = "OVO", _("Overig onderwijs (OVO)")

    @classmethod
    def merge(cls, leerweg: str, intensiteit: str) -> "Leertraject":
        """Merge leerweg and default intensity as RIO does: examendeelnemer wins, deeltijd adds _DT."""
        leerweg, intensiteit = leerweg.strip().upper(), intensiteit.strip().lower()
        if intensiteit.startswith("examen"):
            return cls.EX
        if leerweg in {"BOL", "CBL", "COL"} and intensiteit == "deeltijd":
            return cls(f"{leerweg}_DT")
        return cls(leerweg)


class RioType(models.TextChoices):
    """Context under which RIO publishes an onderwijsaanbieder; only CENTRAAL_AANMELDEN_MBO feeds the portal."""

    CENTRAAL_AANMELDEN_MBO = "CENTRAAL_AANMELDEN_MBO", _("Centraal Aanmelden mbo")
    AANMELDEN = "AANMELDEN", _("Aanmelden (eigen aanmeldproces)")
    ALGEMEEN = "ALGEMEEN", _("Algemeen")


class Onderwijsbestuur(models.Model):
    code = models.CharField(_("bestuurcode"), max_length=7, unique=True, validators=[BESTUUR_CODE])
    naam = models.CharField(_("naam"), max_length=255)

    class Meta:
        verbose_name = _("onderwijsbestuur")
        verbose_name_plural = _("onderwijsbesturen")

    def __str__(self):
        return f"{self.naam} ({self.code})"


class Instelling(models.Model):
    """An mbo institution, known by its BRIN (instellingserkenningscode)."""

    brin = models.CharField(_("BRIN"), max_length=4, unique=True, validators=[BRIN])
    naam = models.CharField(_("naam"), max_length=255)
    bestuur = models.ForeignKey(Onderwijsbestuur, models.SET_NULL, null=True, blank=True, related_name="instellingen")
    plaats = models.CharField(_("plaats"), max_length=100, blank=True)
    whitelist_actief = models.BooleanField(
        _("alleen opleidingen op de whitelist tonen"),
        default=False,
        help_text=_("Aan: de portal toont van deze instelling alleen de opleidingen op de whitelist."),
    )
    whitelist = models.ManyToManyField("AangebodenOpleiding", blank=True, related_name="+", verbose_name=_("whitelist"))

    class Meta:
        verbose_name = _("instelling")
        verbose_name_plural = _("instellingen")
        ordering = ["naam"]

    def __str__(self):
        return f"{self.naam} ({self.brin})"


class Onderwijsaanbieder(models.Model):
    code = models.CharField(_("aanbiedercode"), max_length=7, unique=True, validators=[AANBIEDER_CODE])
    naam = models.CharField(_("naam"), max_length=255)
    instelling = models.ForeignKey(Instelling, models.PROTECT, related_name="aanbieders")
    rio_type = models.CharField(_("RIO-type"), max_length=32, choices=RioType.choices)

    class Meta:
        verbose_name = _("onderwijsaanbieder")
        verbose_name_plural = _("onderwijsaanbieders")

    def __str__(self):
        return f"{self.naam} ({self.code})"

    @property
    def voedt_portal(self) -> bool:
        return self.rio_type == RioType.CENTRAAL_AANMELDEN_MBO


class Onderwijslocatie(models.Model):
    code = models.CharField(_("locatiecode"), max_length=7, unique=True, validators=[LOCATIE_CODE])
    straatnaam = models.CharField(_("straat"), max_length=200, blank=True)
    huisnummer = models.CharField(_("huisnummer"), max_length=10, blank=True)
    huisnummertoevoeging = models.CharField(_("toevoeging"), max_length=10, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    plaatsnaam = models.CharField(_("plaats"), max_length=100, blank=True, db_index=True)
    gemeentecode = models.CharField(_("gemeentecode"), max_length=4, blank=True)
    latitude = models.FloatField(_("breedtegraad"), null=True, blank=True)
    longitude = models.FloatField(_("lengtegraad"), null=True, blank=True)

    class Meta:
        verbose_name = _("onderwijslocatie")
        verbose_name_plural = _("onderwijslocaties")

    def __str__(self):
        return f"{self.straatnaam} {self.huisnummer}{self.huisnummertoevoeging}, {self.plaatsnaam} ({self.code})"


class Kwalificatie(models.Model):
    """A qualification or qualification file, identified by its crebo code (erkendeopleidingscode)."""

    crebo = models.CharField(_("crebo"), max_length=5, unique=True, validators=[CREBO])
    naam = models.CharField(_("naam"), max_length=255)
    niveau = models.PositiveSmallIntegerField(
        _("niveau"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    sector = models.CharField(_("sector (btg)"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("kwalificatie")
        verbose_name_plural = _("kwalificaties")
        ordering = ["crebo"]

    def __str__(self):
        return f"{self.crebo} {self.naam}"


class AangebodenOpleiding(models.Model):
    """A programme as one provider offers it at one location in one leertraject."""

    code = models.CharField(_("aangeboden-opleidingcode"), max_length=36, unique=True)
    aanbieder = models.ForeignKey(Onderwijsaanbieder, models.PROTECT, related_name="opleidingen")
    locatie = models.ForeignKey(Onderwijslocatie, models.PROTECT, null=True, blank=True, related_name="opleidingen")
    kwalificatie = models.ForeignKey(Kwalificatie, models.PROTECT, related_name="opleidingen")
    wervingsnaam = models.CharField(_("wervingsnaam"), max_length=225)
    leertraject = models.CharField(_("leertraject"), max_length=8, choices=Leertraject.choices)
    niveau = models.PositiveSmallIntegerField(
        _("niveau"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    actief = models.BooleanField(
        _("actief"), default=True, help_text=_("Inactieve opleidingen bestaan voor instroom in een hoger leerjaar.")
    )
    website = models.URLField(_("website"), max_length=320, blank=True)
    # lower-cased wervingsnaam, crebo and qualification name: one indexed column to search in
    zoektekst = models.TextField(editable=False, default="")
    gewijzigd_op = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("aangeboden opleiding")
        verbose_name_plural = _("aangeboden opleidingen")
        indexes = [
            models.Index(fields=["actief", "niveau", "leertraject"]),
        ]

    def __str__(self):
        return f"{self.wervingsnaam} ({self.kwalificatie.crebo}, {self.leertraject})"

    @staticmethod
    def build_zoektekst(wervingsnaam: str, crebo: str, kwalificatienaam: str) -> str:
        return f"{wervingsnaam} {crebo} {kwalificatienaam}".lower()


class Cohort(models.Model):
    """An instroommoment of an offered programme with its aanmeldperiode (RIO AangebodenOpleidingCohort)."""

    class Status(models.TextChoices):
        OPEN = "O", _("Open")
        GESLOTEN = "G", _("Gesloten")

    opleiding = models.ForeignKey(AangebodenOpleiding, models.CASCADE, related_name="cohorten")
    code = models.CharField(_("cohortcode"), max_length=60)
    status = models.CharField(_("cohortstatus"), max_length=1, choices=Status.choices, default=Status.OPEN)
    begindatum = models.DateField(_("startdatum"))
    aanmelden_vanaf = models.DateField(_("aanmeldperiode vanaf"))
    aanmelden_tot = models.DateField(
        _("aanmeldperiode tot en met"), null=True, blank=True, help_text=_("Leeg: doorlopend aanmelden.")
    )
    einddatum = models.DateField(
        _("einddatum"), null=True, blank=True, help_text=_("Na deze datum is het cohort gesloten voor aanmeldingen.")
    )
    toegangscode = models.CharField(_("toegangscode"), max_length=60, blank=True)
    capaciteit = models.PositiveIntegerField(
        _("capaciteit (deelnemersplaatsen)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(32000)],  # RIO's range for deelnemersplaatsen
    )
    aantal_aanmeldingen = models.PositiveIntegerField(_("aantal aanmeldingen"), default=0)
    door_instelling_ingesteld = models.BooleanField(
        _("toegangscode en capaciteit door de instelling ingesteld"),
        default=False,
        help_text=_("Aan: een import uit RIO/DUO overschrijft toegangscode en capaciteit van dit cohort niet."),
    )

    class Meta:
        verbose_name = _("cohort")
        verbose_name_plural = _("cohorten")
        ordering = ["begindatum", "code"]
        constraints = [models.UniqueConstraint(fields=["opleiding", "code"], name="uniek_cohort_per_opleiding")]

    def __str__(self):
        return f"{self.opleiding.wervingsnaam} — {self.code} ({self.begindatum:%d-%m-%Y})"

    def is_open(self, today: datetime.date) -> bool:
        from .services import cohort_is_open

        return cohort_is_open(self, today)

    @property
    def is_vol(self) -> bool:
        return self.capaciteit is not None and self.aantal_aanmeldingen >= self.capaciteit


class SyncStatus(models.Model):
    """The last successful synchronisation per source, shown on the portal."""

    bron = models.CharField(_("bron"), max_length=50, unique=True)
    laatste_volledige_sync = models.DateTimeField(null=True, blank=True)
    laatste_mutatie_sync = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("synchronisatiestatus")
        verbose_name_plural = _("synchronisatiestatussen")

    def __str__(self):
        return self.bron

    @property
    def laatste_sync(self):
        dates = [d for d in (self.laatste_volledige_sync, self.laatste_mutatie_sync) if d]
        return max(dates) if dates else None


class ImportRun(models.Model):
    """One run of the importer, with its counts and the rows it refused."""

    class Soort(models.TextChoices):
        VOLLEDIG = "full", _("Volledig")
        MUTATIES = "mutations", _("Mutaties")

    class Uitkomst(models.TextChoices):
        BEZIG = "running", _("Bezig")
        GESLAAGD = "success", _("Geslaagd")
        MET_FOUTEN = "partial", _("Geslaagd, met afgekeurde regels")
        MISLUKT = "failed", _("Mislukt")

    bron = models.CharField(_("bron"), max_length=50)
    soort = models.CharField(_("soort"), max_length=10, choices=Soort.choices)
    gestart_op = models.DateTimeField(auto_now_add=True)
    klaar_op = models.DateTimeField(null=True, blank=True)
    uitkomst = models.CharField(max_length=10, choices=Uitkomst.choices, default=Uitkomst.BEZIG)
    aantallen = models.JSONField(default=dict)
    fouten = models.JSONField(default=list)
    melding = models.TextField(blank=True)

    class Meta:
        verbose_name = _("importrun")
        verbose_name_plural = _("importruns")
        ordering = ["-gestart_op"]

    def __str__(self):
        return f"{self.bron} {self.soort} {self.gestart_op:%Y-%m-%d %H:%M}"
