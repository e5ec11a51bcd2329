"""Uploads and downloads (sutiao.documents), the same on both platforms: tests/court and tests/investor each
import these tests and run them with their own settings, on SQLite or (DATABASE_URL) on PostgreSQL. Every
refusal is checked to leave nothing behind: no file anywhere under the test's directory, no row, no record."""

import hashlib
import io
import struct
import zipfile
import zlib
from pathlib import Path

import pytest
from django.core.files import File
from django.core.files.uploadedfile import InMemoryUploadedFile, SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory

from sutiao.accounts.models import Role, User
from sutiao.audit.models import AuditRecord
from sutiao.documents.actions import accept_upload
from sutiao.documents.checks import DOCX, JPEG, PDF, PNG, XLSX
from sutiao.documents.downloads import download_response
from sutiao.documents.models import DocumentAudit, FileKind, StoredFile
from sutiao.documents.storage import documents_storage
from sutiao.kernel.errors import DomainError

# --- sample files, made here rather than shipped ---

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
ELF_BYTES = b"\x7fELF\x02\x01\x01" + b"\0" * 9 + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + b"\0" * 200
PE_BYTES = b"MZ" + b"\0" * 58 + b"\x40\0\0\0" + b"PE\0\0\x4c\x01" + b"\0" * 200
JPEG_BYTES = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"\xff\xdb\x00\x43\x00"
    + bytes(range(64))
    + b"\xff\xd9"
)


def png_bytes() -> bytes:
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0\0\0")) + chunk(b"IEND", b"")
    )


def zip_bytes(entries: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in entries.items():
            archive.writestr(name, text)
    return buffer.getvalue()


DOCX_PARTS = {
    "[Content_Types].xml": '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
    "_rels/.rels": '<?xml version="1.0"?><Relationships/>',
    "word/document.xml": '<?xml version="1.0"?><w:document xmlns:w="urn:w"><w:body/></w:document>',
}


def xlsx_bytes() -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "交易流水"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- fixtures ---


@pytest.fixture
def sandbox(settings, tmp_path):
    """The documents storage in a directory of this test's own; returns the test's whole directory, so a test can
    show that nothing was written anywhere near it, inside or out of the storage."""
    store = tmp_path / "store"
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            **settings.STORAGES["documents"],
            "OPTIONS": {**settings.STORAGES["documents"]["OPTIONS"], "location": store},
        },
    }
    assert Path(documents_storage().location) == store
    return tmp_path


@pytest.fixture
def party(db):
    return User.objects.create_user("party_zhang", password="x-long-password", role=Role.PARTY, full_name="张三")


@pytest.fixture
def stranger(db):
    return User.objects.create_user("party_li", password="x-long-password", role=Role.PARTY, full_name="李四")


def state(root: Path):
    """Everything an upload could leave behind: the files under the test's directory, the rows, the records."""
    files = sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())
    return files, StoredFile.objects.count(), AuditRecord.objects.count()


def refused(sandbox, upload, party, expected: str) -> str:
    before = state(sandbox)
    with pytest.raises(DomainError) as refusal:
        accept_upload(upload, uploaded_by=party, kind=FileKind.EVIDENCE)
    assert expected in refusal.value.message, refusal.value.message
    assert refusal.value.field == "file"
    assert state(sandbox) == before, "a refused upload left something behind"
    return refusal.value.message


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- accepted ---


