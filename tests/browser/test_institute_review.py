"""An institute's editor changes a French lesson and submits it; the institute's moderator approves it; learners see
the change; the other institute's editor cannot open the lesson."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT

pytestmark = pytest.mark.browser
LESSON_FR = (
    "/fr/formations/landscape-learning-institute/gestion-integree-des-paysages-cinq-elements/"
    "partenariat-paysager/qu-est-ce-qu-un-partenariat-paysager/"
)
NEW_TITLE = "Qu’est-ce qu’un partenariat paysager ? Une définition pour commencer"


@pytest.fixture(scope="module")
def demo_accounts(site_url, site_env):
    subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), "demo_accounts"], cwd=ROOT, env=site_env, check=True, text=True
    )


def log_into_admin(chromium, site_url, email: str, password: str):
    context = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.goto(site_url + "/admin/login/")
    page.get_by_label(re.compile("Email|Username")).fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(site_url + "/admin/")
    return page


def test_an_edit_reaches_learners_only_after_the_institutes_moderator_approves(
    site_url, chromium, desktop, demo_accounts
):
    editor = log_into_admin(chromium, site_url, "editor@example.org", "landscape-editor")
    editor.goto(site_url + "/admin/pages/search/?q=partenariat+paysager")
    editor.get_by_role("link", name="Qu’est-ce qu’un partenariat paysager ?", exact=True).first.click()
    expect(editor.locator("#id_title")).to_have_value("Qu’est-ce qu’un partenariat paysager ?")
    edit_url = editor.url
    expect(editor.get_by_role("button", name="Publish")).to_have_count(0)
    editor.locator("#id_title").fill(NEW_TITLE)
    editor.get_by_role("button", name="More actions").click()
    editor.get_by_role("button", name="Submit to Landscape Learning Institute: review").click()
    expect(editor.locator(".messages")).to_contain_text("has been submitted for moderation")

    desktop.goto(site_url + LESSON_FR)
    expect(desktop.get_by_role("heading", level=1)).to_have_text("Qu’est-ce qu’un partenariat paysager ?")

    other_editor = log_into_admin(chromium, site_url, "editor.sahel@example.org", "sahel-editor")
    other_editor.goto(edit_url)
    expect(other_editor).to_have_url(site_url + "/admin/")
    expect(other_editor.locator(".messages")).to_contain_text("do not have permission")
    other_editor.goto(site_url + "/admin/pages/search/?q=partenariat+paysager")
    expect(other_editor.get_by_role("link", name=NEW_TITLE)).to_have_count(0)

    moderator = log_into_admin(chromium, site_url, "moderator@example.org", "landscape-moderator")
    expect(moderator.get_by_text("Awaiting your review")).to_be_visible()
    moderator.get_by_role("link", name=NEW_TITLE).first.click()
    moderator.get_by_role("button", name="More actions").click()
    moderator.get_by_role("button", name="Approve and Publish", exact=True).click()
    expect(moderator.locator(".messages")).to_contain_text("has been updated")

    desktop.goto(site_url + LESSON_FR)
    expect(desktop.get_by_role("heading", level=1)).to_have_text(NEW_TITLE)
