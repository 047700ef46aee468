"""Benchmarks run by ./kasane bench NAME (see DESIGN.md §9 for the JSON line format)."""
