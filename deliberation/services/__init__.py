"""Every write of a live summit, one module per noun: ``agenda`` (steps, timer, messages),
``attendance`` (check-in, seating, online and theme tables), ``ideas``, ``themes``,
``proposals`` (the theme tables' proposals, and freezing them for the vote), ``vote``
(the vote step's poll, ballots on the screens, closing and the reveal), ``outcome``
(publishing the summit's outcome page), and
``setup`` (the workspace: a summit's details, agenda, tables, roles and status).
Each service checks its command's rule, writes in one transaction with the summit row
locked, and broadcasts its events after commit, each with the summit's next sequence number.

``context`` holds what they share (the command declarations, the batch, the lock, the
numbered broadcast); ``bus`` runs live commands, alone or in batches. Callers import this
package: ``from deliberation import services`` then ``services.idea_create(...)``.
"""

from .agenda import (
    MAX_EXTEND_SECONDS,
    MESSAGE_MAX_LENGTH,
    summit_message_send,
    summit_step_advance,
    summit_step_back,
    summit_step_extend,
    summit_step_pause,
    summit_step_start,
)
from .attendance import (
    participant_check_in,
    participant_join_online,
    participant_seat_all,
    participant_walk_in,
    theme_table_choose,
)
from .bus import Command, command_run, command_run_batch
from .context import COMMANDS, CommandRefused, LiveCommand
from .ideas import (
    idea_create,
    idea_edit,
    idea_hide,
    idea_merge,
    idea_moderation_undo,
    idea_restore,
    idea_withdraw,
)
from .outcome import summit_outcome_publish, summit_outcome_withdraw
from .proposals import proposal_save, proposals_freeze
from .report_marks import ReportMarkRefused, idea_mark_for_report, theme_mark_for_report
from .reports import (
    idea_moderation_hide,
    idea_report,
    idea_reports_dismiss,
    idea_reports_dismiss_undo,
)
from .setup import (
    G1000_DAY,
    TEMPLATES,
    summit_archive,
    summit_close,
    summit_create,
    summit_open,
    summit_role_grant,
    summit_role_revoke,
    summit_step_add,
    summit_step_move,
    summit_step_remove,
    summit_step_update,
    summit_table_update,
    summit_tables_add,
    summit_update,
)
from .themes import (
    THEME_NAME_MAX_LENGTH,
    theme_assign,
    theme_create,
    theme_feature,
    theme_rename,
    theme_tables_spread,
)
from .vote import DEFAULT_METHOD as DEFAULT_VOTE_METHOD
from .vote import VOTE_METHODS, ballot_cast, vote_close, vote_reveal

__all__ = [
    "COMMANDS",
    "G1000_DAY",
    "TEMPLATES",
    "MAX_EXTEND_SECONDS",
    "MESSAGE_MAX_LENGTH",
    "THEME_NAME_MAX_LENGTH",
    "Command",
    "CommandRefused",
    "LiveCommand",
    "command_run",
    "command_run_batch",
    "idea_create",
    "idea_edit",
    "idea_hide",
    "idea_moderation_hide",
    "idea_moderation_undo",
    "idea_report",
    "idea_reports_dismiss",
    "idea_reports_dismiss_undo",
    "idea_merge",
    "idea_restore",
    "idea_withdraw",
    "ReportMarkRefused",
    "idea_mark_for_report",
    "theme_mark_for_report",
    "summit_outcome_publish",
    "summit_outcome_withdraw",
    "proposal_save",
    "proposals_freeze",
    "VOTE_METHODS",
    "DEFAULT_VOTE_METHOD",
    "ballot_cast",
    "vote_close",
    "vote_reveal",
    "participant_check_in",
    "participant_join_online",
    "participant_seat_all",
    "participant_walk_in",
    "summit_message_send",
    "summit_step_advance",
    "summit_step_back",
    "summit_step_extend",
    "summit_step_pause",
    "summit_step_start",
    "theme_assign",
    "theme_create",
    "theme_feature",
    "theme_rename",
    "theme_tables_spread",
    "theme_table_choose",
    "summit_archive",
    "summit_close",
    "summit_create",
    "summit_open",
    "summit_role_grant",
    "summit_role_revoke",
    "summit_step_add",
    "summit_step_move",
    "summit_step_remove",
    "summit_step_update",
    "summit_table_update",
    "summit_tables_add",
    "summit_update",
]
