# One image for every long-running process: web (gunicorn), worker and beat (celery).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# The lock file's --extra-index-url / --find-links lines name package mirrors on
# the developer's machine; inside the image the pinned versions come from PyPI.
COPY requirements/base.txt /tmp/requirements.txt
RUN sed '/^--/d' /tmp/requirements.txt > /tmp/requirements-pypi.txt \
    && pip install -r /tmp/requirements-pypi.txt \
    && rm /tmp/requirements*.txt

COPY . .

# Static files are collected once, into the image, and served by WhiteNoise.
# The secret below exists only during this build step; it signs nothing.
RUN DJANGO_DEBUG=false \
    DJANGO_SECRET_KEY=collectstatic-at-build-time-only-never-used-to-sign-anything \
    python manage.py collectstatic --noinput \
    && useradd --system --uid 10001 --create-home app \
    && mkdir -p var/media var/beat \
    && chown -R app:app var

USER app

EXPOSE 8000
CMD ["gunicorn", "actionlearning.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-", \
     "--no-control-socket"]
