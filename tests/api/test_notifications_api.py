"""Notifications through the API: list (all or unread), mark one or all as read."""

from __future__ import annotations

import pytest

from badges.models import Notification
from badges.notifications import mark_notifications_read

from .support import assert_error

pytestmark = pytest.mark.django_db


@pytest.fixture
def notice(user, badge):
    """Hana's unread notice that her badge was revoked."""
    return Notification.objects.create(user=user, badge=badge, kind=Notification.Kind.REVOKED)


def test_list_my_notifications(hana, notice, badge):
    response = hana.get("/api/v1/notifications/")

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert item["id"] == notice.pk and item["kind"] == "revoked"
    assert item["kind_label"] == "Revoked by the issuer"
    assert item["badge"] == {"id": str(badge.public_id), "name": "Data science basics"}
    assert item["read_at"] is None


def test_only_unread_ones(hana, user, badge, notice):
    Notification.objects.create(user=user, badge=badge, kind="expired", read_at=notice.created_at)

    assert [n["id"] for n in hana.get("/api/v1/notifications/?unread=true").json()["results"]] == [notice.pk]
    assert hana.get("/api/v1/notifications/").json()["count"] == 2


def test_unread_must_be_a_boolean(hana, notice):
    assert_error(hana.get("/api/v1/notifications/?unread=maybe"), 400, "invalid")


def test_mark_one_as_read(hana, notice):
    response = hana.post(f"/api/v1/notifications/{notice.pk}/read/")

    assert response.status_code == 200 and response.json()["read_at"]
    notice.refresh_from_db()
    first = notice.read_at
    assert first is not None
    hana.post(f"/api/v1/notifications/{notice.pk}/read/")
    notice.refresh_from_db()
    assert notice.read_at == first


def test_mark_all_as_read(hana, user, badge, notice):
    Notification.objects.create(user=user, badge=badge, kind="expired")

    response = hana.post("/api/v1/notifications/read-all/")

    assert response.json() == {"marked": 2}
    assert not Notification.objects.filter(user=user).unread().exists()


def test_another_learners_notifications_are_invisible_and_404(kenji, notice):
    assert kenji.get("/api/v1/notifications/").json()["count"] == 0
    assert_error(kenji.post(f"/api/v1/notifications/{notice.pk}/read/"), 404, "not_found")
    assert kenji.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    notice.refresh_from_db()
    assert notice.read_at is None


def test_notifications_need_authentication(api_client, notice):
    assert_error(api_client.get("/api/v1/notifications/"), 401, "not_authenticated")
    assert_error(api_client.post(f"/api/v1/notifications/{notice.pk}/read/"), 401, "not_authenticated")
    assert_error(api_client.post("/api/v1/notifications/read-all/"), 401, "not_authenticated")


def test_mark_all_keeps_the_first_reading_time_of_notices_already_read(hana, user, badge, notice):
    hana.post(f"/api/v1/notifications/{notice.pk}/read/")
    notice.refresh_from_db()
    first = notice.read_at

    assert hana.post("/api/v1/notifications/read-all/").json() == {"marked": 0}
    notice.refresh_from_db()
    assert notice.read_at == first


def test_the_service_marks_only_the_learners_own_notices_it_is_given(user, other_user, badge, notice):
    second = Notification.objects.create(user=user, badge=badge, kind="expired")
    kenjis = Notification.objects.create(user=other_user, badge=badge, kind="expired")

    assert mark_notifications_read(user=user, ids=[notice.pk, kenjis.pk]) == 1
    assert set(Notification.objects.unread()) == {second, kenjis}
