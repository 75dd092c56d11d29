from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from voorzieningen.aanmelden.signals import aanmelding_ingediend, aanmelding_ingetrokken, aanmeldingen_geanonimiseerd

from . import services
from .models import Koppelpunt


@receiver(aanmelding_ingediend, dispatch_uid="sis-wachtrij")
def _in_wachtrij(sender, aanmelding, **kwargs):
    services.leg_klaar(aanmelding)


@receiver(aanmelding_ingetrokken, dispatch_uid="sis-intrekking")
def _intrekking(sender, aanmelding, wijziging, **kwargs):
    services.meld_intrekking(aanmelding, wijziging.tijdstip)


@receiver(aanmeldingen_geanonimiseerd, dispatch_uid="sis-anonimiseren")
def _anonimiseer(sender, aanmelding_ids, **kwargs):
    services.anonimiseer(aanmelding_ids)


@receiver([post_save, post_delete], sender=Koppelpunt, dispatch_uid="sis-koppelpunten-cache")
@receiver(m2m_changed, sender=Koppelpunt.aanbieders.through, dispatch_uid="sis-koppelpunten-cache-aanbieders")
def _vergeet(sender, instance, pk_set=None, **kwargs):
    instellingen = {instance.instelling_id}  # a koppelpunt, or an aanbieder when changed from its side
    if not isinstance(instance, Koppelpunt) and pk_set:
        instellingen |= set(Koppelpunt.objects.filter(pk__in=pk_set).values_list("instelling_id", flat=True))
    for instelling_id in instellingen:
        services.vergeet_koppelpunten(instelling_id)
