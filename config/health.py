from django.db import connection
from django.http import HttpResponse


def healthz(request):
    """Liveness for load balancers and docker-compose: the app answers and the database does too."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
