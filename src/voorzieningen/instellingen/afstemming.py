"""Reconciliation (afstemming) of the portal's applications against the institution's own SIS export.

Institutions used to paste both lists into Excel and VLOOKUP. Here the institution admin uploads the SIS's
export (CSV with caKetenId and/or ketenId and a status) and gets the differences both ways, each with a
reason the admin can act on.

Two steps, so a view can show parse problems before comparing:

* ``lees_export(bestand) -> Inlezing``: tolerant parsing of real-world exports (encodings, delimiters, header
  aliases, Dutch status labels). Only the ids and the status are kept; any other column (names, BSN, ...) is
  never read. File-level problems raise ``ExportFout``; bad rows are listed and skipped.
* ``vergelijk(instelling, inlezing) -> Afstemming``: counts and rows per category. Rows only ever describe this
  institution's applications; an id of another institution is reported as such and nothing more.

``als_csv(afstemming)`` yields the differences as CSV lines for a download.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models.functions import Length
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from voorzieningen.aanmelden.models import Aanmelding
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.core.bulk import chunks

MAX_BYTES = 10 * 1024 * 1024
MAX_REGELS = 200_000
# How many leading records may precede the header (a title line, an empty line, export metadata).
KOPREGEL_ZOEKEN = 10
DELIMITERS = (";", "\t", ",")
MAX_WAARDE_IN_MELDING = 40

CA_KETEN_ID, KETEN_ID, STATUS = "ca_keten_id", "keten_id", "status"

# Header names after lower-casing and dropping everything but letters and digits: "CA keten id" -> "caketenid".
KOLOM_ALIASSEN = {
    "caketenid": CA_KETEN_ID,
    "ketenid": KETEN_ID,
    "status": STATUS,
    "aanmeldstatus": STATUS,
    "statusaanmelding": STATUS,
}

# Chain codes (any case) and the Dutch labels SIS exports and the portal show, lower-cased with single spaces.
STATUS_TEKSTEN: dict[str, str] = {
    **{code.lower(): code for code in Status.values},
    "ingediend": Status.SUBMITTED.value,
    "ontvangen": Status.RECEIVED.value,
    "ontvangen door de school": Status.RECEIVED.value,
    "aangeboden": Status.OFFERED.value,
    "onderwijsovereenkomst aangeboden": Status.OFFERED.value,
    "afgewezen": Status.REJECTED.value,
    "ingeschreven": Status.ENROLLED.value,
    "ingetrokken": Status.WITHDRAWN.value,
}

KETEN_ID_RE = re.compile(r"9[0-9]{9}")


class ExportFout(ValidationError):
    """The file as a whole cannot be used (no id column, too large, not a CSV). A ValidationError, so a form's
    ``clean_bestand`` can let it through and the message lands next to the upload field."""


# --- Reading the export ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Exportregel:
    """One usable row of the upload: at least one id; ``status`` is None when missing or not recognised."""

    regel: int
    ca_keten_id: uuid.UUID | None
    keten_id: str | None
    status: str | None


@dataclass(frozen=True)
class Regelfout:
    regel: int
    melding: str  # complete Dutch message, starting with "regel N: "

    def __str__(self):
        return self.melding


@dataclass(frozen=True)
class Dubbel:
    """An id that occurs on more than one row; only the first of ``regels`` is compared."""

    kolom: str  # "caKetenId" or "ketenId"
    waarde: str
    regels: tuple[int, ...]

    @property
    def melding(self) -> str:
        return _(
            "%(kolom)s %(waarde)s komt %(aantal)s keer voor (regels %(regels)s); alleen regel %(eerste)s is vergeleken."
        ) % {
            "kolom": self.kolom,
            "waarde": self.waarde,
            "aantal": len(self.regels),
            "regels": ", ".join(map(str, self.regels)),
            "eerste": self.regels[0],
        }

    def __str__(self):
        return self.melding


@dataclass
class Inlezing:
    """The parsed upload: rows to compare, and what was wrong with the others."""

    regels: list[Exportregel] = field(default_factory=list)
    fouten: list[Regelfout] = field(default_factory=list)
    dubbelen: list[Dubbel] = field(default_factory=list)
    waarschuwingen: list[str] = field(default_factory=list)
    kolommen: dict[str, str] = field(default_factory=dict)  # field (CA_KETEN_ID, ...) -> header as in the file
    codering: str = ""
    scheidingsteken: str = ""
    aantal_regels: int = 0  # non-empty data rows in the file, good or bad

    @property
    def heeft_status(self) -> bool:
        return STATUS in self.kolommen


def _lees_bytes(bestand) -> bytes | str:
    if isinstance(bestand, bytes | bytearray | memoryview):
        return bytes(bestand)
    if isinstance(bestand, str):
        return bestand
    if hasattr(bestand, "seek"):
        try:
            bestand.seek(0)
        except (OSError, ValueError):
            pass
    return bestand.read(MAX_BYTES + 1)


def _decodeer(data: bytes) -> tuple[str, str]:
    """Excel and SIS exports come as UTF-8 (with or without BOM), UTF-16 ("Unicode text") or Windows-1252."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise ExportFout(_("Het bestand lijkt UTF-16, maar is niet leesbaar.")) from exc
    for codering in ("utf-8", "cp1252"):
        try:
            return data.decode(codering), codering
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # never fails


