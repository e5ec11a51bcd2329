from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sutiao import demo


class Command(BaseCommand):
    help = "显示（开发环境）某用户当前的动态口令，或为其创建 TOTP 设备并显示密钥"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        demo.ensure_development()
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} 没有已确认的 TOTP 设备（在 /admin/ 的 TOTP devices 中为其添加）")
        self.stdout.write(
            f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):0{device.digits}d}"
        )
