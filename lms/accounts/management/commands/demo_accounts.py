from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError

from lms.workbooks.services import FACILITATORS_GROUP

# Development logins only: production never runs this command (it is not part of any deployment step).
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
        "role": "Facilitator",
        "username": "facilitator@example.org",
        "email": "facilitator@example.org",
        "password": "landscape-facilitator",
        "display_name": "Kofi Mensah",
        "group": FACILITATORS_GROUP,
        "where": "/en/accounts/login/",
    },
    {
        "role": "Learner",
        "username": "learner@example.org",
        "email": "learner@example.org",
        "password": "landscape-learner",
        "display_name": "Awa Traoré",
        "preferred_language": "fr",
        "where": "/fr/accounts/login/",
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
            if "group" in account:
                user.groups.add(Group.objects.get_or_create(name=account["group"])[0])
            self.stdout.write(
                f"{account['role']:<14} http://127.0.0.1:8000{account['where']:<22} "
                f"{account['email']} / {account['password']}"
            )
