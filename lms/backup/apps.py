from django.apps import AppConfig


class BackupConfig(AppConfig):
    """`manage.py backup` and `manage.py restore`: the whole site in one file (no models of its own)."""

    name = "lms.backup"
    label = "backup"

    def ready(self):
        from django.core import serializers

        from lms.backup.serializer import FORMAT_NAME

        serializers.register_serializer(FORMAT_NAME, "lms.backup.serializer")
