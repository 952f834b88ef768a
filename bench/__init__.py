"""Benchmarks of the inventory at county and province scale: `python -m bench --scale county`."""
