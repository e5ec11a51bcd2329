import datetime as dt

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


def parse_days(text: str) -> list[dt.date]:
    """One date or range a line, as the State Council notice lists them: 2027-01-01 or 2027-02-06~2027-02-13."""
    days: list[dt.date] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip().replace("～", "~").replace("至", "~")
        if not line:
            continue
        try:
            first, _, last = line.partition("~")
            start = dt.date.fromisoformat(first.strip())
            end = dt.date.fromisoformat(last.strip()) if last else start
        except ValueError:
            raise forms.ValidationError(
                gettext("第 %(number)d 行“%(line)s”不是日期（应为 2027-01-01 或 2027-02-06~2027-02-13）")
                % {"number": number, "line": line}
            ) from None
        if end < start:
            raise forms.ValidationError(gettext("第 %(number)d 行的结束日期早于开始日期") % {"number": number})
        days.extend(start + dt.timedelta(days=i) for i in range((end - start).days + 1))
    return days


class HolidayYearForm(forms.Form):
    year = forms.IntegerField(label=_("年份"), min_value=2000, max_value=2100)
    source = forms.CharField(label=_("依据（通知名称与文号）"), max_length=300)
    rest_days = forms.CharField(
        label=_("放假日期"),
        widget=forms.Textarea(attrs={"rows": 8, "cols": 40}),
        help_text=_("每行一个日期或日期区间，如 2027-01-01 或 2027-02-06~2027-02-13"),
    )
    working_days = forms.CharField(
        label=_("调休上班日期"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4, "cols": 40}),
        help_text=_("需要上班的周末，每行一个日期"),
    )

    def clean_rest_days(self):
        return parse_days(self.cleaned_data["rest_days"])

    def clean_working_days(self):
        return parse_days(self.cleaned_data["working_days"])
