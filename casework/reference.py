"""Reference data every feature shares: US states and territories, countries and communities to suggest.

Plain constants, importing nothing: forms, sections, PDFs and templates read them from here.
"""

from __future__ import annotations

US_STATES = [
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("PR", "Puerto Rico"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("GU", "Guam"),
    ("VI", "U.S. Virgin Islands"),
]
STATE_NAMES = dict(US_STATES)

COUNTRY_SUGGESTIONS = [
    "Cambodia",
    "Vietnam",
    "Laos",
    "Thailand",
    "Philippines",
    "Myanmar",
    "China",
    "Indonesia",
    "Malaysia",
    "Somalia",
    "Mexico",
    "Guatemala",
    "El Salvador",
    "Honduras",
    "Haiti",
    "Stateless",
]
COMMUNITY_SUGGESTIONS = ["Cambodian", "Vietnamese", "Lao", "Hmong", "Iu Mien", "Khmu", "Thai Dam", "Cham"]


def state_name(code: str | None) -> str:
    """'MA' -> 'Massachusetts'; an unknown code comes back as it is, None as an empty string."""
    return STATE_NAMES.get(code or "", code or "")
