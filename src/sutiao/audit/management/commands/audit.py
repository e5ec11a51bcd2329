"""`sutiao court|investor audit verify [--peer [NAME]]`: check the audit log's hash chain (exit 1 naming the
first bad record), and with --peer that the history each peer has seen was not rewritten (exit 1 naming the
seq; exit 2 when a peer could not be asked)."""

import sys

from django.core.management.base import BaseCommand

from sutiao.docking.models import Peer

from ...heads import check_peer
from ...verify import verify_chain


class Command(BaseCommand):
    help = "审计日志：verify 逐条核验哈希链（退出码 1 表示有记录被修改、删除或插入）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="核验哈希链；--peer 另与对方平台收到的链头核对")
        verify.add_argument(
            "--peer",
            nargs="?",
            const="",
            default=None,
            metavar="NAME",
            help="与对接平台（默认全部启用的平台）收到的本平台链头核对，发现已被对方见过的历史遭改写",
        )

    def handle(self, *args, subcommand=None, peer=None, **options):
        outcome = verify_chain()
        if not outcome.intact:
            finding = outcome.finding
            self.stderr.write(f"审计日志第 {finding.seq} 条记录：{finding.defect.label} [{finding.defect}]")
            sys.exit(1)
        self.stdout.write(
            f"审计日志完整：核验 {outcome.checked} 条记录，链头 #{outcome.head_seq} {outcome.head_hash[:16]}…"
        )
        if peer is None:
            return
        peers = Peer.objects.filter(active=True, **({"name": peer} if peer else {}))
        if not peers:
            self.stderr.write(f"没有启用的对接平台：{peer or '（全部）'}")
            sys.exit(2)
        rewritten = unreachable = False
        for p in peers:
            check = check_peer(p)
            if check.rewritten is not None:
                rewritten = True
                head = check.rewritten
                self.stderr.write(
                    f"{p.name}：本平台第 {head['seq']} 条记录与对方于 {head['received_at']} 收到的链头"
                    f"（{head['hash'][:16]}…）不符：对方已见过的历史被改写"
                )
            elif check.unreachable:
                unreachable = True
                self.stderr.write(f"{p.name}：无法连接对方平台，未能核对链头：{check.unreachable}")
            elif check.heads:
                self.stdout.write(f"{p.name}：对方收到的 {check.heads} 个链头与本平台历史一致")
            else:
                self.stdout.write(f"{p.name}：对方尚未收到本平台的链头，无可核对")
        if rewritten:
            sys.exit(1)
        if unreachable:
            sys.exit(2)
