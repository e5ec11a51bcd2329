from django.core.management.base import BaseCommand, CommandError

from sutiao.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "为用户签发 REST API 令牌（令牌只显示这一次）"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="办案系统对接")

    def handle(self, *args, username, name, **options):
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"没有启用中的用户 {username}")
        _, token = ApiToken.issue(user, name)
        self.stdout.write(token)
