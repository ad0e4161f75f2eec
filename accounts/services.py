"""Account workflows: export and deletion. Other apps add their part of the export via hooks."""

from __future__ import annotations

import json
import shutil
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.db import transaction
from django.utils import timezone

from .models import User


def export_account(*, user: User) -> dict[str, Any]:
    """Everything Manabi holds about the learner, as JSON-ready data."""
    data: dict[str, Any] = {
        "exported_at": timezone.now().isoformat(),
        "profile": {
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "preferred_language": user.preferred_language,
            "date_joined": user.date_joined.isoformat(),
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in user.emailaddress_set.order_by("email")
        ],
    }
    for contribute in EXPORT_HOOKS:
        data.update(contribute(user=user))
    return data


# Apps append callables `fn(*, user) -> dict` here (wallet adds badges and portfolios).
EXPORT_HOOKS: list = []


@dataclass(frozen=True)
class ExportFile:
    """One file for the export zip: where it goes inside the zip, how to open it for reading bytes, and
    what it belongs to (listed beside its path in account.json, e.g. ``{"badge": "<public id>"}``)."""

    path: str
    open: Callable[[], IO[bytes]]
    about: dict[str, str] = field(default_factory=dict)


# Apps append callables `fn(*, user) -> Iterable[ExportFile]` here (wallet adds each badge's original file).
FILE_EXPORT_HOOKS: list = []

# A zip up to this size stays in memory; a bigger one spills to a temporary file on disk.
EXPORT_ZIP_IN_MEMORY_BYTES = 10 * 1024 * 1024


def export_account_zip(*, user: User) -> IO[bytes]:
    """The account export as a zip, rewound and ready to stream: ``account.json`` (``export_account``)
    plus every file the apps contribute, byte for byte, listed under ``files``. A file that cannot be
    read is left out of the zip and listed under ``missing_files``. The caller closes the result."""
    data = export_account(user=user)
    archive = tempfile.SpooledTemporaryFile(max_size=EXPORT_ZIP_IN_MEMORY_BYTES)
    try:
        files: list[dict[str, str]] = []
        missing: list[dict[str, str]] = []
        with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            for contribute in FILE_EXPORT_HOOKS:
                for item in contribute(user=user):
                    entry = {"path": item.path, **item.about}
                    try:
                        source = item.open()
                    except OSError:
                        missing.append(entry)
                        continue
                    with source, zf.open(item.path, "w") as target:
                        shutil.copyfileobj(source, target)
                    files.append(entry)
            # Written last, so that it can say which files made it into the zip.
            data["files"], data["missing_files"] = files, missing
            zf.writestr("account.json", json.dumps(data, ensure_ascii=False, indent=2))
    except BaseException:
        archive.close()  # a half-written zip may be on disk: remove it now
        raise
    archive.seek(0)
    return archive


@transaction.atomic
def delete_account(*, user: User) -> None:
    """Remove the learner and, through cascades, everything of theirs (files included)."""
    if user.avatar:
        user.avatar.delete(save=False)
    for cleanup in DELETE_HOOKS:
        cleanup(user=user)
    user.delete()


# Apps append callables `fn(*, user) -> None` that remove files the database cascade cannot.
DELETE_HOOKS: list = []
