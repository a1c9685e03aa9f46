"""Permission-scoped reads of the suggestions loop, one module per stage."""
