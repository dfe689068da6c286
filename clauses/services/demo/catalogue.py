"""What the demo world is made of: its buyers, contractors, operations and their lots, the
names and communes of its people, its accounts. Data only; simulator.py makes the hours and
writer.py writes it all."""

from dataclasses import dataclass
from enum import StrEnum

from clauses.models import EmploymentType, Role, Sex

DEMO_PASSWORD = "demo-clauses-2024"
SEED = 93
PARTICIPANT_COUNT = 150
TO_VERIFY_COUNT = 20

TEAM = "Mission clauses sociales 93 — Bâtissons nos emplois"
DEPARTEMENT = "Département de la Seine-Saint-Denis"
# Buyers and the prefix of their contract references.
BUYERS = {
    DEPARTEMENT: "DEP93",
    "Seine-Saint-Denis Habitat": "SSDH",
    "Ville de Saint-Denis": "VSD",
    "Ville de Montreuil": "VMO",
    "Est Ensemble": "EE",
}
CONTRACTORS = {
    "lefevre": "Constructions Lefèvre SAS",
    "plaine": "Bâti Plaine SAS",
    "hydro": "Hydro Services Est",
    "elec": "Électricité Moderne 93",
    "ourcq": "Menuiseries de l'Ourcq",
    "bondy": "Peintures et Sols de Bondy",
    "isolbat": "Isolbat",
    "route": "TP Route Est",
    "bourget": "Couvertures du Bourget",
    "metal": "Métallerie d'Aulnay",
}
DEMO_CONTRACTOR = "lefevre"
# Insertion often goes through an ETTI, a GEIQ or an SIAE rather than the contractor itself.
INTERMEDIARIES = {
    EmploymentType.INTERIM: ("Tremplin Intérim 93", "Id'ées Intérim Est parisien"),
    EmploymentType.GEIQ: ("GEIQ BTP Île-de-France",),
    EmploymentType.IAE: ("Régie de quartier de Saint-Denis", "ACI Bâtir ensemble Montreuil"),
}
EMPLOYMENT_WEIGHTS = {
    EmploymentType.INTERIM: 34,
    EmploymentType.CDD: 22,
    EmploymentType.GEIQ: 10,
    EmploymentType.IAE: 10,
    EmploymentType.APPRENTICESHIP: 8,
    EmploymentType.PROFESSIONALISATION: 8,
    EmploymentType.CDI: 6,
    EmploymentType.TRAINING: 2,
}


class Profile(StrEnum):
    """How a demo contract's hours go, relative to the linear expectation."""

    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    SILENT = "silent"  # on track, then nothing sent for the last months
    FULFILLED = "fulfilled"  # ended with more than its commitment
    ENDED_SHORT = "ended_short"
    NOT_STARTED = "not_started"


# Share of the expected hours each profile reaches (ended ones: share of the commitment).
PACE = {
    Profile.ON_TRACK: (1.0, 1.2),
    Profile.AT_RISK: (0.66, 0.82),
    Profile.BEHIND: (0.3, 0.5),
    Profile.SILENT: (0.95, 1.1),
    Profile.FULFILLED: (1.04, 1.12),
    Profile.ENDED_SHORT: (0.6, 0.75),
    Profile.NOT_STARTED: (0.0, 0.0),
}


@dataclass(frozen=True)
class Lot:
    trade: str
    contractor: str  # a key of CONTRACTORS
    lag: int  # months after the operation's start
    months: int
    hours: int
    profile: Profile
    scheduled: bool = False  # has a monthly "Échéancier"


@dataclass(frozen=True)
class OperationSpec:
    buyer: str
    name: str
    commune: str
    start: int  # months from the reporting month (last month): negative is in the past
    lots: tuple[Lot, ...]


