"""Documents over the docking (issue 11 §4), the same on both platforms: tests/court and tests/investor each import
these tests and run them with their own settings, on SQLite or (DATABASE_URL) on PostgreSQL. A message names a
document by its SHA-256; the peer fetches the bytes by that hash over a signed read, and gets them only if they
were shared with it; the fetching side checks the answer's signature and the bytes' hash."""

import hashlib
import io

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client

from peer_server import PeerServer, SignableAnswer
from sutiao.accounts.models import Role, User
from sutiao.docking import client as docking_client
from sutiao.docking.documents import DocumentRefused, fetch_document, share
from sutiao.docking.models import PeerKey, SeenNonce, SharedDocument
from sutiao.docking.signing import FEED_COMPONENTS, own_public_pem, sign, sign_answer
from sutiao.documents.actions import accept_upload
from sutiao.documents.models import FileKind
from sutiao.documents.storage import documents_storage

PDF_BYTES = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PDF_SHA = hashlib.sha256(PDF_BYTES).hexdigest()


def path_of(sha256: str) -> str:
    return f"/docking/v1/documents/{sha256}"


def read_headers(key, path: str) -> dict:
    """A signed read as a peer sends it (sutiao.docking.client)."""
    prepared = requests.Request(
        "GET", "http://testserver" + path, headers={"Content-Type": "application/json"}
    ).prepare()
    sign(prepared, b"", components=FEED_COMPONENTS, key=key)
    return {k: prepared.headers[k] for k in ("Content-Type", "Content-Digest", "Signature-Input", "Signature")}


# --- fixtures ---


@pytest.fixture
def store(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "documents": {
            **settings.STORAGES["documents"],
            "OPTIONS": {**settings.STORAGES["documents"]["OPTIONS"], "location": tmp_path / "store"},
        },
    }
    return tmp_path / "store"


@pytest.fixture
def agreement(db, store):
    """A stored file, as an action accepts it."""
    uploader = User.objects.create_user("doc_sender", password="x-long-password", role=Role.PARTY, full_name="张三")
    upload = SimpleUploadedFile("调解协议书.pdf", PDF_BYTES, content_type="application/pdf")
    stored = accept_upload(upload, uploaded_by=uploader, kind=FileKind.EVIDENCE)
    assert stored.sha256 == PDF_SHA
    return stored


@pytest.fixture
def asker(make_peer):
    return make_peer("asking-platform")


@pytest.fixture
def other(make_peer):
    return make_peer("other-platform")


# --- the model ---


def test_a_document_is_shared_once_per_peer(agreement, asker, other):
    first = share(asker.peer, agreement)
    assert share(asker.peer, agreement) == first
    share(other.peer, agreement)
    assert SharedDocument.objects.filter(stored_file=agreement).count() == 2
    assert first.sha256 == agreement.sha256
    with pytest.raises(IntegrityError), transaction.atomic():
        SharedDocument.objects.create(peer=asker.peer, stored_file=agreement, sha256=agreement.sha256)


# --- the endpoint ---


def test_a_shared_document_is_answered_signed_to_the_peer_it_was_shared_with(client, agreement, asker, own_key):
    share(asker.peer, agreement)
    response = client.get(path_of(PDF_SHA), headers=read_headers(asker.key, path_of(PDF_SHA)))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "application/octet-stream"
    assert response.content == PDF_BYTES and hashlib.sha256(response.content).hexdigest() == PDF_SHA
    assert "Signature" in response and "Content-Digest" in response
    assert SeenNonce.objects.filter(peer=asker.peer).count() == 1


def test_an_unshared_hash_and_another_peers_share_answer_the_same_404(client, agreement, asker, other, own_key):
    share(other.peer, agreement)
    unknown = "0" * 64
    answers = [
        client.get(path, headers=read_headers(asker.key, path))
        for path in (path_of(PDF_SHA), path_of(unknown), path_of("not-a-hash"), path_of(PDF_SHA.upper()))
    ]
    assert [a.status_code for a in answers] == [404, 404, 404, 404]
    assert {a.json()["error"] for a in answers} == {"document_not_shared"}
    assert answers[0].json() == answers[1].json()  # another peer's file reads as one that does not exist
    assert PDF_BYTES not in answers[0].content


def test_an_unsigned_or_replayed_read_is_refused(client, agreement, asker, own_key):
    share(asker.peer, agreement)
    unsigned = client.get(path_of(PDF_SHA))
    assert (unsigned.status_code, unsigned.json()["error"]) == (401, "signature_missing")
    headers = read_headers(asker.key, path_of(PDF_SHA))
    assert client.get(path_of(PDF_SHA), headers=headers).status_code == 200
    replay = client.get(path_of(PDF_SHA), headers=headers)
    assert (replay.status_code, replay.json()["error"]) == (401, "replay")
    assert PDF_BYTES not in replay.content
    # A read signed for one document cannot fetch another: the path is signed.
    moved = client.get(path_of("1" * 64), headers=read_headers(asker.key, path_of(PDF_SHA)))
    assert (moved.status_code, moved.json()["error"]) == (401, "signature_invalid")


def test_a_revoked_key_reads_nothing(client, agreement, asker, own_key):
    share(asker.peer, agreement)
    PeerKey.objects.filter(peer=asker.peer).update(revoked_at="2026-01-01T00:00:00Z")
    response = client.get(path_of(PDF_SHA), headers=read_headers(asker.key, path_of(PDF_SHA)))
    assert (response.status_code, response.json()["error"]) == (401, "key_revoked")


