"""`sutiao court …` / `sutiao investor …` run a platform's management commands with its settings;
`sutiao up` runs both platforms for development (what `make up` calls)."""

import os
import sys

PLATFORMS = ("court", "investor")
USAGE = """usage:
  sutiao court|investor <django management command> [args]   e.g. sutiao court migrate
  sutiao up [--reset]                                          both platforms with demo data (make up)"""


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if argv[0] == "up":
        from sutiao.devserver import up

        return up(reset="--reset" in argv[1:])
    if argv[0] not in PLATFORMS:
        print(USAGE, file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = f"sutiao.settings.{argv[0]}"
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"sutiao {argv[0]}", *argv[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
