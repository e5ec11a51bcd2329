"""make bench-uploads — accepting uploads (sutiao.documents.actions.accept_upload) and serving them back
(downloads.download_response: integrity check, audit record, stream) on this machine, in one process against
a fresh database of the investor platform (SQLite in a temporary directory, or the server DATABASE_URL names):
files per second and MB/s for small and large files. Figures are printed, never asserted."""

import argparse
import os
import shutil
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--small", type=int, default=300, help="small PDFs (64 KiB) to accept")
    parser.add_argument("--large", type=int, default=20, help="large PDFs (8 MiB) to accept")
    args = parser.parse_args()

    work = tempfile.mkdtemp(prefix="sutiao-bench-uploads-")
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(args, work: str) -> None:
    os.environ.update(SUTIAO_DEV="1", SUTIAO_VAR_DIR=work, SUTIAO_LOG_LEVEL="WARNING")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutiao.settings.investor")
    if os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rstrip("/").rsplit("/", 1)[0] + "/sutiao_bench_uploads"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor == "postgresql":
        _recreate_postgres_database()
    call_command("migrate", verbosity=0)

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import RequestFactory

    from sutiao.accounts.models import Role, User
    from sutiao.documents.actions import accept_upload
    from sutiao.documents.downloads import download_response
    from sutiao.documents.models import FileKind

    user = User.objects.create_user("bench_party", password=None, role=Role.PARTY)
    request = RequestFactory().get("/")
    request.user = user
    print(f"database: {connection.vendor}; storage: {work}/documents/investor")

    for label, count, size in (("small", args.small, 64 * 1024), ("large", args.large, 8 * 1024 * 1024)):
        body = b"%PDF-1.4\n" + os.urandom(size - 9)
        started = time.perf_counter()
        stored = [
            accept_upload(SimpleUploadedFile(f"证据{i}.pdf", body), uploaded_by=user, kind=FileKind.EVIDENCE)
            for i in range(count)
        ]
        accepted = time.perf_counter() - started
        started = time.perf_counter()
        for item in stored:
            response = download_response(request, item, permitted=lambda u, s: True)
            for _ in response.streaming_content:
                pass
        served = time.perf_counter() - started
        mb = count * size / 2**20
        print(
            f"{label:5} {count:4} × {size // 1024:5} KiB:"
            f" accept {count / accepted:7.1f} files/s {mb / accepted:7.1f} MB/s"
            f" | download {count / served:7.1f} files/s {mb / served:7.1f} MB/s"
        )


def _recreate_postgres_database() -> None:
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    with psycopg.connect(
        host=db["HOST"],
        port=db["PORT"] or 5432,
        user=db["USER"],
        password=db["PASSWORD"],
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{db["NAME"]}"')
        conn.execute(f'CREATE DATABASE "{db["NAME"]}"')


if __name__ == "__main__":
    sys.exit(main())
