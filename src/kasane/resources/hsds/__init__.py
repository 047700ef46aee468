"""Open Referral HSDS 3.0 export/import of the directory (CSV tables and the same as JSON)."""