def _kolomnaam(tekst: str) -> str:
    return re.sub(r"[^0-9a-z]", "", tekst.lower())


def _kolommen(record: list[str]) -> dict[str, int]:
    """Field -> column index for the recognised headers; the first of two equal headers wins."""
    gevonden: dict[str, int] = {}
    for index, naam in enumerate(record):
        veld = KOLOM_ALIASSEN.get(_kolomnaam(naam))
        if veld and veld not in gevonden:
            gevonden[veld] = index
    return gevonden


def _zoek_kopregel(tekst: str) -> tuple[str, int, list[str]]:
    """(delimiter, record index of the header, header cells). The delimiter is the one under which the header
    has an id column; several may qualify (a one-column file), then the one recognising most columns wins."""
    beste = None
    for voorkeur, delimiter in enumerate(DELIMITERS):
        reader = csv.reader(io.StringIO(tekst, newline=""), delimiter=delimiter)
        try:
            for index, record in enumerate(reader):
                if index >= KOPREGEL_ZOEKEN:
                    break
                kolommen = _kolommen(record)
                if CA_KETEN_ID in kolommen or KETEN_ID in kolommen:
                    sleutel = (index, -len(kolommen), -len(record), voorkeur)
                    if beste is None or sleutel < beste[0]:
                        beste = (sleutel, delimiter, index, record)
                    break
        except csv.Error:
            continue
    if beste is None:
        try:
            eerste = next((r for r in csv.reader(io.StringIO(tekst, newline=""), delimiter=";") if any(r)), [])
        except csv.Error:  # not even the first line is CSV (a field beyond the csv limit): quote it as text
            eerste = tekst.lstrip().split("\n", 1)[0][:200].split(";")
        gezien = ", ".join(c.strip() for c in eerste if c.strip())[:200]
        raise ExportFout(
            _(
                "Geen kolom caKetenId of ketenId gevonden. De eerste regel moet de kolomnamen bevatten, "
                "bijvoorbeeld caKetenId;ketenId;status. Gevonden: %(gezien)s"
            )
            % {"gezien": gezien or _("(geen kolommen)")}
        )
    return beste[1], beste[2], beste[3]


def _cel(record: list[str], index: int | None) -> str:
    if index is None or index >= len(record):
        return ""
    waarde = record[index].strip()
    # Excel tricks to keep long numbers as text: ="9100000001" and '9100000001
    if waarde.startswith('="') and waarde.endswith('"'):
        waarde = waarde[2:-1].strip()
    return waarde.lstrip("'").strip()


