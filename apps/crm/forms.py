from django import forms
from django.utils.translation import gettext_lazy as _

from apps.staff.models import StaffProfile


class CustomerImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file"), help_text=_("UTF-8, first line with the column names."))
    dry_run = forms.BooleanField(label=_("Only check, import nothing"), required=False)


class GrantForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Staff member"), queryset=None)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = StaffProfile.objects.filter(is_active=True)
