"""A visitor reads the demo course in Chromium: on a phone in French, then switches to English."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits_the_screen

pytestmark = pytest.mark.browser


def test_french_visitor_on_a_phone_browses_the_catalogue_reads_a_lesson_and_switches_to_english(site_url, phone):
    phone.goto(site_url + "/")
    expect(phone).to_have_url(re.compile(r"/fr/$"))
    expect(phone.locator("html")).to_have_attribute("lang", "fr")

    phone.get_by_role("navigation", name="Principal").get_by_role("link", name="Formations").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Formations")
    phone.get_by_label("Élément GIP").select_option("2")
    phone.get_by_role("button", name="Afficher les formations").click()
    expect(phone).to_have_url(re.compile(r"element=2"))
    expect(phone.get_by_role("status")).to_have_text("1 formation")
    assert fits_the_screen(phone)

    phone.get_by_role("link", name="Gestion intégrée des paysages : les cinq éléments").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Gestion intégrée des paysages : les cinq éléments")
    assert fits_the_screen(phone)
    phone.get_by_role("link", name="Commencer la formation").click()
    expect(phone.locator("article.lesson")).to_have_attribute("lang", "fr")
    expect(phone.get_by_text("Leçon 1 sur 20")).to_be_visible()
    french_title = phone.get_by_role("heading", level=1).inner_text()
    assert fits_the_screen(phone)

    phone.get_by_role("link", name=re.compile("Leçon suivante")).click()
    expect(phone.get_by_text("Leçon 2 sur 20")).to_be_visible()
    phone.go_back()
    expect(phone.get_by_role("heading", level=1)).to_have_text(french_title)

    phone.locator(".language-switcher button").click()
    phone.get_by_role("link", name="English", exact=True).click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("What is a landscape partnership?")
    expect(phone.get_by_text("Lesson 1 of 20")).to_be_visible()
    assert fits_the_screen(phone)


def test_untranslated_lesson_shows_the_source_with_a_notice_instead_of_an_error(site_url, desktop):
    desktop.goto(site_url + "/es/cursos/landscape-learning-institute/gestion-integrada-del-paisaje-cinco-elementos/")
    desktop.get_by_role("link", name="Picture the landscape in 2045").click()
    notice = desktop.get_by_role("note").filter(has_text="Esta página aún no está traducida al español.")
    expect(notice).to_be_visible()
    expect(notice.get_by_role("link", name="Français")).to_be_visible()
    expect(desktop.locator("article.lesson")).to_have_attribute("lang", "en")
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Picture the landscape in 2045")


def test_keyboard_user_skips_to_the_lesson_and_sees_where_focus_is(site_url, desktop):
    desktop.goto(
        site_url
        + "/en/courses/landscape-learning-institute/ilm-five-elements/landscape-partnership/"
        + "what-is-a-landscape-partnership/"
    )
    desktop.keyboard.press("Tab")
    skip = desktop.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    assert desktop.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"
    desktop.keyboard.press("Enter")
    expect(desktop).to_have_url(re.compile("#main$"))
    assert desktop.evaluate("document.activeElement.id") == "main"
