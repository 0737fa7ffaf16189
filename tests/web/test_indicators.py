"""The portal's indicator pages over HTTP (issue #22): a member's focal point records values and
sees their trend, in its language; a bad value is refused beside the form and nothing is kept;
another member's page is 404, an auditor's change 403; the secretariat sees one indicator
across members, and the values download as a spreadsheet."""

from __future__ import annotations

import csv
import io

from ..helpers import AUDITOR, SECRETARIAT, fp

VALUE = {
    "indicator": "SG-09",
    "period": "2024",
    "kind": "measured",
    "women": "12",
    "men": "20",
    "total": "",
    "text": "",
    "source": "Parliament, members by sex",
}


async def test_a_focal_point_records_a_value_and_sees_its_trend(portal_env, http):
    australia = http()
    await australia.sign_in(fp("AUS"))
    own = await australia.get("/indicators")
    assert own.status_code == 303 and own.headers["location"] == "/indicators/AUS"
    page = await australia.get("/indicators/AUS")
    assert page.status_code == 200
    assert 'action="/indicators/AUS#record"' in page.text and "SG-26" in page.text

    done = await australia.post("/indicators/AUS", VALUE)
    assert done.status_code == 303, done.text
    earlier = await australia.post("/indicators/AUS", {**VALUE, "period": "2022", "women": "9"})
    assert earlier.status_code == 303
    page = await australia.get("/indicators/AUS?done=recorded")
    assert "The value is recorded." in page.text
    assert "<td>2024</td><td>measured</td><td>12</td><td>20</td><td>32</td>" in page.text
    assert '<svg role="img" aria-labelledby="trend-SG-09-title trend-SG-09-desc"' in page.text
    assert page.text.count('class="trend-line ') == 3  # women, men, total over 2022 and 2024

    refused = await australia.post("/indicators/AUS", {**VALUE, "total": "40"})
    assert refused.status_code == 422
    assert "women (12) and men (20) make 32, not the total given (40)" in refused.text
    assert 'value="40"' in refused.text  # what was typed is kept in the form
    values = portal_env.store.indicators.values("AUS")
    assert [(v.period, v.reading.total) for v in values] == [("2022", 29), ("2024", 32)]

    sheet = await australia.get("/indicators/AUS/values.csv")
    assert sheet.status_code == 200
    rows = list(csv.reader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert [r[5:10] for r in rows[1:]] == [
        ["2022", "measured", "9", "20", "29"],
        ["2024", "measured", "12", "20", "32"],
    ]


async def test_other_members_pages_are_404_and_an_auditors_change_403(portal_env, http):
    australia = http()
    await australia.sign_in(fp("AUS"))
    assert (await australia.get("/indicators/NZL")).status_code == 404
    assert (await australia.get("/indicators/NZL/values.xlsx")).status_code == 404
    await australia.get("/indicators/AUS")
    assert (await australia.post("/indicators/NZL", {**VALUE, "source": "x"})).status_code == 404
    assert portal_env.store.indicators.values("NZL") == []

    auditor = http()
    await auditor.sign_in(AUDITOR)
    assert (await auditor.get("/indicators/NZL")).status_code == 200
    assert (await auditor.post("/indicators/NZL", VALUE)).status_code == 403
    assert portal_env.store.indicators.values("NZL") == []


async def test_the_secretariat_sees_one_indicator_across_members(portal_env, http):
    secretariat = http()
    await secretariat.sign_in(SECRETARIAT)
    await secretariat.get("/indicators/CAN")
    recorded = await secretariat.post("/indicators/CAN", {**VALUE, "period": "2023"})
    assert recorded.status_code == 303
    page = await secretariat.get("/indicators?indicator=SG-09")
    assert page.status_code == 200
    assert '<a href="/indicators/CAN">' in page.text
    assert 'aria-labelledby="trend-members-title trend-members-desc"' in page.text
    assert (await secretariat.get("/indicators?indicator=SG-99")).status_code == 404


async def test_a_french_speaking_focal_point_reads_the_page_in_french(portal_env, http):
    senegal = http()
    await senegal.sign_in(fp("SEN"))
    page = await senegal.get("/indicators/SEN")
    assert page.status_code == 200
    assert "Indicateurs du Sénégal" in page.text
    assert "Participation politique des femmes aux parlements" in page.text
    assert "Enregistrer la valeur" in page.text
