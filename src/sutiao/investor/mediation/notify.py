"""The one seam through which the mediation tells its parties something (a session invitation, a period
reminder or extension to consent to, a record to confirm, the result): a signal the notifications app
(`sutiao.notifications`, issue 10 item 5) connects its inbox, e-mail and SMS delivery to. Sent after commit,
so nobody is told of what was rolled back."""

from django.db import transaction
from django.dispatch import Signal

# kwargs: mediation, parties (MediationParty list; their `user` may be None), subject, text, url
party_notice = Signal()


def tell_parties(mediation, parties, subject: str, text: str, url: str = "") -> None:
    parties = list(parties)
    transaction.on_commit(
        lambda: party_notice.send(
            sender=type(mediation), mediation=mediation, parties=parties, subject=subject, text=text, url=url
        )
    )
