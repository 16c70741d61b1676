import secrets

from django.db import migrations


def usernames_follow_addresses(apps, schema_editor):
    """Accounts whose username is an address they no longer have (changed in the profile before usernames
    followed addresses) take their current address as username, freeing the old one."""
    User = apps.get_model("accounts", "User")
    for user in User.objects.filter(username__contains="@").exclude(email=""):
        wanted = user.email.lower()
        if user.username.lower() == wanted:
            continue
        taken = User.objects.filter(username=wanted).exclude(pk=user.pk).exists()
        user.username = f"account-{secrets.token_hex(8)}" if taken else wanted
        user.save(update_fields=["username"])


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_username_as_long_as_an_address_attempt_counter")]

    operations = [migrations.RunPython(usernames_follow_addresses, migrations.RunPython.noop)]
