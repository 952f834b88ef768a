"""Use cases, one module per family; each public method runs in one unit of work."""
