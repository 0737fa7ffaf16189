"""Seeds and checks ``i18n/member_names.json`` from CLDR (through Babel).

``python -m napreview.i18n.names_build --draft`` prints a first draft for every member of
``schemas/network.py``: CLDR's short names, with articles, gender and number guessed by simple
rules. That draft was then corrected by hand to the United Nations' official short names
(UNTERM) and the articles, genders and numbers the UN's editors use; the corrected file is the
data.
``python -m napreview.i18n.names_build --check`` lists where the data departs from CLDR, so
that a reviewer reads exactly the hand corrections (e.g. "el Perú" where CLDR has "Perú",
"Tchéquie" vs "République tchèque", "Nigéria" vs "Nigeria"), and fails if an entry's forms do
not follow the grammar of ``i18n/names.py``.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from babel import Locale

from napreview.i18n.names import _VOWELS, NAMES_RESOURCE, forms
from napreview.schemas.members import Language

# ISO 3166-1 alpha-3 → alpha-2, for CLDR's territory names.
ALPHA2 = {
    "AGO": "AO", "BFA": "BF", "EGY": "EG", "ETH": "ET", "KEN": "KE", "LBR": "LR", "MLI": "ML",
    "MAR": "MA", "NAM": "NA", "NGA": "NG", "SEN": "SN", "SLE": "SL", "ZAF": "ZA", "TUN": "TN",
    "AFG": "AF", "BHR": "BH", "BGD": "BD", "CYP": "CY", "IDN": "ID", "JPN": "JP", "JOR": "JO",
    "KAZ": "KZ", "KWT": "KW", "MYS": "MY", "PHL": "PH", "LKA": "LK", "THA": "TH", "ARE": "AE",
    "BIH": "BA", "BGR": "BG", "HRV": "HR", "CZE": "CZ", "EST": "EE", "GEO": "GE", "HUN": "HU",
    "LVA": "LV", "LTU": "LT", "MNE": "ME", "POL": "PL", "ROU": "RO", "SRB": "RS", "SVK": "SK",
    "SVN": "SI", "UKR": "UA", "ARG": "AR", "BRA": "BR", "CHL": "CL", "COL": "CO", "SLV": "SV",
    "GTM": "GT", "MEX": "MX", "PER": "PE", "URY": "UY", "AUS": "AU", "AUT": "AT", "BEL": "BE",
    "CAN": "CA", "DNK": "DK", "FIN": "FI", "FRA": "FR", "DEU": "DE", "GRC": "GR", "IRL": "IE",
    "ITA": "IT", "LIE": "LI", "LUX": "LU", "MLT": "MT", "NLD": "NL", "NZL": "NZ", "NOR": "NO",
    "PRT": "PT", "ESP": "ES", "SWE": "SE", "CHE": "CH", "GBR": "GB", "USA": "US",
}  # fmt: skip


def cldr_name(code: str, language: Language) -> str | None:
    """CLDR's short name of a state; None for a regional organisation (CLDR has none)."""
    alpha2 = ALPHA2.get(code)
    return Locale(language.value).territories.get(alpha2) if alpha2 else None


def _guess(language: Language, short: str) -> dict[str, Any]:
    """A first guess at article, gender and number, for a translator to correct."""
    if language is Language.EN:
        return {"article": "the" if short.endswith("s") else ""}
    plural = short.endswith("s") and language is Language.FR
    gender = "f" if short.endswith(("e", "a")) else "m"
    if language is Language.FR:
        article = (
            "les"
            if plural
            else ("l'" if short.startswith(_VOWELS) else ("la" if gender == "f" else "le"))
        )
    else:
        article = ""
    return {
        "article": article,
        "gender": gender,
        "number": "pl" if plural else "sg",
    }


def draft() -> dict[str, Any]:
    from napreview.schemas.network import MEMBERS

    members: dict[str, Any] = {}
    for member in MEMBERS:
        entry = {}
        for language in Language:
            short = cldr_name(member.code, language) or member.name
            guess = _guess(language, short)
            f = forms(language, short, **guess)
            entry[language.value] = f.model_dump(
                exclude={"gender", "number"} if language is Language.EN else set()
            )
        members[member.code] = entry
    return {"about": "Draft from CLDR: correct to UNTERM before use.", "members": members}


def dump(doc: dict[str, Any]) -> str:
    """The file's layout: one line per member and language, so a diff shows one name."""
    lines = ["{", f' "about": {json.dumps(doc["about"], ensure_ascii=False)},', ' "members": {']
    codes = list(doc["members"])
    for i, code in enumerate(codes):
        lines.append(f"  {json.dumps(code)}: {{")
        languages = list(doc["members"][code].items())
        for j, (language, entry) in enumerate(languages):
            comma = "," if j < len(languages) - 1 else ""
            lines.append(
                f"   {json.dumps(language)}: {json.dumps(entry, ensure_ascii=False)}{comma}"
            )
        lines.append("  }" + ("," if i < len(codes) - 1 else ""))
    lines += [" }", "}"]
    return "\n".join(lines) + "\n"


def check() -> int:
    """Print the hand corrections to CLDR; return the number of entries that break the grammar."""
    from importlib import resources

    data = json.loads(resources.files("napreview.i18n").joinpath(NAMES_RESOURCE).read_text("utf-8"))
    broken = 0
    for code, by_language in data["members"].items():
        for language_code, entry in by_language.items():
            language = Language(language_code)
            grammar = {k: entry[k] for k in ("gender", "number") if k in entry}
            expected = forms(language, entry["short"], entry["article"], **grammar)
            if expected.model_dump(exclude_unset=False) != {**expected.model_dump(), **entry}:
                broken += 1
                print(f"{code} {language_code}: forms do not follow the grammar: {entry}")
            cldr = cldr_name(code, language)
            if cldr is not None and cldr != entry["short"]:
                print(f"{code} {language_code}: CLDR {cldr!r}, UN {entry['short']!r}")
    return broken


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draft", action="store_true", help="print a draft from CLDR")
    parser.add_argument("--check", action="store_true", help="list departures from CLDR")
    args = parser.parse_args(argv)
    if args.draft:
        sys.stdout.write(dump(draft()))
        return 0
    return 1 if check() else 0


if __name__ == "__main__":
    raise SystemExit(main())
