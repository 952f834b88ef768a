"""Readiness: needs norms and whether stock can reach people in time."""
