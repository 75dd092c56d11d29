"""Right of access (AVG art. 15): everything the portal holds about a student, in one document."""

from voorzieningen.aanmelden.models import Aanmelder, Verstrekking


def _wijziging(w) -> dict:
    return {"status": w.status, "tijdstip": w.tijdstip.isoformat(), "bron": w.bron, "toelichting": w.toelichting}


def alle_gegevens(aanmelder: Aanmelder) -> dict:
    """Person, contact, guardians, prior education, applications with their history and what was disclosed."""
    aanmeldingen = aanmelder.aanmeldingen.select_related("opleiding", "cohort", "instelling").prefetch_related(
        "statuswijzigingen"
    )
    return {
        "persoon": {k: v for k, v in aanmelder.persoon.items() if k != "adres"},
        "adres": aanmelder.adres,
        "adresBijDuoGeheim": aanmelder.adres_geheim,
        "contact": {"email": aanmelder.email, "telefoon": aanmelder.telefoon, "taal": aanmelder.taal},
        "oudersVerzorgers": [o.as_dict() for o in aanmelder.ouders.all()],
        "vooropleidingen": aanmelder.vooropleidingen,
        "gegevensBijDuoOpgehaaldOp": aanmelder.duo_opgehaald_op.isoformat() if aanmelder.duo_opgehaald_op else None,
        "aanmeldingen": [
            {
                "caKetenId": str(a.ca_keten_id),
                "ketenId": a.keten_id,
                "instelling": a.instelling.naam,
                "opleiding": a.opleiding.wervingsnaam,
                "crebo": a.crebo,
                "cohort": a.cohort.code,
                "status": a.status,
                "ingediendOp": a.ingediend_op.isoformat(),
                "leerbedrijf": a.leerbedrijf,
                "gegevensVoorDeSchool": a.gegevens,
                "statushistorie": [
                    {
                        "status": w.status,
                        "tijdstip": w.tijdstip.isoformat(),
                        "bron": w.bron,
                        "toelichting": w.toelichting,
                    }
                    for w in a.statuswijzigingen.all()
                ],
            }
            for a in aanmeldingen
        ],
        "concepten": [
            {"cohort": c.cohort.code, "aangemaaktOp": c.aangemaakt_op.isoformat()}
            for c in aanmelder.concepten.select_related("cohort")
        ],
        "verstrekkingen": [
            {
                "ontvanger": v.ontvanger,
                "gegevens": v.gegevens,
                "grondslag": v.grondslag,
                "tijdstip": v.tijdstip.isoformat(),
            }
            for v in Verstrekking.objects.filter(aanmelder=aanmelder)
        ],
    }
