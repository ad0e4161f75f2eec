"""A real S3-compatible object store for tests: moto's server on 127.0.0.1 (a free port).

    store = ObjectStore().start()
    store.create_bucket("manabi-test")
    settings.STORAGES = {**settings.STORAGES, "default": store.storage_config("manabi-test")}
    store.stop()

It speaks the S3 HTTP API, so django-storages and boto3 talk to it exactly as they would to
MinIO or a cloud bucket. The fixtures at the bottom start one server per test session.
"""

from __future__ import annotations

import socket
import uuid

import pytest

LOOPBACK = "127.0.0.1"
ACCESS_KEY = "manabi-test-access"
SECRET_KEY = "manabi-test-secret"  # noqa: S105 - a local throw-away server's key


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


class ObjectStore:
    def __init__(self) -> None:
        self.port = free_port()
        self._server = None

    @property
    def endpoint_url(self) -> str:
        return f"http://{LOOPBACK}:{self.port}"

    def start(self) -> ObjectStore:
        from moto.server import ThreadedMotoServer

        self._server = ThreadedMotoServer(ip_address=LOOPBACK, port=self.port, verbose=False)
        self._server.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def client(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            region_name="us-east-1",
            aws_access_key_id=ACCESS_KEY,
            aws_secret_access_key=SECRET_KEY,
        )

    def create_bucket(self, name: str | None = None) -> str:
        name = name or f"manabi-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket: str) -> list[str]:
        listing = self.client().list_objects_v2(Bucket=bucket)
        return [item["Key"] for item in listing.get("Contents", [])]

    def environment(self, bucket: str) -> dict[str, str]:
        """What the settings read (MANABI_S3_*), for a worker or web process started by a test."""
        return {
            "MANABI_S3_BUCKET": bucket,
            "MANABI_S3_ENDPOINT_URL": self.endpoint_url,
            "MANABI_S3_ACCESS_KEY_ID": ACCESS_KEY,
            "MANABI_S3_SECRET_ACCESS_KEY": SECRET_KEY,
        }

    def storage_config(self, bucket: str) -> dict:
        """The STORAGES["default"] entry the settings build from ``environment(bucket)``."""
        from config.storage import default_storage

        return default_storage(self.environment(bucket))


@pytest.fixture(scope="session")
def object_store():
    store = ObjectStore().start()
    yield store
    store.stop()


@pytest.fixture
def s3_storage(object_store, settings):
    """Django's default storage is a fresh private bucket on the local S3 server for this test."""
    bucket = object_store.create_bucket()
    settings.STORAGES = {**settings.STORAGES, "default": object_store.storage_config(bucket)}
    return bucket