P = Profile
OPERATIONS = (
    OperationSpec(DEPARTEMENT, "Collège Jean-Jaurès — reconstruction", "Pantin", -20, (
        Lot("Gros œuvre", "lefevre", 0, 24, 4200, P.ON_TRACK),
        Lot("VRD", "route", 0, 8, 600, P.FULFILLED),
        Lot("Plomberie", "hydro", 6, 16, 900, P.AT_RISK),
        Lot("Électricité", "elec", 6, 16, 1000, P.ON_TRACK),
        Lot("Menuiserie", "ourcq", 10, 12, 700, P.BEHIND),
        Lot("Peinture", "bondy", 14, 8, 500, P.ON_TRACK),
    )),
    OperationSpec(DEPARTEMENT, "Gymnase Paul-Éluard", "Bobigny", -30, (
        Lot("Gros œuvre", "lefevre", 0, 16, 3000, P.FULFILLED),
        Lot("Couverture", "bourget", 8, 8, 600, P.ENDED_SHORT),
        Lot("Plomberie", "hydro", 8, 12, 900, P.FULFILLED),
        Lot("Électricité", "elec", 8, 12, 800, P.ENDED_SHORT),
        Lot("Peinture", "bondy", 16, 6, 400, P.FULFILLED),
    )),
    OperationSpec(DEPARTEMENT, "Collège Pablo-Neruda — extension", "Aulnay-sous-Bois", -8, (
        Lot("Gros œuvre", "lefevre", 0, 18, 2600, P.SILENT),
        Lot("Serrurerie, métallerie", "metal", 4, 10, 450, P.ON_TRACK),
        Lot("Électricité", "elec", 5, 12, 700, P.ON_TRACK),
        Lot("Isolation", "isolbat", 6, 10, 500, P.BEHIND),
    )),
    OperationSpec(DEPARTEMENT, "Collège Jorissen — rénovation thermique", "Drancy", 2, (
        Lot("Isolation", "isolbat", 0, 14, 1500, P.NOT_STARTED),
    )),
    OperationSpec("Seine-Saint-Denis Habitat", "Résidence Les Tilleuls — 180 logements",
                  "Aubervilliers", -14, (
        Lot("Isolation", "isolbat", 0, 20, 2400, P.BEHIND),
        Lot("Menuiserie", "ourcq", 2, 16, 1200, P.ON_TRACK),
        Lot("Plomberie", "hydro", 2, 18, 1100, P.SILENT),
        Lot("Peinture", "bondy", 8, 12, 800, P.AT_RISK),
        Lot("Couverture", "bourget", 0, 10, 500, P.FULFILLED),
    )),
    OperationSpec("Seine-Saint-Denis Habitat", "Cité Floréal — 64 logements neufs",
                  "Saint-Denis", -5, (
        Lot("Gros œuvre", "plaine", 0, 22, 5200, P.ON_TRACK, scheduled=True),
        Lot("VRD", "route", 0, 6, 500, P.AT_RISK),
        Lot("Électricité", "elec", 3, 18, 1300, P.ON_TRACK),
        Lot("Plomberie", "hydro", 3, 18, 1200, P.ON_TRACK),
    )),
    OperationSpec("Ville de Saint-Denis", "Groupe scolaire Casanova — réhabilitation",
                  "Saint-Denis", -18, (
        Lot("Gros œuvre", "plaine", 0, 20, 2400, P.AT_RISK),
        Lot("Plâtrerie", "isolbat", 6, 14, 800, P.ON_TRACK),
        Lot("Menuiserie", "ourcq", 8, 12, 600, P.ON_TRACK),
        Lot("Revêtements de sols", "bondy", 12, 8, 400, P.BEHIND),
    )),
    OperationSpec("Ville de Montreuil", "Groupe scolaire Jules-Ferry — extension", "Montreuil",
                  -11, (
        Lot("Gros œuvre", "lefevre", 0, 16, 2000, P.ON_TRACK),
        Lot("Électricité", "elec", 4, 12, 600, P.SILENT),
        Lot("Chauffage, ventilation", "hydro", 4, 12, 700, P.ON_TRACK),
        Lot("Menuiserie", "ourcq", 6, 10, 500, P.AT_RISK),
    )),
    OperationSpec("Ville de Montreuil", "Gymnase Arthur-Ashe — construction", "Montreuil", -3, (
        Lot("Gros œuvre", "lefevre", 0, 14, 1800, P.ON_TRACK),
        Lot("Électricité", "elec", 1, 12, 500, P.AT_RISK),
        Lot("Couverture", "bourget", 2, 10, 400, P.ON_TRACK),
    )),
    OperationSpec("Est Ensemble", "Piscine Leclerc — rénovation", "Pantin", -16, (
        Lot("Gros œuvre", "plaine", 0, 12, 1400, P.FULFILLED),
        Lot("Étanchéité", "bourget", 4, 14, 600, P.ON_TRACK),
        Lot("Chauffage, ventilation", "hydro", 6, 14, 900, P.BEHIND),
        Lot("VRD", "route", 10, 8, 400, P.ON_TRACK),
    )),
)  # fmt: skip

