# Production image: gunicorn serving Django, static files via WhiteNoise.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app

# Pango and HarfBuzz, which WeasyPrint needs to make report PDFs.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, so code changes don't invalidate this layer.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .

ENV DJANGO_SETTINGS_MODULE=config.settings.production

# Production settings insist on these; the values live only in this build step.
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput

# Run unprivileged; uploads go to var/media (a volume in docker-compose.yml).
RUN useradd --system --create-home --home-dir /home/app --shell /usr/sbin/nologin app \
    && mkdir -p /app/var/media \
    && chown -R app:app /app/var
USER app

EXPOSE 8000

CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
