import datetime
import io

from django.core.management import CommandError, call_command
from django.utils import timezone

import pytest

from voorzieningen.aanmelden.models import Aanmelding
from voorzieningen.aanmelden.statussen import Status
from voorzieningen.aanmelden.tests.conftest import make_student
from voorzieningen.aanmelden.tests.helpers import doorloop, indienen
from voorzieningen.catalogus.tests.factories import CohortFactory
from voorzieningen.sis import services
from voorzieningen.sis.models import Aanlevering, Koppelpunt


@pytest.mark.django_db(transaction=True)
def test_sis_simulate_over_real_http(live_server, client, outbox_direct):
    cohort = CohortFactory()
    koppelpunt = Koppelpunt.objects.create(
        instelling=cohort.opleiding.aanbieder.instelling,
        code="Sim-1",
        standaard=True,
        geldig_vanaf=timezone.now() - datetime.timedelta(days=1),
    )
    sleutel = services.maak_sleutel(koppelpunt)
    for bsn in ("999990019", "999990056", "999990044"):
        client.force_login(make_student(bsn))
        indienen(client, doorloop(client, cohort))
    out = io.StringIO()
    args = ["--url", live_server.url, "--koppelpunt", "Sim-1", "--sleutel", sleutel]
    call_command("sis_simulate", *args, "--statussen", "RECEIVED,OFFERED", stdout=out)
    assert "opgehaald: 3, statussen: 6, gebeurtenissen: 0, fouten: 0" in out.getvalue()
    assert set(Aanmelding.objects.values_list("status", flat=True)) == {Status.OFFERED}
    assert not Aanlevering.objects.filter(in_wachtrij_sinds__isnull=False).exists()

    again = io.StringIO()
    call_command("sis_simulate", *args, stdout=again)  # nothing left, and resends are harmless
    assert "opgehaald: 0" in again.getvalue()
    with pytest.raises(CommandError, match="401"):
        call_command("sis_simulate", "--url", live_server.url, "--koppelpunt", "Sim-1", "--sleutel", "kp_x_y")
