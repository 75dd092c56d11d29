"""The ``voorzieningen`` command: Django's manage.py under the project's name.

Commands may be typed with hyphens (``voorzieningen generate-national``) as the documentation does;
they map onto Django's management commands with underscores.
"""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "voorzieningen.conf.settings")
    from django.core.management import execute_from_command_line

    argv = list(sys.argv)
    argv[0] = "voorzieningen"
    if len(argv) > 1 and not argv[1].startswith("-"):
        argv[1] = argv[1].replace("-", "_")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
