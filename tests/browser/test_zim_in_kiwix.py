"""The French demo course exported as a ZIM file, served by Debian's kiwix-serve and read in Chromium: its contents,
a lesson, the next one, a quiz's questions without their answers, the glossary."""

import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.live_site import MANAGE, ROOT, serving

pytestmark = pytest.mark.browser
KIWIX_SERVE = "/usr/bin/kiwix-serve"


def kiwix_serving(zim: Path, env: dict):
    if not Path(KIWIX_SERVE).exists():
        pytest.fail(f"{KIWIX_SERVE} is missing: `make test` installs Debian's kiwix-tools package")
    return serving(
        env, command=lambda port: [KIWIX_SERVE, "--address", "127.0.0.1", "--port", str(port), str(zim)], ready_path="/"
    )


def test_the_course_exported_as_zim_reads_in_kiwix(site_env, phone, tmp_path):
    zim = tmp_path / "landscape-fr.zim"
    subprocess.run(
        [*MANAGE, "export_zim", "ilm-five-elements", "--language", "fr", "-o", str(zim)],
        env=site_env,
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    with kiwix_serving(zim, site_env) as url:
        phone.goto(f"{url}/{zim.stem}/")
        expect(phone.locator("h1")).to_have_text("Gestion intégrée des paysages : les cinq éléments")
        contents = phone.locator(".zim-contents")
        expect(contents.get_by_role("link", name="Glossaire")).to_be_visible()
        contents.locator("a").first.click()
        expect(phone.locator("h1.lesson-title")).not_to_be_empty()
        phone.get_by_role("link", name="Leçon suivante").click()
        expect(phone.locator("h1.lesson-title")).not_to_be_empty()
        phone.go_back()
        phone.go_back()
        contents.get_by_role("link", name="Vérifiez vos acquis : le partenariat paysager").click()
        expect(phone.locator(".lesson-meta")).to_contain_text("Quiz")
        assert phone.locator("article.quiz").inner_text().count("Bonne réponse") == 0
        phone.goto(f"{url}/{zim.stem}/")
        phone.locator(".zim-contents").get_by_role("link", name="Glossaire").click()
        expect(phone.locator(".glossary dt").first).to_be_visible()
