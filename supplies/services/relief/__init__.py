"""The last mile: households registered per incident, entitlements (发放标准) and distribution (发放)."""
