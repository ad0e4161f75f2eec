"""A stand-in SAML identity provider for tests: its own key and certificate, signed assertions.

Nothing listens on the network: SAML's browser POST binding means the learner's browser carries the
IdP's signed response to Manabi, so the test plays the browser with what this class signs.
"""

from __future__ import annotations

import base64
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlparse
from xml.sax.saxutils import escape

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from onelogin.saml2.constants import OneLogin_Saml2_Constants
from onelogin.saml2.utils import OneLogin_Saml2_Utils

SAML = 'xmlns:saml="urn:oasis:names:tc:SAML:2.0:assertion"'
SAMLP = 'xmlns:samlp="urn:oasis:names:tc:SAML:2.0:protocol"'


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


class StandInSamlIdp:
    def __init__(self, entity_id: str) -> None:
        self.entity_id = entity_id
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "stand-in idp")])
        now = datetime.now(UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - timedelta(days=1))
            .not_valid_after(now + timedelta(days=30))
            .sign(key, hashes.SHA256())
        )
        self.key_pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()
        self.cert_pem = cert.public_bytes(serialization.Encoding.PEM).decode()

    @staticmethod
    def request_id(redirect_url: str) -> str:
        """The ID of the AuthnRequest in an HTTP-Redirect binding URL (base64 of raw DEFLATE)."""
        encoded = parse_qs(urlparse(redirect_url).query)["SAMLRequest"][0]
        xml = zlib.decompress(base64.b64decode(encoded), -15).decode()
        return xml.split(' ID="', 1)[1].split('"', 1)[0]

    def response(self, *, request_id: str, acs_url: str, audience: str, attributes: dict[str, str]) -> str:
        now = datetime.now(UTC)
        later = _stamp(now + timedelta(minutes=5))
        statements = "".join(
            f'<saml:Attribute Name="{escape(name)}"><saml:AttributeValue>{escape(value)}</saml:AttributeValue></saml:Attribute>'
            for name, value in attributes.items()
        )
        assertion = (
            f'<saml:Assertion {SAML} ID="_a{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_stamp(now)}">'
            f"<saml:Issuer>{escape(self.entity_id)}</saml:Issuer>"
            "<saml:Subject>"
            f'<saml:NameID Format="urn:oasis:names:tc:SAML:2.0:nameid-format:transient">_{uuid.uuid4().hex}</saml:NameID>'
            '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
            f'<saml:SubjectConfirmationData NotOnOrAfter="{later}" Recipient="{acs_url}" InResponseTo="{request_id}"/>'
            "</saml:SubjectConfirmation></saml:Subject>"
            f'<saml:Conditions NotBefore="{_stamp(now - timedelta(minutes=1))}" NotOnOrAfter="{later}">'
            f"<saml:AudienceRestriction><saml:Audience>{audience}</saml:Audience></saml:AudienceRestriction>"
            "</saml:Conditions>"
            f'<saml:AuthnStatement AuthnInstant="{_stamp(now)}" SessionIndex="_s{uuid.uuid4().hex}">'
            "<saml:AuthnContext><saml:AuthnContextClassRef>"
            "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
            "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
            f"<saml:AttributeStatement>{statements}</saml:AttributeStatement>"
            "</saml:Assertion>"
        )
        signed = OneLogin_Saml2_Utils.add_sign(
            assertion,
            self.key_pem,
            self.cert_pem,
            sign_algorithm=OneLogin_Saml2_Constants.RSA_SHA256,
            digest_algorithm=OneLogin_Saml2_Constants.SHA256,
        )
        if isinstance(signed, bytes):
            signed = signed.decode()
        signed = signed.split("?>", 1)[-1] if signed.startswith("<?xml") else signed
        response = (
            f'<samlp:Response {SAMLP} {SAML} ID="_r{uuid.uuid4().hex}" Version="2.0" IssueInstant="{_stamp(now)}" '
            f'Destination="{acs_url}" InResponseTo="{request_id}">'
            f"<saml:Issuer>{escape(self.entity_id)}</saml:Issuer>"
            '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/></samlp:Status>'
            f"{signed}</samlp:Response>"
        )
        return base64.b64encode(response.encode()).decode()
