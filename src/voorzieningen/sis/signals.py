from django.dispatch import receiver

from voorzieningen.aanmelden.signals import aanmelding_ingediend, aanmelding_ingetrokken, aanmeldingen_geanonimiseerd

from . import services


@receiver(aanmelding_ingediend, dispatch_uid="sis-wachtrij")
def _in_wachtrij(sender, aanmelding, **kwargs):
    services.leg_klaar(aanmelding)


@receiver(aanmelding_ingetrokken, dispatch_uid="sis-intrekking")
def _intrekking(sender, aanmelding, wijziging, **kwargs):
    services.meld_intrekking(aanmelding, wijziging.tijdstip)


@receiver(aanmeldingen_geanonimiseerd, dispatch_uid="sis-anonimiseren")
def _anonimiseer(sender, aanmelding_ids, **kwargs):
    services.anonimiseer(aanmelding_ids)
