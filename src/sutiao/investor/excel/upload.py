"""What can be refused at once is refused at upload: the file's name, size and archive. The workbook itself (its
header row, its rows) is opened only by the background worker: opening a spreadsheet costs time and memory an
attacker chooses, which a web request must not spend."""

from django.utils.translation import gettext

from sutiao.kernel.errors import DomainError

from .layout import MAX_FILE_BYTES
from .reading import check_archive


def check_file(file_name: str, content: bytes) -> str:
    """The file's name as kept, once the file is an .xlsx archive within the size limits; raises DomainError
    (field "file") otherwise."""
    file_name = (file_name or "").strip().replace("\\", "/").rsplit("/", 1)[-1]
    if not file_name.lower().endswith(".xlsx"):
        raise DomainError(gettext("请上传 .xlsx 格式的 Excel 文件"), field="file")
    if not content:
        raise DomainError(gettext("文件为空"), field="file")
    if len(content) > MAX_FILE_BYTES:
        raise DomainError(gettext("文件超过 10 MB 的上限，请分成多个文件导入"), field="file")
    check_archive(content)
    return file_name[:255]
