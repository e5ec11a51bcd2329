"""The agreement PDF (sutiao.documents.pdf): Chinese text that can be read back, a CJK font embedded as a subset,
the same bytes for the same input, and the built-in STSong-Light where no font file exists. Read back with
poppler's pdftotext and pdffonts (poppler-utils, installed by the make targets and .ci/run)."""

import datetime as dt
import shutil
import subprocess

import pytest

from sutiao.documents import pdf

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils is not installed")

NUMBER = "（2026）京0105民诉前调12345号"


def _document(**changes) -> pdf.Document:
    fields = {
        "title": "调解协议书",
        "blocks": (
            pdf.Heading("一、当事人"),
            pdf.Para("申请人：李四\n被申请人：某某药业股份有限公司"),
            pdf.Heading("二、协议内容"),
            pdf.Para("被申请人向申请人支付因虚假陈述造成的投资差额损失。" * 30),
            pdf.TermsTable(
                ("序号", "义务人", "权利人", "内容", "金额（元）", "履行期限"),
                tuple(
                    (str(i), "某某药业股份有限公司", "李四", "支付赔偿款", "125,000.00", "2026年12月31日")
                    for i in range(1, 40)
                ),
            ),
        ),
        "footer": f"{NUMBER} · 调解协议 第2版",
        "created": dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC),
        "document_id": "0193f6e2-agreement-v2",
        "signers": (pdf.Signer("申请人", "李四"), pdf.Signer("被申请人", "某某药业股份有限公司")),
    }
    return pdf.Document(**(fields | changes))


def _run(tool, data: bytes, tmp_path, *args) -> str:
    path = tmp_path / "doc.pdf"
    path.write_bytes(data)
    return subprocess.run(
        [tool, *args, str(path), *(["-"] if tool == "pdftotext" else [])], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.skipif(pdf.find_cjk_font() is None, reason="no CJK TrueType font (fonts-wqy-zenhei) installed")
def test_chinese_text_reads_back_and_the_font_is_embedded_as_a_subset(tmp_path):
    data = pdf.render(_document())
    text = _run("pdftotext", data, tmp_path)
    compact = "".join(text.split())
    for words in ("调解协议书", "某某药业股份有限公司", "支付赔偿款", "125,000.00", "签章", NUMBER, "调解协议第2版"):
        assert words in compact
    # Several A4 pages, each numbered with the total.
    info = _run("pdfinfo", data, tmp_path)
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
    assert pages >= 2 and "595.276 x 841.89 pts (A4)" in info
    assert f"第{pages}页共{pages}页" in compact and "第1页共" in compact
    fonts = [line.split() for line in _run("pdffonts", data, tmp_path).splitlines()[2:]]
    cjk = [f for f in fonts if "+" in f[0]]  # a subset's name carries the ABCDEF+ prefix
    assert cjk, fonts
    assert all(f[-5:-2] == ["yes", "yes", "yes"] for f in cjk)  # emb, sub, uni


def test_the_same_input_gives_the_same_bytes_and_the_version_date():
    first, second = pdf.render(_document()), pdf.render(_document())
    assert first == second
    assert b"D:20261201093000" in first  # the version's creation time, not the moment of rendering
    assert pdf.render(_document(document_id="another")) != first
    assert pdf.render(_document(footer=f"{NUMBER} · 调解协议 第3版")) != first


def test_without_a_font_file_the_builtin_song_face_is_used(tmp_path):
    data = pdf.render(_document(), font_file=None)
    fonts = _run("pdffonts", data, tmp_path)
    assert "STSong-Light" in fonts and "WenQuanYi" not in fonts
    assert data == pdf.render(_document(), font_file=None)
    assert "调解协议书" in "".join(_run("pdftotext", data, tmp_path).split())


def test_an_unusable_font_file_falls_back_too(tmp_path):
    broken = tmp_path / "broken.ttf"
    broken.write_bytes(b"not a font")
    assert "STSong-Light" in _run("pdffonts", pdf.render(_document(), font_file=str(broken)), tmp_path)


def test_the_search_skips_missing_candidates(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf.shutil, "which", lambda name: None)  # no fontconfig either
    assert pdf.find_cjk_font(candidates=(str(tmp_path / "absent.ttc"),)) is None
    present = tmp_path / "present.ttc"
    present.write_bytes(b"x")
    assert pdf.find_cjk_font(candidates=(str(tmp_path / "absent.ttc"), str(present))) == str(present)


@pytest.mark.skipif(pdf.find_cjk_font() is None, reason="no CJK TrueType font (fonts-wqy-zenhei) installed")
def test_a_courts_document_ends_with_judge_date_and_seal_and_no_line_to_sign_by_hand(tmp_path):
    """A ruling or a 调解书 is sealed electronically by the court: its 落款 names the judge, the date and the
    seal, right-aligned after the text; there is no 签章/日期 blank to fill in by hand."""
    closing = pdf.Closing.of_court("王法官", "二〇二六年十二月二日")
    document = _document(blocks=(pdf.Para("本裁定书送达后即发生法律效力。"), closing), signers=())
    text = _run("pdftotext", pdf.render(document), tmp_path, "-layout")
    assert "签章" not in text and "____" not in text
    lines = ["".join(line.split()) for line in text.splitlines() if line.strip()]
    at = lines.index("审判员王法官")
    assert lines[at + 1 :][:2] == ["二〇二六年十二月二日", "（已加盖人民法院电子印章）"]
    assert lines.index("本裁定书送达后即发生法律效力。") < at
    # Right-aligned: the judge's line starts well to the right of the body's left margin.
    judge_line = next(line for line in text.splitlines() if "王法官" in line)
    assert len(judge_line) - len(judge_line.lstrip()) > 20
