# Laget's image: the locked dependencies (checked by hash), the code, a non-root user, a health check, settings
# from the environment, logs on stdout/stderr. compose.yaml runs it; README.md, «Drift», says how.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    TZ=Europe/Oslo

RUN useradd --system --uid 10001 --user-group --home-dir /srv/laget --create-home laget

WORKDIR /opt/laget
COPY requirements.lock ./
RUN python -m pip install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY config ./config
COPY dashboard ./dashboard
COPY data_access ./data_access
COPY pages ./pages
# editable, so `laget run` finds pages/ beside dashboard/; --no-deps: everything came from the lock above
RUN python -m pip install --no-deps -e . && python -c "import dashboard.cli"

# Settings: every LAGET_* variable of README's table, and Streamlit's own as STREAMLIT_*. The packaged Streamlit
# configuration (theme, toolbar, XSRF, no file watcher) comes with `laget run` whatever the working folder.
ENV LAGET_LOAD_DEMO=0 \
    LAGET_TRUSTED_PROXIES=1 \
    LAGET_BACKUP_DIR=/srv/laget/backups \
    STREAMLIT_SERVER_ADDRESS=0.0.0.0 \
    STREAMLIT_SERVER_PORT=8501 \
    STREAMLIT_SERVER_HEADLESS=true

USER laget
WORKDIR /srv/laget
RUN mkdir -p /srv/laget/backups
EXPOSE 8501
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4)"]
CMD ["laget", "run"]
