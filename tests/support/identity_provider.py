"""A stand-in identity provider on 127.0.0.1 for social sign-in tests (never a real provider).

It answers the server-to-server half of OAuth 2 / OpenID Connect that allauth's providers perform:
the token endpoint (returns an RS256-signed ID token with the claims a test sets), LINE's ID-token
verification endpoint, a JWKS key set (Apple checks signatures) and a userinfo endpoint. The
browser half (the consent screen) is the test itself choosing to come back with a code.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

KEY_ID = "stand-in-key"


class StandInIdentityProvider:
    def __init__(self) -> None:
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.claims: dict = {}
        self.issuer = ""
        self.audience = ""
        self.requests: list[tuple[str, dict]] = []
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _send(self, payload: dict, status: int = 200) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                provider.requests.append((self.path, form))
                if self.path == "/token":
                    self._send(
                        {
                            "access_token": uuid.uuid4().hex,
                            "token_type": "Bearer",
                            "expires_in": 3600,
                            "id_token": provider.id_token(),
                        }
                    )
                elif self.path == "/verify":  # LINE: the ID token's claims, checked by the provider
                    self._send(provider.claims)
                else:
                    self._send({"error": "not_found"}, 404)

            def do_GET(self) -> None:
                provider.requests.append((self.path, {}))
                if self.path == "/keys":
                    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(provider.key.public_key()))
                    self._send({"keys": [{**public, "kid": KEY_ID, "alg": "RS256", "use": "sig"}]})
                elif self.path == "/userinfo":
                    self._send(provider.claims)
                else:
                    self._send({"error": "not_found"}, 404)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def id_token(self) -> str:
        now = int(time.time())
        payload = {
            "iss": self.issuer,
            "aud": self.audience,
            "iat": now,
            "exp": now + 600,
            "jti": uuid.uuid4().hex,
            **self.claims,
        }
        return jwt.encode(payload, self.key, algorithm="RS256", headers={"kid": KEY_ID})

    def __enter__(self) -> StandInIdentityProvider:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
