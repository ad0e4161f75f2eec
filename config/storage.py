"""Where uploaded files live: the local disk (embedded default) or S3-compatible object storage.

Read from the environment by config/settings.py (``default_storage(os.environ)``); a plain function so
tests and the docker-compose check build the same configuration from a dict.
https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

FILESYSTEM = "django.core.files.storage.FileSystemStorage"
S3 = "storages.backends.s3.S3Storage"


def default_storage(environ: Mapping[str, str]) -> dict:
    """STORAGES["default"]: S3 when MANABI_S3_BUCKET is set, else the local filesystem.

    The bucket stays private (no public ACL): badge originals and thumbnails are served through
    the app, which checks who may see them; anything else gets short-lived signed URLs.
    """
    bucket = environ.get("MANABI_S3_BUCKET", "")
    if not bucket:
        return {"BACKEND": FILESYSTEM}
    secret = environ.get("MANABI_S3_SECRET_ACCESS_KEY", "")
    if environ.get("MANABI_S3_SECRET_ACCESS_KEY_FILE"):
        secret = Path(environ["MANABI_S3_SECRET_ACCESS_KEY_FILE"]).read_text().strip()
    return {
        "BACKEND": S3,
        "OPTIONS": {
            "bucket_name": bucket,
            "endpoint_url": environ.get("MANABI_S3_ENDPOINT_URL") or None,
            "region_name": environ.get("MANABI_S3_REGION") or "us-east-1",
            "access_key": environ.get("MANABI_S3_ACCESS_KEY_ID", ""),
            "secret_key": secret,
            "location": environ.get("MANABI_S3_PREFIX", "media"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": int(environ.get("MANABI_S3_URL_SECONDS") or 300),
            # Two uploads named alike never overwrite each other (Django picks a free name).
            "file_overwrite": False,
            # Path-style addressing works with every S3-compatible server (MinIO, Ceph, moto).
            "addressing_style": "path",
        },
    }
