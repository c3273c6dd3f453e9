"""E-mail: safe headers, MIME structure, and a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import datetime
import email
import email.policy
import socket
import ssl
from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from beancount_ar.core.reminder_config import SmtpSettings, read_reminder_settings
from beancount_ar.mail import (
    MailError,
    SmtpSession,
    address,
    build_message,
    message_bytes,
    one_line,
    smtp_password,
)
from tests.conftest import load

PDF = b"%PDF-1.4 test"


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes

    @property
    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


@dataclass
class Handler:
    received: list[Received] = field(default_factory=list)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's name
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                      bytes(envelope.original_content or envelope.content)))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    host: str
    port: int
    handler: Handler

    @property
    def received(self) -> list[Received]:
        return self.handler.received

    def settings(self, **changes) -> SmtpSettings:
        return SmtpSettings(host=self.host, port=self.port, **{"starttls": False, **changes})


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1 that keeps what it receives (no TLS)."""
    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield Server("127.0.0.1", controller.port, handler)
    finally:
        controller.stop()


def message(**changes):
    values = dict(
        sender=address("compta@atelier.example.fr", "Atelier Lumière SARL"),
        to=[address("compta@dupont.example.fr", "Boulangerie Dupont")],
        subject="Relance de paiement – F-1",
        text="Madame, Monsieur,\nle texte.\n",
        html="<p>Madame, Monsieur,</p>",
        attachments=[("reminder-1.pdf", PDF, "application/pdf")],
        date=datetime.datetime(2026, 11, 23, 9, 0, tzinfo=datetime.timezone.utc),
    )
    values.update(changes)
    return build_message(**values)


def test_a_message_has_text_html_and_the_pdf():
    parsed = email.message_from_bytes(message_bytes(message()), policy=email.policy.default)
    assert parsed.get_content_type() == "multipart/mixed"
    assert parsed["From"] == "Atelier Lumière SARL <compta@atelier.example.fr>"
    assert parsed["To"] == "Boulangerie Dupont <compta@dupont.example.fr>"
    assert parsed["Subject"] == "Relance de paiement – F-1"
    text = parsed.get_body(("plain",)).get_content()
    assert text.replace("\r\n", "\n") == "Madame, Monsieur,\nle texte.\n"
    assert parsed.get_body(("html",)).get_content().strip() == "<p>Madame, Monsieur,</p>"
    [attachment] = list(parsed.iter_attachments())
    assert (attachment.get_content_type(), attachment.get_filename()) == (
        "application/pdf", "reminder-1.pdf")
    assert attachment.get_content() == PDF


@pytest.mark.parametrize("bad", [
    "a@b.example\r\nBcc: victim@evil.example",
    "a@b.example\nTo: victim@evil.example",
    "Someone <a@b.example>",
    "a b@example.fr",
    "a@localhost",
    "",
])
def test_an_address_that_is_not_one_plain_address_is_refused(bad):
    with pytest.raises(MailError, match="is not an e-mail address"):
        address(bad, "Name")


def test_names_and_subjects_cannot_add_headers():
    evil = "Dupont\r\nBcc: victim@evil.example\r\nX-Injected: yes"
    raw = message_bytes(message(to=[address("compta@dupont.example.fr", evil)],
                                subject="Relance\nBcc: victim@evil.example"))
    parsed = email.message_from_bytes(raw, policy=email.policy.default)
    assert parsed["Bcc"] is None and parsed["X-Injected"] is None
    assert [a.addr_spec for a in parsed["To"].addresses] == ["compta@dupont.example.fr"]
    assert parsed["To"].addresses[0].display_name == (
        "Dupont Bcc: victim@evil.example X-Injected: yes")
    assert parsed["Subject"] == "Relance Bcc: victim@evil.example"
    assert b"\nBcc:" not in raw and b"\nX-Injected" not in raw
    assert one_line("a\x1b[31m\u2028b") == "a [31m b"  # terminal escapes too


def test_messages_arrive_at_a_real_smtp_server(smtp_server):
    sent = message(bcc=[address("archive@atelier.example.fr")],
                   reply_to=[address("relances@atelier.example.fr")])
    with SmtpSession(smtp_server.settings()) as session:
        assert session.send(sent) == ["compta@dupont.example.fr", "archive@atelier.example.fr"]
    [got] = smtp_server.received
    assert got.mail_from == "compta@atelier.example.fr"
    assert got.rcpt_tos == ["compta@dupont.example.fr", "archive@atelier.example.fr"]
    assert got.message["Bcc"] is None  # blind copy: in the envelope only
    assert got.message["Reply-To"] == "relances@atelier.example.fr"
    assert list(got.message.iter_attachments())[0].get_content() == PDF


