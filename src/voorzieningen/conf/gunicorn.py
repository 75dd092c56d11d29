"""gunicorn settings for the production profile: ``gunicorn -c python:voorzieningen.conf.gunicorn``.

Web processes are stateless (sessions in the database, cache in Redis), so any number of them can run behind
any load balancer. Each process writes its metrics to ``PROMETHEUS_MULTIPROC_DIR``; /metrics sums them.
"""

import multiprocessing
import os
import shutil

wsgi_app = "voorzieningen.conf.wsgi:application"
bind = os.environ.get("BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", multiprocessing.cpu_count() * 2 + 1))
threads = int(os.environ.get("WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
backlog = int(os.environ.get("WEB_BACKLOG", "2048"))  # a burst waits in the queue instead of being refused
timeout = int(os.environ.get("WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
max_requests = 10000  # recycle a process now and then: bounded memory
# Processes that start together and share the load evenly reach the limit together: with a jitter of 1,000 all five
# restarted within 6 s under load (docs/loadtest.md, 7 December) and the platform served half for 20 s. A jitter of
# half the limit spreads the restarts over minutes.
max_requests_jitter = 5000
accesslog = None  # Django logs every request with its request id (structured)
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
proc_name = "voorzieningen-web"


def on_starting(server):
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:  # figures of a previous run would be summed in
        shutil.rmtree(directory, ignore_errors=True)
        os.makedirs(directory, exist_ok=True)


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
