"""The project's settings with a log written only when a room closes, for a server started
by a test: whatever is in the log then was written by the room's close, not by the timer."""

from samenspel.settings import *  # noqa: F403

DRAFT_SAVE_INTERVAL = 3600.0
