"""Files in and out: spreadsheet imports and exports, and backups."""
