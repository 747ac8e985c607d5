"""The conversation's states. The flow between them is drawn in `states.md`; keep both current."""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    IDLE = "idle"
    """No form open: questions are answered, a report intent opens a form."""
    CHOOSING_FLOW = "choosing_flow"
    """The intent was weak or ambiguous: the user picks what they want with buttons."""
    OFFERING_RESUME = "offering_resume"
    """An unfinished draft is back after a pause: 继续 or 重新开始."""
    FILLING = "filling"
    """A form is open and one field (the draft's `pending`) has been asked."""
    CONFIRMING = "confirming"
    """The summary is shown with 提交 / 修改 / 取消."""
    CHOOSING_EDIT = "choosing_edit"
    """修改 was pressed: which field to change."""
    CONFIRMING_CANCEL = "confirming_cancel"
    """取消 or /cancel with a draft open: drop it for good?"""


class FlowKind(StrEnum):
    INFRINGEMENT = "infringement"
    COUNTERFEIT = "counterfeit"
    OTHER_IP = "other_ip"
    ASSISTANCE = "assistance"
