"""What an upload must be: a harmless display name and a type decided by its content (libmagic), agreeing
with its extension. Each refusal is a DomainError with the Chinese message the uploader sees."""

import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import PurePosixPath, PureWindowsPath

import magic
from django.utils.translation import gettext as _

from sutiao.kernel.errors import DomainError

# Longest display name kept; the extension survives the cut. The name is shown and offered on download only,
# never used to store the file.
MAX_NAME_LENGTH = 120
# How much of the start of a file libmagic reads: its rules look at the header and, for Office files, at the
# first entries of the zip, all well within this.
SNIFF_BYTES = 1024 * 1024

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
WEBM = "video/webm"  # a recording of an online session, as the browser's MediaRecorder makes it


@dataclass(frozen=True)
class Allowed:
    content_type: str
    extensions: tuple[str, ...]
    # For an Office Open XML file: the part a real document of this type has.
    main_part: str = ""


# Legacy .doc/.xls (OLE compound files) are left out on purpose: they are the usual carrier of macros, which
# libmagic does not see; parties are asked for PDF or .docx/.xlsx instead.
ALLOWED = (
    Allowed(PDF, ("pdf",)),
    Allowed(JPEG, ("jpg", "jpeg")),
    Allowed(PNG, ("png",)),
    Allowed(DOCX, ("docx",), "word/document.xml"),
    Allowed(XLSX, ("xlsx",), "xl/workbook.xml"),
    Allowed(WEBM, ("webm",)),
)
BY_EXTENSION = {ext: allowed for allowed in ALLOWED for ext in allowed.extensions}
BY_TYPE = {allowed.content_type: allowed for allowed in ALLOWED}

EXECUTABLES = {
    "application/x-executable",
    "application/x-pie-executable",
    "application/x-sharedlib",
    "application/x-object",
    "application/x-dosexec",
    "application/vnd.microsoft.portable-executable",
    "application/x-mach-binary",
    "application/x-msi",
    "application/java-archive",
    "application/x-java-applet",
    "text/x-shellscript",
    "text/x-msdos-batch",
}
ARCHIVES = {
    "application/zip",
    "application/x-rar",
    "application/vnd.rar",
    "application/x-7z-compressed",
    "application/gzip",
    "application/x-gzip",
    "application/x-tar",
    "application/x-bzip2",
    "application/x-xz",
    "application/zstd",
}


def allowed_summary() -> str:
    return _("PDF、JPEG/PNG 图片、Word/Excel 文件（.docx/.xlsx）或 WebM 录音录像")


def display_name(raw: str | None) -> str:
    """The name shown for an upload. A name carrying a path (`../../etc/passwd.pdf`, `/etc/passwd.pdf`,
    `C:\\x.pdf`) or a NUL is refused outright — Django's parser already reduces a browser's name to its last
    component, so such a name means a crafted request; other control and format characters (a right-to-left
    override that makes `exe.pdf` read backwards) are removed, and a long name is cut keeping its extension."""
    name = unicodedata.normalize("NFC", raw or "")
    if "\x00" in name or PurePosixPath(name).name != name or PureWindowsPath(name).name != name:
        raise DomainError(_("文件名不能包含路径或空字符，请改名后重新上传"), field="file")
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Cs", "Zl", "Zp"))
    name = name.strip().strip(".").strip()
    if not name:
        raise DomainError(_("文件名为空，请改名后重新上传"), field="file")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, ext = name.rpartition(".")
        keep = f"{dot}{ext}" if dot and len(ext) <= 10 else ""
        name = name[: MAX_NAME_LENGTH - len(keep)] + keep
    return name


def extension(name: str) -> str:
    """The allowed type the name claims, or a refusal."""
    ext = name.rpartition(".")[2].lower() if "." in name else ""
    if ext not in BY_EXTENSION:
        raise DomainError(_("只能上传%(allowed)s") % {"allowed": allowed_summary()}, field="file")
    return ext


def content_type(head: bytes, ext: str, path_or_file) -> str:
    """The type of the content, decided by libmagic from its first bytes, checked against the extension. An
    Office file is also opened as a zip to see that it is one (a plain zip renamed .docx is refused) and that
    it carries no macros (vbaProject.bin, which a .docx/.xlsx may not contain: that is .docm/.xlsm)."""
    detected = magic.from_buffer(head, mime=True)
    claimed = BY_EXTENSION[ext]
    if detected in EXECUTABLES:
        raise DomainError(_("该文件是可执行程序，不能上传"), field="file")
    if claimed.main_part and detected in (claimed.content_type, "application/zip", "application/octet-stream"):
        _check_office(path_or_file, claimed)
        return claimed.content_type
    if detected in ARCHIVES:
        raise DomainError(
            _("该文件是压缩包，请解压后分别上传其中的文件（%(allowed)s）") % {"allowed": allowed_summary()},
            field="file",
        )
    if detected not in BY_TYPE:
        raise DomainError(_("文件内容不是%(allowed)s，不能上传") % {"allowed": allowed_summary()}, field="file")
    if detected != claimed.content_type:
        raise DomainError(
            _("文件内容（%(detected)s）与扩展名 .%(ext)s 不符，请核对后重新上传")
            % {"detected": BY_TYPE[detected].extensions[0].upper(), "ext": ext},
            field="file",
        )
    return detected


def _check_office(path_or_file, claimed: Allowed) -> None:
    try:
        with zipfile.ZipFile(path_or_file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise DomainError(_("文件已损坏，无法作为 .%(ext)s 打开") % {"ext": claimed.extensions[0]}, field="file") from e
    if "[Content_Types].xml" not in names or claimed.main_part not in names:
        raise DomainError(
            _("该文件是压缩包而不是 .%(ext)s 文件，不能上传") % {"ext": claimed.extensions[0]}, field="file"
        )
    if any(name.lower().endswith("vbaproject.bin") for name in names):
        raise DomainError(_("文件含有宏，不能上传；请另存为不含宏的文件或 PDF"), field="file")
