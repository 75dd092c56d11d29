from django.dispatch import receiver

from voorzieningen.aanmelden.signals import aanmelding_ingediend

from . import services


@receiver(aanmelding_ingediend, dispatch_uid="sis-wachtrij")
def _in_wachtrij(sender, aanmelding, **kwargs):
    services.leg_klaar(aanmelding)
