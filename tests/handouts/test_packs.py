"""Submission packs (提出版): a dated, frozen copy for one reader, with its own link and QR codes."""

import re

import pytest

from badges.models import Badge, Status
from badges.services import remove_badge
from growth.models import Reflection
from handouts.models import Pack
from tests.factories import make_badge
from wallet.services import add_badge_to_portfolio, reset_portfolio_link, set_portfolio_badges

pytestmark = pytest.mark.django_db

AUDIENCE = "A大学 総合型選抜"


def make_pack(auth_client, portfolio, note=""):
    response = auth_client.post(f"/wallet/portfolios/{portfolio.pk}/packs/", {"audience": AUDIENCE, "note": note})
    assert response.status_code == 302
    return Pack.objects.get(audience=AUDIENCE)


def test_making_a_pack_freezes_each_badge_with_its_verdict_and_checks(auth_client, user, portfolio, badge):
    pack = make_pack(auth_client, portfolio, note="Please see badge 1.")

    item = pack.items.get()
    assert pack.learner_name == "Hana"
    assert pack.note == "Please see badge 1."
    assert item.number == 1
    frozen = item.submitted
    assert frozen["name"] == "Data science basics"
    assert frozen["issuer_name"] == "Shizuoka Learning Centre"
    assert frozen["description"].startswith("Awarded for finishing course")
    assert frozen["status"] == "valid"
    assert [c["name"] for c in frozen["checks"]] == ["hosted", "recipient"]
    # The learner's address is never copied into what a reader sees.
    assert "hana@example.org" not in str(frozen)


def test_the_reader_sees_as_submitted_beside_now_after_the_badge_was_revoked(
    client, auth_client, user, portfolio, badge
):
    pack = make_pack(auth_client, portfolio)
    Badge.objects.filter(pk=badge.pk).update(status=Status.REVOKED, last_definitive_status=Status.REVOKED)

    client.cookies["django_language"] = "en"
    html = client.get(f"/k/{pack.token}/1/").content.decode()

    assert "As submitted on" in html and "Status now" in html
    assert 'data-status="valid"' in html and 'data-status="revoked"' in html
    assert "hana@example.org" not in html


def test_resetting_the_portfolio_link_and_removing_the_badge_from_it_does_not_change_or_break_the_pack(
    client, auth_client, user, unlisted_portfolio, badge
):
    pack = make_pack(auth_client, unlisted_portfolio)
    reset_portfolio_link(portfolio=unlisted_portfolio)
    set_portfolio_badges(portfolio=unlisted_portfolio, badges=[])
    unlisted_portfolio.title = "Something else"
    unlisted_portfolio.save()

    assert client.get(f"/k/{pack.token}/").status_code == 200
    response = client.get(f"/k/{pack.token}/1/")
    assert response.status_code == 200
    assert "Data science basics" in response.content.decode()


def test_a_badge_removed_from_the_wallet_stays_in_the_pack_as_submitted(client, auth_client, portfolio, badge):
    pack = make_pack(auth_client, portfolio)
    remove_badge(badge=badge)

    client.cookies["django_language"] = "en"
    html = client.get(f"/k/{pack.token}/1/").content.decode()
    assert "Data science basics" in html
    assert "No longer in the learner" in html


def test_the_printout_says_what_it_is_and_has_one_qr_per_badge_plus_one_for_the_pack(
    auth_client, user, portfolio, badge
):
    revoked = make_badge(user, name="Old course", status=Status.REVOKED)
    add_badge_to_portfolio(portfolio=portfolio, badge=revoked)
    auth_client.cookies["django_language"] = "en"

    response = auth_client.post(f"/wallet/portfolios/{portfolio.pk}/packs/", {"audience": AUDIENCE}, follow=True)

    html = response.content.decode()
    pack = Pack.objects.get()
    assert "Open Badges submitted as evidence of learning" in html
    assert f"Submission to {AUDIENCE}" in html
    assert "QR code" in html and "status today" in html
    assert len(re.findall(r'class="qr-print"', html)) == 3
    assert html.count('data-qr="badge"') == 2 and html.count('data-qr="pack"') == 1
    # Status in words and an icon, not colour alone (black-and-white printers).
    assert "✓</span> Verified" in html and "✗</span> Revoked" in html
    assert response.context["rows"][0]["url"] == f"http://127.0.0.1:8000/k/{pack.token}/1/"


def test_a_withdrawn_pack_answers_410(client, auth_client, portfolio, badge):
    pack = make_pack(auth_client, portfolio)
    auth_client.post(f"/wallet/packs/{pack.pk}/revoke/")

    assert client.get(f"/k/{pack.token}/").status_code == 410
    assert client.get(f"/k/{pack.token}/1/").status_code == 410


def test_packs_are_private_to_their_owner(client, other_user, auth_client, portfolio, badge):
    pack = make_pack(auth_client, portfolio)
    client.force_login(other_user)

    assert client.get(f"/wallet/packs/{pack.pk}/").status_code == 404
    assert client.post(f"/wallet/packs/{pack.pk}/revoke/").status_code == 404
    assert client.post(f"/wallet/portfolios/{portfolio.pk}/packs/", {"audience": "x"}).status_code == 404


def test_the_pack_page_costs_the_same_queries_for_1_or_10_badges(auth_client, user, portfolio, badge):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    reader = Client()  # anonymous, as an admissions officer scanning the printout
    one = make_pack(auth_client, portfolio)
    with CaptureQueriesContext(connection) as for_one:
        reader.get(f"/k/{one.token}/")
    for _n in range(9):
        add_badge_to_portfolio(portfolio=portfolio, badge=make_badge(user))
    ten = Pack.objects.get(
        pk=auth_client.post(f"/wallet/portfolios/{portfolio.pk}/packs/", {"audience": "B"}).url.split("/")[-2]
    )
    with CaptureQueriesContext(connection) as for_ten:
        response = reader.get(f"/k/{ten.token}/")

    assert response.content.decode().count('class="pack-row"') == 10
    assert len(for_ten) == len(for_one) <= 3


def test_a_reflection_marked_for_packs_is_frozen_into_the_pack_and_shown_to_the_reader(
    client, auth_client, portfolio, badge
):
    Reflection.objects.create(badge=badge, did="Built a survey analysis", learned="pandas", in_packs=True)
    pack = make_pack(auth_client, portfolio)

    badge.reflection.delete()  # later edits never change what was submitted
    page = client.get(f"/k/{pack.token}/1/").content.decode()

    assert pack.items.get().submitted["reflection"]["did"] == "Built a survey analysis"
    assert "Built a survey analysis" in page


def test_a_reflection_not_marked_for_packs_stays_out_of_the_pack(client, auth_client, portfolio, badge):
    Reflection.objects.create(badge=badge, did="Private thoughts", public=True, in_packs=False)
    pack = make_pack(auth_client, portfolio)

    assert pack.items.get().submitted["reflection"] is None
    assert "Private thoughts" not in client.get(f"/k/{pack.token}/1/").content.decode()


def test_a_pack_freezes_the_verified_issuer_identity_and_the_reader_sees_it(client, auth_client, portfolio, badge):
    badge.verified_issuer = "learning.example.jp"
    badge.save(update_fields=["verified_issuer"])
    pack = make_pack(auth_client, portfolio)

    badge.verified_issuer = ""
    badge.save(update_fields=["verified_issuer"])

    assert pack.items.get().submitted["verified_issuer"] == "learning.example.jp"
    assert (
        '<strong class="identifier">learning.example.jp</strong>' in client.get(f"/k/{pack.token}/1/").content.decode()
    )
