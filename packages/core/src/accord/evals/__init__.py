"""Retrieval evaluations: LoCoMo through the public API, scored by pure metrics.

``run_locomo`` ingests each LoCoMo conversation as one user and asks every question with
``get()``; ``accord.evals.metrics`` holds the scoring (recall@k, NDCG@10); ``main_eval`` in
``accord.evals.cli`` is the ``accord eval`` command.
"""

from accord.evals._dataset import LocomoFormatError, load_locomo, parse_locomo_datetime
from accord.evals._report import MODES, EvalMode, LocomoReport, ModeRun, QuestionResult
from accord.evals.locomo import CONTEXT_MAX_TOKENS, EVAL_DEFAULTS, evidence_keys, run_locomo
from accord.evals.metrics import CategoryScores

__all__ = [
    "CONTEXT_MAX_TOKENS",
    "EVAL_DEFAULTS",
    "MODES",
    "CategoryScores",
    "EvalMode",
    "LocomoFormatError",
    "LocomoReport",
    "ModeRun",
    "QuestionResult",
    "evidence_keys",
    "load_locomo",
    "parse_locomo_datetime",
    "run_locomo",
]
