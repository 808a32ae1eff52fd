"""Messages from templates, and the ``EmailMessage`` a row becomes on the wire.

A template under ``mail/templates`` is ``NAME.txt`` (its first line is the subject,
then a blank line, then the body) and, optionally, ``NAME.html`` for the HTML part.
Text templates are not escaped (they are plain text); HTML ones are.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any

from jinja2 import Environment, PackageLoader, TemplateNotFound, select_autoescape


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str | None


@functools.cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("roost.mail", "templates"),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        keep_trailing_newline=True,
    )


def render_mail(name: str, **context: Any) -> Rendered:
    env = _environment()
    subject, _, text = env.get_template(f"{name}.txt").render(**context).partition("\n\n")
    try:
        html: str | None = env.get_template(f"{name}.html").render(**context)
    except TemplateNotFound:
        html = None
    return Rendered(" ".join(subject.split()), text.strip() + "\n", html)


def build_message(
    *,
    message_id: str,
    sender: str,
    to: str,
    subject: str,
    text: str,
    html: str | None,
    date: datetime,
) -> EmailMessage:
    """Plain text, with an HTML alternative when there is one."""
    message = EmailMessage()
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(date)
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation replies
    message.set_content(text)
    if html is not None:
        message.add_alternative(html, subtype="html")
    return message
