"""Telling people something: an e-mail to each, and the same line in their notification centre.

Every notice names its subject, says what happened and links to the page, as an absolute address
(SITE_URL) in the e-mail and as a path in the centre. Callers run this from a background task
enqueued after commit, so a rolled-back write never tells anyone anything.
"""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection

from .freshness import header_changed
from .models import Notification

SUBJECT_PREFIX = "[Logement accompagné]"


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path if path.startswith("/") else path


def send(*, subject: str, body: str, recipients, url: str = "", attachments=()) -> int:
    """E-mail `recipients` (users) and record the notice for each; returns the number of e-mails.

    `attachments`: (file name, bytes, content type) triples joined to every e-mail.
    """
    subject = " ".join(subject.split())[:255]  # a header holds one line, whatever a name contains
    people = {user.email: user for user in recipients if user.email}
    if not people:
        return 0
    text = body.rstrip() + "\n"
    if url:
        text += f"\nPour le consulter : {absolute_url(url)}\n"
    messages = []
    for address in sorted(people):
        message = EmailMessage(subject, text, settings.DEFAULT_FROM_EMAIL, [address])
        for name, content, content_type in attachments:
            message.attach(name, content, content_type)
        messages.append(message)
    # The centre shows the same words without the e-mail's framing (subject prefix, greeting).
    title = subject.removeprefix(SUBJECT_PREFIX).strip()
    summary = body.strip().removeprefix("Bonjour,").strip()
    Notification.objects.bulk_create(
        [Notification(recipient=user, subject=title, body=summary, url=url) for user in people.values()]
    )
    header_changed(user.pk for user in people.values())  # the badge of their next page
    return get_connection(fail_silently=False).send_messages(messages)
