import datetime as dt

from sutiao.workdays.forms import parse_days
from sutiao.workdays.models import DayOverride, HolidayYear


def test_parse_days_accepts_ranges_and_reports_the_bad_line():
    assert parse_days("2027-01-01\n2027-02-06~2027-02-08\n") == [
        dt.date(2027, 1, 1),
        dt.date(2027, 2, 6),
        dt.date(2027, 2, 7),
        dt.date(2027, 2, 8),
    ]
    import pytest
    from django import forms

    with pytest.raises(forms.ValidationError, match="第 2 行"):
        parse_days("2027-01-01\n2027-13-01")


def test_operator_loads_a_year_in_the_admin(operator_client):
    client = operator_client
    page = client.get("/admin/workdays/holidayyear/load/")
    assert "录入年度节假日安排" in page.content.decode()
    bad = client.post("/admin/workdays/holidayyear/load/", {"year": 2027, "source": "通知", "rest_days": "2028-01-01"})
    assert "日期须在 2027 年之内" in bad.content.decode()
    assert not HolidayYear.objects.exists()
    response = client.post(
        "/admin/workdays/holidayyear/load/",
        {
            "year": 2027,
            "source": "国务院办公厅关于2027年部分节假日安排的通知",
            "rest_days": "2027-01-01\n2027-02-06~2027-02-12",
            "working_days": "2027-02-14",
        },
    )
    assert response.status_code == 302
    assert DayOverride.objects.filter(is_workday=False).count() == 8
    assert DayOverride.objects.get(date=dt.date(2027, 2, 14)).is_workday
