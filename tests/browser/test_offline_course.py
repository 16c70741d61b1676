"""A learner keeps the French course on their phone, loses the connection, reads, marks lessons complete and answers
a quiz; back online, it is all sent and graded once, and "My learning" shows the same progress in English. A lesson
republished meanwhile is updated in the kept copy once back online. Logging out removes the kept copy and the queue.
The service worker needs a secure context: 127.0.0.1 is one."""

import re
import subprocess
import sys

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ROOT, sign_up_in_french
from tests.browser.test_taking_a_quiz import QUIZ_FR, answer_the_quiz

pytestmark = pytest.mark.browser
COURSE_FR = "/fr/formations/landscape-learning-institute/gestion-integree-des-paysages-cinq-elements/"

QUEUED_ACTIONS = """() => new Promise((resolve) => {
  const opening = indexedDB.open("landscape-academy-offline", 1);
  opening.onsuccess = () => {
    const all = opening.result.transaction("actions").objectStore("actions").getAll();
    all.onsuccess = () => resolve(all.result);
  };
})"""

QUEUE_AGAIN = """(actions) => new Promise((resolve) => {
  const opening = indexedDB.open("landscape-academy-offline", 1);
  opening.onsuccess = () => {
    const transaction = opening.result.transaction("actions", "readwrite");
    actions.forEach((action) => transaction.objectStore("actions").put(action));
    transaction.oncomplete = () => resolve(actions.length);
  };
})"""

STORED_BYTES = """async () => {
  let total = 0;
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) total += (await (await cache.match(request)).arrayBuffer()).byteLength;
  }
  return total;
}"""


KEPT_CACHES = """async () => (await caches.keys()).filter((name) => name.startsWith("course:"))"""
# Offline, an image asked at a size that was not kept (a wider screen, a zoom): the kept size is served instead.
IMAGE_AT_ANOTHER_SIZE = """async () => {
  for (const name of (await caches.keys()).filter((name) => name.startsWith("course:"))) {
    for (const request of await (await caches.open(name)).keys()) {
      const kept = new URL(request.url);
      const parts = kept.pathname.match(/^(.*\\/images\\/[^/]+?)\\.[^/.]+\\.([a-z0-9]+)$/i);
      if (!parts) continue;
      const response = await fetch(parts[1] + ".width-1234." + parts[2]);
      return [kept.pathname, response.status, response.headers.get("Content-Type")];
    }
  }
  return null;
}"""
WORKERS = "async () => (await navigator.serviceWorker.getRegistrations()).length"
REPUBLISHED_SUMMARY = "Mise à jour : les haies vives comptent aussi."


def republish_with_summary(site_env, lesson_url: str, summary: str):
    """An editor republishes the French lesson at `lesson_url` on the test server's site, with a new summary."""
    script = (
        "from curriculum.models import LessonPage;"
        f"lesson = next(page for page in LessonPage.objects.live() if page.get_url() == {lesson_url!r});"
        f"lesson.summary = {summary!r};"
        "lesson.save_revision().publish()"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=ROOT, env=site_env, check=True)


def percent_on_my_learning(page, site_url, language) -> str:
    page.goto(f"{site_url}/{language}/learning/")
    bar = page.locator(".course-progress progress").first
    expect(bar).to_be_visible()
    return bar.get_attribute("value")


