"""Retention: warn, delete after a year, empty profiles after three months — and the aggregates stay identical."""

import datetime

from django.core import mail
from django.core.management import call_command
from django.utils import timezone

import pytest

from voorzieningen.aanmelden.models import Aanmelder, Aanmelding, Ouder
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.aanmelden.tests.factories import AanmelderFactory, AanmeldingFactory
from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.core.models import AuditLogEntry
from voorzieningen.identiteit.models import User
from voorzieningen.instellingen import statistiek
from voorzieningen.privacy import services

pytestmark = pytest.mark.django_db
NU = timezone.make_aware(datetime.datetime(2027, 11, 1, 3, 15))


def _aanmelder_met_aanmelding(dagen_geleden: int, **kwargs):
    aanmelding = AanmeldingFactory(ingediend_op=NU - datetime.timedelta(days=dagen_geleden), **kwargs)
    aanmelding.aanmelder.email = "sam@example.org"
    aanmelding.aanmelder.save()
    return aanmelding.aanmelder


def _leeg_profiel(dagen_inactief: int):
    aanmelder = AanmelderFactory()
    Aanmelder.objects.filter(pk=aanmelder.pk).update(laatst_actief_op=NU - datetime.timedelta(days=dagen_inactief))
    return aanmelder


def test_a_dry_run_reports_and_changes_nothing(outbox_direct):
    _aanmelder_met_aanmelding(340)
    _aanmelder_met_aanmelding(400)
    _leeg_profiel(100)
    rapport = services.ruim_op(droog=True, nu=NU)
    assert (len(rapport.gewaarschuwd), len(rapport.verwijderd_verlopen), len(rapport.verwijderd_leeg)) == (2, 1, 1)
    assert Aanmelder.objects.count() == 3 and not mail.outbox
    assert "zou" in str(rapport)


def test_warning_once_30_days_before_then_deletion_after_a_year(outbox_direct):
    aanmelder = _aanmelder_met_aanmelding(340)
    services.ruim_op(droog=False, nu=NU)
    services.ruim_op(droog=False, nu=NU + datetime.timedelta(days=1))
    [waarschuwing] = mail.outbox
    assert waarschuwing.to == ["sam@example.org"] and "verwijderen" in waarschuwing.body
    assert Aanmelder.objects.filter(pk=aanmelder.pk).exists()
    services.ruim_op(droog=False, nu=NU + datetime.timedelta(days=26))  # a year gone, but warned 26 days ago
    assert Aanmelder.objects.filter(pk=aanmelder.pk).exists()
    services.ruim_op(droog=False, nu=NU + datetime.timedelta(days=30))
    assert not Aanmelder.objects.filter(pk=aanmelder.pk).exists()
    assert AuditLogEntry.objects.filter(reason="Bewaartermijn verstreken (verlopen)").exists()


def test_a_late_warning_still_gives_the_student_the_full_warning_period(outbox_direct):
    aanmelder = _aanmelder_met_aanmelding(370)  # past the year, never warned (e.g. the job was off)
    services.ruim_op(droog=False, nu=NU)
    assert len(mail.outbox) == 1 and Aanmelder.objects.filter(pk=aanmelder.pk).exists()
    services.ruim_op(droog=False, nu=NU + datetime.timedelta(days=30))
    assert not Aanmelder.objects.filter(pk=aanmelder.pk).exists()


def test_recent_ones_stay_and_empty_profiles_go_after_three_months(outbox_direct):
    recent = _aanmelder_met_aanmelding(100)
    leeg_oud, leeg_nieuw = _leeg_profiel(91), _leeg_profiel(30)
    Ouder.objects.create(aanmelder=leeg_oud, naam="Ouder", telefoon="0612345678")
    call_command("retentie", "--uitvoeren")  # real clock: NU is in the future, so use the service for dates
    services.ruim_op(droog=False, nu=NU)
    assert set(Aanmelder.objects.values_list("pk", flat=True)) == {recent.pk, leeg_nieuw.pk}
    assert not Ouder.objects.exists() and not User.objects.filter(pk=leeg_oud.user_id).exists()


