"""What the benchmarks share: names to make people from, a PostgreSQL database of their own."""

import os

LAST = [
    "MARTIN",
    "BERNARD",
    "DUBOIS",
    "THOMAS",
    "ROBERT",
    "RICHARD",
    "PETIT",
    "DURAND",
    "LEROY",
    "MOREAU",
    "SIMON",
    "LAURENT",
    "LEFEBVRE",
    "MICHEL",
    "GARCIA",
    "DAVID",
    "BERTRAND",
    "ROUX",
    "VINCENT",
    "FOURNIER",
    "DIALLO",
    "TRAORE",
    "KONE",
    "NGUYEN",
    "BENALI",
    "HADDAD",
    "PEREIRA",
    "DA SILVA",
    "N'GUESSAN",
    "CAMARA",
    "SYLLA",
    "KEITA",
]

FIRST = [
    "Mamadou",
    "Sophie",
    "Aya",
    "Karim",
    "Hélène",
    "Moussa",
    "João",
    "Thi Lan",
    "Benoît",
    "Yasmine",
    "Ibrahim",
    "Fatoumata",
    "Lucas",
    "Léa",
    "Nadia",
    "Omar",
    "Inès",
    "Hugo",
]


def pg_database(server: str, prefix: str) -> tuple[str, str] | None:
    import sqlalchemy as sa

    name = f"clauses_{prefix}_{os.getpid()}"
    try:
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    except sa.exc.OperationalError:
        return None
    return name, sa.make_url(server).set(database=name).render_as_string(hide_password=False)


def drop_pg(server: str, name: str) -> None:
    import sqlalchemy as sa

    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
