"""Pure vote counting: plain data in, frozen dataclasses out.

No Django, no clock, no global random state. Every tie is broken by a seeded lottery that
anyone can redo (see ``lottery_order``). Exact integers or fractions decide every winner.
The rules are described for voters and auditors in docs/voting.md; keep the two in step.

One module per family; this package re-exports every name, so ``tally.irv`` and the rest
stay where callers find them: ``lottery`` (ties), ``core`` (outcome base, input checks,
grouping), ``scores`` (yes/no, approval, score, dot, majority judgment), ``ranked`` (IRV,
STV), ``pairwise`` (Schulze, Copeland, Borda), ``budgets`` (greedy, Method of Equal Shares).
"""

from .budgets import (
    BudgetOutcome,
    BudgetStep,
    Shortfall,
    _budget_input,
    _greedy_fill,
    _max_payment,
    _mes_run,
    greedy_budget,
    method_of_equal_shares,
)
from .core import (
    Number,
    Outcome,
    RankItem,
    TallyError,
    _check_candidates,
    _check_seats,
    _encode_strict,
    _fmt,
    _jsonable,
    _matrix_lines,
    _normalise_ranking,
    _Piles,
    _rank_by_score,
    _ranked_groups,
    _record_equal_ties,
    _strict_input,
    _strict_only,
)
from .lottery import TieBreak, _Lottery, lottery_key, lottery_order
from .pairwise import (
    SchulzeOutcome,
    _named_matrix,
    _pairwise,
    _pairwise_any,
    _pairwise_loops,
    _pairwise_rows,
    _pairwise_weak,
    _strongest_paths,
    borda,
    copeland,
    pairwise_matrix,
    schulze,
)
from .ranked import (
    TIED_RANK_RULES,
    IrvOutcome,
    IrvRound,
    StvOutcome,
    StvRound,
    TiedRanks,
    irv,
    stv,
    untie_rankings,
)
from .scores import (
    MajorityJudgmentOutcome,
    ScoredOutcome,
    YesNoOutcome,
    YesNoPointsOutcome,
    _majority_value,
    _point_totals,
    approval,
    dot_voting,
    majority_judgment,
    score,
    yes_no,
    yes_no_points,
)

__all__ = [
    "BudgetOutcome", "BudgetStep", "IrvOutcome", "IrvRound", "MajorityJudgmentOutcome",
    "Number", "Outcome", "RankItem", "ScoredOutcome", "SchulzeOutcome", "Shortfall", "StvOutcome",
    "StvRound", "TIED_RANK_RULES", "TallyError", "TieBreak", "TiedRanks", "YesNoOutcome",
    "YesNoPointsOutcome", "_Lottery", "_Piles",
    "_budget_input", "_check_candidates", "_check_seats", "_encode_strict", "_fmt",
    "_greedy_fill", "_jsonable", "_majority_value", "_matrix_lines", "_max_payment",
    "_mes_run", "_named_matrix", "_normalise_ranking", "_pairwise", "_pairwise_any",
    "_pairwise_loops", "_pairwise_rows", "_pairwise_weak", "_point_totals", "_rank_by_score",
    "_ranked_groups", "_record_equal_ties", "_strict_input", "_strict_only",
    "_strongest_paths", "approval", "borda", "copeland", "dot_voting", "greedy_budget",
    "irv", "lottery_key", "lottery_order", "majority_judgment", "method_of_equal_shares",
    "pairwise_matrix", "schulze", "score", "stv", "untie_rankings", "yes_no", "yes_no_points",
]
