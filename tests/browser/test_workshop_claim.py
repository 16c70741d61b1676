"""On a phone: the facilitator of the demo workshop issues its certificates and downloads the pack to print; a
participant who had no account claims her record with the code printed on her certificate and finds the
certificate in "My learning"."""

import re
import subprocess

import pytest
from playwright.sync_api import expect

from tests.live_site import MANAGE, ROOT

pytestmark = pytest.mark.browser
PASSWORD = "riziere-du-delta-2045"


@pytest.fixture(scope="module")
def demo_workshop(site_url, site_env):
    """The demo's accounts and workshop on the test server's database: (workshop id, a claim code, its holder)."""
    subprocess.run([*MANAGE, "demo_accounts"], cwd=ROOT, env=site_env, check=True, capture_output=True)
    output = subprocess.run(
        [*MANAGE, "demo_workshop"], cwd=ROOT, env=site_env, check=True, capture_output=True, text=True
    ).stdout
    workshop = re.search(r"/workshops/(\d+)/sheets\.pdf", output).group(1)
    code, name = re.search(r"with the code ([2-9A-Z]{10}) \((.+)\)", output).groups()
    return workshop, code, name


def test_facilitator_prints_the_certificates_and_a_participant_claims_hers(site_url, phone, demo_workshop):
    workshop, code, name = demo_workshop
    phone.goto(site_url + "/fr/accounts/login/")
    phone.get_by_label("Adresse e-mail").fill("facilitator@example.org")
    phone.get_by_label(re.compile(r"^Mot de passe")).fill("landscape-facilitator")
    phone.get_by_role("button", name="Se connecter").click()

    phone.goto(site_url + f"/fr/workshops/{workshop}/claim-codes/")
    expect(phone.get_by_role("heading", level=1)).to_have_text("Codes de récupération")
    expect(phone.get_by_role("row", name=re.compile(re.escape(name)))).to_contain_text(f"{code[:5]}-{code[5:]}")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    phone.goto(site_url + f"/fr/workshops/{workshop}/certificates/pack/")
    phone.get_by_role("button", name="Délivrer les certificats et les préparer pour l’impression").click()
    expect(phone.get_by_role("status").last).to_contain_text("certificats sont prêts")
    # The PDF opens in the browser's viewer (inline): fetched here with the page's session instead.
    link = phone.get_by_role("link", name="Télécharger les certificats (PDF)").get_attribute("href")
    pack = phone.request.get(site_url + link)
    assert pack.status == 200 and pack.headers["content-type"] == "application/pdf"
    assert pack.body().startswith(b"%PDF")
    # Fifteen pages laid out in the request the first time (then read back): slow on a loaded test machine.
    sheets = phone.request.get(site_url + f"/fr/workshops/{workshop}/sheets.pdf", timeout=240_000)
    assert sheets.status == 200 and sheets.headers["content-type"] == "application/pdf"
    phone.get_by_role("button", name="Se déconnecter").click()

    # The participant, at home, with her certificate.
    phone.goto(site_url + "/fr/workshops/claim/")
    phone.get_by_label("Code de récupération").fill(f"{code[:5].lower()} {code[5:]}")
    phone.get_by_role("button", name="Vérifier le code").click()
    expect(phone.get_by_text(name).first).to_be_visible()
    phone.get_by_label("Adresse e-mail").fill("participant-claim@example.org")
    phone.get_by_label(re.compile(r"^Mot de passe")).fill(PASSWORD)
    phone.get_by_label("Confirmation du mot de passe").fill(PASSWORD)
    phone.get_by_role("button", name="Créer mon compte").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mon apprentissage")
    expect(phone.get_by_role("status").first).to_contain_text("Atelier des cinq éléments")
    expect(phone.get_by_text("Gestion intégrée des paysages : les cinq éléments").first).to_be_visible()
    expect(phone.locator("a[href*='/learning/certificates/']").first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The code worked once.
    phone.get_by_role("button", name="Se déconnecter").click()
    phone.goto(site_url + "/fr/workshops/claim/")
    phone.get_by_label("Code de récupération").fill(code)
    phone.get_by_role("button", name="Vérifier le code").click()
    expect(phone.get_by_role("alert")).to_contain_text("déjà été utilisé")
