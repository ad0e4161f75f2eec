"""Dates inside check lines read like the page's other dates: the viewer's language, the site's time zone."""

from __future__ import annotations

import pytest
from django.utils import translation

from badges.presentation import local_date_text, translate


def test_a_utc_timestamp_in_a_check_is_shown_in_japanese_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    with translation.override("ja"):
        text = translate("The badge was issued on {date}.", {"date": "2026-02-01T01:30:00+00:00"})
    assert "2026年2月1日" in text and "10:30" in text
    assert "T01:30" not in text and "+00:00" not in text


def test_the_same_in_english():
    with translation.override("en"):
        text = translate("The badge expired on {date}.", {"date": "2026-02-01T15:00:00Z"})
    assert "Feb. 2, 2026" in text  # 00:00 in Tokyo the next day: a date alone


@pytest.mark.parametrize("value", ["2026-02-01", "2026-02-01T00:00:00+09:00"])
def test_a_date_without_a_time_of_day_is_a_date_alone(value):
    with translation.override("ja"):
        assert local_date_text(value) == "2026年2月1日"


def test_text_that_only_looks_like_a_date_is_left_alone():
    assert local_date_text("2026-99-99") == "2026-99-99"


@pytest.mark.django_db
def test_the_public_page_has_no_raw_iso_timestamps_in_its_checks(client, user):
    from tests.factories import make_badge
    from wallet.services import permanent_link

    checks = [
        {
            "name": "validity",
            "result": "pass",
            "message": "The badge was issued on 2026-02-01T01:30:00+00:00.",
            "template": "The badge was issued on {date}.",
            "params": {"date": "2026-02-01T01:30:00+00:00"},
            "status": None,
        }
    ]
    link = permanent_link(badge=make_badge(user, checks=checks))

    html = client.get(f"/b/{link.code}/").content.decode()

    assert "2026-02-01T01:30" not in html
    assert "2026年2月1日10:30" in html