def _toon(waarde: str) -> str:
    return waarde if len(waarde) <= MAX_WAARDE_IN_MELDING else waarde[:MAX_WAARDE_IN_MELDING] + "…"


def status_uit_tekst(tekst: str) -> str | None:
    """A chain code (any case) or a Dutch label -> status code; None when not recognised."""
    return STATUS_TEKSTEN.get(" ".join(tekst.split()).lower())


def lees_export(bestand) -> Inlezing:
    """Parse a SIS export (bytes, str or a file object such as an UploadedFile) into an ``Inlezing``.

    Raises ``ExportFout`` for a file that cannot be used at all; a bad row becomes a ``Regelfout`` and the rest
    is still read. Line numbers are the physical lines of the file (header = line 1 unless a title precedes it),
    the numbers the admin sees when opening the file in Excel.
    """
    data = _lees_bytes(bestand)
    if len(data) > MAX_BYTES:
        raise ExportFout(
            _("Het bestand is groter dan %(mb)s MB. Splits de export, bijvoorbeeld per schooljaar.")
            % {"mb": MAX_BYTES // (1024 * 1024)}
        )
    if isinstance(data, bytes):
        if data.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0")):
            raise ExportFout(_("Dit is een Excel-bestand. Sla het in Excel op als CSV en upload dat bestand."))
        tekst, codering = _decodeer(data)
    else:
        tekst, codering = data.removeprefix("\ufeff"), "tekst"
    tekst = tekst.replace("\x00", "")
    if not tekst.strip():
        raise ExportFout(_("Het bestand is leeg."))

    delimiter, kop_index, kop = _zoek_kopregel(tekst)
    index = _kolommen(kop)
    inlezing = Inlezing(
        kolommen={veld: kop[i].strip() for veld, i in index.items()}, codering=codering, scheidingsteken=delimiter
    )
    if STATUS not in index:
        inlezing.waarschuwingen.append(
            str(_("Geen kolom status gevonden: de aanmeldingen worden vergeleken, de statussen niet."))
        )

    eerste_regel: dict[tuple[str, object], int] = {}  # (kolom, id) -> line of the row that is compared
    dubbel: dict[tuple[str, object], list[int]] = {}
    reader = csv.reader(io.StringIO(tekst, newline=""), delimiter=delimiter)
    vorige = 0
    try:
        for nummer, record in enumerate(reader):
            regel, vorige = vorige + 1, reader.line_num
            if nummer <= kop_index or not any(c.strip() for c in record):
                continue
            inlezing.aantal_regels += 1
            if inlezing.aantal_regels > MAX_REGELS:
                raise ExportFout(
                    _("Het bestand heeft meer dan %(max)s regels. Splits de export, bijvoorbeeld per schooljaar.")
                    % {"max": f"{MAX_REGELS:,}".replace(",", ".")}
                )
            exportregel = _lees_regel(inlezing, regel, record, index)
            if exportregel is None:
                continue
            sleutels = [
                (k, v)
                for k, v in (("caKetenId", exportregel.ca_keten_id), ("ketenId", exportregel.keten_id))
                if v is not None
            ]
            gezien = [s for s in sleutels if s in eerste_regel]
            for sleutel in gezien:
                dubbel.setdefault(sleutel, [eerste_regel[sleutel]]).append(regel)
            if gezien:
                continue
            for sleutel in sleutels:
                eerste_regel[sleutel] = regel
            inlezing.regels.append(exportregel)
    except csv.Error as exc:
        raise ExportFout(
            _("Het bestand is vanaf regel %(regel)s geen leesbare CSV meer (%(fout)s).")
            % {"regel": vorige, "fout": exc}
        ) from exc

    inlezing.dubbelen = [Dubbel(kolom, str(waarde), tuple(regels)) for (kolom, waarde), regels in dubbel.items()]
    if not inlezing.aantal_regels:
        inlezing.waarschuwingen.append(str(_("Het bestand bevat alleen een kopregel, geen aanmeldingen.")))
    return inlezing


def _lees_regel(inlezing: Inlezing, regel: int, record: list[str], index: dict[str, int]) -> Exportregel | None:
    """One data row; problems go to ``inlezing.fouten``. An invalid id skips the row (we cannot know which
    application it means); an unreadable status keeps it, so the application is not wrongly reported missing."""
    fouten = []
    ca_tekst, keten_tekst = _cel(record, index.get(CA_KETEN_ID)), _cel(record, index.get(KETEN_ID))
    ca_keten_id = keten_id = status = None
    if ca_tekst:
        try:
            ca_keten_id = uuid.UUID(ca_tekst)
        except ValueError:
            fouten.append(_("caKetenId '%(waarde)s' is geen geldige UUID") % {"waarde": _toon(ca_tekst)})
    if keten_tekst:
        kandidaat = keten_tekst.removesuffix(".0")
        if KETEN_ID_RE.fullmatch(kandidaat):
            keten_id = kandidaat
        else:
            fouten.append(
                _("ketenId '%(waarde)s' is geen geldig ketenId (10 cijfers, beginnend met 9)")
                % {"waarde": _toon(keten_tekst)}
            )
    if not ca_tekst and not keten_tekst:
        fouten.append(_("geen caKetenId of ketenId"))
    if STATUS in index:
        status_tekst = _cel(record, index[STATUS])
        status = status_uit_tekst(status_tekst)
        if not status_tekst:
            fouten.append(_("status ontbreekt"))
        elif status is None:
            fouten.append(_("status '%(waarde)s' is onbekend") % {"waarde": _toon(status_tekst)})
    for melding in fouten:
        inlezing.fouten.append(
            Regelfout(regel, _("regel %(regel)s: %(melding)s") % {"regel": regel, "melding": melding})
        )
    if (ca_tekst and ca_keten_id is None) or (keten_tekst and keten_id is None) or not (ca_tekst or keten_tekst):
        return None
    return Exportregel(regel, ca_keten_id, keten_id, status)


# --- Comparing ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Categorie:
    sleutel: str
    kant: str  # "portaal": only in the portal; "sis": only in the SIS export; "beide": in both
    label: str
    uitleg: str


# In display order. "gelijk" is only counted, never listed.
CATEGORIEEN: dict[str, Categorie] = {
    c.sleutel: c
    for c in (
        Categorie(
            "nooit_opgehaald",
            "portaal",
            _("Nooit opgehaald door de SIS"),
            _(
                "De aanmelding staat in de portal klaar, maar de SIS heeft haar nooit opgehaald. "
                "Controleer of de koppeling met de SIS werkt."
            ),
        ),
        Categorie(
            "ingetrokken",
            "portaal",
            _("Ingetrokken door de student"),
            _("De student heeft de aanmelding ingetrokken. Dat de SIS haar niet (meer) heeft, is te verwachten."),
        ),
        Categorie(
            "opgehaald_niet_in_sis",
            "portaal",
            _("Opgehaald maar niet in de SIS-export"),
            _(
                "De SIS heeft de aanmelding opgehaald, maar ze staat niet in de export. Mogelijk is ze in de SIS "
                "verwijderd of valt ze buiten de selectie van de export."
            ),
        ),
        Categorie(
            "foutmelding",
            "portaal",
            _("Heeft foutmeldingen"),
            _(
                "De SIS heeft bij deze aanmelding een foutmelding teruggegeven en ze staat niet in de export. "
                "Bekijk de foutmelding in het berichtenlogboek van de aanmelding."
            ),
        ),
        Categorie(
            "onbekend",
            "sis",
            _("Onbekend id"),
            _(
                "Dit id komt in de portal niet voor. Mogelijk is het een tikfout of is de aanmelding niet via de "
                "portal binnengekomen."
            ),
        ),
        Categorie(
            "andere_instelling",
            "sis",
            _("Aanmelding van een andere instelling"),
            _("Dit id hoort bij een aanmelding voor een andere instelling."),
        ),
        Categorie(
            "geanonimiseerd",
            "sis",
            _("Verwijderd of geanonimiseerd in de portal"),
            _(
                "De student heeft zijn omgeving in de portal verwijderd; de aanmelding is geanonimiseerd. "
                "Alleen de ids, de status en de opleiding zijn nog bekend."
            ),
        ),
        Categorie(
            "buiten_selectie",
            "sis",
            _("Buiten de gekozen periode"),
            _(
                "De aanmelding bestaat in de portal voor uw instelling, maar valt buiten het gekozen schooljaar of "
                "de gekozen periode en is daarom niet vergeleken."
            ),
        ),
        Categorie(
            "status_verschilt",
            "beide",
            _("Status verschilt"),
            _(
                "De aanmelding staat in beide lijsten, maar met een andere status. Stuur de juiste status vanuit "
                "de SIS of corrigeer de SIS."
            ),
        ),
        Categorie(
            "status_niet_vergeleken",
            "beide",
            _("Status niet vergeleken"),
            _("De aanmelding staat in beide lijsten, maar de status in de export ontbreekt of is niet herkend."),
        ),
        Categorie("gelijk", "beide", _("Gelijk"), _("De aanmelding staat in beide lijsten met dezelfde status.")),
    )
}


@dataclass(frozen=True)
class Afstemmingsregel:
    """One listed application. For "onbekend" and "andere_instelling" only what the upload itself held is filled
    (ids as uploaded, SIS status); the portal fields stay empty."""

    categorie: str
    ca_keten_id: str
    keten_id: str
    portaal_status: str  # status code, "" when not ours
    sis_status: str  # status code, "" when not in the export or not recognised
    opleiding: str
    ingediend_op: datetime.datetime | None
    regel: int | None  # line in the upload, None for applications only in the portal

    @property
    def portaal_status_label(self) -> str:
        return Status(self.portaal_status).label if self.portaal_status else ""

    @property
    def sis_status_label(self) -> str:
        return Status(self.sis_status).label if self.sis_status else ""


@dataclass(frozen=True)
class Groep:
    """A category with its count and rows, for rendering in display order."""

    sleutel: str
    kant: str
    label: str
    uitleg: str
    aantal: int
    regels: list[Afstemmingsregel]


@dataclass
class Afstemming:
    instelling_id: int
    inlezing: Inlezing
    schooljaar: int | None = None
    vanaf: datetime.date | datetime.datetime | None = None
    tot: datetime.date | datetime.datetime | None = None
    aantal_portaal: int = 0  # this institution's applications in the selection, anonymised ones excluded
    aantallen: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIEEN, 0))
    regels: dict[str, list[Afstemmingsregel]] = field(default_factory=lambda: {k: [] for k in CATEGORIEEN})
    meldingen: list[str] = field(default_factory=list)  # e.g. ids of one row pointing at different applications

    @property
    def aantal_sis(self) -> int:
        return len(self.inlezing.regels)

    @property
    def aantal_verschillen(self) -> int:
        return sum(n for k, n in self.aantallen.items() if k != "gelijk")

    @property
    def groepen(self) -> list[Groep]:
        return [
            Groep(c.sleutel, c.kant, c.label, c.uitleg, self.aantallen[c.sleutel], self.regels[c.sleutel])
            for c in CATEGORIEEN.values()
        ]

    def _voeg_toe(self, regel: Afstemmingsregel):
        self.aantallen[regel.categorie] += 1
        if regel.categorie != "gelijk":
            self.regels[regel.categorie].append(regel)


