"""Badge files on S3-compatible object storage (a real S3 server on 127.0.0.1, moto).

Web, worker and beat may run on machines that share no disk: every original and thumbnail goes
through Django's storage API into a private bucket and is served through the app.
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from badges.models import Badge
from badges.services import import_badge, remake_thumbnail
from config.storage import default_storage
from tests.badges.test_tasks_worker import start, wait_until
from tests.badges.test_tasks_worker import worker_env as worker_env  # the fixture, reused
from tests.config.test_celery_worker import stop_worker
from tests.support.hosted import HostedBadge

pytestmark = pytest.mark.django_db


def upload(data: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile("badge.png", data, content_type="image/png")


def test_without_a_bucket_files_stay_on_the_local_disk():
    assert default_storage({}) == {"BACKEND": "django.core.files.storage.FileSystemStorage"}


def test_a_bucket_setting_selects_private_s3_storage_with_short_signed_urls():
    config = default_storage({"MANABI_S3_BUCKET": "b", "MANABI_S3_ENDPOINT_URL": "http://127.0.0.1:9000"})
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert config["OPTIONS"]["default_acl"] == "private"
    assert config["OPTIONS"]["querystring_auth"] is True
    assert config["OPTIONS"]["querystring_expire"] <= 600


def test_an_imported_original_and_its_thumbnail_land_in_the_bucket_not_on_disk(
    user, issuer_server, s3_storage, object_store, settings
):
    png = HostedBadge(issuer_server).publish().baked_png()
    badge = import_badge(owner=user, upload=upload(png))

    keys = object_store.keys(s3_storage)
    assert f"media/{badge.original_file.name}" in keys
    assert f"media/{badge.thumbnail.name}" in keys
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*.png"))
    # Private objects: nobody but the app's key can read them.
    grants = object_store.client().get_object_acl(Bucket=s3_storage, Key=f"media/{badge.original_file.name}")
    assert not [g for g in grants["Grants"] if "AllUsers" in str(g.get("Grantee", {}).get("URI", ""))]


def test_the_owner_downloads_the_original_through_the_app(auth_client, user, issuer_server, s3_storage):
    png = HostedBadge(issuer_server).publish().baked_png()
    badge = import_badge(owner=user, upload=upload(png))

    response = auth_client.get(reverse("badge_download", args=[badge.public_id]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == png


def test_a_remade_thumbnail_replaces_the_old_object(user, issuer_server, s3_storage, object_store):
    badge = import_badge(owner=user, upload=upload(HostedBadge(issuer_server).publish().baked_png()))
    old = badge.thumbnail.name

    assert remake_thumbnail(badge=badge)

    keys = object_store.keys(s3_storage)
    assert f"media/{badge.thumbnail.name}" in keys and f"media/{old}" not in keys


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_on_another_disk_writes_a_thumbnail_the_web_process_serves(
    auth_client, user, issuer_server, s3_storage, object_store, worker_env, tmp_path
):
    from badges.tasks import remake_thumbnail_task

    badge = import_badge(owner=user, upload=upload(HostedBadge(issuer_server).publish().baked_png()))
    badge.thumbnail.delete(save=True)
    assert not Badge.objects.get(pk=badge.pk).thumbnail

    # The worker shares the database and the bucket, but not a disk (its own empty media root).
    env = {**worker_env, **object_store.environment(s3_storage), "DJANGO_MEDIA_ROOT": str(tmp_path / "elsewhere")}
    worker = start(env)
    try:
        remake_thumbnail_task.apply_async(args=(badge.pk,), queue=env["_QUEUE"])
        wait_until(lambda: bool(Badge.objects.get(pk=badge.pk).thumbnail), what="the worker's thumbnail")
    finally:
        stop_worker(worker)

    badge.refresh_from_db()
    response = auth_client.get(reverse("badge_image", args=[badge.public_id]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    body = b"".join(response.streaming_content)
    stored = object_store.client().get_object(Bucket=s3_storage, Key=f"media/{badge.thumbnail.name}")["Body"].read()
    assert body == stored and body.startswith(b"\x89PNG")
    assert not (tmp_path / "elsewhere").exists() or not any((tmp_path / "elsewhere").rglob("*.png"))
