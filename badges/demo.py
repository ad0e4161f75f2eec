"""Demo badges for `make run`: real, signed Open Badges 3.0 credentials issued to the demo learner.

They are signed with a did:key generated on the spot, so they verify fully offline (no issuer
server is needed) and go through the same import path as any badge a learner brings.
"""

from __future__ import annotations

import hashlib
import io
import json
from datetime import UTC, datetime, timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from badges.openbadges.baking import bake_png
from badges.openbadges.signing import build_credential, did_key_method, generate_ed25519_did_key, sign_data_integrity

from .services import ImportRefused, import_badge

DEMO_BADGES = [
    # (achievement, description, issuer, colour, issued, valid for days or None)
    (
        "翻訳ボランティア 初級",
        "地域イベントの案内文を日英翻訳するボランティアに3回参加した。",
        "みらい県国際交流協会",
        (28, 91, 184),
        datetime(2025, 8, 2, tzinfo=UTC),
        None,
    ),
    (
        "データサイエンス入門",
        "Pythonでデータを読み込み、集計し、グラフで説明できる。全6回の講座を修了。",
        "みらい県生涯学習センター",
        (23, 100, 54),
        datetime(2025, 11, 20, tzinfo=UTC),
        None,
    ),
    (
        "Teamwork in Projects",
        "Led a four-person project team through a semester-long community project.",
        "Mirai Prefectural University",
        (138, 75, 0),
        datetime(2026, 2, 14, tzinfo=UTC),
        None,
    ),
    (
        "プレゼンテーション基礎",
        "3分間のピッチを構成し、聞き手に合わせて発表できる。",
        "みらい県生涯学習センター",
        (164, 22, 26),
        datetime(2026, 5, 30, tzinfo=UTC),
        None,
    ),
    (
        "救命講習 普通",
        "心肺蘇生法とAEDの使い方を学んだ。",
        "みらい市消防局",
        (90, 40, 140),
        datetime(2023, 4, 10, tzinfo=UTC),
        730,
    ),
]


def badge_image(colour: tuple[int, int, int], label: str) -> bytes:
    image = Image.new("RGBA", (256, 256), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, 248, 248), fill=colour + (255,))
    draw.ellipse((40, 40, 216, 216), outline=(255, 255, 255, 255), width=10)
    draw.text((128, 128), label, fill=(255, 255, 255, 255), anchor="mm", font_size=72)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def demo_credentials(email: str, *, now: datetime) -> list[tuple[str, bytes]]:
    """(file name, baked PNG) pairs, each a signed credential naming ``email`` (hashed) as recipient."""
    key, did = generate_ed25519_did_key()
    salt = "manabi-demo"
    identity = "sha256$" + hashlib.sha256((email + salt).encode()).hexdigest()
    files = []
    for index, (name, description, issuer, colour, issued, days) in enumerate(DEMO_BADGES, start=1):
        credential = build_credential(
            issuer=did,
            issuer_name=issuer,
            subject_id=None,
            identifiers=[{"identityType": "emailAddress", "hashed": True, "salt": salt, "identityHash": identity}],
            achievement_name=name,
            achievement_description=description,
            criteria_narrative=description,
            valid_from=issued,
            valid_until=issued + timedelta(days=days) if days else None,
        )
        signed = sign_data_integrity(credential, private_key=key, verification_method=did_key_method(did))
        png = bake_png(badge_image(colour, str(index)), json.dumps(signed, ensure_ascii=False))
        files.append((f"demo-badge-{index}.png", png))
    return files


def load_demo_badges(user, *, now: datetime | None = None) -> int:
    """Import the demo badges into ``user``'s wallet unless it already has badges. Returns how many."""
    if user.badges.exists():
        return 0
    now = now or datetime.now(UTC)
    imported = 0
    for filename, png in demo_credentials(user.email, now=now):
        try:
            import_badge(owner=user, upload=SimpleUploadedFile(filename, png, content_type="image/png"))
            imported += 1
        except ImportRefused:
            continue
    return imported