@dataclass(frozen=True)
class _Eigen:
    """One of this institution's applications, as far as the reconciliation needs it."""

    ca_keten_id: uuid.UUID
    keten_id: str
    status: str
    opleiding: str
    ingediend_op: datetime.datetime
    geanonimiseerd: bool
    opgehaald: bool
    foutmelding: bool

    def regel(self, categorie: str, exportregel: Exportregel | None = None) -> Afstemmingsregel:
        return Afstemmingsregel(
            categorie=categorie,
            ca_keten_id=str(self.ca_keten_id),
            keten_id=self.keten_id,
            portaal_status=self.status,
            sis_status=(exportregel.status or "") if exportregel else "",
            opleiding=self.opleiding,
            ingediend_op=self.ingediend_op,
            regel=exportregel.regel if exportregel else None,
        )


_ANDERE = object()  # another institution's application: deliberately no data at all

_VELDEN = (
    "ca_keten_id",
    "keten_id",
    "status",
    "opleiding__wervingsnaam",
    "ingediend_op",
    "geanonimiseerd_op",
    "aanlevering__opgehaald_op",
    "aanlevering__bevestigd_op",
    "foutlengte",
)


def _eigen(rij) -> _Eigen:
    ca, keten, status, opleiding, ingediend_op, geanonimiseerd_op, opgehaald_op, bevestigd_op, foutlengte = rij
    return _Eigen(
        ca_keten_id=ca if isinstance(ca, uuid.UUID) else uuid.UUID(str(ca)),
        keten_id=keten,
        status=status,
        opleiding=opleiding or "",
        ingediend_op=ingediend_op,
        geanonimiseerd=geanonimiseerd_op is not None,
        opgehaald=opgehaald_op is not None or bevestigd_op is not None,
        foutmelding=bool(foutlengte),
    )


