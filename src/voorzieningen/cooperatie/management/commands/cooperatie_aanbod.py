from django.core.management.base import BaseCommand

from voorzieningen.cooperatie.dienstverlening import richt_aanbod_in
from voorzieningen.cooperatie.profielen import richt_profielen_in


class Command(BaseCommand):
    help = (
        "Richt het aanbod van de twee coöperaties in: diensten, basispakket, afhankelijkheidsregels en (mbo) de "
        "tarieven 2021. Idempotent: wat medewerkers al hebben aangepast blijft staan."
    )

    def handle(self, *args, **options):
        for cooperatie in richt_profielen_in().values():
            diensten = richt_aanbod_in(cooperatie)
            self.stdout.write(f"{cooperatie}: {', '.join(d.naam for d in diensten)}")
