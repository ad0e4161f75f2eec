from http import HTTPStatus


def test_pages_forbid_inline_and_foreign_scripts(client, db):
    response = client.get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Content-Type-Options"] == "nosniff"


def test_an_original_badge_file_keeps_its_own_stricter_sandbox_policy(auth_client, user):
    from django.core.files.base import ContentFile

    from tests.factories import make_badge

    badge = make_badge(user, source_kind="svg")
    badge.original_file.save("b.svg", ContentFile(b"<svg xmlns='http://www.w3.org/2000/svg'/>"))
    response = auth_client.get(f"/badges/{badge.public_id}/download/")
    assert response.status_code == HTTPStatus.OK
    assert "sandbox" in response["Content-Security-Policy"]
