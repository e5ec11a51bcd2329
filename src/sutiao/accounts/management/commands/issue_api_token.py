from django.core.management.base import BaseCommand, CommandError

from sutiao.accounts import tokens
from sutiao.accounts.models import User
from sutiao.kernel.errors import DomainError


class Command(BaseCommand):
    help = (
        "为用户签发 REST API 令牌（令牌只显示这一次）：--scope 可重复（如 --scope cases:read --scope cases:write），"
        "--all-scopes 为本平台全部权限；可一次为多个用户各签发一个，每行一个令牌，顺序同用户名"
    )

    def add_arguments(self, parser):
        parser.add_argument("usernames", nargs="+", metavar="username")
        parser.add_argument("--name", default="办案系统对接")
        parser.add_argument("--scope", action="append", default=[], help="权限范围 <resource>:read|write")
        parser.add_argument("--all-scopes", action="store_true")
        parser.add_argument("--days", type=int, default=tokens.DEFAULT_DAYS)

    def handle(self, *args, usernames, name, scope, all_scopes, days, **options):
        users = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
        missing = [u for u in usernames if u not in users]
        if missing:
            raise CommandError(f"没有启用中的用户 {'、'.join(missing)}")
        known = [code for code, _ in tokens.scope_choices()]
        issued = []
        try:
            for username in usernames:
                _, token = tokens.issue_token_from_shell(users[username], name, known if all_scopes else scope, days)
                issued.append(token)
        except DomainError as e:
            raise CommandError(f"{e}（可选权限：{'、'.join(known)}）") from e
        self.stdout.write("\n".join(issued))
