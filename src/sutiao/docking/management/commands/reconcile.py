import sys

from django.core.management.base import BaseCommand

from sutiao.docking.models import Peer
from sutiao.docking.reconcile import reconcile


class Command(BaseCommand):
    help = "与对接平台逐案对账：序号、内容摘要与委派状态；报告每一处差异（退出码 1 表示有差异）"

    def add_arguments(self, parser):
        parser.add_argument("--peer", help="只与该平台对账（平台标识）")
        parser.add_argument("--resend", action="store_true", help="对方缺少的本平台消息重新排队发送")

    def handle(self, *args, peer=None, resend=False, **options):
        peers = Peer.objects.filter(active=True, **({"name": peer} if peer else {}))
        differences = 0
        for p in peers:
            run = reconcile(p, resend=resend)
            if run.error:
                self.stderr.write(f"{p.name}: 对账失败：{run.error}")
                differences += 1
                continue
            self.stdout.write(
                f"{p.name}: 比对 {run.cases_compared} 件，在途消息 {run.in_flight} 条，差异 {len(run.differences)} 处"
            )
            for d in run.differences:
                self.stdout.write(f"  {d['case']} [{d['kind']}] {d['detail']}")
            differences += len(run.differences)
        if differences:
            sys.exit(1)