def _grens(waarde, einde: bool) -> datetime.datetime:
    """A date means the whole day in local time; so ``tot`` is inclusive for dates, exclusive for datetimes."""
    if isinstance(waarde, datetime.datetime):
        return waarde if timezone.is_aware(waarde) else timezone.make_aware(waarde)
    dag = waarde + datetime.timedelta(days=1) if einde else waarde
    return timezone.make_aware(datetime.datetime.combine(dag, datetime.time.min))


def _zoek_elders(instelling_id: int, regels: Iterable[Exportregel]) -> tuple[dict, dict]:
    """Look up ids not found in the selection, across all institutions, in chunks: this institution's
    applications outside the selection come back as ``_Eigen``, another institution's only as ``_ANDERE``."""
    per_ca: dict[uuid.UUID, object] = {}
    per_keten: dict[str, object] = {}
    basis = Aanmelding.objects.annotate(foutlengte=Length("aanlevering__foutmelding")).order_by()

    def verwerk(queryset):
        for rij in queryset.values_list("instelling_id", *_VELDEN):
            gevonden = _eigen(rij[1:]) if rij[0] == instelling_id else _ANDERE
            ca = rij[1] if isinstance(rij[1], uuid.UUID) else uuid.UUID(str(rij[1]))
            per_ca[ca] = gevonden
            per_keten[rij[2]] = gevonden

    ca_ids = sorted({r.ca_keten_id for r in regels if r.ca_keten_id is not None}, key=str)
    for deel in chunks(ca_ids):
        verwerk(basis.filter(ca_keten_id__in=deel))
    keten_ids = sorted({r.keten_id for r in regels if r.keten_id is not None and r.ca_keten_id not in per_ca})
    keten_ids = [k for k in keten_ids if k not in per_keten]
    for deel in chunks(keten_ids):
        verwerk(basis.filter(keten_id__in=deel))
    return per_ca, per_keten


