"""The audit search takes a BSN: nine ASCII digits, not what str.isdigit() also calls digits."""

import pytest

from voorzieningen.privacy.forms import AuditZoekForm

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("bsn", ["²²²²²²²²²", "٩٩٩٩٩٠٠١٩", "９９９９９００１９", "12345678"])
def test_a_bsn_is_nine_ascii_digits(bsn):
    form = AuditZoekForm(data={"bsn": bsn})
    assert not form.is_valid() and form.errors["bsn"] == ["Een BSN bestaat uit 9 cijfers."]


def test_nine_digits_are_searched(bsn="999990019"):
    form = AuditZoekForm(data={"bsn": f" {bsn} "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["bsn"] == bsn