def test_deletion_leaves_no_personal_data_and_the_aggregates_identical(outbox_direct):
    cohort = CohortFactory(begindatum=datetime.date(2027, 9, 1))
    instelling = cohort.opleiding.aanbieder.instelling
    oud = [
        _aanmelder_met_aanmelding(400, cohort=cohort, status=s) for s in [Status.ENROLLED] * 3 + [Status.WITHDRAWN] * 4
    ]
    tweede = AanmeldingFactory(aanmelder=oud[0], ingediend_op=NU - datetime.timedelta(days=390))  # elsewhere
    for _ in range(6):
        _aanmelder_met_aanmelding(20, cohort=cohort)

    def cijfers():
        s = statistiek.statistiek(instelling, schooljaar=2027)
        m = statistiek.meervoud_analyse(instelling, 2027)
        return (
            [(str(p.label), str(p.cel)) for r in (s.per_status, s.per_opleiding, s.per_week) for p in r.punten],
            [str(c) for c in (m.instelling.aanmeldingen, m.instelling.meervoudig, m.instelling.percentage_meervoudig)],
        )

    voor = cijfers()
    services.ruim_op(droog=False, nu=NU)
    services.ruim_op(droog=False, nu=NU + datetime.timedelta(days=31))
    assert not Aanmelder.objects.filter(pk__in=[a.pk for a in oud]).exists()
    assert cijfers() == voor
    weg = Aanmelding.objects.filter(pk=tweede.pk).get()
    assert weg.aanmelder is None and weg.gegevens == {} and weg.meervoud == 2 and weg.geanonimiseerd_op


def test_deletion_leaves_no_trace_of_the_person_in_any_table_or_log(outbox_direct):
    from voorzieningen.aanmelden.models import StatusWijziging, Verstrekking
    from voorzieningen.aanmelden.services import verwijder_omgeving
    from voorzieningen.core.services import Actor, audit_read
    from voorzieningen.core.testing import database_bevat
    from voorzieningen.sis.models import Aanlevering, Koppelpunt, SisLogregel

    bsn, naam, email, ouder = "111222333", "Zwaneveld-Uniek", "zwaneveld@example.org", "Oudervan-Zwaneveld"
    user = User.objects.create(username=User.username_for_bsn(bsn), bsn=bsn)
    aanmelder = AanmelderFactory(user=user, persoon={"voornamen": "Kim", "achternaam": naam}, email=email)
    Ouder.objects.create(aanmelder=aanmelder, naam=ouder, email="ouder@zwaneveld.example", telefoon="0612345678")
    aanmelding = AanmeldingFactory(
        aanmelder=aanmelder,
        gegevens={"persoon": {"bsn": bsn, "achternaam": naam}},
        ontvangstbewijs=f"Ontvangstbewijs voor {naam}, BSN {bsn}",
        kenmerken={"leerlingnummer": naam},
    )
    StatusWijziging.objects.create(
        aanmelding=aanmelding,
        status=Status.SUBMITTED,
        tijdstip=NU,
        bron="instelling",
        toelichting=f"Gesprek met {naam}",
    )
    koppelpunt = Koppelpunt.objects.create(instelling=aanmelding.instelling, code="kp-x", geldig_vanaf=NU)
    Aanlevering.objects.create(aanmelding=aanmelding, koppelpunt=koppelpunt, foutmelding=f"{naam} onbekend")
    SisLogregel.objects.create(aanmelding=aanmelding, soort="FOUTMELDING", tijdstip=NU, detail=f"Fout bij {naam}")
    Verstrekking.objects.create(
        aanmelder=aanmelder, aanmelding=aanmelding, soort_ontvanger="sis", ontvanger="ROC", gegevens=naam,
        grondslag="WEB", tijdstip=NU
    )  # fmt: skip
    audit_read(Actor.system("sis:x"), aanmelding, reason="SIS haalt aanmelding op", subject=bsn)
    assert database_bevat(naam)  # the check can see it before

    verwijder_omgeving(aanmelder, Actor.system("test"))

    for waarde in (bsn, naam, email, ouder, "0612345678"):
        assert database_bevat(waarde) == [], waarde
    assert Aanmelding.objects.filter(pk=aanmelding.pk).exists()  # the anonymous row stays for the statistics
    # the FG can still see, for the trail's own retention period, what happened to this person (by pseudonym)
    assert AuditLogEntry.objects.filter(action="delete", object_type="aanmelden.Aanmelder").exists()


def test_interest_registrations_go_a_year_after_they_were_made():
    from voorzieningen.aanmelden.models import Interessemelding
    from voorzieningen.catalogus.tests.factories import InstellingFactory

    instelling = InstellingFactory()
    oud = Interessemelding.objects.create(instelling=instelling, naam="Oud", email="oud@example.org")
    jong = Interessemelding.objects.create(instelling=instelling, naam="Jong", email="jong@example.org")
    Interessemelding.objects.filter(pk=oud.pk).update(aangemaakt_op=NU - datetime.timedelta(days=366))
    Interessemelding.objects.filter(pk=jong.pk).update(aangemaakt_op=NU - datetime.timedelta(days=364))
    assert services.ruim_op(droog=True, nu=NU).interessemeldingen == 1 and Interessemelding.objects.count() == 2
    services.ruim_op(droog=False, nu=NU)
    assert list(Interessemelding.objects.values_list("naam", flat=True)) == ["Jong"]
    assert AuditLogEntry.objects.filter(object_type="aanmelden.Interessemelding", object_id=str(oud.pk)).exists()
