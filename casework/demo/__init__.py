"""Fictional demo data, apart from the product code. Every name, number and story here is invented.

`load(password)` creates two organizations, their users and the four situations of the design (people.py,
records.py and one module per situation, petitions.py); `delete_everything()` empties the database for
`flask demo --reset`. Nothing here commits: the command's unit of work does.
"""

from casework.demo.people import USERS, delete_everything, has_data, load
from casework.demo.petitions import PETITION_SLUG

__all__ = ["PETITION_SLUG", "USERS", "delete_everything", "has_data", "load"]
