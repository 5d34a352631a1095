"""Maintenance from the command line: backup, restore and verify-backup (an encrypted archive of the
database, the uploaded documents and the instance keys), and `check` (files against rows, counts against
signatures). Nothing here runs inside a web request."""
