from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sutiao import demo
from sutiao.accounts.models import User
from sutiao.accounts.two_factor import RECOVERY


class Command(BaseCommand):
    help = (
        "开发环境：显示某用户验证器当前的动态口令；--recovery-codes N 则为其新增并显示 N 个一次性恢复码"
        "（自动化测试用：同一 30 秒内多次登录时动态口令不能重复使用）"
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--recovery-codes", type=int, default=0)

    def handle(self, *args, username, recovery_codes, **options):
        demo.ensure_development()
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"没有用户 {username}")
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:  # a staff account made since the demo data (e.g. a new organisation's administrator)
            device = TOTPDevice.objects.create(user=user, name="demo", key=demo.OPERATOR_TOTP_KEY, confirmed=True)
        if recovery_codes:
            recovery, _ = StaticDevice.objects.get_or_create(user=user, name=RECOVERY, defaults={"confirmed": True})
            codes = [StaticToken.random_token() for _ in range(recovery_codes)]
            StaticToken.objects.bulk_create([StaticToken(device=recovery, token=c) for c in codes])
            self.stdout.write("\n".join(codes))
            return
        self.stdout.write(
            f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
        )
