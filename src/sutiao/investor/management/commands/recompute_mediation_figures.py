"""The mediations' stored figures (mediation.figures) recomputed from their sources — sessions, extensions, the
agreement in force's terms, survey answers — for every mediation, in batches, each batch its own transaction,
printing progress and, at the end, how many mediations had figures that differed. For operators after a restore or
a bulk load (anything written past the actions); on a platform whose actions kept them, it finds none. May be
stopped and run again."""

from django.core.management.base import BaseCommand

from sutiao.investor.mediation.figures import BATCH, refresh_all


class Command(BaseCommand):
    help = "按来源数据重新计算每件调解的统计数字（恢复备份或批量导入后），并报告与原存数字不一致的件数"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=BATCH, help="每批重新计算的调解件数")

    def handle(self, *args, batch: int, **options):
        def progress(done, differed):
            self.stdout.write(f"已重新计算 {done} 件，其中 {differed} 件与原存数字不一致")

        done, differed = refresh_all(batch=batch, progress=progress)
        self.stdout.write(f"完成：共 {done} 件调解，{differed} 件的统计数字与来源数据不一致，已更正")
