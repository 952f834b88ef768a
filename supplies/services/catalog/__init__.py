"""The catalog: responsible agencies, the supply-class tree, items, the standard catalog and code search."""
