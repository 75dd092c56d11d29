import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from voorzieningen.catalogus import services
from voorzieningen.catalogus.generator import generate
from voorzieningen.catalogus.models import Instelling
from voorzieningen.core import reference

from ._progress import report


class Command(BaseCommand):
    help = "Load the demo data: a small slice of the national dataset, imported like RIO files. Idempotent."

    def handle(self, **options):
        if reference.data_dir():
            call_command("import_reference", stdout=self.stdout)
        if settings.DIGID_MOCK:
            call_command("seed_digid_stub", stdout=self.stdout)
        dataset = generate(settings.DEMO_DATA_SEED, 0.05)
        with tempfile.TemporaryDirectory() as tmp:
            dataset.write(Path(tmp))
            run = services.import_directory(Path(tmp))
        report(self, run)
        # one institution shows only its whitelist, so the demo shows that mode too
        instelling = Instelling.objects.filter(aanbieders__isnull=False).distinct().order_by("brin").last()
        if instelling and not instelling.whitelist_actief:
            instelling.whitelist_actief = True
            instelling.save(update_fields=["whitelist_actief"])
            picks = instelling.aanbieders.first().opleidingen.order_by("code")[:5]
            instelling.whitelist.add(*picks)
        self._demo_instellingsconfiguratie()
        self._demo_vva()
        self._demo_cooperatie()
        self._demo_portfolio()

    def _demo_portfolio(self):
        """Generated population and enrolment figures, a commissie governance and consultation cases."""
        from voorzieningen.portfolio.demo import laad_demo_portfolio

        aantallen = laad_demo_portfolio()
        self.stdout.write("Demo portfolioregie: " + ", ".join(f"{k} {v}" for k, v in aantallen.items()))

    def _demo_cooperatie(self):
        """The two cooperative profiles, demo members and a working advance-vote link."""
        from voorzieningen.cooperatie.profielen import laad_demo

        laad_demo(self.stdout.write)

    def _demo_instellingsconfiguratie(self):
        """The first institution gets return links, an allowed domain and a registratiecode for the demo."""
        from voorzieningen.instellingen.models import Instellingsconfiguratie

        instelling = Instelling.objects.filter(aanbieders__isnull=False).distinct().order_by("brin").first()
        if instelling is None:
            return
        _, created = Instellingsconfiguratie.objects.get_or_create(
            instelling=instelling,
            defaults={
                "toegestane_domeinen": "example.nl",
                "retour_url_succes": "https://www.example.nl/aanmelden/bedankt",
                "retour_url_fout": "https://www.example.nl/aanmelden/niet-gelukt",
                "registratiecode": "DEMO-ZONDER-BSN",
            },
        )
        if created:
            self.stdout.write(f"Demo: {instelling.naam} heeft registratiecode DEMO-ZONDER-BSN en domein example.nl")
        self._demo_uitnodiging(instelling)

    def _demo_uitnodiging(self, instelling):
        """An invitation link for the institution admin environment, printed so a developer can try it."""
        from voorzieningen.instellingen import services as beheer
        from voorzieningen.instellingen.models import Uitnodiging

        email = "beheerder@example.nl"
        if instelling.beheerders.filter(user__email=email).exists():
            self.stdout.write(f"Demo: instellingsbeheer voor {instelling.naam}: log in als {email} op /beheer/")
            return
        oud = Uitnodiging.objects.filter(instelling=instelling, email=email, gebruikt_op__isnull=True).first()
        try:
            _uitnodiging, token = beheer.nodig_uit(instelling, "Demo Beheerder", email, None, vervangt=oud)
        except beheer.TeveelBeheerders:
            return
        self.stdout.write(
            f"Demo: maak het beheeraccount van {instelling.naam} aan via {beheer.uitnodigingslink(token)}"
        )

    def _demo_vva(self):
        """Koppelpunt MBO in the demo: the simulators as Koppelpunt VO and municipal endpoints, a sandbox sender."""
        from voorzieningen.core.models import Gemeente
        from voorzieningen.koppelpunt import services as vva
        from voorzieningen.koppelpunt.models import Afzender, GemeenteEndpoint, VoIltCode

        VoIltCode.objects.get_or_create(code="0141", defaults={"omschrijving": "vmbo (DUO-simulator)"})
        basis = settings.PUBLIC_BASE_URL + "/simulators/koppelpunt-gemeenten"
        codes = set(Gemeente.objects.filter(actueel=True).values_list("code", flat=True)) or {"0344", "0363"}
        bestaand = set(GemeenteEndpoint.objects.values_list("gemeentecode", flat=True))
        GemeenteEndpoint.objects.bulk_create(
            GemeenteEndpoint(gemeentecode=c, url=f"{basis}/{c}/berichten") for c in sorted(codes - bestaand)
        )
        afzender = Afzender.objects.filter(naam="Demo SIS (sandbox)").first()
        if afzender is None:
            afzender, sleutel = vva.maak_afzender("Demo SIS (sandbox)", sandbox=True)
        else:
            sleutel = vva.vervang_sleutel(afzender)
        self.stdout.write(
            f"Demo: Koppelpunt MBO sandbox-afzender, sleutel {sleutel} (POST /api/koppelpunt/v1/statusberichten)"
        )
