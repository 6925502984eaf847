"""What voting tells the app a poll belongs to, without knowing that app (DESIGN.md: voting
imports nothing of deliberation). ``turnout_changed(poll_id=..., context=...)`` is sent after the commit
of every change to who voted or who may vote in an open poll: a summit shows its vote's
turnout on its own screens, through its own live channel."""

from django.dispatch import Signal

turnout_changed = Signal()
