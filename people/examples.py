"""The example people of a trial installation (DESIGN §10.4): a secretariat, an auditor, and one
plausible, invented focal point per member, with a courtesy title and a family name, so that
example letters read as real ones. Marked as example data in the store: while any is left,
`--as EMAIL` may name one of them without a personal token.

Each row of EXAMPLE_PEOPLE: member code, honorific (Ms/Mr), rank (Dr, Ambassador or none), given
name(s), family name(s). Invented names, common in each country.
"""

from __future__ import annotations

from collections.abc import Sequence

from napreview.people.trial import trial_open
from napreview.schemas.members import Actor, Honorific, Language, Location, Member, Rank, Role
from napreview.schemas.refusals import Reason
from napreview.store.focal_points import Designation
from napreview.store.records import Store

SECRETARIAT_EMAIL = "secretariat@example.org"
AUDITOR_EMAIL = "auditor@example.org"


def example_focal_point_email(code: str) -> str:
    return f"fp.{code.lower()}@example.org"


EXAMPLE_PEOPLE: dict[str, tuple[str, str | None, str, str]] = {
    "AGO": ("Ms", None, "Luísa", "Domingos"),
    "BFA": ("Mr", None, "Issouf", "Ouédraogo"),
    "EGY": ("Ms", "Dr", "Mona", "Hassan"),
    "ETH": ("Ms", None, "Selamawit", "Bekele"),
    "KEN": ("Ms", None, "Grace", "Wanjiru"),
    "LBR": ("Mr", None, "Joseph", "Kollie"),
    "MLI": ("Ms", None, "Aminata", "Traoré"),
    "MAR": ("Ms", None, "Nadia", "Bennani"),
    "NAM": ("Ms", "Ambassador", "Ndapewa", "Shikongo"),
    "NGA": ("Mr", None, "Chinedu", "Okafor"),
    "SEN": ("Ms", None, "Awa", "Ndiaye"),
    "SLE": ("Ms", None, "Fatmata", "Kamara"),
    "ZAF": ("Ms", None, "Thandiwe", "Nkosi"),
    "TUN": ("Mr", None, "Karim", "Ben Salah"),
    "AFG": ("Ms", None, "Farida", "Ahmadi"),
    "BHR": ("Ms", None, "Maryam", "Al Khalifa"),
    "BGD": ("Ms", None, "Nusrat", "Rahman"),
    "CYP": ("Ms", None, "Eleni", "Georgiou"),
    "IDN": ("Ms", None, "Dewi", "Kusuma"),
    "JPN": ("Ms", None, "Yuko", "Tanaka"),
    "JOR": ("Ms", None, "Rania", "Haddad"),
    "KAZ": ("Mr", None, "Yerlan", "Abenov"),
    "KWT": ("Mr", None, "Faisal", "Al-Sabah"),
    "MYS": ("Ms", None, "Nurul", "Aziz"),
    "PHL": ("Ms", None, "Maria Teresa", "Santos"),
    "LKA": ("Ms", None, "Nirmala", "Perera"),
    "THA": ("Ms", None, "Siriporn", "Chaiyasit"),
    "ARE": ("Ms", None, "Noura", "Al Mansoori"),
    "BIH": ("Ms", None, "Amra", "Hadžić"),
    "BGR": ("Ms", None, "Elena", "Petrova"),
    "HRV": ("Ms", None, "Ana", "Horvat"),
    "CZE": ("Ms", None, "Petra", "Nováková"),
    "EST": ("Ms", None, "Kadri", "Tamm"),
    "GEO": ("Ms", None, "Nino", "Beridze"),
    "HUN": ("Ms", "Dr", "Zsófia", "Nagy"),
    "LVA": ("Ms", None, "Ilze", "Bērziņa"),
    "LTU": ("Ms", None, "Rūta", "Kazlauskienė"),
    "MNE": ("Mr", None, "Marko", "Vuković"),
    "POL": ("Ms", None, "Agnieszka", "Kowalska"),
    "ROU": ("Ms", None, "Ioana", "Popescu"),
    "SRB": ("Ms", None, "Jelena", "Jovanović"),
    "SVK": ("Ms", None, "Zuzana", "Horváthová"),
    "SVN": ("Ms", None, "Maja", "Novak"),
    "UKR": ("Ms", None, "Olena", "Shevchenko"),
    "ARG": ("Ms", None, "Florencia", "Giménez"),
    "BRA": ("Ms", None, "Ana Paula", "Ferreira"),
    "CHL": ("Ms", None, "María José", "Fernández"),
    "COL": ("Ms", None, "Carolina", "Restrepo"),
    "SLV": ("Mr", None, "José Antonio", "Hernández"),
    "GTM": ("Ms", None, "Ana Lucía", "Morales"),
    "MEX": ("Ms", None, "Lucía", "Pérez"),
    "PER": ("Ms", None, "Rosa", "Quispe"),
    "URY": ("Mr", None, "Martín", "Rodríguez"),
    "AUS": ("Ms", None, "Sarah", "Mitchell"),
    "AUT": ("Ms", "Dr", "Katharina", "Gruber"),
    "BEL": ("Ms", None, "Claire", "Dubois"),
    "CAN": ("Ms", None, "Émilie", "Tremblay"),
    "DNK": ("Ms", None, "Mette", "Jensen"),
    "FIN": ("Ms", None, "Anna", "Virtanen"),
    "FRA": ("Ms", None, "Isabelle", "Martin"),
    "DEU": ("Ms", None, "Anna", "Schmidt"),
    "GRC": ("Ms", None, "Maria", "Papadopoulou"),
    "IRL": ("Ms", None, "Siobhán", "Murphy"),
    "ITA": ("Ms", None, "Giulia", "Rossi"),
    "LIE": ("Mr", None, "Thomas", "Büchel"),
    "LUX": ("Ms", None, "Claudine", "Weber"),
    "MLT": ("Ms", None, "Maria", "Borg"),
    "NLD": ("Ms", None, "Sanne", "Bakker"),
    "NZL": ("Ms", None, "Aroha", "Williams"),
    "NOR": ("Ms", None, "Ingrid", "Hansen"),
    "PRT": ("Ms", None, "Inês", "Carvalho"),
    "ESP": ("Ms", "Ambassador", "Lucía", "Martín Gómez"),
    "SWE": ("Ms", None, "Karin", "Lindqvist"),
    "CHE": ("Mr", None, "Laurent", "Favre"),
    "GBR": ("Ms", None, "Helen", "Clarke"),
    "USA": ("Ms", None, "Jennifer", "Reyes"),
    "AU": ("Ms", None, "Bineta", "Diallo"),
    "COE": ("Mr", None, "Stefan", "Müller"),
    "ECOWAS": ("Ms", None, "Adjoa", "Mensah"),
    "EU": ("Ms", None, "Sofia", "Lindberg"),
    "NATO": ("Ms", None, "Karen", "Jørgensen"),
    "OSCE": ("Ms", None, "Laura", "Bianchi"),
    "UFM": ("Mr", None, "Youssef", "El Amrani"),
}

