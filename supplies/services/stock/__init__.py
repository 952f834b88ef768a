"""Stock: lots and the ledger, the operations that change them, bulk receipts, reads, targets and verify."""
