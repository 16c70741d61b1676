"""A facilitator runs a workshop from a 360 px phone, in French: plans it, imports 20 participants from a CSV, downloads
the sheets, records two sessions' attendance (the second with the connection cut and restored), enters five
participants' paper answers and downloads the certificates pack; a participant then claims her record with her code
and finds her certificate in "My learning". Then the same sheets are sent many times at once (a replayed queue, two
facilitators): recorded once."""

import csv
import http.cookiejar
import json
import os
import re
import subprocess
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import page_width
from tests.live_site import MANAGE, ROOT

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("WORKSHOP_SCREENS", "/tmp/workshop-screens"))
NAMES = [
    "Aïcha Ouédraogo", "ليلى حداد", "Nguyễn Thị Lan", "Moussa Keita", "Fatoumata Diarra", "Issa Sawadogo",
    "Mariam Traoré", "Boubacar Cissé", "Awa Konaté", "Seydou Coulibaly", "Trần Văn Minh", "Kadiatou Bah",
    "Ousmane Diallo", "Rokia Sangaré", "Adama Sanogo", "Salif Kaboré", "Hawa Camara", "Yacouba Zongo",
    "Djeneba Koné", "عمر بن علي",
]  # fmt: skip
PASSWORD = "landscape-facilitator"
CLAIM_PASSWORD = "riziere-du-delta-2045"
TITLE = "Atelier de Ouahigouya"
SLOW = 30_000  # ms: a form of 20 participants, sent by the offline script, on a loaded test machine


def shell(site_env, code: str) -> str:
    done = subprocess.run(
        [*MANAGE, "shell", "--no-imports", "-c", code],
        cwd=ROOT,
        env=site_env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


@pytest.fixture(scope="module")
def facilitator(site_url, site_env):
    subprocess.run([*MANAGE, "demo_accounts"], cwd=ROOT, env=site_env, check=True, capture_output=True)
    return "facilitator@example.org"


def log_in(page, site_url, email):
    page.goto(site_url + "/fr/accounts/login/")
    page.get_by_label("Adresse e-mail").fill(email)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()


def participants_csv(tmp_path: Path) -> Path:
    path = tmp_path / "participants.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(["Nom à imprimer sur le certificat", "Numéro de téléphone", "Organisation",
                         "Groupe d’acteurs", "Genre"])  # fmt: skip
        for number, name in enumerate(NAMES):
            group = ("Agriculteur ou producteur", "Communauté", "ONG", "Administration locale")[number % 4]
            writer.writerow([name, f"+226 70 00 00 {number:02d}", "Union des producteurs", group,
                             ("Femme", "Homme", "Préfère ne pas le dire", "")[number % 4]])  # fmt: skip
    return path


def shot(page, name):
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits_the_screen(page):
    """Nothing but the follow-up table (which scrolls inside its box) is wider than the phone."""
    width = page_width(page)
    assert width <= 360, f"the page is {width} px wide"


def log_out(page):
    """Log out and wait until it is done: the offline script first sends and clears what the phone keeps, and an
    address opened meanwhile would be aborted by the logout's own navigation."""
    page.get_by_role("button", name="Se déconnecter").click()
    expect(page.get_by_role("link", name="Se connecter").first).to_be_visible()


def mark_everyone(page, status: str):
    rows = page.locator("fieldset.attendance-row")
    expect(rows).to_have_count(20)
    for row in rows.all():
        row.locator("label.segmented__option", has_text=status).click()


def right_answers(site_env, quiz_key: str) -> dict[str, list[str]]:
    """What a participant who got everything right ticked, read from the quiz's blocks on the server."""
    return json.loads(
        shell(
            site_env,
            "import json, uuid; from lms.workshops.demo import right_answers; "
            "from lms.workshops.models import Workshop; from lms.workshops.selectors import workshop_quiz; "
            f"w = Workshop.objects.get(title={TITLE!r}); "
            f"print(json.dumps(right_answers(workshop_quiz(w, uuid.UUID({quiz_key!r})))))",
        )
    )


def row_pk(row) -> str:
    return re.match(r"p(\d+)-", row.locator("input[name^=p]").first.get_attribute("name")).group(1)


