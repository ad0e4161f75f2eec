"""Every response to a circle page or circle API call is checked: no learner's e-mail, ever."""

from __future__ import annotations

import pytest
from django.test.client import Client

CIRCLE_PATHS = ("/circles/", "/next/", "/api/v1/circles/")


@pytest.fixture(autouse=True)
def no_email_in_circle_responses(monkeypatch):
    original = Client.request
    checked = []

    def request_and_check(self, **environ):
        response = original(self, **environ)
        path = environ.get("PATH_INFO", "")
        if path.startswith(CIRCLE_PATHS) and not getattr(response, "streaming", False):
            from accounts.models import User

            body = response.content.decode("utf-8", errors="replace").lower()
            for email in User.objects.values_list("email", flat=True):
                assert email.lower() not in body, f"{email} appears in the response to {path}"
            checked.append(path)
        return response

    monkeypatch.setattr(Client, "request", request_and_check)
    return checked