def test_a_course_kept_on_the_phone_is_read_and_answered_offline_and_graded_once_back_online(site_url, site_env, phone):
    email = sign_up_in_french(phone, site_url, name="Wanjiru Kamau", password="hors-ligne-2045")
    phone.goto(site_url + COURSE_FR)
    keep = phone.get_by_role("button", name="Garder cette formation sur mon téléphone")
    expect(keep).to_be_visible()
    status = phone.locator("[data-offline-keep-status]")
    expect(status).to_contain_text(re.compile(r"Elle occupe [\d,]+\u00a0(Mo|ko) sur votre téléphone"))
    keep.click()
    expect(status).to_contain_text("Gardé sur ce téléphone", timeout=60_000)
    expect(phone.get_by_role("button", name="Retirer de ce téléphone")).to_be_visible()
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    stored = phone.evaluate(STORED_BYTES)
    assert 50_000 < stored < 2_000_000, stored

    phone.context.set_offline(True)
    kept_image, image_status, image_type = phone.evaluate(IMAGE_AT_ANOTHER_SIZE)
    assert (image_status, image_type.split("/")[0]) == (200, "image"), (kept_image, image_status, image_type)
    lessons = phone.locator(".outline__lessons a")
    first_lesson, second_lesson = lessons.nth(0).get_attribute("href"), lessons.nth(1).get_attribute("href")
    third_lesson = lessons.nth(2).get_attribute("href")  # not marked complete: only a republish changes its copy
    for lesson in (first_lesson, second_lesson):
        phone.goto(site_url + lesson)
        expect(phone.locator("main h1")).not_to_be_empty()
        phone.get_by_role("button", name="Marquer comme terminée").click()
        expect(phone.locator("[data-offline-note]")).to_contain_text("Pas de connexion")
    expect(phone.locator("[data-offline-waiting]")).to_contain_text("2 leçons marquées comme terminées")

    phone.goto(site_url + QUIZ_FR)
    answer_the_quiz(phone, right=True)
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    expect(phone.locator("[data-offline-note]")).to_contain_text("vos réponses sont gardées sur votre téléphone")
    expect(phone.locator("[data-offline-waiting]")).to_contain_text("1 quiz en attente d’envoi")
    queued = phone.evaluate(QUEUED_ACTIONS)
    assert len(queued) == 3

    phone.goto(site_url + "/fr/accounts/profile/")  # not kept: the offline page, with what is
    expect(phone.get_by_role("heading", level=1)).to_have_text("Pas de connexion")
    expect(phone.locator("[data-offline-kept-list]")).to_contain_text("Gestion intégrée des paysages")

    republish_with_summary(site_env, third_lesson, REPUBLISHED_SUMMARY)
    phone.context.set_offline(False)
    queue = phone.locator("[data-offline-waiting]")
    expect(queue).to_contain_text("sont corrigées\u00a0: 100\u00a0%, réussi", timeout=30_000)
    expect(queue).not_to_contain_text("en attente")
    assert phone.evaluate(QUEUED_ACTIONS) == []
    queue.get_by_role("link", name="Voir le résultat").click()
    expect(phone.get_by_role("status").first).to_contain_text("Votre score\u00a0: 100\u00a0%")

    french = percent_on_my_learning(phone, site_url, "fr")
    assert int(french) > 0
    expect(phone.locator(".course-progress .offline-badge")).to_have_text("(Gardé sur ce téléphone)")
    assert percent_on_my_learning(phone, site_url, "en") == french

    # The whole queue sent a second time (a reply lost on the way): nothing counts twice.
    phone.evaluate(QUEUE_AGAIN, queued)
    phone.goto(site_url + "/fr/learning/")
    expect(phone.locator("[data-offline-waiting]")).to_contain_text("100\u00a0%, réussi", timeout=30_000)
    assert phone.evaluate(QUEUED_ACTIONS) == []
    assert percent_on_my_learning(phone, site_url, "en") == french
    phone.goto(site_url + QUIZ_FR)
    expect(phone.locator("table.attempts tbody tr")).to_have_count(1)

    # Republished while the phone was offline: back online, the kept copy took the new version of that lesson.
    phone.goto(site_url + COURSE_FR)
    expect(phone.locator("[data-offline-updated]")).to_contain_text(
        "Mise à jour avec la dernière version", timeout=30_000
    )
    phone.context.set_offline(True)
    phone.goto(site_url + third_lesson)
    expect(phone.locator("main .lead")).to_have_text(REPUBLISHED_SUMMARY)
    phone.context.set_offline(False)

    # A session gone without a logout here (expired, or ended in another tab): the next page, showing nobody, removes
    # the kept pages; the queue stays, for its learner's next session.
    phone.evaluate(QUEUE_AGAIN, [{**queued[0], "status": "conflict", "message": "Le quiz a changé."}])
    phone.context.clear_cookies()
    phone.goto(site_url + "/fr/")
    expect(phone.locator("[data-offline-removed]")).to_contain_text("gardées sur ce téléphone en ont été retirées")
    assert phone.evaluate(KEPT_CACHES) == []
    assert len(phone.evaluate(QUEUED_ACTIONS)) == 1

    # Logging out: the next person to use the phone finds neither this learner's kept pages nor their queue.
    phone.goto(site_url + "/fr/accounts/login/")
    phone.get_by_label("Adresse e-mail").fill(email)
    phone.get_by_label(re.compile(r"^Mot de passe")).fill("hors-ligne-2045")
    phone.get_by_role("button", name="Se connecter").click()
    phone.goto(site_url + COURSE_FR)
    phone.get_by_role("button", name="Garder cette formation sur mon téléphone").click()
    expect(status).to_contain_text("Gardé sur ce téléphone", timeout=60_000)
    phone.get_by_role("button", name="Se déconnecter").click()
    expect(phone.locator("[data-offline-removed]")).to_contain_text("gardées sur ce téléphone en ont été retirées")
    assert phone.evaluate(KEPT_CACHES) == []
    assert phone.evaluate(QUEUED_ACTIONS) == []
    assert phone.evaluate(WORKERS) == 0


