"""The production topology in docker-compose.yml (no Docker engine runs here, so we read it)."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_compose_runs_postgres_redis_two_daphnes_and_a_proxy():
    services = compose()["services"]
    assert services["db"]["image"].startswith("postgres:")
    assert services["redis"]["image"].startswith("redis:")
    web = services["web"]
    assert web["deploy"]["replicas"] >= 2
    assert web["command"][0] == "daphne" and "samenspel.asgi:application" in web["command"]
    assert "--proxy-headers" in web["command"]
    assert services["proxy"]["ports"] == ["80:80"]


def test_compose_sets_every_production_setting_from_the_environment():
    env = compose()["services"]["web"]["environment"]
    for name in ["DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS", "DEBUG"]:
        assert name in env
    assert env["DEBUG"] == "0"
    assert env["DATABASE_URL"].startswith("postgres://") and "@db:5432/" in env["DATABASE_URL"]
    assert env["REDIS_URL"] == "redis://redis:6379/0"
    assert "${SECRET_KEY" in env["SECRET_KEY"], "the secret must come from the environment"


def test_proxy_serves_static_files_and_upgrades_websockets():
    nginx = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "location /static/" in nginx and "alias /srv/static/" in nginx
    assert "proxy_set_header Upgrade $http_upgrade" in nginx
    assert "server web:8000" in nginx
    volumes = compose()["services"]["proxy"]["volumes"]
    assert "./deploy/nginx.conf:/etc/nginx/conf.d/default.conf:ro" in volumes
    assert "static:/srv/static:ro" in volumes


def test_a_stopping_web_process_has_time_for_its_grace_before_docker_kills_it():
    """A process told to stop gives requests in progress HTTP_STOP_GRACE_SECONDS and closes
    its live sockets; killed before that, every screen and request on it is cut off."""
    from django.conf import settings

    grace = compose()["services"]["web"]["stop_grace_period"]
    assert grace.endswith("s") and int(grace[:-1]) >= 2 * settings.HTTP_STOP_GRACE_SECONDS + 5
