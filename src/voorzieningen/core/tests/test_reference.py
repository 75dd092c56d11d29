from django.core.management import call_command

import pytest

from voorzieningen.catalogus.models import Instelling, Kwalificatie
from voorzieningen.core import reference
from voorzieningen.core.models import Gemeente, Land

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir():
    directory = reference.data_dir()
    if directory is None:
        pytest.skip("REFERENCE_DATA_DIR not present")
    return directory


def test_reference_import_is_complete_and_idempotent(data_dir, capsys):
    call_command("import_reference")
    assert Land.objects.get(code=Land.NEDERLAND).omschrijving == "Nederland"
    assert Land.objects.filter(einde__isnull=False).exists()  # historic countries keep their end date
    current = Gemeente.objects.filter(actueel=True)
    assert current.count() == 342
    assert not current.filter(corop_naam="").exists()
    utrecht = Gemeente.objects.get(code="0344")
    assert utrecht.naam == "Utrecht" and 52.0 < utrecht.latitude < 52.2 and 5.0 < utrecht.longitude < 5.2
    assert Gemeente.objects.get(code="0001").nieuwe_code == "0053"  # Adorp merged away
    from voorzieningen.core.services import gemeente_van_postcode

    assert gemeente_van_postcode("3511 AB") == "0344" and gemeente_van_postcode("1011AB") == "0363"
    assert gemeente_van_postcode("") == "" and gemeente_van_postcode("abcd") == ""
    assert Kwalificatie.objects.count() == 4103
    assert Instelling.objects.count() == 57

    capsys.readouterr()
    call_command("import_reference")
    assert "nieuw 0, gewijzigd 0" in capsys.readouterr().out


def test_without_reference_data_the_command_says_so(settings):
    from django.core.management.base import CommandError

    settings.REFERENCE_DATA_DIR = "/nonexistent"
    with pytest.raises(CommandError, match="REFERENCE_DATA_DIR"):
        call_command("import_reference")
