"""`sutiao court …` / `sutiao investor …` run a platform's management commands with its settings;
`sutiao up` runs both platforms for development (what `make up` calls)."""

import os
import sys

from sutiao import lifeline

PLATFORMS = ("court", "investor")
USAGE = """usage:
  sutiao court|investor <django management command> [args]   e.g. sutiao court migrate
  sutiao up [--reset | --no-prepare]                           both platforms with demo data (make up)
      --reset: from empty databases; --no-prepare: no migrations or demo data, the servers only (quick restart)
      on ports $SUTIAO_COURT_PORT (8001) and $SUTIAO_INVESTOR_PORT (8002), audio/video signalling on
      $SUTIAO_MEDIA_PORT (8003), data in $SUTIAO_VAR_DIR (./var)"""


def main(argv: list[str] | None = None) -> int:
    lifeline.follow()  # a server started by `sutiao up` or the tests dies with its starter
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE)
        return 0
    if argv[0] == "up":
        from sutiao.devserver import up

        return up(reset="--reset" in argv[1:], prepare="--no-prepare" not in argv[1:])
    if argv[0] not in PLATFORMS:
        print(USAGE, file=sys.stderr)
        return 2
    os.environ["DJANGO_SETTINGS_MODULE"] = f"sutiao.settings.{argv[0]}"
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"sutiao {argv[0]}", *argv[1:]])
    return 0


if __name__ == "__main__":
    sys.exit(main())
