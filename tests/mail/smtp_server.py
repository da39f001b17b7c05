"""A real SMTP server on loopback (aiosmtpd) that keeps what it receives, for the mail tests:
it can be stopped and started again on the same port, refuses recipients on request, and may
leave SMTPUTF8 out of what it offers, as many servers do."""

import socket
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return message_from_bytes(self.data, policy=policy.default)


@dataclass
class SmtpServer:
    port: int = field(default_factory=free_port)
    received: list[Received] = field(default_factory=list)
    # Recipients answered with this reply at RCPT TO ("451 try later", "550 no such user").
    refuse: dict[str, str] = field(default_factory=dict)
    # Whether EHLO offers SMTPUTF8 (RFC 6531), without which an address is ASCII only.
    smtputf8: bool = True
    controller: Controller | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return self.refuse[address]
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content)
            )
        return "250 Message accepted for delivery"

    def start(self) -> "SmtpServer":
        self.controller = Controller(
            self, hostname="127.0.0.1", port=self.port, enable_SMTPUTF8=self.smtputf8
        )
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def messages(self) -> list[EmailMessage]:
        with self.lock:
            return [r.message for r in self.received]
