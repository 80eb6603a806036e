"""Development e-mail backend (platform_/settings/dev.py): one console line per message,
who it is for, its subject and the links in it (the owner's set-password link, say), in
place of the raw MIME text Django's console backend prints."""

from __future__ import annotations

import re

from django.core.mail.backends.console import EmailBackend as ConsoleEmailBackend

_LINK = re.compile(r"""https?://[^\s<>"']+""")


def message_links(message) -> list[str]:
    """The links of the plain-text body, then any other link of its HTML alternatives."""
    bodies = [message.body or ""]
    bodies += [content for content, mimetype in getattr(message, "alternatives", []) if mimetype == "text/html"]
    links = []
    for body in bodies:
        for link in _LINK.findall(str(body)):
            link = link.rstrip(".,;:)]").replace("&amp;", "&")
            if link not in links:
                links.append(link)
    return links


def message_summary(message) -> str:
    subject = " ".join(str(message.subject).split())  # one line, whatever the subject holds
    line = f"E-mail to {', '.join(message.recipients())}: {subject}"
    links = message_links(message)
    return f"{line} | {' '.join(links)}" if links else line


class DevConsoleEmailBackend(ConsoleEmailBackend):
    def write_message(self, message):
        self.stream.write(message_summary(message) + "\n")
