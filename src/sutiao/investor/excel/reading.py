"""Reading a workbook: opening it, its header row, and what a cell holds."""

import io
import logging
import re
import zipfile
from decimal import Decimal

from django.utils.translation import gettext

from sutiao.kernel.errors import DomainError

from .layout import headers_for

log = logging.getLogger("sutiao.imports")

LIST_SEPARATORS = re.compile(r"[、，,；;\s]+")


def open_workbook(content: bytes):
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, IndexError) as e:
        raise DomainError(
            gettext("无法读取该文件，请上传 Excel 2007 及以上版本的 .xlsx 文件（可先下载导入模板）"), field="file"
        ) from e
    except Exception as e:  # openpyxl raises assorted errors on damaged files
        log.info("unreadable workbook: %r", e)
        raise DomainError(gettext("无法读取该文件，文件可能已损坏"), field="file") from e


def check_headers(ws, kind: str) -> None:
    first = next(ws.iter_rows(min_row=1, max_row=1, values_only=True), ())
    found = [cell_text(v) for v in first]
    expected = headers_for(kind)
    while found and not found[-1]:
        found.pop()
    if found != expected:
        raise DomainError(
            gettext("表头与导入模板不符：第一行应依次为“%(expected)s”，实际为“%(found)s”。请使用导入模板。")
            % {"expected": "、".join(expected), "found": "、".join(found) or gettext("（空）")},
            field="file",
        )


def blank(cells) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in cells)


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value).strip()


def split_list(value) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(cell_text(value)) if part]
