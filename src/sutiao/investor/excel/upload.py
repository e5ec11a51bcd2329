"""What can be refused at once is refused at upload: the file itself and its header row."""

from django.utils.translation import gettext

from sutiao.kernel.errors import DomainError

from .layout import MAX_FILE_BYTES
from .reading import check_headers, open_workbook


def check_file(kind: str, file_name: str, content: bytes) -> str:
    """The file's name as kept, once the file is an .xlsx within the size limit whose first sheet has the
    layout's header row; raises DomainError (field "file") otherwise."""
    file_name = (file_name or "").strip().replace("\\", "/").rsplit("/", 1)[-1]
    if not file_name.lower().endswith(".xlsx"):
        raise DomainError(gettext("请上传 .xlsx 格式的 Excel 文件"), field="file")
    if not content:
        raise DomainError(gettext("文件为空"), field="file")
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(gettext("文件超过 10 MB 的上限，请分成多个文件导入"), field="file")
    wb = open_workbook(content)
    try:
        if not wb.worksheets:
            raise DomainError(gettext("文件中没有工作表"), field="file")
        check_headers(wb.worksheets[0], kind)
    finally:
        wb.close()
    return file_name[:255]