def test_a_facilitator_runs_a_workshop_from_a_phone_and_a_participant_claims_her_certificate(
    site_url, site_env, phone, facilitator, tmp_path
):
    """The whole journey, in French on a 360 px phone: plan, import, print, record (offline too), certify, claim."""
    SHOTS.mkdir(exist_ok=True)
    log_in(phone, site_url, facilitator)
    phone.goto(site_url + "/fr/learning/")  # the facilitator's account says English: this workshop runs in French
    phone.get_by_role("navigation", name="Principal").get_by_role("link", name="Ateliers").click()
    phone.get_by_role("link", name="Prévoir un atelier").click()
    fits_the_screen(phone)

    # Plan: the workshop, then its two sessions with the lessons and quiz they cover.
    phone.get_by_label("Formation").select_option(index=0)
    phone.get_by_label("Titre").fill(TITLE)
    phone.get_by_label(re.compile(r"^Langue")).select_option("fr")
    phone.get_by_label("Lieu").fill("Ouahigouya, Burkina Faso")
    first_day = date.today()
    phone.get_by_label("Premier jour").fill(first_day.isoformat())
    phone.get_by_label("Dernier jour").fill((first_day + timedelta(days=1)).isoformat())
    phone.get_by_role("button", name="Prévoir l’atelier").click()
    expect(phone.get_by_text("L’atelier est prévu. Ajoutez maintenant ses séances.")).to_be_visible()
    sessions = phone.locator("fieldset.session-fieldset")
    for index, day in enumerate((first_day, first_day + timedelta(days=1))):
        session = sessions.nth(index)
        session.get_by_label("Date").fill(day.isoformat())
        session.get_by_label("Commence à").fill("09:00")
        boxes = session.locator("input[type=checkbox][name$=item_keys]")
        boxes.nth(2 * index).check()
        boxes.nth(2 * index + 1).check()
    sessions.nth(0).locator("input[type=checkbox][name$=item_keys]").nth(4).check()  # the module's quiz
    phone.get_by_label("Séances à suivre").fill("1")
    shot(phone, "plan")
    phone.get_by_role("button", name="Enregistrer l’atelier").click()
    expect(phone.get_by_text("L’atelier est enregistré.")).to_be_visible()
    workshop_url = phone.url

    # Participants: 20 from a CSV, names in Arabic and Vietnamese script among them.
    phone.get_by_role("navigation", name="Cet atelier").get_by_role("link", name="Participants").click()
    phone.get_by_role("link", name="Importer une liste (CSV ou Excel)").click()
    phone.get_by_label("Fichier CSV ou Excel (XLSX)").set_input_files(str(participants_csv(tmp_path)))
    phone.get_by_role("button", name="Importer").click()
    expect(phone.get_by_text("20 participants importés.")).to_be_visible(timeout=SLOW)
    expect(phone.locator(".participant-list__name", has_text="ليلى حداد")).to_be_visible()
    fits_the_screen(phone)

    # Print: the sign-in sheets (the PDF opens in the browser's viewer: fetched with the page's session instead).
    phone.goto(workshop_url)
    sheets = phone.get_by_role("link", name="Feuilles de présence et de résultats (PDF)").get_attribute("href")
    sheets_pdf = phone.request.get(site_url + sheets, timeout=240_000)
    assert sheets_pdf.status == 200 and sheets_pdf.headers["content-type"] == "application/pdf"
    assert sheets_pdf.body().startswith(b"%PDF")

    # Session 1: one tap per participant, one form.
    phone.get_by_role("navigation", name="Cet atelier").get_by_role("link", name="Présences").click()
    # The list starts near the top of the phone's screen: a compact header and a small session chooser above it.
    first_row = phone.locator("fieldset.attendance-row").first.bounding_box()
    phone.screenshot(path=str(SHOTS / "attendance-top.png"))
    assert first_row["y"] < 350, f"the first participant is at y={first_row['y']}"
    mark_everyone(phone, "Présent")
    phone.locator("fieldset.attendance-row").nth(3).locator("label", has_text="En retard").click()
    fits_the_screen(phone)
    shot(phone, "attendance")
    phone.get_by_role("button", name="Enregistrer les présences").click()
    expect(phone.get_by_text("Présences de la séance 1 enregistrées (20 changements).")).to_be_visible(timeout=SLOW)

    # Session 2, with the connection cut: kept on the phone, sent when it is back.
    phone.get_by_label("Séance", exact=True).select_option(index=1)
    phone.get_by_role("button", name="Afficher").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Présences, séance 2")
    phone.context.set_offline(True)
    mark_everyone(phone, "Absent")
    phone.locator("fieldset.attendance-row").first.locator("label", has_text="Excusé").click()
    phone.get_by_role("button", name="Enregistrer les présences").click()
    expect(phone.locator(".offline-status")).to_have_text(
        "Enregistré sur ce téléphone : ce sera envoyé au retour de la connexion."
    )
    shot(phone, "offline")
    counted = f"from lms.workshops.models import Attendance as A; print(A.objects.filter(session__number=2, session__workshop__title={TITLE!r}).count())"  # noqa: E501
    assert shell(site_env, counted) == "0"
    phone.context.set_offline(False)
    expect(phone.locator(".offline-status")).to_have_text("Envoyé.", timeout=15000)
    assert shell(site_env, counted) == "20"
    expect(phone.locator("fieldset.attendance-row").first.locator("input[value=excused]")).to_be_checked()

    # Paper answers of five participants (every one right), graded by the server.
    phone.goto(workshop_url)
    quiz_links = phone.get_by_role("link", name=re.compile(r"^Résultats sur papier"))
    quiz_urls = [link.get_attribute("href") for link in quiz_links.all()]
    phone.goto(site_url + quiz_urls[0])
    answers = right_answers(site_env, quiz_urls[0].rpartition("quiz=")[2])
    rows = phone.locator("fieldset.result-row")
    expect(rows).to_have_count(20)
    for row in rows.all()[:5]:
        pk = row_pk(row)
        for question, values in answers.items():
            name = f"p{pk}-{question}"
            if row.locator(f"input[type=text][name='{name}'], input:not([type])[name='{name}']").count():
                row.locator(f"input[name='{name}']").fill(values[0])
            else:
                for value in values:
                    row.locator(f"label.segmented__option:has(input[name='{name}'][value='{value}'])").click()
    claimer = rows.first.locator("legend").inner_text()
    claimer_pk = row_pk(rows.first)
    fits_the_screen(phone)
    shot(phone, "results")
    phone.get_by_role("button", name="Enregistrer ces résultats").click()
    expect(phone.get_by_text("5 résultats sur papier enregistrés.")).to_be_visible(timeout=SLOW)
    expect(phone.get_by_text(re.compile(r"^100\s?%, saisi depuis le papier par"))).to_have_count(5)
    # The course's other quizzes: only a score on paper, for the participant who will claim her record.
    for url in quiz_urls[1:]:
        phone.goto(site_url + url + "&mode=score")
        phone.locator(f"#score-{claimer_pk}").fill("100")
        phone.get_by_role("button", name="Enregistrer ces résultats").click()
        expect(phone.get_by_text("1 résultat sur papier enregistré.")).to_be_visible(timeout=SLOW)

    # Follow: the group's grid and the progress per element.
    phone.get_by_role("navigation", name="Cet atelier").get_by_role("link", name="Suivi").click()
    expect(phone.locator("#workshop-grid tbody tr")).to_have_count(20)
    fits_the_screen(phone)
    shot(phone, "follow")

    # Certify: the certificates pack, built in the background, then downloaded.
    phone.get_by_role("link", name="Certificats à imprimer (PDF)").click()
    phone.get_by_role("button", name="Délivrer les certificats et les préparer pour l’impression").click()
    expect(phone.get_by_role("status").last).to_contain_text("certificat est prêt", timeout=60_000)
    link = phone.get_by_role("link", name="Télécharger les certificats (PDF)").get_attribute("href")
    pack = phone.request.get(site_url + link)
    assert pack.status == 200 and pack.headers["content-type"] == "application/pdf"
    assert pack.body().startswith(b"%PDF")
    phone.goto(workshop_url + "claim-codes/")
    code = phone.get_by_role("row", name=re.compile(re.escape(claimer))).locator("td.code").inner_text()
    code = code.replace("-", "")
    fits_the_screen(phone)
    log_out(phone)

    # The participant, at home, claims her record with the code and finds her certificate.
    phone.goto(site_url + "/fr/workshops/claim/")
    phone.get_by_label("Code de récupération").fill(f"{code[:5].lower()} {code[5:]}")
    phone.get_by_role("button", name="Vérifier le code").click()
    expect(phone.get_by_text(claimer).first).to_be_visible()
    phone.get_by_label("Adresse e-mail").fill("participant-claim@example.org")
    phone.get_by_label(re.compile(r"^Mot de passe")).fill(CLAIM_PASSWORD)
    phone.get_by_label("Confirmation du mot de passe").fill(CLAIM_PASSWORD)
    phone.get_by_role("button", name="Créer mon compte").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text("Mon apprentissage")
    expect(phone.get_by_role("status").first).to_contain_text(TITLE)
    expect(phone.locator("a[href*='/learning/certificates/']").first).to_be_visible()
    fits_the_screen(phone)
    shot(phone, "my-learning")

    # The code worked once.
    log_out(phone)
    phone.goto(site_url + "/fr/workshops/claim/")
    phone.get_by_label("Code de récupération").fill(code)
    phone.get_by_role("button", name="Vérifier le code").click()
    expect(phone.get_by_role("alert")).to_contain_text("déjà été utilisé")


