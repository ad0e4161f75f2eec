from django.urls import reverse

from accounts.models import User


def test_home_page_is_japanese_by_default(client, db):
    html = client.get("/").content.decode()
    assert '<html lang="ja">' in html
    assert "学び" in html or "バッジ" in html


def test_switching_language_renders_english(client, db):
    client.post(reverse("switch_language"), {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="en">' in html
    assert "Your learning, in one place" in html


def test_switching_language_back_to_japanese_renders_japanese(client, db):
    client.post(reverse("switch_language"), {"language": "en", "next": "/"})
    client.post(reverse("switch_language"), {"language": "ja", "next": "/"})
    html = client.get("/").content.decode()
    assert '<html lang="ja">' in html
    assert "あなたの学びを、ひとつの場所に" in html


def test_a_signed_in_learner_keeps_the_language_on_their_account(auth_client, user):
    auth_client.post(reverse("switch_language"), {"language": "en", "next": "/"})
    user.refresh_from_db()
    assert user.preferred_language == "en"
    # Another device with a Japanese browser still gets English once signed in.
    auth_client.cookies.clear()
    auth_client.force_login(User.objects.get(pk=user.pk))
    html = auth_client.get("/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert '<html lang="en">' in html
