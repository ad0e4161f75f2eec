"""HTTP to other Open Badges hosts (discovery, registration, tokens, credentials), through the same
SSRF guard as every badge fetch: ``HostClient`` extends ``badges.fetch.SafeFetcher`` with methods,
headers and bodies, and hands back non-2xx answers instead of raising (OAuth errors are answers)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import urllib3
from django.conf import settings
from urllib3.exceptions import HTTPError as Urllib3Error

from badges.fetch import MB, REDIRECT_STATUSES, SafeFetcher
from badges.openbadges.errors import FetchError
from badges.openbadges.i18n import gettext_noop as _


@dataclass(frozen=True)
class Answer:
    status: int
    url: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise FetchError(_("{url} did not answer with JSON."), url=self.url, kind="content_type") from exc

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class HostClient(SafeFetcher):
    """``request()`` sends any method; GET follows redirects (each hop re-checked), others never do."""

    def request(
        self, method: str, url: str, *, headers: dict[str, str] | None = None, body: bytes | None = None
    ) -> Answer:
        deadline = time.monotonic() + self.total_timeout
        sent = {"User-Agent": self.user_agent, "Accept": "application/json", "Accept-Encoding": "identity"}
        sent.update(headers or {})
        current = url
        for hop in range(self.max_redirects + 1):
            target = self._check(current, original=url)
            pool = self._open_pool(target.scheme, target.ip, target.port, target.host)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                pool.close()
                raise FetchError(_("{url} took too long to answer."), url=url, kind="network")
            try:
                with self._count_lock:
                    self.requests_made += 1
                response = pool.urlopen(
                    method,
                    target.path,
                    body=body,
                    headers={**sent, "Host": target.host_header},
                    retries=False,
                    redirect=False,
                    assert_same_host=False,
                    timeout=urllib3.Timeout(connect=min(self.connect_timeout, remaining), read=remaining),
                    preload_content=False,
                )
            except (Urllib3Error, OSError) as exc:
                pool.close()
                raise FetchError(_("Could not connect to {url}."), url=url, kind="network") from exc
            try:
                location = response.headers.get("Location")
                if method == "GET" and response.status in REDIRECT_STATUSES and location and hop < self.max_redirects:
                    current = urljoin(target.url, location.strip())
                    continue
                data = self._read_body(response, kind="json", deadline=deadline, url=url)
                answer_headers = {name.lower(): value for name, value in response.headers.items()}
                return Answer(status=response.status, url=target.url, body=data, headers=answer_headers)
            finally:
                response.close()
                pool.close()
        raise FetchError(_("{url} redirected more than {max} times."), url=url, kind="refused", max=self.max_redirects)


def host_client() -> HostClient:
    """A ``HostClient`` configured like the badge fetcher (allow-listed hosts, timeouts, user agent)."""
    total = float(settings.BADGE_FETCH_TIMEOUT)
    return HostClient(
        allow_hosts=frozenset(settings.BADGE_FETCH_ALLOW_HOSTS or ()),
        connect_timeout=min(5.0, total),
        total_timeout=total,
        user_agent=settings.BADGE_FETCH_USER_AGENT,
        # A page of credentials is larger than one badge document.
        max_json_bytes=16 * MB,
    )
