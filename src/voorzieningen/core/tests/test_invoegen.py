"""The cached INSERT of the hot paths: what save() would write, the key set, no signal to miss."""

from django.db.models.signals import post_save, pre_save
from django.utils import timezone

import pytest

from voorzieningen.aanmelden.models import Aanmelding, StatusWijziging
from voorzieningen.core import invoegen
from voorzieningen.core.invoegen import voeg_in
from voorzieningen.core.models import AuditLogEntry, OutboxBericht
from voorzieningen.sis.models import Aanlevering, SisLogregel

pytestmark = pytest.mark.django_db
ZONDER_SIGNALEN = {Aanmelding, StatusWijziging, AuditLogEntry, OutboxBericht, Aanlevering, SisLogregel}


def test_defaults_and_auto_now_add_are_applied_and_the_key_is_set():
    voor = timezone.now()
    regel = AuditLogEntry(actor_type="system", actor_id="system:test", action="read", object_type="x", reason="r")
    assert voeg_in(regel) is True
    assert regel.pk and not regel._state.adding
    opgeslagen = AuditLogEntry.objects.get(pk=regel.pk)
    assert opgeslagen.timestamp >= voor and opgeslagen.extra == {} and opgeslagen.actor_id == "system:test"


def test_on_conflict_the_existing_row_wins():
    nu = timezone.now()
    eerste = OutboxBericht(kanaal="email", sleutel="email:x", payload={"a": 1}, volgende_poging=nu)
    tweede = OutboxBericht(kanaal="email", sleutel="email:x", payload={"a": 2}, volgende_poging=nu)
    assert voeg_in(eerste, bij_conflict="sleutel") is True
    assert voeg_in(tweede, bij_conflict="sleutel") is False and tweede.pk is None
    assert list(OutboxBericht.objects.values_list("payload", flat=True)) == [{"a": 1}]


def test_nothing_listens_to_saves_of_the_models_written_this_way():
    """voeg_in sends no pre_save/post_save: a receiver added for one of these models would silently miss rows."""
    assert invoegen.GEBRUIKT <= ZONDER_SIGNALEN, "a new model is written with voeg_in: add it here after checking"
    for model in ZONDER_SIGNALEN:
        assert not pre_save.has_listeners(model) and not post_save.has_listeners(model), model