@pytest.mark.parametrize(
    ("name", "make", "expected_type"),
    [
        ("证据一：交易流水.pdf", lambda: PDF_BYTES, PDF),
        ("截图.PNG", png_bytes, PNG),
        ("现场照片.jpeg", lambda: JPEG_BYTES, JPEG),
        ("照片.jpg", lambda: JPEG_BYTES, JPEG),
        ("答辩意见.docx", lambda: zip_bytes(DOCX_PARTS), DOCX),
        ("损失计算.xlsx", xlsx_bytes, XLSX),
    ],
)
def test_a_good_file_is_stored_with_its_type_size_and_hash(sandbox, party, name, make, expected_type):
    content = make()
    # The type the browser claims is ignored: the content decides.
    stored = accept_upload(
        upload(name, content, "text/html"), uploaded_by=party, kind=FileKind.EVIDENCE, label="证据一"
    )
    stored.refresh_from_db()
    assert stored.content_type == expected_type
    assert stored.size == len(content)
    assert stored.sha256 == hashlib.sha256(content).hexdigest()
    assert stored.original_name == name and stored.uploaded_by == party and stored.label == "证据一"
    # Stored under a generated key inside the storage, never under the uploader's name.
    path = Path(documents_storage().path(stored.storage_name))
    assert path.is_relative_to(sandbox / "store") and path.read_bytes() == content
    assert name not in stored.storage_name and stored.storage_name == f"{stored.pk.hex[-2:]}/{stored.pk.hex}"
    assert path.stat().st_mode & 0o077 == 0  # readable by the server's user alone
    audit = AuditRecord.objects.get(action=DocumentAudit.UPLOAD)
    assert audit.object_id == str(stored.pk) and audit.after["sha256"] == stored.sha256


# --- refused, nothing stored ---


def test_an_oversized_file_is_refused(sandbox, party, settings):
    settings.SUTIAO_UPLOAD_MAX_BYTES = 1024 * 1024
    big = PDF_BYTES + b"%" * (1024 * 1024)
    message = refused(sandbox, upload("大文件.pdf", big), party, "上限")
    assert "1 MB" in message


def test_an_upload_larger_than_its_declared_size_is_cut_off_while_streaming(sandbox, party, settings):
    settings.SUTIAO_UPLOAD_MAX_BYTES = 4096
    content = PDF_BYTES + b"%" * 10_000
    lying = InMemoryUploadedFile(io.BytesIO(content), "file", "证据.pdf", "application/pdf", 100, None)
    refused(sandbox, lying, party, "上限")


@pytest.mark.parametrize("content", [ELF_BYTES, PE_BYTES], ids=["ELF", "PE"])
def test_an_executable_named_pdf_is_refused(sandbox, party, content):
    refused(sandbox, upload("合同.pdf", content), party, "可执行程序")


def test_an_archive_named_pdf_is_refused(sandbox, party):
    refused(sandbox, upload("合同.pdf", zip_bytes({"a.exe": "MZ"})), party, "压缩包")


def test_a_zip_posing_as_docx_is_refused(sandbox, party):
    refused(sandbox, upload("答辩意见.docx", zip_bytes({"payload.exe": "MZ", "readme.txt": "hi"})), party, "压缩包")


def test_a_docx_with_macros_is_refused(sandbox, party):
    parts = {**DOCX_PARTS, "word/vbaProject.bin": "macro"}
    refused(sandbox, upload("答辩意见.docx", zip_bytes(parts)), party, "宏")


def test_content_that_disagrees_with_the_extension_is_refused(sandbox, party):
    message = refused(sandbox, upload("截图.pdf", png_bytes()), party, "与扩展名 .pdf 不符")
    assert "PNG" in message


@pytest.mark.parametrize("name", ["脚本.exe", "压缩包.zip", "网页.html", "说明.txt", "无扩展名", "旧文档.doc"])
def test_a_name_outside_the_allowed_types_is_refused(sandbox, party, name):
    refused(sandbox, upload(name, PDF_BYTES), party, "只能上传")


def test_text_or_html_named_pdf_is_refused(sandbox, party):
    refused(sandbox, upload("证据.pdf", b"<html><script>alert(1)</script></html>"), party, "文件内容不是")


def test_an_empty_file_is_refused(sandbox, party):
    refused(sandbox, upload("证据.pdf", b""), party, "空的")


@pytest.mark.parametrize(
    "name",
    ["../../etc/passwd.pdf", "/etc/passwd.pdf", "..\\..\\windows\\win.ini.pdf", "C:\\Users\\x.pdf", "证据\x00.pdf"],
    ids=["relative", "absolute", "backslashes", "drive", "NUL"],
)
def test_a_name_with_a_path_or_nul_is_refused(sandbox, party, name):
    # django.core.files.File keeps a name as given (an UploadedFile would already have cut it to its last part).
    refused(sandbox, File(io.BytesIO(PDF_BYTES), name=name), party, "路径或空字符")


