from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from curriculum.demo.loader import demo_landscape
from curriculum.models import CoursePage, Institute
from lms.progress.services import enrolment_create

# Development logins only: production never runs this command (it is not part of any deployment step).
# Each institute of the demo has an editor, a moderator and a facilitator.
DEMO_ACCOUNTS = [
    {
        "role": "Administrator",
        "username": "admin",
        "email": "admin@example.org",
        "password": "landscape-admin",
        "display_name": "Admin",
        "is_staff": True,
        "is_superuser": True,
        "where": "/admin/",
    },
    {
        "role": "Editor, Landscape Learning Institute",
        "username": "editor@example.org",
        "email": "editor@example.org",
        "password": "landscape-editor",
        "display_name": "Chiara Rossi",
        "institute": ("landscape-learning-institute", "editors"),
        "where": "/admin/",
    },
    {
        "role": "Moderator, Landscape Learning Institute",
        "username": "moderator@example.org",
        "email": "moderator@example.org",
        "password": "landscape-moderator",
        "display_name": "Dr. Amina Ouédraogo",
        "institute": ("landscape-learning-institute", "moderators"),
        "where": "/admin/",
    },
    {
        "role": "Facilitator, Landscape Learning Institute",
        "username": "facilitator@example.org",
        "email": "facilitator@example.org",
        "password": "landscape-facilitator",
        "display_name": "Kofi Mensah",
        "institute": ("landscape-learning-institute", "facilitators"),
        "where": "/en/accounts/login/",
    },
    {
        "role": "Editor, Sahel Restoration Centre",
        "username": "editor.sahel@example.org",
        "email": "editor.sahel@example.org",
        "password": "sahel-editor",
        "display_name": "Mariam Diallo",
        "institute": ("sahel-restoration-centre", "editors"),
        "where": "/admin/",
    },
    {
        "role": "Moderator, Sahel Restoration Centre",
        "username": "moderator.sahel@example.org",
        "email": "moderator.sahel@example.org",
        "password": "sahel-moderator",
        "display_name": "Issoufou Maïga",
        "institute": ("sahel-restoration-centre", "moderators"),
        "where": "/admin/",
    },
    {
        "role": "Facilitator, Sahel Restoration Centre",
        "username": "facilitator.sahel@example.org",
        "email": "facilitator.sahel@example.org",
        "password": "sahel-facilitator",
        "display_name": "Fatou Sow",
        "institute": ("sahel-restoration-centre", "facilitators"),
        "where": "/en/accounts/login/",
    },
    {
        "role": "Learner",
        "username": "learner@example.org",
        "email": "learner@example.org",
        "password": "landscape-learner",
        "display_name": "Awa Traoré",
        "preferred_language": "fr",
        "profile": ("inner-niger-delta", "ngo", "woman"),
        "where": "/fr/accounts/login/",
    },
    # Learners in the other demo landscapes, enrolled in the five-element course: the programme report has people
    # to count in every landscape.
    {
        "role": "Learner, Mau Forest Complex",
        "username": "learner.mau@example.org",
        "email": "learner.mau@example.org",
        "password": "landscape-learner",
        "display_name": "Wanjiru Kamau",
        "preferred_language": "sw",
        "profile": ("mau-forest", "community", "woman"),
        "enrol": True,
        "where": "/sw/accounts/login/",
    },
    {
        "role": "Learner, Mantaro River Basin",
        "username": "learner.mantaro@example.org",
        "email": "learner.mantaro@example.org",
        "password": "landscape-learner",
        "display_name": "Rosa Quispe",
        "preferred_language": "es",
        "profile": ("mantaro", "farmer", "woman"),
        "enrol": True,
        "where": "/es/accounts/login/",
    },
    {
        "role": "Learner, South Sumatra Peatlands",
        "username": "learner.sumatra@example.org",
        "email": "learner.sumatra@example.org",
        "password": "landscape-learner",
        "display_name": "Budi Santoso",
        "preferred_language": "id",
        "profile": ("sumatra-peatlands", "local_government", "man"),
        "enrol": True,
        "where": "/id/accounts/login/",
    },
    {
        "role": "Programme manager (every institute, read-only)",
        "username": "programme@example.org",
        "email": "programme@example.org",
        "password": "landscape-programme",
        "display_name": "Grace Njeri",
        "group": settings.PROGRAMME_MANAGERS_GROUP,
        "where": "/admin/programme/",
    },
]


class Command(BaseCommand):
    help = "Create the demo site's accounts (one per role) if missing, and print how to log in with each."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("Demo accounts have known passwords: they are made only with DEBUG on (make run).")
        User = get_user_model()
        for account in DEMO_ACCOUNTS:
            fields = {
                key: account[key]
                for key in ("email", "display_name", "is_staff", "is_superuser", "preferred_language")
                if key in account
            }
            user, created = User.objects.get_or_create(username=account["username"], defaults=fields)
            if created:
                user.set_password(account["password"])
                user.save()
            if "institute" in account:
                slug, role = account["institute"]
                institute = Institute.objects.filter(slug=slug, locale__language_code=settings.LANGUAGE_CODE).first()
                if institute is None:
                    raise CommandError(f"Load the demo first (manage.py load_demo): there is no institute {slug}.")
                user.groups.add(getattr(institute, role))
            if "group" in account:
                user.groups.add(Group.objects.get(name=account["group"]))
            if "profile" in account and user.landscape_id is None:
                landscape, user.stakeholder_group, user.gender = account["profile"]
                user.landscape = demo_landscape(landscape)
                user.save(update_fields=["landscape", "stakeholder_group", "gender"])
            if account.get("enrol"):
                course = CoursePage.objects.get(locale__language_code=settings.LANGUAGE_CODE, slug="ilm-five-elements")
                enrolment_create(learner=user, course=course)
            self.stdout.write(
                f"{account['role']:<42} {settings.PUBLIC_BASE_URL}{account['where']:<20} "
                f"{account['email']} / {account['password']}"
            )
