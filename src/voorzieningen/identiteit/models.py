import hashlib

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils.translation import gettext_lazy as _

from digid_eherkenning.managers import BaseDigidManager

from .bsn import validate_bsn


class DigidManager(BaseDigidManager):
    """What django-digid-eherkenning asks of the user model: find or create a student by BSN."""

    def get_by_bsn(self, bsn: str):
        return self.get(bsn=bsn)

    def digid_create(self, bsn: str, **kwargs):
        return self.create(username=User.username_for_bsn(bsn), bsn=bsn, **kwargs)


class User(AbstractUser):
    """Staff, institution admins and students. Students log in with DigiD and carry their BSN.

    The username of a student is a pseudonym derived from the BSN, so the BSN itself does not show up
    in admin lists, logs or the audit trail.
    """

    bsn = models.CharField(_("BSN"), max_length=9, unique=True, null=True, blank=True, validators=[validate_bsn])

    objects = UserManager()
    digid_objects = DigidManager()

    class Meta:
        verbose_name = _("gebruiker")
        verbose_name_plural = _("gebruikers")

    @staticmethod
    def username_for_bsn(bsn: str) -> str:
        return "digid-" + hashlib.sha256(f"{settings.SECRET_KEY}:{bsn}".encode()).hexdigest()[:20]

    @property
    def is_student(self) -> bool:
        return bool(self.bsn)
