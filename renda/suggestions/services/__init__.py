"""Writes of the suggestions loop, one module per stage of 提-交-办-督-评:

- `drafting`: drafts, co-signing, submission, withdrawal, and drafts started from a citizen's
  opinion;
- `review`, `handling`, `evaluation`, `supervision`: the later stages.

Every status change follows `renda.suggestions.workflow` and appends one `Event`.
"""
