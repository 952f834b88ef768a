"""Dispatch: incidents, requests and their states, allocation, execution, and the documents they print."""
