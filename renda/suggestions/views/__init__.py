"""Views of the suggestions loop, one module per stage (thin adapters over services and
selectors)."""
