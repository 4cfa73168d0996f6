"""What a new integrator does first, with the Python client openapi-python-client generates
from openapi/openapi.json with its default settings (scripts/client-test runs it):

    python_smoke.py BASE_URL ADMIN_KEY

reads the demo event with everything expanded (and its headers with HEAD), creates a company
and an offer with a key, patches the offer, upserts an offer by its external id twice,
imports three offers,
searches, reads matches, and gets a 404 and a 422 as typed problems.
"""
import io
import json
import sys
from uuid import UUID

from cooperation_platform_api_client import AuthenticatedClient, Client
from cooperation_platform_api_client.api.companies import create_company, get_company
from cooperation_platform_api_client.api.cooperation_offers import (
    create_cooperation_offer, import_cooperation_offers, list_offer_matches,
    put_cooperation_offer_by_external_id, update_cooperation_offer)
from cooperation_platform_api_client.api.events import get_event, head_event, list_events
from cooperation_platform_api_client.api.search import search
from cooperation_platform_api_client.models import CreateCompany, CreateOffer, Problem, UpdateOffer
from cooperation_platform_api_client.types import File

base, key = sys.argv[1], sys.argv[2]
anonymous = Client(base_url=base, raise_on_unexpected_status=True)
admin = AuthenticatedClient(base_url=base, token=key, raise_on_unexpected_status=True)

events = list_events.sync(client=anonymous)
assert events.items, "the demo has events"
event = get_event.sync(client=anonymous, id=events.items[0].id,
                       expand="venues,sessions,speakers,participants")
assert event.venues and event.sessions, event
head = head_event.sync_detailed(client=anonymous, id=events.items[0].id)
assert head.status_code == 200 and head.headers.get("etag") and not head.content, head

company = create_company.sync(client=admin, body=CreateCompany.from_dict(
    {"name": "Generated Client Co", "kind": "startup", "country": "FR"}))
offer = create_cooperation_offer.sync(client=admin, body=CreateOffer.from_dict({
    "company_id": str(company.id), "kind": "business_offer", "cooperation_types": ["distribution"],
    "title": "An offer from the generated client", "sectors": ["it"], "target_countries": ["RU"],
    "status": "published"}))
patched = update_cooperation_offer.sync(client=admin, id=offer.id, body=UpdateOffer.from_dict(
    {"title": "Patched by the generated client"}))
assert patched.title == "Patched by the generated client", patched

upsert = {"company_id": str(company.id), "kind": "business_offer", "cooperation_types": ["licensing"],
          "title": "Kept in sync by its external id", "sectors": ["it"], "target_countries": ["FR"],
          "status": "published"}
first = put_cooperation_offer_by_external_id.sync_detailed(
    client=admin, external_id="crm-4711", body=CreateOffer.from_dict(upsert))
again = put_cooperation_offer_by_external_id.sync_detailed(
    client=admin, external_id="crm-4711", body=CreateOffer.from_dict(upsert))
assert first.status_code == 201 and again.status_code == 200, (first, again)
assert first.parsed.id == again.parsed.id and again.parsed.external_id == "crm-4711", again

lines = "".join(json.dumps({**upsert, "external_id": f"crm-{n}", "title": f"Imported {n}"}) + "\n"
                for n in range(3))
imported = import_cooperation_offers.sync_detailed(
    client=admin, body=File(payload=io.BytesIO(lines.encode())))
results = [json.loads(line) for line in imported.content.decode().splitlines()]
assert [r["result"] for r in results] == ["created"] * 3, results

hits = search.sync(client=anonymous, q="Moscou")
assert hits.items, "the demo is found"
matches = list_offer_matches.sync(client=anonymous, id=offer.id)
assert matches is not None

missing = get_company.sync(client=anonymous, id=UUID("01900000-0000-7000-8000-000000000000"))
assert isinstance(missing, Problem) and missing.status == 404, missing
invalid = create_company.sync(client=admin, body=CreateCompany.from_dict(
    {"name": "", "kind": "startup", "country": "FR"}))
assert isinstance(invalid, Problem) and invalid.status == 422, invalid
print("python client: events, expand, HEAD, create, patch, upsert by external id, import, search, "
      "matches, 404 and 422 as problems: ok")