def test_a_crafted_multipart_name_lands_only_in_the_storage(sandbox, party):
    """Through a real request a traversal name reaches the action already reduced to its last part by Django's
    parser; the file is kept under its generated key and nothing is written outside the storage."""
    boundary = "sutiaoBoundary"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="../../etc/passwd.pdf"\r\n'
            "Content-Type: application/pdf\r\n\r\n"
        ).encode()
        + PDF_BYTES
        + f"\r\n--{boundary}--\r\n".encode()
    )
    request = RequestFactory().generic("POST", "/", data=body, content_type=f"multipart/form-data; boundary={boundary}")
    stored = accept_upload(request.FILES["file"], uploaded_by=party, kind=FileKind.EVIDENCE)
    assert stored.original_name == "passwd.pdf"
    files = [p for p in sandbox.rglob("*") if p.is_file()]
    assert files == [Path(documents_storage().path(stored.storage_name))]
    assert files[0].is_relative_to(sandbox / "store")
    assert not (sandbox / "etc").exists()


def test_control_and_direction_characters_are_removed_from_the_name(sandbox, party):
    # U+202E would show "合同exe.pdf" as "合同fdp.exe"; tabs and newlines would break lists and headers.
    stored = accept_upload(upload("合同\u202e\t\n.pdf", PDF_BYTES), uploaded_by=party, kind=FileKind.EVIDENCE)
    assert stored.original_name == "合同.pdf"


def test_a_long_name_is_cut_keeping_its_extension(sandbox, party):
    stored = accept_upload(upload("证" * 300 + ".pdf", PDF_BYTES), uploaded_by=party, kind=FileKind.EVIDENCE)
    assert len(stored.original_name) == 120 and stored.original_name.endswith("证.pdf")


def test_a_failure_after_the_bytes_are_written_leaves_no_file(sandbox, party):
    unsaved = User(username="never_saved", role=Role.PARTY)  # the row cannot point at it: the insert fails
    before = state(sandbox)
    with pytest.raises(ValueError):
        accept_upload(upload("证据.pdf", PDF_BYTES), uploaded_by=unsaved, kind=FileKind.EVIDENCE)
    assert state(sandbox) == before


# --- downloads ---


def get(user):
    request = RequestFactory().get("/documents/download/")
    request.user = user
    return request


def everyone(user, stored):
    return True


def nobody(user, stored):
    return False


def test_a_permitted_download_streams_the_file_with_safe_headers_and_is_audited(sandbox, party):
    stored = accept_upload(upload('证据一：交易流水 "最终".pdf', PDF_BYTES), uploaded_by=party, kind=FileKind.EVIDENCE)
    case = "0193f6e1-0000-7000-8000-000000000001"
    response = download_response(get(party), stored, permitted=everyone, case=case)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == PDF
    assert response["Content-Length"] == str(len(PDF_BYTES))
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="')
    assert "filename*=UTF-8''%E8%AF%81%E6%8D%AE%E4%B8%80" in disposition  # 证据一, percent-encoded UTF-8
    assert '"最终"' not in disposition and "\\" not in disposition  # a quote in the name cannot end the value
    audit = AuditRecord.objects.get(action=DocumentAudit.DOWNLOAD)
    assert audit.object_id == str(stored.pk) and audit.case == case and audit.actor_id == str(party.pk)


def test_a_download_without_permission_is_refused_and_not_audited(sandbox, party, stranger):
    stored = accept_upload(upload("证据.pdf", PDF_BYTES), uploaded_by=party, kind=FileKind.EVIDENCE)
    seen = []

    def only_the_uploader(user, file):
        seen.append((user, file))
        return user == file.uploaded_by

    before = state(sandbox)
    with pytest.raises(Http404) as refusal:
        download_response(get(stranger), stored, permitted=only_the_uploader)
    assert "无权下载" in str(refusal.value)
    assert seen == [(stranger, stored)]  # the caller's own predicate decided
    assert state(sandbox) == before
    assert not AuditRecord.objects.filter(action=DocumentAudit.DOWNLOAD).exists()


