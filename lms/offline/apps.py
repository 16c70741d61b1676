from django.apps import AppConfig


class OfflineConfig(AppConfig):
    name = "lms.offline"
    label = "offline"
    verbose_name = "Offline learning"
