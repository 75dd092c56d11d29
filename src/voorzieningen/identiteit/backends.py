"""DigiD backends that refuse a BSN failing the 11-proof before any account exists for it."""

from django.utils.translation import gettext_lazy as _

from digid_eherkenning.backends import DigiDBackend as SamlDigiDBackend
from digid_eherkenning.mock.backends import DigiDBackend as MockDigiDBackend

from .bsn import is_valid_bsn


class ElevenProofMixin:
    def get_or_create_user_from_bsn(self, request, bsn):
        if not is_valid_bsn(bsn):
            self.log_error(request, _("Inloggen geweigerd: het BSN van DigiD voldoet niet aan de elfproef."))
            return None
        return super().get_or_create_user_from_bsn(request, bsn)


class DigiDBackend(ElevenProofMixin, SamlDigiDBackend):
    pass


class DigiDStubBackend(ElevenProofMixin, MockDigiDBackend):
    pass
