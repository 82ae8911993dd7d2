"""gunicorn settings of the served site (`make run`, docker-compose.yml).

    gunicorn -c scripts/gunicorn.conf.py ckanext.sach.wsgi:application

Environment: SACH_BIND (127.0.0.1:5000), SACH_WORKERS (2 x cores + 1), SACH_THREADS (1),
SACH_TIMEOUT (60 s), CKAN_INI (ckan.ini). The master process replaces any worker that dies
or hangs past the timeout.
"""
import multiprocessing
import os

bind = os.environ.get("SACH_BIND", "127.0.0.1:5000")
workers = int(os.environ.get("SACH_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("SACH_THREADS") or 1)
timeout = int(os.environ.get("SACH_TIMEOUT") or 60)
graceful_timeout = 30
keepalive = 5
# recycle workers now and then (bounded memory growth), with jitter so they do not restart together
max_requests = int(os.environ.get("SACH_MAX_REQUESTS") or 2000)
max_requests_jitter = 200
accesslog = os.environ.get("SACH_ACCESS_LOG") or None
errorlog = "-"
pidfile = os.environ.get("SACH_GUNICORN_PID") or None
# each worker loads CKAN after the fork: no database or Redis connection is shared across it
preload_app = False
# gunicorn's control socket defaults to one path per user ($HOME/.gunicorn/gunicorn.ctl): several
# instances on one machine (tests, clones, compose replicas sharing a home) would fight over it
control_socket_disable = True
