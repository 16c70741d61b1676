from django.db import connection
from django.http import HttpResponse


def health(request):
    """A load balancer's probe: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
