"""gunicorn's settings for the site (read from the working directory, or `gunicorn -c gunicorn.conf.py`): the
production recipe in the README and the served benchmarks use it. Command-line options (-w, -b) still apply."""

import gc


def post_worker_init(worker):
    # Everything imported and built at start-up (Django, Wagtail, the URLconf) lives as long as the worker: frozen,
    # the garbage collector stops walking it on every full collection (pauses of 100 ms and more every hundred or so
    # page requests were seen), and its memory pages stay shared with the other workers for longer.
    gc.freeze()