# The example position and ministry, in the member's correspondence language.
POSITION: dict[Language, str] = {
    Language.EN: "Women, Peace and Security Focal Point",
    Language.FR: "Point focal pour les femmes et la paix et la sécurité",
    Language.ES: "Punto focal sobre las mujeres y la paz y la seguridad",
}
MINISTRY: dict[Language, str] = {
    Language.EN: "Ministry of Foreign Affairs",
    Language.FR: "Ministère des Affaires étrangères",
    Language.ES: "Ministerio de Relaciones Exteriores",
}
SECRETARIAT: dict[Language, str] = {
    Language.EN: "Secretariat",
    Language.FR: "Secrétariat",
    Language.ES: "Secretaría",
}


def example_focal_point(member: Member) -> Designation:
    """The example focal point of a member: the invented person of a founding member, a plain
    "Example focal point (CODE)" for one added later."""
    email = example_focal_point_email(member.code)
    known = EXAMPLE_PEOPLE.get(member.code)
    if known is None:
        return Designation(
            member=member.code, name=f"Example focal point ({member.code})", email=email
        )
    honorific, rank, given, family = known
    return Designation(
        member=member.code,
        name=f"{given} {family}",
        email=email,
        title=POSITION[member.language],
        ministry=(MINISTRY if member.regional_group else SECRETARIAT)[member.language],
        location=Location.CAPITAL,
        honorific=Honorific(honorific),
        rank=Rank(rank) if rank else None,
        family_name=family,
    )


def add_example_people(store: Store, members: Sequence[Member]) -> None:
    """The example secretariat and auditor, and an example focal point for each member."""
    store.people.register(SECRETARIAT_EMAIL, Role.SECRETARIAT, example=True)
    store.people.register(AUDITOR_EMAIL, Role.AUDITOR, example=True)
    store.focal_points.designate_many(
        [example_focal_point(m) for m in members], by="seed", example=True
    )


class NotATrialPerson(Exception):
    """Someone named without a personal token who is not an example person of a trial
    installation (the refusal is recorded)."""


class TrialClosed(NotATrialPerson):
    """An example person named without a personal token after the trial door closed."""


def act_as_example(store: Store, email: str) -> Actor:
    """One of the example people, acted as without a personal token: only while the trial door
    is open (people/trial.py). Anyone else, or anyone once it closed, is refused, and the
    refusal recorded."""
    example = store.people.is_example(email)
    if example and trial_open(store):
        return store.people.actor(email)
    code = "trial_closed" if example else "acting_unproven"
    why = Reason(code=code, params={"actor": email})
    store.refusals.record(actor=email, role=None, step="act_as", reason=why.english(), why=why)
    raise (TrialClosed if example else NotATrialPerson)(why.english())
