"""The readiness page of the web admin: the form in, the table of needs out."""

from __future__ import annotations

import supplies
from webadmin import create_app


def test_the_readiness_page_shows_need_by_need(county: supplies.Inventory) -> None:
    county.catalog.load_standard("CIV")
    county.stock.receive("TS-01", "PLAN14:3.01", 10)
    app = create_app(
        county.engine.url.render_as_string(hide_password=False), SECRET_KEY="test", WTF_CSRF_ENABLED=False, TESTING=True
    )
    try:
        client = app.test_client()
        assert client.post("/login", data={"name": "admin", "password": "correct-horse-battery"}).status_code == 302
        empty = client.get("/dispatch/readiness/")
        assert empty.status_code == 200 and 'id="readiness-form"' in empty.get_data(as_text=True)
        page = client.get("/dispatch/readiness/?lat=26.61&lon=106.81&population=100&hazard=flood&hours=12&days=1")
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and 'data-need="shelter"' in html
        assert "350 m2" in html and "120" in html and "230" in html  # required, reachable, short
        assert "TS-01" in html and "20 × <code>PLAN14:3.01</code>" in html  # 230 m2 more: twenty 12 m2 tents
        bad = client.get("/dispatch/readiness/?lat=95&lon=106.81&population=100&hours=12&days=1")
        assert bad.status_code == 200 and "data-need=" not in bad.get_data(as_text=True)
    finally:
        app.extensions["supplies"].close()
