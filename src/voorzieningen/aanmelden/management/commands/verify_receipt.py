"""``voorzieningen verify-receipt``: check an application receipt without the web page.

For schools, DUO and the Geschillencommissie, who may get the receipt as a PDF or pasted text and want
a yes or no that does not depend on our website being up.
"""

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from voorzieningen.aanmelden.ontvangstbewijs import (
    OngeldigBewijs,
    code_uit_pdf,
    controleer,
    publieke_sleutel_pem,
    velden,
)


class Command(BaseCommand):
    help = (
        "Verify the signature of an application receipt (ontvangstbewijs): give the code, or --file with a "
        "text file, a receipt PDF or '-' for stdin. Exit code 0 = valid, 1 = not valid."
    )
    stealth_options = ("stdin",)
    # Verification is pure cryptography; it must answer even when the rest of the project has a problem.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("code", nargs="?", help="The receipt code (starts with MBO1.).")
        parser.add_argument("--file", help="Text file or receipt PDF holding the code; '-' reads stdin.")
        parser.add_argument("--public-key", action="store_true", help="Print the public key (PEM) used to verify.")

    def handle(self, *args, **options):
        if options["public_key"]:
            self.stdout.write(publieke_sleutel_pem().rstrip("\n"))
            if not options["code"] and not options["file"]:
                return
        if options["code"] and options["file"]:
            raise CommandError(_("Geef de code óf --file, niet allebei."))
        if options["file"]:
            code = self._read(options["file"], options.get("stdin"))
        elif options["code"]:
            code = options["code"]
        else:
            raise CommandError(_("Geef de code van het ontvangstbewijs, of --file met een tekstbestand of PDF."))
        try:
            bewijs = controleer(code)
        except OngeldigBewijs as fout:
            raise CommandError(_("Ontvangstbewijs NIET geldig: %(bericht)s") % {"bericht": fout.bericht}) from None
        self.stdout.write(self.style.SUCCESS(_("Ontvangstbewijs geldig: ondertekend door het platform.")))
        for label, waarde in velden(bewijs):
            self.stdout.write(f"{label}: " + waarde.replace("\n", " / "))

    def _read(self, name: str, stdin) -> str:
        if name == "-":
            stream = stdin or sys.stdin
            data = stream.buffer.read() if hasattr(stream, "buffer") else stream.read()
        else:
            try:
                data = Path(name).read_bytes()
            except OSError as error:
                raise CommandError(
                    _("Kan %(name)s niet lezen: %(error)s") % {"name": name, "error": error.strerror or error}
                ) from None
        if isinstance(data, str):
            return data
        if data.lstrip().startswith(b"%PDF"):
            code = code_uit_pdf(data)
            if code is None:
                raise CommandError(_("Deze PDF bevat geen code van een ontvangstbewijs van dit platform."))
            return code
        try:
            return data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise CommandError(_("Het bestand is geen tekst (UTF-8) en geen PDF van een ontvangstbewijs.")) from None
