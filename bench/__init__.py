"""Benchmarks that print figures (not timed tests): status_bench.py, import_bench.py and
downloads_bench.py, run as scripts (`.venv/bin/python bench/status_bench.py`) or as modules
(`python -m bench.status_bench`). common.py holds their names and PostgreSQL helpers, worlds.py
the status benchmark's world, loader.py the bulk loader that takes its columns from the models.
"""
