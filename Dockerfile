# The Samenspel application image: Python deps, the built frontend, the code.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN mkdir -p /app/samenspel/static && npm run build

FROM python:3.11-slim-bookworm
ENV PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
WORKDIR /app
# WeasyPrint (letters with login codes) draws text with Pango, in the Liberation fonts.
RUN apt-get update && apt-get install -y --no-install-recommends libpango-1.0-0 \
    libpangoft2-1.0-0 fonts-liberation && rm -rf /var/lib/apt/lists/*
COPY pyproject.toml ./
COPY samenspel/ samenspel/
COPY deliberation/ deliberation/
COPY voting/ voting/
COPY council/ council/
RUN pip install --no-cache-dir . && python -m samenspel.i18n
COPY manage.py ./
COPY --from=frontend /app/samenspel/static/dist samenspel/static/dist
RUN useradd --system samenspel && mkdir -p /app/staticfiles && chown samenspel /app/staticfiles
USER samenspel
EXPOSE 8000
