"""The owner's page of one badge (/badges/<public_id>/)."""

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from badges.models import Badge, SourceKind, Status, Verification
from badges.services import import_badge
from tests.factories import make_badge, serve_hosted_badge
from wallet.models import PortfolioEntry
from wallet.services import create_portfolio

pytestmark = pytest.mark.django_db


def test_owner_sees_name_issuer_dates_skills_and_every_check(auth_client, badge):
    badge.alignments = [{"name": "Statistics", "url": "https://skills.example/stats", "framework": "ESCO"}]
    badge.evidence = [{"id": "https://portfolio.example/work", "name": "My project", "narrative": "Built a *model*."}]
    badge.save()

    html = auth_client.get(f"/badges/{badge.public_id}/").content.decode()

    assert "Data science basics" in html
    assert "Shizuoka Learning Centre" in html
    assert 'href="https://skills.example/stats"' in html
    assert '<a href="https://portfolio.example/work" rel="noopener nofollow">My project</a>' in html
    assert "Built a <em>model</em>." in html
    # Checks are rendered from their template and params in the viewer's language.
    assert "Issued to hana@example.org." in html
    assert "Check again now" in html


def test_markdown_from_the_issuer_is_rendered_and_sanitised(auth_client, user):
    badge = make_badge(
        user,
        description="**Great** work <script>alert(1)</script> [x](javascript:alert(2))",
        criteria_narrative="1. Attend\n2. <img src=x onerror=alert(3)>",
    )

    html = auth_client.get(f"/badges/{badge.public_id}/").content.decode()

    assert "<strong>Great</strong>" in html
    assert "<script>alert(1)" not in html
    assert "javascript:alert" not in html
    assert "onerror" not in html
    assert "<li>Attend</li>" in html


def test_history_lists_status_changes(auth_client, badge):
    Verification.objects.create(badge=badge, trigger="import", status=Status.VALID)
    Verification.objects.create(badge=badge, trigger="schedule", status=Status.VALID, previous_status=Status.VALID)
    Verification.objects.create(badge=badge, trigger="schedule", status=Status.REVOKED, previous_status=Status.VALID)

    response = auth_client.get(f"/badges/{badge.public_id}/")

    assert [v.status for v in response.context["changes"]] == ["revoked", "valid"]
    assert "Checked 3 times in all." in response.content.decode()


def test_check_again_now_reverifies_against_the_issuer(auth_client, user, issuer_server):
    baked = serve_hosted_badge(issuer_server, 1)
    badge = import_badge(owner=user, upload=SimpleUploadedFile("b.png", baked))
    issuer_server.serve("/a/1", {**__import__("json").loads(issuer_server.routes["/a/1"].body), "revoked": True})

    response = auth_client.post(f"/badges/{badge.public_id}/check/", follow=True)

    badge.refresh_from_db()
    assert badge.status == Status.REVOKED
    assert "Checked again just now: Revoked." in response.content.decode()
    assert badge.verifications.first().trigger == Verification.Trigger.MANUAL


def test_original_png_downloads_as_an_attachment(auth_client, user):
    badge = make_badge(user, source_kind=SourceKind.PNG)
    badge.original_file.save("b.png", ContentFile(b"\x89PNG original"))

    response = auth_client.get(f"/badges/{badge.public_id}/download/")

    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content) == b"\x89PNG original"


def test_svg_is_never_served_inline_without_a_sandbox(auth_client, user):
    badge = make_badge(user, source_kind=SourceKind.SVG, thumbnail=False)
    badge.original_file.save("b.svg", ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'><script>x</script></svg>"))

    download = auth_client.get(f"/badges/{badge.public_id}/download/")
    image = auth_client.get(f"/badges/{badge.public_id}/image/")

    assert download["Content-Disposition"].startswith("attachment;")
    for response in (download, image):
        assert "sandbox" in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"


def test_card_image_is_the_small_thumbnail_or_a_neutral_medal(auth_client, user):
    with_thumb = make_badge(user)
    without = make_badge(user, thumbnail=False)

    for badge in (with_thumb, without):
        response = auth_client.get(f"/badges/{badge.public_id}/image/")
        assert response["Content-Type"] == "image/png"


def test_remove_asks_first_then_deletes_badge_and_files(auth_client, user, portfolio, badge):
    thumbnail = badge.thumbnail.path

    confirm = auth_client.get(f"/badges/{badge.public_id}/remove/")
    assert "Remove this badge?" in confirm.content.decode()
    assert Badge.objects.filter(pk=badge.pk).exists()

    auth_client.post(f"/badges/{badge.public_id}/remove/")

    assert not Badge.objects.filter(pk=badge.pk).exists()
    assert not PortfolioEntry.objects.filter(portfolio=portfolio).exists()
    assert not __import__("os").path.exists(thumbnail)


def test_hide_from_public_toggles(auth_client, badge):
    auth_client.post(f"/badges/{badge.public_id}/visibility/", {"hidden": "1"})
    badge.refresh_from_db()
    assert badge.hidden_from_public is True

    auth_client.post(f"/badges/{badge.public_id}/visibility/", {"hidden": "0"})
    badge.refresh_from_db()
    assert badge.hidden_from_public is False


def test_add_to_portfolio_from_the_badge_page(auth_client, user, badge):
    portfolio = create_portfolio(owner=user, title="Job hunting")

    auth_client.post(f"/badges/{badge.public_id}/add-to-portfolio/", {"portfolio": portfolio.pk})

    assert list(portfolio.badges.all()) == [badge]


def test_cannot_add_to_someone_elses_portfolio(auth_client, other_user, badge):
    theirs = create_portfolio(owner=other_user, title="Kenji's")

    response = auth_client.post(f"/badges/{badge.public_id}/add-to-portfolio/", {"portfolio": theirs.pk})

    assert response.status_code == 404
    assert not theirs.badges.exists()


@pytest.mark.parametrize("path", ["", "check/", "download/", "image/", "remove/", "visibility/", "add-to-portfolio/"])
@pytest.mark.parametrize("who", ["other_user", "anonymous"])
def test_badge_pages_are_404_for_other_learners_and_visitors(client, badge, other_user, path, who):
    if who == "other_user":
        client.force_login(other_user)

    assert client.get(f"/badges/{badge.public_id}/{path}").status_code in (404, 405)
    assert client.post(f"/badges/{badge.public_id}/{path}", {"hidden": "1"}).status_code == 404
    badge.refresh_from_db()
    assert badge.hidden_from_public is False
