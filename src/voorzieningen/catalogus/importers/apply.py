"""Write a parsed batch into the catalogue: upserts in bulk, idempotent, all or nothing."""

from collections import Counter

from django.db import models, transaction

from voorzieningen.catalogus.models import (
    AangebodenOpleiding,
    Cohort,
    Instelling,
    Kwalificatie,
    Onderwijsaanbieder,
    Onderwijsbestuur,
    Onderwijslocatie,
)
from voorzieningen.core.bulk import CHUNK, sync_objects
from voorzieningen.core.bulk import chunks as _chunks

from .columns import COHORTEN_FILE, OPLEIDINGEN_FILE
from .rows import ParsedBatch, RowError


def _load(model: type[models.Model], key: str, keys: set) -> dict:
    if len(keys) > 5 * CHUNK:
        return {getattr(o, key): o for o in model.objects.all()}
    found = {}
    for chunk in _chunks(sorted(keys, key=str)):
        found.update({getattr(o, key): o for o in model.objects.filter(**{f"{key}__in": chunk})})
    return found


def _sync(model, existing: dict, desired: dict, make, counts: Counter, label: str, keep_if_blank=()) -> bool:
    """Upsert and add the counts under ``label``; True when rows were created (their pks must be reloaded)."""
    result = sync_objects(model, existing, desired, make, keep_if_blank)
    for key, value in result.items():
        counts[f"{label}.{key}"] += value
    return bool(result["nieuw"])


def _upsert(model, key: str, desired: dict, counts: Counter, label: str, keep_if_blank=()) -> dict:
    """Upsert rows identified by one natural key; returns key -> pk."""
    existing = _load(model, key, set(desired))
    if _sync(model, existing, desired, lambda k, f: model(**{key: k}, **f), counts, label, keep_if_blank):
        existing = _load(model, key, set(desired))
    return {k: existing[k].pk for k in desired}


def _dedupe(records, key, errors: list[RowError], file: str):
    seen = {}
    for record in records:
        k = key(record)
        if k in seen:
            errors.append(RowError(file, 0, "", f"dubbele regel voor {k}: de laatste telt", str(k)))
        seen[k] = record
    return list(seen.values())