def test_a_document_altered_in_storage_is_not_sent(client, agreement, asker, own_key):
    share(asker.peer, agreement)
    with documents_storage().open(agreement.storage_name, "wb") as f:
        f.write(PDF_BYTES.replace(b"Catalog", b"Catalox"))
    response = client.get(path_of(PDF_SHA), headers=read_headers(asker.key, path_of(PDF_SHA)))
    assert (response.status_code, response.json()["error"]) == (503, "document_unavailable")


def test_the_endpoint_is_in_the_docking_contract(client, db):
    operation = client.get("/docking/v1/openapi.json").json()["paths"]["/docking/v1/documents/{sha256}"]["get"]
    assert operation["operationId"] == "getDocument"
    assert {"200", "401", "404"} <= set(operation["responses"])


# --- the client ---


class InProcess(requests.adapters.BaseAdapter):
    """Sends a `requests` request to this platform's own Django views, in this thread (so in the test's database
    transaction): the fetching side and the answering side, both real, in one test."""

    def __init__(self):
        super().__init__()
        self.django = Client()

    def send(self, request, **kwargs):
        url = requests.utils.urlparse(request.url)
        headers = {k: v for k, v in request.headers.items() if k.lower() not in ("content-length", "host")}
        answer = self.django.get(url.path, query_params=None, headers=headers)
        content = b"".join(answer.streaming_content) if answer.streaming else answer.content
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = requests.structures.CaseInsensitiveDict(answer.headers.items())
        response.raw = io.BytesIO(content)
        response.url, response.request = request.url, request
        return response

    def close(self):
        pass


@pytest.fixture
def loopback(make_peer, own_key, monkeypatch):
    """This platform as its own peer: a Peer whose key is our own signing key, reached in process."""
    peer = make_peer("loopback-platform").peer
    peer.base_url = "http://loopback.invalid"
    peer.save()
    PeerKey.objects.filter(peer=peer).delete()
    from django.conf import settings

    PeerKey.objects.create(peer=peer, key_id=settings.SUTIAO_KEY_ID, public_key_pem=own_public_pem())
    session = requests.Session()
    session.mount("http://loopback.invalid", InProcess())
    monkeypatch.setattr(docking_client, "_session", session)
    return peer


def test_a_shared_document_is_fetched_and_its_hash_checked(agreement, loopback):
    share(loopback, agreement)
    assert fetch_document(loopback, PDF_SHA, max_bytes=1024) == PDF_BYTES


def test_fetching_an_unshared_document_is_refused(agreement, loopback):
    with pytest.raises(DocumentRefused) as refusal:
        fetch_document(loopback, PDF_SHA, max_bytes=1024)
    assert "没有向本平台共享" in refusal.value.message


def test_a_malformed_hash_is_refused_before_asking(loopback):
    with pytest.raises(DocumentRefused) as refusal:
        fetch_document(loopback, "../../etc/passwd", max_bytes=1024)
    assert "格式错误" in refusal.value.message


@pytest.fixture
def scripted(asker, own_key):
    """The asking peer's address answers from a loopback server a test scripts."""
    server = PeerServer().start()
    asker.peer.base_url = server.url
    asker.peer.save()
    yield server
    server.stop()


def signed_bytes(key, received, body: bytes, status=200):
    answer = SignableAnswer(status, {"Content-Type": "application/octet-stream"}, received)
    sign_answer(answer, body, answer.request, key=key)
    return status, dict(answer.headers), body


def test_a_peer_answering_other_bytes_is_refused(asker, scripted):
    altered = PDF_BYTES.replace(b"Catalog", b"Catalox")
    scripted.answer = lambda received: signed_bytes(asker.key, received, altered)
    with pytest.raises(DocumentRefused) as refusal:
        fetch_document(asker.peer, PDF_SHA, max_bytes=1024)
    assert "SHA-256 校验值不符" in refusal.value.message
    assert scripted.received[0].path == path_of(PDF_SHA) and "Signature" in scripted.received[0].headers
    scripted.answer = lambda received: signed_bytes(asker.key, received, PDF_BYTES)
    assert fetch_document(asker.peer, PDF_SHA, max_bytes=1024) == PDF_BYTES  # the same peer, the right bytes


def test_an_unsigned_or_foreign_signed_answer_is_refused(asker, other, scripted):
    scripted.answer = lambda received: (200, {"Content-Type": "application/octet-stream"}, PDF_BYTES)
    with pytest.raises(DocumentRefused) as unsigned:
        fetch_document(asker.peer, PDF_SHA, max_bytes=1024)
    assert "签名无效" in unsigned.value.message
    scripted.answer = lambda received: signed_bytes(other.key, received, PDF_BYTES)
    with pytest.raises(DocumentRefused) as foreign:
        fetch_document(asker.peer, PDF_SHA, max_bytes=1024)
    assert "签名无效" in foreign.value.message


def test_an_answer_over_the_cap_is_refused(asker, scripted):
    scripted.answer = lambda received: signed_bytes(asker.key, received, PDF_BYTES)
    with pytest.raises(DocumentRefused) as refusal:
        fetch_document(asker.peer, PDF_SHA, max_bytes=len(PDF_BYTES) - 1)
    assert "上限" in refusal.value.message


def test_the_cap_defaults_to_the_upload_limit(asker, scripted, settings):
    settings.SUTIAO_UPLOAD_MAX_BYTES = 16
    scripted.answer = lambda received: signed_bytes(asker.key, received, PDF_BYTES)
    with pytest.raises(DocumentRefused):
        fetch_document(asker.peer, PDF_SHA)