def _match(exportregel: Exportregel, per_ca: dict, per_keten: dict):
    """caKetenId first, then ketenId."""
    gevonden = per_ca.get(exportregel.ca_keten_id) if exportregel.ca_keten_id is not None else None
    if gevonden is None and exportregel.keten_id is not None:
        gevonden = per_keten.get(exportregel.keten_id)
    return gevonden


def vergelijk(
    instelling,
    inlezing: Inlezing,
    *,
    schooljaar: int | None = None,
    vanaf: datetime.date | datetime.datetime | None = None,
    tot: datetime.date | datetime.datetime | None = None,
) -> Afstemming:
    """Compare the export with this institution's applications, optionally only a schooljaar and/or a range of
    ``ingediend_op`` (dates inclusive, local time). Queries: one for the selection, then chunks of ``__in`` for
    ids not found in it; never one per row.

    A portal application missing from the export goes to the first of: ingetrokken, foutmelding,
    nooit_opgehaald, opgehaald_niet_in_sis. Anonymised applications are no longer "in the portal": missing
    from the export is then fine, present in it is reported as geanonimiseerd.
    """
    instelling_id = getattr(instelling, "pk", instelling)
    afstemming = Afstemming(instelling_id=instelling_id, inlezing=inlezing, schooljaar=schooljaar, vanaf=vanaf, tot=tot)

    selectie = Aanmelding.objects.filter(instelling_id=instelling_id)
    if schooljaar is not None:
        selectie = selectie.filter(schooljaar=schooljaar)
    if vanaf is not None:
        selectie = selectie.filter(ingediend_op__gte=_grens(vanaf, einde=False))
    if tot is not None:
        selectie = selectie.filter(ingediend_op__lt=_grens(tot, einde=True))
    selectie = selectie.annotate(foutlengte=Length("aanlevering__foutmelding")).order_by("-ingediend_op", "-pk")

    eigen = [_eigen(rij) for rij in selectie.values_list(*_VELDEN)]
    per_ca: dict[uuid.UUID, object] = {a.ca_keten_id: a for a in eigen}
    per_keten: dict[str, object] = {a.keten_id: a for a in eigen}
    afstemming.aantal_portaal = sum(1 for a in eigen if not a.geanonimiseerd)

    niet_gevonden = [r for r in inlezing.regels if _match(r, per_ca, per_keten) is None]
    if niet_gevonden:
        elders_ca, elders_keten = _zoek_elders(instelling_id, niet_gevonden)
        # Selection first: an id found there must not be overwritten by the wider lookup.
        per_ca, per_keten = {**elders_ca, **per_ca}, {**elders_keten, **per_keten}
    in_selectie = {a.ca_keten_id for a in eigen}

    gematcht: dict[uuid.UUID, int] = {}  # own application -> line that matched it
    for exportregel in inlezing.regels:
        gevonden = _match(exportregel, per_ca, per_keten)
        if gevonden is None:
            afstemming._voeg_toe(_sis_regel("onbekend", exportregel))
            continue
        if gevonden is _ANDERE:
            afstemming._voeg_toe(_sis_regel("andere_instelling", exportregel))
            continue
        if not _controleer_ids(afstemming, exportregel, gevonden, gematcht):
            continue
        if gevonden.geanonimiseerd:
            categorie = "geanonimiseerd"
        elif gevonden.ca_keten_id not in in_selectie:
            categorie = "buiten_selectie"
        elif exportregel.status is None:
            categorie = "status_niet_vergeleken"
        elif exportregel.status == gevonden.status:
            categorie = "gelijk"
        else:
            categorie = "status_verschilt"
        afstemming._voeg_toe(gevonden.regel(categorie, exportregel))

    for aanmelding in eigen:
        if aanmelding.geanonimiseerd or aanmelding.ca_keten_id in gematcht:
            continue
        if aanmelding.status == Status.WITHDRAWN:
            categorie = "ingetrokken"
        elif aanmelding.foutmelding:
            categorie = "foutmelding"
        elif not aanmelding.opgehaald:
            categorie = "nooit_opgehaald"
        else:
            categorie = "opgehaald_niet_in_sis"
        afstemming._voeg_toe(aanmelding.regel(categorie))
    return afstemming