def _opener(site_url, email):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    page = opener.open(f"{site_url}/en/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": email, "password": PASSWORD})
    opener.open(urllib.request.Request(f"{site_url}/en/accounts/login/", body.encode(), {"Referer": site_url}))
    return opener, jar


def _post(opener, jar, url, data):
    token = next(cookie.value for cookie in jar if cookie.name == "csrftoken")
    body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True).encode()
    try:
        with opener.open(urllib.request.Request(url, data=body, headers={"Referer": url}), timeout=60) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_the_same_sheets_sent_many_times_at_once_are_recorded_once(site_url, site_env, facilitator):
    """A replayed offline queue, a double tap and a second facilitator, all at the same moment."""
    made = json.loads(
        shell(
            site_env,
            "import json, datetime; from curriculum.models import CoursePage, QuizPage; "
            "from lms.workshops.models import Workshop, WorkshopSession; "
            "from lms.workshops.services import participant_add; "
            "course = CoursePage.objects.get(slug='ilm-five-elements', locale__language_code='en'); "
            "quiz = QuizPage.objects.descendant_of(course).order_by('path').first(); "
            "w = Workshop.objects.create(institute_key=course.institute.translation_key, "
            "course_key=course.translation_key, title='Race', language='en', place='Here', "
            "starts_on=datetime.date.today(), ends_on=datetime.date.today()); "
            "s = WorkshopSession.objects.create(workshop=w, number=1, date=datetime.date.today(), item_keys=[]); "
            "ps = [participant_add(workshop=w, name=f'Racer {n}').pk for n in range(6)]; "
            "print(json.dumps({'w': w.pk, 's': s.pk, 'quiz': str(quiz.translation_key), 'ps': ps}))",
        )
    )
    opener, jar = _opener(site_url, facilitator)
    base = f"{site_url}/en/workshops/{made['w']}"
    attendance = {"session": made["s"], **{f"p{pk}": "present" for pk in made["ps"]}}
    scores = {"quiz": made["quiz"], "mode": "score", **{f"p{pk}-score": "80" for pk in made["ps"]}}
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda _n: _post(opener, jar, f"{base}/attendance/", attendance), range(8)))
        statuses += list(pool.map(lambda _n: _post(opener, jar, f"{base}/results/", scores), range(8)))
    assert set(statuses) == {200}, statuses
    counts = shell(
        site_env,
        "from lms.workshops.models import Attendance, PaperResult, Participant; "
        "from lms.quizzes.models import QuizAttempt; "
        f"ps = Participant.objects.filter(workshop_id={made['w']}); "
        "print(Attendance.objects.filter(participant__in=ps).count(), PaperResult.objects.filter(participant__in=ps).count(), "  # noqa: E501
        "QuizAttempt.objects.filter(learner__participations__in=ps).count(), "
        "QuizAttempt.objects.filter(learner__participations__in=ps, submitted_at__isnull=True).count())",
    )
    assert counts == "6 6 6 0", counts
