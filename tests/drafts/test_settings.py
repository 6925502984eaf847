"""The co-writing settings come from the environment, like every other setting."""

from pathlib import Path

from tests.multiprocess import settings_process_output

ROOT = Path(__file__).resolve().parents[2]

NAMES = (
    "DRAFT_SAVE_INTERVAL",
    "DRAFT_COMPACT_AFTER",
    "DRAFT_COMPACT_QUIET",
    "DRAFT_CATCH_UP_INTERVAL",
    "DRAFT_OTHERS_LOG_WAIT",
    "DRAFT_MAX_MESSAGE_BYTES",
    "DRAFT_PRESENCE_INTERVAL",
)
# What the co-writing code goes by: the settings, and the values its modules read at start.
PRINT = (
    "from django.conf import settings as s; "
    "from deliberation.drafts import consumers, services; "
    f"print(*[getattr(s, name) for name in {NAMES!r}]); "
    "print(services.COMPACT_AFTER, consumers.MAX_MESSAGE_BYTES, consumers.PRESENCE_INTERVAL)"
)


def drafts_settings_with(env: dict[str, str]) -> list[list[str]]:
    printed = settings_process_output(PRINT, env, unset=("DRAFT_",))
    return [line.split() for line in printed.splitlines()]


def test_nothing_set_gives_the_documented_defaults():
    settings, read = drafts_settings_with({})
    assert settings == ["0.25", "500", "2.0", "1.0", "1.0", "524288", "0.1"]
    assert read == ["500", "524288", "0.1"]


def test_an_operator_sets_each_co_writing_setting_in_the_environment():
    values = ["0.5", "200", "3.0", "2.0", "1.5", "65536", "0.2"]
    settings, read = drafts_settings_with(dict(zip(NAMES, values, strict=True)))
    assert settings == values
    assert read == ["200", "65536", "0.2"]  # a larger message than 65536 bytes closes the socket