# Communes of the département, weighted roughly by population, and their share of QPV residents.
COMMUNES = (
    ("Saint-Denis", 12, 0.8), ("Montreuil", 11, 0.5), ("Aubervilliers", 9, 0.85),
    ("Aulnay-sous-Bois", 8, 0.5), ("Bobigny", 5, 0.8), ("Drancy", 7, 0.45), ("Pantin", 6, 0.5),
    ("Noisy-le-Grand", 6, 0.3), ("Bondy", 5, 0.55), ("Sevran", 5, 0.75),
    ("Épinay-sur-Seine", 5, 0.7), ("Saint-Ouen-sur-Seine", 5, 0.45), ("La Courneuve", 4, 0.9),
    ("Clichy-sous-Bois", 3, 0.95), ("Stains", 3, 0.85), ("Bagnolet", 3, 0.5),
    ("Pierrefitte-sur-Seine", 3, 0.7), ("Villepinte", 3, 0.5), ("Le Blanc-Mesnil", 5, 0.55),
    ("Romainville", 3, 0.4), ("Noisy-le-Sec", 4, 0.55), ("Rosny-sous-Bois", 4, 0.3),
)  # fmt: skip
LAST_NAMES = (
    "Diallo", "Traoré", "Koné", "Camara", "Cissé", "Diarra", "Sylla", "Touré", "Konaté", "Fofana",
    "N'Diaye", "Ba", "Sow", "Kouassi", "N'Guessan", "Mendy", "Gomis", "Benali", "Haddad",
    "Mansouri", "Belkacem", "Bouzid", "Cherif", "Hamidi", "Saïdi", "Amrani", "Benaïssa", "Ziani",
    "Nguyen", "Tran", "Pham", "Chen", "Wang", "Pereira", "Da Silva", "Ferreira", "Rodrigues",
    "Gonçalves", "Dos Santos", "Lopes", "Martin", "Bernard", "Dubois", "Moreau", "Laurent",
    "Lefebvre", "Garcia", "Martinez", "Petit", "Durand", "Leroy", "Roux", "Fontaine", "Mercier",
    "Le Goff", "Kerbrat", "Yilmaz", "Kaya", "Demir", "Popescu", "Ionescu", "Joseph",
    "Pierre-Louis", "Jean-Baptiste", "Singh", "Rahman", "Hossain", "Khan", "Ali", "Dupont-Moreau",
)  # fmt: skip
FIRST_NAMES = {
    Sex.FEMALE: (
        "Aïcha", "Fatoumata", "Awa", "Mariam", "Aminata", "Kadiatou", "Djeneba", "Sophie",
        "Julie", "Camille", "Léa", "Inès", "Yasmine", "Sarah", "Nadia", "Samira", "Leïla",
        "Malika", "Fatima", "Thi Lan", "Linh", "Mei", "Ana", "Maria", "Sandra", "Élodie", "Laura",
        "Hélène", "Chloé", "Manon", "Priya", "Zeynep", "Elif", "Ioana", "Nour", "Océane",
    ),
    Sex.MALE: (
        "Mamadou", "Moussa", "Ibrahim", "Abdoulaye", "Seydou", "Adama", "Boubacar", "Karim",
        "Mehdi", "Yacine", "Rachid", "Sofiane", "Bilal", "Mohamed", "Youssef", "Omar", "Hamza",
        "Nicolas", "Thomas", "Julien", "Kévin", "Lucas", "Hugo", "Jean", "Pierre", "João",
        "Carlos", "Miguel", "David", "Samuel", "Benoît", "Anthony", "Van Minh", "Duc", "Wei",
        "Emre", "Mustafa", "Andrei", "Rajesh", "Tariq", "Dylan", "Enzo",
    ),
}  # fmt: skip
QPV_SHARE = {name: share for name, _, share in COMMUNES}
TRADES = sorted({lot.trade for spec in OPERATIONS for lot in spec.lots})
# Women are a minority on sites: the programme counts them among its priority publics.
FEMALE_SHARE = 0.3
OTHER_CRITERIA = ("Parent isolé", "Bénéficiaire de l'ASS", "Sortant de l'Aide sociale à l'enfance")
# The facilitator follows the people and sends the sheets of the contractors without an account;
# the demo contractor sends its own.
FACILITATOR_ACCOUNT = "facilitatrice@clauses.demo"
CONTRACTOR_ACCOUNT = "entreprise@clauses.demo"
ACCOUNTS = (
    ("admin@clauses.demo", Role.ADMIN, TEAM, "Claire Dumas"),
    (FACILITATOR_ACCOUNT, Role.FACILITATOR, TEAM, "Samia Haddou"),
    ("acheteur@clauses.demo", Role.BUYER, DEPARTEMENT, "Julien Moreau"),
    (CONTRACTOR_ACCOUNT, Role.CONTRACTOR, CONTRACTORS[DEMO_CONTRACTOR], "Marc Lefèvre"),
)
