import io
import json
import zipfile
from http import HTTPStatus

import time_machine
from allauth.account.models import EmailAddress
from django.urls import reverse

from accounts.models import User
from tests.conftest import DEMO_PASSWORD


def test_deleting_the_account_removes_the_learners_rows(auth_client, user, other_user):
    response = auth_client.post(reverse("account_delete"), {"password": DEMO_PASSWORD})
    assert response.status_code == HTTPStatus.FOUND
    assert not User.objects.filter(pk=user.pk).exists()
    assert not EmailAddress.objects.filter(user_id=user.pk).exists()
    # Nobody else is touched.
    assert User.objects.filter(pk=other_user.pk).exists()


def test_deleting_needs_the_password(auth_client, user):
    response = auth_client.post(reverse("account_delete"), {"password": "wrong"})
    assert response.status_code == HTTPStatus.OK
    assert User.objects.filter(pk=user.pk).exists()


def test_export_is_a_dated_zip_with_the_account_as_json(client, user):
    # 8:00 in Japan is still the day before in UTC: the file is named after the learner's day.
    with time_machine.travel("2027-04-01 08:00 +09:00"):
        client.force_login(user)  # a session from today would have expired by then
        response = client.get(reverse("account_export"))

    assert response["Content-Disposition"] == 'attachment; filename="manabi-export-20270401.zip"'
    assert response["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    data = json.loads(archive.read("account.json"))
    assert data["profile"]["email"] == user.email
    assert data["email_addresses"] == [{"email": user.email, "verified": True, "primary": True}]


def test_profile_saves_display_name_and_language(auth_client, user):
    response = auth_client.post(
        reverse("profile"), {"display_name": "はな", "bio": "高校2年生", "preferred_language": "ja"}
    )
    assert response.status_code == HTTPStatus.FOUND
    user.refresh_from_db()
    assert (user.display_name, user.bio, user.preferred_language) == ("はな", "高校2年生", "ja")


def test_account_pages_need_sign_in(client, db):
    for name in ("profile", "account_export", "account_delete"):
        response = client.get(reverse(name))
        assert response.status_code == HTTPStatus.FOUND
        assert "/accounts/login/" in response.url
