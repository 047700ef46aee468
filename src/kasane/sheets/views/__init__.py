"""Sheet screens: records (index, fill, view, print), import/export, definition editing."""
