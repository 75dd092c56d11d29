from django.conf import settings

import pytest

from voorzieningen.catalogus import tasks
from voorzieningen.catalogus.models import AangebodenOpleiding, ImportRun
from voorzieningen.conf.celery import app


def test_nightly_full_sync_is_scheduled_on_a_registered_task():
    entry = settings.CELERY_BEAT_SCHEDULE["rio-full-sync-nightly"]
    assert entry["task"] in app.tasks
    assert entry["schedule"].hour == {2} and entry["schedule"].minute == {30}


@pytest.mark.django_db
def test_full_sync_task_imports_from_the_simulator(settings):
    settings.RIO_API_URL = ""
    settings.RIO_SIMULATOR_SCALE = 0.02
    run = ImportRun.objects.get(pk=tasks.full_sync.delay().get())
    assert run.uitkomst == ImportRun.Uitkomst.GESLAAGD
    assert AangebodenOpleiding.objects.count() == run.aantallen["opleidingen.nieuw"] > 0


@pytest.mark.django_db
def test_load_demo_is_idempotent():
    from django.core.management import call_command

    call_command("load_demo")
    first = AangebodenOpleiding.objects.count()
    call_command("load_demo")
    assert AangebodenOpleiding.objects.count() == first > 0
    assert ImportRun.objects.latest("gestart_op").aantallen["opleidingen.nieuw"] == 0
    from voorzieningen.instellingen.models import Uitnodiging
    from voorzieningen.instellingen.services import is_bruikbaar

    # each run prints a fresh demo invitation link and voids the previous one: never more than one open
    assert [is_bruikbaar(u) for u in Uitnodiging.objects.order_by("pk")] == [False, True]