def test_a_visitor_answers_a_kept_quiz_offline_and_it_is_graded_once_they_sign_up(site_url, phone):
    """Online, a visitor answers a quiz and is asked to log in before it is graded; offline, the same: the answers
    wait on the phone, and are sent once they have an account. Marking a lesson complete needs one, online or not."""
    phone.goto(site_url + COURSE_FR)
    phone.get_by_role("button", name="Garder cette formation sur mon téléphone").click()
    status = phone.locator("[data-offline-keep-status]")
    expect(status).to_contain_text("Gardé sur ce téléphone", timeout=60_000)
    phone.wait_for_function("navigator.serviceWorker.controller !== null")
    first_lesson = phone.locator(".outline__lessons a").first.get_attribute("href")

    phone.context.set_offline(True)
    phone.goto(site_url + first_lesson)
    expect(phone.locator("main h1")).not_to_be_empty()
    expect(phone.get_by_role("button", name="Marquer comme terminée")).to_have_count(0)
    expect(phone.locator(".learner-panel")).to_contain_text("pour suivre votre progression")
    phone.goto(site_url + QUIZ_FR)
    answer_the_quiz(phone, right=True)
    phone.get_by_role("button", name="Envoyer mes réponses").click()
    expect(phone.locator("[data-offline-note]")).to_contain_text("connectez-vous ou créez un compte")
    expect(phone.locator("[data-offline-waiting]")).to_contain_text("1 quiz en attente d’envoi")
    assert len(phone.evaluate(QUEUED_ACTIONS)) == 1
    phone.goto(site_url + "/fr/accounts/profile/")  # not kept: the offline page says what a visitor can do
    expect(phone.get_by_role("heading", level=1)).to_have_text("Pas de connexion")
    expect(phone.locator("main")).to_contain_text("Marquer des leçons comme terminées demande un compte")

    phone.context.set_offline(False)
    phone.goto(site_url + COURSE_FR)
    queue = phone.locator("[data-offline-waiting]")
    expect(queue).to_contain_text("Connectez-vous ou créez un compte pour envoyer vos réponses", timeout=30_000)
    assert len(phone.evaluate(QUEUED_ACTIONS)) == 1  # nothing lost while nobody is logged in
    queue.get_by_role("link", name="Créer un compte").click()
    phone.get_by_label("Adresse e-mail").fill("visitor-offline@example.org")
    phone.get_by_label("Nom affiché").fill("Nyokabi Wairimu")
    phone.get_by_label(re.compile(r"^Mot de passe")).fill("hors-ligne-2046")
    phone.get_by_label("Confirmation du mot de passe").fill("hors-ligne-2046")
    phone.get_by_role("button", name="Créer mon compte").click()
    expect(phone).to_have_url(re.compile(re.escape(COURSE_FR) + "$"))
    expect(queue).to_contain_text("sont corrigées\u00a0: 100\u00a0%, réussi", timeout=30_000)
    assert phone.evaluate(QUEUED_ACTIONS) == []

    # The course kept as a visitor stays kept, and becomes this learner's: offline, a lesson can be marked complete.
    expect(status).to_contain_text("Gardé sur ce téléphone")
    # Its pages downloaded again as this learner's, the course page says the copy was updated.
    expect(phone.locator("[data-offline-updated]")).to_contain_text("Mise à jour", timeout=60_000)
    phone.context.set_offline(True)
    phone.goto(site_url + first_lesson)
    expect(phone.get_by_role("button", name="Marquer comme terminée")).to_be_visible()
    phone.context.set_offline(False)
