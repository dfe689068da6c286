"""The hour sheets list: search (accents aside), filters by contractor, contract and state, the
contracts each sheet covers, and each viewer's scope."""

from datetime import date

import pytest

from clauses.models import BatchState
from tests.conftest import login, page_text
from tests.factories import ContractFactory, HourEntryFactory, ImportBatchFactory


@pytest.fixture
def sheets(world):
    """Three sheets of the world's contractor (two contracts), one of the other contractor."""
    holder = world.contract.contractor
    second = ContractFactory(contractor=holder, operation=world.contract.operation)
    made = {
        "march": ImportBatchFactory(contractor=holder, filename="Relevé mars Épinay.xlsx"),
        "april": ImportBatchFactory(contractor=holder, filename="releve-avril.csv"),
        "undone": ImportBatchFactory(
            contractor=holder, filename="erreur.xlsx", state=BatchState.ROLLED_BACK
        ),
        "other": ImportBatchFactory(
            contractor=world.other_contract.contractor, filename="autre-releve-mars.xlsx"
        ),
    }
    HourEntryFactory(
        contract=world.contract,
        participant=world.participant,
        batch=made["march"],
        month=date(2024, 1, 1),
    )
    HourEntryFactory(
        contract=second, participant=world.participant, batch=made["march"], month=date(2024, 2, 1)
    )
    HourEntryFactory(contract=second, participant=world.participant, batch=made["april"])
    HourEntryFactory(
        contract=world.other_contract,
        participant=world.stranger,
        batch=made["other"],
        month=date(2024, 1, 1),
    )
    return {"second": second, **made}


def listed(client, query=""):
    text = page_text(client.get(f"/imports/?{query}"))
    names = ["Relevé mars Épinay.xlsx", "releve-avril.csv", "erreur.xlsx", "autre-releve-mars.xlsx"]
    return {name for name in names if name in text}


def test_the_search_finds_file_names_accents_and_case_aside(client, world, sheets):
    login(client, world.facilitator)
    assert listed(client, "q=releve+mars") == {"Relevé mars Épinay.xlsx", "autre-releve-mars.xlsx"}
    assert listed(client, "q=EPINAY") == {"Relevé mars Épinay.xlsx"}
    assert listed(client, "q=autre+entreprise") == {"autre-releve-mars.xlsx"}  # the contractor


def test_the_filters(client, world, sheets):
    login(client, world.facilitator)
    holder = world.contract.contractor_id
    assert listed(client, f"contractor={holder}") == {
        "Relevé mars Épinay.xlsx",
        "releve-avril.csv",
        "erreur.xlsx",
    }
    assert listed(client, f"contract={sheets['second'].id}") == {
        "Relevé mars Épinay.xlsx",
        "releve-avril.csv",
    }
    assert listed(client, "state=rolled_back") == {"erreur.xlsx"}
    assert listed(client, "state=nonsense&contract=x") == listed(client)


def test_each_sheet_shows_the_contracts_it_covers(client, world, sheets):
    login(client, world.facilitator)
    text = page_text(client.get("/imports/"))
    references = sorted([world.contract.reference, sheets["second"].reference])
    assert ", ".join(references) in text


def test_a_contractor_lists_its_own_sheets_only(client, world, sheets):
    login(client, world.contractor)
    assert listed(client) == {"Relevé mars Épinay.xlsx", "releve-avril.csv", "erreur.xlsx"}
    # Another contractor's contract as a filter finds nothing, and names nothing.
    assert listed(client, f"contract={world.other_contract.id}") == set()
    text = page_text(client.get(f"/imports/?contract={world.other_contract.id}"))
    assert world.other_contract.reference not in text
    assert world.other_contract.contractor.name not in text


def test_the_list_runs_as_many_queries_for_many_sheets_as_for_one(
    client, world, sheets, count_queries
):
    login(client, world.facilitator)

    def queries() -> int:
        client.get("/imports/")  # the signed-in user back in the session after the factories
        with count_queries() as statements:
            client.get("/imports/")
        return len(statements)

    few = queries()
    for _ in range(20):
        HourEntryFactory(contract=world.contract)  # each with its own person and batch
    assert queries() == few