def test_starttls_is_required_unless_turned_off(smtp_server):
    with pytest.raises(MailError, match="does not offer STARTTLS: nothing is sent in clear"):
        with SmtpSession(smtp_server.settings(starttls=True)):
            pass
    assert smtp_server.received == []


def test_a_server_that_does_not_answer_is_one_clear_error():
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), starttls=False)
    with pytest.raises(MailError, match=r"cannot use the mail server 127\.0\.0\.1:\d+: "):
        with SmtpSession(settings, timeout=5):
            pass
    with pytest.raises(MailError, match="no mail server: set smtp_host"):
        SmtpSession(SmtpSettings())


def _tls_files(folder):
    """A self-signed certificate for 127.0.0.1, made with `cryptography`."""
    x509 = pytest.importorskip("cryptography.x509")
    import ipaddress

    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName(
                [x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256()))
    cert_file, key_file = folder / "cert.pem", folder / "key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return str(cert_file), str(key_file)


def test_starttls_and_login_with_the_password_from_the_environment(tmp_path):
    cert, key = _tls_files(tmp_path)
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    logins = []

    def authenticator(server, session, envelope, mechanism, auth_data):
        logins.append((auth_data.login, auth_data.password))
        ok = (auth_data.login, auth_data.password) == (b"relances", b"s3cret pass")
        return AuthResult(success=ok, handled=False)  # handled=False: answer 535

    handler = Handler()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(),
                            tls_context=server_context, require_starttls=True,
                            authenticator=authenticator, auth_require_tls=True)
    controller.start()
    try:
        settings = SmtpSettings(host="127.0.0.1", port=controller.port, user="relances",
                                password_env="TEST_AR_SMTP")
        client_context = ssl.create_default_context(cafile=cert)
        password = smtp_password(settings, {"TEST_AR_SMTP": "s3cret pass"})
        with SmtpSession(settings, password, context=client_context) as session:
            session.send(message())
        assert len(handler.received) == 1
        with pytest.raises(MailError, match="refused the login of 'relances'.*TEST_AR_SMTP"):
            with SmtpSession(settings, "wrong", context=client_context):
                pass
        with pytest.raises(MailError, match="certificate verify failed"):
            with SmtpSession(settings, password):  # the system does not trust this certificate
                pass
        assert len(handler.received) == 1
        assert logins[0] == (b"relances", b"s3cret pass")
    finally:
        controller.stop()


def test_the_password_comes_from_the_environment_never_from_the_ledger():
    settings = SmtpSettings(host="smtp.example.fr", user="relances", password_env="MY_PW")
    with pytest.raises(MailError, match="environment variable MY_PW holding its password"):
        smtp_password(settings, {})
    assert smtp_password(SmtpSettings(host="smtp.example.fr"), {}) is None
    entries, errors, _ = load("""
    2026-01-01 custom "ar-reminders" "{'smtp_host': 'smtp.example.fr', 'smtp_password': 'hunter2'}"
    """)
    settings, problems = read_reminder_settings(entries)
    assert settings.smtp.host == "smtp.example.fr"
    assert len(problems) == 1
    assert "a password never goes in the ledger" in problems[0].message
    assert "hunter2" not in problems[0].message


def test_smtp_settings_from_the_ledger_latest_directive_wins():
    entries, errors, _ = load("""
    2025-01-01 custom "ar-reminders" "{'smtp_host': 'old.example.fr'}"
    2026-01-01 custom "ar-reminders" "{'smtp_host': 'smtp.example.fr', 'smtp_ssl': True}"
      smtp_user: "relances@atelier.example.fr"
      smtp_password_env: "ATELIER_SMTP"
      bcc: "archive@atelier.example.fr"
    """)
    assert errors == []
    settings, problems = read_reminder_settings(entries, datetime.date(2026, 11, 23))
    assert problems == []
    assert settings.smtp == SmtpSettings(host="smtp.example.fr", port=None, starttls=False,
                                         ssl=True, user="relances@atelier.example.fr",
                                         password_env="ATELIER_SMTP")
    assert settings.smtp.effective_port == 465
    assert settings.bcc == ("archive@atelier.example.fr",)
    old, _ = read_reminder_settings(entries, datetime.date(2025, 6, 1))
    assert (old.smtp.host, old.smtp.effective_port, old.smtp.starttls) == (
        "old.example.fr", 587, True)
