"""The reporting bodies in words, for legends, tables and generated text.

``reporting_body`` holds a short code (the descriptor's enum); a reader sees the body's name. Every code
of the enum has a name here (a test checks it against ``datapackage.json``)."""

from __future__ import annotations

#: Name of each reporting body, as a reader would write it in a sentence.
BODY_NAMES = {
    "anama": "ANAMA (Mine Action Agency)",
    "pgo": "Prosecutor General's Office",
    "mfa": "Ministry of Foreign Affairs",
    "presidential_administration": "Presidential Administration",
    "president": "the President",
    "cabinet": "Cabinet of Ministers",
    "mod": "Ministry of Defence",
    "ombudsman": "Ombudsman",
    "sss": "State Security Service",
    "state_statistics_committee": "State Statistics Committee",
    "government_other": "other government bodies",
    "azcbl": "AzCBL (national campaign)",
    "amva": "Azerbaijan Mine Victims Association",
    "un": "United Nations",
    "ewm": "Explosive Weapons Monitor",
    "mine_action_review": "Mine Action Review",
    "landmine_monitor": "Landmine Monitor",
    "us_state_department": "US State Department",
    "national_authority": "national authority",
    "ngo_other": "other NGOs",
    "media": "news media",
    "encyclopedia": "encyclopedia",
}

#: Short names where space is tight (a legend of a single-column figure).
SHORT_NAMES = {
    "anama": "ANAMA",
    "pgo": "Prosecutor General",
    "mfa": "Foreign Ministry",
    "presidential_administration": "Presidential Admin.",
    "cabinet": "Cabinet of Ministers",
    "mod": "Defence Ministry",
    "azcbl": "AzCBL",
    "amva": "Mine Victims Assoc.",
    "un": "UN",
    "sss": "State Security Service",
    "state_statistics_committee": "State Statistics Cttee",
    "mine_action_review": "Mine Action Review",
}


def body_name(code, short: bool = False) -> str:
    """The name of a reporting body code ('pgo' -> "Prosecutor General's Office"); an unknown code is
    returned as it is, with underscores as spaces."""
    code = str(code)
    if short and code in SHORT_NAMES:
        return SHORT_NAMES[code]
    return BODY_NAMES.get(code, code.replace("_", " "))
