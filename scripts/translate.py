"""Fill English translations for new Dutch msgids from a JSON mapping, then compile.

Usage: .venv/bin/python scripts/translate.py translations.json   (a {"dutch": "english"} object)
Without an argument it lists the msgids still missing a translation.
"""

import json
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "src/voorzieningen/locale/en/LC_MESSAGES/django.po"


def main() -> int:
    po = polib.pofile(str(PO))
    if len(sys.argv) > 1:
        mapping = json.loads(Path(sys.argv[1]).read_text())
        for entry in po:
            if entry.msgid in mapping:
                if entry.msgid_plural:
                    singular, plural = mapping[entry.msgid]
                    entry.msgstr_plural = {0: singular, 1: plural}
                else:
                    entry.msgstr = mapping[entry.msgid]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
        po.save()
        po.save_as_mofile(str(PO.with_suffix(".mo")))
    missing = [e for e in po if (not e.translated() or "fuzzy" in e.flags) and not e.obsolete]
    for entry in missing:
        print(json.dumps(entry.msgid, ensure_ascii=False), entry.occurrences[:1])
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
