"""How the mediation tells its parties something (a session invitation, a period reminder or extension to
consent to, a record to confirm, the result): a notification per party, written in the action's own
transaction (`sutiao.notifications.notify`) and delivered by the worker, so nothing told is lost and nobody is
told of what was rolled back. A party with a linked account gets it in the inbox and at the account's
addresses; a party without one, by SMS to the phone the court registered."""

from sutiao.notifications.service import Contact, notify


def tell_parties(mediation, parties, subject: str, text: str, url: str = "") -> None:
    number = mediation.number
    for party in parties:
        recipient = party.user or Contact(name=party.name, mobile=party.phone)
        notify(recipient, "mediation_notice", {"subject": subject, "text": text, "number": number}, link=url)