def _sis_regel(categorie: str, exportregel: Exportregel) -> Afstemmingsregel:
    """A row about an id that is not (or not any more visibly) ours: only what the upload itself contained."""
    return Afstemmingsregel(
        categorie=categorie,
        ca_keten_id=str(exportregel.ca_keten_id) if exportregel.ca_keten_id else "",
        keten_id=exportregel.keten_id or "",
        portaal_status="",
        sis_status=exportregel.status or "",
        opleiding="",
        ingediend_op=None,
        regel=exportregel.regel,
    )


def _controleer_ids(afstemming: Afstemming, exportregel: Exportregel, gevonden: _Eigen, gematcht: dict) -> bool:
    """Warn when a row's two ids disagree, and skip a second row for the same application (e.g. one row with
    only its caKetenId, another with only its ketenId). Only ever about this institution's applications."""
    if (exportregel.ca_keten_id is not None and exportregel.ca_keten_id != gevonden.ca_keten_id) or (
        exportregel.keten_id is not None and exportregel.keten_id != gevonden.keten_id
    ):
        afstemming.meldingen.append(
            _(
                "regel %(regel)s: caKetenId en ketenId horen niet bij dezelfde aanmelding; vergeleken met "
                "aanmelding %(ca)s (ketenId %(keten)s)."
            )
            % {"regel": exportregel.regel, "ca": gevonden.ca_keten_id, "keten": gevonden.keten_id}
        )
    eerder = gematcht.get(gevonden.ca_keten_id)
    if eerder is not None:
        afstemming.meldingen.append(
            _("regel %(regel)s: dezelfde aanmelding als regel %(eerder)s; alleen regel %(eerder)s is vergeleken.")
            % {"regel": exportregel.regel, "eerder": eerder}
        )
        return False
    gematcht[gevonden.ca_keten_id] = exportregel.regel
    return True


