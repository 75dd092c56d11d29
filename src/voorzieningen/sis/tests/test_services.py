import datetime

from django.utils import timezone

import pytest

from voorzieningen.aanmelden.tests.helpers import doorloop, indienen
from voorzieningen.catalogus.tests.factories import AanbiederFactory, CohortFactory, OpleidingFactory
from voorzieningen.sis import services
from voorzieningen.sis.models import Aanlevering, Koppelpunt, SisSleutel

pytestmark = pytest.mark.django_db


def _koppelpunt(instelling, code, **kwargs):
    defaults = {"geldig_vanaf": timezone.now() - datetime.timedelta(days=1)}
    return Koppelpunt.objects.create(instelling=instelling, code=code, **{**defaults, **kwargs})


class TestRouting:
    def test_default_takes_all_and_an_extra_one_its_own_aanbieders_from_its_moment(self):
        aanbieder = AanbiederFactory()
        tweede = AanbiederFactory(instelling=aanbieder.instelling)
        standaard = _koppelpunt(aanbieder.instelling, "25LX", standaard=True)
        vanaf = timezone.now() + datetime.timedelta(days=7)
        extra = _koppelpunt(aanbieder.instelling, "25LX-BBL", geldig_vanaf=vanaf)
        extra.aanbieders.add(tweede)
        assert services.koppelpunt_voor(aanbieder, timezone.now()) == standaard
        assert services.koppelpunt_voor(tweede, timezone.now()) == standaard  # not yet in force
        assert services.koppelpunt_voor(tweede, vanaf) == extra
        assert services.koppelpunt_voor(aanbieder, vanaf) == standaard
        extra.actief = False
        extra.save()
        assert services.koppelpunt_voor(tweede, vanaf) == standaard

    def test_the_cached_routing_follows_every_change_at_once(self):
        aanbieder = AanbiederFactory()
        standaard = _koppelpunt(aanbieder.instelling, "25LX", standaard=True)
        assert services.koppelpunt_voor(aanbieder, timezone.now()) == standaard  # now cached
        extra = _koppelpunt(aanbieder.instelling, "25LX-X")
        aanbieder.koppelpunten.add(extra)  # changed from the aanbieder's side
        assert services.koppelpunt_voor(aanbieder, timezone.now()) == extra
        extra.aanbieders.remove(aanbieder)
        assert services.koppelpunt_voor(aanbieder, timezone.now()) == standaard
        extra.aanbieders.add(aanbieder)
        extra.delete()
        assert services.koppelpunt_voor(aanbieder, timezone.now()) == standaard

    def test_a_change_made_by_another_process_reaches_this_ones_copy_through_the_shared_version(self):
        from django.core.cache import cache

        aanbieder = AanbiederFactory()
        standaard = _koppelpunt(aanbieder.instelling, "25LX", standaard=True)
        extra = _koppelpunt(aanbieder.instelling, "25LX-X")
        assert services.koppelpunt_voor(aanbieder, timezone.now()) == standaard  # this process's copy
        # another process adds the aanbieder (no signal here) and sets a new version in the shared cache
        extra.aanbieders.through.objects.bulk_create(
            [extra.aanbieders.through(koppelpunt=extra, onderwijsaanbieder=aanbieder)]
        )
        assert services.koppelpunt_voor(aanbieder, timezone.now()) == standaard  # not yet told
        cache.set(services._versie_sleutel(aanbieder.instelling_id), "een-andere-versie", None)
        assert services.koppelpunt_voor(aanbieder, timezone.now()) == extra
        # an evicted version counts as a change too
        extra.aanbieders.through.objects.filter(koppelpunt=extra).delete()
        cache.delete(services._versie_sleutel(aanbieder.instelling_id))
        assert services.koppelpunt_voor(aanbieder, timezone.now()) == standaard

    def test_an_institution_without_koppelpunt_gets_its_default_one_named_after_the_brin(self):
        aanbieder = AanbiederFactory()
        koppelpunt = services.koppelpunt_voor(aanbieder, timezone.now())
        assert koppelpunt.standaard and koppelpunt.code == aanbieder.instelling.brin
        assert services.koppelpunt_voor(aanbieder, timezone.now()) == koppelpunt

    def test_a_submitted_application_enters_the_queue_of_its_koppelpunt(self, student_client):
        cohort = CohortFactory(opleiding=OpleidingFactory())
        aanbieder = cohort.opleiding.aanbieder
        extra = _koppelpunt(aanbieder.instelling, "EXTRA")
        extra.aanbieders.add(aanbieder)
        indienen(student_client, doorloop(student_client, cohort))
        aanlevering = Aanlevering.objects.get()
        assert aanlevering.koppelpunt == extra and aanlevering.in_wachtrij_sinds and not aanlevering.opgehaald_op


