"""make bench-signing (and the last line of make bench) — signing agreements (issue 11): N one-page agreements,
each signed in turn by three signers (two parties and the mediator: PAdES B-LT, RFC 3161 timestamp from the local
timestamp authority, CRLs embedded) and then verified offline (sutiao.documents.signing.verify: every signature,
its chain at the time of its timestamp, what changed after it). One process, a fresh investor-platform database
(SQLite in a temporary directory) and a fresh platform CA. The baseline, measured in the same run on the same
PDFs: a bare SHA-256 of the signed file, the least any integrity check costs. Figures are printed, never asserted."""

import argparse
import hashlib
import io
import os
import shutil
import sys
import tempfile
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--agreements", type=int, default=1000, help="agreements to sign (three signatures each)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="sutiao-bench-signing-")
    try:
        run(args, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def agreement(number: int) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    page.setFont("STSong-Light", 16)
    page.drawString(72, 760, f"调解协议书（第 {number} 号）")
    page.setFont("STSong-Light", 11)
    for line, text in enumerate(
        (
            "申请人陈二与被申请人某某证券股份有限公司，经中证资本市场法律服务中心主持调解，自愿达成如下协议：",
            f"一、被申请人于 2027 年 1 月 15 日前向申请人支付损失赔偿款人民币 {125000 + number}.00 元；",
            "二、申请人放弃其他诉讼请求；",
            "三、本协议自各方当事人签名之日起生效。",
        )
    ):
        page.drawString(72, 730 - 20 * line, text)
    page.showPage()
    page.save()
    return buffer.getvalue()


def run(args, work: str) -> None:
    os.environ.update(SUTIAO_DEV="1", SUTIAO_VAR_DIR=work, SUTIAO_LOG_LEVEL="WARNING")
    os.environ.pop("SUTIAO_CA_KEY_DIR", None)
    os.environ.pop("SUTIAO_TSA_URL", None)
    os.environ.pop("DATABASE_URL", None)
    os.environ.pop("SUTIAO_DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sutiao.settings.investor")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from sutiao.accounts.models import User
    from sutiao.documents.ca import Subject, SubjectKind, authority
    from sutiao.documents.identities import issue_identity
    from sutiao.documents.signing import sign, verify

    started = time.perf_counter()
    authority()  # the development CA, made once
    ca_seconds = time.perf_counter() - started
    clerk = User.objects.create_user("bench_clerk", password=None)
    signers = []
    for username, kind, name, number, field in (
        ("chen", SubjectKind.NATURAL_PERSON, "陈二", "110101199003077777", "applicant"),
        ("firm", SubjectKind.LEGAL_PERSON, "某某证券股份有限公司", "91110000100000000X", "respondent"),
        ("mediator", SubjectKind.NATURAL_PERSON, "李调解", "110101198001011234", "mediator"),
    ):
        user = User.objects.create_user(f"bench_{username}", password=None, full_name=name)
        signers.append((issue_identity(clerk, subject=Subject(kind, name, number), user=user), field))
    print(f"signing: {args.agreements} agreements x {len(signers)} signers, RSA 2048, PAdES B-LT with timestamp")
    print(f"  development CA made in {ca_seconds:.2f} s; python {sys.version.split()[0]}")

    documents = [agreement(i) for i in range(args.agreements)]
    signed = []
    started, cpu = time.perf_counter(), time.process_time()
    for pdf in documents:
        for identity, field in signers:
            pdf = sign(pdf, identity, field=field, reason="同意调解协议", location="北京")
        signed.append(pdf)
    sign_seconds, sign_cpu = time.perf_counter() - started, time.process_time() - cpu
    signatures = args.agreements * len(signers)

    started, cpu = time.perf_counter(), time.process_time()
    for pdf in signed:
        report = verify(pdf)
        if not report.valid:
            raise SystemExit(f"a signed agreement did not verify: {[s.problems for s in report.signatures]}")
    verify_seconds, verify_cpu = time.perf_counter() - started, time.process_time() - cpu

    # Repeated until it lasts a measurable while, so the baseline's figure is not one clock tick.
    started, rounds = time.perf_counter(), 0
    while rounds < 10 or time.perf_counter() - started < 0.5:
        for pdf in signed:
            hashlib.sha256(pdf).hexdigest()
        rounds += 1
    hash_seconds = (time.perf_counter() - started) / rounds

    size = sum(len(p) for p in signed) / len(signed)
    per_hash = hash_seconds / len(signed)
    per_signature = sign_seconds / signatures
    per_verification = verify_seconds / len(signed)
    print(f"  signed PDF: {size / 1024:.1f} KiB on average (unsigned {len(documents[0]) / 1024:.1f} KiB)")
    print(f"  baseline, SHA-256 of a signed PDF: {per_hash * 1e6:.1f} µs")
    print(
        f"  signing:      {per_signature * 1000:.1f} ms per signature "
        f"({signatures / sign_seconds:.1f} signatures/s; {per_signature / per_hash:,.0f}x the baseline)"
    )
    per_signature_checked = per_verification / len(signers)
    print(
        f"  verification: {per_verification * 1000:.1f} ms per agreement of {len(signers)} signatures "
        f"({per_signature_checked * 1000:.1f} ms per signature; {per_verification / per_hash:,.0f}x the baseline)"
    )
    print(
        f"  total: {sign_seconds:.1f} s signing, {verify_seconds:.1f} s verifying; processor time "
        f"{sign_cpu / signatures * 1000:.1f} ms per signature, {verify_cpu / len(signed) * 1000:.1f} ms per "
        f"verification (wall-clock includes waiting for a processor; load average {_load()})"
    )


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


if __name__ == "__main__":
    main()
