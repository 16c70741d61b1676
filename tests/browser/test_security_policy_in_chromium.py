"""Chromium uses the site and Wagtail's admin under their Content-Security-Policy and Permissions-Policy without one
violation: the language menu, the quiz's autosave script, the page editor with its preview panel and scheduling date
picker, an image chooser, and wagtail-localize's translation editor."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_up_in_french
from tests.browser.test_institute_review import demo_accounts, log_into_admin  # noqa: F401 (a fixture)
from tests.browser.test_taking_a_quiz import QUIZ_FR

pytestmark = pytest.mark.browser

# Collected in the page itself: a violation fires this event whether or not anything is logged.
WATCH_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(`${event.violatedDirective} blocked ${event.blockedURI} at ${event.sourceFile}`);
});
"""


class PolicyWatch:
    """Every policy violation or policy-header complaint of a page, from its own event and from the console."""

    def __init__(self, page):
        self.page = page
        self.console: list[str] = []
        page.context.add_init_script(WATCH_VIOLATIONS)
        page.on("console", self._keep)

    def _keep(self, message):
        if re.search("Content Security Policy|Content-Security-Policy|Permissions-Policy", message.text):
            self.console.append(f"{self.page.url}: {message.text}")

    def assert_clean(self):
        violations = self.page.evaluate("window.__violations || []")
        assert violations == [] and self.console == [], (violations, self.console)


def open_english_page_in_editor(admin, site_url, search: str, live_prefix: str):
    """Search finds the page in every language's tree: open the one whose live page is in English."""
    admin.goto(f"{site_url}/admin/pages/search/?q={search}")
    admin.locator(f"tr:has(a[href^='{live_prefix}'])").get_by_role("link").first.click()
    admin.wait_for_url(re.compile(r".*/admin/pages/\d+/edit/$"))


def test_a_learner_changes_language_and_takes_a_quiz_with_no_policy_violation(site_url, phone):
    watch = PolicyWatch(phone)
    sign_up_in_french(phone, site_url, name="Aminata Diallo", password="quiz-collines-2045")
    phone.goto(site_url + "/fr/")
    watch.assert_clean()
    phone.locator(".language-switcher button").click()
    phone.locator(".language-switcher a[lang=es]").click()
    expect(phone).to_have_url(site_url + "/es/")
    watch.assert_clean()
    phone.goto(site_url + QUIZ_FR)
    phone.get_by_role("button", name="Commencer le quiz").click()
    phone.locator("fieldset.question input[type=radio]").first.check()
    expect(phone.locator(".save-status")).to_have_text("Vos réponses sont enregistrées.", timeout=10_000)
    watch.assert_clean()
    phone.goto(site_url + "/fr/learning/")
    expect(phone.get_by_role("heading", level=1)).to_be_visible()
    watch.assert_clean()


def test_the_admin_works_under_its_policy(site_url, chromium, demo_accounts):  # noqa: F811
    admin = log_into_admin(chromium, site_url, "admin@example.org", "landscape-admin")
    watch = PolicyWatch(admin)
    admin.goto(site_url + "/admin/")
    admin.wait_for_load_state("networkidle")
    watch.assert_clean()

    open_english_page_in_editor(admin, site_url, "five elements", "/en/courses/landscape-learning-institute/")
    expect(admin.locator("#id_title")).to_have_value("Integrated landscape management: the five elements")
    edit_url = admin.url
    admin.locator("button[data-side-panel-toggle='preview']").first.click()
    preview = admin.frame_locator("iframe[data-w-preview-target='iframe'], .preview-panel iframe").first
    expect(preview.get_by_role("heading", level=1)).to_have_text("Integrated landscape management: the five elements")
    watch.assert_clean()

    admin.goto(edit_url)
    admin.locator("button[data-side-panel-toggle='status']").first.click()
    admin.locator("[data-a11y-dialog-show='schedule-publishing-dialog']:visible").first.click()
    admin.locator("#schedule-publishing-dialog input[name=go_live_at]").click()
    expect(admin.locator(".xdsoft_datetimepicker:visible")).to_have_count(1)  # the widget's inline script ran
    watch.assert_clean()
    admin.keyboard.press("Escape")
    admin.locator("button[data-side-panel-toggle='status']").first.click()  # Wagtail remembers an open panel

    admin.goto(site_url + "/admin/snippets/curriculum/institute/")
    admin.get_by_role("link", name="Landscape Learning Institute").first.click()
    admin.wait_for_url(re.compile(r".*/institute/edit/\d+/$"))
    admin.locator("button[aria-describedby='id_logo-title']").click()  # the logo's chooser menu
    admin.get_by_role("button", name="Change image").click()
    expect(admin.locator(".modal").get_by_role("heading", name=re.compile("Choose an image"))).to_be_visible()
    watch.assert_clean()

    # wagtail-localize: translate the Sahel course into Portuguese, then edit one string in its editor.
    open_english_page_in_editor(admin, site_url, "Farmer-led", "/en/courses/sahel-restoration-centre/")
    page_id = re.search(r"/admin/pages/(\d+)/edit/", admin.url).group(1)
    admin.goto(f"{site_url}/admin/localize/submit/page/{page_id}/")
    admin.get_by_label("Portuguese").check()
    admin.get_by_role("button", name="Submit").click()
    expect(admin.get_by_role("link", name="Download PO file").first).to_be_visible()
    admin.get_by_role("button", name="Translate", exact=True).locator("visible=true").first.click()
    admin.locator("textarea").first.fill("Restauração liderada por agricultores")
    admin.get_by_role("button", name="Save", exact=True).locator("visible=true").first.click()
    expect(admin.get_by_text("Translated manually").first).to_be_visible()
    watch.assert_clean()
