"""Moments on a 360 px (and 320 px) phone where a learner could get stuck: form errors, the language menu, the
skip link, and pages wider than the screen."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_width, sign_up_in_french

pytestmark = pytest.mark.browser
ERROR_RED = "rgb(155, 34, 38)"


def focused_id(page) -> str:
    return page.evaluate("document.activeElement && document.activeElement.id")


def test_sign_up_errors_are_visible_focused_announced_and_all_reported_at_once(site_url, phone):
    phone.goto(site_url + "/fr/accounts/signup/")
    phone.get_by_label("Adresse e-mail").fill("awa@example.org")
    phone.get_by_label("Nom affiché").fill("Awa Traoré")
    phone.get_by_label(re.compile(r"^Mot de passe")).fill("court")
    phone.get_by_label("Confirmation du mot de passe").fill("autre")
    phone.get_by_role("button", name="Créer mon compte").click()

    summary = phone.get_by_role("alert")
    expect(summary).to_be_visible()
    expect(summary).to_contain_text("2 champs")
    # Both password problems at once: too short, and not the same as the confirmation.
    expect(summary).to_contain_text("trop court")
    expect(summary).to_contain_text("ne sont pas identiques")
    assert focused_id(phone) == "id_password1", "the first invalid field has the focus"
    for name in ("password1", "password2"):
        field = phone.locator(f"#id_{name}")
        expect(field).to_have_attribute("aria-invalid", "true")
        expect(field).to_have_attribute("aria-describedby", re.compile(rf"\bid_{name}_error\b"))
        expect(field).to_have_css("border-top-color", ERROR_RED)
        expect(field).to_have_css("border-top-width", "2px")
    expect(phone.locator("#id_password2_error")).to_contain_text("ne sont pas identiques")
    expect(phone.locator("#id_email")).not_to_have_attribute("aria-invalid", "true")
    expect(phone.locator("#id_email")).to_have_css("border-top-color", "rgb(107, 117, 110)")

    summary.get_by_role("link").last.click()  # the summary leads to the field
    assert focused_id(phone) == "id_password2"


def test_login_and_password_reset_errors_share_the_summary_and_the_focus(site_url, phone):
    phone.goto(site_url + "/fr/accounts/login/")
    phone.get_by_label(re.compile(r"^Mot de passe")).fill("collines-2045")
    phone.get_by_role("button", name="Se connecter").click()
    expect(phone.get_by_role("alert")).to_contain_text("Adresse e-mail")
    assert focused_id(phone) == "id_username"
    expect(phone.locator("#id_username")).to_have_css("border-top-color", ERROR_RED)

    phone.get_by_label("Adresse e-mail").fill("nobody@example.org")
    phone.get_by_label(re.compile(r"^Mot de passe")).fill("collines-2045")
    phone.get_by_role("button", name="Se connecter").click()
    expect(phone.get_by_role("alert")).to_contain_text("ne correspondent à aucun compte")

    phone.goto(site_url + "/fr/accounts/password/reset/")
    phone.get_by_label(re.compile("e-mail", re.I)).fill("pas-une-adresse")
    phone.get_by_role("button").last.click()
    expect(phone.get_by_role("alert")).to_be_visible()
    assert focused_id(phone) == "id_email"


def test_language_menu_closes_with_escape_and_gives_the_focus_back(site_url, phone):
    phone.goto(site_url + "/fr/")
    button = phone.locator(".language-switcher button")
    menu = phone.get_by_role("list", name="Choisir une langue")
    button.focus()
    phone.keyboard.press("Enter")
    expect(menu).to_be_visible()
    box = menu.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360, box
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.closest('#language-menu') !== null"), "Tab goes into the menu"
    phone.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    assert phone.evaluate("document.activeElement.classList.contains('language-switcher__button')")
    button.click()
    expect(menu).to_be_visible()
    phone.keyboard.press("Escape")
    expect(menu).to_be_hidden()
    button.click()
    menu.get_by_role("link", name="Español").click()
    expect(phone.locator("html")).to_have_attribute("lang", "es")


def luminance(colour: str) -> float:
    red, green, blue = (int(part) / 255 for part in re.findall(r"\d+", colour)[:3])

    def linear(channel):
        return channel / 12.92 if channel <= 0.04045 else ((channel + 0.055) / 1.055) ** 2.4

    return 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)


def contrast(first: str, second: str) -> float:
    lighter, darker = sorted((luminance(first), luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_skip_link_focus_outline_stands_out_on_the_green_header(site_url, phone):
    phone.goto(site_url + "/fr/")
    phone.keyboard.press("Tab")
    skip = phone.locator(".skip-link")
    expect(skip).to_be_focused()
    outline = skip.evaluate("link => getComputedStyle(link).outlineColor")
    assert skip.evaluate("link => getComputedStyle(link).outlineStyle") == "solid"
    header = phone.locator(".site-header").evaluate("header => getComputedStyle(header).backgroundColor")
    link = skip.evaluate("link => getComputedStyle(link).backgroundColor")
    assert contrast(outline, header) >= 3, (outline, header, contrast(outline, header))
    assert contrast(outline, link) >= 3, (outline, link)
    assert contrast("rgb(27, 31, 28)", "rgb(36, 88, 58)") < 3  # the old dark outline: the check tells them apart


COURSE_FR = "/fr/formations/landscape-learning-institute/gestion-integree-des-paysages-cinq-elements/"
QUIZ_FR = COURSE_FR + "partenariat-paysager/verifiez-vos-acquis/"


def test_no_learner_page_is_wider_than_a_320_px_screen(site_url, chromium):
    context = chromium.new_context(viewport={"width": 320, "height": 640}, locale="fr-FR", device_scale_factor=1)
    page = context.new_page()
    try:
        widths = []

        def measure(path: str):
            response = page.goto(site_url + path)
            assert response.ok, (path, response.status)
            widths.append((path, page_width(page)))

        for path in ("/fr/accounts/signup/", "/fr/accounts/login/", "/verify/", "/fr/formations/", COURSE_FR):
            measure(path)
        lesson = page.get_by_role("link", name="Commencer la formation").first.get_attribute("href")
        measure(lesson)
        sign_up_in_french(page, site_url, name="Nomvula Dlamini-Mthembu", password="collines-etroites-2045")
        measure(COURSE_FR)
        page.get_by_role("button", name="S’inscrire à cette formation").click()
        page.get_by_role("link", name="Commencer la formation").click()
        page.get_by_role("button", name="Marquer comme terminée").click()
        measure(page.url.removeprefix(site_url))  # a lesson, signed in, with its progress
        measure(QUIZ_FR)
        page.get_by_role("button", name="Commencer le quiz").click()
        measure(QUIZ_FR)  # the quiz open, its questions shown
        for language in ("fr", "es", "pt", "en"):  # the dashboard in every language: Spanish words are the longest
            measure(f"/{language}/learning/")
            assert page.locator(".element-table").count() == 1, "the dashboard shows its element table"
        too_wide = [(path, width) for path, width in widths if width > 320]
        assert not too_wide, too_wide
    finally:
        context.close()
