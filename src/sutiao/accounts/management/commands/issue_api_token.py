from django.core.management.base import BaseCommand, CommandError

from sutiao.accounts import tokens
from sutiao.accounts.models import User
from sutiao.kernel.errors import DomainError


class Command(BaseCommand):
    help = (
        "为用户签发 REST API 令牌（令牌只显示这一次）：--scope 可重复（如 --scope cases:read --scope cases:write），"
        "--all-scopes 为本平台全部权限"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="办案系统对接")
        parser.add_argument("--scope", action="append", default=[], help="权限范围 <resource>:read|write")
        parser.add_argument("--all-scopes", action="store_true")
        parser.add_argument("--days", type=int, default=tokens.DEFAULT_DAYS)

    def handle(self, *args, username, name, scope, all_scopes, days, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有启用中的用户 {username}")
        known = [code for code, _ in tokens.scope_choices()]
        try:
            _, token = tokens.issue_token_from_shell(user, name, known if all_scopes else scope, days)
        except DomainError as e:
            raise CommandError(f"{e}（可选权限：{'、'.join(known)}）") from e
        self.stdout.write(token)
