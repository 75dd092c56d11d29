from django.core.management.base import BaseCommand

from voorzieningen.identiteit.services import seed_digid_stub


class Command(BaseCommand):
    help = "Put the DigiD stub's five test persons in the mock IdP (idempotent)."

    def handle(self, **options):
        self.stdout.write(f"DigiD-stub: {seed_digid_stub()} testpersonen toegevoegd")
