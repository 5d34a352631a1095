"""What of the case file names users of the exporting organization: informative only, never imported.

The case file itself is written and read by every case section's part (casework.case_page.CaseFilePart)
through casework.case_file.
"""

USER_KEYS = ("lead", "assignee", "author", "actor")
