"""Reports sent upward: the ledger (台账), stock, expiry and gaps, and their files."""