class TestKeys:
    def test_only_a_hash_is_stored_and_rotation_keeps_the_old_key_until_revoked(self):
        koppelpunt = _koppelpunt(AanbiederFactory().instelling, "25LX", standaard=True)
        oud = services.maak_sleutel(koppelpunt)
        assert not SisSleutel.objects.filter(sleutel_hash__contains=oud.split("_")[-1]).exists()
        nieuw = services.maak_sleutel(koppelpunt)
        assert services.authenticeer("25LX", oud) and services.authenticeer("25LX", nieuw)
        assert services.trek_sleutels_in(koppelpunt, behalve=nieuw) == 1
        assert services.authenticeer("25LX", oud) is None
        assert services.authenticeer("25LX", nieuw).koppelpunt == koppelpunt

    def test_a_key_works_only_for_its_own_koppelpunt(self):
        a = _koppelpunt(AanbiederFactory().instelling, "AAAA", standaard=True)
        _koppelpunt(AanbiederFactory().instelling, "BBBB", standaard=True)
        assert services.authenticeer("BBBB", services.maak_sleutel(a)) is None

    @pytest.mark.parametrize("code", ["25lx", "25LX ", "ONBEKEND", ""])
    def test_unknown_or_differently_cased_codes_find_no_active_school(self, code):
        _koppelpunt(AanbiederFactory().instelling, "25LX", standaard=True)
        with pytest.raises(services.GeenActieveSchool, match="geen actieve school gevonden"):
            services.actief_koppelpunt(code)

    def test_inactive_koppelpunt_finds_no_active_school_even_with_a_valid_key(self):
        koppelpunt = _koppelpunt(AanbiederFactory().instelling, "25LX", standaard=True, actief=False)
        sleutel = services.maak_sleutel(koppelpunt)
        with pytest.raises(services.GeenActieveSchool):
            services.actief_koppelpunt("25LX")
        with pytest.raises(services.GeenActieveSchool):
            services.authenticeer("25LX", sleutel)

    def test_a_valid_key_with_a_differently_cased_code_finds_no_active_school(self):
        sleutel = services.maak_sleutel(_koppelpunt(AanbiederFactory().instelling, "25LX", standaard=True))
        with pytest.raises(services.GeenActieveSchool):
            services.authenticeer("25lx", sleutel)


def test_requeue_offers_the_application_again(student_client, cohort):
    indienen(student_client, doorloop(student_client, cohort))
    Aanlevering.objects.update(opgehaald_op=timezone.now(), bevestigd_op=timezone.now(), in_wachtrij_sinds=None)
    assert services.zet_terug_in_wachtrij(Aanlevering.objects.all()) == 1
    aanlevering = Aanlevering.objects.get()
    assert aanlevering.in_wachtrij_sinds and aanlevering.opgehaald_op is None


def test_requeue_a_date_range_at_most_a_year_back(student_client, cohort):
    from django.core.management import call_command

    from voorzieningen.aanmelden.models import Aanmelding

    indienen(student_client, doorloop(student_client, cohort))
    Aanlevering.objects.update(in_wachtrij_sinds=None, bevestigd_op=timezone.now())
    koppelpunt = Aanlevering.objects.get().koppelpunt
    today = timezone.localdate()
    eergisteren, gisteren = today - datetime.timedelta(days=2), today - datetime.timedelta(days=1)
    assert services.zet_periode_terug(koppelpunt, eergisteren, gisteren) == 0
    call_command("sis_requeue", "--koppelpunt", koppelpunt.code, "--van", str(today), "--tot", str(today))
    assert Aanlevering.objects.get().in_wachtrij_sinds is not None

    Aanlevering.objects.update(in_wachtrij_sinds=None)
    Aanmelding.objects.update(ingediend_op=timezone.now() - datetime.timedelta(days=400))
    old = today - datetime.timedelta(days=400)
    assert services.zet_periode_terug(koppelpunt, old, today) == 0  # older than a year


def test_staff_make_a_key_in_the_admin_and_see_it_once(admin_client):
    koppelpunt = _koppelpunt(AanbiederFactory().instelling, "25LX", standaard=True)
    response = admin_client.post(
        "/admin/sis/koppelpunt/", {"action": "nieuwe_sleutel", "_selected_action": [koppelpunt.pk]}, follow=True
    )
    [message] = [str(m) for m in response.context["messages"]]
    sleutel = message.rsplit(": ", 1)[1]
    assert services.authenticeer("25LX", sleutel).koppelpunt == koppelpunt
