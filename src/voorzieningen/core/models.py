from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLogEntry(models.Model):
    """One read or change of personal data, by a person or a system.

    Holds who, what, when, why and which object — and deliberately no copy of the data itself, so the
    trail does not become a second store of personal data.
    """

    class ActorType(models.TextChoices):
        PERSON = "person", _("Persoon")
        SYSTEM = "system", _("Systeem")
        ANONYMOUS = "anonymous", _("Anoniem")

    class Action(models.TextChoices):
        READ = "read", _("Inzien")
        CREATE = "create", _("Aanmaken")
        UPDATE = "update", _("Wijzigen")
        DELETE = "delete", _("Verwijderen")
        EXPORT = "export", _("Exporteren")
        DISCLOSE = "disclose", _("Verstrekken")

    timestamp = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor_type = models.CharField(_("soort actor"), max_length=16, choices=ActorType.choices)
    actor_id = models.CharField(_("actor"), max_length=200, db_index=True)
    action = models.CharField(_("handeling"), max_length=16, choices=Action.choices)
    object_type = models.CharField(_("objecttype"), max_length=100)
    object_id = models.CharField(_("object"), max_length=100, blank=True)
    subject_ref = models.CharField(
        _("betrokkene"),
        max_length=128,
        blank=True,
        db_index=True,
        help_text=_("Pseudoniem van de betrokken persoon (gehasht), zodat de FG per persoon kan zoeken."),
    )
    reason = models.CharField(_("doel"), max_length=255)
    request_id = models.CharField(_("request-id"), max_length=64, blank=True)
    extra = models.JSONField(_("context"), default=dict, blank=True)

    class Meta:
        verbose_name = _("audit-logregel")
        verbose_name_plural = _("audittrail")
        ordering = ["-timestamp", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.timestamp:%Y-%m-%d %H:%M:%S} {self.actor_id} {self.action} {self.object_type}:{self.object_id}"


class Land(models.Model):
    """A country from BRP landelijke tabel 34 (6030 = Nederland); used to validate addresses."""

    NEDERLAND = "6030"

    code = models.CharField(_("landcode"), max_length=4, primary_key=True)
    omschrijving = models.CharField(_("omschrijving"), max_length=100)
    ingang = models.DateField(_("datum ingang"), null=True, blank=True)
    einde = models.DateField(_("datum einde"), null=True, blank=True)

    class Meta:
        verbose_name = _("land")
        verbose_name_plural = _("landen")
        ordering = ["omschrijving"]

    def __str__(self):
        return f"{self.omschrijving} ({self.code})"


class Gemeente(models.Model):
    """A Dutch municipality (BRP tabel 33 / CBS) with its COROP region and a centroid from postcode areas."""

    code = models.CharField(_("gemeentecode"), max_length=4, primary_key=True)
    naam = models.CharField(_("naam"), max_length=100)
    corop_code = models.CharField(_("COROP-code"), max_length=4, blank=True)
    corop_naam = models.CharField(_("COROP-gebied"), max_length=100, blank=True)
    latitude = models.FloatField(_("breedtegraad"), null=True, blank=True)
    longitude = models.FloatField(_("lengtegraad"), null=True, blank=True)
    actueel = models.BooleanField(_("actueel"), default=True)
    nieuwe_code = models.CharField(_("opgegaan in"), max_length=4, blank=True)

    class Meta:
        verbose_name = _("gemeente")
        verbose_name_plural = _("gemeenten")
        ordering = ["naam"]

    def __str__(self):
        return f"{self.naam} ({self.code})"


class SimulatorMode(models.Model):
    """How a simulator of an external service behaves ('normaal', 'traag', 'onbereikbaar').

    Kept in the database, not in a per-process cache, so a command or a test can make DUO 'down' for
    every web process at once.
    """

    name = models.CharField(_("simulator"), max_length=50, primary_key=True)
    mode = models.CharField(_("gedrag"), max_length=20, default="normaal")

    class Meta:
        verbose_name = _("simulatorgedrag")
        verbose_name_plural = _("simulatorgedrag")

    def __str__(self):
        return f"{self.name}: {self.mode}"


class Postcodegebied(models.Model):
    """A 4-digit postcode area and its municipality (via its woonplaats), for routing on the student's address."""

    pc4 = models.CharField(_("postcode (4 cijfers)"), max_length=4, primary_key=True)
    gemeentecode = models.CharField(_("gemeentecode"), max_length=4)

    class Meta:
        verbose_name = _("postcodegebied")
        verbose_name_plural = _("postcodegebieden")

    def __str__(self):
        return f"{self.pc4} → {self.gemeentecode}"


class OutboxBericht(models.Model):
    """A message for another system, written in the same transaction as the change that causes it.

    Delivered by a worker with retries; the idempotency key makes a second write of the same message a
    no-op, and the payload is emptied once delivered so the outbox keeps no personal data longer than needed.
    """

    class Status(models.TextChoices):
        WACHTEND = "wachtend", _("Wachtend")
        AFGELEVERD = "afgeleverd", _("Afgeleverd")
        MISLUKT = "mislukt", _("Mislukt (dead letter)")

    kanaal = models.CharField(_("kanaal"), max_length=50, db_index=True)
    sleutel = models.CharField(_("idempotentiesleutel"), max_length=200, unique=True)
    payload = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.WACHTEND)
    pogingen = models.PositiveIntegerField(_("pogingen"), default=0)
    volgende_poging = models.DateTimeField(_("volgende poging"), db_index=True)
    laatste_fout = models.TextField(_("laatste fout"), blank=True)
    aangemaakt_op = models.DateTimeField(auto_now_add=True)
    afgeleverd_op = models.DateTimeField(null=True, blank=True)
    groep = models.CharField(
        _("volgordegroep"),
        max_length=200,
        blank=True,
        db_index=True,
        help_text=_("Berichten met dezelfde groep worden in volgorde afgeleverd (bijv. per ontvanger en aanmelding)."),
    )

    class Meta:
        verbose_name = _("uitgaand bericht")
        verbose_name_plural = _("uitgaande berichten (outbox)")
        ordering = ["aangemaakt_op", "pk"]
        indexes = [models.Index(fields=["status", "volgende_poging"])]

    def __str__(self):
        return f"{self.kanaal}:{self.sleutel} ({self.status})"
