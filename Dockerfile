# Qujat: one image for the API (`qujat serve`) and the batch workers (`qujat worker`).
# Not built or smoke-tested on the project's machines (no Docker engine there): see README.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    QUJAT_DATA_DIR=/var/lib/qujat PROMETHEUS_MULTIPROC_DIR=/tmp/qujat-metrics

RUN useradd --system --home-dir /var/lib/qujat --create-home qujat
WORKDIR /app
COPY pyproject.toml README.md ./
COPY forms ./forms
COPY generator ./generator
COPY signing ./signing
COPY verify ./verify
COPY registry ./registry
COPY api ./api
RUN pip install --no-cache-dir '.[s3]' && mkdir -p /tmp/qujat-metrics \
    && chown qujat /tmp/qujat-metrics

USER qujat
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s CMD python -c \
    "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"
CMD ["qujat", "serve", "--host", "0.0.0.0", "--port", "8000", "--workers", "2"]
