from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import GemeenteEndpoint


@receiver([post_save, post_delete], sender=GemeenteEndpoint, dispatch_uid="koppelpunt-gemeente-endpoints")
def _vergeet_endpoint(sender, instance, **kwargs):
    """A changed or removed address is not used again by this process; other processes follow within a minute."""
    from .services import GEMEENTE_ENDPOINTS

    GEMEENTE_ENDPOINTS.vergeet_sleutel(instance.gemeentecode)
