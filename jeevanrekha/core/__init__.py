"""Pure domain core: case lifecycle, queue priority and escalation policy.

Nothing here imports Django or touches the network or the disk, and nothing reads the clock:
every function that needs the time takes it as a timezone-aware ``datetime``.
"""

from jeevanrekha.core.escalation import (
    DEFAULT_POLICIES,
    EscalationPolicy,
    EscalationStep,
    next_deadline,
    step_for,
)
from jeevanrekha.core.lifecycle import (
    EVENT_NAMES,
    OPEN_STATES,
    TRANSITIONS,
    CaseCommand,
    CaseEvent,
    CaseState,
    IllegalTransition,
    allowed_commands,
    decide,
    is_terminal,
    open_case,
)
from jeevanrekha.core.priority import PriorityInput, priority, priority_band

__all__ = [
    "DEFAULT_POLICIES",
    "EVENT_NAMES",
    "OPEN_STATES",
    "TRANSITIONS",
    "CaseCommand",
    "CaseEvent",
    "CaseState",
    "EscalationPolicy",
    "EscalationStep",
    "IllegalTransition",
    "PriorityInput",
    "allowed_commands",
    "decide",
    "is_terminal",
    "next_deadline",
    "open_case",
    "priority",
    "priority_band",
    "step_for",
]
