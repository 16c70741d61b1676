"""What the capacity benchmark asks for, prepared inside its site (`manage.py shell`): `count` learner accounts,
each with a logged-in session, written as JSON to `path` (the learners of tests/benchmarks/locustfile.py). Logging
in is left out of the run: a password check costs a worker a third of a second by design, and the soak measures it."""

import json
from importlib import import_module


def prepare(count: int, path: str) -> None:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model
    from django.contrib.auth.hashers import make_password

    User = get_user_model()
    unusable = make_password(None)
    User.objects.bulk_create(
        (
            User(
                username=f"capacity-{n}@example.org",
                email=f"capacity-{n}@example.org",
                display_name=f"Capacity learner {n}",
                password=unusable,
            )
            for n in range(count)
        ),
        ignore_conflicts=True,
    )
    store = import_module(settings.SESSION_ENGINE).SessionStore
    sessions = []
    for user in User.objects.filter(username__startswith="capacity-").order_by("pk")[:count]:
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    with open(path, "w") as out:
        json.dump(sessions, out)
