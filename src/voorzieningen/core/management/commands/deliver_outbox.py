from django.core.management.base import BaseCommand

from voorzieningen.core import outbox


class Command(BaseCommand):
    help = "Deliver the outbox messages that are due (what the beat job does every minute)."

    def handle(self, **options):
        self.stdout.write(f"{outbox.lever_openstaande()} bericht(en) afgeleverd")
