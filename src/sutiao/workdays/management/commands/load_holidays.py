import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from sutiao.kernel.errors import DomainError
from sutiao.workdays.services import load_holiday_year


class Command(BaseCommand):
    help = "录入某年国务院节假日安排（节假日与调休上班日），并重算所有暂定期限"

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--source", required=True, help="通知名称与文号")
        parser.add_argument("--rest", nargs="*", default=[], help="休息日 YYYY-MM-DD …")
        parser.add_argument("--work", nargs="*", default=[], help="调休上班日 YYYY-MM-DD …")

    def handle(self, *args, year, source, rest, work, **options):
        try:
            load_holiday_year(
                None, year, source, [dt.date.fromisoformat(d) for d in rest], [dt.date.fromisoformat(d) for d in work]
            )
        except (ValueError, DomainError) as e:
            raise CommandError(str(e)) from e
        self.stdout.write(f"{year} 年节假日安排已录入：休息 {len(rest)} 天，调休上班 {len(work)} 天")
