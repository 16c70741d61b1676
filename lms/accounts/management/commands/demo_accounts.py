from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

# Development logins only: production never runs this command (it is not part of any deployment step).
DEMO_ADMIN = {"username": "admin", "email": "admin@example.org", "password": "landscape-admin"}


class Command(BaseCommand):
    help = "Create the demo site's administrator account if missing, and print how to log in."

    def handle(self, *args, **options):
        User = get_user_model()
        admin, created = User.objects.get_or_create(
            username=DEMO_ADMIN["username"],
            defaults={"email": DEMO_ADMIN["email"], "is_staff": True, "is_superuser": True, "display_name": "Admin"},
        )
        if created:
            admin.set_password(DEMO_ADMIN["password"])
            admin.save()
        state = "created" if created else "already there"
        self.stdout.write(
            f"Administrator ({state}): log in at http://127.0.0.1:8000/admin/ "
            f"as {DEMO_ADMIN['username']} / {DEMO_ADMIN['password']}"
        )
