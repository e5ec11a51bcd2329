"""Reading a workbook: opening it, its header row, and what a cell holds."""

import io
import logging
import re
import zipfile
from decimal import Decimal

from django.utils.translation import gettext

from sutiao.kernel.errors import DomainError
from sutiao.kernel.spreadsheet import unescaped

from .layout import headers_for

log = logging.getLogger("sutiao.imports")

LIST_SEPARATORS = re.compile(r"[、，,；;\s]+")
# An .xlsx is a zip archive. A legitimate registry file of 10 MB holds well under 200 MB of XML, compressed about
# ten to one; a decompression bomb (a few KiB that expand to gigabytes) is refused from its directory alone.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 100
MAX_PARTS = 1000


def check_archive(content: bytes) -> None:
    """Refuse a file that is not a zip archive, or that would expand too much, from the archive's directory
    (zipfile infolist: nothing is decompressed). Raises DomainError (field "file")."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as e:
        raise DomainError(
            gettext("无法读取该文件，请上传 Excel 2007 及以上版本的 .xlsx 文件（可先下载导入模板）"), field="file"
        ) from e
    expanded = sum(part.file_size for part in parts)
    packed = sum(part.compress_size for part in parts)
    if len(parts) > MAX_PARTS or expanded > MAX_UNCOMPRESSED_BYTES or expanded > MAX_RATIO * max(packed, 1):
        log.warning("refused an archive of %s parts expanding %s bytes to %s", len(parts), packed, expanded)
        raise DomainError(
            gettext("文件解压后过大（%(mb)s MB），疑似异常文件，请导出为普通的 .xlsx 文件后重新上传")
            % {"mb": expanded // (1024 * 1024)},
            field="file",
        )


def open_workbook(content: bytes):
    """The workbook, read-only: only in the background worker, never in a web request, and only once the archive
    has passed `check_archive`."""
    from openpyxl import load_workbook

    check_archive(content)
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
    return unescaped(str(value).strip())


def split_list(value) -> list[str]:
    return [part for part in LIST_SEPARATORS.split(cell_text(value)) if part]