def test_an_anonymous_download_is_refused_before_the_predicate(sandbox, party):
    from django.contrib.auth.models import AnonymousUser

    stored = accept_upload(upload("证据.pdf", PDF_BYTES), uploaded_by=party, kind=FileKind.EVIDENCE)
    with pytest.raises(Http404):
        download_response(get(AnonymousUser()), stored, permitted=everyone)


def test_a_tampered_file_is_not_served(sandbox, party):
    stored = accept_upload(upload("证据.pdf", PDF_BYTES), uploaded_by=party, kind=FileKind.EVIDENCE)
    path = Path(documents_storage().path(stored.storage_name))
    path.write_bytes(PDF_BYTES.replace(b"Catalog", b"Catalug"))  # same size, other bytes
    response = download_response(get(party), stored, permitted=everyone)
    assert response.status_code == 500
    assert "已被改动" in response.content.decode() and "SHA-256" in response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert AuditRecord.objects.filter(action=DocumentAudit.DOWNLOAD_REFUSED_ALTERED, object_id=str(stored.pk)).exists()
    assert not AuditRecord.objects.filter(action=DocumentAudit.DOWNLOAD).exists()


def test_a_missing_file_is_reported_as_missing(sandbox, party):
    stored = accept_upload(upload("证据.pdf", PDF_BYTES), uploaded_by=party, kind=FileKind.EVIDENCE)
    Path(documents_storage().path(stored.storage_name)).unlink()
    response = download_response(get(party), stored, permitted=everyone)
    assert response.status_code == 500 and "缺失" in response.content.decode()


def test_refusals_are_translated(sandbox, party):
    from django.utils import translation

    with translation.override("en"):
        message = refused(sandbox, upload("合同.pdf", ELF_BYTES), party, "executable")
        assert "可执行" not in message


def test_bytes_left_by_a_rolled_back_caller_are_swept_after_the_grace_period(sandbox, party):
    from django.db import transaction
    from django.utils import timezone

    from sutiao.documents.sweep import ORPHAN_GRACE, sweep_orphans

    kept = accept_upload(upload("保留.pdf", PDF_BYTES), uploaded_by=party, kind=FileKind.EVIDENCE)

    class CallerFailed(Exception):
        pass

    with pytest.raises(CallerFailed), transaction.atomic():
        orphan = accept_upload(upload("回滚.pdf", PDF_BYTES), uploaded_by=party, kind=FileKind.EVIDENCE)
        raise CallerFailed  # the caller's own step after the upload fails: its transaction rolls back
    assert not StoredFile.objects.filter(pk=orphan.pk).exists()
    orphan_path = Path(documents_storage().path(orphan.storage_name))
    assert orphan_path.exists()

    assert sweep_orphans() == 0  # still within the grace period: its transaction might not have committed yet
    assert sweep_orphans(timezone.now() + ORPHAN_GRACE * 2) == 1
    assert not orphan_path.exists()
    assert Path(documents_storage().path(kept.storage_name)).read_bytes() == PDF_BYTES


def test_the_sweep_is_a_periodic_job_and_copes_with_an_empty_storage(sandbox):
    from sutiao.documents.sweep import sweep_orphans
    from sutiao.jobs.schedule import periodic_jobs

    assert "sweep_orphaned_files" in {job.name for job in periodic_jobs()}
    assert sweep_orphans() == 0


def test_the_storage_is_this_platforms_own_directory_outside_any_served_root(settings):
    from sutiao.settings.base import VAR_DIR

    options = settings.STORAGES["documents"]["OPTIONS"]
    location = Path(options["location"])
    assert location == VAR_DIR / "documents" / settings.PLATFORM
    assert options["base_url"] is None  # no URL of its own: files go out only through download_response
    assert not location.is_relative_to(Path(settings.STATIC_ROOT))
    assert settings.SUTIAO_UPLOAD_MAX_BYTES == 20 * 1024 * 1024
