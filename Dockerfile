# frontlines dashboard: `docker build -t frontlines .` then `docker run --rm -p 8501:8501 frontlines`.
# Everything the app needs at run time is in the image (Leaflet is served from dashboard/static/, the
# record and the geography are in dashboard/data/): a running container makes no network request.
FROM python:3.12-slim

# No file watcher (the code never changes in a container), no usage statistics, and no welcome
# banner: with a 0.0.0.0 address the banner looks up the machine's external IP on the internet.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    STREAMLIT_SERVER_FILE_WATCHER_TYPE=none \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false \
    STREAMLIT_LOGGER_HIDE_WELCOME_MESSAGE=true

RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin appuser

WORKDIR /app

# The runtime dependencies first (their own layer, rebuilt only when requirements.txt changes) ...
COPY requirements.txt ./
RUN grep -v '^-e ' requirements.txt > /tmp/deps.txt \
    && pip install -r /tmp/deps.txt \
    && rm /tmp/deps.txt

# ... then the project (its data and Streamlit settings are inside dashboard/; geodata/README.md is
# one of the wheel's license files, so the install needs it). Editable, as in the README: CMD runs
# dashboard/app.py from here, and the app writes dashboard/static/generated/ where Streamlit serves it.
COPY pyproject.toml README.md LICENSE ./
COPY geodata/README.md ./geodata/README.md
COPY dashboard ./dashboard
RUN pip install --no-deps -e . \
    && python -m compileall -q dashboard \
    && mkdir -p dashboard/static/generated \
    && chown appuser:appuser dashboard/static/generated

USER appuser

EXPOSE 8501

HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4).status != 200)"]

CMD ["streamlit", "run", "dashboard/app.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true"]
