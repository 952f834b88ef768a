"""The allocation engine: candidate lots, arrival estimates, and the earliest-first and optimal strategies."""
