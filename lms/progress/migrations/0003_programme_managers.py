from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Programme managers"  # settings.PROGRAMME_MANAGERS_GROUP, as it was when this migration was written
PERMISSIONS = [("wagtailadmin", "access_admin"), ("progress", "view_programme_report")]


def make_programme_managers(apps, schema_editor):
    """The group that reads the programme report across institutes, and nothing else: admin access for the menu,
    the report's own permission, no permission to change anything."""
    # Model permissions are otherwise made only after every migration (Wagtail's admin access by its own migration).
    progress = apps.get_app_config("progress")
    progress.models_module = True
    create_permissions(progress, apps=apps, verbosity=0)
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    for app_label, codename in PERMISSIONS:
        group.permissions.add(Permission.objects.get(content_type__app_label=app_label, codename=codename))


def remove_programme_managers(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("progress", "0002_offline_actions"),
        ("wagtailadmin", "0001_create_admin_access_permissions"),
        ("auth", "0012_alter_user_first_name_max_length"),
        # After Wagtail's migrations that give every admin group the "choose" permission on images and documents:
        # this group reads a report and needs none.
        ("wagtaildocs", "0011_add_choose_permissions"),
        ("wagtailimages", "0023_add_choose_permissions"),
    ]

    operations = [
        migrations.AlterModelOptions(
            name="enrolment",
            options={
                "permissions": [("view_programme_report", "Can view the programme report of every institute")],
                "verbose_name": "enrolment",
                "verbose_name_plural": "enrolments",
            },
        ),
        migrations.RunPython(make_programme_managers, remove_programme_managers),
    ]