@transaction.atomic
def apply_batch(batch: ParsedBatch, *, full: bool) -> dict:
    counts: Counter = Counter()
    errors = batch.errors
    opleidingen = _dedupe(batch.opleidingen, lambda r: r.code, errors, OPLEIDINGEN_FILE)
    cohorten = _dedupe(batch.cohorten, lambda r: (r.opleiding_code, r.code), errors, COHORTEN_FILE)
    upserts = [r for r in opleidingen if not r.verwijderen]

    # a bestuur's name comes from its own registration: only new ones get a placeholder name
    bestuur_codes = {r.bestuur_code for r in upserts if r.bestuur_code}
    known_besturen = _load(Onderwijsbestuur, "code", bestuur_codes)
    besturen = {c: ({} if c in known_besturen else {"naam": f"Bestuur {c}"}) for c in bestuur_codes}
    bestuur_pk = _upsert(Onderwijsbestuur, "code", besturen, counts, "besturen")

    instellingen = {}
    for r in upserts:
        entry = instellingen.setdefault(r.brin, {"naam": r.instelling_naam, "bestuur_id": None})
        entry["naam"] = r.instelling_naam or entry["naam"]
        entry["bestuur_id"] = bestuur_pk.get(r.bestuur_code) or entry["bestuur_id"]
    existing_names = set(_load(Instelling, "brin", set(instellingen)))
    for brin, fields in instellingen.items():
        if not fields["naam"] and brin not in existing_names:
            fields["naam"] = f"Instelling {brin}"
    instelling_pk = _upsert(
        Instelling, "brin", instellingen, counts, "instellingen", keep_if_blank={"naam", "bestuur_id"}
    )

    aanbieders = {
        r.aanbieder_code: {
            "naam": r.aanbieder_naam,
            "instelling_id": instelling_pk[r.brin],
            "rio_type": r.aanbieder_type,
        }
        for r in upserts
    }
    aanbieder_pk = _upsert(Onderwijsaanbieder, "code", aanbieders, counts, "aanbieders")

    locaties = {
        r.locatie_code: {
            "straatnaam": r.straatnaam,
            "huisnummer": r.huisnummer,
            "huisnummertoevoeging": r.huisnummertoevoeging,
            "postcode": r.postcode,
            "plaatsnaam": r.plaatsnaam,
            "gemeentecode": r.gemeentecode,
            "latitude": r.latitude,
            "longitude": r.longitude,
        }
        for r in upserts
        if r.locatie_code
    }
    locatie_pk = _upsert(
        Onderwijslocatie, "code", locaties, counts, "locaties", keep_if_blank={"gemeentecode", "latitude", "longitude"}
    )

    kwalificaties = {r.crebo: {"naam": r.kwalificatie_naam, "niveau": r.niveau, "sector": r.sector} for r in upserts}
    kwalificatie_pk = _upsert(
        Kwalificatie, "crebo", kwalificaties, counts, "kwalificaties", keep_if_blank={"niveau", "sector"}
    )

    desired_opleidingen = {
        r.code: {
            "aanbieder_id": aanbieder_pk[r.aanbieder_code],
            "locatie_id": locatie_pk.get(r.locatie_code),
            "kwalificatie_id": kwalificatie_pk[r.crebo],
            "wervingsnaam": r.wervingsnaam,
            "leertraject": r.leertraject,
            "niveau": r.niveau,
            "actief": r.actief,
            "website": r.website,
            "zoektekst": AangebodenOpleiding.build_zoektekst(r.wervingsnaam, r.crebo, r.kwalificatie_naam),
        }
        for r in upserts
    }
    opleiding_pk = _upsert(AangebodenOpleiding, "code", desired_opleidingen, counts, "opleidingen")

    # cohorts refer to programmes of this batch or already in the catalogue
    referenced = {r.opleiding_code for r in cohorten} - set(opleiding_pk)
    opleiding_pk.update(
        {o.code: o.pk for o in _load(AangebodenOpleiding, "code", referenced).values()} if referenced else {}
    )
    desired_cohorten, cohort_deletes = {}, []
    for r in cohorten:
        pk = opleiding_pk.get(r.opleiding_code)
        if pk is None:
            errors.append(
                RowError(
                    COHORTEN_FILE,
                    0,
                    "AANGEBODEN_OPLEIDINGCODE",
                    f"onbekende opleiding {r.opleiding_code}",
                    r.opleiding_code,
                )
            )
            continue
        if r.verwijderen:
            cohort_deletes.append((pk, r.code))
            continue
        desired_cohorten[(pk, r.code)] = {
            "status": r.status,
            "begindatum": r.begindatum,
            "aanmelden_vanaf": r.aanmelden_vanaf,
            "aanmelden_tot": r.aanmelden_tot,
            "einddatum": r.einddatum,
            "toegangscode": r.toegangscode,
            "capaciteit": r.capaciteit,
        }
    _upsert_cohorten(desired_cohorten, counts)

    if full:
        bad_keys = {e.key.lower() for e in errors if e.key}
        keep = set(opleiding_pk) | bad_keys
        gone = [
            pk
            for code, pk in AangebodenOpleiding.objects.filter(actief=True).values_list("code", "pk")
            if code not in keep
        ]
        for chunk in _chunks(gone):
            AangebodenOpleiding.objects.filter(pk__in=chunk).update(actief=False)
        counts["opleidingen.gedeactiveerd"] += len(gone)
        kept_cohorts = set(desired_cohorten)
        bad_opleidingen = {pk for code, pk in opleiding_pk.items() if code in bad_keys}
        stale = [
            pk
            for pk, opl, code in Cohort.objects.filter(status=Cohort.Status.OPEN).values_list(
                "pk", "opleiding_id", "code"
            )
            if (opl, code) not in kept_cohorts and opl not in bad_opleidingen
        ]
        for chunk in _chunks(stale):
            Cohort.objects.filter(pk__in=chunk).update(status=Cohort.Status.GESLOTEN)
        counts["cohorten.gesloten"] += len(stale)
    else:
        deleted = [r.code for r in opleidingen if r.verwijderen]
        for chunk in _chunks(deleted):
            counts["opleidingen.gedeactiveerd"] += AangebodenOpleiding.objects.filter(
                code__in=chunk, actief=True
            ).update(actief=False)
            Cohort.objects.filter(opleiding__code__in=chunk).update(status=Cohort.Status.GESLOTEN)
        for pk, code in cohort_deletes:
            cohort = Cohort.objects.filter(opleiding_id=pk, code=code).first()
            if cohort is None:
                continue
            if cohort.aantal_aanmeldingen:
                cohort.status = Cohort.Status.GESLOTEN  # applications refer to it: close, keep
                cohort.save(update_fields=["status"])
                counts["cohorten.gesloten"] += 1
            else:
                cohort.delete()
                counts["cohorten.verwijderd"] += 1

    counts["rijen"] = batch.rows_read
    counts["afgekeurd"] = len(errors)
    return dict(counts)


def _upsert_cohorten(desired: dict, counts: Counter) -> None:
    opleiding_ids = {pk for pk, _ in desired}
    if len(opleiding_ids) > 5 * CHUNK:
        cohorts = Cohort.objects.all()
    else:
        cohorts = [c for chunk in _chunks(sorted(opleiding_ids)) for c in Cohort.objects.filter(opleiding_id__in=chunk)]
    existing = {(c.opleiding_id, c.code): c for c in cohorts}
    for key, cohort in existing.items():
        if cohort.door_instelling_ingesteld and key in desired:  # the institution's own settings win
            desired[key] = {k: v for k, v in desired[key].items() if k not in ("toegangscode", "capaciteit")}
    _sync(Cohort, existing, desired, lambda k, f: Cohort(opleiding_id=k[0], code=k[1], **f), counts, "cohorten")
