"""Copy the NL Design System CSS and htmx from node_modules into the committed static folder.

The output is committed so `make run` needs no Node.js; `make css` rebuilds it after a package update.
"""

import re
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
NODE = ROOT / "node_modules"
STATIC = ROOT / "src" / "voorzieningen" / "core" / "static" / "core" / "vendor"

BUNDLE = [
    NODE / "@utrecht/design-tokens/dist/theme.css",
    NODE / "@utrecht/component-library-css/dist/index.css",
]


def main() -> None:
    STATIC.mkdir(parents=True, exist_ok=True)
    parts = []
    for source in BUNDLE:
        text = source.read_text()
        # keep one licence header per file, drop the rest of the comments to save bytes
        text = re.sub(r"/\*(?!\*\s*\n \* @license).*?\*/", "", text, flags=re.S)
        parts.append(f"/* from {source.relative_to(NODE)} */\n{text.strip()}\n")
    (STATIC / "nlds.css").write_text("\n".join(parts))
    shutil.copy(NODE / "htmx.org/dist/htmx.min.js", STATIC / "htmx.min.js")
    print(f"wrote {STATIC / 'nlds.css'} ({(STATIC / 'nlds.css').stat().st_size} bytes) and htmx.min.js")


if __name__ == "__main__":
    main()
