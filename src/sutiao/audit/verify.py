"""Checking the chain (`sutiao court|investor audit verify`): every record's hash is recomputed from its
content and the hash before it, in one pass over the log read in chunks, so a log of millions of records is
checked in constant memory. The first record that does not fit is named, with what is wrong with it."""

from dataclasses import dataclass
from enum import StrEnum

from .chain import FIELDS, GENESIS, link
from .models import AuditHead, AuditRecord

CHUNK = 2000


class Defect(StrEnum):
    """What verification found wrong at the first bad record, with the sentence an operator reads (the command
    line speaks Chinese, as the platform's other operator commands do)."""

    EDITED = "edited"  # its content no longer gives its hash
    UNLINKED = (
        "unlinked"  # it does not name the hash of the record before it (that one was rewritten, or it was put in)
    )
    MISSING = "missing"  # a sequence number is absent (deleted)
    INSERTED = "inserted"  # beyond the chain's head, or numbered out of the sequence: not written by record()
    HEAD = "head"  # the head does not match the last record (the newest records were deleted or replaced)

    @property
    def label(self) -> str:
        return _DEFECT_LABELS[self]


_DEFECT_LABELS = {
    Defect.EDITED: "内容与哈希不符（记录被修改）",
    Defect.UNLINKED: "与前一记录的哈希不衔接（前一记录被改写，或本记录被插入）",
    Defect.MISSING: "记录缺失（被删除）",
    Defect.INSERTED: "记录不在链上（被直接插入）",
    Defect.HEAD: "链头与最后一条记录不符（最新记录被删除或替换）",
}


@dataclass(frozen=True)
class Finding:
    seq: int
    defect: Defect


@dataclass(frozen=True)
class Outcome:
    checked: int  # records read
    head_seq: int
    head_hash: str
    finding: Finding | None

    @property
    def intact(self) -> bool:
        return self.finding is None


def _head() -> tuple[int, str]:
    head = AuditHead.objects.filter(pk=1).values_list("seq", "hash").first()
    return head or (0, GENESIS)


def verify_chain(chunk_size: int = CHUNK) -> Outcome:
    """Walk the log in sequence order and return the first defect (or none).

    The head is read before and after the walk: records appended meanwhile (the platform keeps working during
    a verification) extend the chain past the first head and are checked like the others; only what lies
    beyond the head read afterwards counts as inserted."""
    head_seq, head_hash = _head()
    expected, prev, checked = 1, GENESIS, 0
    columns = ("prev_hash", "hash", *FIELDS)
    rows = AuditRecord.objects.order_by("seq").values_list(*columns).iterator(chunk_size=chunk_size)
    for row in rows:
        checked += 1
        prev_hash, digest, fields = row[0], row[1], dict(zip(FIELDS, row[2:], strict=True))
        seq = fields["seq"]
        if seq < expected:
            return Outcome(checked, head_seq, head_hash, Finding(seq, Defect.INSERTED))
        if seq > expected:
            return Outcome(checked, head_seq, head_hash, Finding(expected, Defect.MISSING))
        defect = Defect.EDITED if link(prev_hash, fields) != digest else Defect.UNLINKED if prev_hash != prev else None
        if defect is not None:
            if seq > head_seq and seq > _head()[0]:
                defect = Defect.INSERTED  # past the head: nobody appended it through record()
            return Outcome(checked, head_seq, head_hash, Finding(seq, defect))
        if seq == head_seq and digest != head_hash:
            return Outcome(checked, head_seq, head_hash, Finding(seq, Defect.HEAD))
        prev, expected = digest, seq + 1
    last = expected - 1
    if last > head_seq:
        head_seq, head_hash = _head()  # appended while we read?
        if last > head_seq:
            return Outcome(checked, head_seq, head_hash, Finding(head_seq + 1, Defect.INSERTED))
        if last == head_seq and prev != head_hash:
            return Outcome(checked, head_seq, head_hash, Finding(last, Defect.HEAD))
    elif last < head_seq:
        return Outcome(checked, head_seq, head_hash, Finding(last + 1, Defect.MISSING))
    return Outcome(checked, head_seq, head_hash, None)


def hashes_at(seqs) -> dict[int, str]:
    """Our chain's hash at each of `seqs` (0 is the genesis)."""
    found = dict(AuditRecord.objects.filter(seq__in=[s for s in seqs if s]).values_list("seq", "hash"))
    if 0 in seqs:
        found[0] = GENESIS
    return found