# --- Download ----------------------------------------------------------------------------------------------


def _veilig(waarde: str) -> str:
    """Keep Excel from running a cell as a formula (CSV injection); ids and codes never start like this."""
    return "'" + waarde if waarde[:1] in ("=", "+", "-", "@", "\t", "\r") else waarde


def als_csv(afstemming: Afstemming, *, delimiter: str = ";", bom: bool = True) -> Iterator[str]:
    """The differences as CSV lines (``\\r\\n``-terminated) for a download, one row per listed application,
    then the rows of the upload that could not be compared. ``;`` and a BOM so Dutch Excel opens it right;
    feed it to a StreamingHttpResponse."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")

    def regel(cellen) -> str:
        writer.writerow([_veilig(str(c)) for c in cellen])
        tekst = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return tekst

    kop = regel(
        [
            _("categorie"),
            _("toelichting"),
            "caKetenId",
            "ketenId",
            _("status portal"),
            _("status SIS"),
            _("opleiding"),
            _("ingediend op"),
            _("regel in de export"),
        ]
    )
    yield ("\ufeff" + kop) if bom else kop
    for groep in afstemming.groepen:
        for r in groep.regels:
            ingediend = timezone.localtime(r.ingediend_op).strftime("%Y-%m-%d %H:%M") if r.ingediend_op else ""
            yield regel(
                [
                    groep.label,
                    groep.uitleg,
                    r.ca_keten_id,
                    r.keten_id,
                    r.portaal_status,
                    r.sis_status,
                    r.opleiding,
                    ingediend,
                    r.regel or "",
                ]
            )
    for fout in afstemming.inlezing.fouten:
        yield regel([_("Fout in de export"), fout.melding, "", "", "", "", "", "", fout.regel])
    for dubbel in afstemming.inlezing.dubbelen:
        ca, keten = (dubbel.waarde, "") if dubbel.kolom == "caKetenId" else ("", dubbel.waarde)
        yield regel([_("Dubbel in de export"), dubbel.melding, ca, keten, "", "", "", "", dubbel.regels[1]])
