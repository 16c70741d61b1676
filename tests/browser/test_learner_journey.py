"""A new learner signs up in French, follows the demo course, switches to English and finds everything kept."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import fits_the_screen, sign_up_in_french

pytestmark = pytest.mark.browser
PASSWORD = "collines-vertes-2045"


def test_learner_signs_up_in_french_completes_lessons_and_keeps_progress_in_english(site_url, phone):
    phone.goto(site_url + "/fr/")
    phone.get_by_role("link", name="Créer un compte").first.click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Créer votre compte")
    email = sign_up_in_french(phone, site_url, name="Awa Traoré", password=PASSWORD)
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mon apprentissage")

    phone.goto(site_url + "/fr/formations/landscape-learning-institute/gestion-integree-des-paysages-cinq-elements/")
    phone.get_by_role("button", name="S’inscrire à cette formation").click()
    expect(phone.get_by_role("status")).to_contain_text("inscription")
    phone.get_by_role("link", name="Commencer la formation").click()
    for lesson_number in (1, 2, 3):
        expect(phone.get_by_text(f"Leçon {lesson_number} sur 20")).to_be_visible()
        phone.get_by_role("button", name="Marquer comme terminée").click()
    expect(phone.get_by_text("Leçon 4 sur 20")).to_be_visible()

    phone.locator(".language-switcher button").click()
    phone.get_by_role("link", name="English", exact=True).click()
    expect(phone.locator("html")).to_have_attribute("lang", "en")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Inclusion, power and the health of the partnership")
    # On a phone the breadcrumb shows one step up: the module, and from there the course.
    phone.locator(".breadcrumbs a").last.click()
    phone.get_by_role("navigation", name="Breadcrumb").get_by_role(
        "link", name="Integrated landscape management: the five elements"
    ).click()
    expect(phone.get_by_text("12% complete").first).to_be_visible()
    outline = phone.locator(".outline")
    expect(outline.locator(".state--complete")).to_have_count(3)
    expect(outline.locator(".state--complete").first).to_have_text("✓ Complete")

    phone.get_by_role("button", name="Log out").click()
    expect(phone.get_by_role("link", name="Log in")).to_be_visible()
    phone.get_by_role("link", name="Log in").click()
    phone.get_by_label("Email address").fill(email.upper())
    phone.get_by_label(re.compile(r"^Password")).fill(PASSWORD)
    phone.get_by_role("button", name="Log in").click()
    # The learner chose French when signing up: logging in brings the site back to French.
    expect(phone.locator("html")).to_have_attribute("lang", "fr")
    phone.get_by_role("link", name="Mon apprentissage").click()
    expect(phone.get_by_text("12\u00a0% terminé").first).to_be_visible()
    chart = phone.locator("svg[role=img]")
    expect(chart).to_be_visible()
    expect(chart.locator("text").first).to_have_text("1. 60\u00a0%")
    expect(phone.get_by_role("row", name=re.compile("Partenariat paysager"))).to_contain_text("3 / 5")
    expect(phone.get_by_role("row", name=re.compile("Compréhension commune"))).to_contain_text("0 / 5")
    assert fits_the_screen(phone)
