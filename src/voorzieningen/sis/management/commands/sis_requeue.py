import datetime

from django.core.management.base import BaseCommand, CommandError

from voorzieningen.sis import services


class Command(BaseCommand):
    help = "Put a koppelpunt's applications of a date range (at most a year back) in its fetch queue again."

    def add_arguments(self, parser):
        parser.add_argument("--koppelpunt", required=True)
        parser.add_argument("--van", type=datetime.date.fromisoformat, required=True, help="YYYY-MM-DD")
        parser.add_argument("--tot", type=datetime.date.fromisoformat, required=True, help="YYYY-MM-DD (inclusive)")

    def handle(self, koppelpunt, van, tot, **options):
        if tot < van:
            raise CommandError("--tot ligt voor --van")
        try:
            kp = services.actief_koppelpunt(koppelpunt)
        except services.GeenActieveSchool as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{services.zet_periode_terug(kp, van, tot)} aanmelding(en) opnieuw klaargezet")
