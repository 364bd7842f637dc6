"""Production mode (`POLKU_ENV=production`): the service refuses to start on development secrets or defaults.

Every default in `Settings` is chosen so that `make run` works on a laptop; several of them are unsafe in a
national service (a Twilio token anyone can read in the source verifies delivery callbacks, a per-process CSRF
secret breaks answers behind a load balancer, GraphiQL is open, the database is a local SQLite file). Each
problem is named with the variable that fixes it, all at once, so one restart is enough.
"""

from __future__ import annotations

from models.settings import Settings

MIN_SECRET_LENGTH = 32
PRODUCTION = "production"
ENVIRONMENTS = frozenset({"development", PRODUCTION})


class NotProductionReady(RuntimeError):
    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"POLKU_ENV=production refuses to start:\n{lines}")


def production_problems(settings: Settings) -> list[str]:
    """What in `settings` is a development secret or default; empty when production may start."""
    defaults = Settings()
    problems = []
    if settings.twilio_auth_token == defaults.twilio_auth_token or not settings.twilio_auth_token:
        problems.append("TWILIO_AUTH_TOKEN is the development value: set the account's auth token")
    if settings.twilio_account_sid == defaults.twilio_account_sid:
        problems.append("TWILIO_ACCOUNT_SID is the development value: set the account's SID")
    if settings.csrf_secret is None:
        problems.append(
            "POLKU_CSRF_SECRET is not set: every process must share one secret, or a survey form served by one "
            "process is refused by another"
        )
    elif len(settings.csrf_secret) < MIN_SECRET_LENGTH or len(set(settings.csrf_secret)) < 8:
        problems.append(f"POLKU_CSRF_SECRET is weak: use at least {MIN_SECRET_LENGTH} random characters")
    if settings.debug:
        problems.append("POLKU_DEBUG is on: it opens GraphiQL; unset it")
    if settings.database_url.startswith("sqlite"):
        problems.append("DATABASE_URL is the embedded SQLite: set the PostgreSQL URL")
    if settings.redis_url is None:
        problems.append("REDIS_URL is not set: the queue and the survey rate limit need the shared Redis")
    if not settings.public_base_url.startswith("https://"):
        problems.append("POLKU_PUBLIC_URL is not https: survey links would be sent as plain http")
    return problems


def check_environment(settings: Settings) -> None:
    """Raise NotProductionReady in production mode when anything is left at a development value."""
    if settings.environment not in ENVIRONMENTS:
        raise NotProductionReady([f"POLKU_ENV={settings.environment!r} is neither development nor production"])
    if settings.environment == PRODUCTION:
        problems = production_problems(settings)
        if problems:
            raise NotProductionReady(problems)
