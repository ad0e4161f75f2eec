import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_page_greets_in_japanese_and_switches_to_english(page, live_server, artifacts):
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert page.get_by_role("heading", level=1).inner_text() == "あなたの学びを、ひとつの場所に"
    page.screenshot(path=artifacts / "home-ja-phone.png", full_page=True)

    # On a phone the language switcher sits in the header's menu.
    page.get_by_role("button", name="メニュー").click()
    # Picking a language submits the switcher form (progressive enhancement in site.js).
    with page.expect_navigation():
        page.get_by_label("言語").select_option("en")
    assert page.get_by_role("heading", level=1).inner_text() == "Your learning, in one place"


def test_sign_in_form_is_keyboard_usable(page, live_server):
    page.goto(live_server.url + "/accounts/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "本文へスキップ"
