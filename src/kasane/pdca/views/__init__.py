"""PDCA screens: cycle.py (index, cycle, sheet, workflow), edit.py (self-evaluation, grade
override, opinions), exports.py (PDF, Excel, publication page), imports.py (plan import)."""
