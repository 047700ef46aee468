"""支援会議 (法106条の6), 重層的支援会議 and designated field meetings (issue 7)."""
