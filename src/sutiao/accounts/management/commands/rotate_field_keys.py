"""Re-encrypt every encrypted value (every `pii.Ciphertext` column of every model on this platform) with the
newest key of SUTIAO_FIELD_KEY, in batches, each batch its own transaction, printing progress. Values already
under the newest key are left alone, so the command may be stopped and run again (docs/personal-data.md)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.functions import Cast

from sutiao.accounts.pii import Ciphertext, rotated


def _raw(name: str):
    # The stored token as text, not through the field's decrypting converter.
    return Cast(name, models.TextField())


class Command(BaseCommand):
    help = "用最新的字段密钥重新加密全部加密字段（密钥轮换）"

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500, help="每批处理的行数")

    def handle(self, *args, batch: int, **options):
        total = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, Ciphertext)]
            if fields:
                total += self._rotate(model, fields, batch)
        self.stdout.write(f"完成：共重新加密 {total} 个值")

    def _rotate(self, model, fields: list[str], batch: int) -> int:
        rows = model._base_manager.count()
        raw = {f"raw_{name}": _raw(name) for name in fields}
        seen, changed, last = 0, 0, None
        while True:
            with transaction.atomic():
                chunk = model._base_manager.order_by("pk").annotate(**raw)
                if last is not None:
                    chunk = chunk.filter(pk__gt=last)
                found = list(chunk.values_list("pk", *raw)[:batch])
                if not found:
                    return changed
                for pk, *values in found:
                    new = {name: rotated(v) for name, v in zip(fields, values, strict=True) if v}
                    new = {name: models.Value(v, output_field=models.TextField()) for name, v in new.items() if v}
                    if new:
                        model._base_manager.filter(pk=pk).update(**new)
                        changed += len(new)
                seen += len(found)
                last = found[-1][0]
            self.stdout.write(f"{model._meta.label}: {seen}/{rows} 行，已重新加密 {changed} 个值")
